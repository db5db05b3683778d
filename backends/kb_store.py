"""The knowledge base on SQLite and PostgreSQL: one class over ``backends.db.Db``.

The store keeps what the core computed (articles, integer-weighted index terms, vocabulary
counts) and answers term look-ups with SQL both dialects evaluate identically (integer sums,
explicit tie-breaks), so search ranks the same on both. Tokenising, pinyin and scoring live in
``hotline_tui.kb``. Bulk loads use ``COPY`` on PostgreSQL and a sorted insert on SQLite.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from itertools import repeat
from typing import Any
from operator import itemgetter

from hotline_tui.errors import ConflictError, NotFound
from hotline_tui.kb.model import Article, ArticleVersion, Suggestion, Unanswered, article_from_snapshot
from hotline_tui.kb.terms import term_pinyin
from hotline_tui.kb.vocab import VocabRow

from .db import Db, from_ts

_COLS = ("title", "body", "department", "category", "tags", "status", "valid_from", "valid_to", "version",
         "created_at", "updated_at", "updated_by", "questions", "source_key")


def _blob(terms: dict[str, int], keywords: set[str]) -> str:
    # The postings as written, so the next rewrite deletes exactly these rows, and the keyword
    # terms counted in the vocabulary: JSON [{term: weight}, [keywords]] (C-speed to write;
    # ~100 terms per article). Keywords need not be postings (single characters are not).
    return json.dumps([terms, sorted(keywords)], ensure_ascii=False, separators=(",", ":"))


def _unblob(text: str) -> tuple[dict[str, int], set[str]]:
    if not text:
        return {}, set()
    if text[0] == "[":
        terms, kw = json.loads(text)
        return terms, set(kw)
    # Written before the JSON form: one "term<TAB>weight<TAB>keyword?" line per term (a term
    # never starts with "[": terms are CJK runs or [a-z0-9] words).
    terms, kw = {}, set()
    for line in text.split("\n"):
        t, w, k = line.split("\t")
        terms[t] = int(w)
        if k == "1":
            kw.add(t)
    return terms, kw


class SqlKnowledgeStore:
    def __init__(self, db: Db):
        self.db = db

    def tx(self):
        return self.db.tx()

    # -- articles --------------------------------------------------------------------------
    def _params(self, a: Article) -> dict:
        return {"title": a.title, "body": a.body, "department": a.department, "category": a.category,
                "tags": json.dumps(list(a.tags), ensure_ascii=False), "status": a.status,
                "valid_from": a.valid_from.isoformat() if a.valid_from else None,
                "valid_to": a.valid_to.isoformat() if a.valid_to else None, "version": a.version,
                "created_at": self.db.ts(a.created_at), "updated_at": self.db.ts(a.updated_at),
                "updated_by": a.updated_by, "questions": json.dumps(list(a.questions), ensure_ascii=False),
                "source_key": a.source_key}

    def _article(self, r) -> Article:
        return Article(int(r["id"]), r["title"], r["body"], r["department"], r["category"], tuple(json.loads(r["tags"])),
                       r["status"], date.fromisoformat(r["valid_from"]) if r["valid_from"] else None,
                       date.fromisoformat(r["valid_to"]) if r["valid_to"] else None, int(r["version"]),
                       from_ts(r["created_at"]), from_ts(r["updated_at"]), r["updated_by"],
                       tuple(json.loads(r["questions"] or "[]")), r["source_key"] or "")

    def insert(self, article: Article) -> int:
        p = self._params(article)
        cols = ", ".join(_COLS)
        vals = ", ".join(f":{c}" for c in _COLS)
        return self.db.insert_returning_id(f"INSERT INTO kb_articles ({cols}) VALUES ({vals})", p)

    def update(self, article: Article, expected_version: int) -> None:
        p = self._params(article)
        p["id"], p["expected"] = article.id, expected_version
        sets = ", ".join(f"{c} = :{c}" for c in _COLS if c != "created_at")
        n = self.db.execute(f"UPDATE kb_articles SET {sets} WHERE id = :id AND version = :expected", p)
        if n != 1:
            row = self.db.query_one("SELECT version FROM kb_articles WHERE id = :id", {"id": article.id})
            if row is None:
                raise NotFound(f"no article {article.id}")
            raise ConflictError(f"article {article.id}", expected_version, int(row["version"]))

    _SELECT = "SELECT id, " + ", ".join(_COLS) + " FROM kb_articles"

    def get(self, article_id: int) -> Article | None:
        r = self.db.query_one(self._SELECT + " WHERE id = :id", {"id": int(article_id)})
        return self._article(r) if r else None

    def get_many(self, ids: list[int]) -> list[Article]:
        if not ids:
            return []
        ph = ", ".join(f":i{n}" for n in range(len(ids)))
        rows = self.db.query(self._SELECT + f" WHERE id IN ({ph})", {f"i{n}": int(i) for n, i in enumerate(ids)})
        return [self._article(r) for r in rows]

    def by_source_keys(self, keys: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            ph = ", ".join(f":k{n}" for n in range(len(part)))
            for r in self.db.query(f"SELECT id, source_key FROM kb_articles WHERE source_key IN ({ph})",
                                   {f"k{n}": k for n, k in enumerate(part)}):
                out[r["source_key"]] = int(r["id"])
        return out

    def all(self):
        last = 0
        while True:
            rows = self.db.query(self._SELECT + " WHERE id > :last ORDER BY id LIMIT 1000", {"last": last})
            if not rows:
                return
            for r in rows:
                yield self._article(r)
            last = int(rows[-1]["id"])

    # -- versions --------------------------------------------------------------------------
    def add_version(self, v: ArticleVersion) -> None:
        self.db.execute(
            "INSERT INTO kb_versions (article_id, version, action, at, actor, snapshot) VALUES (:a, :v, :act, :at, :by, :s)",
            {"a": v.article_id, "v": v.version, "act": v.action, "at": self.db.ts(v.at), "by": v.actor,
             "s": json.dumps(v.article.snapshot(), ensure_ascii=False)})

    def versions(self, article_id: int) -> list[ArticleVersion]:
        rows = self.db.query("SELECT * FROM kb_versions WHERE article_id = :a ORDER BY version", {"a": int(article_id)})
        return [ArticleVersion(int(r["article_id"]), int(r["version"]), r["action"], from_ts(r["at"]), r["actor"],
                               article_from_snapshot(json.loads(r["snapshot"]))) for r in rows]

    # -- index -----------------------------------------------------------------------------
    def _bump(self, key: str, by: int = 1) -> int:
        return int(self.db.query_row("UPDATE kb_meta SET value = value + :n WHERE key = :k RETURNING value",
                                     {"n": by, "k": key})["value"])

    def _vocab_upsert(self, deltas: dict[str, tuple[int, int]], seq: int) -> None:
        if not deltas:
            return
        # A term's pinyin is a pure function of the term (cached), and an existing row keeps
        # the pinyin it was stored with (the upsert does not touch ``py``), so there is no
        # need to look the known ones up first.
        rows = [(t, d, k, term_pinyin(t), seq) for t, (d, k) in sorted(deltas.items())]
        if self.db.dialect == "postgres" and len(rows) > 2000:
            # Large imports: COPY into a scratch table and merge in one statement (psycopg's
            # executemany is a round trip per row).
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS kb_vocab_load (term TEXT COLLATE \"C\", df INTEGER, "
                            "kdf INTEGER, py TEXT, seq BIGINT) ON COMMIT DELETE ROWS")
            self.db.copy_rows("kb_vocab_load", ("term", "df", "kdf", "py", "seq"), rows)
            self.db.execute("INSERT INTO kb_vocab (term, df, kdf, py, seq) SELECT term, df, kdf, py, seq "
                            "FROM kb_vocab_load ORDER BY term ON CONFLICT (term) DO UPDATE SET "
                            "df = kb_vocab.df + excluded.df, kdf = kb_vocab.kdf + excluded.kdf, seq = excluded.seq")
            self.db.execute("DELETE FROM kb_vocab_load")
            return
        self.db.executemany(
            "INSERT INTO kb_vocab (term, df, kdf, py, seq) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (term) DO UPDATE SET df = kb_vocab.df + excluded.df, kdf = kb_vocab.kdf + excluded.kdf, "
            "seq = excluded.seq", rows)

    def index(self, article_id: int, terms: dict[str, int], keywords: set[str], published: bool) -> None:
        with self.db.tx():
            row = self.db.query_one("SELECT terms, indexed_pub FROM kb_articles WHERE id = :id", {"id": article_id})
            if row is None:
                raise NotFound(f"no article {article_id}")
            old, old_kw = _unblob(row["terms"])
            old_pub, pub = int(row["indexed_pub"]), int(published)
            gone = [(t, old_pub, w, article_id) for t, w in old.items() if old_pub != pub or terms.get(t) != w]
            new = [(t, pub, w, article_id) for t, w in terms.items() if old_pub != pub or old.get(t) != w]
            if gone:
                self.db.executemany("DELETE FROM kb_terms WHERE term = ? AND pub = ? AND weight = ? AND article_id = ?", gone)
            if new:
                self.db.executemany("INSERT INTO kb_terms (term, pub, weight, article_id) VALUES (?, ?, ?, ?)", new)
            # The vocabulary counts an article for each term it holds as a posting or a keyword.
            deltas = {}
            for t in old.keys() | old_kw | terms.keys() | keywords:
                d = ((t in terms or t in keywords) - (t in old or t in old_kw), (t in keywords) - (t in old_kw))
                if d != (0, 0):
                    deltas[t] = d
            seq = self._bump("seq")
            self._vocab_upsert(deltas, seq)
            if not row["terms"] and terms:
                self._bump("articles")
            self.db.execute("UPDATE kb_articles SET terms = :b, indexed_pub = :p WHERE id = :id",
                            {"b": _blob(terms, keywords), "p": pub, "id": article_id})

    def bulk_add(self, rows, action: str, actor: str, at: datetime) -> list[int]:
        if not rows:
            return []
        with self.db.tx():
            n = len(rows)
            if self.db.dialect == "postgres":
                ids = [int(r["id"]) for r in self.db.query(
                    "SELECT nextval(pg_get_serial_sequence('kb_articles', 'id')) AS id FROM generate_series(1, :n)",
                    {"n": n})]
            else:
                first = int(self.db.query_row("SELECT COALESCE(MAX(id), 0) AS m FROM kb_articles")["m"]) + 1
                first = max(first, int((self.db.query_one(
                    "SELECT seq FROM sqlite_sequence WHERE name = 'kb_articles'") or {"seq": 0})["seq"]) + 1)
                ids = list(range(first, first + n))
            # ~100 postings per article: everything per posting is a C-level call (zip,
            # Counter), the Python loop runs per article.
            art_rows: list[tuple] = []
            ver_rows: list[tuple] = []
            postings: list[tuple] = []
            df: Counter[str] = Counter()
            kdf: Counter[str] = Counter()
            ts = self.db.ts(at)
            for aid, (a, terms, keywords) in zip(ids, rows):
                a.id = aid
                p = self._params(a)
                pub = int(a.status == "published")
                art_rows.append((aid, *(p[c] for c in _COLS), _blob(terms, keywords), pub))
                ver_rows.append((aid, a.version, action, ts, actor, json.dumps(a.snapshot(), ensure_ascii=False)))
                postings += zip(terms, repeat(pub), terms.values(), repeat(aid))
                df.update(terms.keys() | keywords)
                kdf.update(keywords)
            self.db.copy_rows("kb_articles", ("id", *_COLS, "terms", "indexed_pub"), art_rows)
            self.db.copy_rows("kb_versions", ("article_id", "version", "action", "at", "actor", "snapshot"), ver_rows)
            del art_rows, ver_rows
            if self.db.dialect == "postgres":
                self._load_postings_pg(postings)
            else:
                self._load_postings_sqlite(postings)
            del postings
            seq = self._bump("seq")
            self._vocab_upsert({t: (d, kdf[t]) for t, d in df.items()}, seq)
            self._bump("articles", n)
            return ids

    def replace_index(self, rows) -> int:
        with self.db.tx():
            seq = self._bump("seq")
            # Every vocabulary row changes (other processes reload them all); counts restart.
            self.db.execute("TRUNCATE kb_terms" if self.db.dialect == "postgres" else "DELETE FROM kb_terms")
            self.db.execute("UPDATE kb_vocab SET df = 0, kdf = 0, seq = :s", {"s": seq})
            self.db.execute("UPDATE kb_meta SET value = 0 WHERE key = 'articles'")
            postings: list[tuple] = []
            blobs: list[tuple] = []
            df: Counter[str] = Counter()
            kdf: Counter[str] = Counter()
            for aid, terms, keywords, published in rows:
                pub = int(published)
                postings += zip(terms, repeat(pub), terms.values(), repeat(aid))
                df.update(terms.keys() | keywords)
                kdf.update(keywords)
                blobs.append((_blob(terms, keywords), pub, aid))
            self.db.executemany("UPDATE kb_articles SET terms = ?, indexed_pub = ? WHERE id = ?", blobs)
            if self.db.dialect == "postgres":
                self._load_postings_pg(postings)
            else:
                self._load_postings_sqlite(postings)
            self._vocab_upsert({t: (d, kdf[t]) for t, d in df.items()}, seq)
            self.db.execute("UPDATE kb_meta SET value = :n WHERE key = 'articles'", {"n": len(blobs)})
            return len(blobs)

    def _load_postings_sqlite(self, postings: list[tuple]) -> None:
        # Sorted in SQL so the clustered key is filled in order (much faster than random),
        # with a larger page cache for the load only.
        size = self.db.query_row("PRAGMA cache_size")["cache_size"]
        self.db.execute("PRAGMA cache_size = -262144")
        try:
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS kb_terms_load (term TEXT, pub INTEGER, "
                            "weight INTEGER, article_id INTEGER)")
            self.db.copy_rows("kb_terms_load", ("term", "pub", "weight", "article_id"), postings)
            self.db.execute("INSERT INTO kb_terms SELECT term, pub, weight, article_id FROM kb_terms_load "
                            "ORDER BY term, pub, weight, article_id")
            self.db.execute("DELETE FROM kb_terms_load")
        finally:
            self.db.execute(f"PRAGMA cache_size = {int(size)}")

    def _load_postings_pg(self, postings: list[tuple]) -> None:
        # Into an empty (or small) index: drop the key, COPY, build it again (one sort, ~2x
        # faster than index insertions). Into a big one, COPY straight in, grouped by term so
        # the key's B-tree is walked once in order instead of at random (measured 20,000
        # articles into 80,000: 4.3-6.3 s against 9.3 s unsorted; a rebuild, which re-sorts
        # everything already there, and a sorted INSERT … SELECT from a scratch table were
        # slower still). Inside the transaction, so an error leaves the old index as it was.
        existing = int(self.db.query_row("SELECT value FROM kb_meta WHERE key = 'articles'")["value"])
        cols = ("term", "pub", "weight", "article_id")
        if len(postings) > 200_000 and existing * 150 < len(postings):
            self.db.execute("SET LOCAL maintenance_work_mem = '256MB'")
            self.db.execute("ALTER TABLE kb_terms DROP CONSTRAINT kb_terms_pkey")
            self.db.copy_rows("kb_terms", cols, postings)
            self.db.execute("ALTER TABLE kb_terms ADD CONSTRAINT kb_terms_pkey PRIMARY KEY (term, pub, weight, article_id)")
            # Statistics for the planner once the table has its first real contents; after
            # that a load changes the shape of the data little and autovacuum re-analyses.
            self.db.execute("ANALYZE kb_terms")
        else:
            postings.sort(key=itemgetter(0))          # stable: by term, then as generated
            self.db.copy_rows("kb_terms", cols, postings)

    def tidy_index(self) -> None:
        self.db.vacuum_analyze("kb_terms")

    def candidates(self, terms: dict[str, int], *, published_only: bool, per_term: int, limit: int) -> list[tuple[int, int]]:
        if not terms:
            return []
        pub = "pub = 1" if published_only else "pub IN (0, 1)"
        parts: list[str] = []
        p: dict[str, Any] = {"cap": per_term, "lim": limit}
        for i, (t, w) in enumerate(sorted(terms.items())):
            parts.append(f"SELECT * FROM (SELECT article_id, weight * :w{i} AS s FROM kb_terms WHERE term = :t{i} "
                         f"AND {pub} ORDER BY weight DESC, article_id DESC LIMIT :cap) AS q{i}")
            p[f"t{i}"], p[f"w{i}"] = t, int(w)
        sql = (f"SELECT article_id, CAST(SUM(s) AS BIGINT) AS score FROM ({' UNION ALL '.join(parts)}) AS u "
               "GROUP BY article_id ORDER BY score DESC, article_id DESC LIMIT :lim")
        return [(int(r["article_id"]), int(r["score"])) for r in self.db.query(sql, p)]

    def vocab_since(self, seq: int) -> tuple[list[VocabRow], int, int]:
        meta = {r["key"]: int(r["value"]) for r in self.db.query("SELECT key, value FROM kb_meta")}
        # Tuples, not dicts: the whole vocabulary is read at every process start (~9,000 rows for
        # the demo site; docs/benchmarks.md, "Process start").
        rows = self.db.query_tuples("SELECT term, df, kdf, py, seq FROM kb_vocab WHERE seq > :s", {"s": seq})
        return ([VocabRow(term, int(df), int(kdf), py, int(s)) for term, df, kdf, py, s in rows],
                meta.get("articles", 0), meta.get("seq", 0))

    # -- unanswered questions ----------------------------------------------------------------
    def _question(self, r) -> Unanswered:
        return Unanswered(int(r["id"]), r["text"], r["source"], from_ts(r["asked_at"]), r["asked_by"], int(r["count"]),
                          r["status"], int(r["article_id"]) if r["article_id"] is not None else None, from_ts(r["last_at"]))

    def record_question(self, key: str, text: str, source: str, at: datetime, by: str) -> Unanswered:
        row = self.db.query_row(
            "INSERT INTO kb_questions (qkey, text, source, asked_at, asked_by, last_at, count, status) "
            "VALUES (:k, :t, :s, :at, :by, :at, 1, 'open') ON CONFLICT (qkey) DO UPDATE SET "
            "count = kb_questions.count + 1, last_at = excluded.last_at, "
            "source = CASE WHEN excluded.source = 'flag' THEN 'flag' ELSE kb_questions.source END, "
            "status = CASE WHEN kb_questions.status = 'answered' THEN 'open' ELSE kb_questions.status END RETURNING id",
            {"k": key, "t": text, "s": source, "at": self.db.ts(at), "by": by})
        return self._question(self.db.query_row("SELECT * FROM kb_questions WHERE id = :id", {"id": int(row["id"])}))

    def questions(self, status: str | None = "open", limit: int = 200) -> list[Unanswered]:
        where = ""
        p: dict[str, Any] = {"n": limit}
        if status:
            where, p["st"] = "WHERE status = :st", status
        return [self._question(r) for r in self.db.query(
            f"SELECT * FROM kb_questions {where} ORDER BY count DESC, last_at DESC, id DESC LIMIT :n", p)]

    def question(self, qid: int) -> Unanswered | None:
        r = self.db.query_one("SELECT * FROM kb_questions WHERE id = :id", {"id": qid})
        return self._question(r) if r else None

    def close_question(self, qid: int, status: str, article_id: int | None) -> None:
        self.db.execute("UPDATE kb_questions SET status = :st, article_id = :a WHERE id = :id",
                        {"st": status, "a": article_id, "id": qid})

    # -- suggested similar questions ----------------------------------------------------------
    def learn_cursor(self) -> int:
        r = self.db.query_one("SELECT value FROM kb_meta WHERE key = 'learn_cursor'")
        return int(r["value"]) if r else 0

    def set_learn_cursor(self, value: int) -> None:
        self.db.execute("UPDATE kb_meta SET value = :v WHERE key = 'learn_cursor'", {"v": int(value)})

    def add_suggestion(self, s: Suggestion, key: str) -> bool:
        n = self.db.execute(
            "INSERT INTO kb_suggestions (article_id, qkey, text, source, found_at, status) "
            "VALUES (:a, :k, :t, :src, :at, 'open') ON CONFLICT (article_id, qkey) DO NOTHING",
            {"a": s.article_id, "k": key, "t": s.text, "src": s.source, "at": self.db.ts(s.found_at)})
        return n == 1

    @staticmethod
    def _suggestion(r) -> Suggestion:
        return Suggestion(int(r["id"]), int(r["article_id"]), r["text"], r["source"], from_ts(r["found_at"]),
                          r["status"], r["decided_by"], from_ts(r["decided_at"]) if r["decided_at"] else None)

    def suggestions(self, status: str | None = "open", limit: int = 200) -> list[Suggestion]:
        where, p = "", {"n": int(limit), "st": status or ""}
        if status:
            where = "WHERE status = :st"
        return [self._suggestion(r) for r in self.db.query(
            f"SELECT * FROM kb_suggestions {where} ORDER BY id LIMIT :n", p)]

    def suggestion(self, sid: int) -> Suggestion | None:
        r = self.db.query_one("SELECT * FROM kb_suggestions WHERE id = :id", {"id": int(sid)})
        return self._suggestion(r) if r else None

    def decide_suggestion(self, sid: int, status: str, by: str, at: datetime) -> None:
        self.db.execute("UPDATE kb_suggestions SET status = :st, decided_by = :by, decided_at = :at WHERE id = :id",
                        {"st": status, "by": by, "at": self.db.ts(at), "id": int(sid)})
