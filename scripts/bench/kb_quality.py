"""Knowledge search quality: recall@5 and MRR@10 of our search against plain SQLite FTS5.

Loads the demo articles (the Markdown files of config/demo/kb/) into a fresh temporary SQLite store
through the real KnowledgeService (published), runs every labelled query of tests/kb/queries.yaml
through ``KnowledgeService.search`` and reports recall@5 / MRR@10 overall and per kind. In the same
run, the baseline: an FTS5 table over (title, body, tags) with the default ``unicode61`` tokenizer
and a second one with the ``trigram`` tokenizer, both plain (no pinyin, no synonyms), queried with
the raw query text — each whitespace-separated word quoted as an FTS5 string (so nothing in the
query is FTS5 syntax), the words ANDed — ranked by bm25. A query FTS5 rejects counts as a miss.

    .venv/bin/python scripts/bench/kb_quality.py                 # markdown table
    .venv/bin/python scripts/bench/kb_quality.py --json
    .venv/bin/python scripts/bench/kb_quality.py --misses        # list our failing queries
    .venv/bin/python scripts/bench/kb_quality.py --postgres postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml  # noqa: E402

from _ranking import recall_at, summarise  # noqa: E402
from hotline_tui.demo.kb import demo_articles  # noqa: E402

QUERIES = ROOT / "tests" / "kb" / "queries.yaml"
KINDS = ("chinese", "phrase", "pinyin", "initials", "typo", "synonym", "partial", "spoken")
TOP = 10


def load_queries(path: Path = QUERIES) -> list[dict]:
    """The labelled queries; raises ValueError naming the entry when one is malformed."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for i, q in enumerate(doc.get("queries") or []):
        if not isinstance(q, dict) or not str(q.get("q", "")).strip() or not q.get("expect") \
                or q.get("kind") not in KINDS:
            raise ValueError(f"{path.name}: query {i + 1} needs q, expect and a kind in {KINDS}: {q!r}")
        # row: the table row it counts in; held-out queries (never used to tune the word lists)
        # get their own row beside their kind's.
        row = q["kind"] + (" (held out)" if q.get("held_out") else "")
        out.append({"q": str(q["q"]), "expect": [str(t) for t in q["expect"]], "kind": q["kind"], "row": row})
    return out


