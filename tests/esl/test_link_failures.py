"""The link never leaks and never dies quietly: a small fake switch on loopback (real TCP) answers
badly in one way per test; the node counts every failure with its reason and keeps retrying with
capped backoff, and every failed handshake closes what it opened (file descriptors and asyncio
tasks are counted over 20 failed attempts)."""

from __future__ import annotations

import asyncio
import os
import random

import pytest

from backends.freeswitch.client import EslConnection, NodeConfig, SwitchNode
from backends.freeswitch.codec import FrameParser
from hotline_tui import switch as sw
from hotline_tui.errors import LinkError, ProtocolError
from tests.waiting import wait_until_async

AGENTS = ("name|instance_id|uuid|type|contact|status|state|max_no_answer|wrap_up_time|reject_delay_time|busy_delay_time|"
          "no_answer_delay_time|last_bridge_start|last_bridge_end|last_offered_call|last_status_change|no_answer_count|"
          "calls_answered|talk_time|ready_time|external_calls_count\n"
          "1001|single_box||callback|user/1001|Available|Waiting|3|10|10|30|5|0|0|0|1795400000|0|0|0|0|0\n+OK\n")
TIERS = "queue|agent|state|level|position\nq1|1001|Ready|1|1\n+OK\n"
QUEUES = "name|strategy\nq1|longest-idle-agent\n+OK\n"
MEMBERS = "queue|uuid|session_uuid|cid_number|cid_name|joined_epoch|serving_agent|state\n+OK\n"
CHANNELS = '{"row_count": 0}\n'


def deep_json_event(depth: int = 100_000) -> bytes:
    body = ('{"Event-Name":"CUSTOM","x":' + "[" * depth + "]" * depth + "}").encode()
    return f"Content-Length: {len(body)}\nContent-Type: text/event-json\n\n".encode() + body


class FakeSwitch:
    """Speaks ESL badly on purpose. ``mode``: ok, bad-greeting, no-greeting, rude, wrong-password,
    refuse-subscribe, bad-agents (no name column), bad-channels (set ``channels``), deep-event
    (a JSON event nested 100,000 deep right after the resync)."""

    def __init__(self, mode: str = "ok"):
        self.mode = mode
        self.tables = {"callcenter_config agent list": AGENTS, "callcenter_config tier list": TIERS,
                       "callcenter_config queue list": QUEUES, "show channels as json": CHANNELS}
        self.accepted = 0
        self.open = 0                    # server-side connections not yet closed
        self.server: asyncio.base_events.Server | None = None
        self.port = 0

    async def start(self) -> "FakeSwitch":
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self.open += 1
        try:
            if self.mode == "bad-greeting":
                writer.write(b"HTTP/1.1 400 Bad Request\nContent-Type: text/html\n\n")
            elif self.mode == "rude":
                writer.write(b"Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n")
            elif self.mode != "no-greeting":
                writer.write(b"Content-Type: auth/request\n\n")
            buf = b""
            while True:
                data = await reader.read(4096)
                if not data:
                    return
                buf += data
                while b"\n\n" in buf:
                    cmd, buf = buf.split(b"\n\n", 1)
                    self._answer(cmd.decode(), writer)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self.open -= 1
            writer.close()

    def _answer(self, line: str, w: asyncio.StreamWriter) -> None:
        def reply(text: str) -> None:
            w.write(f"Content-Type: command/reply\nReply-Text: {text}\n\n".encode())

        def api(body: str) -> None:
            b = body.encode()
            w.write(f"Content-Type: api/response\nContent-Length: {len(b)}\n\n".encode() + b)

        if line.startswith("auth "):
            reply("-ERR invalid" if self.mode == "wrong-password" else "+OK accepted")
        elif line.startswith("event "):
            reply("-ERR no keywords supplied" if self.mode == "refuse-subscribe" else "+OK event listener enabled plain")
        elif line.startswith("api callcenter_config queue list members"):
            api(MEMBERS)
        elif line.startswith("api "):
            body = self.tables.get(line[4:], "-ERR no reply\n")
            if line[4:] == "callcenter_config agent list" and self.mode == "bad-agents":
                body = "agent|status|state\n1001|Available|Waiting\n+OK\n"
            api(body)
            if line[4:] == "show channels as json" and self.mode == "deep-event":
                w.write(deep_json_event())
        else:
            reply("-ERR command not found")


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def tasks() -> int:
    return len(asyncio.all_tasks())


