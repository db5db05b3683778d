"""Conformance of the simulated mod_callcenter, channels and core APIs, over the real TCP socket.

Source: signalwire/freeswitch @ cc93a683 (2026-08). ``CC`` = src/mod/applications/mod_callcenter/
mod_callcenter.c, ``SM`` = src/switch_core_state_machine.c, ``CH`` = src/switch_channel.c,
``SQL`` = src/switch_core_sqldb.c, ``CMD`` = src/mod/applications/mod_commands/mod_commands.c,
``CORE`` = src/switch_core.c.
"""

import json

from backends.sim.model import CallCenter

from .conftest import T0, authed, events_until_reply, reply, small_site


async def _watch(serve, cc, events="event plain ALL"):
    server = await serve(cc)
    return await authed(server.port, events)


def _cc(evs, action=None):
    return [e for e in evs if e.get("Event-Name") == "CUSTOM" and e.get("Event-Subclass") == "callcenter::info"
            and (action is None or e.get("CC-Action") == action)]


async def _api(c, line):
    f, evs = await reply(c, f"api {line}")
    return f.text(), [e.event() for e in evs]


# -- mod_callcenter events ----------------------------------------------------------------------

async def test_hangup_cause_of_an_answered_call_is_the_originate_result(tmp_path, serve):
    # CC outbound_agent_thread_run(): bridge-agent-end L2066 and member-queue-end L2102 carry
    # cause2str(cause) of the originate: SUCCESS for a callback agent; cause starts as
    # SWITCH_CAUSE_NONE (L1686) and a uuid-standby agent is never originated → NONE.
    for agent_type, want in (("callback", "SUCCESS"), ("uuid-standby", "NONE")):
        cc = CallCenter(small_site(tmp_path, agents=1), seed=1, start=T0, traffic=False)
        c = await _watch(serve, cc)
        text, _ = await _api(c, f"callcenter_config agent set type 1 {agent_type}")
        assert text == "+OK\n"
        m = cc.arrive("q1", "13800000001")
        cc.run_until(T0 + 1)
        cc._call_ends(m.uuid, m.offer, "NORMAL_CLEARING")
        evs = await events_until_reply(c)
        end = _cc(evs, "bridge-agent-end")[0]
        left = _cc(evs, "member-queue-end")[0]
        assert end["CC-Hangup-Cause"] == want and left["CC-Hangup-Cause"] == want, agent_type
        hung = [e for e in evs if e["Event-Name"] == "CHANNEL_HANGUP_COMPLETE"]
        assert hung and all(e["Hangup-Cause"] == "NORMAL_CLEARING" for e in hung)


async def test_ring_all_losers_are_hung_up_with_lose_race(tmp_path, serve):
    # CC outbound_agent_thread_run() L1927: the winner hangs up the other legs
    # (hupall_matching_var cc_member_pre_answer_uuid) with SWITCH_CAUSE_LOSE_RACE; their
    # originate fails with it → bridge-agent-fail (L2203) and CHANNEL_HANGUP_COMPLETE say LOSE_RACE.
    cc = CallCenter(small_site(tmp_path, strategy="ring-all", agents=3, ring=2), seed=4, start=T0, traffic=False)
    c = await _watch(serve, cc)
    cc.arrive("q1", "13800000001")
    cc.run_until(T0 + 30)
    evs = await events_until_reply(c)
    start = _cc(evs, "bridge-agent-start")[0]
    fails = _cc(evs, "bridge-agent-fail")
    assert len(fails) == 2 and {f["CC-Hangup-Cause"] for f in fails} == {"LOSE_RACE"}
    legs = {e["Unique-ID"]: e["Caller-Destination-Number"] for e in evs if e["Event-Name"] == "CHANNEL_CREATE"
            and e["Call-Direction"] == "outbound"}
    lost = {e["Unique-ID"]: e["Hangup-Cause"] for e in evs if e["Event-Name"] == "CHANNEL_HANGUP_COMPLETE"}
    losers = {u for u, agent in legs.items() if agent != start["CC-Agent"]}
    assert len(losers) == 2 and {lost[u] for u in losers} == {"LOSE_RACE"}


