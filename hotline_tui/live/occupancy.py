"""Agent occupancy over sliding windows: busy agent-seconds ÷ staffed agent-seconds.

Each agent is, at any instant, *busy* (on a call, being offered one, or in after-call wrap-up),
*idle* (logged in, not on break, waiting for a call) or *off* (on break or logged out, which is
not staffed time). ``set`` records a change; the elapsed time of the previous kind is added to
one-minute buckets, so a window figure is a sum over buckets (kept for 26 hours) plus the open
intervals up to ``now``. Windows cut a bucket proportionally, so figures are exact to the
minute. Pure: no clock of its own, times are the events' epoch seconds. Definition: docs/kpi.md.
"""

from __future__ import annotations

BUCKET_S = 60
KEEP_S = 26 * 3600


class Occupancy:
    def __init__(self) -> None:
        self.buckets: dict[int, list[float]] = {}             # bucket start -> [busy s, staffed s]
        self.agents: dict[str, tuple[str, float, float]] = {}  # name -> (kind, since, wrap-up ends)

    def set(self, name: str, at: float, kind: str, busy_until: float = 0.0) -> None:
        """From ``at`` agent ``name`` is ``kind`` (busy | idle | off); an idle agent is still busy
        (wrap-up) until ``busy_until``. A repeated identical state is a no-op."""
        old = self.agents.get(name)
        if old is not None:
            if old[0] == kind and old[2] == busy_until:
                return
            at = max(at, old[1])         # events from a resync may carry older times: never count twice
            self._add(self.buckets, old, at)
        self.agents[name] = (kind, at, busy_until)

    def add_closed(self, kind: str, start: float, end: float, busy_until: float = 0.0) -> None:
        """Count a finished stretch ``[start, end)`` of one agent being ``kind`` (busy | idle |
        off; idle is busy until ``busy_until``): how ``rebuild`` seeds the day from the record."""
        self._add(self.buckets, (kind, start, busy_until), end)

    def forget(self, name: str, at: float) -> None:
        old = self.agents.pop(name, None)
        if old is not None:
            self._add(self.buckets, old, max(at, old[1]))

    @staticmethod
    def _span(target: dict[int, list[float]], a: float, b: float, busy: bool) -> None:
        # Adds per minute bucket what the plain loop (min(b, bucket end) - a, bucket by bucket)
        # adds, the same floats: a stretch within one minute (most of a day's record) in one
        # step, whole minutes in between as 60.
        if a >= b:
            return
        start = int(a - a % BUCKET_S)
        end = start + BUCKET_S
        if b <= end:
            cell = target.get(start)
            if cell is None:
                cell = target[start] = [0.0, 0.0]
            if busy:
                cell[0] += b - a
            cell[1] += b - a
            return
        get = target.get
        while a < b:
            cell = get(start)
            if cell is None:
                cell = target[start] = [0.0, 0.0]
            d = (end if end < b else b) - a
            if busy:
                cell[0] += d
            cell[1] += d
            a, start, end = end, end, end + BUCKET_S

    def _add(self, target, entry: tuple[str, float, float], end: float) -> None:
        kind, start, busy_until = entry
        if kind == "off" or end <= start:
            return
        if kind == "busy":
            self._span(target, start, end, True)
            return
        wrap_end = min(max(busy_until, start), end)
        self._span(target, start, wrap_end, True)
        self._span(target, wrap_end, end, False)

    def ratio(self, now: float, since: float) -> float | None:
        """Busy ÷ staffed agent-seconds between ``since`` and ``now``; None when nobody was staffed."""
        busy = staffed = 0.0
        for kind, start, busy_until in self.agents.values():    # open intervals, up to now
            if kind == "off":
                continue
            a = max(start, since)
            if now <= a:
                continue
            staffed += now - a
            busy += now - a if kind == "busy" else max(min(busy_until, now) - a, 0.0)
        for start, (b, st) in self.buckets.items():
            end = start + BUCKET_S
            if end <= since or start >= now:
                continue
            share = (end - since) / BUCKET_S if start < since else 1.0   # a window cuts its first minute
            busy += b * share
            staffed += st * share
        return busy / staffed if staffed > 0 else None

    def prune(self, now: float) -> None:
        cut = now - KEEP_S
        for start in [s for s in self.buckets if s + BUCKET_S < cut]:
            del self.buckets[start]
