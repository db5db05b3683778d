"""The outbox on both stores: written in the ticket change's transaction with a stable id,
claimed by one worker at a time, delivered through the real HTTP notifier to a loopback
gateway; suppressed SMS; retry, drop, dead; the breaker; receipts."""

from __future__ import annotations

import time

import pytest

from backends.notify_http import HttpNotifier
from backends.store import open_store
from hotline_tui.clock import FixedClock
from hotline_tui.errors import StoreBusy
from hotline_tui.notify.settings import load_notify
from hotline_tui.notify.worker import Backoff, DeliveryWorker
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake

from .conftest import site_for


def _intake(phone="13812341234") -> Intake:
    return Intake(channel="phone", caller_phone=phone, content="小区路灯坏了", category="complaint",
                  subcategory="")


@pytest.fixture
def rig(db_target, tmp_path, gateway):
    site = site_for(tmp_path, gateway.url)
    store = open_store(db_target, migrate=True)
    svc = ticket_service(store, site, FixedClock("2026-11-23T09:00:00+08:00"))
    cfg = load_notify(site)
    assert cfg is not None
    notifier = HttpNotifier(cfg)
    worker = DeliveryWorker(store.outbox, notifier, cfg.worker, cfg.breaker, name="w1")
    yield svc, store, worker, gateway
    notifier.close()
    store.close()


def _drain(worker, rounds=50):
    for _ in range(rounds):
        if worker.run_once() == 0 and not worker.store.claim("probe", 1e12, 1, 0.0):
            return
    raise AssertionError("outbox did not drain")


def test_register_and_dispatch_write_rows_with_stable_ids(rig):
    svc, store, worker, gw = rig
    u = svc.access.user
    t = svc.register(u("agent1001"), _intake())
    t = svc.dispatch(u("duty"), t.serial, "RSJ", co_departments=["ZJJ"])
    ids = sorted(r.id for r in store.outbox.rows())
    assert ids == sorted([f"{t.serial}-registered-v1-citizen", f"{t.serial}-dispatched-v2-citizen",
                          f"{t.serial}-dispatch-v2-RSJ", f"{t.serial}-dispatch-v2-ZJJ"])
    sms = store.outbox.get(f"{t.serial}-dispatched-v2-citizen")
    assert sms is not None and sms.payload["params"] == {"serial": t.serial, "department": "市人力资源和社会保障局"}
    assert sms.text == f"【市12345热线】您的工单{t.serial}已转市人力资源和社会保障局办理。"
    worker.run_once()
    assert {r.status for r in store.outbox.rows()} == {"sent"}
    assert sorted(gw.state.processed) == ids


def test_a_failed_change_writes_no_outbox_row(rig):
    svc, store, worker, gw = rig
    u = svc.access.user
    t = svc.register(u("agent1001"), _intake())

    def boom(*a, **k):
        raise StoreBusy("test", "injected")
    svc.store.add_note = boom          # the change fails after the ticket was updated
    with pytest.raises(StoreBusy):
        svc.dispatch(u("duty"), t.serial, "RSJ", note="去处理")
    assert [r.event for r in store.outbox.rows()] == ["registered"]
    assert svc.get(u("duty"), t.serial).state == "registered"


def test_opted_out_blacklisted_and_landline_sms_are_suppressed(rig):
    svc, store, worker, gw = rig
    u = svc.access.user
    store.outbox.opt_out("13900000001", "asked by phone", 0.0)
    svc.classify_caller(u("duty"), "13900000002", "blacklist")
    for phone in ("13900000001", "13900000002", "0571-88886666"):
        svc.register(u("agent1001"), _intake(phone))
    assert store.outbox.counts() == {"pending": 2, "suppressed": 1}     # a landline: never queued
    worker.run_once()                                                   # the others: at send time
    rows = store.outbox.rows()
    assert sorted((r.receiver, r.status, r.last_error) for r in rows) == [
        ("057188886666", "suppressed", "not a mobile number"),
        ("13900000001", "suppressed", "caller opted out of SMS"),
        ("13900000002", "suppressed", "caller is blacklisted"),
    ]
    assert gw.state.requests == 0
    store.outbox.opt_out("13900000001", "", 0.0, out=False)             # lifted: later messages go
    svc.register(u("agent1001"), _intake("13900000001"))
    worker.run_once()
    assert gw.state.requests == 1


def test_two_claims_never_share_a_row(rig):
    svc, store, worker, gw = rig
    u = svc.access.user
    for _ in range(6):
        svc.register(u("agent1001"), _intake())
    a = store.outbox.claim("a", 1e10, 4, 60)
    b = store.outbox.claim("b", 1e10, 4, 60)
    assert len(a) == 4 and len(b) == 2 and not {r.id for r in a} & {r.id for r in b}
    # a's lease runs out: b takes the rows over, marked ambiguous; a's late result writes nothing
    c = store.outbox.claim("b", 1e10 + 61, 10, 60)
    assert {r.id for r in c} == {r.id for r in a + b} and all(r.ambiguous for r in c)
    assert not store.outbox.finish(a[0].id, "a", "sent", 1e10 + 62)
    assert store.outbox.finish(a[0].id, "b", "sent", 1e10 + 62)


