"""Concurrent saves behave the same on both stores. Without ``--expect-version`` a save applies
to the current version (the row is locked for the read-modify-write), so six concurrent urges
all apply; with an expected version, every save that read a stale one is a ConflictError.
(Before: SQLite applied all six, PostgreSQL reported conflicts for a version nobody gave.)"""

from __future__ import annotations

import threading

import pytest

from backends.store import open_store
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ConflictError
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake

WRITERS = 6


@pytest.fixture
def dispatched(store):
    clock = FixedClock("2026-11-23T09:00:00+08:00")
    svc = ticket_service(store, DEMO_DIR, clock)
    u = svc.access.user
    t = svc.register(u("agent1001"), Intake("phone", "13812341234", "噪音", "consult"))
    t = svc.dispatch(u("handler"), t.serial, "ZJJ")
    return svc, clock, t


def _urge_at_once(db_target, clock, serial, expected_version):
    """Six threads, each with its own connection, urge ``serial`` at the same moment.
    Returns (successes, errors) once every thread has finished."""
    start = threading.Barrier(WRITERS)
    done: list[int] = []
    errors: list[BaseException] = []
    guard = threading.Lock()

    def one():
        own = open_store(db_target)
        try:
            svc = ticket_service(own, DEMO_DIR, clock)
            start.wait(timeout=30)
            t = svc.urge(svc.access.user("duty"), serial, "再次来电", expected_version=expected_version)
            with guard:
                done.append(t.version)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertions
            with guard:
                errors.append(exc)
        finally:
            own.close()
    workers = [threading.Thread(target=one) for _ in range(WRITERS)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert not any(w.is_alive() for w in workers)
    return done, errors


def test_concurrent_saves_without_expected_version_all_apply(dispatched, db_target):
    svc, clock, t = dispatched
    done, errors = _urge_at_once(db_target, clock, t.serial, None)
    assert errors == []
    assert sorted(done) == list(range(t.version + 1, t.version + 1 + WRITERS))   # each on the one before
    after = svc.get(svc.access.user("duty"), t.serial)
    assert (after.urges, after.version) == (WRITERS, t.version + WRITERS)
    urges = [e for e in svc.history(svc.access.user("duty"), t.serial) if e.action == "ticket.urge"]
    assert [e.after["urges"] for e in urges] == list(range(1, WRITERS + 1))


def test_concurrent_saves_with_a_stale_expected_version_conflict(dispatched, db_target):
    svc, clock, t = dispatched
    done, errors = _urge_at_once(db_target, clock, t.serial, t.version)
    assert done == [t.version + 1]
    assert len(errors) == WRITERS - 1 and all(isinstance(e, ConflictError) for e in errors), errors
    assert all(f"you had version {t.version}, it is now {t.version + 1}" in str(e) for e in errors)
    after = svc.get(svc.access.user("duty"), t.serial)
    assert (after.urges, after.version) == (1, t.version + 1)
