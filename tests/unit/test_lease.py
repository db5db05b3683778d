"""The holder's side of a lease (``hotline_tui.lease.Lease``) against the in-memory lease
store: a store outage shorter than the lease keeps it; one that outlasts it loses it (another
instance may hold it by then); a standby gives up at its timeout or when told to stop."""

from __future__ import annotations

import threading

import pytest

from hotline_tui.lease import Lease, LeaseLost
from tests.fakes import FakeLeaseStore
from tests.waiting import wait_until


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def _renewals(store: FakeLeaseStore, name: str) -> float:
    return store.rows[name].expires_at


def test_an_outage_shorter_than_the_lease_keeps_it():
    store, clock = FakeLeaseStore(), Clock()
    lease = Lease(store, "job", holder="a", ttl_s=0.3, clock=clock)
    assert lease.try_acquire() and lease.epoch == 1
    store.down = True
    clock.t = 0.2                                   # not yet expired by the holder's clock
    store.now += 0.2
    before = _renewals(store, "job")
    store.down = False
    wait_until(lambda: _renewals(store, "job") > before, timeout=10, what="a renewal after the outage")
    assert not lease.lost.is_set()
    lease.check()
    lease.release()
    assert store.rows["job"].holder == ""


def test_an_outage_past_the_lease_loses_it():
    store, clock = FakeLeaseStore(), Clock()
    said: list[str] = []
    lease = Lease(store, "job", holder="a", ttl_s=0.3, clock=clock, log=said.append)
    assert lease.try_acquire()
    store.down = True
    clock.t = 1.0                                   # past the last renewal + ttl
    wait_until(lambda: lease.lost.is_set(), timeout=10, what="the lease counted lost")
    with pytest.raises(LeaseLost):
        lease.check()
    assert any("could not renew before it expired" in line for line in said)
    lease.release()                                 # lost: nothing to give back, and no error


def test_a_standby_gives_up_at_its_timeout_or_when_stopped():
    store = FakeLeaseStore()
    assert store.try_acquire("job", "a", 60) == 1
    standby = Lease(store, "job", holder="b", ttl_s=60, retry_s=0.01)
    assert standby.acquire(timeout=0.05) is False
    stop = threading.Event()
    stop.set()
    assert standby.acquire(stop=stop) is False
    with pytest.raises(LeaseLost):
        standby.check()


def test_a_standby_rides_out_an_outage_while_waiting():
    store = FakeLeaseStore()
    store.down = True
    said: list[str] = []
    standby = Lease(store, "job", holder="b", ttl_s=60, retry_s=0.01, log=said.append)
    t = threading.Thread(target=lambda: standby.acquire(timeout=10))
    t.start()
    wait_until(lambda: any("store unavailable" in line for line in said), timeout=10, what="the outage logged")
    store.down = False
    t.join(timeout=10)
    assert standby.epoch == 1
    standby.release()
