"""Conformance of the simulator's event socket with mod_event_socket, over the real TCP socket.

Every test cites the FreeSWITCH source it matches: signalwire/freeswitch @ cc93a683 (2026-08),
``MES`` = src/mod/event_handlers/mod_event_socket/mod_event_socket.c, ``EV`` = src/switch_event.c,
``UT`` = src/switch_utils.c, ``RX`` = src/switch_regex.c, ``LOG`` = src/switch_log.c.
"""

import asyncio
import json

from click.testing import CliRunner

from backends.freeswitch.cli import esl
from backends.sim.model import CallCenter
from backends.sim.server import EVENT_NAMES

from .conftest import T0, authed, events_until_reply, reply


def _actions(evs):
    return [(e.get("CC-Action"), e.get("CC-Agent")) for e in evs if e.get("Event-Name") == "CUSTOM"]


async def _set(c, agent, status):
    """Set a status; returns the events delivered before the API's reply (the change's own)."""
    f, evs = await reply(c, f"api callcenter_config agent set status {agent} '{status}'")
    assert f.text() == "+OK\n"
    return [e.event() for e in evs]


# -- filters ------------------------------------------------------------------------------------

async def test_filter_header_name_is_case_insensitive(sim):
    # MES event_handler() L331: switch_event_get_header(event, hp->name) finds headers in any case.
    c = await authed(sim.port, "event plain CUSTOM callcenter::info")
    f, _ = await reply(c, "filter cc-agent 1001")
    assert f.headers["Reply-Text"] == "+OK filter added. [cc-agent]=[1001]"
    got = _actions(await _set(c, "1001", "On Break") + await _set(c, "1002", "On Break"))
    assert ("agent-status-change", "1001") in got and all(a == "1001" for _, a in got)


async def test_filter_regex_honours_the_i_flag(sim):
    # MES event_handler() L354: a value starting with '/' is switch_regex(); RX switch_regex_perform()
    # L83-99 strips /…/ and turns the trailing 'i' into PCRE2_CASELESS.
    c = await authed(sim.port, "event plain CUSTOM callcenter::info")
    await reply(c, "filter CC-Agent-Status /^on BREAK$/i")
    got = await _set(c, "1001", "On Break") + await _set(c, "1002", "Available")
    assert got and {e["CC-Agent-Status"] for e in got} == {"On Break"}
    await reply(c, "filter delete all")
    await reply(c, "filter CC-Agent-Status /^on BREAK$/")              # no flag: case matters
    assert await _set(c, "1003", "On Break") == []


async def test_filter_on_standard_headers(sim):
    # MES event_handler(): filters look at the event as delivered, whose standard prefix (EV
    # switch_event_prep_for_delivery_detailed L1973: FreeSWITCH-Hostname, Event-Calling-File …)
    # is already there.
    c = await authed(sim.port, "event plain ALL")
    await reply(c, f"filter FreeSWITCH-Hostname {sim.cc.site.hostname.upper()}")    # strcasecmp
    assert any(e.get("CC-Agent") == "1001" for e in await _set(c, "1001", "On Break"))
    await reply(c, "filter delete all")
    await reply(c, "filter Event-Calling-File mod_callcenter.c")
    sim.cc.run_until(T0 + 700)
    got = await events_until_reply(c)
    assert got and {e["Event-Name"] for e in got} == {"CUSTOM"}
    assert {e["Event-Calling-File"] for e in got} == {"mod_callcenter.c"}


async def test_filter_command_replies(sim):
    # MES parse_command() L1961: the keyword is "filter " with its space; L1980-2002 the replies.
    c = await authed(sim.port)
    f, _ = await reply(c, "filter")
    assert f.headers["Reply-Text"] == "-ERR command not found"
    f, _ = await reply(c, "filter delete")
    assert f.headers["Reply-Text"] == "-ERR invalid syntax"
    f, _ = await reply(c, "filter CC-Agent")
    assert f.headers["Reply-Text"] == "-ERR invalid syntax"
    f, _ = await reply(c, "filter add CC-Queue q1")
    assert f.headers["Reply-Text"] == "+OK filter added. [CC-Queue]=[q1]"
    f, _ = await reply(c, "filter delete CC-Queue")
    assert f.headers["Reply-Text"] == "+OK filter deleted. [CC-Queue][]"
    f, _ = await reply(c, "filter delete all")
    assert f.headers["Reply-Text"] == "+OK filter deleted. [all][]"


