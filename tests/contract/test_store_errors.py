"""What a failing store raises, on both stores: one typed error per kind of failure, one line
that names the store, the driver's exception kept as ``__cause__`` — never a driver exception."""

import socket
import sqlite3
from datetime import datetime

import pytest

from backends.store import open_store
from hotline_tui.audit import AuditEntry
from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import DataRejected, IntegrityViolation, StoreBusy, StoreError, StoreUnavailable
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake


def _entry(note="催办"):
    at = datetime(2026, 11, 23, 9, 0, tzinfo=SITE_TZ)
    return AuditEntry("duty", "ticket.urge", "ticket", "20261123-000001", at, at, None, None, note)


def _assert_typed(exc: StoreError, cls: type, store_name: str) -> None:
    """Exactly ``cls``, one line naming the store, chained to the driver's own exception."""
    text = str(exc)
    assert type(exc) is cls, repr(exc)
    assert "\n" not in text and store_name in text, text
    assert type(exc.__cause__).__module__.split(".")[0] in ("sqlite3", "psycopg", "builtins"), repr(exc.__cause__)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _hold_write_lock(store, db_target):
    """A second connection that holds a write lock (SQLite: the database's; PostgreSQL: the
    audit table's), and a short wait on this store's side. Returns the locker to close."""
    if store.dialect == "sqlite":
        store.db.execute("PRAGMA busy_timeout = 50")
        locker = sqlite3.connect(db_target, isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")
        return locker
    import psycopg

    store.db.execute("SET lock_timeout = '100ms'")
    locker = psycopg.connect(db_target)
    locker.execute("LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE")   # held until the locker rolls back
    return locker


def test_a_locked_store_raises_store_busy_and_works_again_once_free(store, db_target):
    locker = _hold_write_lock(store, db_target)
    try:
        with pytest.raises(StoreBusy) as plain:
            store.audit.append(_entry())
        with pytest.raises(StoreBusy) as in_tx:
            with store.db.tx():
                store.audit.append(_entry())
    finally:
        locker.rollback() if store.dialect == "postgres" else locker.execute("ROLLBACK")
        locker.close()
    for caught in (plain, in_tx):
        _assert_typed(caught.value, StoreBusy, store.describe)
        assert str(caught.value).endswith("; try again") and caught.value.exit_code == 7
    with store.db.tx():                                        # nothing left half-open
        store.audit.append(_entry())
    assert [e.note for e in store.audit.recent()] == ["催办"]


def test_a_closed_store_raises_store_unavailable(store):
    store.close()
    with pytest.raises(StoreUnavailable) as caught:
        store.tickets.count_by_state()
    _assert_typed(caught.value, StoreUnavailable, store.describe)
    with pytest.raises(StoreUnavailable):
        with store.db.tx():
            pass


def test_an_unreachable_store_raises_store_unavailable(db_target, tmp_path):
    if db_target.startswith("postgresql"):
        target = f"postgresql://hotline:sekrit@127.0.0.1:{_free_port()}/test?connect_timeout=1"
        name = "postgresql://hotline@127.0.0.1:"
    else:
        target = str(tmp_path)                                  # a folder, not a database file
        name = f"sqlite:{tmp_path}"
    with pytest.raises(StoreUnavailable) as caught:
        open_store(target)
    _assert_typed(caught.value, StoreUnavailable, name)
    assert "sekrit" not in str(caught.value) and caught.value.exit_code == 6


def test_a_file_that_is_not_a_database_raises_store_unavailable(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("shopping list: rice, tea, " * 100)
    with pytest.raises(StoreUnavailable, match="file is not a database") as caught:
        open_store(bogus)
    _assert_typed(caught.value, StoreUnavailable, f"sqlite:{bogus}")


@pytest.mark.postgres
def test_a_lost_connection_raises_store_unavailable(pg_dsn):
    import psycopg

    store = open_store(pg_dsn, migrate=True)
    try:
        pid = store.db.query_one("SELECT pg_backend_pid() AS pid")["pid"]
        with psycopg.connect(pg_dsn, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        with pytest.raises(StoreUnavailable) as first:
            store.tickets.count_by_state()
        _assert_typed(first.value, StoreUnavailable, store.describe)
        # issue 21: the next call reconnects on its own (tests/contract/test_pg_reconnect.py)
        assert store.tickets.count_by_state() is not None
        assert store.db.reconnects == 1
    finally:
        store.close()


@pytest.mark.postgres
def test_a_statement_past_its_timeout_raises_store_busy(pg_dsn):
    store = open_store(pg_dsn)
    try:
        store.db.execute("SET statement_timeout = '50ms'")
        with pytest.raises(StoreBusy) as caught:
            store.db.query("SELECT pg_sleep(5)")
        _assert_typed(caught.value, StoreBusy, store.describe)
    finally:
        store.close()


def test_a_duplicate_key_raises_integrity_violation_and_writes_nothing(store):
    insert = "INSERT INTO ticket_serials (day, last) VALUES (:d, :n)"
    store.db.execute(insert, {"d": "20261123", "n": 1})
    with pytest.raises(IntegrityViolation) as dup:
        with store.db.tx():
            store.db.execute(insert, {"d": "20261124", "n": 1})
            store.db.execute(insert, {"d": "20261123", "n": 2})
    _assert_typed(dup.value, IntegrityViolation, store.describe)
    assert dup.value.kind == "unique" and dup.value.exit_code == 8
    with pytest.raises(IntegrityViolation) as missing:
        store.db.execute(insert, {"d": "20261125", "n": None})
    assert missing.value.kind == "not_null"
    assert store.db.query("SELECT day, last FROM ticket_serials") == [{"day": "20261123", "last": 1}]


def test_a_number_out_of_range_raises_data_rejected(store):
    with pytest.raises(DataRejected) as caught:
        store.db.execute("INSERT INTO ticket_serials (day, last) VALUES (:d, :n)", {"d": "20261123", "n": 2**70})
    _assert_typed(caught.value, DataRejected, store.describe)
    assert caught.value.exit_code == 2 and store.db.query("SELECT * FROM ticket_serials") == []


@pytest.mark.postgres
def test_nul_in_text_is_data_rejected_on_postgres_and_nothing_is_registered(pg_dsn):
    # Issue 14's decision: the services refuse text with NUL (ValidationError, both stores;
    # tests/test_text_nul.py). PostgreSQL's own refusal, reached only past the services, stays typed.
    from hotline_tui.calls_port import CallRecord
    from hotline_tui.errors import ValidationError

    store = open_store(pg_dsn, migrate=True)
    try:
        svc = ticket_service(store, DEMO_DIR, FixedClock("2026-11-23T09:00:00+08:00"))
        agent = svc.access.user("agent1001")
        with pytest.raises(ValidationError, match="content: contains a NUL"):
            svc.register(agent, Intake("phone", "13812341234", "噪音\x00扰民", "complaint"))
        with pytest.raises(DataRejected) as caught:
            store.calls.add_records([CallRecord("m1", "fs1", "q", "13812341234", "李\x00四", "", 1.0, None, 2.0,
                                                "abandoned", 1.0)])
        _assert_typed(caught.value, DataRejected, store.describe)
        assert "NUL" in str(caught.value)
        assert store.tickets.count_by_state() == {} and store.audit.recent() == [] and store.calls.records(0) == []
    finally:
        store.close()
