"""Department report benchmark: a month of a big site (default 60,000 tickets registered in
November 2026, plus as many in October around them) with their department events, on SQLite and
PostgreSQL in the same run.

Measured (five runs each, median and max), from the store to the finished text, as
``hotline report departments|assessment --month 2026-11`` does it: read the month's tickets and
events, compute, render JSON and txt; plus ``categories`` and ``callbacks``. Prints Markdown.

    .venv/bin/python scripts/bench/bench_dept_report.py                       # 60,000 + 60,000
    .venv/bin/python scripts/bench/bench_dept_report.py --tickets 5000 --no-pg  # quick check
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
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from backends.schema.tickets import add_events  # noqa: E402
from backends.store import open_store  # noqa: E402
from hotline_tui.cli.report_txt import to_txt  # noqa: E402
from hotline_tui.clock import SITE_TZ  # noqa: E402
from hotline_tui.config import DEMO_DIR  # noqa: E402
from hotline_tui.reports.assessment import assessment, load_weights, month_period  # noqa: E402
from hotline_tui.reports.departments import departments  # noqa: E402
from hotline_tui.reports.render import to_json  # noqa: E402
from hotline_tui.reports.ticket_groups import callbacks, categories  # noqa: E402
from hotline_tui.tickets.catalog import load_catalog  # noqa: E402
from hotline_tui.tickets.events import TicketEvent  # noqa: E402
from hotline_tui.tickets.model import Ticket  # noqa: E402

AS_OF = datetime(2026, 12, 1, 10, 0, tzinfo=SITE_TZ)
MONTH = "2026-11"
CATEGORIES = ("consult", "policy", "complaint", "public", "simple", "homeservice")
CHANNELS = ("phone", "phone", "phone", "wechat", "web", "sms")


def make_month(n: int, start: datetime, rng: random.Random, deps: list[str], tag: str):
    """``n`` tickets registered over the 30 days from ``start`` and their events: a third
    answered on the spot, the rest dispatched; acknowledged (a tenth late), replied, called
    back; 6 % returned (a third of those wrongly), 5 % extended, 15 % urged."""
    tickets, events, per_day = [], [], {}
    for _ in range(n):
        created = start + timedelta(seconds=rng.uniform(0, 30 * 86400))
        day = created.strftime("%Y%m%d")
        per_day[day] = per_day.get(day, 0) + 1
        serial = f"{day}-{per_day[day]:06d}"
        t = Ticket(serial, created, rng.choice(CHANNELS), f"138{rng.randrange(10**8):08d}",
                   f"{tag}小区夜间施工噪音扰民，请求处理。", rng.choice(CATEGORIES), updated_at=created)
        v = 1
        if rng.random() < 0.33:
            t.state, t.answer, t.closed_at = "closed", "已当即答复", created
            tickets.append(t)
            continue
        dep = rng.choice(deps)
        disp = created + timedelta(minutes=rng.uniform(2, 60))
        v += 1
        events.append(TicketEvent(serial, v, "dispatch", dep, disp))
        if rng.random() < 0.06:
            v += 1
            events.append(TicketEvent(serial, v, "return", dep, disp + timedelta(minutes=20)))
            v += 1
            if rng.random() < 0.33:
                events.append(TicketEvent(serial, v, "wrong_return", dep, disp + timedelta(hours=2)))
            else:
                events.append(TicketEvent(serial, v, "return_accepted", dep, disp + timedelta(hours=2)))
                dep = rng.choice(deps)
                events.append(TicketEvent(serial, v, "dispatch", dep, disp + timedelta(hours=2)))
            disp += timedelta(hours=2)
        t.department, t.ack_due = dep, disp + timedelta(minutes=30)
        t.handle_due = disp + timedelta(days=rng.choice((1, 3, 7, 14)))
        t.acknowledged_at = disp + timedelta(minutes=rng.uniform(1, 29) if rng.random() < 0.9 else rng.uniform(31, 600))
        v += 1
        events.append(TicketEvent(serial, v, "ack", dep, t.acknowledged_at))
        if rng.random() < 0.15:
            v += 1
            events.append(TicketEvent(serial, v, "urge", dep, t.acknowledged_at + timedelta(hours=5), n=rng.choice((1, 1, 2))))
        if rng.random() < 0.05:
            v += 1
            events.append(TicketEvent(serial, v, "extension", dep, t.acknowledged_at + timedelta(days=1)))
        reply = t.acknowledged_at + timedelta(days=rng.uniform(0.1, 12))
        if reply < AS_OF:
            t.state, t.replied_at = "callback_pending", reply
            t.callback_due = reply + timedelta(days=2)
            cb = reply + timedelta(days=rng.uniform(0.1, 3))
            if cb < AS_OF:
                t.callback_attempts, t.callback_at, t.state = 1, cb, "called_back"
                t.callback_result = t.callback_handler = rng.choice(("satisfied",) * 9 + ("unsatisfied", "unconfirmed"))
                v += 1
                events.append(TicketEvent(serial, v, "callback", dep, cb, result=t.callback_result, handler=t.callback_handler))
        else:
            t.state = "handling"
        t.version = v
        tickets.append(t)
    return tickets, events, per_day


def timed(fn, runs: int = 5) -> tuple[float, float, float]:
    """(median wall, max wall, median CPU) seconds. CPU time (this process's) is printed beside
    the wall time because the machine is shared: with other jobs on both cores the wall time is
    mostly waiting for a core; the database server's CPU (PostgreSQL) is not in it."""
    out, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        out.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(out), max(out), statistics.median(cpu)


def bench(target: str, n: int, older: int, seed: int) -> dict:
    store = open_store(target, migrate=True)
    rng = random.Random(seed)
    deps = list(load_catalog(DEMO_DIR).departments)
    names = dict(load_catalog(DEMO_DIR).departments)
    cats = dict(load_catalog(DEMO_DIR).categories)
    weights = load_weights(DEMO_DIR)
    t0 = time.perf_counter()
    n_events = 0
    for count, start, tag in ((older, datetime(2026, 10, 1, tzinfo=SITE_TZ), "十月"),
                              (n, datetime(2026, 11, 1, tzinfo=SITE_TZ), "")):
        tickets, events, _ = make_month(count, start, rng, deps, tag)
        for i in range(0, len(tickets), 20_000):
            store.tickets.bulk_insert(tickets[i:i + 20_000])
        with store.db.tx():
            add_events(store.db, events)
        n_events += len(events)
    load_s = time.perf_counter() - t0
    print(f"  {store.dialect}: loaded in {load_s:.0f} s", file=sys.stderr, flush=True)
    if store.dialect == "postgres":
        store.db.execute("ANALYZE tickets")
        store.db.execute("ANALYZE ticket_events")
    p = month_period(MONTH, AS_OF)
    t = store.tickets

    def dep_report():
        d = departments(t.facts(p.start, p.end), t.event_tallies(p.start, p.end), p, AS_OF, names)
        to_json(d), to_txt(d)
        return d

    def sheet():
        d = departments(t.facts(p.start, p.end), t.event_tallies(p.start, p.end), p, AS_OF, names)
        a = assessment(d, weights, MONTH)
        to_json(a), to_txt(a)

    def read_only():
        t.facts(p.start, p.end), t.event_tallies(p.start, p.end)

    def cats_report():
        d = categories(t.facts(p.start, p.end), p, AS_OF, cats)
        to_json(d), to_txt(d)

    def cb_report():
        d = callbacks(t.events(p.start, p.end, of_registered=False, kind="callback"), p, names)
        to_json(d), to_txt(d)

    d = dep_report()
    out = {"load_s": load_s, "events": n_events, "departments": len(d["departments"]),
           "dispatched": d["total"]["dispatched"],
           "read": timed(read_only), "dep": timed(dep_report), "assessment": timed(sheet),
           "categories": timed(cats_report), "callbacks": timed(cb_report)}
    store.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, default=60_000, help="tickets registered in the month measured")
    ap.add_argument("--older", type=int, default=None, help="tickets of the month before (default: as many)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pg", default=os.environ.get("HOTLINE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test"))
    ap.add_argument("--no-pg", action="store_true")
    args = ap.parse_args()
    older = args.tickets if args.older is None else args.older
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    results = {}
    with tempfile.TemporaryDirectory() as d:
        results["SQLite"] = bench(str(Path(d) / "bench.db"), args.tickets, older, args.seed)
    if not args.no_pg:
        import psycopg
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.pg, autocommit=True) as c:
            c.execute(f'CREATE SCHEMA "{schema}"')
        try:
            sep = "&" if "?" in args.pg else "?"
            results["PostgreSQL"] = bench(f"{args.pg}{sep}options=-csearch_path%3D{schema}", args.tickets, older, args.seed)
        finally:
            with psycopg.connect(args.pg, autocommit=True) as c:
                c.execute(f'DROP SCHEMA "{schema}" CASCADE')
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    r0 = next(iter(results.values()))
    print(f"\n{args.tickets:,} tickets in {MONTH} (+{older:,} in the month before), {r0['events']:,} events, "
          f"{r0['dispatched']:,} dispatched to {r0['departments']} departments\n")
    print("| store | load | read tickets + events | departments (json + txt) | assessment | categories | callbacks |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, r in results.items():
        cells = " | ".join(f"{r[k][0]:.2f} s (max {r[k][1]:.2f}; cpu {r[k][2]:.2f})"
                           for k in ("read", "dep", "assessment", "categories", "callbacks"))
        print(f"| {name} | {r['load_s']:.0f} s | {cells} |")


if __name__ == "__main__":
    main()