# -- subscriptions ------------------------------------------------------------------------------

async def test_nixevent_after_all_keeps_the_custom_subclasses(sim):
    # MES parse_command() L2517 event ALL → set_all_custom() puts every subclass in the hash;
    # L2577 nixevent of another name expands ALL into its bits (CUSTOM stays on, the hash stays).
    c = await authed(sim.port, "event plain ALL")
    f, _ = await reply(c, "nixevent HEARTBEAT")
    assert f.headers["Reply-Text"] == "+OK events nixed"
    got = await _set(c, "1001", "On Break")
    sim.cc.run_until(T0 + 700)
    got += await events_until_reply(c)
    names = {e["Event-Name"] for e in got}
    assert ("agent-status-change", "1001") in _actions(got) and "HEARTBEAT" not in names
    assert "CHANNEL_CREATE" in names


async def test_nixevent_all_stops_everything(sim):
    # MES parse_command() L2572: nixevent ALL clears every bit, ALL included.
    c = await authed(sim.port, "event plain ALL")
    f, _ = await reply(c, "nixevent ALL")
    assert f.headers["Reply-Text"] == "+OK events nixed"
    got = await _set(c, "1001", "On Break")
    sim.cc.run_until(T0 + 700)
    assert got + await events_until_reply(c) == []


async def test_nixevent_unknown_names_and_custom_subclasses(sim):
    # MES parse_command() L2589: no known name → "-ERR no keywords supplied"; L2564 the words after
    # CUSTOM are subclasses removed from the hash.
    c = await authed(sim.port, "event plain CUSTOM callcenter::info")
    f, _ = await reply(c, "nixevent FOO")
    assert f.headers["Reply-Text"] == "-ERR no keywords supplied"
    f, _ = await reply(c, "nixevent")
    assert f.headers["Reply-Text"] == "-ERR no keywords supplied"
    f, _ = await reply(c, "nixevent CUSTOM callcenter::info")
    assert f.headers["Reply-Text"] == "+OK events nixed"
    assert await _set(c, "1001", "On Break") == []


async def test_every_freeswitch_event_name_is_accepted(sim):
    # EV EVENT_NAMES[] L137 and switch_name_event() L439: case-insensitive, and a name longer than
    # 13 characters also matches by what follows its 13th (SWITCH_EVENT_ prefix).
    assert len(EVENT_NAMES) == 94 and EVENT_NAMES[-1] == "ALL"
    c = await authed(sim.port)
    for name in EVENT_NAMES[:-1]:
        f, _ = await reply(c, f"event plain {name.lower()}")
        assert f.headers["Reply-Text"] == "+OK event listener enabled plain", name
    for odd in ("SWITCH_EVENT_CALL_UPDATE", "xxxxxxxxxxxxxCERT_RELOAD", "json channel_hold"):
        f, _ = await reply(c, f"event {odd}")
        assert f.headers["Reply-Text"].startswith("+OK event listener enabled"), odd
    f, _ = await reply(c, "event xml NOT_AN_EVENT")
    assert f.headers["Reply-Text"] == "-ERR no keywords supplied"     # …and the format changed anyway
    f, _ = await reply(c, "event HEARTBEAT")
    assert f.headers["Reply-Text"] == "+OK event listener enabled xml"


# -- command replies ----------------------------------------------------------------------------