async def test_max_no_answer_event_order(tmp_path, serve):
    # CC outbound_agent_thread_run(): agent-max-no-answer L2176, then cc_agent_update("status")
    # L2186 (agent-status-change On Break, L1043), then bridge-agent-fail L2200, then
    # cc_agent_update("state", Waiting) L2229.
    cc = CallCenter(small_site(tmp_path, agents=1, no_answer=1.0), seed=1, start=T0, traffic=False)
    c = await _watch(serve, cc, "event plain CUSTOM callcenter::info")
    cc.arrive("q1", "13800000001")
    cc.run_until(T0 + 200)
    seq = [(e["CC-Action"], e.get("CC-Agent-Status") or e.get("CC-Agent-State") or e.get("CC-Hangup-Cause"))
           for e in _cc(await events_until_reply(c))]
    i = seq.index(("agent-max-no-answer", None))
    assert seq[i:i + 4] == [("agent-max-no-answer", None), ("agent-status-change", "On Break"),
                            ("bridge-agent-fail", "NO_ANSWER"), ("agent-state-change", "Waiting")]
    earlier = seq[:i]
    assert earlier.count(("bridge-agent-fail", "NO_ANSWER")) == 2     # max_no_answer 3: the third one trips it


# -- channel events -----------------------------------------------------------------------------

async def test_channel_create_and_hangup_complete_headers(sim):
    # SM switch_core_session_run() L626 fires CHANNEL_CREATE in CS_INIT after on_init moved the
    # channel on (channel->state CS_ROUTING = 2), call state DOWN; SM switch_core_session_reporting_state()
    # L943 fires CHANNEL_HANGUP_COMPLETE in CS_REPORTING (11), Answer-State hangup (CH
    # switch_channel_event_set_basic_data L2658: running_state name, channel->state number).
    c = await authed(sim.port, "event plain CHANNEL_CREATE CHANNEL_HANGUP_COMPLETE CHANNEL_ANSWER")
    sim.cc.run_until(T0 + 700)
    evs = await events_until_reply(c)
    create = next(e for e in evs if e["Event-Name"] == "CHANNEL_CREATE")
    assert (create["Channel-State"], create["Channel-State-Number"], create["Channel-Call-State"],
            create["Answer-State"]) == ("CS_INIT", "2", "DOWN", "ringing")
    assert (create["Event-Calling-File"], create["Event-Calling-Function"], create["Event-Calling-Line-Number"]) == \
        ("switch_core_state_machine.c", "switch_core_session_run", "626")
    done = next(e for e in evs if e["Event-Name"] == "CHANNEL_HANGUP_COMPLETE")
    assert (done["Channel-State"], done["Channel-State-Number"], done["Channel-Call-State"], done["Answer-State"]) == \
        ("CS_REPORTING", "11", "HANGUP", "hangup")
    assert (done["Event-Calling-File"], done["Event-Calling-Function"], done["Event-Calling-Line-Number"]) == \
        ("switch_core_state_machine.c", "switch_core_session_reporting_state", "943")
    answer = next(e for e in evs if e["Event-Name"] == "CHANNEL_ANSWER")
    assert answer["Event-Calling-Function"] == "switch_channel_perform_mark_answered"


async def test_callcenter_events_name_the_function_that_fires_them(sim):
    # CC: switch_event_create_subclass() records __SWITCH_FUNC__/__LINE__: agent-status-change in
    # cc_agent_update L1043, members-count in cc_queue_count L878, member-queue-start in
    # callcenter_function L3113, agent-offering in outbound_agent_thread_run L1717.
    c = await authed(sim.port, "event plain CUSTOM callcenter::info")
    _, before = await _api(c, "callcenter_config agent set status 1001 'On Break'")
    sim.cc.run_until(T0 + 700)
    evs = before + await events_until_reply(c)
    where = {e["CC-Action"]: (e["Event-Calling-File"], e["Event-Calling-Function"], e["Event-Calling-Line-Number"])
             for e in evs}
    assert where["agent-status-change"] == ("mod_callcenter.c", "cc_agent_update", "1043")
    assert where["members-count"] == ("mod_callcenter.c", "cc_queue_count", "878")
    assert where["member-queue-start"] == ("mod_callcenter.c", "callcenter_function", "3113")
    assert where["agent-offering"] == ("mod_callcenter.c", "outbound_agent_thread_run", "1717")


# -- members ------------------------------------------------------------------------------------

