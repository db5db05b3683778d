"""LiveState after a (re)connect equals the switch's tables: callers no longer on the switch are
cleared, time in state is seeded from the agent table, calls and talk today from its counters
(and, for an agent already known today, what the switch counted while the link was down)."""

from __future__ import annotations

from hotline_tui import switch as sw
from hotline_tui.live.state import LiveState

T = 1795402800.0     # a weekday morning
N = "fs1"


def agent(name="1001", status="Available", state="Waiting", **kw) -> sw.AgentRow:
    return sw.AgentRow(name, status, state, f"user/{name}", **kw)


def answered(uuid="m1", agent_name="1001", number="13800000001", bridge_at=T - 174) -> sw.MemberRow:
    return sw.MemberRow("q1", uuid, "s-" + uuid, "Answered", T - 200, number, "", agent_name, bridge_at)


def resynced(at, agents=(), members=(), tiers=(sw.TierRow("q1", "1001"),)) -> sw.Resynced:
    return sw.Resynced(N, at, tuple(agents), tuple(tiers), tuple(members), (), ("q1",))


def view(state: LiveState, now: float, name="1001"):
    return next(a for a in state.snapshot(now).agents if a.name == name)


def test_a_call_that_ended_while_the_link_was_down_leaves_no_caller_behind():
    st = LiveState()
    st.apply(resynced(T, [agent(state="In a queue call", last_bridge_start=T - 174, last_status_change=T - 624)],
                      [answered()]))
    v = view(st, T)
    assert (v.current_call, v.caller_number) == ("m1", "13800000001")
    # the call ended and the agent logged out while the console was away
    st.apply(resynced(T + 60, [agent(status="Logged Out", state="Waiting", last_status_change=T + 30,
                                     last_bridge_end=T + 20, calls_answered=1, talk_time=194)]))
    v = view(st, T + 60)
    assert (v.status, v.current_call, v.caller_number, v.flags) == ("Logged Out", "", "", ())
    assert st.snapshot(T + 60).calls == ()


def test_an_agent_who_moved_to_another_call_shows_the_new_caller():
    st = LiveState()
    st.apply(resynced(T, [agent(state="In a queue call", last_bridge_start=T - 174)], [answered()]))
    st.apply(resynced(T + 300, [agent(state="In a queue call", last_bridge_start=T + 280)],
                      [answered("m2", number="13900000002", bridge_at=T + 280)]))
    v = view(st, T + 300)
    assert (v.current_call, v.caller_number, v.time_in_state_s) == ("m2", "13900000002", 20.0)


def test_time_in_state_of_a_call_in_progress_counts_from_the_bridge_not_the_status_change():
    st = LiveState()
    st.apply(resynced(T, [agent(state="In a queue call", last_status_change=T - 624, last_bridge_start=T - 174)],
                      [answered()]))
    assert view(st, T).time_in_state_s == 174.0          # 2:54, not 10:24


def test_time_in_state_per_state_from_the_agent_table():
    st = LiveState()
    rows = [agent("1001", state="Receiving", last_status_change=T - 600, last_offered_call=T - 8),
            agent("1002", state="Waiting", last_status_change=T - 600, last_bridge_end=T - 45, last_bridge_start=T - 300),
            agent("1003", status="On Break", state="Waiting", last_status_change=T - 90, last_bridge_end=T - 400),
            agent("1004", status="Logged Out", state="Waiting", last_status_change=0)]
    st.apply(resynced(T, rows, tiers=()))
    got = {a.name: a.time_in_state_s for a in st.snapshot(T + 10).agents}
    # 1004: the table knows no time at all, so it counts from the resync
    assert got == {"1001": 18.0, "1002": 55.0, "1003": 100.0, "1004": 10.0}


def test_calls_and_talk_today_are_seeded_from_the_switch_counters():
    st = LiveState()
    st.apply(resynced(T, [agent(calls_answered=3, talk_time=335, last_status_change=T - 3600)]))
    v = view(st, T)
    assert (v.calls_today, v.talk_time_today_s) == (3, 335.0)


def test_a_reconnect_adds_what_the_switch_counted_while_the_link_was_down():
    st = LiveState()
    st.apply(resynced(T, [agent(calls_answered=3, talk_time=335)]))
    # one call seen live: 60 s
    st.apply(sw.BridgeEnded(N, T + 100, "q1", "1001", "m9", True, T + 20, T + 40, T + 100))
    assert (view(st, T + 100).calls_today, view(st, T + 100).talk_time_today_s) == (4, 395.0)
    # while away the switch counted one more (105 s): it now says 5 / 500
    st.apply(resynced(T + 400, [agent(calls_answered=5, talk_time=500)]))
    v = view(st, T + 400)
    assert (v.calls_today, v.talk_time_today_s) == (5, 500.0)
    # the same tables again add nothing
    st.apply(resynced(T + 410, [agent(calls_answered=5, talk_time=500)]))
    assert (view(st, T + 410).calls_today, view(st, T + 410).talk_time_today_s) == (5, 500.0)


def test_the_switch_resetting_its_counters_on_available_does_not_lose_todays_calls():
    st = LiveState()
    st.apply(resynced(T, [agent(calls_answered=5, talk_time=500)]))
    st.apply(sw.AgentStatusChanged(N, T + 10, "1001", "On Break"))
    st.apply(sw.AgentStatusChanged(N, T + 600, "1001", "Available"))    # mod_callcenter: counters to 0
    st.apply(resynced(T + 900, [agent(calls_answered=2, talk_time=100, last_status_change=T + 600)]))
    v = view(st, T + 900)
    assert (v.calls_today, v.talk_time_today_s) == (7, 600.0)
    # and a reset the console did not see (the link was down) counts all the switch has as new
    st.apply(resynced(T + 1800, [agent(calls_answered=1, talk_time=40, last_status_change=T + 1500)]))
    v = view(st, T + 1800)
    assert (v.calls_today, v.talk_time_today_s) == (8, 640.0)


def test_an_unchanged_agent_keeps_the_finer_time_of_its_event():
    st = LiveState()
    st.apply(resynced(T, [agent(last_status_change=T - 100)]))
    st.apply(sw.AgentStateChanged(N, T + 5.75, "1001", "Receiving"))
    st.apply(sw.AgentStateChanged(N, T + 9.5, "1001", "Waiting"))
    # the offer failed; the table's best bound is the offer (T + 5): the event time is kept
    st.apply(resynced(T + 20, [agent(last_status_change=T - 100, last_offered_call=T + 5)]))
    assert view(st, T + 20).since == T + 9.5
    # a state change the console missed: the table's time wins
    st.apply(resynced(T + 400, [agent(last_status_change=T - 100, last_offered_call=T + 300, last_bridge_end=T + 380,
                                      last_bridge_start=T + 310)]))
    assert view(st, T + 400).since == T + 380


def test_agents_and_callers_gone_from_the_switch_are_gone_from_the_picture():
    st = LiveState()
    waiting = sw.MemberRow("q1", "w1", "s-w1", "Waiting", T - 30, "13700000000")
    st.apply(resynced(T, [agent("1001"), agent("1002", state="In a queue call", last_bridge_start=T - 5)],
                      [waiting, answered("m1", "1002")]))
    assert [c.member_uuid for q in st.snapshot(T).queues for c in q.callers] == ["w1"]
    st.apply(resynced(T + 60, [agent("1001")]))
    snap = st.snapshot(T + 60)
    assert [a.name for a in snap.agents] == ["1001"]
    assert [c for q in snap.queues for c in q.callers] == [] and snap.calls == ()
