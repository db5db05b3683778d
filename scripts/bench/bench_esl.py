"""ESL parse + map benchmark: our codec and mapping beside greenswitch's parser, same bytes, same run.

1. Record: the real switch simulator (``backends/sim``, demo site, peak traffic, fixed seed and start)
   serves the event socket on a free loopback port; a plain TCP client authenticates, subscribes
   exactly as the console does (``client.SUBSCRIBE``: channel events, HEARTBEAT, BACKGROUND_JOB,
   ``CUSTOM callcenter::info``, as plain events) and keeps the raw bytes that arrive after the
   subscribe reply until N event frames are in. Nothing is read from disk or committed: the same
   seed gives the same bytes.
2. Measure, on one core (the process is pinned), each parser fed the same pre-cut read-sized chunks
   (4 KiB and 64 KiB):
   * ours, selective (the client's live path): ``FrameParser(picker=client.PICKER).feed`` — each
     plain event's header block searched once for only the headers ``map_event`` reads
     (``Frame.picked``; ``Frame.event()`` for an event the picker declines) — + ``map_event``;
   * ours, full: ``FrameParser.feed`` + ``Frame.event()`` (every header, URL-decoded: what
     ``hotline esl decode`` shows) + ``map_event``, and full parse-only (no mapping) for reference;
   * greenswitch 0.0.19: ``ESLProtocol.receive_events()`` — its own read loop, unmodified: readline
     on a binary file object, ``ESLEvent`` per header block, ``handle_event`` reading the body with
     ``_read_socket`` and ``parse_data`` on it — over ``io.BufferedReader`` (as ``socket.makefile('rb')``
     builds it) on a fake raw socket that returns the same chunks. Its gevent queue is replaced by a
     counter (the queue hand-off is not parsing; this favours greenswitch slightly).
   Each figure is events per second of CPU time, the median of ``--repeat`` rounds (default 5) in
   which the contenders take turns. Both parsers must yield the N events, with the same CC-Actions.

    .venv/bin/python scripts/bench/bench_esl.py                  # 20,000 events
    .venv/bin/python scripts/bench/bench_esl.py --events 2000 --repeat 3   # quick check
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import os
import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from backends.freeswitch.client import PICKER, SUBSCRIBE  # noqa: E402
from backends.freeswitch.codec import FrameParser  # noqa: E402
from backends.freeswitch.mapping import map_event  # noqa: E402
from backends.sim.model import CallCenter  # noqa: E402
from backends.sim.server import EslServer  # noqa: E402
from hotline_tui.clock import SITE_TZ  # noqa: E402
from hotline_tui.config import DEMO_DIR  # noqa: E402
from hotline_tui.site import load_site  # noqa: E402

START = datetime(2026, 11, 24, 9, 30, tzinfo=SITE_TZ).timestamp()   # a weekday morning peak
CHUNKS = (4096, 65536)


# -- recording ---------------------------------------------------------------------------------
def frame_ends(stream: bytes, limit: int | None = None) -> list[int]:
    """Offsets just past each complete frame (independent of the codec under test: header block
    to the blank line, then Content-Length bytes)."""
    ends, pos, n = [], 0, len(stream)
    while pos < n and (limit is None or len(ends) < limit):
        end = stream.find(b"\n\n", pos)
        if end < 0:
            break
        length = 0
        for line in stream[pos:end].split(b"\n"):
            if line.startswith(b"Content-Length: "):
                length = int(line[16:])
        if end + 2 + length > n:
            break
        pos = end + 2 + length
        ends.append(pos)
    return ends


async def _record(events: int, seed: int, site_path: Path, step_s: float) -> bytes:
    site = load_site(site_path)
    cc = CallCenter(site, seed=seed, start=START, profile="peak")
    server = await EslServer(cc, port=0).start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)

        async def reply() -> bytes:
            return await reader.readuntil(b"\n\n")

        await reply()                                   # auth/request
        writer.write(b"auth ClueCon\n\n")
        assert b"+OK accepted" in await reply()
        writer.write(SUBSCRIBE.encode() + b"\n\n")
        assert b"+OK event listener enabled plain" in await reply()
        got = bytearray()
        seen = counted = 0
        marker = b"\nContent-Type: text/event-plain\n\n"
        while seen < events:
            cc.run_until(cc.now + step_s)               # the model raises events; the server writes them
            while True:
                try:
                    data = await asyncio.wait_for(reader.read(1 << 20), 0.02)
                except asyncio.TimeoutError:
                    break
                if not data:
                    raise RuntimeError("simulator closed the link")
                got += data
            start = max(counted - len(marker) + 1, 0)   # count each marker once, also across reads
            seen += got.count(marker, start)
            counted = len(got)
        writer.close()
        await writer.wait_closed()
        await asyncio.sleep(0.05)                       # let the server's handler see the close
    finally:
        await server.close()
    stream = bytes(got)
    ends = frame_ends(stream, events)
    return stream[:ends[-1]]


def record(events: int = 20_000, seed: int = 12345, site_path: Path = DEMO_DIR / "site.yaml", step_s: float = 30.0) -> bytes:
    """The raw bytes of the first ``events`` event frames the simulator sends a subscribed console."""
    return asyncio.run(_record(events, seed, site_path, step_s))


def cut(stream: bytes, size: int) -> list[bytes]:
    return [stream[i:i + size] for i in range(0, len(stream), size)]


# -- the parsers -------------------------------------------------------------------------------
# Each consumes its events as the console does (hand each on, keep nothing) and returns a count,
# so that no parser pays the garbage collector for a growing list of results.
def ours_map(chunks: list[bytes], node: str = "fs1", sink=None) -> int:
    """The client's read path: frames → event dicts → domain events (None dropped)."""
    parser = FrameParser()
    n = 0
    for data in chunks:
        for frame in parser.feed(data):
            ev = frame.event()
            if ev is not None:
                dom = map_event(ev, node)
                if dom is not None:
                    n += 1
                    if sink is not None:
                        sink(dom)
    return n


