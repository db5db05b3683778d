"""Call reports at a month of a 137-seat site (issue 16): SQLite and PostgreSQL, same run.

Generates November 2026 for 137 agents in three shifts (60 早班, 60 中班, 17 夜班) on six queues:
every agent's day as status/state intervals (waiting, on a call, two 15-minute breaks with a
desk reason, logged out between shifts), an answered call record for each call stretch (wait,
talk, 15 s wrap-up), abandoned and timed-out visits beside them (~300,000 visits, ~600,000
intervals), and 60,000 tickets registered over the month. Then times, in-process through the CLI
(``hotline report …`` with ``--format json``, opening the store, reading and rendering):

* ``queue-interval`` for the month by half hour (the default) and by day;
* ``agent-workload`` for the month; ``agent-states`` for one day;
* ``handover`` for one 早班 (calls, tickets, open items);
* ``call-loss`` for the month by day;
* the baseline: the store's read of the month's visits and intervals alone.

Each is run ``--runs`` times (median, min, max). The load average is printed before and after:
the machine is shared, say so when recording. Prints a Markdown table.

    .venv/bin/python scripts/bench/bench_call_reports.py                 # both stores
    .venv/bin/python scripts/bench/bench_call_reports.py --days 3 --no-pg  # quick check
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402

from backends.store import open_store  # noqa: E402
from hotline import cli  # noqa: E402
from hotline_tui.calls_port import AgentInterval, CallRecord  # noqa: E402
from hotline_tui.clock import SITE_TZ  # noqa: E402
from hotline_tui.tickets.model import Ticket  # noqa: E402

QUEUES = ["general@12345", "social@12345", "housing@12345", "complaint@12345", "elderly@12345", "foreign@12345"]
Q_WEIGHTS = [50, 15, 12, 15, 5, 3]
SHIFTS = [(8, 60, 150.0), (16, 60, 170.0), (0, 17, 600.0)]     # start hour, agents, mean gap between calls (s)
REASONS = ["meal", "rest", "training", "meeting"]
FIRST = date(2026, 11, 1)


def gen_day(day: date, rng: random.Random, n: list[int]):
    """One site day: (records, intervals). ``n`` counts visits for unique member uuids."""
    recs: list[CallRecord] = []
    ivs: list[AgentInterval] = []
    agent_no = 1001
    for start_h, count, gap in SHIFTS:
        for _ in range(count):
            name = str(agent_no)
            agent_no += 1
            t = datetime(day.year, day.month, day.day, start_h, tzinfo=SITE_TZ).timestamp()
            end = t + 8 * 3600
            breaks = sorted(rng.uniform(t + 3600, end - 3600) for _ in range(2))
            while t < end - 60:
                if breaks and t >= breaks[0]:
                    breaks.pop(0)
                    b = min(t + 900, end)
                    ivs.append(AgentInterval("fs1", name, t, b, "On Break", "Idle", rng.choice(REASONS)))
                    t = b
                    continue
                w = float(int(rng.expovariate(1 / gap)) + 1)
                ivs.append(AgentInterval("fs1", name, t, min(t + w, end), "Available", "Waiting"))
                t += w
                if t >= end - 60:
                    break
                talk = float(int(rng.lognormvariate(5.2, 0.45)) + 5)
                wait = float(min(int(rng.expovariate(1 / 12)), 300))
                q = rng.choices(QUEUES, Q_WEIGHTS)[0]
                n[0] += 1
                recs.append(CallRecord(f"m{n[0]}", "fs1", q, f"138{rng.randrange(10**8):08d}", "", name, t - wait, t,
                                       t + talk, "answered", wait, talk, call_id=f"s{n[0]}", wrap_s=15.0))
                ivs.append(AgentInterval("fs1", name, t, t + talk, "Available", "In a queue call"))
                t += talk
                r = rng.random()
                if r < 0.09:                                   # someone gave up meanwhile
                    n[0] += 1
                    wait = float(int(rng.expovariate(1 / 40)) + 1)
                    recs.append(CallRecord(f"m{n[0]}", "fs1", rng.choices(QUEUES, Q_WEIGHTS)[0], "", "", "", t - wait,
                                           None, t, "abandoned", wait, call_id=f"s{n[0]}"))
                elif r < 0.11:
                    n[0] += 1
                    recs.append(CallRecord(f"m{n[0]}", "fs1", rng.choices(QUEUES, Q_WEIGHTS)[0], "", "", "", t - 120,
                                           None, t, "timeout", 120.0, call_id=f"s{n[0]}"))
            day_end = datetime(day.year, day.month, day.day, start_h, tzinfo=SITE_TZ).timestamp() + 86400
            ivs.append(AgentInterval("fs1", name, t, day_end, "Logged Out", "Idle"))
    return recs, ivs


def gen_tickets(days: int, count: int, rng: random.Random) -> list[Ticket]:
    deps = ["RSJ", "ZJJ", "GJJ", "GAJ", "JYJ", "CGJ", "SCJGJ", "HBJ"]
    per_day: dict[str, int] = {}
    out = []
    start = datetime(FIRST.year, FIRST.month, FIRST.day, tzinfo=SITE_TZ)
    for _ in range(count):
        created = start + timedelta(seconds=rng.uniform(0, days * 86400))
        key = created.strftime("%Y%m%d")
        per_day[key] = per_day.get(key, 0) + 1
        active = rng.random() < 0.1
        due = created + timedelta(days=rng.uniform(0.5, 10)) if active else None
        out.append(Ticket(serial=f"{key}-{per_day[key]:06d}", created_at=created, channel="phone",
                          caller_phone=f"139{rng.randrange(10**8):08d}", content="小区夜间施工噪音扰民，请求处理。",
                          category=rng.choice(["complaint", "consult", "public", "policy"]),
                          state=rng.choice(["dispatched", "handling", "replied"]) if active else "closed",
                          department=rng.choice(deps), current_due=due,
                          yellow_from=due - timedelta(hours=24) if due else None, updated_at=created))
    return out


def load(target: str, days: int, tickets: int, seed: int) -> dict:
    store = open_store(target, migrate=True)
    rng = random.Random(seed)
    n = [0]
    visits = intervals = 0
    t0 = time.perf_counter()
    for i in range(days):
        recs, ivs = gen_day(FIRST + timedelta(days=i), rng, n)
        visits += store.calls.add_records(recs)
        intervals += store.calls.add_intervals(ivs)
    ts = gen_tickets(days, tickets, rng)
    for k in range(0, len(ts), 20_000):
        store.tickets.bulk_insert(ts[k:k + 20_000])
    if store.dialect == "postgres":
        for table in ("call_records", "agent_intervals", "tickets"):
            store.db.execute(f"ANALYZE {table}")
    store.close()
    return {"visits": visits, "intervals": intervals, "tickets": len(ts), "load_s": time.perf_counter() - t0}


def cases(days: int) -> list[tuple[str, list[str]]]:
    month = ["--from", FIRST.isoformat() + "T00:00", "--to", (FIRST + timedelta(days=days)).isoformat() + "T00:00"]
    mid = FIRST + timedelta(days=min(days - 1, 14))
    one_day = ["--from", mid.isoformat() + "T00:00", "--to", (mid + timedelta(days=1)).isoformat() + "T00:00"]
    shift_at = ["--shift", "早班", "--at", mid.isoformat() + "T15:55"]
    return [
        ("queue-interval, month by half hour", ["queue-interval", *month]),
        ("queue-interval, month by day", ["queue-interval", *month, "--by", "day"]),
        ("agent-workload, month", ["agent-workload", *month]),
        ("agent-states, one day", ["agent-states", *one_day]),
        ("handover, one 早班", ["handover", *shift_at]),
        ("call-loss, month by day", ["call-loss", *month, "--by", "day"]),
    ]


def timed(target: str, config_dir: str, args: list[str], runs: int) -> list[float]:
    from hotline_tui.reports.queue_interval import required

    out = []
    for _ in range(runs):
        required.cache_clear()       # each report is its own process in use: no answers from a run before
        t0 = time.perf_counter()
        r = CliRunner().invoke(cli, ["--db", target, "--config-dir", config_dir, "report", *args, "--format", "json"],
                               catch_exceptions=False)
        out.append(time.perf_counter() - t0)
        if r.exit_code:
            raise SystemExit(f"report {' '.join(args)}: exit {r.exit_code}: {r.output[-400:]}")
    return out


FLOOR = "baseline: read the month's visits + intervals"


def read_floor(target: str, days: int, runs: int) -> list[float]:
    """The floor under every month report: the store's read of the month's records and
    intervals alone (``CallStore.records`` + ``intervals``), in the same run."""
    lo = datetime(FIRST.year, FIRST.month, FIRST.day, tzinfo=SITE_TZ).timestamp()
    hi = lo + days * 86400
    out = []
    for _ in range(runs):
        store = open_store(target)
        t0 = time.perf_counter()
        store.calls.records(lo, hi)
        store.calls.intervals(lo, hi)
        out.append(time.perf_counter() - t0)
        store.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--tickets", type=int, default=60_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pg", default=os.environ.get("HOTLINE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test"))
    ap.add_argument("--no-pg", action="store_true")
    args = ap.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as d:
        # the demo config without site.yaml: the generated agents have no tiers, so every agent
        # staffs every queue (site.yaml's 1001… demo agents are not these)
        config_dir = str(Path(d) / "config")
        shutil.copytree(ROOT / "config" / "demo", config_dir, ignore=shutil.ignore_patterns("site.yaml", "kb"))
        targets = [("SQLite", str(Path(d) / "bench.db"))]
        schema = ""
        if not args.no_pg:
            import psycopg
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(args.pg, autocommit=True) as c:
                c.execute(f'CREATE SCHEMA "{schema}"')
            sep = "&" if "?" in args.pg else "?"
            targets.append(("PostgreSQL", f"{args.pg}{sep}options=-csearch_path%3D{schema}"))
        try:
            for name, target in targets:
                info = load(target, args.days, args.tickets, args.seed)
                print(f"{name}: {info['visits']:,} visits, {info['intervals']:,} intervals, {info['tickets']:,} tickets "
                      f"loaded in {info['load_s']:.0f} s", flush=True)
                times = {label: timed(target, config_dir, a, args.runs) for label, a in cases(args.days)}
                times[FLOOR] = read_floor(target, args.days, args.runs)
                results[name] = {"info": info, "times": times}
        finally:
            if schema:
                import psycopg
                with psycopg.connect(args.pg, autocommit=True) as c:
                    c.execute(f'DROP SCHEMA "{schema}" CASCADE')
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    labels = [label for label, _ in cases(args.days)] + [FLOOR]
    print("| report | " + " | ".join(f"{n} median (min–max)" for n in results) + " |")
    print("| --- |" + " --- |" * len(results))
    for label in labels:
        cells = []
        for r in results.values():
            t = r["times"][label]
            cells.append(f"{statistics.median(t):.2f} s ({min(t):.2f}–{max(t):.2f})")
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
