"""A local gateway for notifications: the SMS gateway and every department's webhook receiver
in one loopback HTTP server (``hotline demo gateway``, and the fault tests' far end).

It verifies each webhook's Standard Webhooks signature (401 when wrong or stale), honours the
ids (a webhook id or an SMS client reference already processed is acknowledged again but not
processed twice: ``duplicates`` counts them), answers ``GET /sms/status?reference=`` and, given
a receipts URL, posts delivery receipts back to the hotline (``duplicate_receipts``: the share
sent twice, as real gateways do). ``faults``: the share of requests answered badly -- slowly
(past the client's timeout, after processing), 500, a connection dropped mid-request (before
or after processing), 429 with ``Retry-After`` -- chosen by a seeded generator. A path under
``/gone/`` answers 410. Standard library only (``http.server``): a test tool that must be able
to drop a connection half-way, which a framework would not let it do."""

from __future__ import annotations

import json
import random
import socket
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qs, urlparse

from hotline_tui.notify.signing import SignatureError, verify

FAULTS = ("slow", "fail", "drop_before", "drop_after", "throttle")


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if isinstance(sys.exc_info()[1], OSError):
            return            # a client that went away (killed, timed out): not the gateway's error
        super().handle_error(request, client_address)  # type: ignore[arg-type]


@dataclass
class GatewayState:
    processed: list[str] = field(default_factory=list)      # ids processed, in order (each once)
    seen: set[str] = field(default_factory=set)
    duplicates: int = 0                                     # transport-level repeats of a seen id
    sms_sends: Counter = field(default_factory=Counter)      # reference -> times it reached the gateway
    faults: Counter = field(default_factory=Counter)
    refused: int = 0                                        # bad or stale signatures
    truncated: int = 0                                      # requests cut off by a dying sender
    requests: int = 0


