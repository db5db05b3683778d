"""An inbound event socket (mod_event_socket) in front of the simulated call centre.

Speaks the wire protocol as FreeSWITCH does: ``auth/request`` greeting, ``auth`` (wrong password
→ ``-ERR invalid`` then the disconnect notice), a 25 s auth window, ``event plain|json|xml``,
``nixevent``, ``noevents``, ``filter`` (add / delete, ``-`` negative, ``/regex/``), ``api``
(answered in order, nothing else is written to that socket meanwhile), ``bgapi`` (reply with
Job-UUID, result later as BACKGROUND_JOB), ``log``/``nolog``, ``myevents``, ``sendmsg``,
``linger``/``nolinger``/``divert_events`` (refused: an inbound socket controls no session),
``exit``, unknown commands ``-ERR command not found``. Subscriptions, filters and replies follow
mod_event_socket.c parse_command() / event_handler() / read_packet(); see
tests/sim/test_conformance_esl.py for each one with its source line. Faults for tests:
``drop_all``, ``notice_all``, ``stall``, ``restart``.
"""

from __future__ import annotations

import asyncio
import re
import uuid as uuidlib
from dataclasses import dataclass, field
from typing import Callable

from .api import run_api
from .events import Identity, SimEvent, all_headers, as_json, as_xml, plain
from .model import CallCenter

GOODBYE = b"Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
SHUTDOWN = b"The system is being shut down.\n"
AUTH_TIMEOUT_S = 25.0
MAX_CONTENT_LENGTH = 16 * 1024 * 1024      # mod_event_socket.c MAX_CONTENT_LENGTH
MAX_PACKET = 10485760                      # read_packet(): max_len, a command packet is cut there
# switch_event.c EVENT_NAMES[] (every name switch_name_event accepts; ALL is the last bit).
EVENT_NAMES = (
    "CUSTOM CLONE CHANNEL_CREATE CHANNEL_DESTROY CHANNEL_STATE CHANNEL_CALLSTATE CHANNEL_ANSWER CHANNEL_HANGUP "
    "CHANNEL_HANGUP_COMPLETE CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE CHANNEL_HOLD CHANNEL_UNHOLD CHANNEL_BRIDGE "
    "CHANNEL_UNBRIDGE CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_OUTGOING CHANNEL_PARK CHANNEL_UNPARK "
    "CHANNEL_APPLICATION CHANNEL_ORIGINATE CHANNEL_UUID API LOG INBOUND_CHAN OUTBOUND_CHAN STARTUP SHUTDOWN PUBLISH "
    "UNPUBLISH TALK NOTALK SESSION_CRASH MODULE_LOAD MODULE_UNLOAD DTMF MESSAGE PRESENCE_IN NOTIFY_IN PRESENCE_OUT "
    "PRESENCE_PROBE MESSAGE_WAITING MESSAGE_QUERY ROSTER CODEC BACKGROUND_JOB DETECTED_SPEECH DETECTED_TONE "
    "PRIVATE_COMMAND HEARTBEAT TRAP ADD_SCHEDULE DEL_SCHEDULE EXE_SCHEDULE RE_SCHEDULE RELOADXML NOTIFY "
    "PHONE_FEATURE PHONE_FEATURE_SUBSCRIBE SEND_MESSAGE RECV_MESSAGE REQUEST_PARAMS CHANNEL_DATA GENERAL COMMAND "
    "SESSION_HEARTBEAT CLIENT_DISCONNECTED SERVER_DISCONNECTED SEND_INFO RECV_INFO RECV_RTCP_MESSAGE "
    "SEND_RTCP_MESSAGE CALL_SECURE NAT RECORD_START RECORD_STOP PLAYBACK_START PLAYBACK_STOP CALL_UPDATE FAILURE "
    "SOCKET_DATA MEDIA_BUG_START MEDIA_BUG_STOP CONFERENCE_DATA_QUERY CONFERENCE_DATA CALL_SETUP_REQ "
    "CALL_SETUP_RESULT CALL_DETAIL DEVICE_STATE TEXT SHUTDOWN_REQUESTED CERT_RELOAD ALL").split()
