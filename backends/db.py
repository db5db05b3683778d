"""One small database handle for both stores, so most SQL is written once.

``Db.execute``/``query`` take SQL with ``:name`` (or ``?``) placeholders and a dict (or
sequence); the PostgreSQL handle rewrites them to psycopg's ``%(name)s``/``%s``. Values always
travel as parameters, never spliced into SQL. Rows come back as dicts.

``with db.tx():`` is one transaction. A nested ``tx()`` joins the outer one; on PostgreSQL it
is also a savepoint (two more round trips), so keep single statements out of ``tx()``: outside
a transaction a PostgreSQL statement commits on its own, atomically. A handle is shared by
threads (Textual workers); a lock serialises use, which both drivers need anyway.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Literal, Mapping, Sequence

Params = Mapping[str, Any] | Sequence[Any] | None
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


class Db:
    dialect: Literal["sqlite", "postgres"]
    lock: threading.RLock

    def execute(self, sql: str, params: Params = None) -> int:
        """Run one statement; return the number of rows it changed. Blocks."""
        raise NotImplementedError

    def query(self, sql: str, params: Params = None) -> list[dict[str, Any]]:
        """Run a query; return every row as a dict. Blocks."""
        raise NotImplementedError

    def query_one(self, sql: str, params: Params = None) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def insert_returning_id(self, sql: str, params: Params = None) -> int:
        """Run an INSERT on a table with an integer ``id`` key; return the new id. Blocks."""
        raise NotImplementedError

    def executescript(self, script: str) -> None:
        """Run several statements (DDL) inside the current transaction. Blocks."""
        raise NotImplementedError

    def executemany(self, sql: str, rows: list) -> None:
        """Run one statement for many parameter sets (bulk loads). Blocks."""
        raise NotImplementedError

    def copy_rows(self, table: str, columns: Sequence[str], rows) -> int:
        """Append many rows (tuples in ``columns`` order, any iterable) to ``table`` as fast as
        the driver allows: ``COPY … FROM STDIN`` on PostgreSQL, ``executemany`` on SQLite. Joins
        the current transaction; returns the number of rows. ``table`` and ``columns`` are
        identifiers written in code (checked), never data. Blocks."""
        cols = _identifiers(table, columns)
        rows = rows if isinstance(rows, list) else list(rows)
        if rows:
            self.executemany(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(columns))})", rows)
        return len(rows)

    def vacuum_analyze(self, table: str) -> bool:
        """After a bulk load: PostgreSQL ``VACUUM (ANALYZE) table`` — planner statistics, and
        the visibility map that lets index-only scans skip the heap — when no transaction is
        open (VACUUM cannot run inside one); returns whether it ran. SQLite needs neither:
        returns False. Blocks."""
        _identifiers(table, ())
        return False

    def tx(self):  # pragma: no cover - interface
        raise NotImplementedError

    def ts(self, dt):
        """A datetime as this dialect stores it: SQLite keeps ISO-8601 text in the site's zone
        (one fixed offset, so text order is time order); PostgreSQL takes timestamptz."""
        if dt is None:
            return None
        from hotline_tui.clock import SITE_TZ

        return dt.astimezone(SITE_TZ).isoformat() if self.dialect == "sqlite" else dt

    def close(self) -> None:
        raise NotImplementedError

    @property
    def describe(self) -> str:
        raise NotImplementedError


class SqliteDb(Db):
    dialect = "sqlite"

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves so DDL is transactional too.
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA busy_timeout=30000")
        # What sqlite_utils.Database(conn) used to set here (nothing used the rest of it, and its
        # import cost ~90 ms per process: docs/benchmarks.md, "Process start").
        self.conn.execute("PRAGMA recursive_triggers=ON")
        self.lock = threading.RLock()
        self._depth = 0

    @contextmanager
    def tx(self) -> Iterator["SqliteDb"]:
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._depth = 0
                self.conn.execute("ROLLBACK")
                raise
            self._depth = 0
            self.conn.execute("COMMIT")

    def execute(self, sql: str, params: Params = None) -> int:
        with self.lock:
            return self.conn.execute(sql, params or ()).rowcount

    def query(self, sql: str, params: Params = None) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(r) for r in self.conn.execute(sql, params or ()).fetchall()]

    def insert_returning_id(self, sql: str, params: Params = None) -> int:
        with self.lock:
            return int(self.conn.execute(sql, params or ()).lastrowid)

    def executescript(self, script: str) -> None:
        with self.lock:
            for stmt in _split_sql(script):
                self.conn.execute(stmt)

    def executemany(self, sql: str, rows: list) -> None:
        with self.lock:
            self.conn.executemany(sql, rows)

    def close(self) -> None:
        self.conn.close()

    @property
    def describe(self) -> str:
        return f"sqlite:{self.path}"


class PostgresDb(Db):
    dialect = "postgres"

    def __init__(self, dsn: str):
        import psycopg
        from psycopg.rows import dict_row

        self.dsn = dsn
        self.conn = psycopg.connect(dsn, autocommit=True, row_factory=dict_row)
        self.lock = threading.RLock()

    @staticmethod
    def _sql(sql: str, params: Params) -> str:
        if params is None:
            return sql
        return _to_psycopg(sql, isinstance(params, Mapping))

    @contextmanager
    def tx(self) -> Iterator["PostgresDb"]:
        with self.lock, self.conn.transaction():
            yield self

    def execute(self, sql: str, params: Params = None) -> int:
        with self.lock:
            return self.conn.execute(self._sql(sql, params), params).rowcount

    def query(self, sql: str, params: Params = None) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.conn.execute(self._sql(sql, params), params).fetchall())

    def insert_returning_id(self, sql: str, params: Params = None) -> int:
        with self.lock:
            row = self.conn.execute(self._sql(sql + " RETURNING id", params), params).fetchone()
            return int(row["id"])

    def executescript(self, script: str) -> None:
        with self.lock:
            for stmt in _split_sql(script):
                self.conn.execute(stmt)

    def executemany(self, sql: str, rows: list) -> None:
        if not rows:
            return
        with self.lock, self.conn.cursor() as cur:
            cur.executemany(self._sql(sql, rows[0]), rows)

    def vacuum_analyze(self, table: str) -> bool:
        from psycopg.pq import TransactionStatus

        _identifiers(table, ())
        with self.lock:
            if self.conn.info.transaction_status != TransactionStatus.IDLE:
                return False
            self.conn.execute(f"VACUUM (ANALYZE) {table}")
            return True

    def copy_rows(self, table: str, columns: Sequence[str], rows) -> int:
        cols = _identifiers(table, columns)
        n = 0
        # write_row (psycopg's C copy support) measured ~2x faster than formatting the COPY
        # text in Python and writing it in blocks.
        with self.lock, self.conn.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
            write = cp.write_row
            for row in rows:
                write(row)
                n += 1
        return n

    def close(self) -> None:
        self.conn.close()

    @property
    def describe(self) -> str:
        info = self.conn.info
        return f"postgresql://{info.user}@{info.host}:{info.port}/{info.dbname}"


@lru_cache(maxsize=1024)
def _to_psycopg(sql: str, named: bool) -> str:
    # Cached: the same few statements run over and over, and the rewrite costs more than
    # a registration's own Python work (psycopg keys its prepared statements on the result).
    sql = sql.replace("%", "%%")
    if named:
        return _NAMED.sub(r"%(\1)s", sql)
    return sql.replace("?", "%s")


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _identifiers(table: str, columns: Sequence[str]) -> str:
    for name in (table, *columns):
        if not _IDENT.fullmatch(name):
            raise ValueError(f"not an SQL identifier: {name!r}")
    return ", ".join(columns)


def from_ts(value):
    """Back from ``Db.ts``: an aware datetime in the site's zone (None stays None)."""
    if value is None:
        return None
    from datetime import datetime

    from hotline_tui.clock import SITE_TZ

    if not isinstance(value, datetime):
        value = datetime.fromisoformat(value)
    return value.astimezone(SITE_TZ)


def _split_sql(script: str) -> list[str]:
    """Split a DDL script on ';' at line ends (our migration files keep one statement per
    ';'-terminated block; no procedural bodies)."""
    return [s.strip() for s in re.split(r";\s*(?:\n|$)", script) if s.strip() and not _only_comments(s)]


def _only_comments(s: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in s.splitlines())


def open_db(target: str) -> Db:
    """Open ``target``: a ``postgresql://`` / ``postgres://`` DSN, or a SQLite file path.

    Raises HotlineError with one line if the database cannot be reached.
    """
    from hotline_tui.errors import HotlineError

    if target.startswith(("postgresql://", "postgres://")):
        try:
            return PostgresDb(target)
        except Exception as exc:  # psycopg.OperationalError and friends
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise HotlineError(f"cannot connect to PostgreSQL: {first}") from None
    try:
        return SqliteDb(target)
    except sqlite3.Error as exc:
        raise HotlineError(f"cannot open SQLite database {target}: {exc}") from None
