"""``hotline notify run|list|show|retry|drop|endpoints|optout|serve`` (docs/notify.md) and
``hotline demo gateway``'s body. An outer ring like ``backends/freeswitch/cli.py``: it needs the
adapters (httpx, the store, uvicorn), so it lives here, and nothing else imports it."""

from __future__ import annotations

import signal
import sys
import threading
import time
from datetime import datetime

import click

from hotline_tui.cli import ranges
from hotline_tui.cli.common import as_option, echo, emit_json, one_line_errors, wiring
from hotline_tui.clock import SITE_TZ
from hotline_tui.errors import ConfigError, NotFound
from hotline_tui.notify.model import OutboxRow
from hotline_tui.notify.settings import FILE, NotifyFile, load_notify
from hotline_tui.text import terminal_safe


def _cfg(config_dir: str) -> NotifyFile:
    cfg = load_notify(config_dir)
    if cfg is None:
        raise ConfigError(f"{config_dir}/{FILE}", None, None, "file not found: the site sends no notifications")
    return cfg


def _engineer():
    """The acting user, who must hold engineer.view (the outbox is an engineer's view)."""
    from hotline_tui.access import load_access

    w = wiring()
    access = load_access(w.config_dir)
    user = access.user(w.as_user)
    access.require(user, "engineer.view", "see and manage the notification outbox")
    return w


def _when(epoch: float | None) -> str:
    if not epoch:
        return "—"
    return datetime.fromtimestamp(epoch, SITE_TZ).strftime("%m-%d %H:%M:%S")


def _line(r: OutboxRow) -> str:
    err = f"  {terminal_safe(r.last_error)}" if r.last_error else ""
    nxt = f" next {_when(r.next_at)}" if r.status == "pending" else ""
    return (f"{r.id:<44} {r.status:<10} {r.channel:<7} {terminal_safe(r.receiver):<12} tries {r.attempts}"
            f"{nxt}{' ambiguous' if r.ambiguous else ''}{err}")


@click.group("notify")
def notify():
    """Notifications: the outbox, its delivery worker, the department intake."""


@notify.command("run")
@click.option("--workers", type=click.IntRange(1, 32), default=1, show_default=True, help="Worker threads.")
@click.option("--once", is_flag=True, help="Drain what is due now, then stop.")
@click.option("--sweep/--no-sweep", default=True, show_default=True,
              help="Run the dead-letter sweep too (once per site: the notify.dead-letter lease; else a standby).")
@click.option("--lease-ttl", "lease_ttl", type=ranges.POSITIVE_SECONDS, default=15.0, show_default=True,
              help="Seconds the sweep's lease lasts unless renewed (a standby takes over this long after a crash).")
@as_option
@one_line_errors
def run(workers: int, once: bool, sweep: bool, lease_ttl: float) -> None:
    """Deliver the outbox (until SIGTERM or Ctrl-C)."""
    from hotline_tui.notify.worker import DeadLetterSweep, DeliveryWorker

    from .notify_http import HttpNotifier

    w = _engineer()
    cfg = _cfg(w.config_dir)
    stop = threading.Event()
    stores = [w.open_store() for _ in range(workers)]     # one connection per worker thread
    pool = [DeliveryWorker(s.outbox, HttpNotifier(cfg), cfg.worker, cfg.breaker) for s in stores]
    if once:
        for dw in pool:
            while dw.run_once():
                pass
        echo(f"delivered: {sum(dw.handled for dw in pool)} attempts")
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    threads = [threading.Thread(target=dw.run, args=(stop,), kwargs={"on_error": lambda e: echo(f"error: {e}", err=True)},
                                name=f"notify-{i}", daemon=True) for i, dw in enumerate(pool)]
    if sweep:
        own = w.open_store()        # its own connection: the lease renews beside the workers' claims
        stores.append(own)
        sweeper = DeadLetterSweep(own.outbox, own.leases, cfg.worker, ttl_s=lease_ttl,
                                  log=lambda line: echo(f"notify: {line}", err=True))
        threads.append(threading.Thread(target=sweeper.run, args=(stop,), name="notify-sweep", daemon=True))
    for t in threads:
        t.start()
    echo(f"notify: {workers} worker(s) on {stores[0].describe}", err=True)
    while not stop.is_set():
        stop.wait(0.5)
    for t in threads:
        t.join(cfg.worker.timeout_s + 5)
    for s in stores:
        s.close()


@notify.command("sweep")
@click.option("--wait", "wait_s", type=ranges.POSITIVE_SECONDS, default=60.0, show_default=True,
              help="Seconds to wait as a standby while another sweep holds the lease.")
@as_option
@one_line_errors
def sweep_cmd(wait_s: float) -> None:
    """One dead-letter sweep now (unsent messages older than worker.expire_s become dead), under
    the site's notify.dead-letter lease."""
    from hotline_tui.errors import HotlineError
    from hotline_tui.notify.worker import DeadLetterSweep

    w = _engineer()
    cfg = _cfg(w.config_dir)
    store = w.open_store()
    try:
        sweeper = DeadLetterSweep(store.outbox, store.leases, cfg.worker,
                                  log=lambda line: echo(line, err=True) if "standby" in line else None)
        if not sweeper.lease.acquire(timeout=wait_s):
            raise HotlineError(f"notify sweep: another sweep still holds the lease after {wait_s:g} s")
        try:
            n = sweeper.sweep_once()
        finally:
            sweeper.lease.release()
        echo(f"expired: {n} message(s)")
    finally:
        store.close()


