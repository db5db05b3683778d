"""Knowledge-base benchmark: N synthetic articles on SQLite and PostgreSQL, same run.

Generates N articles from a seed (phrases and characters drawn from the sample corpus, so the
text looks like hotline articles: ~15-character titles, two tags, ~200-character bodies),
imports them through KnowledgeService.import_items in 20,000-article chunks (the bulk path: COPY
on PostgreSQL, a sorted insert on SQLite; the articles are generated before timing starts), then
times searches over a fixed query list (Chinese, pinyin, initials, typos, synonyms) after one
warm-up round. Search timing excludes recording unanswered questions (``record=False``) and
includes the service's vocabulary check (at most once a second, real monotonic clock). Prints a
Markdown table and the machine's load average before and after.

    .venv/bin/python scripts/bench/bench_kb.py --articles 100000
    .venv/bin/python scripts/bench/bench_kb.py --articles 5000 --no-pg      # quick check
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from backends.store import open_store  # noqa: E402
from hotline_tui.clock import FixedClock  # noqa: E402
from hotline_tui.config import DEMO_DIR  # noqa: E402
from hotline_tui.kb.factory import knowledge_service  # noqa: E402
from hotline_tui.kb.sample import SAMPLE  # noqa: E402

QUERIES = ["社保卡丢了", "shebaoka", "sbk", "社宝卡", "gongjijin tiqu", "gjj 提取", "gongjjin daikuan", "公积金贷款",
           "医保 门诊报销", "yidi jiuyi", "jiazhao", "户籍迁移", "夜间施工", "噪声扰民", "失业金", "讨薪", "etc", "12315",
           "低保申请", "暖气费", "营业执", "wangyueche", "身份证换领", "居住证", "hukou qianyi", "养老金", "退休",
           "天然气开户", "停水", "行政复议", "公交卡充值", "老年卡", "办理", "投诉", "怎么办", "sb", "yb", "医疗保险",
           "缴费基数", "拖欠工资",
           # issue 22: callers' words — spoken vocabulary, fillers and endings are read (kb.yaml)
           "俺家咋又没电了", "干了半年活老板不给钱", "我想问一下电瓶车咋上牌子", "在外地住院了能报销不",
           "想给孩子转个学", "楼下饭馆油烟熏得受不了"]
CHUNK = 20_000


def generator(seed: int):
    rng = random.Random(seed)
    phrases = sorted({p for a in SAMPLE for p in re.split(r"[，。、；：（）,.;:()\s]+", a["body"] + "，" + a["title"]) if len(p) >= 2})
    chars = sorted({c for a in SAMPLE for c in a["body"] if "\u4e00" <= c <= "\u9fff"})
    tags = sorted({t for a in SAMPLE for t in a["tags"]})
    deps = sorted({a["department"] for a in SAMPLE})
    cats = sorted({a["category"] for a in SAMPLE})

    def word():
        # Mostly known phrases; some fresh character pairs so the vocabulary grows with N.
        return rng.choice(phrases)[:8] if rng.random() < 0.8 else "".join(rng.choice(chars) for _ in range(2))

    def article(i: int) -> dict:
        title = "".join(word()[:6] for _ in range(rng.randint(2, 3)))
        body = "".join(word() + rng.choice("，，。") for _ in range(rng.randint(18, 30)))
        out = {"title": title, "body": body, "department": rng.choice(deps), "category": rng.choice(cats),
               "tags": rng.sample(tags, 2)}
        if rng.random() < 0.2:          # issue 22: a fifth of the articles carry similar questions
            out["questions"] = ["".join(word()[:6] for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(1, 3))]
        return out
    return article


class _Clock(FixedClock):
    """The fixed date of the run, but a real monotonic clock: the service looks for
    vocabulary changes once a second while searches are timed, as in production."""

    def monotonic(self) -> float:
        return time.monotonic()


def bench(target: str, n: int, seed: int) -> dict:
    store = open_store(target, migrate=True)
    svc = knowledge_service(store, DEMO_DIR, _Clock("2026-11-23T10:00:00+08:00"))
    ed = svc.access.user("editor")
    make = generator(seed)
    # Generated before the clock starts: the figure is indexing, not making up articles
    # (~6 s of the 100,000-article figures before 2026-11-24 were this generator).
    chunks, done = [], len(SAMPLE)
    while done < n:
        k = min(CHUNK, n - done)
        chunks.append([make(done + i) for i in range(k)])
        done += k
    t0 = time.perf_counter()
    svc.import_items(ed, [dict(a) for a in SAMPLE], publish=True)
    for chunk in chunks:
        svc.import_items(ed, chunk, publish=True)
    index_s = time.perf_counter() - t0
    ag = svc.access.user("agent1001")
    for q in QUERIES:                                      # warm-up: vocabulary load, caches
        svc.search(ag, q, limit=10, record=False)
    times = []
    for _ in range(5):
        for q in QUERIES:
            t = time.perf_counter()
            svc.search(ag, q, limit=10, record=False)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    store.close()
    return {"articles": n, "index_s": index_s, "p50": statistics.median(times),
            "p95": times[int(len(times) * 0.95) - 1], "max": times[-1], "searches": len(times)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pg", default=os.environ.get("HOTLINE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test"))
    ap.add_argument("--no-pg", action="store_true")
    ap.add_argument("--no-sqlite", action="store_true")
    args = ap.parse_args()
    load_before = os.getloadavg()
    results = {}
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as d:
            results["SQLite"] = bench(str(Path(d) / "kb.db"), args.articles, args.seed)
    if not args.no_pg:
        import psycopg

        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.pg, autocommit=True) as c:
            c.execute(f'CREATE SCHEMA "{schema}"')
        try:
            sep = "&" if "?" in args.pg else "?"
            results["PostgreSQL"] = bench(f"{args.pg}{sep}options=-csearch_path%3D{schema}", args.articles, args.seed)
        finally:
            with psycopg.connect(args.pg, autocommit=True) as c:
                c.execute(f'DROP SCHEMA "{schema}" CASCADE')
    print(f"{time.strftime('%Y-%m-%d')} {platform.platform()} {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}; load average (1/5/15 min) "
          f"{'/'.join(f'{x:.2f}' for x in load_before)} before, {'/'.join(f'{x:.2f}' for x in os.getloadavg())} "
          "after\n")
    print("| store | articles | index (s) | search p50 (ms) | search p95 (ms) | max (ms) | searches |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['articles']:,} | {r['index_s']:.1f} | {r['p50']:.2f} | {r['p95']:.2f} | {r['max']:.1f} | {r['searches']} |")


if __name__ == "__main__":
    main()
