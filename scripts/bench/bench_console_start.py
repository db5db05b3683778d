"""Console start with today's figures rebuilt, at a month of a 137-seat site (issue 16).

Generates (in a temp dir / a fresh PostgreSQL schema, nothing committed) a month of the record —
by default 30 days × 10,000 visits = 300,000 call records over the demo site's six queues and 137
agents, with two agent intervals per answered visit (talking, then ready until the next call) —
plus the demo tickets (seeded before timing, so the console's first-run seeding is not timed).
**Today** (site date) gets a whole day's 10,000 visits squeezed between midnight and now, so the
start rebuilds a full day whatever the hour: the worst case of ``hotline_tui/live/rebuild.py``.

Then it runs the real ``hotline.py console --config …`` (embedded simulator, the store above,
English) in a pseudo-terminal (160x45, ``bench_console.Console``) and times spawn → first paint:
the first output that carries the wallboard (its ``Est. wait`` header and a queue name). The
baseline, in the same run, alternating: the same console on the same kind of store with the
tickets but no call record (nothing to rebuild). Bytecode is compiled once into a private
``PYTHONPYCACHEPREFIX`` (the helpers' environment sets PYTHONDONTWRITEBYTECODE) and each variant
runs once untimed first. Median, min and max of N runs; load average before and after.

    .venv/bin/python scripts/bench/bench_console_start.py                   # both stores, 5 runs each
    .venv/bin/python scripts/bench/bench_console_start.py --stores sqlite --runs 3 --days 3
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts" / "bench"))

import bench_console as bc  # noqa: E402  (the pty console driver)

from backends.store import open_store  # noqa: E402
from hotline_tui.calls_port import AgentInterval, CallRecord  # noqa: E402
from hotline_tui.clock import SITE_TZ  # noqa: E402
from hotline_tui.config import DEMO_DIR  # noqa: E402

PG_URL = os.environ.get("HOTLINE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
QUEUES = ["general@12345", "social@12345", "housing@12345", "complaint@12345", "elderly@12345", "foreign@12345"]
SHARE = [0.40, 0.18, 0.14, 0.13, 0.08, 0.07]
REC_COLS = ("member_uuid", "node", "queue", "caller_number", "caller_name", "agent", "joined_at", "answered_at",
            "left_at", "outcome", "wait_s", "talk_s", "call_id", "recording_id", "wrap_s")
IVL_COLS = ("node", "agent", "started_at", "ended_at", "status", "state", "reason")


def day_rows(rng: random.Random, start: float, end: float, n: int, seats: int, serial: int,
             free_at: list[float], seen: set[tuple[str, int]]):
    """``n`` visits spread over [start, end) (busier 08:00–20:00 site time when the span is a whole
    day), each answered (85 %) by one of ``seats`` agents or abandoned / timed out; two intervals
    per answered visit. ``free_at`` (per seat) and ``seen`` (agent, start) carry over from the day
    before, so no two intervals share a natural key. Returns (records, intervals) as tuples in
    column order."""
    recs, ivs = [], []
    for a in range(seats):
        free_at[a] = max(free_at[a], start)
    for i in range(n):
        t = start + (end - start) * (i + rng.random()) / n
        q = rng.choices(QUEUES, SHARE)[0]
        wait = rng.expovariate(1 / 18)
        r = rng.random()
        uid = f"m{serial + i}"
        number = f"138{rng.randrange(10**8):08d}"
        if r < 0.85:
            a = rng.randrange(seats)
            talk = rng.expovariate(1 / 240)
            ans = t + wait
            left = ans + talk
            agent = str(1001 + a)
            recs.append((uid, "fs1", q, number, "", agent, t, ans, left, "answered", wait, talk, uid, "", 15.0))
            busy_from = max(ans, free_at[a] + 1)
            ivs.append(("fs1", agent, int(free_at[a]), int(busy_from), "Available", "Waiting", ""))
            ivs.append(("fs1", agent, int(busy_from), int(busy_from + talk) + 1, "Available", "In a queue call", ""))
            free_at[a] = int(busy_from + talk) + 1
        else:
            outcome = "abandoned" if r < 0.97 else "timeout"
            recs.append((uid, "fs1", q, number, "", "", t, None, t + wait, outcome, wait, 0.0, uid, "", 0.0))
    # an agent's intervals must not share the natural key: keep the first of a start second
    ivs = [iv for iv in ivs if iv[3] > iv[2] and not ((iv[1], iv[2]) in seen or seen.add((iv[1], iv[2])))]
    return recs, ivs


def generate(target: str, *, days: int, per_day: int, seats: int, with_calls: bool, now: datetime) -> dict:
    """A fresh store at ``target`` with the demo tickets and (``with_calls``) the month."""
    from hotline_tui.cli.demo import seed_all

    store = open_store(target, migrate=True)
    t0 = time.monotonic()
    seed_all(store, str(DEMO_DIR), seed=1, tickets=3000, days=30)
    n_rec = n_iv = 0
    if with_calls:
        rng = random.Random(16)
        free_at = [0.0] * seats
        seen: set[tuple[str, int]] = set()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        for d in range(days - 1, -1, -1):
            lo = (midnight - timedelta(days=d)).timestamp()
            hi = now.timestamp() - 60 if d == 0 else lo + 86400
            recs, ivs = day_rows(rng, lo, hi, per_day, seats, (days - d) * per_day, free_at, seen)
            with store.db.tx():
                store.db.copy_rows("call_records", REC_COLS, recs)
                store.db.copy_rows("agent_intervals", IVL_COLS, ivs)
            n_rec += len(recs)
            n_iv += len(ivs)
        for table in ("call_records", "agent_intervals"):
            store.db.vacuum_analyze(table)
    store.close()
    return {"records": n_rec, "intervals": n_iv, "load_s": round(time.monotonic() - t0, 1)}


def first_paint(tmp: Path, target: str, label: str) -> float | None:
    cfg = tmp / f"console-{label}.yaml"
    cfg.write_text(f"store: {target}\nconfig_dir: {DEMO_DIR}\nlang: en\n", encoding="utf-8")
    con = bc.Console(cfg, [], tmp / f"console-{label}.out")
    try:
        t = con.wait_for(lambda s: "Est. wait" in s and "General enquiries" in s, 0, 60)
        return None if t is None else t - con.t_spawn
    finally:
        con.stop()


def load1() -> float:
    return os.getloadavg()[0]


def pg_target() -> tuple[str, str]:
    import psycopg
    from urllib.parse import quote

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}", schema


def drop_pg(schema: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stores", default="sqlite,postgres")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--per-day", type=int, default=10_000)
    ap.add_argument("--seats", type=int, default=137)
    args = ap.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory(prefix="bench-console-start-") as tmpdir:
        tmp = Path(tmpdir)
        os.environ["PYTHONPYCACHEPREFIX"] = str(tmp / "pyc")
        now = datetime.now(SITE_TZ)
        print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}; "
              f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; site time {now:%H:%M}")
        print(f"load (1 min) before: {load1():.2f}")
        for kind in args.stores.split(","):
            schemas = []
            targets = {}
            for label, calls in (("month", True), ("empty", False)):
                if kind == "sqlite":
                    targets[label] = str(tmp / f"{label}.db")
                else:
                    targets[label], schema = pg_target()
                    schemas.append(schema)
                info = generate(targets[label], days=args.days, per_day=args.per_day, seats=args.seats,
                                with_calls=calls, now=now)
                print(f"{kind} {label}: {info['records']} call records, {info['intervals']} agent intervals "
                      f"(generated in {info['load_s']} s)")
            try:
                times: dict[str, list[float]] = {"month": [], "empty": []}
                for label in ("month", "empty"):
                    first_paint(tmp, targets[label], f"{kind}-{label}-warm")      # untimed: page cache, bytecode
                for i in range(args.runs):
                    for label in ("month", "empty"):
                        t = first_paint(tmp, targets[label], f"{kind}-{label}-{i}")
                        if t is not None:
                            times[label].append(t)
                for label, xs in times.items():
                    if xs:
                        print(f"{kind} {label}: first paint median {statistics.median(xs):.2f} s "
                              f"(min {min(xs):.2f}, max {max(xs):.2f}, n={len(xs)})")
                    else:
                        print(f"{kind} {label}: no first paint within 60 s")
            finally:
                for schema in schemas:
                    drop_pg(schema)
        print(f"load (1 min) after: {load1():.2f}")


if __name__ == "__main__":
    main()
