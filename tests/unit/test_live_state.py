"""LiveState as a pure projection: scripted events in, snapshots out."""

from datetime import datetime

from hotline_tui import switch as sw
from hotline_tui.clock import SITE_TZ
from hotline_tui.kpi import KpiSettings
from hotline_tui.live.state import LiveState

T = datetime(2026, 11, 23, 10, 0, tzinfo=SITE_TZ).timestamp()
N = "fs1"
Q = "12345-general"


def base():
    s = LiveState(KpiSettings(), teams={"1001": "话务一班"})
    s.apply(sw.Resynced(N, T, agents=(sw.AgentRow("1001", "Available", "Waiting", wrap_up_time=10),
                                       sw.AgentRow("1002", "On Break", "Idle")),
                        tiers=(sw.TierRow(Q, "1001"), sw.TierRow(Q, "1002")), queues=(Q,)))
    return s


def answered_call(s, uuid, t0, wait, talk, agent="1001"):
    s.apply(sw.MemberJoined(N, t0, Q, uuid, "s-" + uuid, "13812341234", "张三"))
    s.apply(sw.AgentOffered(N, t0 + wait - 1, Q, agent, uuid))
    s.apply(sw.AgentStateChanged(N, t0 + wait - 1, agent, "Receiving"))
    s.apply(sw.BridgeStarted(N, t0 + wait, Q, agent, uuid, "s-" + uuid, "a-" + uuid, t0, t0 + wait, "13812341234"))
    s.apply(sw.AgentStateChanged(N, t0 + wait, agent, "In a queue call"))
    end = t0 + wait + talk
    s.apply(sw.BridgeEnded(N, end, Q, agent, uuid, True, t0, t0 + wait, end))
    s.apply(sw.MemberLeft(N, end, Q, uuid, "s-" + uuid, "Terminated", t0, end, agent=agent, answered_at=t0 + wait))
    s.apply(sw.AgentStateChanged(N, end, agent, "Waiting"))


def test_waiting_callers_and_agent_counts():
    s = base()
    s.apply(sw.MemberJoined(N, T + 5, Q, "m1", "s1", "13800000001", "李四"))
    s.apply(sw.MemberJoined(N, T + 20, Q, "m2", "s2", "13800000002", ""))
    q = s.snapshot(T + 65).queues[0]
    assert (q.name, q.waiting, q.longest_wait_s) == (Q, 2, 60)
    assert (q.agents_available, q.agents_on_break, q.agents_logged_in) == (1, 1, 2)
    assert [c.member_uuid for c in q.callers] == ["m1", "m2"] and q.estimated_wait_s > 0


def test_answered_and_abandoned_calls_feed_windows_and_agent_day():
    s = base()
    answered_call(s, "m1", T, wait=10, talk=100)
    answered_call(s, "m2", T + 200, wait=40, talk=60)
    s.apply(sw.MemberJoined(N, T + 300, Q, "m3", "s3", "1", ""))
    s.apply(sw.MemberLeft(N, T + 302, Q, "m3", "s3", "Cancel", T + 300, T + 302, "BREAK_OUT"))   # short abandon
    s.apply(sw.MemberJoined(N, T + 400, Q, "m4", "s4", "1", ""))
    s.apply(sw.MemberLeft(N, T + 430, Q, "m4", "s4", "Cancel", T + 400, T + 430, "BREAK_OUT"))
    snap = s.snapshot(T + 500)
    k = snap.queues[0].kpi["30m"]
    assert (k.offered, k.answered, k.abandoned, k.short_abandoned, k.answered_within) == (4, 2, 2, 1, 1)
    # AHT = talk + after-call work: (100 + 60) / 2 talk, plus agent 1001's 10 s wrap-up per call.
    assert k.service_level == 0.25 and k.asa_s == 25 and k.aht_s == 90
    agent = next(a for a in snap.agents if a.name == "1001")
    assert (agent.calls_today, agent.talk_time_today_s, agent.team, agent.state) == (2, 160, "话务一班", "Waiting")
    # 31 minutes later the 30-minute window has slid past every call; today still has them.
    later = s.snapshot(T + 500 + 31 * 60).queues[0].kpi
    assert later["30m"].offered == 0 and later["30m"].service_level is None and later["today"].offered == 4