class Gateway:
    def __init__(self, secrets: dict[str, list[str]], *, host: str = "127.0.0.1", port: int = 0,
                 faults: float = 0.0, fault_kinds: tuple[str, ...] = FAULTS, seed: int = 0,
                 slow_s: float = 1.5, retry_after_s: int = 1, receipts_url: str = "",
                 receipts_token: str = "", duplicate_receipts: float = 0.0,
                 echo: Callable[[str], None] | None = None, clock: Callable[[], float] = time.time):
        self.secrets, self.faults, self.fault_kinds = secrets, faults, fault_kinds
        self.rng, self.slow_s, self.retry_after_s = random.Random(seed), slow_s, retry_after_s
        self.receipts_url, self.receipts_token, self.duplicate_receipts = receipts_url, receipts_token, duplicate_receipts
        self.echo, self.clock = echo, clock
        self.state = GatewayState()
        self.lock = threading.Lock()
        self.broken = False          # all requests fail (500) while set: the breaker tests
        gw = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True     # headers and body are two writes: no 40 ms delayed-ACK stall

            def log_message(self, format: str, *args: object) -> None:   # quiet: echo says what matters
                pass

            def do_GET(self) -> None:
                gw._get(self)

            def do_POST(self) -> None:
                gw._post(self)

        self.server = _Server((host, port), Handler)
        self.server.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> "Gateway":
        self.thread = threading.Thread(target=self.server.serve_forever, name="notify-gateway", daemon=True)
        self.thread.start()
        return self

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- requests --------------------------------------------------------------------------------
    def _say(self, line: str) -> None:
        if self.echo:
            self.echo(line)

    def _fault(self) -> str | None:
        with self.lock:
            self.state.requests += 1
            if self.broken:
                return "fail"
            if self.faults and self.rng.random() < self.faults:
                kind = self.rng.choice(self.fault_kinds)
                self.state.faults[kind] += 1
                return kind
        return None

    @staticmethod
    def _reply(h: BaseHTTPRequestHandler, status: int, data: dict | None = None, headers: dict | None = None) -> None:
        body = json.dumps(data or {}).encode()
        try:
            h.send_response(status)
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.send_header("content-type", "application/json")
            h.send_header("content-length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)
        except OSError:
            pass          # the client went away (it timed out): nothing to tell it

    @staticmethod
    def _drop(h: BaseHTTPRequestHandler) -> None:
        h.close_connection = True
        try:
            h.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _get(self, h: BaseHTTPRequestHandler) -> None:
        u = urlparse(h.path)
        if u.path.rstrip("/").endswith("/sms/status"):
            ref = parse_qs(u.query).get("reference", [""])[0]
            with self.lock:
                known = ref in self.state.seen
            if known:
                self._reply(h, 200, {"status": "sent", "message_id": f"m-{ref}", "reference": ref})
            else:
                self._reply(h, 404, {"error": "unknown reference"})
            return
        self._reply(h, 404, {"error": "not found"})

    def _post(self, h: BaseHTTPRequestHandler) -> None:
        want = int(h.headers.get("content-length") or 0)
        try:
            body = h.rfile.read(want)
        except OSError:
            body = b""
        if len(body) < want:          # the sender died mid-request: nothing to process or answer
            with self.lock:
                self.state.truncated += 1
            self._drop(h)
            return
        u = urlparse(h.path)
        if u.path.startswith("/gone/"):
            self._reply(h, 410, {"error": "gone"})
            return
        fault = self._fault()
        if fault == "fail":
            self._reply(h, 500, {"error": "injected failure"})
            return
        if fault == "throttle":
            self._reply(h, 429, {"error": "slow down"}, {"Retry-After": str(self.retry_after_s)})
            return
        if fault == "drop_before":
            self._drop(h)
            return
        if u.path.rstrip("/").endswith("/sms"):
            status, data = self._sms(body)
        elif "/hooks/" in u.path:
            status, data = self._hook(u.path.rsplit("/", 1)[-1], h, body)
        else:
            status, data = 404, {"error": "not found"}
        if fault == "drop_after":
            self._drop(h)
            return
        if fault == "slow":
            time.sleep(self.slow_s)
        self._reply(h, status, data)

    def _once(self, key: str) -> bool:
        """Record ``key``; True the first time (then it is processed), False for a repeat."""
        with self.lock:
            if key in self.state.seen:
                self.state.duplicates += 1
                return False
            self.state.seen.add(key)
            self.state.processed.append(key)
            return True

    def _sms(self, body: bytes) -> tuple[int, dict]:
        try:
            req = json.loads(body)
            ref, to = str(req["reference"]), list(req["to"])
        except (ValueError, KeyError, TypeError):
            return 400, {"error": "bad request"}
        with self.lock:
            self.state.sms_sends[ref] += 1
        if self._once(ref):
            self._say(f"sms   {','.join(to)}  template {req.get('template_id')}  params {json.dumps(req.get('params'), ensure_ascii=False)}  ref {ref}")
            if self.receipts_url:
                threading.Thread(target=self._receipts, args=(ref,), daemon=True).start()
        return 200, {"message_id": f"m-{ref}"}

    def _hook(self, code: str, h: BaseHTTPRequestHandler, body: bytes) -> tuple[int, dict]:
        headers = {k.lower(): v for k, v in h.headers.items()}
        try:
            msg_id = verify(self.secrets.get(code, []), headers, body, self.clock())
        except SignatureError as exc:
            with self.lock:
                self.state.refused += 1
            self._say(f"hook  {code}  REFUSED: {exc}")
            return 401, {"error": str(exc)}
        if self._once(msg_id):
            try:
                kind = json.loads(body).get("type", "?")
            except ValueError:
                kind = "?"
            self._say(f"hook  {code}  {kind}  id {msg_id}  signature ok")
        return 200, {"ok": True}

    def _receipts(self, ref: str) -> None:
        times = 2 if self.rng.random() < self.duplicate_receipts else 1
        data = json.dumps({"reference": ref, "status": "delivered"}).encode()
        for _ in range(times):
            req = urllib.request.Request(self.receipts_url, data=data, method="POST",
                                         headers={"content-type": "application/json",
                                                  "authorization": f"Bearer {self.receipts_token}"})
            try:
                urllib.request.urlopen(req, timeout=5).close()
            except OSError:
                pass       # the hotline is down: a real gateway retries; the lookup covers it
