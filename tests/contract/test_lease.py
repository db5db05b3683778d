"""Leases (issue 21) on both stores: the row logic, and a standby taking over within seconds
when the holder is killed with SIGKILL (real processes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from hotline_tui.lease import Lease, LeaseLost
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


def test_one_holder_at_a_time_and_the_epoch_moves_on_each_handover(store):
    leases = store.leases
    assert leases.try_acquire("job", "a", 30) == 1
    assert leases.try_acquire("job", "b", 30) is None           # a holds it
    assert leases.try_acquire("job", "a", 30) == 1              # a again: a renewal, same epoch
    assert leases.renew("job", "a", 30) and not leases.renew("job", "b", 30)
    leases.release("job", "b")                                  # not b's: nothing happens
    assert leases.current("job").holder == "a"
    leases.release("job", "a")
    assert leases.try_acquire("job", "b", 30) == 2
    assert not leases.renew("job", "a", 30)
    assert [(s.name, s.holder, s.epoch) for s in leases.all()] == [("job", "b", 2)]


def test_an_expired_lease_goes_to_the_next_taker_and_the_old_holder_cannot_renew(store):
    leases = store.leases
    assert leases.try_acquire("job", "a", 0.0) == 1              # expires at once
    assert leases.try_acquire("job", "b", 30) == 2
    assert not leases.renew("job", "a", 30)
    assert leases.current("job").holder == "b"


def test_leases_of_different_names_are_independent(store):
    assert store.leases.try_acquire("record:fs1", "a", 30) == 1
    assert store.leases.try_acquire("record:fs2", "b", 30) == 1


def test_the_holder_notices_it_was_taken_over(store):
    lease = Lease(store.leases, "job", holder="a", ttl_s=0.3)
    assert lease.try_acquire()
    lease.check()
    # another instance takes it (as if a stalled the whole ttl): a's next renewal finds it gone
    store.db.execute("UPDATE leases SET holder = 'b', epoch = epoch + 1 WHERE name = 'job'")
    wait_until(lambda: lease.lost.is_set(), timeout=10, what="the holder to see the lease lost")
    with pytest.raises(LeaseLost):
        lease.check()
    lease.release()
    assert store.leases.current("job").holder == "b"


def test_a_standby_waits_then_takes_over_on_release(store):
    first = Lease(store.leases, "job", holder="a", ttl_s=30)
    assert first.acquire(timeout=5)
    said: list[str] = []
    second = Lease(store.leases, "job", holder="b", ttl_s=30, retry_s=0.05, log=said.append)
    got: list[bool] = []
    t = threading.Thread(target=lambda: got.append(second.acquire(timeout=10)))
    t.start()
    wait_until(lambda: said, timeout=10, what="the standby to be waiting")
    assert said == ["lease job: standby, held by a"] and t.is_alive()
    first.release()
    t.join(timeout=10)
    assert got == [True] and second.epoch == 2
    second.release()


def _holder(target: str, name: str, ttl: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.lease_rig", target, name, str(ttl)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def _line(proc: subprocess.Popen) -> str:
    box: list[str] = []
    t = threading.Thread(target=lambda: box.append(proc.stdout.readline()), daemon=True)
    t.start()
    t.join(timeout=30)
    return box[0].strip() if box else ""


def test_a_standby_process_takes_over_within_seconds_of_kill_9(db_target):
    ttl = 2.0
    first = _holder(db_target, "tickets.escalate", ttl)
    second = None
    try:
        held = _line(first)
        assert held.startswith("HELD ") and held.endswith(" 1"), held
        second = _holder(db_target, "tickets.escalate", ttl)
        out: list[str] = []
        reader = threading.Thread(target=lambda: out.append(second.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout=ttl * 1.5)       # a whole lease period: the standby must not take it
        assert not out and second.poll() is None
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        killed = time.monotonic()
        reader.join(timeout=30)
        took = time.monotonic() - killed
        assert out and out[0].startswith("HELD ") and out[0].strip().endswith(" 2"), out
        # within the lease's ttl (plus a retry and process jitter on a loaded machine)
        assert took < 10, took
    finally:
        for p in (first, second):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait(timeout=10)