# -- baseline: SQLite FTS5 used plainly ---------------------------------------------------------
def fts5_match(query: str) -> str:
    """The query as FTS5 strings: every word in double quotes (quotes doubled), ANDed."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in query.split())


def fts5_search(articles: list[dict], queries: list[dict], tokenizer: str) -> dict[str, list[str]]:
    """{query: ranked titles} from an in-memory FTS5 table with ``tokenizer``."""
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE kb USING fts5(title, body, tags, tokenize='{tokenizer}')")
    db.executemany("INSERT INTO kb(title, body, tags) VALUES (?, ?, ?)",
                   [(a["title"], a["body"], " ".join(a["tags"])) for a in articles])
    out = {}
    for q in queries:
        try:
            rows = db.execute("SELECT title FROM kb WHERE kb MATCH ? ORDER BY bm25(kb) LIMIT ?",
                              (fts5_match(q["q"]), TOP)).fetchall()
            out[q["q"]] = [r[0] for r in rows]
        except sqlite3.OperationalError:
            out[q["q"]] = []      # FTS5 refused the query: a miss
    db.close()
    return out


# -- ours: the real KnowledgeService ------------------------------------------------------------
def our_search(target: str, articles: list[dict], queries: list[dict]) -> dict[str, list[str]]:
    """{query: ranked titles} from KnowledgeService.search on a fresh store at ``target``."""
    from backends.store import open_store
    from hotline_tui.access import load_access
    from hotline_tui.clock import FixedClock
    from hotline_tui.config import DEMO_DIR
    from hotline_tui.kb.factory import knowledge_service

    store = open_store(target, migrate=True)
    try:
        service = knowledge_service(store, DEMO_DIR, FixedClock())
        access = load_access(DEMO_DIR)
        service.import_items(access.user("editor"), articles, publish=True)
        agent = access.user("agent1001")
        out = {}
        for q in queries:
            try:
                hits = service.search(agent, q["q"], limit=TOP, record=False)
            except TypeError:     # an older search without the record switch
                hits = service.search(agent, q["q"], limit=TOP)
            out[q["q"]] = [h.title for h in hits]
        return out
    finally:
        store.close()


def _pg_target(dsn: str):
    import psycopg

    schema = f"kbq_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in dsn else "?"

    def drop():
        with psycopg.connect(dsn, autocommit=True) as c:
            c.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return f"{dsn}{sep}options=-csearch_path%3D{schema}", drop


def measure(queries: list[dict], *, postgres: str | None = None, ours: bool = True) -> dict:
    """Every system's ranked titles and summary. Returns {"systems": {name: {...}}, ...}."""
    articles = demo_articles()
    missing = sorted({t for q in queries for t in q["expect"]} - {a["title"] for a in articles})
    if missing:
        raise ValueError(f"expected titles not in the demo articles: {missing}")
    runs: dict[str, dict[str, list[str]]] = {}
    if ours:
        with tempfile.TemporaryDirectory() as tmp:
            runs["ours (SQLite)"] = our_search(str(Path(tmp) / "kb.db"), articles, queries)
        if postgres:
            target, drop = _pg_target(postgres)
            try:
                runs["ours (PostgreSQL)"] = our_search(target, articles, queries)
            finally:
                drop()
    runs["FTS5 unicode61"] = fts5_search(articles, queries, "unicode61")
    runs["FTS5 trigram"] = fts5_search(articles, queries, "trigram")
    systems = {}
    for name, ranked in runs.items():
        rows = [(q["row"], ranked[q["q"]], q["expect"]) for q in queries]
        misses = [{"q": q["q"], "kind": q["kind"], "expect": q["expect"], "got": ranked[q["q"]][:5]}
                  for q in queries if recall_at(ranked[q["q"]], q["expect"], 5) < 1.0]
        systems[name] = {"summary": summarise(rows), "misses": misses}
    return {"articles": len(articles), "queries": len(queries), "systems": systems}


def markdown(result: dict) -> str:
    names = list(result["systems"])
    head = "| kind | n | " + " | ".join(f"{n} R@5 / MRR@10" for n in names) + " |"
    lines = [head, "| --- | ---: | " + " | ".join("---" for _ in names) + " |"]
    first = result["systems"][names[0]]["summary"]
    rows = [r for k in KINDS for r in (k, k + " (held out)")]
    for kind in [k for k in rows if k in first] + ["all"]:
        cells = []
        for n in names:
            s = result["systems"][n]["summary"][kind]
            cells.append(f"{s['recall']:.2f} / {s['mrr']:.2f}")
        label = f"**{kind}**" if kind == "all" else kind
        lines.append(f"| {label} | {first[kind]['n']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--postgres", metavar="DSN", help="also run our search on PostgreSQL (a temporary schema)")
    ap.add_argument("--misses", action="store_true", help="list the queries our search misses in the top 5")
    ap.add_argument("--baseline-only", action="store_true", help="only the FTS5 baseline")
    ap.add_argument("--queries", type=Path, default=QUERIES)
    args = ap.parse_args(argv)
    result = measure(load_queries(args.queries), postgres=args.postgres, ours=not args.baseline_only)
    result["machine"] = f"{platform.machine()} {platform.system()} {platform.release()}; SQLite {sqlite3.sqlite_version}"
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print(f"{result['articles']} articles, {result['queries']} labelled queries; {result['machine']}\n")
    print(markdown(result))
    if args.misses:
        for name, s in result["systems"].items():
            if not name.startswith("ours"):
                continue
            print(f"\n{name}: {len(s['misses'])} queries below full recall@5")
            for m in s["misses"]:
                print(f"- [{m['kind']}] {m['q']!r} expect {m['expect']} got {m['got']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
