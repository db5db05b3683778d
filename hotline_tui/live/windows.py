"""Call figures per queue over the live windows without keeping every call, in memory that does
not grow with the hours a console runs.

Finished calls are added, as ``KpiSums``, per queue, by the time the call left the queue, to:

* a ring of 10-second buckets covering the last 33 minutes (the sliding 30-minute window is the
  sum of the buckets it reaches, exact to 10 s). Its slots are made when a queue first has a call
  and then reused, so a province console's memory is flat from its first minute, not after 31;
* one sum per *segment*: the stretch between two window starts (local midnight and each shift's
  start, ``anchor_of``). The anchored windows (this shift, today) begin on a segment's start, so
  the sum of the segments from there is exact — a few sums a day per queue, where one-minute
  buckets held 1,560.

The anchored windows also keep running sums, so a refresh costs a few look-ups, not a pass over
the day's calls; they are summed again from the segments when their start moves (a new shift, a
new day, a replay's jump). Pure and deterministic.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..clock import SITE_TZ
from ..kpi import CallOutcome, KpiSettings, KpiSums

FINE_S = 10
FINE_KEEP_S = 31 * 60           # what ``sliding`` may read: the 30-minute window and its first bucket
# Ring slots: 33 min 20 s. The two minutes past FINE_KEEP_S keep a slot from being reused by a
# call stamped up to ~2 min ahead of the console's clock (a switch whose clock runs fast).
FINE_SLOTS = 200
SEGMENTS_KEEP_S = 50 * 3600     # two days of segments: any start a window can have, with room


def anchors(now: float, settings: KpiSettings) -> tuple[float, float]:
    """(the running shift's start, local midnight) at ``now``, epoch seconds: the starts of the
    "shift" and "today" windows. The running shift is the latest configured start at or before
    ``now`` (yesterday's, before today's first); no shifts configured: midnight. Pure."""
    local = datetime.fromtimestamp(now, SITE_TZ)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    starts = []
    for _, t in settings.shift_starts:
        s = local.replace(hour=t.hour, minute=t.minute, second=0, microsecond=0)
        starts.append(s if s <= local else s - timedelta(days=1))
    return (max(starts) if starts else midnight).timestamp(), midnight.timestamp()


def window_starts(now: float, settings: KpiSettings) -> dict[str, float]:
    """Each live window's start at ``now``: "30m" (sliding), "shift" and "today" (anchored)."""
    shift, today = anchors(now, settings)
    return {"30m": now - 1800, "shift": shift, "today": today}


def anchor_of(t: float, settings: KpiSettings) -> int:
    """The start of the segment holding ``t``: the latest window start at or before it (the
    later of its shift's start and its midnight). Every anchored window starts on one."""
    return int(max(anchors(t, settings)))


class _Ring:
    """10-second buckets in FINE_SLOTS reused slots: slot ``key // FINE_S % FINE_SLOTS``."""

    __slots__ = ("keys", "sums")

    def __init__(self) -> None:
        self.keys = [-1] * FINE_SLOTS
        self.sums = [KpiSums() for _ in range(FINE_SLOTS)]

    def bucket(self, key: int) -> KpiSums | None:
        """The bucket for ``key``, emptied if its slot held an older one; None when the slot holds
        a newer bucket (``key`` is over 33 minutes older than it: no window reads it)."""
        i = key // FINE_S % FINE_SLOTS
        held = self.keys[i]
        if held == key:
            return self.sums[i]
        if held > key:
            return None
        self.keys[i] = key
        acc = self.sums[i]
        acc.reset()           # the slot's object is reused: no allocation once the ring exists
        return acc


class QueueWindows:
    def __init__(self, settings: KpiSettings):
        self.settings = settings
        self.fine: dict[str, _Ring] = {}
        self.segments: dict[str, dict[int, KpiSums]] = {}           # queue -> segment start -> sums
        self.anchored: dict[str, tuple[int, dict[str, KpiSums]]] = {}   # window -> (start, queue -> sums)
        self._pruned_at = 0.0
        self._seg_minute, self._seg_key = -1, 0    # anchor_of for the last call's minute (calls come in order)

    def _segment(self, t: float) -> int:
        minute = int(t // 60)                 # window starts are whole minutes: one answer per minute
        if minute != self._seg_minute:
            self._seg_minute, self._seg_key = minute, anchor_of(t, self.settings)
        return self._seg_key

    def add(self, o: CallOutcome, now: float | None = None) -> None:
        """Count a finished call. ``now`` (a rebuild from the record): a call that left before
        the last 31 minutes goes into its segment only — ``sliding`` never reads a 10-second
        bucket that old."""
        s, q, t = self.settings, o.queue, o.left_at
        if now is None or t >= now - FINE_KEEP_S:
            ring = self.fine.get(q)
            if ring is None:
                ring = self.fine[q] = _Ring()
            acc = ring.bucket(int(t // FINE_S * FINE_S))
            if acc is not None:
                acc.add(o, s)
        segs = self.segments.get(q)
        if segs is None:
            segs = self.segments[q] = {}
        key = self._segment(t)
        seg = segs.get(key)
        if seg is None:
            seg = segs[key] = KpiSums()
        seg.add(o, s)
        for start, per_q in self.anchored.values():
            if t >= start:
                acc = per_q.get(q)
                if acc is None:
                    acc = per_q[q] = KpiSums()
                acc.add(o, s)

    def sliding(self, since: float) -> dict[str, KpiSums]:
        """Sums per queue of the calls that left at or after ``since`` (to 10 s: from the start
        of the 10-second bucket holding ``since``). ``since`` must be within the last 31 minutes."""
        first = int(since // FINE_S * FINE_S)
        out: dict[str, KpiSums] = {}
        for q, ring in self.fine.items():
            acc = KpiSums()
            for key, b in zip(ring.keys, ring.sums):
                if key >= first:
                    acc.merge(b)
            out[q] = acc
        return out

    def anchored_since(self, name: str, start: float) -> dict[str, KpiSums]:
        """Sums per queue of the calls that left at or after ``start``, kept running; summed again
        from the segments when ``start`` changes. ``start`` must be a window start (``anchors``:
        a shift's start or a midnight), which is where segments begin; never blocks."""
        start = int(start)
        cur = self.anchored.get(name)
        if cur is not None and cur[0] == start:
            return cur[1]
        per_q: dict[str, KpiSums] = {}
        for q, segs in self.segments.items():
            acc = per_q[q] = KpiSums()
            for key, b in segs.items():
                if key >= start:
                    acc.merge(b)
        self.anchored[name] = (start, per_q)
        return per_q

    def prune(self, now: float) -> None:
        """Forget segments no window can reach any more (at most once a minute). The ring needs
        no pruning: its slots are reused."""
        if now - self._pruned_at < 60:
            return
        self._pruned_at = now
        cut = now - SEGMENTS_KEEP_S
        for segs in self.segments.values():
            for key in [k for k in segs if k < cut]:
                del segs[key]

    def bucket_count(self) -> int:
        """How many sums this holds (ring slots + segments): what its memory grows with."""
        return FINE_SLOTS * len(self.fine) + sum(len(s) for s in self.segments.values())