def test_dead_after_n_attempts_then_retry_and_drop(rig, tmp_path):
    svc, store, worker, gw = rig
    u = svc.access.user
    t = svc.register(u("agent1001"), _intake())
    gw.broken = True
    worker.spec = worker.spec.model_copy(update={"max_attempts": 3})
    clock = [time.time()]
    worker.clock = lambda: clock[0]
    for _ in range(20):
        clock[0] += 1.0                 # past any backoff (at most 0.2 s here)
        worker.run_once()
        row = store.outbox.get(f"{t.serial}-registered-v1-citizen")
        if row and row.status == "dead":
            break
    assert row is not None and row.status == "dead" and row.attempts == 3 and "HTTP 500" in row.last_error
    gw.broken = False
    assert store.outbox.retry(row.id, clock[0])
    worker.run_once()
    assert store.outbox.get(row.id).status == "sent"
    assert not store.outbox.drop(row.id, 0.0)         # sent: nothing to drop


def test_the_breaker_opens_and_closes(rig):
    svc, store, worker, gw = rig
    u = svc.access.user
    worker.breaker = worker.breaker.model_copy(update={"failures": 3, "open_s": 30.0})
    clock = [time.time()]
    worker.clock = lambda: clock[0]
    for _ in range(5):
        svc.register(u("agent1001"), _intake())
    gw.broken = True
    for _ in range(3):
        worker.run_once()
        clock[0] += 1.0
    ep = store.outbox.endpoint("sms")
    assert ep.state(clock[0], 3) == "open" and ep.failures == 3
    before = gw.state.requests
    clock[0] += 1.0
    assert worker.run_once() == 0 and gw.state.requests == before     # open: nothing is sent
    clock[0] += 31.0                                                    # half-open: one probe goes
    assert store.outbox.endpoint("sms").state(clock[0], 3) == "half-open"
    before = gw.state.requests
    worker.run_once()
    assert gw.state.requests == before + 1                              # one probe, failed: open again
    assert store.outbox.endpoint("sms").state(clock[0], 3) == "open"
    gw.broken = False
    clock[0] += 31.0
    assert store.outbox.take_probe("sms", clock[0], 3, 30.0)            # an other worker holds the probe
    assert not store.outbox.take_probe("sms", clock[0], 3, 30.0)
    assert worker.run_once() == 0                                       # so this one sends nothing
    clock[0] += 31.0
    _drain(worker)
    assert store.outbox.endpoint("sms").state(clock[0], 3) == "closed"
    assert store.outbox.counts() == {"sent": 5}


def test_410_disables_the_endpoint_and_parks_its_messages(rig, tmp_path):
    svc, store, worker, gw = rig
    u = svc.access.user
    cfg = worker.notifier.cfg
    d = cfg.department("RSJ")
    d.url = gw.url + "/gone/RSJ"
    t = svc.register(u("agent1001"), _intake())
    svc.dispatch(u("duty"), t.serial, "RSJ")
    svc.urge(u("duty"), t.serial)
    _drain(worker)
    assert store.outbox.endpoint("dept:RSJ").disabled
    rows = {r.event: r for r in store.outbox.rows(serial=t.serial)}
    assert rows["dispatch"].status == "dead" and rows["urge"].status == "dead"
    assert rows["registered"].status == "sent"


def test_duplicate_receipts_mark_delivered_once(rig):
    svc, store, worker, gw = rig
    u = svc.access.user
    t = svc.register(u("agent1001"), _intake())
    worker.run_once()
    rid = f"{t.serial}-registered-v1-citizen"
    assert store.outbox.receipt(rid, "delivered", 5.0)
    assert store.outbox.receipt(rid, "delivered", 6.0)
    row = store.outbox.get(rid)
    assert row.status == "delivered" and row.done_at == 5.0
    assert not store.outbox.receipt("no-such-id", "delivered", 7.0)


def test_retry_after_sets_the_next_attempt(rig):
    svc, store, worker, gw = rig
    gw.faults, gw.fault_kinds, gw.retry_after_s = 1.0, ("throttle",), 7
    t = svc.register(svc.access.user("agent1001"), _intake())
    now = [time.time()]
    worker.clock = lambda: now[0]
    assert worker.run_once() == 1
    row = store.outbox.get(f"{t.serial}-registered-v1-citizen")
    assert row.status == "pending" and row.next_at == pytest.approx(now[0] + 7) and "HTTP 429" in row.last_error
    now[0] += 6
    assert worker.run_once() == 0                 # not before the far end asked
    gw.faults = 0.0
    now[0] += 1.5
    assert worker.run_once() == 1 and store.outbox.get(row.id).status == "sent"