async def test_log_and_nolog_replies(sim):
    # MES parse_command() L2427-2429 (log), L2459-2463 (nolog, "not loging" sic); LOG
    # switch_log_str2level(): a number or a level name (DEBUG = 7).
    c = await authed(sim.port)
    for line, text in (("nolog", "-ERR not loging"), ("log 7", "+OK log level 7 [7]"),
                       ("log foo", "-ERR invalid log level"), ("log debug", "+OK log level debug [7]"),
                       ("log", "+OK log level  [7]"), ("nolog", "+OK no longer logging"),
                       ("nolog", "-ERR not loging")):
        f, _ = await reply(c, line)
        assert f.headers["Reply-Text"] == text, line


async def test_session_commands_on_an_inbound_socket(sim):
    # MES parse_command(): linger L2448 / nolinger L2455 "-ERR not controlling a session";
    # divert_events L2146 (with its full stop); sendmsg L2228 "-ERR invalid session id [%s]".
    c = await authed(sim.port)
    for line, text in (("linger", "-ERR not controlling a session"), ("linger 10", "-ERR not controlling a session"),
                       ("nolinger", "-ERR not controlling a session"),
                       ("divert_events on", "-ERR not controlling a session."),
                       ("sendmsg 0f6c5d2e-0000-4000-8000-000000000001",
                        "-ERR invalid session id [0f6c5d2e-0000-4000-8000-000000000001]")):
        f, _ = await reply(c, line)
        assert f.headers["Reply-Text"] == text, line


async def test_myevents_binds_to_one_channel(sim):
    # MES parse_command() L2062-2135: "+OK Events Enabled", the 23 channel events, a second call
    # "-ERR aready enabled." (sic); event_handler() L376: only events whose Unique-ID is that channel.
    cc = sim.cc
    member = next(m for m in cc.members.values() if m.state == "Waiting")
    c = await authed(sim.port)
    f, _ = await reply(c, f"myevents {member.session_uuid}")
    assert f.headers["Reply-Text"] == "+OK Events Enabled"
    f, _ = await reply(c, f"myevents {member.session_uuid}")
    assert f.headers["Reply-Text"] == "-ERR aready enabled."
    f, evs = await reply(c, f"api uuid_kill {member.session_uuid}")
    cc.run_until(T0 + 660)
    got = [e.event() for e in evs] + await events_until_reply(c)
    assert got and {e["Unique-ID"] for e in got} == {member.session_uuid}
    assert "CHANNEL_HANGUP_COMPLETE" in {e["Event-Name"] for e in got}
    c2 = await authed(sim.port)
    f, _ = await reply(c2, "myevents 00000000-0000-4000-8000-00000000dead json")
    assert f.headers["Reply-Text"] == "-ERR invalid uuid"


# -- bgapi --------------------------------------------------------------------------------------

async def test_bgapi_of_an_empty_output_has_no_inner_body(sim):
    # MES api_exec() L1551-1587: the body is stream.data as is (the "-ERR no reply" substitute is
    # only for api, L1595); EV switch_event_serialize() L1610-1633: an empty body adds just "\n".
    c = await authed(sim.port, "event plain BACKGROUND_JOB")
    f, _ = await reply(c, "bgapi callcenter_config bogus thing")
    job = f.headers["Job-UUID"]
    ev = await c.frame()
    assert ev.event()["Job-UUID"] == job and "_body" not in ev.event()
    assert ev.body.endswith(b"\n\n") and b"\nContent-Length" not in ev.body
    assert ev.event()["Job-Command-Arg"] == "bogus thing"


async def test_bgapi_without_job_uuid_leaves_the_seeded_day_alone(demo_site, serve):
    # MES parse_command() L2378: switch_uuid_get() when the client gives no Job-UUID; it is not
    # taken from the simulation's random stream (the same seed must give the same day).
    def model():
        cc = CallCenter(demo_site, seed=11, start=T0)
        cc.run_until(T0 + 120)
        return cc
    quiet, busy = model(), model()
    server = await serve(busy)
    c = await authed(server.port, "event plain BACKGROUND_JOB")
    for _ in range(5):
        await reply(c, "bgapi status")
        await c.frame()
    logs = []
    for cc in (quiet, busy):
        log = []
        cc.listeners.append(lambda e, log=log: log.append((e.name, e.get("CC-Action"), e.get("Unique-ID"))))
        cc.run_until(T0 + 400)
        logs.append(log)
    assert logs[0] == logs[1] and len(logs[0]) > 100


