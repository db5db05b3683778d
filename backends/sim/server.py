"""An inbound event socket (mod_event_socket) in front of the simulated call centre.

Speaks the wire protocol as FreeSWITCH does: ``auth/request`` greeting, ``auth`` (wrong password
→ ``-ERR invalid`` then the disconnect notice), a 25 s auth window, ``event plain|json|xml``,
``nixevent``, ``noevents``, ``filter`` (add / delete, ``-`` negative, ``/regex/``), ``api``
(answered in order, nothing else is written to that socket meanwhile), ``bgapi`` (reply with
Job-UUID, result later as BACKGROUND_JOB), ``exit``, unknown commands ``-ERR command not
found``. Faults for tests: ``drop_all``, ``notice_all``, ``stall``, ``restart``.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Callable

from .api import run_api
from .events import Identity, SimEvent, as_json, plain
from .model import CallCenter

GOODBYE = b"Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
SHUTDOWN = b"The system is being shut down.\n"
AUTH_TIMEOUT_S = 25.0
MAX_COMMAND = 16 * 1024 * 1024
_EVENT_NAMES = {
    "CUSTOM", "CHANNEL_CREATE", "CHANNEL_DESTROY", "CHANNEL_STATE", "CHANNEL_CALLSTATE", "CHANNEL_ANSWER",
    "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE", "CHANNEL_EXECUTE", "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_BRIDGE",
    "CHANNEL_UNBRIDGE", "CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA", "CHANNEL_OUTGOING", "CHANNEL_PARK",
    "CHANNEL_UNPARK", "CHANNEL_ORIGINATE", "CHANNEL_UUID", "CHANNEL_DATA", "HEARTBEAT", "BACKGROUND_JOB", "API",
    "DTMF", "RECORD_START", "RECORD_STOP", "PRESENCE_IN", "RE_SCHEDULE", "SHUTDOWN", "LOG", "ALL",
}


def _reply(text: str, extra: str = "") -> bytes:
    return f"Content-Type: command/reply\nReply-Text: {text}\n{extra}\n".encode()


def _api_response(body: str) -> bytes:
    data = body.encode()
    return f"Content-Type: api/response\nContent-Length: {len(data)}\n\n".encode() + data


def _notice(body: bytes) -> bytes:
    return f"Content-Type: text/disconnect-notice\nContent-Length: {len(body)}\n\n".encode() + body


@dataclass(eq=False)
class _Conn:
    writer: asyncio.StreamWriter
    authed: bool = False
    fmt: str = "plain"
    all_events: bool = False
    names: set[str] = field(default_factory=set)
    subclasses: set[str] = field(default_factory=set)
    filters: list[tuple[str, str]] = field(default_factory=list)
    pending: list[bytes] = field(default_factory=list)

    def wants(self, ev: SimEvent) -> bool:
        if not self.authed:
            return False
        if not self.all_events:
            if ev.name not in self.names:
                return False
            if ev.name == "CUSTOM" and ev.subclass not in self.subclasses:
                return False
        if not self.filters:
            return True
        matched = False
        for header, value in self.filters:
            have = ev.subclass if header == "Event-Subclass" else (ev.name if header == "Event-Name" else ev.header(header))
            if have is None:
                continue
            negative = value.startswith("-")
            want = value[1:] if negative else value
            hit = re.search(want[1:].rstrip("/"), have) is not None if want.startswith("/") else have.lower() == want.lower()
            if hit and negative:
                return False
            matched = matched or hit
        return matched


class EslServer:
    """``await EslServer(cc, ...).start()``; ``port`` is the bound port (0 picks a free one)."""

    def __init__(self, cc: CallCenter, *, host: str = "127.0.0.1", port: int = 8021, password: str = "ClueCon",
                 identity: Identity | None = None, auth_timeout_s: float = AUTH_TIMEOUT_S):
        self.cc, self.host, self.port, self.password = cc, host, port, password
        self.ident = identity or Identity(cc.uuid(), cc.site.hostname)
        self.auth_timeout_s = auth_timeout_s
        self.conns: set[_Conn] = set()
        self.server: asyncio.base_events.Server | None = None
        self._stalled = asyncio.Event()
        self._stalled.set()                  # set = not stalled
        self._jobs = 0
        self.commands_seen: list[str] = []
        cc.listeners.append(self._broadcast)

    async def start(self) -> "EslServer":
        self.server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        if self._broadcast in self.cc.listeners:
            self.cc.listeners.remove(self._broadcast)
        await self._stop_listening()
        for c in list(self.conns):
            self._write(c, _notice(SHUTDOWN), force=True)
            c.writer.close()
        self.conns.clear()

    async def _stop_listening(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None

    # -- events out -------------------------------------------------------------------------
    def _frame(self, ev: SimEvent, fmt: str) -> bytes:
        if fmt == "json":
            return as_json(ev, self.ident)
        if fmt == "xml":
            from .events import all_headers
            from xml.sax.saxutils import escape

            from backends.freeswitch.codec import url_encode
            hs = "".join(f"<{k}>{escape(url_encode(v))}</{k}>" for k, v in all_headers(ev, self.ident))
            body = f"<Content-Length>{len(ev.body.encode())}</Content-Length><body>{escape(ev.body)}</body>" if ev.body else ""
            data = f"<event><headers>{hs}</headers>{body}</event>".encode()
            return f"Content-Length: {len(data)}\nContent-Type: text/event-xml\n\n".encode() + data
        return plain(ev, self.ident)

    def _broadcast(self, ev: SimEvent) -> None:
        for c in list(self.conns):
            if c.wants(ev):
                self._write(c, self._frame(ev, c.fmt))

    def _write(self, c: _Conn, data: bytes, *, force: bool = False) -> None:
        if not self._stalled.is_set() and not force:
            c.pending.append(data)
            return
        if c.pending:
            c.writer.write(b"".join(c.pending))
            c.pending.clear()
        try:
            c.writer.write(data)
        except (ConnectionError, RuntimeError):
            pass

    # -- one connection ----------------------------------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        c = _Conn(writer)
        self.conns.add(c)
        writer.write(b"Content-Type: auth/request\n\n")
        try:
            first = True
            while True:
                try:
                    cmd, headers = await (asyncio.wait_for(self._read_command(reader), self.auth_timeout_s)
                                          if first else self._read_command(reader))
                except asyncio.TimeoutError:
                    self._write(c, _notice(GOODBYE), force=True)
                    break
                if cmd is None:
                    break
                first = False
                await self._stalled.wait()
                if c not in self.conns:
                    break
                self.commands_seen.append(cmd)
                if not await self._handle(c, cmd, headers):
                    break
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            pass
        finally:
            self.conns.discard(c)
            try:
                await writer.drain()
            except (ConnectionError, OSError):
                pass
            writer.close()

    async def _read_command(self, reader: asyncio.StreamReader) -> tuple[str | None, dict[str, str]]:
        lines: list[str] = []
        while True:
            raw = await reader.readline()
            if not raw:
                return None, {}
            line = raw.rstrip(b"\r\n").decode("utf-8", "replace")
            if line == "":
                if lines:
                    break
                continue                     # leading blank lines are skipped
            lines.append(line)
        headers = {}
        for h in lines[1:]:
            k, _, v = h.partition(":")
            headers[k.strip()] = v.lstrip()
        n = next((v for k, v in headers.items() if k.lower() == "content-length"), None)
        if n is not None:
            size = int(n) if n.strip().isdigit() else -1
            if size < 0 or size > MAX_COMMAND:
                return None, {}
            headers["_body"] = (await reader.readexactly(size)).decode("utf-8", "replace")
        return lines[0], headers

    async def _handle(self, c: _Conn, line: str, headers: dict[str, str]) -> bool:
        """Answer one command; False closes the connection."""
        low = line.lower()
        if low.startswith("exit") or low.startswith("..."):
            self._write(c, _reply("+OK bye"), force=True)
            self._write(c, _notice(GOODBYE), force=True)
            return False
        if not c.authed:
            if low.startswith("auth "):
                if line[5:] == self.password:
                    c.authed = True
                    self._write(c, _reply("+OK accepted"))
                    return True
                self._write(c, _reply("-ERR invalid"), force=True)
                self._write(c, _notice(GOODBYE), force=True)
                return False
            self._write(c, _reply("-ERR command not found"))
            return True
        if low.startswith("api "):
            body = run_api(self.cc, line[4:])
            self._write(c, _api_response(body or "-ERR no reply\n"))
            return True
        if low.startswith("bgapi "):
            job = headers.get("Job-UUID") or self.cc.uuid()
            self._write(c, _reply(f"+OK Job-UUID: {job}", f"Job-UUID: {job}\n"))
            cmd = line[6:].strip()
            asyncio.get_running_loop().call_soon(self._job_done, job, cmd)
            return True
        if low.startswith("event"):
            return self._event(c, line)
        if low.startswith("nixevent"):
            words = line.split()[1:]
            if not words:
                self._write(c, _reply("-ERR no keywords supplied"))
                return True
            if c.all_events:
                c.all_events, c.names = False, set(_EVENT_NAMES - {"ALL"})
            custom = False
            for w in words:
                if custom:
                    c.subclasses.discard(w)
                elif w.upper() == "CUSTOM":
                    custom = True
                else:
                    c.names.discard(w.upper())
            self._write(c, _reply("+OK events nixed"))
            return True
        if low.startswith("noevents"):
            had = c.all_events or c.names
            c.all_events, c.names, c.subclasses, c.pending = False, set(), set(), []
            self._write(c, _reply("+OK no longer listening for events" if had else "-ERR not listening for events"))
            return True
        if low.startswith("filter"):
            return self._filter(c, line)
        if low.startswith("log") or low.startswith("nolog"):
            self._write(c, _reply("+OK log level  [7]" if low.startswith("log") else "+OK no longer logging"))
            return True
        self._write(c, _reply("-ERR command not found"))
        return True

    def _event(self, c: _Conn, line: str) -> bool:
        words = line.split()[1:]
        if words and words[0].lower() in ("plain", "json", "xml"):
            c.fmt = words.pop(0).lower()
        known = False
        custom = False
        for w in words:
            if custom:
                c.subclasses.add(w)
                known = True
                continue
            name = w.upper().removeprefix("SWITCH_EVENT_")
            if name == "ALL":
                c.all_events = known = True
            elif name == "CUSTOM":
                c.names.add("CUSTOM")
                custom = known = True
            elif name in _EVENT_NAMES:
                c.names.add(name)
                known = True
        self._write(c, _reply(f"+OK event listener enabled {c.fmt}" if known else "-ERR no keywords supplied"))
        return True

    def _filter(self, c: _Conn, line: str) -> bool:
        words = line.split()
        if len(words) >= 2 and words[1] == "delete":
            if len(words) >= 3 and words[2] == "all":
                c.filters.clear()
                self._write(c, _reply("+OK filter deleted. [all][]"))
                return True
            header = words[2] if len(words) > 2 else ""
            value = " ".join(words[3:])
            c.filters = [(h, v) for h, v in c.filters if not (h == header and (not value or v == value))]
            self._write(c, _reply(f"+OK filter deleted. [{header}][{value}]"))
            return True
        if len(words) >= 2 and words[1] == "add":
            words = words[:1] + words[2:]
        if len(words) < 3:
            self._write(c, _reply("-ERR invalid syntax"))
            return True
        header, value = words[1], " ".join(words[2:])
        c.filters.append((header, value))
        self._write(c, _reply(f"+OK filter added. [{header}]=[{value}]"))
        return True

    def _job_done(self, job: str, cmd: str) -> None:
        body = run_api(self.cc, cmd) or "-ERR no reply\n"
        name, _, arg = cmd.partition(" ")
        headers = [("Job-UUID", job), ("Job-Command", name)] + ([("Job-Command-Arg", arg)] if arg else [])
        ev = SimEvent("BACKGROUND_JOB", self.cc.now, next(self.cc._ev_seq), headers, None, body, ("mod_event_socket.c", "api_exec", 1572))
        self._broadcast(ev)

    # -- faults ------------------------------------------------------------------------------
    def drop_all(self) -> int:
        """Cut every connection without a word (a dead link). Returns how many."""
        n = len(self.conns)
        for c in list(self.conns):
            transport = c.writer.transport
            transport.abort()
        self.conns.clear()
        return n

    def notice_all(self) -> int:
        """Send every client the disconnect notice and close."""
        n = len(self.conns)
        for c in list(self.conns):
            self._write(c, _notice(GOODBYE), force=True)
            c.writer.close()
        self.conns.clear()
        return n

    async def stall(self, seconds: float) -> None:
        """Stop answering and sending for ``seconds`` (events are kept and sent afterwards)."""
        self._stalled.clear()
        try:
            await asyncio.sleep(seconds)
        finally:
            self._stalled.set()
            for c in list(self.conns):
                if c.pending:
                    self._write(c, b"")

    async def restart(self, *, down_s: float = 0.2, change: Callable[[CallCenter], None] | None = None) -> None:
        """Go away (shutdown notice), change state silently while down, come back on the same port."""
        await self._stop_listening()
        for c in list(self.conns):
            self._write(c, _notice(SHUTDOWN), force=True)
            c.writer.close()
        self.conns.clear()
        if change is not None:
            self.cc.muted = True
            try:
                change(self.cc)
            finally:
                self.cc.muted = False
        await asyncio.sleep(down_s)
        self.server = await asyncio.start_server(self._serve, self.host, self.port)
