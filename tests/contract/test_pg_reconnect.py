"""PostgresDb reconnects on its own after its connection is lost (issue 21), and takes a
multi-host DSN: the call that meets the loss raises StoreUnavailable, the next one outside a
transaction reconnects; nothing is re-run on its own."""

from __future__ import annotations

import socket
from urllib.parse import parse_qs, urlparse

import psycopg
import pytest

from backends.db import PostgresDb, open_db
from hotline_tui.errors import StoreUnavailable
from tests.waiting import wait_until

pytestmark = pytest.mark.postgres


def _kill_backend(dsn: str, pid: int) -> None:
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def _pid(db) -> int:
    return int(db.query_row("SELECT pg_backend_pid() AS p")["p"])


def test_the_next_call_after_a_lost_connection_reconnects(pg_dsn):
    db = open_db(pg_dsn)
    try:
        db.execute("CREATE TABLE t (x INTEGER)")
        first = _pid(db)
        _kill_backend(pg_dsn, first)
        with pytest.raises(StoreUnavailable):
            db.execute("INSERT INTO t VALUES (1)")
        assert isinstance(db, PostgresDb) and db.conn.broken
        # the next call reconnects (after the first back-off step) and works, in the same schema
        wait_until(lambda: _try(lambda: db.execute("INSERT INTO t VALUES (2)")), timeout=10,
                   what="the handle to reconnect")
        assert _pid(db) != first and db.reconnects == 1 and db.lost_at is None
        assert [r["x"] for r in db.query("SELECT x FROM t")] == [2]    # the cut-off insert was not re-run
    finally:
        db.close()


def _try(call) -> bool:
    try:
        call()
        return True
    except StoreUnavailable:
        return False


def test_no_reconnect_inside_a_transaction(pg_dsn):
    db = open_db(pg_dsn)
    try:
        db.execute("CREATE TABLE t (x INTEGER)")
        with pytest.raises(StoreUnavailable):
            with db.tx():
                db.execute("INSERT INTO t VALUES (1)")
                _kill_backend(pg_dsn, _pid(db))
                db.execute("INSERT INTO t VALUES (2)")     # must fail, not land on a new connection
        wait_until(lambda: _try(lambda: db.query("SELECT 1 AS one")), timeout=10, what="the reconnect")
        assert db.query("SELECT x FROM t") == []                   # the half-done transaction is gone
    finally:
        db.close()


def test_a_closed_handle_stays_closed(pg_dsn):
    db = open_db(pg_dsn)
    db.close()
    with pytest.raises(StoreUnavailable):
        db.query("SELECT 1 AS one")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_multi_host_dsn_reaches_the_host_that_answers(pg_dsn):
    url = urlparse(pg_dsn)
    options = parse_qs(url.query)["options"][0]
    dead = _free_port()         # nothing listens there: libpq tries the next host
    dsn = (f"host=127.0.0.1,{url.hostname} port={dead},{url.port or 5432} user={url.username} "
           f"dbname={url.path.lstrip('/')} target_session_attrs=read-write connect_timeout=5 "
           f"options='{options}'")
    db = open_db(dsn)
    try:
        assert isinstance(db, PostgresDb)
        assert db.describe.endswith(f":{url.port or 5432}/{url.path.lstrip('/')}")
        assert db.query_row("SELECT 1 AS one")["one"] == 1
    finally:
        db.close()


@pytest.mark.timeout(90)
def test_tickets_watch_outlives_a_lost_connection(pg_dsn, store_for_watch):
    """``hotline tickets watch`` (a long-running CLI) says the store went away, reconnects both
    its connections (reads and LISTEN) and goes on from the last sequence it printed."""
    import json
    import subprocess
    import sys
    import uuid
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    app = f"h21a_watch_{uuid.uuid4().hex[:8]}"
    dsn = f"{pg_dsn}&application_name={app}"

    def new_ticket(content: str) -> None:
        out = subprocess.run([sys.executable, "hotline.py", "--db", pg_dsn, "tickets", "new", "--phone", "13812341234",
                              "--content", content, "--category", "consult", "--as", "agent1001"],
                             cwd=root, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr

    watcher = subprocess.Popen([sys.executable, "hotline.py", "--db", dsn, "tickets", "watch", "--since", "0",
                                "--json", "--for", "60", "--as", "duty"], cwd=root, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        new_ticket("井盖丢了")
        assert json.loads(watcher.stdout.readline())["seq"] == 1
        # every connection of the watcher (its reads and its LISTEN) is cut
        with psycopg.connect(pg_dsn, autocommit=True) as admin:
            wait_until(lambda: admin.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                                             (app,)).fetchone()[0] >= 2, timeout=10, what="the watcher listening")
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", (app,))
        new_ticket("路灯不亮")
        assert json.loads(watcher.stdout.readline())["seq"] == 2
    finally:
        watcher.terminate()
        _out, err = watcher.communicate(timeout=10)
    assert "retrying" in err and "store back" in err, err


@pytest.fixture
def store_for_watch(pg_dsn):
    from backends.store import open_store

    s = open_store(pg_dsn, migrate=True)
    yield s
    s.close()
