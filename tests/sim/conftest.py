import asyncio

import pytest

from backends.sim.model import CallCenter
from backends.sim.server import EslServer
from hotline_tui.config import DEMO_DIR
from hotline_tui.site import load_site

T0 = 1795402800.0   # 2026-11-23 10:20 site time: peak traffic


@pytest.fixture(scope="session")
def demo_site():
    return load_site(DEMO_DIR / "site.yaml")


@pytest.fixture
async def sim(demo_site):
    cc = CallCenter(demo_site, seed=7, start=T0)
    cc.run_until(T0 + 600)
    server = await EslServer(cc, port=0).start()
    yield server
    await server.close()


class RawClient:
    """Bytes in, frames out: the test's own eyes on the wire."""

    def __init__(self, reader, writer):
        from backends.freeswitch.codec import FrameParser
        self.reader, self.writer, self.parser, self.frames = reader, writer, FrameParser(), []

    @classmethod
    async def open(cls, port):
        r, w = await asyncio.open_connection("127.0.0.1", port)
        return cls(r, w)

    def send(self, line: str):
        self.writer.write(line.encode() + b"\n\n")

    async def frame(self, timeout=2.0):
        while not self.frames:
            data = await asyncio.wait_for(self.reader.read(65536), timeout)
            if not data:
                raise EOFError
            self.frames.extend(self.parser.feed(data))
        return self.frames.pop(0)

    async def until(self, pred, timeout=3.0):
        while True:
            f = await self.frame(timeout)
            if pred(f):
                return f


async def authed(port, events=None):
    """A logged-in raw client, optionally subscribed (the reply is checked and consumed)."""
    c = await RawClient.open(port)
    await c.frame()
    c.send("auth ClueCon")
    assert (await c.frame()).headers["Reply-Text"] == "+OK accepted"
    if events:
        c.send(events)
        f = await c.frame()
        assert f.headers["Reply-Text"].startswith("+OK event listener enabled"), f.headers
    return c


async def reply(c, line):
    """Send one command; return (its reply frame, the events that came before it)."""
    c.send(line)
    events = []
    while True:
        f = await c.frame()
        if f.is_event:
            events.append(f)
        else:
            return f, events


async def events_until_reply(c, line="api status"):
    """Every event delivered so far: the switch writes events in order, so all of them precede
    the reply to a command sent now."""
    _, events = await reply(c, line)
    return [f.event() for f in events]


def small_site(tmp_path, strategy="longest-idle-agent", agents=2, ring=0, no_answer=0.0, status="Available",
               logged_out=()):
    from hotline_tui.site import load_site
    y = f"""
switch: {{hostname: t, domain: t.local}}
behaviour: {{ring_mean_s: {ring}, no_answer_share: {no_answer}, no_answer_delay_s: 5, break_every_mean_s: 0}}
queues:
  - name: q1
    strategy: {strategy}
    discard_abandoned_after: 120
    abandoned_resume_allowed: true
agents:
  - team: A
    ids: 1-{agents}
    wrap_up_s: 0
    status: {status}
    logged_out: [{", ".join(logged_out)}]
    skills: {{q1: 1}}
"""
    p = tmp_path / "site.yaml"
    p.write_text(y)
    return load_site(p)


@pytest.fixture
async def serve():
    """``await serve(cc)`` → a started EslServer on a free port for that model (closed after)."""
    servers = []

    async def start(cc):
        s = await EslServer(cc, port=0).start()
        servers.append(s)
        return s
    yield start
    for s in servers:
        await s.close()
