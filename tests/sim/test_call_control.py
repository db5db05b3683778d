"""The simulator's side of the supervisor's call control (issue 18): uuid_transfer of a waiting
caller to a phone or a queue, of an agent's call on to a queue or a phone, uuid_setvar
cc_base_score + requeue (a raised priority), seen in ``show channels`` and ``queue list members``."""

import json

from backends.sim.api import run_api
from backends.sim.model import CallCenter

from .test_model import T0, actions, record, site


def channels(cc):
    return {r["uuid"]: r for r in json.loads(run_api(cc, "show channels as json")).get("rows", [])}


def members(cc, q):
    lines = run_api(cc, f"callcenter_config queue list members {q}").strip().splitlines()[:-1]
    head = lines[0].split("|") if lines else []
    return [dict(zip(head, ln.split("|"))) for ln in lines[1:]]


def test_waiting_caller_picked_up_to_a_phone_leaves_the_queue_and_bridges(tmp_path):
    cc = CallCenter(site(tmp_path, agents=1), seed=1, start=T0, traffic=False)
    m = cc.arrive("q2", "13800000001")          # q2 has no agents: the caller waits
    log = record(cc)
    assert run_api(cc, f"uuid_transfer {m.session_uuid} 1900") == "+OK\n"
    chans = channels(cc)
    assert chans[m.session_uuid]["dest"] == "1900" and chans[m.session_uuid]["application"] == "bridge"
    leg = next(r for r in chans.values() if r["name"].startswith("sofia/internal/1900@"))
    assert leg["call_uuid"] == m.session_uuid
    assert "member-queue-end" in actions(log) and members(cc, "q2") == []
    assert cc.abandoned == {}                 # transferred, not an abandoned caller to resume


def test_waiting_caller_moved_to_another_queue_and_priority_raised(tmp_path):
    cc = CallCenter(site(tmp_path, agents=1), seed=1, start=T0, traffic=False)
    first = cc.arrive("q2", "13800000001")
    cc.run_until(T0 + 30)
    second = cc.arrive("q2", "13800000002")
    assert [r["cid_number"] for r in members(cc, "q2")] == ["13800000001", "13800000002"]
    assert run_api(cc, f"uuid_setvar {second.session_uuid} cc_base_score 600") == "+OK\n"
    assert run_api(cc, f"uuid_transfer {second.session_uuid} q2") == "+OK\n"
    rows = members(cc, "q2")
    assert [r["cid_number"] for r in rows] == ["13800000002", "13800000001"]   # ORDER BY score DESC
    assert rows[0]["base_score"] == "600"
    assert run_api(cc, f"uuid_setvar nosuch cc_base_score 1") == "-ERR No such channel!\n"
    cc.agents["1"].status = "Logged Out"
    assert run_api(cc, f"uuid_transfer {first.session_uuid} q1") == "+OK\n"
    assert [r["cid_number"] for r in members(cc, "q1")] == ["13800000001"]
    assert channels(cc)[first.session_uuid]["dest"] == "q1"


def test_agents_call_transferred_to_a_phone_frees_the_agent(tmp_path):
    cc = CallCenter(site(tmp_path, agents=1), seed=1, start=T0, traffic=False)
    m = cc.arrive("q1", "13800000001")
    cc.run_until(T0 + 1)
    assert cc.members[m.uuid].state == "Answered"
    agent_leg = cc.agents["1"].leg
    assert run_api(cc, f"uuid_transfer {agent_leg} 1013") == "+OK\n"     # the agent's leg names the call too
    chans = channels(cc)
    assert agent_leg not in chans and chans[m.session_uuid]["dest"] == "1013"
    assert cc.agents["1"].member == "" and m.uuid not in cc.members
    m2 = cc.arrive("q1", "13800000002")
    cc.run_until(T0 + 2)
    assert run_api(cc, f"uuid_transfer {m2.session_uuid} q2") == "+OK\n"   # on to another queue
    assert [r["cid_number"] for r in members(cc, "q2")] == ["13800000002"]


def test_a_callback_killed_ends_both_legs_and_the_agent_takes_queue_calls_again(tmp_path):
    # a desk callback (issue 17): the agent's phone dials the citizen; while it lasts the agent is
    # offered no queue call; uuid_kill of either leg ends both and frees the agent at once
    cc = CallCenter(site(tmp_path, agents=1), seed=1, start=T0, traffic=False)
    reply = run_api(cc, "originate {origination_caller_id_number=12345,hotline_callback=true}user/1 "
                        "13800000009 XML default")
    assert reply.startswith("+OK ")
    a_leg = reply.removeprefix("+OK ").strip()
    b_leg = cc.calls[a_leg][0]
    m = cc.arrive("q1", "13800000001")
    cc.run_until(T0 + 5)
    assert cc.members[m.uuid].state == "Waiting"          # the agent is on the callback
    assert run_api(cc, f"uuid_kill {b_leg}") == "+OK\n"     # the citizen hangs up
    assert a_leg not in cc.channels and b_leg not in cc.channels
    cc.run_until(T0 + 6)
    assert cc.members[m.uuid].state == "Answered" and cc.members[m.uuid].serving_agent == "1"
    cc.run_until(T0 + 600)                                  # the callback's timed end does nothing now
    assert cc.agents["1"].external_calls_count == 0