@notify.command("list")
@click.option("--dead", is_flag=True, help="Only dead messages (to retry or drop).")
@click.option("--status", default=None, help="Only this status.")
@click.option("--ticket", "serial", default=None, help="Only this ticket's messages.")
@click.option("--limit", type=ranges.LIMIT, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@as_option
@one_line_errors
def list_(dead: bool, status: str | None, serial: str | None, limit: int, as_json: bool) -> None:
    """Outbox messages, newest first, with the count of each status."""
    w = _engineer()
    store = w.open_store()
    rows = store.outbox.rows(status="dead" if dead else status, serial=serial, limit=limit)
    if as_json:
        emit_json({"counts": store.outbox.counts(), "messages": [r.summary() for r in rows]})
        return
    counts = store.outbox.counts()
    echo("  ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "outbox empty")
    for r in rows:
        echo(_line(r))


@notify.command("show")
@click.argument("id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@as_option
@one_line_errors
def show(id: str, as_json: bool) -> None:
    """One message: where it goes, what it says, what became of it."""
    w = _engineer()
    r = w.open_store().outbox.get(id)
    if r is None:
        raise NotFound(f"no outbox message {id}")
    if as_json:
        emit_json(r.summary())
        return
    echo(_line(r))
    echo(f"  text     {terminal_safe(r.text)}")
    echo(f"  created  {r.created_at.isoformat()}  done {_when(r.done_at)}  reference {terminal_safe(r.reference) or '—'}")
    import json as _json

    echo(f"  payload  {terminal_safe(_json.dumps(r.payload, ensure_ascii=False, default=str))}")


def _change(verb: str, ids: tuple[str, ...]) -> None:
    w = _engineer()
    store = w.open_store()
    fn = store.outbox.retry if verb == "retry" else store.outbox.drop
    missing = [i for i in ids if not fn(i, time.time())]
    for i in ids:
        if i not in missing:
            echo(f"{verb}: {i}")
    if missing:
        raise NotFound(f"not {'dead' if verb == 'retry' else 'unsent'}: {', '.join(missing)}")


@notify.command("retry")
@click.argument("ids", nargs=-1, required=True)
@as_option
@one_line_errors
def retry(ids: tuple[str, ...]) -> None:
    """Send dead messages again (attempts start over)."""
    _change("retry", ids)


@notify.command("drop")
@click.argument("ids", nargs=-1, required=True)
@as_option
@one_line_errors
def drop(ids: tuple[str, ...]) -> None:
    """Give up messages that were not sent."""
    _change("drop", ids)


@notify.command("endpoints")
@click.option("--enable", "enable", default=None, help="Enable an endpoint a 410 disabled (and close its breaker).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@as_option
@one_line_errors
def endpoints(enable: str | None, as_json: bool) -> None:
    """Each endpoint's circuit breaker: closed, open, half-open or disabled."""
    w = _engineer()
    cfg = _cfg(w.config_dir)
    store = w.open_store()
    if enable:
        store.outbox.endpoint_disable(enable, time.time(), "", disabled=False)
        echo(f"enabled: {enable}")
    now = time.time()
    eps = store.outbox.endpoints()
    data = [{"endpoint": e.endpoint, "state": e.state(now, cfg.breaker.failures), "failures": e.failures,
             "open_until": e.open_until, "last_error": e.last_error} for e in eps]
    if as_json:
        emit_json(data)
        return
    for d in data:
        echo(f"{d['endpoint']:<12} {d['state']:<9} failures {d['failures']}  {terminal_safe(d['last_error'])}")


@notify.command("optout")
@click.argument("phone")
@click.option("--undo", is_flag=True, help="Lift the opt-out.")
@click.option("--reason", default="", help="Why (kept with the opt-out).")
@as_option
@one_line_errors
def optout(phone: str, undo: bool, reason: str) -> None:
    """Stop (or with --undo resume) SMS to a citizen's number."""
    w = _engineer()
    w.open_store().outbox.opt_out(phone.strip(), reason, time.time(), out=not undo)
    echo(f"{'opt-out lifted' if undo else 'opted out'}: {terminal_safe(phone)}")


@notify.command("serve")
@click.option("--listen", default=None, help="HOST:PORT (default: notify.yaml intake.listen).")
@one_line_errors
def serve(listen: str | None) -> None:
    """The HTTP intake: department replies and SMS receipts (until Ctrl-C)."""
    import uvicorn

    from hotline_tui.tickets.factory import ticket_service

    from .notify_intake import intake_app

    w = wiring()
    cfg = _cfg(w.config_dir)
    store = w.open_store()
    svc = ticket_service(store, w.config_dir)
    host, _, port = (listen or cfg.intake.listen).rpartition(":")
    app = intake_app(store, svc, cfg, log=lambda s: echo(terminal_safe(s), err=True))
    echo(f"intake on http://{host}:{port} ({store.describe})", err=True)
    uvicorn.run(app, host=host or "127.0.0.1", port=int(port), log_level="warning")


def run_gateway(config_dir: str, *, listen: str, faults: float, seed: int, receipts: str | None) -> None:
    """``hotline demo gateway``: the local SMS gateway and department receiver; prints each
    message it gets and whether its signature verifies. Blocks until Ctrl-C."""
    from .notify_gateway import Gateway

    cfg = _cfg(config_dir)
    host, _, port = listen.rpartition(":")
    receipts_url = receipts if receipts is not None else f"http://{cfg.intake.listen}/receipts"
    gw = Gateway({d.code: cfg.secrets(d) for d in cfg.departments}, host=host or "127.0.0.1", port=int(port),
                 faults=faults, seed=seed, receipts_url=receipts_url, receipts_token=cfg.intake.receipts_token,
                 echo=lambda s: click.echo(terminal_safe(s)))
    click.echo(f"gateway on {gw.url}  (sms: /sms, webhooks: /hooks/<department>; receipts to {receipts_url or 'nowhere'})",
               err=True)
    try:
        gw.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        gw.server.server_close()
        sys.stdout.flush()

