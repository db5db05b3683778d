"""mod_callcenter behaviour of the model: order of events, strategies, scores, timeouts."""

from backends.sim.api import run_api
from backends.sim.model import CallCenter
from hotline_tui.site import load_site

T0 = 1795402800.0


def site(tmp_path, strategy="longest-idle-agent", agents=2, extra_queue="", ring=0, no_answer=0.0, queue_extra=""):
    y = f"""
switch: {{hostname: t, domain: t.local}}
behaviour: {{ring_mean_s: {ring}, no_answer_share: {no_answer}, no_answer_delay_s: 5}}
queues:
  - name: q1
    strategy: {strategy}
    discard_abandoned_after: 120
    abandoned_resume_allowed: true
{queue_extra}
  - name: q2
agents:
  - team: A
    ids: 1-{agents}
    wrap_up_s: 0
    skills: {{q1: 1}}
"""
    p = tmp_path / "site.yaml"
    p.write_text(y)
    return load_site(p)


def record(cc):
    log = []
    cc.listeners.append(lambda e: log.append((e.name, e.get("CC-Action"), e.get("CC-Agent"), e)))
    return log


def actions(log):
    return [a for n, a, _, _ in log if n == "CUSTOM"]


def test_answered_call_follows_mod_callcenters_order(tmp_path):
    cc = CallCenter(site(tmp_path, agents=1), seed=1, start=T0, traffic=False)
    log = record(cc)
    m = cc.arrive("q1", "13800000001")
    cc.run_until(T0 + 1)
    cc._call_ends(m.uuid, m.offer, "NORMAL_CLEARING")
    assert actions(log) == ["member-queue-start", "members-count", "agent-state-change", "agent-offering",
                            "bridge-agent-start", "agent-state-change", "members-count", "bridge-agent-end",
                            "member-queue-end", "agent-state-change"]
    states = [e.get("CC-Agent-State") for n, a, _, e in log if a == "agent-state-change"]
    assert states == ["Receiving", "In a queue call", "Waiting"]
    end = next(e for n, a, _, e in log if a == "member-queue-end")
    assert end.get("CC-Cause") == "Terminated" and end.get("Unique-ID") == m.session_uuid   # member leg data
    names = [n for n, *_ in log if n != "CUSTOM"]
    assert names[:2] == ["CHANNEL_CREATE", "CHANNEL_ANSWER"] and names.count("CHANNEL_HANGUP_COMPLETE") == 2


def test_vip_caller_jumps_the_queue(tmp_path):
    cc = CallCenter(site(tmp_path, agents=1), seed=1, start=T0, traffic=False)
    cc.run_api = None
    busy = cc.arrive("q1", "13800000001")
    cc.run_until(T0 + 1)
    plain = cc.arrive("q1", "13800000002", base_score=0)
    cc.run_until(T0 + 30)
    vip = cc.arrive("q1", "13800000003", base_score=600)
    cc.run_until(T0 + 31)
    cc._call_ends(busy.uuid, busy.offer, "NORMAL_CLEARING")
    cc.run_until(T0 + 32)
    assert cc.members[vip.uuid].state == "Answered" and cc.members[plain.uuid].state == "Waiting"
    table = run_api(cc, "callcenter_config queue list members q1").splitlines()
    assert table[1].split("|")[2] == vip.uuid             # ORDER BY score DESC


def test_ring_all_losers_lose_the_race(tmp_path):
    cc = CallCenter(site(tmp_path, strategy="ring-all", agents=3, ring=2), seed=4, start=T0, traffic=False)
    log = record(cc)
    cc.arrive("q1", "13800000001")
    cc.run_until(T0 + 30)
    offers = [a for n, act, a, _ in log if act == "agent-offering"]
    fails = [e.get("CC-Hangup-Cause") for n, act, _, e in log if act == "bridge-agent-fail"]
    assert sorted(offers) == ["1", "2", "3"] and fails == ["LOSE_RACE", "LOSE_RACE"]
    assert [act for _, act, _, _ in log].count("bridge-agent-start") == 1


