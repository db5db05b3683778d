"""Conformance: a third-party ESL client from PyPI (greenswitch) talks to the simulator.

greenswitch runs on gevent in this thread; the simulator runs in its own thread with its own
asyncio loop, at 20x speed, as a separate switch would.
"""

import asyncio
import threading
import time

import gevent
import greenswitch
import pytest

from backends.sim.model import CallCenter
from backends.sim.runner import SimRunner
from backends.sim.server import EslServer


@pytest.fixture
def sim_thread(demo_site):
    ready = threading.Event()
    box = {}

    def run():
        loop = asyncio.new_event_loop()
        box["loop"] = loop

        async def main():
            cc = CallCenter(demo_site, seed=3, start=time.time(), heartbeat_s=5)
            server = await EslServer(cc, port=0).start()
            box["port"] = server.port
            ready.set()
            runner = SimRunner(cc, speed=20)
            box["task"] = asyncio.current_task()
            try:
                await runner.run()
            finally:
                await server.close()

        try:
            loop.run_until_complete(main())
        except asyncio.CancelledError:
            pass

    t = threading.Thread(target=run, daemon=True)
    t.start()
    assert ready.wait(10)
    yield box["port"]
    box["loop"].call_soon_threadsafe(box["task"].cancel)
    t.join(5)


@pytest.mark.timeout(60)
def test_greenswitch_authenticates_lists_agents_and_receives_events(sim_thread):
    fs = greenswitch.InboundESL(host="127.0.0.1", port=sim_thread, password="ClueCon")
    fs.connect()
    try:
        r = fs.send("api callcenter_config agent list")
        lines = r.data.splitlines()
        assert lines[0].split("|")[:3] == ["name", "instance_id", "uuid"]
        assert lines[-1] == "+OK" and len(lines) == 102
        got = []
        fs.register_handle("callcenter::info", lambda ev: got.append(ev.headers.get("CC-Action")))
        fs.register_handle("HEARTBEAT", lambda ev: got.append("HEARTBEAT"))
        reply = fs.send("event plain HEARTBEAT CUSTOM callcenter::info")
        assert reply.data == "+OK event listener enabled plain"
        deadline = time.time() + 20
        while time.time() < deadline and not ({"HEARTBEAT", "member-queue-start"} <= set(got)):
            gevent.sleep(0.2)
        assert "HEARTBEAT" in got and "member-queue-start" in got and "agent-offering" in got
    finally:
        fs.stop()
