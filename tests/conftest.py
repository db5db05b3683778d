"""Shared fixtures: real SQLite files and a real PostgreSQL schema per test.

PostgreSQL: ``$HOTLINE_TEST_PG`` (default postgresql://postgres@127.0.0.1:5432/test). Each test
gets its own schema, dropped afterwards. In CI (CI=true) an unreachable server fails the test;
elsewhere it skips with a one-line reason.
"""

from __future__ import annotations

import os
import uuid
from functools import lru_cache
from urllib.parse import quote

import pytest

PG_URL = os.environ.get("HOTLINE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@lru_cache(maxsize=1)
def _pg_problem() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return None
    except Exception as exc:  # any failure means "no usable server"
        return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def require_pg() -> None:
    problem = _pg_problem()
    if problem:
        msg = f"PostgreSQL not reachable at {PG_URL}: {problem}"
        if IN_CI:
            pytest.fail(msg + " (CI=true: PostgreSQL tests must run)", pytrace=False)
        pytest.skip(msg)


@pytest.fixture
def pg_dsn():
    """A DSN whose search_path is a fresh, empty schema."""
    require_pg()
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def sqlite_path(tmp_path):
    return str(tmp_path / "hotline.db")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_target(request, tmp_path):
    """The same contract test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "hotline.db")
    return request.getfixturevalue("pg_dsn")


@pytest.fixture
def store(db_target):
    """A migrated, empty store on each backend."""
    from backends.store import open_store

    s = open_store(db_target, migrate=True)
    yield s
    s.close()
