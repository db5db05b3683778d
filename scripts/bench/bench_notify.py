"""Notifications benchmark (issue 19), both stores in the same run:

1. Outbox throughput: N messages (half department webhooks, signed; half SMS) delivered by
   the real worker and httpx notifier to the loopback gateway (no faults), with one and with
   four workers (threads, each on its own store connection). Messages per second.
2. The added cost of the outbox write to a ticket action: registrations and dispatches through
   the real TicketService with the notification hook and without it (rounds interleaved, median
   per action), so the difference is the outbox's share.

    .venv/bin/python scripts/bench/bench_notify.py               # SQLite and PostgreSQL
    .venv/bin/python scripts/bench/bench_notify.py --no-pg --messages 500
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from backends.notify_gateway import Gateway  # noqa: E402
from backends.notify_http import HttpNotifier  # noqa: E402
from backends.store import open_store  # noqa: E402
from hotline_tui.clock import FixedClock  # noqa: E402
from hotline_tui.config import DEMO_DIR  # noqa: E402
from hotline_tui.notify.model import OutboxRow  # noqa: E402
from hotline_tui.notify.settings import load_notify  # noqa: E402
from hotline_tui.notify.worker import DeliveryWorker  # noqa: E402
from hotline_tui.tickets.factory import ticket_service  # noqa: E402
from hotline_tui.tickets.service import Intake  # noqa: E402

PG = os.environ.get("HOTLINE_PG", "postgresql://postgres@127.0.0.1:5432/test")


def pg_target() -> tuple[str, str]:
    import psycopg
    from urllib.parse import quote

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG, autocommit=True) as c:
        c.execute(f'CREATE SCHEMA "{schema}"')
    return f"{PG}?options={quote(f'-csearch_path={schema}')}", schema


def drop_pg(schema: str) -> None:
    import psycopg

    with psycopg.connect(PG, autocommit=True) as c:
        c.execute(f'DROP SCHEMA "{schema}" CASCADE')


def throughput(target: str, cfg, n: int, workers: int) -> float:
    store = open_store(target, migrate=True)
    now = time.time()
    from datetime import datetime, timezone

    rows = []
    for i in range(n):
        if i % 2:
            code = ("RSJ", "ZJJ", "GJJ")[i % 3]
            rows.append(OutboxRow(f"b{workers}-{i}-dispatch-v1-{code}", f"b{i}", "dispatch", "webhook", code,
                                  f"dept:{code}", {"type": "ticket.dispatch", "data": {"serial": f"b{i}"}},
                                  datetime.now(timezone.utc), next_at=now))
        else:
            rows.append(OutboxRow(f"b{workers}-{i}-registered-v1-citizen", f"b{i}", "registered", "sms",
                                  "13812341234", "sms", {"template": "SMS_12345001", "params": {"serial": f"b{i}"}},
                                  datetime.now(timezone.utc), text="t", next_at=now))
    with store.db.tx():
        store.outbox.enqueue(rows)
    stores = [open_store(target) for _ in range(workers)]
    pool = [DeliveryWorker(s.outbox, HttpNotifier(cfg), cfg.worker, cfg.breaker, name=f"w{k}")
            for k, s in enumerate(stores)]

    def drain(w):
        while w.run_once():
            pass
    t0 = time.perf_counter()
    threads = [threading.Thread(target=drain, args=(w,)) for w in pool]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dt = time.perf_counter() - t0
    assert set(store.outbox.counts()) == {"sent"}, store.outbox.counts()
    for s in [store, *stores]:
        s.close()
    return n / dt


def action_cost(target: str, site: Path, rounds: int, per_round: int) -> tuple[float, float, list[float], list[float]]:
    store = open_store(target, migrate=True)
    svc = ticket_service(store, site, FixedClock("2026-11-23T09:00:00+08:00"))
    inner = svc.on_change
    assert inner is not None
    spent = [0.0]

    def hook(*args):
        # The hook's own time: the outbox's share of an action, without the noise of the rest.
        t = time.perf_counter()
        inner(*args)
        spent[0] += time.perf_counter() - t
    agent, duty = svc.access.user("agent1001"), svc.access.user("duty")
    with_hook, without = [], []
    split: dict[tuple[str, bool], list[float]] = {}
    for r in range(rounds * 2):
        on = r % 2 == 0
        svc.on_change = hook if on else None
        t0 = time.perf_counter()
        serials = [svc.register(agent, Intake("phone", "13812341234", "路灯不亮", "complaint")).serial
                   for _ in range(per_round)]
        t1 = time.perf_counter()
        for serial in serials:
            svc.dispatch(duty, serial, "RSJ")
        t2 = time.perf_counter()
        ms = (t2 - t0) * 1000 / (2 * per_round)
        (with_hook if on else without).append(ms)
        split.setdefault(("register", on), []).append((t1 - t0) * 1000 / per_round)
        split.setdefault(("dispatch", on), []).append((t2 - t1) * 1000 / per_round)
    for kind in ("register", "dispatch"):
        a, b = statistics.median(split[(kind, True)]), statistics.median(split[(kind, False)])
        print(f"  {kind}: {a:.3f} ms with, {b:.3f} ms without: added {a - b:.3f} ms", file=sys.stderr)
    store.close()
    inside = spent[0] * 1000 / (rounds * 2 * per_round)
    return statistics.median(with_hook), statistics.median(without), with_hook, without, inside


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--per-round", type=int, default=200)
    ap.add_argument("--no-pg", action="store_true")
    a = ap.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    gw = Gateway({})
    tmp = Path(tempfile.mkdtemp(prefix="bench-notify-"))
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.notify.conftest import secrets_of, site_for

    site = site_for(tmp, gw.url, timeout_s=5.0, lease_s=60.0, batch=20)
    gw.secrets = secrets_of(site)
    gw.start()
    cfg = load_notify(site)
    targets: list[tuple[str, str, str]] = [("SQLite", str(tmp / "a.db"), "")]
    if not a.no_pg:
        for _ in range(1):
            dsn, schema = pg_target()
            targets.append(("PostgreSQL", dsn, schema))
    print("| store | 1 worker | 4 workers | action with outbox | without | added | inside the hook |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    try:
        for name, target, _ in targets:
            one = throughput(target, cfg, a.messages, 1)
            four = throughput(target, cfg, a.messages, 4)
            w, wo, ws, wos, inside = action_cost(target, site, a.rounds, a.per_round)
            print(f"| {name} | {one:,.0f} msg/s | {four:,.0f} msg/s | {w:.3f} ms | {wo:.3f} ms | "
                  f"**{w - wo:.3f} ms** (rounds with {', '.join(f'{x:.3f}' for x in ws)}; "
                  f"without {', '.join(f'{x:.3f}' for x in wos)}) | {inside:.3f} ms |")
    finally:
        gw.stop()
        for _, _, schema in targets:
            if schema:
                drop_pg(schema)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
