"""Call figures per queue over the live windows without keeping every call.

Finished calls are added, as ``KpiSums``, to two sets of time buckets per queue, by the time the
call left the queue: 10-second buckets for the last 31 minutes (the sliding 30-minute window is
their sum, exact to 10 s) and one-minute buckets for 26 hours (the anchored windows — this shift,
today — start on a whole minute, so they are exact). The anchored windows also keep running sums,
so a refresh costs a few bucket look-ups, not a pass over the day's calls; they are rebuilt from
the minute buckets when their start moves (a new shift, a new day). Pure and deterministic.
"""

from __future__ import annotations

from ..kpi import CallOutcome, KpiSettings, KpiSums

FINE_S = 10
COARSE_S = 60
FINE_KEEP_S = 31 * 60
KEEP_S = 26 * 3600


class QueueWindows:
    def __init__(self, settings: KpiSettings):
        self.settings = settings
        self.fine: dict[str, dict[int, KpiSums]] = {}
        self.coarse: dict[str, dict[int, KpiSums]] = {}
        self.anchored: dict[str, tuple[int, dict[str, KpiSums]]] = {}   # window -> (start, queue -> sums)
        self._pruned_at = 0.0

    def add(self, o: CallOutcome, now: float | None = None) -> None:
        """Count a finished call. ``now`` (a rebuild from the record): a call that left before
        the last 31 minutes goes into the minute buckets only — ``sliding`` never reads a
        10-second bucket that old, and ``prune`` would drop it."""
        s, q, t = self.settings, o.queue, o.left_at
        tables: tuple[tuple[dict[str, dict[int, KpiSums]], int], ...] = ((self.fine, FINE_S), (self.coarse, COARSE_S))
        if now is not None and t < now - FINE_KEEP_S:
            tables = tables[1:]
        for table, size in tables:
            buckets = table.get(q)
            if buckets is None:
                buckets = table[q] = {}
            key = int(t // size * size)
            acc = buckets.get(key)
            if acc is None:
                acc = buckets[key] = KpiSums()
            acc.add(o, s)
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
        for q, buckets in self.fine.items():
            acc = KpiSums()
            for key, b in buckets.items():
                if key >= first:
                    acc.merge(b)
            out[q] = acc
        return out

    def anchored_since(self, name: str, start: float) -> dict[str, KpiSums]:
        """Sums per queue of the calls that left at or after ``start`` (a whole minute), kept
        running; rebuilt from the minute buckets when ``start`` changes."""
        start = int(start // COARSE_S * COARSE_S)
        cur = self.anchored.get(name)
        if cur is not None and cur[0] == start:
            return cur[1]
        per_q: dict[str, KpiSums] = {}
        for q, buckets in self.coarse.items():
            acc = per_q[q] = KpiSums()
            for key, b in buckets.items():
                if key >= start:
                    acc.merge(b)
        self.anchored[name] = (start, per_q)
        return per_q

    def prune(self, now: float) -> None:
        """Forget buckets no window can reach any more (at most once a minute)."""
        if now - self._pruned_at < 60:
            return
        self._pruned_at = now
        for table, keep in ((self.fine, FINE_KEEP_S), (self.coarse, KEEP_S)):
            cut = now - keep
            for buckets in table.values():
                for key in [k for k in buckets if k < cut]:
                    del buckets[key]
