"""The one choke point for driver errors: the translation tables of ``backends/db.py``, the
one-line messages of the store errors, and a scan of the source tree that fails when any
module but ``backends/db.py`` looks at a driver's exceptions."""

import ast
import sqlite3
from pathlib import Path

import psycopg
import pytest

from backends.db import _pg_error, _sqlite_error
from hotline_tui.errors import (DataRejected, HotlineError, IntegrityViolation, StoreBusy, StoreError,
                                StoreUnavailable, one_line)

ROOT = Path(__file__).resolve().parents[2]
WHERE = "postgresql://app@db:5432/hotline"


@pytest.mark.parametrize("sqlstate, cls, kind", [
    ("08006", StoreUnavailable, None),      # connection failure
    ("57P01", StoreUnavailable, None),      # admin shutdown (terminated)
    ("53100", StoreUnavailable, None),      # disk full
    ("58030", StoreUnavailable, None),      # I/O error
    ("28P01", StoreUnavailable, None),      # bad password
    ("3D000", StoreUnavailable, None),      # no such database
    ("25006", StoreUnavailable, None),      # read-only standby
    ("40001", StoreBusy, None),             # serialization failure
    ("40P01", StoreBusy, None),             # deadlock
    ("55P03", StoreBusy, None),             # lock timeout
    ("57014", StoreBusy, None),             # statement timeout
    ("23505", IntegrityViolation, "unique"),
    ("23503", IntegrityViolation, "foreign_key"),
    ("23502", IntegrityViolation, "not_null"),
    ("23514", IntegrityViolation, "check"),
    ("P0001", IntegrityViolation, "rule"),  # a trigger's RAISE (the audit log is append-only)
    ("22003", DataRejected, None),          # numeric out of range
    ("22P02", DataRejected, None),          # invalid text representation
    ("22001", DataRejected, None),          # string too long
    ("22021", DataRejected, None),          # bad encoding
    ("42P01", StoreError, None),            # undefined table: a bug or a missing migration
])
def test_postgres_errors_map_by_sqlstate(sqlstate, cls, kind):
    driver = psycopg.errors.lookup(sqlstate)("first line\nDETAIL:  second line\nHINT:  third")
    err = _pg_error(driver, WHERE)
    assert type(err) is cls and str(err) == f"{cls.what} ({WHERE}): first line" + ("; try again" if cls is StoreBusy else "")
    if kind is not None:
        assert err.kind == kind