def node_for(port: int, **kw) -> SwitchNode:
    cfg = NodeConfig("fs1", "127.0.0.1", port, timeout_s=kw.pop("timeout_s", 1.0), backoff_min_s=0.001,
                     backoff_max_s=0.004, **kw)
    return SwitchNode(cfg, lambda e: None, rng=random.Random(7))


@pytest.mark.timeout(60)
@pytest.mark.parametrize("mode, reason", [
    ("bad-greeting", "expected auth/request"),
    ("no-greeting", "no ESL greeting"),
    ("rude", "access denied"),
    ("wrong-password", "authentication failed (-ERR invalid)"),
    ("refuse-subscribe", "subscribe refused (-ERR no keywords supplied)"),
    ("bad-agents", "no 'name' column"),
])
async def test_twenty_failed_attempts_leak_no_socket_and_no_task(mode, reason):
    switch = await FakeSwitch(mode).start()
    try:
        fds0, tasks0 = open_fds(), tasks()
        node = node_for(switch.port, timeout_s=0.05 if mode == "no-greeting" else 1.0)
        peak = [0]

        def on_retry(text: str, delay: float) -> None:
            # the failed attempt's socket is closed before the retry is announced
            peak[0] = max(peak[0], open_fds() - fds0)

        node.on_retry = on_retry
        node.start()
        await wait_until_async(lambda: node.health.errors >= 20, timeout=30, what="20 failed attempts",
                               show=lambda: node.health)
        await node.stop()
        assert reason in node.health.last_error and node.health.link == "down"
        assert switch.accepted >= 20
        # One attempt at a time: the client side of the failed one is gone when the next starts;
        # the fake switch's own side of it may still be closing (and it is in this process too).
        assert peak[0] <= 4, f"{peak[0]} more descriptors open during the retries"
        await wait_until_async(lambda: switch.open == 0 and open_fds() <= fds0 and tasks() <= tasks0, timeout=5,
                               what="every socket and task of 20 failed attempts gone",
                               show=lambda: f"fds {open_fds()} (was {fds0}), tasks {tasks()} (was {tasks0}), "
                                            f"server side open {switch.open}")
    finally:
        await switch.close()


async def test_failed_open_closes_its_socket_before_raising():
    switch = await FakeSwitch("bad-greeting").start()
    try:
        fds0 = open_fds()
        cfg = NodeConfig("fs1", "127.0.0.1", switch.port, timeout_s=1.0)
        with pytest.raises(ProtocolError, match="expected auth/request"):
            await EslConnection.open(cfg, lambda ev: None)
        # the client's own descriptor is gone at once (the switch's side closes on its EOF)
        assert open_fds() <= fds0 + 1
        await wait_until_async(lambda: open_fds() <= fds0, timeout=5, what="the switch's side closed too")
    finally:
        await switch.close()


