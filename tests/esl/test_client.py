"""The ESL client over real TCP against a scripted switch: auth, subscribe, resync ordering,
api/bgapi, reconnect after loss, wrong password, supervisor commands."""

import asyncio
import random

import pytest

from backends.freeswitch.client import NodeConfig, SwitchNode
from backends.freeswitch.codec import url_encode
from backends.freeswitch.port import SwitchCluster
from hotline_tui import switch as sw
from hotline_tui.errors import ValidationError
from tests.waiting import wait_until_async

AGENTS = ("name|instance_id|uuid|type|contact|status|state|max_no_answer|wrap_up_time|reject_delay_time|busy_delay_time|"
          "no_answer_delay_time|last_bridge_start|last_bridge_end|last_offered_call|last_status_change|no_answer_count|"
          "calls_answered|talk_time|ready_time|external_calls_count\n"
          "1001|single_box||callback|user/1001|Available|Waiting|3|10|10|30|5|0|0|0|1795400000|0|0|0|0|0\n+OK\n")
TIERS = "queue|agent|state|level|position\nq1|1001|Ready|1|1\n+OK\n"
QUEUES = "name|strategy\nq1|longest-idle-agent\n+OK\n"
MEMBERS = ("queue|instance_id|uuid|session_uuid|cid_number|cid_name|system_epoch|joined_epoch|rejoined_epoch|bridge_epoch|"
           "abandoned_epoch|base_score|skill_score|serving_agent|serving_system|state|score\n"
           "q1|single_box|m-old|s-old|13800000000|王|0|1795400000|0|0|0|0|0|||Waiting|5\n+OK\n")


def event(pairs):
    inner = "".join(f"{k}: {url_encode(v)}\n" for k, v in pairs).encode() + b"\n"
    return f"Content-Length: {len(inner)}\nContent-Type: text/event-plain\n\n".encode() + inner


def cc(action, **kw):
    pairs = [("Event-Subclass", "callcenter::info"), ("Event-Name", "CUSTOM"), ("Event-Date-Timestamp", "1795400100000000"),
             ("CC-Action", action)] + [(k.replace("_", "-"), v) for k, v in kw.items()]
    return event(pairs)


class ScriptedSwitch:
    """Speaks just enough ESL; pushes ``during_resync`` events between table replies."""

    def __init__(self, password="ClueCon"):
        self.password, self.commands, self.writers = password, [], []
        self.during_resync: list[bytes] = []
        self.after_agents: list[bytes] = []

    async def handle(self, reader, writer):
        self.writers.append(writer)
        writer.write(b"Content-Type: auth/request\n\n")
        buf = b""
        try:
            while True:
                data = await reader.read(4096)
                if not data:
                    return
                buf += data
                while b"\n\n" in buf:
                    cmd, buf = buf.split(b"\n\n", 1)
                    line = cmd.decode()
                    self.commands.append(line)
                    await self.answer(line, writer)
        except (ConnectionError, OSError):
            pass

    def api(self, body: str) -> bytes:
        b = body.encode()
        return f"Content-Type: api/response\nContent-Length: {len(b)}\n\n".encode() + b

    async def answer(self, line, w):
        reply = lambda t, extra="": w.write(f"Content-Type: command/reply\nReply-Text: {t}\n{extra}\n".encode())
        if line.startswith("auth "):
            if line[5:] == self.password:
                reply("+OK accepted")
            else:
                reply("-ERR invalid")
                body = b"Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
                w.write(b"Content-Type: text/disconnect-notice\nContent-Length: 67\n\n" + body)
                w.close()
        elif line.startswith("event "):
            reply("+OK event listener enabled plain")
        elif line == "api callcenter_config agent list":
            for e in self.during_resync:        # these happened BEFORE the table was read
                w.write(e)
            w.write(self.api(AGENTS))
            for e in self.after_agents:         # these happened after
                w.write(e)
        elif line == "api callcenter_config tier list":
            w.write(self.api(TIERS))
        elif line == "api callcenter_config queue list":
            w.write(self.api(QUEUES))
        elif line.startswith("api callcenter_config queue list members"):
            w.write(self.api(MEMBERS))
        elif line == "api show channels as json":
            w.write(self.api('{"row_count": 0}\n'))
        elif line.startswith("api callcenter_config agent set status"):
            w.write(self.api("+OK\n" if "1001" in line else "-ERR Agent not found!\n"))
        elif line.startswith("bgapi "):
            reply("+OK Job-UUID: j-1", "Job-UUID: j-1\n")
            body = "+OK new-uuid-1\n".encode()
            inner = (f"Event-Name: BACKGROUND_JOB\nJob-UUID: j-1\nContent-Length: {len(body)}\n\n").encode() + body
            w.write(f"Content-Length: {len(inner)}\nContent-Type: text/event-plain\n\n".encode() + inner)
        elif line.startswith("api "):
            w.write(self.api("-ERR no reply\n"))
        await w.drain()


