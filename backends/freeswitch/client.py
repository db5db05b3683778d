"""Asyncio inbound ESL client for one switch node: auth, subscribe, api/bgapi, reconnect, resync.

Life of a link: connect → read ``auth/request`` → ``auth`` → subscribe → resynchronise from the
switch's own tables → stream events. On any loss it reconnects with capped exponential
backoff and full jitter (injectable RNG) and resynchronises again.

Events during resync: events keep arriving while the tables are read. Every event is handed
on exactly once, in arrival order, and the ``Resynced`` snapshot is inserted at the position
of the first table reply: events that arrived before it are older than every table and are
overwritten by it; events after it are newer than at least the agent table and are applied
on top (member and agent updates are idempotent by uuid/name, so an event already reflected
in a later table does no harm, and call outcomes are counted once).
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable

from hotline_tui import switch as sw
from hotline_tui.errors import HotlineError, LinkError, ProtocolError

from .codec import Frame, FrameParser, HeaderPicker, encode_command
from .mapping import READS, map_event
from .resync import build_resynced, parse_table

SUBSCRIBE = ("event plain CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_BRIDGE CHANNEL_HANGUP_COMPLETE HEARTBEAT "
             "BACKGROUND_JOB CUSTOM callcenter::info sofia::register sofia::unregister")  # every token after CUSTOM is a subclass
PICKER = HeaderPicker(READS)
_REPLIES = frozenset(("command/reply", "api/response", "auth/request", "text/rude-rejection"))


@dataclass
class NodeConfig:
    name: str
    host: str = "127.0.0.1"
    port: int = 8021
    password: str = "ClueCon"
    timeout_s: float = 5.0
    backoff_min_s: float = 0.5
    backoff_max_s: float = 30.0
    max_frame: int = 16 * 1024 * 1024


class EslConnection:
    """One authenticated socket. ``api`` calls are serialised (the switch answers in order)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, cfg: NodeConfig,
                 on_event: Callable[[dict], None]):
        self.reader, self.writer, self.cfg, self.on_event = reader, writer, cfg, on_event
        # The live path decodes only the headers map_event reads (the same domain events as the
        # full parser, tests/esl/test_pick.py); events it declines take the full parser.
        self.parser = FrameParser(cfg.max_frame, PICKER)
        self.replies: deque[asyncio.Future] = deque()
        self.jobs: dict[str, asyncio.Future] = {}
        # A fast job's BACKGROUND_JOB can arrive in the same read as the bgapi reply, before the
        # caller has registered its future; keep such results (bounded) until they are claimed.
        self.early_jobs: dict[str, str] = {}
        self.closed = asyncio.get_running_loop().create_future()
        self.lock = asyncio.Lock()
        self.task: asyncio.Task | None = None
        self.buffer: list[dict] | None = None   # events held during resync
        self.greeted = False                     # the first non-event frame is the greeting
        self.events = 0

    @classmethod
    async def open(cls, cfg: NodeConfig, on_event: Callable[[dict], None]) -> "EslConnection":
        """Connect, read the greeting, authenticate, subscribe; return the open connection.
        Raises LinkError (refused, timed out, denied, wrong password, subscription refused) or
        ProtocolError (not an ESL greeting). Whatever fails, the socket and its reader task are
        closed before the error leaves: a failed handshake leaks nothing."""
        try:
            # asyncio.timeout, not wait_for: on 3.11 wait_for loses a cancellation that arrives as
            # the connection completes (the node then could not be stopped)
            async with asyncio.timeout(cfg.timeout_s):
                reader, writer = await asyncio.open_connection(cfg.host, cfg.port)
        except asyncio.TimeoutError:
            raise LinkError(f"{cfg.name}: cannot connect to {cfg.host}:{cfg.port}: "
                            f"no answer within {cfg.timeout_s:g} s") from None
        except OSError as exc:
            why = os.strerror(exc.errno).lower() if exc.errno else (str(exc) or type(exc).__name__)
            raise LinkError(f"{cfg.name}: cannot connect to {cfg.host}:{cfg.port}: {why}") from None
        conn = cls(reader, writer, cfg, on_event)
        try:
            await conn._handshake()
        except BaseException:
            await conn.close()
            raise
        return conn

    async def _handshake(self) -> None:
        cfg = self.cfg
        first = asyncio.get_running_loop().create_future()
        self.replies.append(first)          # the greeting is the first "reply"
        self.task = asyncio.create_task(self._read())
        try:
            greeting = await self._wait(first)
        except LinkError as exc:
            why = str(exc).removeprefix(f"{cfg.name}: ")
            raise LinkError(f"{cfg.name}: no ESL greeting from {cfg.host}:{cfg.port}: {why}") from None
        if greeting.content_type == "text/rude-rejection":
            raise LinkError(f"{cfg.name}: access denied by the switch's ACL")
        if greeting.content_type != "auth/request":
            raise ProtocolError(f"{cfg.name}: expected auth/request, got {greeting.content_type!r}")
        reply = await self.command(f"auth {cfg.password}")
        if not reply.headers.get("Reply-Text", "").startswith("+OK"):
            raise LinkError(f"{cfg.name}: authentication failed ({reply.headers.get('Reply-Text', '')})")
        reply = await self.command(SUBSCRIBE)
        if not reply.headers.get("Reply-Text", "").startswith("+OK"):
            raise LinkError(f"{cfg.name}: subscribe refused ({reply.headers.get('Reply-Text', '')})")

    async def _wait(self, fut: asyncio.Future):
        done, _ = await asyncio.wait({fut, self.closed}, timeout=self.cfg.timeout_s, return_when=asyncio.FIRST_COMPLETED)
        if fut in done:
            return fut.result()
        if self.closed in done:
            raise LinkError(f"{self.cfg.name}: link lost ({self.closed.result()})")
        raise LinkError(f"{self.cfg.name}: the switch did not answer within {self.cfg.timeout_s:g} s")

    async def _read(self) -> None:
        reason = "closed by the switch"
        try:
            while True:
                data = await self.reader.read(65536)
                if not data:
                    break
                for frame in self.parser.feed(data):
                    self._frame(frame)
        except asyncio.CancelledError:
            reason = "closed"
        except Exception as exc:
            # A bad frame (ProtocolError), a socket error, or a sink that raised on an event: the
            # link ends with the reason, and the node reconnects and resyncs.
            reason = str(exc) if isinstance(exc, (OSError, HotlineError)) and str(exc) else f"{type(exc).__name__}: {exc}"
        finally:
            if not self.closed.done():
                self.closed.set_result(reason)
            for fut in list(self.replies) + list(self.jobs.values()):
                if not fut.done():
                    fut.set_exception(LinkError(f"{self.cfg.name}: link lost ({reason})"))
                    fut.exception()     # retrieved: whoever still waits on it is told by `closed`
            self.replies.clear()
            self.jobs.clear()

    def _frame(self, frame: Frame) -> None:
        ct = frame.content_type
        if frame.is_event:
            ev = frame.picked
            if ev is None:
                ev = frame.event()
                if ev is None:            # only a frame that is no event has none; is_event said it is
                    return
            self.events += 1
            if ev.get("Event-Name") == "BACKGROUND_JOB":
                job = ev.get("Job-UUID", "")
                fut = self.jobs.pop(job, None)
                if fut is not None and not fut.done():
                    fut.set_result(ev.get("_body", ""))
                elif fut is None and job:
                    self.early_jobs[job] = ev.get("_body", "")
                    while len(self.early_jobs) > 256:
                        self.early_jobs.pop(next(iter(self.early_jobs)))
            if self.buffer is not None:
                self.buffer.append(ev)
            else:
                self.on_event(ev)
        elif ct == "text/disconnect-notice":
            if not self.closed.done():
                self.closed.set_result("disconnect notice from the switch")
            self.writer.close()
        elif ct in _REPLIES or not self.greeted:
            # a reply, or the greeting — whatever frame that is, so that a bad greeting is
            # reported at once (not after the timeout); later, frames of other types are ignored
            self.greeted = True
            if self.replies:
                fut = self.replies.popleft()
                if not fut.done():
                    fut.set_result((frame, len(self.buffer)) if self.buffer is not None else frame)

    async def command(self, line: str) -> Frame:
        """Send one command; return its reply frame. Raises LinkError on loss or timeout."""
        async with self.lock:
            if self.closed.done():
                raise LinkError(f"{self.cfg.name}: link lost ({self.closed.result()})")
            fut = asyncio.get_running_loop().create_future()
            self.replies.append(fut)
            self.writer.write(encode_command(line))
            result = await self._wait(fut)
        return result[0] if isinstance(result, tuple) else result

    async def api_marked(self, line: str) -> tuple[str, int | None]:
        """``api`` returning (body, number of events held before its reply)."""
        async with self.lock:
            fut = asyncio.get_running_loop().create_future()
            self.replies.append(fut)
            self.writer.write(encode_command("api " + line))
            result = await self._wait(fut)
        frame, mark = result if isinstance(result, tuple) else (result, None)
        return frame.text(), mark

    async def api(self, line: str) -> str:
        return (await self.api_marked(line))[0]

    async def bgapi(self, line: str, timeout_s: float = 30.0) -> str:
        """Run ``line`` in the background; return its result body. Correlated by Job-UUID."""
        reply = await self.command("bgapi " + line)
        job = reply.headers.get("Job-UUID", "")
        if not job:
            raise HotlineError(f"{self.cfg.name}: bgapi refused: {reply.headers.get('Reply-Text', '')}")
        if job in self.early_jobs:
            return self.early_jobs.pop(job)
        fut = asyncio.get_running_loop().create_future()
        self.jobs[job] = fut
        done, _ = await asyncio.wait({fut, self.closed}, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
        if fut in done:
            return fut.result()
        self.jobs.pop(job, None)
        raise LinkError(f"{self.cfg.name}: background job {job} did not finish in {timeout_s:g} s")

    async def close(self) -> None:
        """Close the socket and end the reader task; returns when both are gone. Raises nothing
        but the caller's own cancellation."""
        try:
            self.writer.close()
        except Exception:
            pass
        if self.task:
            self.task.cancel()
            # asyncio.wait, not ``await self.task``: the reader's own end (cancelled) is not
            # raised here, and a cancellation of the caller is not swallowed with it
            await asyncio.wait({self.task})
        # (no wait_closed(): the transport closes its socket on the loop's next pass anyway)


class SwitchNode:
    """A supervised link to one switch: keeps reconnecting and feeds domain events to ``sink``."""

    def __init__(self, cfg: NodeConfig, sink: sw.EventSink, *, rng: random.Random | None = None,
                 wallclock: Callable[[], float] = time.time):
        self.cfg, self.sink, self.rng, self.now = cfg, sink, rng or random.Random(), wallclock
        self.health = sw.NodeHealth(cfg.name, f"{cfg.host}:{cfg.port}")
        self.conn: EslConnection | None = None
        self.connected = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.attempt = 0
        self._rate: deque[float] = deque()
        # told (reason, seconds until the next attempt) before each retry: ``hotline esl tail``
        self.on_retry: Callable[[str, float], None] | None = None

    def backoff(self) -> float:
        """Capped exponential backoff with full jitter: uniform(0, min(max, min * 2**attempt))."""
        # the exponent is bounded: a switch refusing for days must not overflow the float
        cap = min(self.cfg.backoff_max_s, self.cfg.backoff_min_s * (2 ** min(self.attempt, 60)))
        return self.rng.uniform(self.cfg.backoff_min_s / 2, cap)

    def _on_event(self, ev: dict) -> None:
        try:
            dom = map_event(ev, self.cfg.name)
        except Exception as exc:  # a malformed event must not kill the link
            self.health.errors += 1
            self.health.last_error = f"bad event: {exc}"
            return
        self.health.events_total += 1
        t = self.now()
        self._rate.append(t)
        while self._rate and self._rate[0] < t - 10:
            self._rate.popleft()
        self.health.events_per_s = len(self._rate) / 10
        if isinstance(dom, sw.Heartbeat):
            self.health.last_heartbeat = t
        if dom is not None:
            self.sink(dom)

    async def resync(self, conn: EslConnection) -> None:
        conn.buffer = []
        try:
            agents, mark = await conn.api_marked("callcenter_config agent list")
            tiers = await conn.api("callcenter_config tier list")
            queues = await conn.api("callcenter_config queue list")
            members = {}
            for row in parse_table(queues, required=("name",), what="queue list"):
                members[row["name"]] = await conn.api(f"callcenter_config queue list members {row['name']}")
            registrations = await conn.api("show registrations as json")
            channels = await conn.api("show channels as json")
            snapshot = build_resynced(self.cfg.name, self.now(), agents, tiers, queues, members, channels,
                                      registrations)
        except BaseException:
            held, conn.buffer = conn.buffer, None
            for ev in held:
                self._on_event(ev)
            raise
        held, conn.buffer = conn.buffer, None
        mark = len(held) if mark is None else mark
        for ev in held[:mark]:
            self._on_event(ev)
        self.sink(snapshot)
        for ev in held[mark:]:
            self._on_event(ev)
        self.health.resyncs += 1

    async def run(self, *, give_up_unconnected: bool = False) -> None:
        """Connect, resync, stream; on loss reconnect forever (until cancelled). Blocks (awaits)
        until cancelled; never returns otherwise.

        Any failure while connecting, resynchronising or reading — a refused connection, a bad
        greeting, a wrong password, a malformed table, a bad frame, a sink that raised — closes
        the connection, is counted in ``health.errors`` with its reason in ``health.last_error``,
        is told to ``on_retry(reason, delay_s)`` when set, and is followed by a capped backoff and
        a new attempt. With ``give_up_unconnected`` a failure before the first successful
        connect is raised instead (HotlineError or OSError; anything else as ProtocolError)."""
        ever_up = False
        while True:
            try:
                self.health.link = "reconnecting" if self.health.events_total or self.attempt else "down"
                conn = await EslConnection.open(self.cfg, self._on_event)
                self.conn = conn
                await self.resync(conn)
                self.attempt = 0
                ever_up = True
                self.health.link = "connected"
                self.connected.set()
                self.sink(sw.LinkUp(self.cfg.name, self.now()))
                reason = await conn.closed
                raise LinkError(f"{self.cfg.name}: {reason}")
            except asyncio.CancelledError:
                if self.conn:
                    await self.conn.close()
                self.health.link = "down"
                raise
            except Exception as exc:
                # Not only HotlineError/OSError: a bug-shaped failure (KeyError from a table, a
                # sink that raised) must not end the node task silently either.
                self.connected.clear()
                if self.conn:
                    await self.conn.close()
                    self.conn = None
                text = str(exc) if isinstance(exc, (HotlineError, OSError)) and str(exc) else \
                    f"{self.cfg.name}: {type(exc).__name__}: {exc}"
                was_up = self.health.link == "connected"
                self.health.link = "reconnecting"
                self.health.errors += 1
                self.health.last_error = text
                if was_up:
                    try:
                        self.sink(sw.LinkDown(self.cfg.name, self.now(), text))
                    except Exception as sink_exc:    # the node must go on retrying all the same
                        self.health.last_error = f"{text}; the sink failed on LinkDown: {sink_exc!r}"
                if give_up_unconnected and not ever_up:
                    self.health.link = "down"
                    if isinstance(exc, (HotlineError, OSError)):
                        raise
                    raise ProtocolError(text) from exc
                delay = self.backoff()
                self.attempt += 1
                if self.on_retry is not None:
                    self.on_retry(text, delay)
                await asyncio.sleep(delay)

    def start(self) -> asyncio.Task:
        self.task = asyncio.create_task(self.run())
        return self.task

    async def stop(self) -> None:
        """Cancel the node task and wait until it has ended (its connection closed)."""
        if self.task:
            while not self.task.done():
                self.task.cancel()
                await asyncio.wait({self.task}, timeout=1.0)
        self.health.link = "down"