def test_max_no_answer_puts_agent_on_break(tmp_path):
    cc = CallCenter(site(tmp_path, agents=1, no_answer=1.0), seed=1, start=T0, traffic=False)
    log = record(cc)
    cc.arrive("q1", "13800000001")
    cc.run_until(T0 + 200)
    fails = [e for n, act, _, e in log if act == "bridge-agent-fail"]
    assert len(fails) == 3 and all(f.get("CC-Hangup-Cause") == "NO_ANSWER" for f in fails)
    maxed = [e for n, act, _, e in log if act == "agent-max-no-answer"]
    assert maxed and maxed[0].get("CC-Agent-No-Answer-Status") == "On Break"
    assert cc.agents["1"].status == "On Break"


def test_timeout_overflows_to_another_queue(tmp_path):
    s = site(tmp_path, agents=1, queue_extra="    max_wait_time: 30\n    overflow: q2")
    cc = CallCenter(s, seed=1, start=T0, traffic=False)
    cc.set_agent_status("1", "On Break")
    log = record(cc)
    m = cc.arrive("q1", "13800000001")
    cc.run_until(T0 + 31)
    end = next(e for _, act, _, e in log if act == "member-queue-end")
    assert end.get("CC-Cancel-Reason") == "TIMEOUT"
    start2 = [e for _, act, _, e in log if act == "member-queue-start"][-1]
    assert start2.get("CC-Queue") == "q2" and start2.get("CC-Member-Session-UUID") == m.session_uuid


def test_abandoned_caller_who_rings_back_resumes(tmp_path):
    cc = CallCenter(site(tmp_path, agents=1), seed=1, start=T0, traffic=False)
    cc.set_agent_status("1", "On Break")
    log = record(cc)
    m = cc.arrive("q1", "13800000009")
    cc.run_until(T0 + 10)
    cc.leave(cc.members[m.uuid], "BREAK_OUT")
    assert cc.members[m.uuid].state == "Abandoned"
    cc.run_until(T0 + 60)
    again = cc.arrive("q1", "13800000009")
    assert again.uuid == m.uuid
    assert actions(log)[-2:] == ["member-queue-resume", "members-count"]


def test_status_quirks_as_mod_callcenter(tmp_path):
    cc = CallCenter(site(tmp_path, agents=1), seed=1, start=T0, traffic=False)
    cc.agents["1"].calls_answered, cc.agents["1"].talk_time = 5, 900
    cc.set_agent_status("1", "On Break")
    cc.set_agent_status("1", "Available")
    assert (cc.agents["1"].calls_answered, cc.agents["1"].talk_time) == (0, 0)   # reset on Available
    assert run_api(cc, "callcenter_config agent set status 1 available") == "+OK\n"
    assert run_api(cc, "callcenter_config agent get status 1") == "available"      # stored as given
    cc.arrive("q1", "13800000001")
    cc.run_until(T0 + 60)
    assert cc.agents["1"].state == "Waiting"                                       # ...and never offered a call


def test_strategies_pick_as_documented(tmp_path):
    for strategy, expected in (("agent-with-fewest-calls", "2"), ("top-down", "1"), ("agent-with-least-talk-time", "3")):
        cc = CallCenter(site(tmp_path, strategy=strategy, agents=3), seed=1, start=T0, traffic=False)
        cc.agents["1"].calls_answered, cc.agents["2"].calls_answered, cc.agents["3"].calls_answered = 5, 1, 3
        cc.agents["1"].talk_time, cc.agents["2"].talk_time, cc.agents["3"].talk_time = 500, 400, 100
        log = record(cc)
        cc.arrive("q1", "13800000001")
        cc.run_until(T0 + 1)
        assert next(a for _, act, a, _ in log if act == "agent-offering") == expected, strategy
    cc = CallCenter(site(tmp_path, strategy="round-robin", agents=3), seed=1, start=T0, traffic=False)
    log = record(cc)
    for i in range(4):
        m = cc.arrive("q1", f"1380000000{i}")
        cc.run_until(T0 + i + 1)
        cc._call_ends(m.uuid, m.offer, "NORMAL_CLEARING")
    assert [a for _, act, a, _ in log if act == "agent-offering"] == ["1", "2", "3", "1"]


def test_same_seed_same_day(demo_site):
    def run(seed):
        cc = CallCenter(demo_site, seed=seed, start=T0)
        out = []
        cc.listeners.append(lambda e: out.append((e.name, e.get("CC-Action"), e.get("Unique-ID"), round(e.at, 3))))
        cc.run_until(T0 + 900)
        return out
    a = run(5)
    assert a == run(5) and a != run(6) and len(a) > 1000
