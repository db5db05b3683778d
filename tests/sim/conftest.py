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