async def test_abandoned_member_loses_its_session_and_a_resumed_one_keeps_its_place(tmp_path, serve):
    # CC callcenter_function() L3265: an abandoned member is UPDATEd state Abandoned, session_uuid '';
    # on resume (L3092) joined_epoch is kept, so its score (now - joined_epoch + base_score, queue
    # list members L3939) puts it ahead of a caller who came after it; the dispatcher serves by score.
    cc = CallCenter(small_site(tmp_path, agents=1, status="On Break"), seed=1, start=T0, traffic=False)
    server = await serve(cc)
    c = await authed(server.port)
    first = cc.arrive("q1", "13800000009")
    cc.run_until(T0 + 10)
    cc.leave(cc.members[first.uuid], "BREAK_OUT")
    text, _ = await _api(c, "callcenter_config queue list members q1")
    lines = text.splitlines()
    cols = lines[0].split("|")
    row = dict(zip(cols, lines[1].split("|")))
    assert row["state"] == "Abandoned" and row["session_uuid"] == "" and row["uuid"] == first.uuid
    cc.run_until(T0 + 20)
    later = cc.arrive("q1", "13800000002")
    cc.run_until(T0 + 30)
    again = cc.arrive("q1", "13800000009")
    assert again.uuid == first.uuid
    text, _ = await _api(c, "callcenter_config queue list members q1")
    order = [dict(zip(cols, x.split("|")))["uuid"] for x in text.splitlines()[1:-1]]
    assert order == [first.uuid, later.uuid]
    await _api(c, "callcenter_config agent set status 1 Available")
    cc.run_until(T0 + 31)
    assert cc.members[first.uuid].state in ("Trying", "Answered") and cc.members[later.uuid].state == "Waiting"


async def test_queue_list_members_without_a_queue_lists_all(sim):
    # CC cc_config_api_function() queue list members L3941: no queue → every member,
    # ORDER BY queue, score DESC.
    c = await authed(sim.port)
    text, _ = await _api(c, "callcenter_config queue list members")
    rows = [x.split("|") for x in text.splitlines()[1:-1]]
    queues = [r[0] for r in rows]
    assert len(set(queues)) > 1 and queues == sorted(queues) and len(rows) == len(sim.cc.members)


# -- callcenter_config --------------------------------------------------------------------------

async def test_callcenter_config_is_case_insensitive_and_its_error_replies(sim):
    # CC cc_config_api_function() L3570-3958: sections/actions by strcasecmp; cc_agent_update()
    # L997: the agent is looked up before the key (L1005), keys by strcasecmp, AGENT_STATE_CHART
    # has Reserved (L136); state_if_waiting updates no row of a busy agent → AGENT_NOT_FOUND
    # (L1158-1171); cc_tier_update() L1238: a missing tier is TIER_NOT_FOUND → "-ERR Unknown Error!";
    # queue list with an unknown sub-action → "-ERR Invalid!" (L3947).
    cc = sim.cc
    busy = next(a for a in cc.agents.values() if a.state == "In a queue call")
    idle = next(a for a in cc.agents.values() if a.state == "Waiting" and a.status == "Available")
    c = await authed(sim.port)
    for line, want in (
            (f"AGENT SET STATUS {idle.name} 'On Break'", "+OK\n"),
            (f"Agent Get Status {idle.name}", "On Break"),
            (f"agent set state {idle.name} Reserved", "+OK\n"),
            (f"agent set state {idle.name} Waiting", "+OK\n"),
            (f"agent set state_if_waiting {busy.name} Idle", "-ERR Agent not found!\n"),
            ("agent set bogus_key nobody x", "-ERR Agent not found!\n"),
            (f"agent set bogus_key {idle.name} x", "-ERR Invalid Agent Update KEY!\n"),
            ("agent get bogus_key nobody", "-ERR Agent not found!\n"),
            (f"tier set level general@12345 {idle.name}x 2", "-ERR Unknown Error!\n"),
            ("tier set level nosuchqueue 1001 2", "-ERR Unknown Error!\n"),
            ("queue list foo x", "-ERR Invalid!\n"),
            ("queue count foo x", "-ERR Invalid!\n"),
            ("QUEUE COUNT", f"{len(cc.queues)}\n")):
        text, _ = await _api(c, f"callcenter_config {line}")
        assert text == want, line
    assert cc.agents[idle.name].state == "Waiting"
    assert cc.agents[busy.name].state == "In a queue call"


async def test_queue_list_shows_the_queue_defaults(sim):
    # CC queue_set_config() L569/L584: ring-progressively-delay defaults to 0,
    # skip-agents-with-external-calls to true; queue list prints them (L3906).
    c = await authed(sim.port)
    text, _ = await _api(c, "callcenter_config queue list")
    head, *rows = text.splitlines()
    cols = head.split("|")
    for r in rows[:-1]:
        row = dict(zip(cols, r.split("|")))
        assert row["skip_agents_with_external_calls"] == "true" and row["ring_progressively_delay"] == "0"


# -- core APIs ----------------------------------------------------------------------------------

