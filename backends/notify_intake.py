"""The hotline's small HTTP service (docs/notify.md, "Intake"): departments without a console
acknowledge, reply, return and request extensions, and pull their open work; the SMS gateway
posts delivery receipts. Starlette (ASGI) served by uvicorn: small, well kept, typed, and its
blocking work (every service call) runs in a thread pool so a slow store never stalls the
event loop (docs/notify.md says why not a bigger framework).

Every department request carries ``Authorization: Bearer <token>`` (which department) and a
Standard Webhooks signature with that department's secret over the body (``webhook-id`` is
the request id, ``webhook-timestamp`` within 5 minutes). The action runs as the department's
user from notify.yaml through the same ``TicketService`` as a console user: the same
permissions, workflow rules and audit. A request id is acted on once: its answer is stored in
the action's own transaction, and a replay gets that answer back (``idempotent-replayed:
true``) without acting again; the same id with another body is refused (409)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any, Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hotline_tui.errors import (ConflictError, HotlineError, IllegalTransition, NotFound, PermissionDenied,
                                StoreError, ValidationError)
from hotline_tui.notify.model import IntakeRecord
from hotline_tui.notify.settings import DepartmentSpec, NotifyFile
from hotline_tui.notify.signing import SignatureError, verify
from hotline_tui.tickets import workflow
from hotline_tui.tickets.service import TicketService

from .store import Store

ACTIONS = ("ack", "reply", "return", "extend")


class _Replay(Exception):
    """A concurrent request with the same id was recorded first: roll this one back."""


def _status(exc: HotlineError) -> int:
    if isinstance(exc, SignatureError):
        return 401
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, (IllegalTransition, ConflictError)):
        return 409
    if isinstance(exc, ValidationError):
        return 422
    if isinstance(exc, StoreError):
        return 503
    return 400


def intake_app(store: Store, svc: TicketService, cfg: NotifyFile, *, clock: Callable[[], float] = time.time,
               log: Callable[[str], None] | None = None) -> Starlette:
    outbox = store.outbox

    def department(request: Request) -> DepartmentSpec:
        auth = request.headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else ""
        for d in cfg.departments:
            if d.token and token and hmac.compare_digest(d.token, token):
                return d
        raise SignatureError("unknown or missing department token")

    async def signed(request: Request) -> tuple[DepartmentSpec, str, bytes]:
        d = department(request)
        body = await request.body()
        req_id = verify(cfg.secrets(d), {k.lower(): v for k, v in request.headers.items()}, body, clock())
        return d, req_id, body

    def acting(d: DepartmentSpec):
        """The department's own user: never the site's default user, never another department's."""
        if not d.user:
            raise PermissionDenied(d.code, "tickets.department", "use the intake (notify.yaml names no user for it)")
        user = svc.access.user(d.user)
        if user.department != d.code:
            raise PermissionDenied(user.name, "tickets.department", f"act for {d.code} (the user is not that department's)")
        return user

    def refuse(exc: HotlineError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=_status(exc))

    async def open_work(request: Request) -> Response:
        try:
            d, _, _ = await signed(request)
            user = acting(d)

            def pull() -> list[dict[str, Any]]:
                found = svc.search(user, limit=500)
                return [t.snapshot() for t in found if t.state in workflow.ACTIVE]
            rows = await run_in_threadpool(pull)
        except HotlineError as exc:
            return refuse(exc)
        return JSONResponse({"department": d.code, "tickets": rows})

    async def act(request: Request) -> Response:
        serial, action = request.path_params["serial"], request.path_params["action"]
        try:
            d, req_id, body = await signed(request)
        except HotlineError as exc:
            return refuse(exc)
        digest = hashlib.sha256(f"{request.method} {request.url.path}\n".encode() + body).hexdigest()
        return await run_in_threadpool(_act, d, req_id, digest, serial, action, body)

    def _act(d: DepartmentSpec, req_id: str, digest: str, serial: str, action: str, body: bytes) -> Response:
        seen = outbox.intake_seen(d.code, req_id)
        if seen is not None:
            return _replayed(seen, digest)
        try:
            data = json.loads(body or b"{}")
            if not isinstance(data, dict):
                raise ValidationError("the body must be a JSON object")
            user = acting(d)
            with store.tickets.tx():
                t = _run(user, serial, action, data)
                answer = json.dumps({"ok": True, "request_id": req_id, "ticket": t.snapshot()}, ensure_ascii=False,
                                    default=str)
                if not outbox.intake_record(IntakeRecord(d.code, req_id, digest, 200, answer), clock()):
                    raise _Replay()
        except _Replay:
            again = outbox.intake_seen(d.code, req_id)
            return _replayed(again, digest) if again else JSONResponse({"error": "retry"}, status_code=503)
        except ValueError as exc:
            return _record(d, req_id, digest, ValidationError(f"the body is not JSON: {exc}"))
        except StoreError as exc:
            return refuse(exc)                 # transient: not recorded, the department retries
        except HotlineError as exc:
            return _record(d, req_id, digest, exc)
        if log:
            log(f"intake {d.code} {action} {serial} (request {req_id})")
        return Response(answer, status_code=200, media_type="application/json")

    def _run(user, serial: str, action: str, data: dict[str, Any]):
        version = data.get("expected_version")
        if version is not None and not isinstance(version, int):
            raise ValidationError("expected_version must be a number")
        text = data.get("text", data.get("reason", ""))
        if not isinstance(text, str):
            raise ValidationError("text must be a string")
        if action == "ack":
            return svc.acknowledge(user, serial, expected_version=version)
        if action == "reply":
            return svc.reply(user, serial, text, expected_version=version)
        if action == "return":
            return svc.return_ticket(user, serial, text, expected_version=version)
        if action == "extend":
            days = data.get("working_days")
            if not isinstance(days, int):
                raise ValidationError("working_days must be a number")
            return svc.request_extension(user, serial, days, text, expected_version=version)
        raise NotFound(f"no action {action!r}; one of {', '.join(ACTIONS)}")

    def _record(d: DepartmentSpec, req_id: str, digest: str, exc: HotlineError) -> Response:
        # A refusal is an answer too: the same request id gets it again, never a second try.
        answer = json.dumps({"error": str(exc), "request_id": req_id}, ensure_ascii=False)
        status = _status(exc)
        if not outbox.intake_record(IntakeRecord(d.code, req_id, digest, status, answer), clock()):
            again = outbox.intake_seen(d.code, req_id)
            if again:
                return _replayed(again, digest)
        return Response(answer, status_code=status, media_type="application/json")

    def _replayed(seen: IntakeRecord, digest: str) -> Response:
        if not hmac.compare_digest(seen.body_hash, digest):
            return JSONResponse({"error": f"request id {seen.request_id} was used for another request"},
                                status_code=409)
        return Response(seen.response, status_code=seen.status, media_type="application/json",
                        headers={"idempotent-replayed": "true"})

    async def receipts(request: Request) -> Response:
        token = cfg.intake.receipts_token
        auth = request.headers.get("authorization", "")
        if not token or not hmac.compare_digest(auth, f"Bearer {token}"):
            return JSONResponse({"error": "bad receipts token"}, status_code=401)
        try:
            data = json.loads(await request.body())
            ref, status = str(data["reference"]), str(data["status"])
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"error": "expected {reference, status}"}, status_code=400)
        if status not in ("delivered", "failed"):
            return JSONResponse({"error": "status must be delivered or failed"}, status_code=400)
        try:
            known = await run_in_threadpool(outbox.receipt, ref, status, clock(), str(data.get("detail", "")))
        except StoreError as exc:
            return refuse(exc)
        return JSONResponse({"ok": known}, status_code=200 if known else 404)

    return Starlette(routes=[
        Route("/dept/v1/tickets", open_work, methods=["GET"]),
        Route("/dept/v1/tickets/{serial}/{action}", act, methods=["POST"]),
        Route("/receipts", receipts, methods=["POST"]),
    ])


class IntakeServer:
    """uvicorn in a thread (tests, ``hotline notify serve`` runs it in the foreground)."""

    def __init__(self, app: Starlette, host: str = "127.0.0.1", port: int = 0):
        import uvicorn

        self.server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning",
                                                    lifespan="off"))
        self.thread: Any = None

    def start(self) -> "IntakeServer":
        import threading

        self.thread = threading.Thread(target=self.server.run, name="notify-intake", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the intake did not start")
            time.sleep(0.01)
        return self

    @property
    def url(self) -> str:
        sock = self.server.servers[0].sockets[0]
        host, port = sock.getsockname()[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(10)