_BY_UPPER = {n.upper(): n for n in EVENT_NAMES}
# The CUSTOM subclasses the simulated modules register (set_all_custom() copies every registered
# subclass into the listener's hash when it subscribes to ALL).
SUBCLASSES = ("callcenter::info", "sofia::register", "sofia::unregister")
# myevents: the 23 events mod_event_socket.c parse_command() subscribes.
MYEVENTS = (
    "CHANNEL_ANSWER CHANNEL_APPLICATION CHANNEL_BRIDGE CHANNEL_CREATE CHANNEL_DATA CHANNEL_DESTROY CHANNEL_EXECUTE "
    "CHANNEL_EXECUTE_COMPLETE CHANNEL_HANGUP CHANNEL_HANGUP_COMPLETE CHANNEL_ORIGINATE CHANNEL_UUID CHANNEL_OUTGOING "
    "CHANNEL_PARK CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_STATE CHANNEL_UNBRIDGE CHANNEL_UNPARK "
    "DETECTED_SPEECH DTMF NOTALK TALK").split()
_LOG_LEVELS = ("DISABLE", "CONSOLE", "ALERT", "CRIT", "ERR", "WARNING", "NOTICE", "INFO", "DEBUG")
_PACKET_END = re.compile(rb"\n\r*\n")
_ATOI = re.compile(r"\s*([+-]?\d+)")


def name_event(word: str) -> str | None:
    """switch_event.c switch_name_event(): case-insensitive, and a name longer than 13 characters
    also matches by its tail after 13 (``SWITCH_EVENT_`` + name). None when unknown."""
    hit = _BY_UPPER.get(word.upper())
    if hit is None and len(word) > 13:
        hit = _BY_UPPER.get(word[13:].upper())
    return hit


def atoi(text: str) -> int:
    """C's atoi: leading blanks, a sign, digits; anything else stops it (no digits → 0)."""
    m = _ATOI.match(text)
    return int(m.group(1)) if m else 0


def log_level(word: str) -> int | None:
    """switch_log.c switch_log_str2level(): a number (capped at 63) or a level name; None if invalid."""
    if word and all(ch == "." or ch.isdigit() for ch in word):
        n = atoi(word)
        return 63 if n > 64 else (None if n == 64 else n)
    up = word.upper()
    return _LOG_LEVELS.index(up) - 1 if up in _LOG_LEVELS else None


def fs_regex(field: str, expression: str) -> bool:
    """switch_regex.c switch_regex_perform(): ``/pattern/flags`` (``i`` caseless, ``s`` dotall),
    unanchored; a missing closing ``/`` or a bad pattern matches nothing."""
    flags = 0
    if expression.startswith("/"):
        body, sep, opts = expression[1:].rpartition("/")
        if not sep:
            return False
        expression = body
        flags = (re.IGNORECASE if "i" in opts else 0) | (re.DOTALL if "s" in opts else 0)
    try:
        return re.search(expression, field, flags) is not None
    except re.error:
        return False


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
    ident: Identity
    authed: bool = False
    fmt: str = "plain"
    events_on: bool = False                 # LFLAG_EVENTS
    event_list: set[str] = field(default_factory=set)     # the listener's event_list[] bits, "ALL" included
    event_hash: set[str] = field(default_factory=set)     # subscribed CUSTOM subclasses
    filters: list[tuple[str, str]] = field(default_factory=list)
    pending: list[bytes] = field(default_factory=list)
    logging: bool = False                   # LFLAG_LOG
    log_level: int = 7
    myevents: bool = False                  # LFLAG_MYEVENTS
    session: str = ""                       # the channel myevents bound (an inbound socket has none)
    buf: bytearray = field(default_factory=bytearray)

    def wants(self, ev: SimEvent) -> bool:
        """mod_event_socket.c event_handler(): the type bit (or ALL), the subclass hash for CUSTOM,
        then the filters, then the myevents Unique-ID check."""
        if not self.authed or not self.events_on:
            return False
        bits = self.event_list
        if "ALL" not in bits:
            if ev.name not in bits:
                return False
            if ev.name == "CUSTOM" and ev.subclass and ev.subclass not in self.event_hash:
                return False
        if self.filters and not self._filtered_in(ev):
            return False
        if self.myevents:
            uid = header(ev, self.ident, "Unique-ID")
            if uid is None or (self.session and uid != self.session):
                return bool(self.session) and header(ev, self.ident, "Job-Owner-UUID") == self.session
        return True

    def _filtered_in(self, ev: SimEvent) -> bool:
        send = False
        for name, value in self.filters:
            have = header(ev, self.ident, name)        # switch_event_get_header: case-insensitive name
            if have is None:
                continue
            comp, pos = value, True
            while comp and comp[0] in "+- ":
                if comp[0] != " ":
                    pos = comp[0] == "+"
                comp = comp[1:]
            if send and pos:
                continue
            hit = fs_regex(have, comp) if value.startswith("/") else have.lower() == comp.lower()
            if hit:
                if not pos:
                    return False
                send = True
        return send