@pytest.mark.parametrize("driver, cls", [
    (psycopg.OperationalError("the connection is closed"), StoreUnavailable),
    (psycopg.OperationalError("consuming input failed: server closed the connection unexpectedly"), StoreUnavailable),
    (psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"), DataRejected),
    (psycopg.IntegrityError("constraint"), IntegrityViolation),
    (psycopg.InterfaceError("something odd"), StoreError),
])
def test_postgres_errors_without_sqlstate_map_by_class(driver, cls):
    assert type(_pg_error(driver, WHERE)) is cls


def _sqlite(cls, message, code=None, name=None):
    exc = cls(message)
    if code is not None:
        exc.sqlite_errorcode, exc.sqlite_errorname = code, name
    return exc


@pytest.mark.parametrize("driver, cls, kind", [
    (_sqlite(sqlite3.OperationalError, "database is locked", 5, "SQLITE_BUSY"), StoreBusy, None),
    (_sqlite(sqlite3.OperationalError, "database table is locked", 6, "SQLITE_LOCKED"), StoreBusy, None),
    (_sqlite(sqlite3.OperationalError, "database is locked"), StoreBusy, None),      # no code (older Python)
    (_sqlite(sqlite3.OperationalError, "unable to open database file", 14, "SQLITE_CANTOPEN"), StoreUnavailable, None),
    (_sqlite(sqlite3.OperationalError, "disk I/O error", 10 | (3 << 8), "SQLITE_IOERR_WRITE"), StoreUnavailable, None),
    (_sqlite(sqlite3.OperationalError, "database or disk is full", 13, "SQLITE_FULL"), StoreUnavailable, None),
    (_sqlite(sqlite3.DatabaseError, "file is not a database", 26, "SQLITE_NOTADB"), StoreUnavailable, None),
    (_sqlite(sqlite3.OperationalError, "attempt to write a readonly database", 8, "SQLITE_READONLY"), StoreUnavailable, None),
    (_sqlite(sqlite3.ProgrammingError, "Cannot operate on a closed database."), StoreUnavailable, None),
    (_sqlite(sqlite3.IntegrityError, "UNIQUE constraint failed: t.a", 2067, "SQLITE_CONSTRAINT_UNIQUE"),
     IntegrityViolation, "unique"),
    (_sqlite(sqlite3.IntegrityError, "UNIQUE constraint failed: t.id", 1555, "SQLITE_CONSTRAINT_PRIMARYKEY"),
     IntegrityViolation, "unique"),
    (_sqlite(sqlite3.IntegrityError, "FOREIGN KEY constraint failed", 787, "SQLITE_CONSTRAINT_FOREIGNKEY"),
     IntegrityViolation, "foreign_key"),
    (_sqlite(sqlite3.IntegrityError, "NOT NULL constraint failed: t.b", 1299, "SQLITE_CONSTRAINT_NOTNULL"),
     IntegrityViolation, "not_null"),
    (_sqlite(sqlite3.IntegrityError, "audit_log is append-only", 1811, "SQLITE_CONSTRAINT_TRIGGER"),
     IntegrityViolation, "rule"),
    (_sqlite(sqlite3.IntegrityError, "cannot store TEXT value in INTEGER column t.n", 3091,
             "SQLITE_CONSTRAINT_DATATYPE"), DataRejected, None),
    (_sqlite(sqlite3.DataError, "string or blob too big", 18, "SQLITE_TOOBIG"), DataRejected, None),
    (OverflowError("Python int too large to convert to SQLite INTEGER"), DataRejected, None),
    (_sqlite(sqlite3.OperationalError, "no such table: nope", 1, "SQLITE_ERROR"), StoreError, None),
])
def test_sqlite_errors_map_by_result_code(driver, cls, kind):
    err = _sqlite_error(driver, "sqlite:/data/hotline.db")
    assert type(err) is cls and "(sqlite:/data/hotline.db): " in str(err)
    if kind is not None:
        assert err.kind == kind


def test_store_errors_are_one_safe_line_and_hotline_errors():
    err = DataRejected("sqlite:/x.db", "\n\n  invalid input: \x1b[2J" + "x" * 500 + "\nCONTEXT: the row")
    text = str(err)
    assert isinstance(err, StoreError) and isinstance(err, HotlineError)
    assert "\n" not in text and "\x1b" not in text and "\\x1b[2J" in text and len(text) < 300
    assert err.detail.endswith("…") and err.store == "sqlite:/x.db"
    assert str(StoreUnavailable("sqlite:/x.db", "")) == "store unavailable (sqlite:/x.db): StoreUnavailable"
    assert one_line("a\r\nb") == "a" and one_line("", "fallback") == "fallback"
    codes = {c: c.exit_code for c in (StoreError, StoreUnavailable, StoreBusy, IntegrityViolation, DataRejected)}
    assert codes == {StoreError: 6, StoreUnavailable: 6, StoreBusy: 7, IntegrityViolation: 8, DataRejected: 2}


# -- no module but backends/db.py looks at driver errors --------------------------------------------
_DRIVER_ATTRS = {"sqlstate", "pgcode", "pgerror", "sqlite_errorcode", "sqlite_errorname"}
_DRIVER_CLASS_NAMES = {"Error", "Warning", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
                       "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError", "errors"}


def driver_error_uses(source: str) -> list[str]:
    """Every place in ``source`` that names a driver's error machinery: an exception class of
    sqlite3/psycopg (``sqlite3.OperationalError``, ``psycopg.errors``, ``from psycopg import
    IntegrityError``), or a driver's error attribute (``exc.sqlstate``, ``getattr(e, "pgcode")``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            if node.attr in _DRIVER_ATTRS:
                found.append(f"{node.lineno}: .{node.attr}")
            base = node.value
            if (isinstance(base, ast.Name) and base.id in ("sqlite3", "psycopg")
                    and (node.attr in _DRIVER_CLASS_NAMES or node.attr.endswith("Error"))):
                found.append(f"{node.lineno}: {base.id}.{node.attr}")
        elif isinstance(node, ast.Name) and node.id in _DRIVER_ATTRS:
            found.append(f"{node.lineno}: {node.id}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in _DRIVER_ATTRS:
            found.append(f"{node.lineno}: {node.value!r}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            root = node.module.split(".")[0]
            if root in ("sqlite3", "psycopg") and (
                    node.module.startswith("psycopg.errors")
                    or any(a.name in _DRIVER_CLASS_NAMES or a.name.endswith("Error") for a in node.names)):
                found.append(f"{node.lineno}: from {node.module} import …")
        elif isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names if a.name.startswith("psycopg.errors")]
    return found


def test_the_scan_finds_every_way_of_sniffing_a_driver_error():
    sniffing = '''
import sqlite3, psycopg.errors
from psycopg import errors, IntegrityError
from psycopg.errors import UniqueViolation
try:
    pass
except sqlite3.OperationalError:
    pass
except psycopg.Error as exc:
    if exc.sqlstate == "23505" or getattr(exc, "pgcode", None) or exc.sqlite_errorcode:
        pass
'''
    assert len(driver_error_uses(sniffing)) == 8
    clean = '"""Docstrings may say sqlite3.OperationalError and sqlstate."""\nimport sqlite3\nsqlite3.connect(":memory:")\n'
    assert driver_error_uses(clean) == []


def test_only_backends_db_names_driver_errors():
    files = [ROOT / "hotline.py", *sorted(p for top in ("hotline_tui", "backends", "screens")
                                          for p in (ROOT / top).rglob("*.py"))]
    assert len(files) > 50
    offenders = {str(p.relative_to(ROOT)): uses for p in files if p != ROOT / "backends" / "db.py"
                 if (uses := driver_error_uses(p.read_text(encoding="utf-8")))}
    assert offenders == {}
    assert driver_error_uses((ROOT / "backends" / "db.py").read_text(encoding="utf-8"))   # the choke point
