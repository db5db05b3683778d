"""Occupancy: busy ÷ staffed agent-seconds over sliding windows (docs/kpi.md)."""

from __future__ import annotations

import pytest

from hotline_tui import switch as sw
from hotline_tui.kpi import KpiSettings
from hotline_tui.live.occupancy import Occupancy
from hotline_tui.live.state import LiveState

T = 1_800_000_000.0 - 1_800_000_000.0 % 3600     # an hour boundary, so minutes are whole


def test_talk_and_wrap_up_are_busy_breaks_are_not_staffed():
    o = Occupancy()
    o.set("1001", T, "idle")
    o.set("1001", T + 600, "busy")                      # a call from minute 10 to 20
    o.set("1001", T + 1200, "idle", T + 1260)           # then 60 s of wrap-up
    assert o.ratio(T + 1800, T) == pytest.approx((600 + 60) / 1800)
    o.set("1002", T, "off")                             # on break all along: not staffed
    assert o.ratio(T + 1800, T) == pytest.approx(660 / 1800)
    o.set("1002", T + 1800, "idle")
    assert o.ratio(T + 2400, T + 1800) == pytest.approx(0.0)   # two idle agents, nobody busy
    assert Occupancy().ratio(T + 60, T) is None                 # nobody staffed: no figure, not 0 %


def test_windows_slide_and_cut_their_first_minute_proportionally():
    o = Occupancy()
    o.set("1001", T, "busy")
    o.set("1001", T + 1800, "idle")
    o.set("1001", T + 3600, "off")
    assert o.ratio(T + 3600, T) == pytest.approx(0.5)
    assert o.ratio(T + 3600, T + 1800) == pytest.approx(0.0)   # the last 30 minutes were idle
    assert o.ratio(T + 3600, T + 1770) == pytest.approx(30 / 1830)
    o.prune(T + 30 * 3600)
    assert o.buckets == {} and o.ratio(T + 30 * 3600, T) is None


def test_a_repeated_state_or_an_older_resync_time_never_counts_twice():
    o = Occupancy()
    o.set("1001", T, "busy")
    o.set("1001", T + 100, "busy")
    o.set("1001", T + 200, "idle")
    o.set("1001", T + 150, "busy")                      # an older time (resync) starts at the last change
    assert o.ratio(T + 300, T) == pytest.approx(300 / 300)
    o.forget("1001", T + 300)
    assert o.agents == {}


def test_live_state_gives_totals_their_occupancy_from_events():
    live = LiveState(KpiSettings())
    node = "fs1"
    for name in ("1001", "1002"):
        live.apply(sw.AgentStatusChanged(node, T, name, "Available"))
        live.apply(sw.AgentStateChanged(node, T, name, "Waiting"))
    live.apply(sw.BridgeStarted(node, T + 300, "q1", "1001", "m1", "s1", "a1", T + 290, T + 300, "13800000000"))
    live.apply(sw.AgentStateChanged(node, T + 300, "1001", "In a queue call"))
    live.apply(sw.BridgeEnded(node, T + 900, "q1", "1001", "m1", True, T + 290, T + 300, T + 900))
    live.apply(sw.AgentStateChanged(node, T + 900, "1001", "Waiting"))
    live.apply(sw.AgentStatusChanged(node, T + 900, "1002", "On Break"))
    snap = live.snapshot(T + 1800)
    # staffed: 1001 for 1800 s, 1002 for 900 s; busy: 1001's 600 s call
    assert snap.totals["30m"].occupancy == pytest.approx(600 / 2700)
    assert all(q.kpi["30m"].occupancy is None for q in snap.queues)


def test_span_adds_what_the_minute_by_minute_loop_adds():
    """Occupancy._span's one-step and whole-minute paths give the same floats as the plain loop."""
    import random

    from hotline_tui.live.occupancy import BUCKET_S, Occupancy

    def plain(target, a, b, busy):
        while a < b:
            start = int(a - a % BUCKET_S)
            end = min(b, start + BUCKET_S)
            cell = target.setdefault(start, [0.0, 0.0])
            if busy:
                cell[0] += end - a
            cell[1] += end - a
            a = end
    rng = random.Random(5)
    mine: dict = {}
    theirs: dict = {}
    for _ in range(3000):
        a = T + rng.choice([rng.uniform(0, 7200), float(rng.randrange(0, 7200)), rng.randrange(0, 120) * 60.0])
        b = a + rng.choice([rng.uniform(0, 50), rng.uniform(0, 900), 60.0, 0.0, -1.0, float(rng.randrange(0, 400))])
        busy = rng.random() < 0.5
        Occupancy._span(mine, a, b, busy)
        plain(theirs, a, b, busy)
    assert mine == theirs