def header(ev: SimEvent, ident: Identity, name: str) -> str | None:
    """The first header ``name`` (any case) of the event as delivered, standard headers included."""
    low = name.lower()
    for k, v in all_headers(ev, ident):
        if k.lower() == low:
            return v
    return None


class EslServer:
    """``await EslServer(cc, ...).start()``; ``port`` is the bound port (0 picks a free one)."""

    def __init__(self, cc: CallCenter, *, host: str = "127.0.0.1", port: int = 8021, password: str = "ClueCon",
                 identity: Identity | None = None, auth_timeout_s: float = AUTH_TIMEOUT_S):
        self.cc, self.host, self.port, self.password = cc, host, port, password
        # a fresh Core-UUID per start, as FreeSWITCH makes one; not from the model's random stream
        self.ident = identity or Identity(str(uuidlib.uuid4()), cc.site.hostname)
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
            return as_xml(ev, self.ident)
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
        c = _Conn(writer, self.ident)
        self.conns.add(c)
        writer.write(b"Content-Type: auth/request\n\n")
        try:
            first = True
            while True:
                try:
                    cmd, headers = await (asyncio.wait_for(self._read_command(c, reader), self.auth_timeout_s)
                                          if first else self._read_command(c, reader))
                except asyncio.TimeoutError:
                    self._write(c, _notice(GOODBYE), force=True)
                    break
                if cmd is None:
                    break
                first = False
                await self._stalled.wait()
                if c not in self.conns:
                    break
                self.commands_seen.append(cmd[:200])
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

    async def _read_command(self, c: _Conn, reader: asyncio.StreamReader) -> tuple[str | None, dict[str, str]]:
        """One command packet as mod_event_socket.c read_packet() reads it: leading CR/LF skipped,
        the packet ends at LF (CR*) LF or after MAX_PACKET bytes (10 MiB), the first line is the
        command, then ``Name: value`` headers; a ``content-length`` header (any case, C ``atoi``)
        makes that many body bytes follow. Returns (None, {}) when the link ends or the length is
        out of range (the real switch drops the connection)."""
        buf = c.buf
        seen = 0                              # bytes already searched (a terminator may straddle reads)
        while True:
            while buf and buf[0] in (0x0D, 0x0A):      # CR, LF
                del buf[:1]
            m = _PACKET_END.search(buf, max(0, seen - 64), MAX_PACKET + 2)
            if m is not None and m.start() < MAX_PACKET:
                packet = bytes(buf[:m.start()])
                del buf[:m.end()]
                break
            if len(buf) >= MAX_PACKET:
                packet = bytes(buf[:MAX_PACKET])
                del buf[:MAX_PACKET]
                break
            seen = len(buf)
            data = await reader.read(1 << 16)
            if not data:
                return None, {}
            buf += data
        lines = [ln for ln in re.split(rb"[\r\n]+", packet) if ln]
        text = [ln.decode("utf-8", "replace") for ln in lines]
        headers: dict[str, str] = {}
        for h in text[1:]:
            k, sep, v = h.partition(":")
            if not sep:
                continue
            headers.setdefault(k, v.lstrip(" "))
            if k.lower() == "content-length":
                size = atoi(v)
                if size < 0 or size > MAX_CONTENT_LENGTH:
                    return None, {}
                while len(buf) < size:
                    data = await reader.read(max(1 << 16, size - len(buf)))
                    if not data:
                        return None, {}
                    buf += data
                headers["_body"] = bytes(buf[:size]).decode("utf-8", "replace")
                del buf[:size]
        return (text[0] if text else ""), headers

    async def _handle(self, c: _Conn, line: str, headers: dict[str, str]) -> bool:
        """Answer one command as mod_event_socket.c parse_command() does; False closes the link."""
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
        if low.startswith("filter "):
            self._write(c, _reply(self._filter(c, line[7:])))
            return True
        if c.session and low.startswith("resume"):
            self._write(c, _reply("+OK"))
            return True
        if c.session or low.startswith("myevents "):
            if low.startswith("myevents"):
                self._write(c, _reply(self._myevents(c, line)))
                return True
        if low.startswith("divert_events"):
            # inbound sockets control no session (the real reply has a full stop here, not on linger)
            self._write(c, _reply("-ERR not controlling a session." if not c.session else
                                  ("-ERR missing value." if not line[13:].strip() else
                                   "+OK events diverted" if line[13:].strip().lower() == "on"
                                   else "+OK events not diverted")))
            return True
        if low.startswith("sendmsg"):
            uuid = line[7:].strip() or next((v for k, v in headers.items() if k.lower() == "session-id"), "")
            ok = bool(uuid) and uuid in self.cc.channels      # queued to the channel; the sim runs nothing
            self._write(c, _reply("+OK" if ok else f"-ERR invalid session id [{uuid}]"))
            return True
        if low.startswith("api "):
            body = run_api(self.cc, line[4:])
            self._write(c, _api_response(body or "-ERR no reply\n"))
            return True
        if low.startswith("bgapi "):
            job = next((v for k, v in headers.items() if k.lower() == "job-uuid"), "") or str(uuidlib.uuid4())
            self._write(c, _reply(f"+OK Job-UUID: {job}", f"Job-UUID: {job}\n"))
            cmd = line[6:]
            asyncio.get_running_loop().call_soon(self._job_done, job, cmd)
            return True
        if low.startswith("log"):
            word = line[3:].lstrip(" ").split(" ", 1)[0]
            level = log_level(word) if word else 7
            if level is None:
                self._write(c, _reply("-ERR invalid log level"))
            else:
                c.logging, c.log_level = True, level
                self._write(c, _reply(f"+OK log level {word} [{level}]"))
            return True
        if low.startswith("linger") or low.startswith("nolinger"):
            self._write(c, _reply("-ERR not controlling a session"))   # inbound: no session to linger on
            return True
        if low.startswith("nolog"):
            self._write(c, _reply("+OK no longer logging" if c.logging else "-ERR not loging"))
            c.logging = False
            return True
        if low.startswith("event"):
            self._write(c, _reply(self._event(c, line)))
            return True
        if low.startswith("nixevent"):
            self._write(c, _reply(self._nixevent(c, line)))
            return True
        if low.startswith("noevents"):
            had = c.events_on
            c.events_on, c.event_list, c.event_hash, c.pending = False, set(), set(), []
            self._write(c, _reply("+OK no longer listening for events" if had else "-ERR not listening for events"))
            return True
        self._write(c, _reply("-ERR command not found"))
        return True

    def _event(self, c: _Conn, line: str) -> str:
        words = line.split(" ")[1:] if " " in line else []
        key_count, custom = 0, False
        for i, w in enumerate(words):
            if i == 0 and w.lower() in ("plain", "json", "xml"):
                c.fmt = w.lower()             # applied even when no name follows
                continue
            if custom:
                c.event_hash.add(w)
                continue
            name = name_event(w) if w else None
            if name is None:
                continue
            key_count += 1
            if name == "ALL":
                c.event_list.update(EVENT_NAMES)
                c.event_hash.update(SUBCLASSES)          # set_all_custom()
            c.event_list.add(name)
            if name == "CUSTOM":
                custom = True
        if not key_count:
            return "-ERR no keywords supplied"
        c.events_on = True
        return f"+OK event listener enabled {c.fmt}"

    def _nixevent(self, c: _Conn, line: str) -> str:
        words = line.split(" ")[1:] if " " in line else []
        key_count, custom = 0, False
        for w in words:
            if custom:
                c.event_hash.discard(w)
                continue
            name = name_event(w) if w else None
            if name is None:
                continue
            key_count += 1
            if name == "CUSTOM":
                custom = True
            elif name == "ALL":
                c.event_list.clear()
            else:
                if "ALL" in c.event_list:             # ALL is expanded into its bits first
                    c.event_list.discard("ALL")
                    c.event_list.update(n for n in EVENT_NAMES if n != "ALL")
                c.event_list.discard(name)
        if not key_count:
            return "-ERR no keywords supplied"
        c.events_on = True
        return "+OK events nixed"

    def _myevents(self, c: _Conn, line: str) -> str:
        if c.myevents:
            return "-ERR aready enabled."                 # sic
        if not c.session:
            rest = line[9:].split("\r")[0]
            uuid, sep, fmt = rest.partition(" ")
            if uuid in self.cc.channels:
                c.session = uuid
            elif sep:
                return "-ERR invalid uuid"
        c.event_list.update(MYEVENTS)
        c.myevents = c.events_on = True
        head = line.split(" ", 2)
        probe = " ".join(head[:2])                      # the C code looks at the string cut at the uuid
        if "xml" in probe or "XML" in probe:
            c.fmt = "xml"
        if "json" in probe or "JSON" in probe:
            c.fmt = "json"
        return "+OK Events Enabled"

    def _filter(self, c: _Conn, rest: str) -> str:
        name = rest.lstrip(" ")
        name, sep, value = name.partition(" ")
        val: str | None = value if sep else None
        if name.lower() == "delete" and val is not None:
            name, sep, value = val.partition(" ")
            val = value if sep else None
            if name.lower() == "all":
                c.filters.clear()
            else:
                c.filters = [(h, v) for h, v in c.filters
                             if not (h.lower() == name.lower() and (val is None or v == val))]
            return f"+OK filter deleted. [{name}][{val or ''}]"
        if val is None:
            return "-ERR invalid syntax"
        if name.lower() == "add":
            name, sep, value = val.partition(" ")
            val = value if sep else None
        if not val:
            return f"+OK filter added. [{name}]=[]"      # an empty value adds no header (base_add_header)
        c.filters.append((name, val))
        return f"+OK filter added. [{name}]=[{val}]"

    def _job_done(self, job: str, cmd: str) -> None:
        # api_exec(): the body is the command's output as is (an empty output stays empty: no
        # "-ERR no reply" here, and then no inner body); Job-Command-Arg only with arguments.
        body = run_api(self.cc, cmd)
        name, sep, arg = cmd.partition(" ")
        headers = [("Job-UUID", job), ("Job-Command", name)] + ([("Job-Command-Arg", arg)] if sep and arg else [])
        ev = SimEvent("BACKGROUND_JOB", self.cc.now, next(self.cc._ev_seq), headers, None, body,
                      ("mod_event_socket.c", "api_exec", 1580))
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