# -- reading commands ---------------------------------------------------------------------------

async def test_long_command_lines_are_read(sim):
    # MES read_packet() L1221: max_len 10485760; the packet grows block by block up to it.
    c = await authed(sim.port)
    for size in (100_000, 9 * 1024 * 1024):
        f, _ = await reply(c, "api status " + "x" * size)
        assert f.content_type == "api/response" and f.text().startswith("UP ")


async def test_client_content_length_is_atoi(sim):
    # MES read_packet() L1315: clen = atoi(val); "abc" is 0 (no body), not a reason to drop the link.
    c = await authed(sim.port)
    c.writer.write(b"sendevent CUSTOM\nContent-Length: abc\n\n")
    f = await c.frame()
    assert f.content_type == "command/reply"
    f, _ = await reply(c, "api status")
    assert f.text().startswith("UP ")


# -- serialisation ------------------------------------------------------------------------------

async def test_url_encode_escapes_lower_case_percent_hex(sim):
    # UT switch_url_encode_opt() L3494-3520: only '%' + two of "0123456789ABCDEF" is copied as is.
    c = await authed(sim.port, "event plain CUSTOM callcenter::info")
    _, (ev,) = await reply(c, "api callcenter_config agent set contact 1001 sip:%e9%E9@x")
    assert b"CC-Agent-Contact: sip%3A%25e9%E9%40x\n" in ev.body


async def test_json_events_keep_duplicate_headers(sim):
    # EV switch_event_serialize_json_obj() L1857: cJSON_AddItemToObject per header, duplicates too;
    # CHANNEL_HANGUP_COMPLETE has Hangup-Cause first and again in the channel data.
    c = await authed(sim.port, "event json CHANNEL_HANGUP_COMPLETE")
    uuid = next(iter(sim.cc.channels))
    _, frames = await reply(c, f"api uuid_kill {uuid} USER_BUSY")
    mine = [f for f in frames if json.loads(f.body)["Unique-ID"] == uuid]
    assert mine and mine[0].body.count(b'"Hangup-Cause":"USER_BUSY"') == 2


async def test_xml_events_and_hotline_esl_decode(sim, tmp_path):
    # EV switch_event_xmlize() L1892 (values URL-encoded, <Content-Length> + <body> after <headers>)
    # printed by switch_xml_toxml (src/switch_xml.c switch_xml_toxml_r: 2-space indent).
    c = await authed(sim.port, "event xml BACKGROUND_JOB CUSTOM callcenter::info")
    raw = bytearray()
    c.send("bgapi status")
    c.send("api callcenter_config agent set status 1001 'On Break'")
    while raw.count(b"Content-Type: api/response") == 0:
        raw += await asyncio.wait_for(c.reader.read(65536), 3)
    assert b"<event>\n  <headers>\n    <Event-Name>" in raw
    cap = tmp_path / "cap.esl"
    cap.write_bytes(bytes(raw))
    out = CliRunner().invoke(esl, ["decode", str(cap)])
    assert out.exit_code == 0, out.output
    lines = [json.loads(x) for x in out.output.splitlines()]
    evs = [x["event"] for x in lines if x["content_type"] == "text/event-xml"]
    job = next(e for e in evs if e["Event-Name"] == "BACKGROUND_JOB")
    assert job["_body"].startswith("UP 0 years") and job["Content-Length"] == str(len(job["_body"].encode()))
    st = next(e for e in evs if e.get("CC-Action") == "agent-status-change")
    assert st["Event-Subclass"] == "callcenter::info" and st["CC-Agent-Status"] == "On Break"