def ours_pick(chunks: list[bytes], node: str = "fs1", sink=None) -> int:
    """The client's live path: frames → only the headers map_event reads → domain events."""
    parser = FrameParser(picker=PICKER)
    n = 0
    for data in chunks:
        for frame in parser.feed(data):
            ev = frame.picked
            if ev is None:
                ev = frame.event()
            if ev is not None:
                dom = map_event(ev, node)
                if dom is not None:
                    n += 1
                    if sink is not None:
                        sink(dom)
    return n


def ours_parse(chunks: list[bytes], sink=None) -> int:
    parser = FrameParser()
    n = 0
    for data in chunks:
        for frame in parser.feed(data):
            ev = frame.event()
            if ev is not None:
                n += 1
                if sink is not None:
                    sink(ev)
    return n


class _FakeRaw(io.RawIOBase):
    """A socket's raw side: each read returns at most what one recv of the chunk would."""

    def __init__(self, chunks: list[bytes]):
        self._chunks = iter(chunks)
        self._cur = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if not self._cur:
            self._cur = memoryview(next(self._chunks, b""))
        n = min(len(b), len(self._cur))
        b[:n] = self._cur[:n]
        self._cur = self._cur[n:]
        return n


class _Sink:
    """Stands in for greenswitch's gevent Queue (``put``): counts, or hands each event on."""

    def __init__(self, sink=None):
        self.n, self.sink = 0, sink

    def put(self, event) -> None:
        self.n += 1
        if self.sink is not None:
            self.sink(event)


class _NoSock:
    def close(self) -> None:
        pass