def test_wrap_up_after_a_call():
    s = base()
    answered_call(s, "m1", T, wait=5, talk=30)
    q = s.snapshot(T + 38).queues[0]
    assert q.agents_wrap_up == 1 and q.agents_available == 0
    assert s.snapshot(T + 50).queues[0].agents_available == 1


def test_resync_replaces_stale_state_and_keeps_day_counters():
    s = base()
    answered_call(s, "m1", T, wait=5, talk=30)
    s.apply(sw.MemberJoined(N, T + 100, Q, "ghost", "sg", "1", ""))          # left while we were disconnected
    s.apply(sw.Resynced(N, T + 200, agents=(sw.AgentRow("1001", "On Break", "Idle"),),
                        tiers=(sw.TierRow(Q, "1001"),),
                        members=(sw.MemberRow(Q, "m9", "s9", "Waiting", T + 150, "139"),)))
    snap = s.snapshot(T + 210)
    assert [c.member_uuid for c in snap.queues[0].callers] == ["m9"]
    assert [(a.name, a.status, a.calls_today) for a in snap.agents] == [("1001", "On Break", 1)]


def test_contradictions_are_flagged():
    s = base()
    s.apply(sw.AgentStateChanged(N, T + 1, "1001", "In a queue call"))
    a = next(a for a in s.snapshot(T + 2).agents if a.name == "1001")
    assert "in-call-without-caller" in a.flags


def test_midnight_resets_agent_day_not_sliding_windows():
    s = base()
    late = datetime(2026, 11, 23, 23, 50, tzinfo=SITE_TZ).timestamp()
    answered_call(s, "m1", late, wait=5, talk=60)
    after = late + 20 * 60   # 00:10 next day
    snap = s.snapshot(after)
    assert snap.queues[0].kpi["30m"].offered == 1 and snap.queues[0].kpi["today"].offered == 0
    assert next(a for a in snap.agents if a.name == "1001").calls_today == 0


def test_handle_time_uses_the_serving_agents_wrap_up_and_feeds_estimated_wait():
    s = base()
    s.apply(sw.Resynced(N, T, agents=(sw.AgentRow("1001", "Available", "Waiting", wrap_up_time=30),
                                       sw.AgentRow("1003", "Available", "Waiting", wrap_up_time=0)),
                        tiers=(sw.TierRow(Q, "1001"), sw.TierRow(Q, "1003")), queues=(Q,)))
    answered_call(s, "m1", T, wait=10, talk=100, agent="1001")
    answered_call(s, "m2", T + 10, wait=10, talk=50, agent="1003")
    s.apply(sw.MemberJoined(N, T + 400, Q, "m3", "s3", "1", ""))
    q = s.snapshot(T + 401).queues[0]
    assert q.kpi["30m"].aht_s == (100 + 30 + 50 + 0) / 2
    # one caller waiting, two agents free: 1 × AHT ÷ 2
    assert q.estimated_wait_s == q.kpi["30m"].aht_s / 2


def test_the_desks_not_ready_reason_goes_with_the_break_interval():
    """issue 16: the switch's events carry no reason; the desk's (note_reason) is recorded with
    the On Break interval — whether it comes before the switch's event or after it."""
    s = base()
    got = []
    s.interval_sinks.append(got.append)
    s.note_reason("1001", "On Break", "meal")                             # before the event
    s.apply(sw.AgentStatusChanged(N, T + 60, "1001", "On Break"))
    s.apply(sw.AgentStatusChanged(N, T + 960, "1001", "Available"))
    s.apply(sw.AgentStatusChanged(N, T + 1000, "1001", "On Break"))       # the event first
    s.note_reason("1001", "On Break", "training")
    s.apply(sw.AgentStatusChanged(N, T + 1300, "1001", "Available"))
    s.apply(sw.AgentStatusChanged(N, T + 1400, "1001", "On Break"))       # a break not from the desk
    s.apply(sw.AgentStatusChanged(N, T + 1500, "1001", "Available"))
    assert [(iv.status, iv.started_at - T, iv.ended_at - T, iv.reason) for iv in got if iv.agent == "1001"] == [
        ("Available", 0, 60, ""), ("On Break", 60, 960, "meal"), ("Available", 960, 1000, ""),
        ("On Break", 1000, 1300, "training"), ("Available", 1300, 1400, ""), ("On Break", 1400, 1500, "")]
