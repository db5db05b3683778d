"""Issue 18: a waiting caller's priority (mod_callcenter's base score) and position, from the
events and the resync, in the switch's own order (score = base score + seconds waited)."""

from datetime import datetime

from backends.freeswitch.mapping import map_event
from backends.freeswitch.resync import build_resynced
from hotline_tui import switch as sw
from hotline_tui.clock import SITE_TZ
from hotline_tui.kpi import KpiSettings
from hotline_tui.live.state import LiveState

T = datetime(2026, 11, 23, 10, 0, tzinfo=SITE_TZ).timestamp()
N, Q = "fs1", "general@12345"


def test_position_follows_priority_plus_wait_and_the_session_is_kept():
    s = LiveState(KpiSettings(), queues=(Q,))
    s.apply(sw.MemberJoined(N, T, Q, "m1", "s1", "13800000001"))
    s.apply(sw.MemberJoined(N, T + 100, Q, "m2", "s2", "13800000002", base_score=600))
    s.apply(sw.MemberJoined(N, T + 110, Q, "m3", "s3", "13800000003"))
    callers = {c.member_uuid: c for c in s.snapshot(T + 120).queues[0].callers}
    assert {u: c.position for u, c in callers.items()} == {"m2": 1, "m1": 2, "m3": 3}
    assert callers["m2"].priority == 600 and callers["m2"].session_uuid == "s2" and callers["m2"].node == N
    s.apply(sw.AgentOffered(N, T + 121, Q, "1001", "m2"))
    assert {c.member_uuid: c.state for c in s.snapshot(T + 122).queues[0].callers}["m2"] == "Trying"
    # a caller who has waited more than the VIP's ten-minute head start longer is still ahead of it
    s.apply(sw.MemberJoined(N, T - 800, Q, "m0", "s0", "13800000000"))
    callers = {c.member_uuid: c.position for c in s.snapshot(T + 130).queues[0].callers}
    assert callers == {"m0": 1, "m2": 2, "m1": 3, "m3": 4}

def test_base_score_from_the_event_and_from_the_member_table():
    ev = {"Event-Name": "CUSTOM", "Event-Subclass": "callcenter::info", "CC-Action": "member-queue-start",
          "CC-Queue": Q, "CC-Member-UUID": "m1", "CC-Member-Session-UUID": "s1", "CC-Member-CID-Number": "1380",
          "Event-Date-Timestamp": str(int(T * 1e6)), "variable_cc_base_score": "600"}
    e = map_event(ev, N)
    assert isinstance(e, sw.MemberJoined) and e.base_score == 600
    ev.pop("variable_cc_base_score")
    assert map_event(ev, N).base_score == 0
    members = ("queue|instance_id|uuid|session_uuid|cid_number|cid_name|system_epoch|joined_epoch|rejoined_epoch|"
               "bridge_epoch|abandoned_epoch|base_score|skill_score|serving_agent|serving_system|state|score\n"
               f"{Q}|single_box|m9|s9|1390|||{int(T)}|0|0|0|900|0|||Waiting|960\n+OK\n")
    r = build_resynced(N, T, "", "", "name\n" + Q + "\n+OK\n", {Q: members}, '{"row_count": 0}')
    assert r.members[0].base_score == 900
    s = LiveState(KpiSettings())
    s.apply(r)
    assert s.snapshot(T + 60).queues[0].callers[0].priority == 900
