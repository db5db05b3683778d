"""Rebuild the live picture's day from the record (issue 16): a console that starts — after a
restart, or beside another console — shows the same today / shift / 30-minute figures as one
that ran all day, because both count the same stored visits with the same arithmetic
(``KpiSums``, hotline_tui/kpi.py) and the same occupancy meter.

``rebuild(state, calls, now)`` reads ``records`` and ``intervals`` since the earlier of local
midnight and the current shift's start (blocks: store reads) and seeds ``state``'s windows and
occupancy. ``outcome_of`` is the one mapping from a stored ``CallRecord`` back to the
``CallOutcome`` the figures are computed from (the inverse of ``calls.record_of``).
"""

from __future__ import annotations

import bisect

from ..calls_port import TAKEN_BY_OUTCOME, AgentInterval, CallRecord, CallStore
from ..kpi import CallOutcome, KpiSettings
from .state import LiveState
from .windows import anchors

BUSY_STATES = ("In a queue call", "Receiving")
OFF_STATUSES = ("Logged Out", "On Break")


def outcome_of(r: CallRecord) -> CallOutcome:
    """The finished visit ``r`` records, as the figures count it. Never blocks."""
    answered = r.outcome == "answered"
    return CallOutcome(r.queue, r.joined_at, r.left_at, answered or r.outcome == "picked_up", r.wait_s,
                       r.talk_s if answered else 0.0, abandoned=r.outcome == "abandoned", agent=r.agent,
                       wrap_s=r.wrap_s if answered else 0.0, taken=TAKEN_BY_OUTCOME.get(r.outcome, ""))


def kind_of(iv: AgentInterval) -> str:
    """busy | idle | off for the occupancy meter (docs/kpi.md, occupancy)."""
    if iv.state in BUSY_STATES:
        return "busy"
    if iv.status in OFF_STATUSES:
        return "off"
    return "idle"


def rebuild_since(now: float, settings: KpiSettings) -> float:
    """The earliest start any anchored window (today, this shift) has at ``now``: local midnight,
    or the running shift's start when that is earlier (a shift that began yesterday evening).
    Only the running shift's start counts — the latest configured start at or before ``now``, as
    ``LiveState`` anchors its "shift" window; the earliest of every shift's last start reached
    back up to a day further than any window shows, and a console start read it all."""
    return min(anchors(now, settings))


def stretches(records: list[CallRecord], intervals: list[AgentInterval], since: float,
              until: float) -> list[tuple[AgentInterval, str, float, float, float]]:
    """Each interval cut to ``[since, until)`` as the occupancy meter counts it: (interval, kind
    busy | idle | off, start, end, busy until). An idle stretch right after an answered call is
    busy for the wrap-up credited to that call (as the live meter counts it from the bridge end).
    The one classification of agent time (docs/kpi.md occupancy): the rebuild and the agent
    reports use it. Pure; never blocks."""
    ends: dict[str, list[tuple[float, float]]] = {}
    for r in records:
        if r.outcome == "answered" and r.agent:
            ends.setdefault(r.agent, []).append((r.left_at, r.left_at + r.wrap_s))
    for v in ends.values():
        v.sort()
    out = []
    for iv in intervals:
        start, end = max(iv.started_at, since), min(iv.ended_at, until)
        if end <= start:
            continue
        kind, busy_until = kind_of(iv), 0.0
        if kind == "idle":
            calls = ends.get(iv.agent, [])
            i = bisect.bisect_right(calls, (iv.started_at + 1.0, float("inf")))   # the call that ended as this began
            if i:
                busy_until = calls[i - 1][1]
        out.append((iv, kind, start, end, busy_until))
    return out


def seed(state: LiveState, records: list[CallRecord], intervals: list[AgentInterval], now: float,
         since: float) -> None:
    """Seed an empty ``state`` with ``records`` and ``intervals`` (the record up to ``now``).
    Pure; never blocks."""
    last_left = 0.0
    for r in records:
        if since <= r.left_at < now:
            state.windows.add(outcome_of(r), now)
            last_left = max(last_left, r.left_at)
    state.calls_recorded_until = max(state.calls_recorded_until, last_left)
    for iv in intervals:
        key = (iv.node, iv.agent)
        state.intervals_recorded_until[key] = max(state.intervals_recorded_until.get(key, 0.0), iv.ended_at)
    for _, kind, start, end, until in stretches(records, intervals, since, now):
        state.occupancy.add_closed(kind, start, end, until)
    # the live meter counts from where the record ends (a real switch's events all come later;
    # the embedded simulator's warm-up would otherwise count the same past twice)
    state.occupancy_floor = max([state.occupancy_floor, *(min(iv.ended_at, now) for iv in intervals)])


def rebuild(state: LiveState, calls: CallStore, now: float) -> tuple[int, int]:
    """Seed ``state`` from the stored record of today and the current shift up to ``now``;
    return (visits, intervals) read. Raises StoreError (StoreUnavailable, StoreBusy) from the
    store. Blocks."""
    records, intervals = read(calls, now, state.settings)
    seed(state, records, intervals, now, rebuild_since(now, state.settings))
    return len(records), len(intervals)


def read(calls: CallStore, now: float, settings: KpiSettings) -> tuple[list[CallRecord], list[AgentInterval]]:
    """The stored record ``rebuild`` seeds from: visits and intervals of today and the current
    shift up to ``now``. Raises StoreError. Blocks (two queries)."""
    since = rebuild_since(now, settings)
    return calls.records(since, now), calls.intervals(since, now)