@pytest.fixture
async def switch():
    s = ScriptedSwitch()
    server = await asyncio.start_server(s.handle, "127.0.0.1", 0)
    s.port = server.sockets[0].getsockname()[1]
    yield s
    server.close()
    for w in s.writers:
        w.close()


def cfg(port, **kw):
    return NodeConfig("fs1", "127.0.0.1", port, timeout_s=2, backoff_min_s=0.02, backoff_max_s=0.1, **kw)


async def test_connect_subscribe_resync_and_event_order(switch):
    switch.during_resync = [cc("agent-status-change", CC_Agent="1001", CC_Agent_Status="On Break")]
    switch.after_agents = [cc("agent-state-change", CC_Agent="1001", CC_Agent_State="Receiving")]
    got = []
    node = SwitchNode(cfg(switch.port), got.append, rng=random.Random(1))
    node.start()
    await wait_until_async(lambda: any(isinstance(e, sw.LinkUp) for e in got), timeout=5, what="LinkUp")
    kinds = [type(e).__name__ for e in got]
    # older-than-the-table event first, then the snapshot, then the newer one, then LinkUp
    assert kinds == ["AgentStatusChanged", "Resynced", "AgentStateChanged", "LinkUp"]
    snap = got[1]
    assert [a.name for a in snap.agents] == ["1001"] and snap.members[0].uuid == "m-old" and snap.queues == ("q1",)
    assert switch.commands[1].startswith("event plain CHANNEL_CREATE") and " CUSTOM callcenter::info" in switch.commands[1]
    assert node.health.link == "connected" and node.health.resyncs == 1
    await node.stop()


async def test_reconnects_and_resyncs_after_loss(switch):
    got = []
    node = SwitchNode(cfg(switch.port), got.append, rng=random.Random(1))
    node.start()
    await wait_until_async(lambda: node.health.resyncs == 1, timeout=5, what="the first resync")
    for _ in range(3):
        before = node.health.resyncs
        switch.writers[-1].close()
        await wait_until_async(lambda: node.health.resyncs == before + 1, timeout=5,
                               what=f"resync {before + 1} after the link was cut", show=lambda: node.health)
    assert node.health.link == "connected" and sum(isinstance(e, sw.LinkDown) for e in got) == 3
    await node.stop()


async def test_wrong_password_is_reported_and_retried(switch):
    node = SwitchNode(cfg(switch.port, password="wrong"), lambda e: None, rng=random.Random(1))
    node.start()
    await wait_until_async(lambda: node.health.errors >= 2, timeout=5, what="a second failed login",
                           show=lambda: node.health)
    assert "authentication failed (-ERR invalid)" in node.health.last_error and node.health.link != "connected"
    await node.stop()


async def test_down_switch_backs_off_with_cap():
    node = SwitchNode(NodeConfig("fs1", "127.0.0.1", 1, timeout_s=0.5, backoff_min_s=0.5, backoff_max_s=4),
                      lambda e: None, rng=random.Random(3))
    delays = []
    for node.attempt in range(10):
        delays.append(node.backoff())
    assert all(0.25 <= d <= 4 for d in delays) and max(delays[:2]) <= 1.0


async def test_supervisor_commands(switch):
    cluster = SwitchCluster([cfg(switch.port)], lambda e: None)
    cluster.start()
    await wait_until_async(lambda: cluster.nodes()[0].link == "connected", timeout=5, what="the link up")
    await cluster.set_agent_status("1001", "On Break")
    assert "api callcenter_config agent set status 1001 'On Break'" in switch.commands
    with pytest.raises(Exception, match="Agent not found"):
        await cluster.set_agent_status("1002", "Available")
    with pytest.raises(ValidationError):
        await cluster.set_agent_status("1001; api shutdown", "Available")
    assert await cluster.originate_callback("1001", "13812341234") == "new-uuid-1"
    await cluster.stop()
