"""The simulator's event socket, read byte by byte as a client sees it."""

import asyncio
import json

import pytest

from backends.sim.api import run_api, split_args
from .conftest import T0, RawClient


async def test_greeting_auth_and_wrong_password(sim):
    c = await RawClient.open(sim.port)
    f = await c.frame()
    assert f.content_type == "auth/request" and f.body == b""
    c.send("api status")                               # before auth: refused, still open
    f = await c.frame()
    assert f.headers["Reply-Text"] == "-ERR command not found"
    c.send("auth wrong")
    f = await c.frame()
    assert f.headers["Reply-Text"] == "-ERR invalid"
    f = await c.frame()
    assert f.content_type == "text/disconnect-notice"
    assert f.body == b"Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n" and len(f.body) == 67
    assert await c.reader.read() == b""                # then the switch closes


async def test_exit_says_bye_then_notice(sim):
    c = await RawClient.open(sim.port)
    await c.frame()
    c.send("auth ClueCon")
    assert (await c.frame()).headers["Reply-Text"] == "+OK accepted"
    c.send("exit")
    assert (await c.frame()).headers["Reply-Text"] == "+OK bye"
    assert (await c.frame()).content_type == "text/disconnect-notice"


async def authed(sim, events=None):
    c = await RawClient.open(sim.port)
    await c.frame()
    c.send("auth ClueCon")
    await c.frame()
    if events:
        c.send(events)
        f = await c.frame()
        assert f.headers["Reply-Text"].startswith("+OK event listener enabled"), f.headers
    return c


async def test_plain_events_callcenter_and_channel(sim):
    c = await authed(sim, "event plain CHANNEL_CREATE HEARTBEAT CUSTOM callcenter::info")
    sim.cc.run_until(T0 + 700)
    seen = set()
    for _ in range(200):
        f = await c.frame()
        assert f.content_type == "text/event-plain"
        ev = f.event()
        seen.add(ev["Event-Name"])
        if ev["Event-Name"] == "CUSTOM":
            assert ev["Event-Subclass"] == "callcenter::info" and ev["CC-Action"]
            first = f.body.split(b"\n", 1)[0]
            assert first == b"Event-Subclass: callcenter%3A%3Ainfo"     # subclass first, URL-encoded
        assert ev["Event-Name"] in ("CUSTOM", "CHANNEL_CREATE", "HEARTBEAT")
        if seen >= {"CUSTOM", "CHANNEL_CREATE", "HEARTBEAT"}:
            break
    assert seen == {"CUSTOM", "CHANNEL_CREATE", "HEARTBEAT"}


async def test_json_events_and_nixevent(sim):
    c = await authed(sim, "event json CUSTOM callcenter::info CHANNEL_ANSWER")
    c.send("nixevent CHANNEL_ANSWER")
    f = await c.until(lambda f: f.content_type == "command/reply")
    assert f.headers["Reply-Text"] == "+OK events nixed"
    sim.cc.run_until(T0 + 700)
    f = await c.frame()
    assert f.content_type == "text/event-json"
    obj = json.loads(f.body)
    assert obj["Event-Name"] == "CUSTOM" and all(isinstance(v, str) for v in obj.values())
    for _ in range(100):
        if not c.frames and c.reader.at_eof():
            break
        try:
            f = await c.frame(timeout=0.2)
        except asyncio.TimeoutError:
            break
        assert json.loads(f.body)["Event-Name"] != "CHANNEL_ANSWER"


async def test_filter_keeps_one_agent(sim):
    c = await authed(sim, "event plain CUSTOM callcenter::info")
    c.send("filter CC-Agent 1001")
    assert (await c.until(lambda f: f.content_type == "command/reply")).headers["Reply-Text"] == \
        "+OK filter added. [CC-Agent]=[1001]"
    c.send("api callcenter_config agent set status 1001 'On Break'")
    c.send("api callcenter_config agent set status 1002 'On Break'")
    got = []
    while len(got) < 2:
        f = await c.frame()
        if f.is_event:
            got.append(f.event())
        else:
            got.append(f.content_type)
    events = [g for g in got if isinstance(g, dict)]
    assert events and all(e["CC-Agent"] == "1001" for e in events)
    c.send("noevents")
    f = await c.until(lambda f: f.content_type == "command/reply")
    assert f.headers["Reply-Text"] == "+OK no longer listening for events"


async def test_api_tables_and_bare_values(sim):
    c = await authed(sim)
    c.send("api callcenter_config agent list")
    f = await c.frame()
    assert f.content_type == "api/response"
    lines = f.text().split("\n")
    assert lines[0].startswith("name|instance_id|uuid|type|contact|status|state|max_no_answer")
    assert lines[-2] == "+OK" and lines[-1] == ""
    assert len(lines) == 100 + 3
    c.send("api callcenter_config agent get status 1001")
    f = await c.frame()
    assert f.text() in ("Available", "On Break", "Logged Out") and not f.text().endswith("\n")
    c.send("api callcenter_config agent get status nobody")
    assert (await c.frame()).text() == "-ERR Agent not found!\n"
    c.send("api callcenter_config queue")
    assert (await c.frame()).text() == "-ERR Invalid!\n"
    c.send("api callcenter_config bogus thing")
    assert (await c.frame()).text() == "-ERR no reply\n"
    c.send("api nosuchcmd")
    assert (await c.frame()).text() == "-ERR nosuchcmd Command not found!\n"
    c.send("api show channels as json")
    body = json.loads((await c.frame()).text())
    assert body["row_count"] == len(body["rows"]) > 0 and set(body["rows"][0]) >= {"uuid", "cid_num", "callstate"}


async def test_bgapi_reply_then_background_job(sim):
    c = await authed(sim, "event plain BACKGROUND_JOB")
    c.send("bgapi status")
    f = await c.frame()
    job = f.headers["Job-UUID"]
    assert f.headers["Reply-Text"] == f"+OK Job-UUID: {job}"
    f = await c.frame()
    ev = f.event()
    assert ev["Event-Name"] == "BACKGROUND_JOB" and ev["Job-UUID"] == job and ev["Job-Command"] == "status"
    assert ev["_body"].startswith("UP 0 years")


def test_empty_tables_and_quotes(demo_site):
    from backends.sim.model import CallCenter
    cc = CallCenter(demo_site, seed=1, start=T0, traffic=False)
    assert run_api(cc, "callcenter_config queue list members general@12345") == "+OK\n"   # no header when empty
    assert run_api(cc, "show channels as json") == '{"row_count": 0}\n'
    assert split_args("agent set status 1001 'Available (On Demand)'") == ["agent", "set", "status", "1001",
                                                                           "Available (On Demand)"]
    assert run_api(cc, "callcenter_config agent set status 1001 'Available (On Demand)'") == "+OK\n"
    assert run_api(cc, "callcenter_config agent get status 1001") == "Available (On Demand)"
    assert run_api(cc, "callcenter_config agent set status 1001 Sleeping") == "-ERR Invalid Agent Status!\n"
    assert run_api(cc, "callcenter_config tier add nope 1001") == "-ERR Queue not found!\n"
    assert run_api(cc, "callcenter_config tier add general@12345 1001") == "-ERR Tier already exist!\n"
    assert run_api(cc, "uuid_kill 00000000-0000-0000-0000-000000000000") == "-ERR No such channel!\n"
    assert run_api(cc, "originate user/1039 13800000000 XML default") == "-ERR USER_NOT_REGISTERED\n"
    assert run_api(cc, "originate user/1001 13800000000 XML default").startswith("+OK ")