async def test_uuid_bridge(sim):
    # CMD uuid_bridge_function() L4721: fewer than 2 args → "-USAGE: <uuid> <other_uuid>" (L4720);
    # switch_ivr_uuid_bridge → "+OK <other>" and a CHANNEL_BRIDGE (switch_ivr_bridge.c
    # signal_bridge_on_hibernate L1377) with Bridge-A/B-Unique-ID first; unknown → "-ERR Invalid uuid".
    c = await authed(sim.port, "event plain CHANNEL_BRIDGE")
    text, _ = await _api(c, "uuid_bridge")
    assert text == "-USAGE: <uuid> <other_uuid>\n"
    text, _ = await _api(c, "uuid_bridge onlyone")
    assert text == "-USAGE: <uuid> <other_uuid>\n"
    busy = set(sim.cc.calls) | {b for b, _ in sim.cc.calls.values()}
    a, b = [u for u in sim.cc.channels if u not in busy][:2]
    text, evs = await _api(c, f"uuid_bridge {a} {b}")
    assert text == f"+OK {b}\n"
    ev = evs[0]
    assert (ev["Event-Name"], ev["Bridge-A-Unique-ID"], ev["Bridge-B-Unique-ID"], ev["Unique-ID"]) == \
        ("CHANNEL_BRIDGE", a, b, a)
    assert ev.__class__ is dict and list(ev)[list(ev).index("Bridge-A-Unique-ID") + 1] == "Bridge-B-Unique-ID"
    text, _ = await _api(c, "show calls as json")
    row = next(r for r in json.loads(text)["rows"] if r["uuid"] == a)
    assert row["b_uuid"] == b
    text, _ = await _api(c, f"uuid_bridge {a} 00000000-0000-4000-8000-000000000000")
    assert text == "-ERR Invalid uuid\n"


async def test_show_calls_has_the_basic_calls_columns(sim):
    # SQL basic_calls_sql L3078: 21 a-leg columns, 19 b_* columns, call_created_epoch = 41;
    # unbridged channels are rows with NULL b_* (switch_str_nil → "" in show_as_json_callback,
    # CMD L5536); a bridged callee is not a row of its own.
    c = await authed(sim.port)
    text, _ = await _api(c, "show calls as json")
    rows = json.loads(text)["rows"]
    assert all(len(r) == 41 for r in rows)
    assert list(rows[0])[:4] == ["uuid", "direction", "created", "created_epoch"]
    assert list(rows[0])[-2:] == ["b_sent_callee_num", "call_created_epoch"] and "b_call_uuid" not in rows[0]
    bridged = [r for r in rows if r["b_uuid"]]
    alone = [r for r in rows if not r["b_uuid"]]
    assert bridged and alone and all(r["b_name"] == "" and r["call_created_epoch"] == "" for r in alone)
    callees = {r["b_uuid"] for r in bridged}
    assert not callees & {r["uuid"] for r in rows}


async def test_show_channels_like_filters(sim):
    # CMD show_function() L5862-5880: like → uuid/name/cid_name/cid_num/presence_data/accountcode
    # LIKE '%<s>%' (the string itself when it holds a %), "as json" after it.
    c = await authed(sim.port)
    ch = next(ch for ch in sim.cc.channels.values() if ch.direction == "inbound")
    needle = ch.cid_num[3:9]
    text, _ = await _api(c, f"show channels like {needle} as json")
    rows = json.loads(text)["rows"]
    assert rows and all(needle in r["cid_num"] or needle in r["name"] or needle in r["uuid"] for r in rows)
    assert len(rows) < len(sim.cc.channels)
    text, _ = await _api(c, "show channels like zz-nothing-zz as json")
    assert text == '{"row_count": 0}\n'
    text, _ = await _api(c, f"show channels like {ch.uuid[:8]}%")
    assert text.endswith("\n1 total.\n") or text.count("\n") > 3


async def test_up_time_says_1_minute(demo_site, serve):
    # CORE send_heartbeat() L98: "%u year%s, …" with "" for 1 ("1 minute"), "s" otherwise; the
    # status API writes the same way (CMD status_function L2359).
    cc = CallCenter(demo_site, seed=2, start=T0, traffic=False)
    c = await _watch(serve, cc, "event plain HEARTBEAT")
    cc.run_until(T0 + 60)
    hb = (await events_until_reply(c))[-1]
    assert hb["Up-Time"] == "0 years, 0 days, 0 hours, 1 minute, 0 seconds, 0 milliseconds, 0 microseconds"
    text, _ = await _api(c, "status")
    assert text.startswith("UP 0 years, 0 days, 0 hours, 1 minute, 0 seconds, 0 milliseconds, 0 microseconds\n")
