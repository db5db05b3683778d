"""Issue 18: the note a supervisor's pick-up or move leaves for the live picture (CallerTaken).
Pure: scripted events in, figures out; the Supervisor against the real adapter with no switch
behind it (a LinkError), so a failed transfer withdraws its note."""

import asyncio
from datetime import datetime

import pytest

from backends.freeswitch.port import SwitchCluster
from hotline_tui import switch as sw
from hotline_tui.access import load_access
from hotline_tui.calls import record_of
from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import LinkError
from hotline_tui.kpi import KpiSettings
from hotline_tui.live.recording import decode, encode
from hotline_tui.live.rebuild import outcome_of
from hotline_tui.live.state import LiveState
from hotline_tui.supervisor import Supervisor

T = datetime(2026, 11, 23, 10, 0, tzinfo=SITE_TZ).timestamp()
N, Q = "fs1", "12345-general"


def waiting(s: LiveState, uuid: str, at: float = T) -> None:
    s.apply(sw.MemberJoined(N, at, Q, uuid, "s-" + uuid, "13800000001", ""))


def left(uuid: str, at: float, reason: str = "BREAK_OUT") -> sw.MemberLeft:
    return sw.MemberLeft(N, at, Q, uuid, "s-" + uuid, "Cancel", T, at, reason)


def test_each_note_is_used_once_and_only_for_the_break_out_that_follows():
    s, seen = LiveState(KpiSettings()), []
    s.sinks.append(lambda o, e: seen.append(record_of(o, e).outcome))
    for u in ("m1", "m2", "m3", "m4"):
        waiting(s, u)
    s.apply(sw.CallerTaken(N, T + 30, "s-m1", "picked_up"))
    s.apply(sw.CallerTaken("", T + 30, "s-m2", "moved"))        # one switch: the note may carry no node
    s.apply(sw.CallerTaken(N, T + 30, "s-m3", "moved"))
    s.apply(sw.CallerTaken(N, T + 31, "s-m3", ""))              # the transfer failed: withdrawn
    s.apply(sw.CallerTaken(N, T + 30, "s-m4", "picked_up"))
    for u in ("m1", "m2", "m3"):
        s.apply(left(u, T + 40))
    s.apply(left("m4", T + 40, "TIMEOUT"))                      # not a BREAK_OUT: the switch's word stands
    assert seen == ["picked_up", "transferred", "abandoned", "timeout"] and not s.taken
    f = s.snapshot(T + 41).totals["today"]
    assert (f.offered, f.answered, f.abandoned, f.asa_s, f.aht_s) == (4, 1, 1, 40.0, None)


def test_the_note_survives_a_recording_and_the_record_reads_back_the_same():
    e = sw.CallerTaken(N, T, "s-m1", "moved")
    assert decode(encode(e)) == e
    s, records = LiveState(KpiSettings()), []
    s.sinks.append(lambda o, ev: records.append(record_of(o, ev)))
    waiting(s, "m1")
    s.apply(sw.CallerTaken(N, T + 30, "s-m1", "picked_up"))
    s.apply(left("m1", T + 30))
    [r] = records
    back = outcome_of(r)
    assert (r.outcome, r.answered_at, back.answered, back.taken, back.wait_s) == ("picked_up", T + 30, True,
                                                                                 "picked_up", 30.0)


def test_a_pick_up_the_switch_never_took_leaves_no_note():
    s = LiveState(KpiSettings())
    sup = Supervisor(SwitchCluster([], lambda e: None), load_access(DEMO_DIR), None, FixedClock(), s.apply)
    with pytest.raises(LinkError):
        asyncio.run(sup.pick_up(sup.access.user("duty"), "s-m1", Q))
    with pytest.raises(LinkError):
        asyncio.run(sup.raise_priority(sup.access.user("duty"), "s-m1", Q, 900))
    assert s.taken == {}