def greenswitch_parse(chunks: list[bytes], sink=None) -> int:
    from greenswitch.esl import ESLProtocol

    proto = ESLProtocol()
    proto.sock = _NoSock()
    proto.sock_file = io.BufferedReader(_FakeRaw(chunks), io.DEFAULT_BUFFER_SIZE)
    proto.connected = True
    proto._esl_event_queue = _Sink(sink)
    proto.receive_events()
    return proto._esl_event_queue.n


# -- timing ------------------------------------------------------------------------------------
def rates(contenders: dict, chunks: list[bytes], n_events: int, repeat: int) -> dict[str, dict[str, float]]:
    """events/s per contender, median of ``repeat`` rounds. The contenders take turns within each
    round, so a neighbour's load falls on all of them alike. Both CPU time of this process
    (``process_time``: what the parser itself costs, unaffected by waiting for a shared core) and
    wall time are kept."""
    cpu: dict[str, list[float]] = {k: [] for k in contenders}
    wall: dict[str, list[float]] = {k: [] for k in contenders}
    for _ in range(repeat):
        for name, fn in contenders.items():
            gc.collect()
            c0, w0 = time.process_time(), time.perf_counter()
            fn(chunks)
            cpu[name].append(n_events / (time.process_time() - c0))
            wall[name].append(n_events / (time.perf_counter() - w0))
    return {k: {"cpu": statistics.median(cpu[k]), "wall": statistics.median(wall[k])} for k in contenders}


def machine() -> str:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"nproc {os.cpu_count()}, CPU {cpu}, Python {platform.python_version()}"


def pin(cpu: int | None) -> str:
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        return "not pinned"
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cpu", type=int, default=0, help="CPU to pin to (-1: do not pin)")
    args = ap.parse_args()
    print(machine(), "|", pin(None if args.cpu < 0 else args.cpu))
    t0 = time.perf_counter()
    stream = record(args.events, args.seed)
    print(f"recorded {args.events} event frames, {len(stream):,} bytes "
          f"({len(stream) / args.events:.0f} B/event) from the simulator over TCP in {time.perf_counter() - t0:.1f} s")

    # Same bytes, same answer: both parsers see every event; our mapping keeps the ones the console uses.
    chunks = cut(stream, CHUNKS[0])
    mine: list[dict] = []
    theirs: list = []
    ours_parse(chunks, mine.append)
    greenswitch_parse(chunks, theirs.append)
    assert len(mine) == len(theirs) == args.events, (len(mine), len(theirs))
    assert [e.get("CC-Action") for e in mine] == [e.headers.get("CC-Action") for e in theirs]
    full: list = []
    picked: list = []
    mapped = ours_map(chunks, sink=full.append)
    ours_pick(chunks, sink=picked.append)
    assert picked == full, "the selective path must give the same domain events"
    print(f"check: both parsers yield {args.events} events; {mapped} map to domain events, the same on both of our paths")

    contenders = {"pick": ours_pick, "map": ours_map, "parse": ours_parse, "greenswitch": greenswitch_parse}
    print(f"load before timing: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    print()
    print("| read size | ours, selective: parse + map | ours, full: parse + map | ours, full: parse only | greenswitch 0.0.19 "
          "| selective ÷ greenswitch (wall) | full ÷ greenswitch (wall) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for size in CHUNKS:
        r = rates(contenders, cut(stream, size), args.events, args.repeat)
        k, m, p, g = r["pick"]["cpu"], r["map"]["cpu"], r["parse"]["cpu"], r["greenswitch"]["cpu"]
        gw = r["greenswitch"]["wall"]
        print(f"| {size // 1024} KiB | {k:,.0f} ev/s | {m:,.0f} ev/s | {p:,.0f} ev/s | {g:,.0f} ev/s | "
              f"**{k / g:.2f}×** ({r['pick']['wall'] / gw:.2f}×) | {m / g:.2f}× ({r['map']['wall'] / gw:.2f}×) |")
    print(f"\nevents/s of CPU time (process_time), median of {args.repeat} interleaved rounds over the same "
          f"{len(stream):,} bytes; the ratios also by wall time; load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