@pytest.mark.timeout(30)
@pytest.mark.parametrize("channels, reason", [
    ("[1, 2, 3]", "not an object but list"),
    ('{"row_count": 1, "rows": "x"}', "'rows' is not a list of objects"),
    ('{"row_count": 1, "rows": [7]}', "'rows' is not a list of objects"),
    ('{"row_count": 1, "rows": [{"uuid": ' + "[" * 100_000 + "]" * 100_000 + "}]}", "RecursionError"),
    ("{oops", "bad show channels JSON"),
])
async def test_a_malformed_resync_is_counted_with_its_reason_and_retried(channels, reason):
    switch = await FakeSwitch("ok").start()
    switch.tables["show channels as json"] = channels
    try:
        node = node_for(switch.port)
        node.start()
        await wait_until_async(lambda: node.health.errors >= 3, timeout=10, what="three failed resyncs",
                               show=lambda: node.health)
        assert node.task is not None and not node.task.done(), "the node task ended"
        assert reason in node.health.last_error and node.health.link == "reconnecting"
        assert node.health.resyncs == 0
        # once the switch answers properly, the very same node connects
        switch.tables["show channels as json"] = CHANNELS
        await wait_until_async(lambda: node.health.link == "connected" and node.health.resyncs == 1, timeout=10,
                               what="the link up after the switch is fixed", show=lambda: node.health)
        await node.stop()
    finally:
        await switch.close()


async def test_a_table_without_name_column_does_not_end_the_node():
    switch = await FakeSwitch("bad-agents").start()
    try:
        node = node_for(switch.port)
        node.start()
        await wait_until_async(lambda: node.health.errors >= 3, timeout=10, what="three failed resyncs",
                               show=lambda: node.health)
        assert not node.task.done() and "malformed agent list: no 'name' column" in node.health.last_error
        switch.mode = "ok"
        await wait_until_async(lambda: node.health.link == "connected", timeout=10, what="the link up",
                               show=lambda: node.health)
        await node.stop()
    finally:
        await switch.close()


async def test_a_sink_that_raises_is_counted_and_the_link_comes_back():
    switch = await FakeSwitch("ok").start()
    try:
        calls = []

        def sink(e):
            calls.append(e)
            if isinstance(e, sw.Resynced) and len([c for c in calls if isinstance(c, sw.Resynced)]) <= 2:
                raise KeyError("boom")

        node = SwitchNode(NodeConfig("fs1", "127.0.0.1", switch.port, timeout_s=1, backoff_min_s=0.001,
                                     backoff_max_s=0.004), sink, rng=random.Random(1))
        node.start()
        await wait_until_async(lambda: node.health.link == "connected", timeout=10, what="the link up at last",
                               show=lambda: node.health)
        assert node.health.errors == 2 and "KeyError" in node.health.last_error
        await node.stop()
    finally:
        await switch.close()


def test_a_json_event_nested_100000_deep_is_a_protocol_error():
    parser = FrameParser(16 * 1024 * 1024)
    [frame] = parser.feed(deep_json_event())
    with pytest.raises(ProtocolError, match="nested too deeply"):
        frame.event()


async def test_a_deeply_nested_event_drops_the_link_with_its_reason_and_it_reconnects():
    switch = await FakeSwitch("deep-event").start()
    try:
        node = node_for(switch.port)
        node.start()
        await wait_until_async(lambda: node.health.errors >= 2 and node.health.resyncs >= 2, timeout=20,
                               what="two links lost to the deep event, each reconnected", show=lambda: node.health)
        assert "nested too deeply" in node.health.last_error and not node.task.done()
        await node.stop()
    finally:
        await switch.close()


async def test_refused_connection_is_a_link_error_and_retried():
    switch = await FakeSwitch("ok").start()
    port = switch.port
    await switch.close()                  # nothing listens there now
    with pytest.raises(LinkError, match="cannot connect"):
        await EslConnection.open(NodeConfig("fs1", "127.0.0.1", port, timeout_s=1), lambda ev: None)
    node = node_for(port)
    seen: list[tuple[str, float]] = []
    node.on_retry = lambda text, delay: seen.append((text, delay))
    node.start()
    await wait_until_async(lambda: len(seen) >= 5, timeout=10, what="five retries")
    await node.stop()
    assert all("cannot connect" in t and 0 < d <= 0.004 for t, d in seen)
