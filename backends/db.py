"""One small database handle for both stores, so most SQL is written once.

``Db.execute``/``query`` take SQL with ``:name`` (or ``?``) placeholders and a dict (or
sequence); the PostgreSQL handle rewrites them to psycopg's ``%(name)s``/``%s``. Values always
travel as parameters, never spliced into SQL. Rows come back as dicts.

``with db.tx():`` is one transaction. A nested ``tx()`` joins the outer one; on PostgreSQL it
is also a savepoint (two more round trips), so keep single statements out of ``tx()``: outside
a transaction a PostgreSQL statement commits on its own, atomically. A handle is shared by
threads (Textual workers); a lock serialises use, which both drivers need anyway.

Errors: this module is the one place that sees the drivers' exceptions. Every driver call
(connect, execute, query, copy, BEGIN/COMMIT/ROLLBACK, VACUUM, close) runs inside
``with self._errors:``, which turns any ``sqlite3.Error`` or ``psycopg.Error`` into a typed
``hotline_tui.errors.StoreError`` (``StoreUnavailable``, ``StoreBusy``, ``IntegrityViolation``,
``DataRejected``, or the base for the rest), one line that names the store, with the driver's
exception as ``__cause__`` — as httpx maps transport errors in one context manager. PostgreSQL
errors are classified by SQLSTATE class, SQLite errors by their (extended) result code.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any, Iterator, Literal, Mapping, Sequence

from hotline_tui.errors import DataRejected, IntegrityViolation, StoreBusy, StoreError, StoreUnavailable

Params = Mapping[str, Any] | Sequence[Any] | None
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")

#: How long a SQLite call waits for another connection's write lock before StoreBusy.
SQLITE_BUSY_TIMEOUT_S = 30.0
#: How long connecting to PostgreSQL may take before StoreUnavailable, unless the DSN (or
#: $PGCONNECT_TIMEOUT) says otherwise; without one libpq waits for the OS (minutes).
PG_CONNECT_TIMEOUT_S = 10
#: After the PostgreSQL connection is lost, the handle reconnects on its next use (issue 21: a
#: multi-host DSN reaches the new primary); while the server stays away, tries are spaced from
#: the first delay, doubling up to the last, and a call in between fails at once.
PG_RECONNECT_BACKOFF_S = (0.25, 2.0)


class _DriverErrors:
    """The choke point: ``with db._errors:`` around a driver call re-raises any driver exception
    as the typed StoreError its handle's ``_translate`` picks, chained to the original. Holds no
    state, so one instance serves every thread and nested use."""

    __slots__ = ("db",)

    def __init__(self, db: "Db"):
        self.db = db

    def __enter__(self) -> None:
        return None

    def __exit__(self, et: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> Literal[False]:
        if exc is not None and not isinstance(exc, StoreError) and isinstance(exc, self.db._driver_errors):
            raise self.db._translate(exc) from exc
        return False


class Db:
    """A database handle. Every method blocks, and raises a ``StoreError`` subclass (never a
    driver's exception) when the database fails: ``StoreUnavailable`` (cannot connect, connection
    lost, handle closed, file unusable, disk failure), ``StoreBusy`` (locked, timed out, deadlock
    or serialization failure: try again), ``IntegrityViolation`` (unique, foreign key, check,
    not-null, a refusing trigger), ``DataRejected`` (a value the database refuses)."""

    dialect: Literal["sqlite", "postgres"]
    lock: threading.RLock
    #: The driver's exception classes that ``_errors`` translates.
    _driver_errors: tuple[type[BaseException], ...] = ()
    #: Names the store in error messages and ``describe`` (never a password).
    _where: str = "store"

    _errors: _DriverErrors

    def _translate(self, exc: BaseException) -> StoreError:
        """The typed error for one driver exception (see the subclasses)."""
        return StoreError(self._where, str(exc))

    def execute(self, sql: str, params: Params = None) -> int:
        """Run one statement; return the number of rows it changed. Blocks."""
        raise NotImplementedError

    def query(self, sql: str, params: Params = None) -> list[dict[str, Any]]:
        """Run a query; return every row as a dict. Blocks."""
        raise NotImplementedError

    def query_tuples(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        """Run a query; return every row as a tuple in the order of its SELECT list (for big
        reads where a dict per row costs more than the query: the kb vocabulary, ~9,000 rows at
        every process start). Raises StoreError like ``query``. Blocks."""
        raise NotImplementedError

    def query_one(self, sql: str, params: Params = None) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def query_row(self, sql: str, params: Params = None) -> dict[str, Any]:
        """Run a statement that always gives a row (an aggregate, ``RETURNING``, an upsert);
        return its first row. Raises LookupError when it gave none (a bug in the SQL, not
        data). Blocks."""
        rows = self.query(sql, params)
        if not rows:
            raise LookupError(f"statement returned no row: {sql[:60]}")
        return rows[0]

    def insert_returning_id(self, sql: str, params: Params = None) -> int:
        """Run an INSERT on a table with an integer ``id`` key; return the new id. Blocks."""
        raise NotImplementedError

    def executescript(self, script: str) -> None:
        """Run several statements (DDL) inside the current transaction. Blocks."""
        raise NotImplementedError

    def errors(self) -> "_DriverErrors":
        """The choke point for a driver call made outside this class (a listening
        connection's ``notifies``): ``with db.errors():`` raises the typed StoreError."""
        return self._errors

    def listen(self, channel: str):
        """A separate connection that LISTENs on ``channel`` (PostgreSQL only; it has
        ``notifies(timeout=, stop_after=)`` and ``close()``). Raises StoreUnavailable when the
        server cannot be reached, NotImplementedError on SQLite. Blocks."""
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
        """Where the store is, without secrets: ``sqlite:PATH`` or ``postgresql://user@host:port/db``."""
        return self._where


class SqliteDb(Db):
    dialect = "sqlite"

    def __init__(self, path: str | Path, *, busy_timeout_s: float | None = None):
        """Open (creating it and its folder if need be) the SQLite file at ``path``.

        Raises StoreUnavailable when the file or its folder cannot be created or opened, or is
        not a database; StoreBusy when another connection holds it locked past the busy timeout
        (``busy_timeout_s``, default ``SQLITE_BUSY_TIMEOUT_S``). Blocks."""
        self.path = str(path)
        self._where = f"sqlite:{self.path}"
        self._driver_errors = (sqlite3.Error, OverflowError)
        self._errors = _DriverErrors(self)
        self.lock = threading.RLock()
        self._depth = 0
        timeout = SQLITE_BUSY_TIMEOUT_S if busy_timeout_s is None else busy_timeout_s
        if self.path != ":memory:":
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreUnavailable(self._where, f"cannot create its folder: {exc.strerror or exc}") from exc
        with self._errors:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves so DDL is transactional too.
            self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=timeout)
            try:
                self.conn.row_factory = sqlite3.Row
                self.conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
                self.conn.execute("PRAGMA foreign_keys=ON")
                # What sqlite_utils.Database(conn) used to set here (nothing used the rest of it,
                # and its import cost ~90 ms per process: docs/benchmarks.md, "Process start").
                self.conn.execute("PRAGMA recursive_triggers=ON")
            except BaseException:
                self.conn.close()
                raise

    def _translate(self, exc: BaseException) -> StoreError:
        return _sqlite_error(exc, self._where)

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
            with self._errors:
                self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._depth = 0
                self._rollback()
                raise
            self._depth = 0
            try:
                with self._errors:
                    self.conn.execute("COMMIT")
            except StoreError:
                self._rollback()     # a failed COMMIT leaves the transaction open
                raise

    def _rollback(self) -> None:
        # After some errors (disk full, I/O, a busy statement) SQLite has already rolled the
        # transaction back; and if ROLLBACK itself fails, the error that brought us here is the
        # one to report.
        try:
            with self._errors:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
        except StoreError:
            pass

    def execute(self, sql: str, params: Params = None) -> int:
        with self.lock, self._errors:
            return self.conn.execute(sql, params or ()).rowcount

    def query(self, sql: str, params: Params = None) -> list[dict[str, Any]]:
        with self.lock, self._errors:
            return [dict(r) for r in self.conn.execute(sql, params or ()).fetchall()]

    def query_tuples(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        with self.lock, self._errors:
            cur = self.conn.cursor()
            cur.row_factory = None       # plain tuples (the connection's factory makes sqlite3.Row)
            try:
                return cur.execute(sql, params or ()).fetchall()
            finally:
                cur.close()

    def insert_returning_id(self, sql: str, params: Params = None) -> int:
        with self.lock, self._errors:
            new_id = self.conn.execute(sql, params or ()).lastrowid
        if new_id is None:
            raise StoreError(self._where, "the INSERT returned no id")
        return int(new_id)

    def executescript(self, script: str) -> None:
        with self.lock, self._errors:
            for stmt in _split_sql(script):
                self.conn.execute(stmt)

    def executemany(self, sql: str, rows: list) -> None:
        with self.lock, self._errors:
            self.conn.executemany(sql, rows)

    def close(self) -> None:
        with self.lock, self._errors:
            self.conn.close()


class PostgresDb(Db):
    """One PostgreSQL connection. When it is lost (server restarted, failover, network) the
    call that meets the loss raises StoreUnavailable and the next call outside a transaction
    reconnects — with a multi-host DSN (``host=a,b target_session_attrs=read-write``) libpq
    picks the host that is primary now. Nothing is re-run on its own: a statement cut off by the
    loss may or may not have committed, and only its caller knows whether repeating it is safe.
    ``reconnects`` counts the reconnections, ``lost_at`` is the ``time.time()`` of the loss
    while reconnecting fails (None when connected)."""

    def listen(self, channel: str):
        import psycopg
        from psycopg import sql

        with self._errors:
            conn = psycopg.connect(self.dsn, autocommit=True, **self._connect_extra)
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        return conn
    dialect = "postgres"

    def __init__(self, dsn: str):
        """Connect to the PostgreSQL server named by ``dsn`` (a URL or ``key=value`` string).

        Raises StoreUnavailable when the DSN is malformed or the server cannot be reached, refuses
        the login or has no such database (within the DSN's ``connect_timeout``, default
        ``PG_CONNECT_TIMEOUT_S``). Blocks."""
        import psycopg
        from psycopg.rows import dict_row

        self.dsn = dsn
        self._driver_errors = (psycopg.Error,)
        self._errors = _DriverErrors(self)
        self.lock = threading.RLock()
        self._where = "postgresql"
        try:
            params = psycopg.conninfo.conninfo_to_dict(dsn)
        except psycopg.Error as exc:
            # The message may quote the DSN, password and all: keep only what is safe to show.
            raise StoreUnavailable(self._where, "not a valid PostgreSQL connection string") from exc
        self._where = _pg_where(params.get("user"), params.get("host"), params.get("port"), params.get("dbname"))
        extra: dict[str, Any] = {}
        if "connect_timeout" not in params and not os.environ.get("PGCONNECT_TIMEOUT"):
            extra["connect_timeout"] = PG_CONNECT_TIMEOUT_S
        self._connect_extra = extra
        self._depth = 0                 # tx() nesting: never reconnect inside a transaction
        self._closed = False
        self.reconnects = 0
        self.lost_at: float | None = None
        self._next_try = 0.0
        self._backoff = PG_RECONNECT_BACKOFF_S[0]
        with self._errors:
            self.conn = psycopg.connect(dsn, autocommit=True, row_factory=dict_row, **extra)
        self._name_server()

    def _name_server(self) -> None:
        info = self.conn.info
        self._where = _pg_where(info.user, info.host, info.port, info.dbname)

    def _use(self):
        """The connection, reconnected first if it was lost and no transaction is open. Call
        with the lock held and inside ``self._errors``. Raises StoreUnavailable. Blocks."""
        conn = self.conn
        if self._closed or self._depth or not (conn.broken or conn.closed):
            return conn
        import time

        import psycopg
        from psycopg.rows import dict_row

        now = time.monotonic()
        if self.lost_at is None:
            self.lost_at = time.time()
        if now < self._next_try:
            raise StoreUnavailable(self._where, "connection lost; reconnecting")
        try:
            self.conn = psycopg.connect(self.dsn, autocommit=True, row_factory=dict_row, **self._connect_extra)
        except psycopg.Error:
            self._next_try = time.monotonic() + self._backoff
            self._backoff = min(self._backoff * 2, PG_RECONNECT_BACKOFF_S[1])
            raise
        self._backoff, self._next_try, self.lost_at = PG_RECONNECT_BACKOFF_S[0], 0.0, None
        self.reconnects += 1
        self._name_server()
        return self.conn

    def _translate(self, exc: BaseException) -> StoreError:
        return _pg_error(exc, self._where)

    @staticmethod
    def _sql(sql: str, params: Params) -> str:
        if params is None:
            return sql
        return _to_psycopg(sql, isinstance(params, Mapping))

    @contextmanager
    def tx(self) -> Iterator["PostgresDb"]:
        # _errors outside transaction(): a failing BEGIN, COMMIT or ROLLBACK is translated too.
        with self.lock, self._errors:
            conn = self._use()
            self._depth += 1
            try:
                with conn.transaction():
                    yield self
            finally:
                self._depth -= 1

    def execute(self, sql: str, params: Params = None) -> int:
        with self.lock, self._errors:
            return self._use().execute(self._sql(sql, params), params).rowcount

    def query(self, sql: str, params: Params = None) -> list[dict[str, Any]]:
        with self.lock, self._errors:
            return list(self._use().execute(self._sql(sql, params), params).fetchall())

    def query_tuples(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        from psycopg.rows import tuple_row

        with self.lock, self._errors, self._use().cursor(row_factory=tuple_row) as cur:
            return cur.execute(self._sql(sql, params), params).fetchall()

    def insert_returning_id(self, sql: str, params: Params = None) -> int:
        with self.lock, self._errors:
            row = self._use().execute(self._sql(sql + " RETURNING id", params), params).fetchone()
        if row is None:
            raise StoreError(self._where, "the INSERT returned no id")
        return int(row["id"])

    def executescript(self, script: str) -> None:
        with self.lock, self._errors:
            conn = self._use()
            for stmt in _split_sql(script):
                conn.execute(stmt)

    def executemany(self, sql: str, rows: list) -> None:
        if not rows:
            return
        with self.lock, self._errors, self._use().cursor() as cur:
            cur.executemany(self._sql(sql, rows[0]), rows)

    def vacuum_analyze(self, table: str) -> bool:
        from psycopg.pq import TransactionStatus

        _identifiers(table, ())
        with self.lock, self._errors:
            conn = self._use()
            if conn.info.transaction_status != TransactionStatus.IDLE:
                return False
            conn.execute(f"VACUUM (ANALYZE) {table}")
            return True

    def copy_rows(self, table: str, columns: Sequence[str], rows) -> int:
        cols = _identifiers(table, columns)
        n = 0
        # write_row (psycopg's C copy support) measured ~2x faster than formatting the COPY
        # text in Python and writing it in blocks. _errors outside the copy: the server reports
        # a bad row when the COPY ends.
        with self.lock, self._errors, self._use().cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
            write = cp.write_row
            for row in rows:
                write(row)
                n += 1
        return n

    def close(self) -> None:
        with self.lock, self._errors:
            self._closed = True
            self.conn.close()


def _pg_where(user: object, host: object, port: object, dbname: object) -> str:
    return f"postgresql://{user or ''}@{host or ''}:{port or ''}/{dbname or ''}"


# -- the translation tables ------------------------------------------------------------------------
# SQLite primary result codes (https://sqlite.org/rescode.html), the low byte of the extended code.
_SQLITE_BUSY = {5, 6}                                   # SQLITE_BUSY, SQLITE_LOCKED
_SQLITE_UNAVAILABLE = {3, 7, 8, 10, 11, 13, 14, 15, 22, 23, 26}
# PERM, NOMEM, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, PROTOCOL, NOLFS, AUTH, NOTADB
_SQLITE_DATA = {18, 20, 25}                             # TOOBIG, MISMATCH, RANGE
_SQLITE_CONSTRAINT = 19
_SQLITE_CONSTRAINT_KIND = {
    "SQLITE_CONSTRAINT_UNIQUE": "unique", "SQLITE_CONSTRAINT_PRIMARYKEY": "unique",
    "SQLITE_CONSTRAINT_ROWID": "unique", "SQLITE_CONSTRAINT_FOREIGNKEY": "foreign_key",
    "SQLITE_CONSTRAINT_NOTNULL": "not_null", "SQLITE_CONSTRAINT_CHECK": "check",
    "SQLITE_CONSTRAINT_TRIGGER": "rule",
}


def _sqlite_error(exc: BaseException, where: str) -> StoreError:
    """The typed error for a ``sqlite3.Error`` (or the OverflowError sqlite3 raises for an
    integer wider than 64 bits), by its result code; by its class when it has none."""
    detail = str(exc)
    code = getattr(exc, "sqlite_errorcode", None)
    name = getattr(exc, "sqlite_errorname", None) or ""
    if isinstance(code, int):
        primary = code & 0xFF
        if primary in _SQLITE_BUSY:
            return StoreBusy(where, detail)
        if primary in _SQLITE_UNAVAILABLE:
            return StoreUnavailable(where, detail)
        if name == "SQLITE_CONSTRAINT_DATATYPE" or primary in _SQLITE_DATA:
            return DataRejected(where, detail)
        if primary == _SQLITE_CONSTRAINT:
            return IntegrityViolation(where, detail, _SQLITE_CONSTRAINT_KIND.get(name, ""))
    if isinstance(exc, OverflowError | sqlite3.DataError):
        return DataRejected(where, detail)
    if isinstance(exc, sqlite3.IntegrityError):
        return IntegrityViolation(where, detail)
    if isinstance(exc, sqlite3.ProgrammingError) and "closed" in detail:
        return StoreUnavailable(where, "the store is closed")
    if isinstance(exc, sqlite3.OperationalError) and "locked" in detail:
        return StoreBusy(where, detail)
    return StoreError(where, detail)


# PostgreSQL SQLSTATE (https://www.postgresql.org/docs/current/errcodes-appendix.html): exact
# codes first, then two-character classes.
_PG_CODES: dict[str, type[StoreError]] = {
    "55P03": StoreBusy,          # lock_not_available (lock_timeout, NOWAIT)
    "55006": StoreBusy,          # object_in_use
    "57014": StoreBusy,          # query_canceled (statement_timeout)
    "25006": StoreUnavailable,   # read_only_sql_transaction (a standby)
    "P0001": IntegrityViolation,  # raise_exception: a trigger refusing the write (append-only)
}
_PG_CLASSES: dict[str, type[StoreError]] = {
    "08": StoreUnavailable,      # connection exception
    "28": StoreUnavailable,      # invalid authorization
    "3D": StoreUnavailable,      # invalid catalog name (no such database)
    "53": StoreUnavailable,      # insufficient resources (disk full, out of memory, too many connections)
    "57": StoreUnavailable,      # operator intervention (shutdown, terminated, cannot connect now)
    "58": StoreUnavailable,      # system error (I/O)
    "XX": StoreUnavailable,      # internal error (data or index corrupted)
    "40": StoreBusy,             # transaction rollback (serialization failure, deadlock)
    "23": IntegrityViolation,    # integrity constraint violation
    "22": DataRejected,          # data exception (out of range, invalid text, too long, bad encoding)
    "54": DataRejected,          # program limit exceeded (a value too big for an index row)
}
_PG_INTEGRITY_KIND = {"23505": "unique", "23503": "foreign_key", "23502": "not_null", "23514": "check",
                      "23P01": "exclusion", "P0001": "rule"}


def _pg_error(exc: BaseException, where: str) -> StoreError:
    """The typed error for a ``psycopg.Error``: by SQLSTATE, or by class when psycopg raised it
    itself (a lost or closed connection, a NUL in text, a failed connect)."""
    import psycopg

    state = getattr(exc, "sqlstate", None) or ""
    diag = getattr(exc, "diag", None)
    detail = (getattr(diag, "message_primary", None) if diag is not None else None) or str(exc)
    kind = _PG_CODES.get(state) or _PG_CLASSES.get(state[:2])
    if kind is None:
        if isinstance(exc, psycopg.OperationalError):
            kind = StoreUnavailable
        elif isinstance(exc, psycopg.DataError):
            kind = DataRejected
        elif isinstance(exc, psycopg.IntegrityError):
            kind = IntegrityViolation
        else:
            kind = StoreError
    if kind is IntegrityViolation:
        return IntegrityViolation(where, detail, _PG_INTEGRITY_KIND.get(state, ""))
    return kind(where, detail)


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
    """Open ``target``: a ``postgresql://`` / ``postgres://`` URL or a libpq ``key=value`` string
    (multi-host: ``host=a,b target_session_attrs=read-write``), or a SQLite file path.

    Raises StoreUnavailable (one line, names the store) if the database cannot be reached or
    opened, StoreBusy if it stays locked. Blocks.
    """
    if target.startswith(("postgresql://", "postgres://")) or _CONNINFO.match(target):
        return PostgresDb(target)
    return SqliteDb(target)


#: A libpq ``key=value`` connection string (``host=a,b port=5432,5433 dbname=hotline
#: target_session_attrs=read-write``): PostgreSQL, not a file name.
_CONNINFO = re.compile(r"^\s*(host|hostaddr|dbname|service|user|port)\s*=")
