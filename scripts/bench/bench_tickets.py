"""Ticket store benchmark: N tickets (default 1,000,000) on SQLite and PostgreSQL, same run.

Measures: first page (50) of the red overdue list, a ticket by serial, 1,000 registrations
through TicketService (each its own transaction, audit included; three rounds, median). Prints a
Markdown table.

    .venv/bin/python scripts/bench/bench_tickets.py --tickets 1000000
    .venv/bin/python scripts/bench/bench_tickets.py --tickets 20000 --no-pg      # quick check
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from backends.store import open_store  # noqa: E402
from hotline_tui.clock import FixedClock  # noqa: E402
from hotline_tui.config import DEMO_DIR  # noqa: E402
from hotline_tui.tickets.factory import ticket_service  # noqa: E402
from hotline_tui.tickets.model import Ticket  # noqa: E402
from hotline_tui.tickets.service import Intake  # noqa: E402

NOW = "2026-11-23T10:00:00+08:00"
STATES_ACTIVE = ("dispatched", "handling", "replied", "callback_pending")


def make_rows(n: int, rng: random.Random, now):
    deps = ["RSJ", "ZJJ", "GJJ", "GAJ", "JYJ", "CGJ", "SCJGJ", "HBJ"]
    per_day: dict[str, int] = {}
    for i in range(n):
        created = now - timedelta(seconds=rng.uniform(0, 365 * 86400))
        day = created.strftime("%Y%m%d")
        per_day[day] = per_day.get(day, 0) + 1
        active = rng.random() < 0.06
        due = created + timedelta(days=rng.uniform(0.02, 10)) if active else None
        t = Ticket(serial=f"{day}-{per_day[day]:06d}", created_at=created, channel="phone",
                   caller_phone=f"138{rng.randrange(10**8):08d}", content="小区夜间施工噪音扰民，请求处理。" * 2,
                   category="complaint", state=rng.choice(STATES_ACTIVE) if active else "archived",
                   department=rng.choice(deps), current_due=due, yellow_from=due - timedelta(hours=24) if due else None)
        yield t
    yield per_day


def timed(fn, runs):
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    out.sort()
    return statistics.median(out), out[int(len(out) * 0.95) - 1]


def bench(target: str, n: int, seed: int) -> dict:
    store = open_store(target, migrate=True)
    clock = FixedClock(NOW)
    rng = random.Random(seed)
    t0 = time.perf_counter()
    batch, serials = [], []
    per_day = {}
    for item in make_rows(n, rng, clock.now()):
        if isinstance(item, dict):
            per_day = item
            break
        batch.append(item)
        if len(serials) < 5000 and rng.random() < 0.01:
            serials.append(item.serial)
        if len(batch) == 20_000:
            store.tickets.bulk_insert(batch)
            batch = []
    if batch:
        store.tickets.bulk_insert(batch)
    from datetime import date
    with store.db.tx():
        for day, last in per_day.items():
            store.tickets.set_serial_counter(date(int(day[:4]), int(day[4:6]), int(day[6:])), last)
    load_s = time.perf_counter() - t0
    if store.dialect == "postgres":
        store.db.execute("ANALYZE tickets")
    svc = ticket_service(store, DEMO_DIR, clock)
    duty = svc.access.user("duty")
    overdue = timed(lambda: svc.overdue(duty, light="red", limit=50), 200)
    by_serial = timed(lambda: svc.get(duty, rng.choice(serials)), 1000)
    agent = svc.access.user("agent1001")
    # Three rounds of 1,000 (the median is reported): the machine is shared, one round can
    # catch a neighbour's burst.
    rounds = []
    for r in range(3):
        t0 = time.perf_counter()
        for i in range(1000):
            svc.register(agent, Intake("phone", "13812341234", f"第{r}-{i}号测试工单", "consult"))
        rounds.append(time.perf_counter() - t0)
    store.close()
    return {"load_s": load_s, "overdue": overdue, "by_serial": by_serial,
            "register_1000_s": statistics.median(rounds), "register_rounds": rounds}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pg", default=os.environ.get("HOTLINE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test"))
    ap.add_argument("--no-pg", action="store_true")
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as d:
        results["SQLite"] = bench(str(Path(d) / "bench.db"), args.tickets, args.seed)
    if not args.no_pg:
        import psycopg
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.pg, autocommit=True) as c:
            c.execute(f'CREATE SCHEMA "{schema}"')
        try:
            sep = "&" if "?" in args.pg else "?"
            results["PostgreSQL"] = bench(f"{args.pg}{sep}options=-csearch_path%3D{schema}", args.tickets, args.seed)
        finally:
            with psycopg.connect(args.pg, autocommit=True) as c:
                c.execute(f'DROP SCHEMA "{schema}" CASCADE')
    print(f"\n{args.tickets:,} tickets\n")
    print("| store | bulk load | overdue first page p50 / p95 | ticket by serial p50 / p95 | 1,000 registrations (median of 3) |")
    print("| --- | --- | --- | --- | --- |")
    for name, r in results.items():
        print(f"| {name} | {r['load_s']:.0f} s | {r['overdue'][0]:.2f} / {r['overdue'][1]:.2f} ms | "
              f"{r['by_serial'][0]:.3f} / {r['by_serial'][1]:.3f} ms | {r['register_1000_s']:.2f} s |")
    for name, r in results.items():
        print(f"\n{name} registration rounds: " + ", ".join(f"{x:.2f} s" for x in r["register_rounds"]))
    if len(results) == 2:
        print(f"PostgreSQL / SQLite, 1,000 registrations: "
              f"{results['PostgreSQL']['register_1000_s'] / results['SQLite']['register_1000_s']:.2f}x")


if __name__ == "__main__":
    main()
