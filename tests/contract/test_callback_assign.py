"""Callbacks from the desk (issue 17) on both stores: new tasks shared round robin among the
agents Available, the turn kept in the store (a restarted recorder, or a second one, goes on
where the last stopped), unassigned tasks given out when someone becomes available, attempts
recorded once, and a reassignment only to an agent that exists and is logged in."""

from __future__ import annotations

import pytest

from backends.store import open_store
from hotline_tui import switch as sw
from hotline_tui.access import load_access
from hotline_tui.calls import CallbackAssigner, CallbackService, CallRecorder
from hotline_tui.calls_port import AgentPresence, CallbackAttempt, CallbackTask
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import NotFound, ValidationError
from hotline_tui.kpi import CallOutcome, KpiSettings

T = 1795402800.0


def abandon(uuid: str, number: str, at: float):
    o = CallOutcome("general@12345", at - 40, at, False, 40.0, 0.0, True, "")
    e = sw.MemberLeft("fs1", at, "general@12345", uuid, "s-" + uuid, "Cancel", at - 40, at, "BREAK_OUT", "", 0.0,
                      number, "王")
    return o, e


def test_round_robin_goes_on_after_a_restart_and_between_two_writers(db_target):
    store = open_store(db_target, migrate=True)
    available = ["1003", "1001", "1002"]
    rec = CallRecorder(store.calls, KpiSettings(), CallbackAssigner(lambda: available), now=lambda: T)
    for i in range(2):
        rec(*abandon(f"m{i}", f"1380000000{i}", T + i))
    rec.flush()
    store.close()
    # a restart: a new store handle and a new recorder; the turn is where the last one left it
    store = open_store(db_target, migrate=True)
    other = open_store(db_target)                     # and a second writer on the same database
    rec2 = CallRecorder(store.calls, KpiSettings(), CallbackAssigner(lambda: available), now=lambda: T)
    rec3 = CallRecorder(other.calls, KpiSettings(), CallbackAssigner(lambda: available), now=lambda: T)
    rec2(*abandon("m2", "13800000002", T + 2))
    rec2.flush()
    rec3(*abandon("m3", "13800000003", T + 3))
    rec3.flush()
    rec2(*abandon("m4", "13800000004", T + 4))
    rec2.flush()
    got = [(t.caller_number[-1], t.assigned_to) for t in store.calls.callbacks()]
    assert got == [("0", "1001"), ("1", "1002"), ("2", "1003"), ("3", "1001"), ("4", "1002")]
    # assigning an assigned task again changes nothing, the turn included
    assert store.calls.assign_callback(1, available, T) == ""
    assert store.calls.callbacks(assigned_to="1002")[0].caller_number == "13800000001"
    other.close()
    store.close()


def test_tasks_wait_unassigned_until_someone_is_available(store):
    available: list[str] = []                        # everybody on break or logged out
    rec = CallRecorder(store.calls, KpiSettings(), CallbackAssigner(lambda: available), now=lambda: T)
    rec(*abandon("m1", "13800000001", T))
    rec(*abandon("m2", "13800000002", T + 1))
    rec.flush()
    assert [t.assigned_to for t in store.calls.callbacks()] == ["", ""]
    available[:] = ["1005"]                          # back from the break
    rec.flush()
    assert [t.assigned_to for t in store.calls.callbacks()] == ["1005", "1005"]
    assert store.calls.callbacks(assigned_to="") == []


def test_presence_is_written_and_reassign_refuses_unknown_logged_out_and_stale_agents(store):
    clock = FixedClock("2026-11-23T10:30:00+08:00")
    now = clock.now().timestamp()
    roster = [("fs1", "1001", "Available"), ("fs1", "1002", "Logged Out"), ("fs1", "1003", "On Break")]
    rec = CallRecorder(store.calls, KpiSettings(), CallbackAssigner(lambda: ["1001"], lambda: roster),
                       now=lambda: now - 10)
    rec(*abandon("m1", "13800000001", now - 60))
    rec.flush()
    assert [(p.agent, p.status) for p in store.calls.presence()] == [
        ("1001", "Available"), ("1002", "Logged Out"), ("1003", "On Break")]
    svc = CallbackService(store.calls, load_access(DEMO_DIR), clock, fresh_s=120)
    lead = load_access(DEMO_DIR).user("lead1")
    task = store.calls.callbacks()[0]
    with pytest.raises(NotFound, match="agent 9999 is not an agent on the switch"):
        svc.reassign(lead, task.id, "9999")
    with pytest.raises(ValidationError, match="agent 1002 is logged out"):
        svc.reassign(lead, task.id, "1002")
    assert svc.reassign(lead, task.id, "1003").assigned_to == "1003"      # on break is logged in
    store.calls.save_presence([AgentPresence("fs1", "1001", "Available", now - 600)])
    with pytest.raises(ValidationError, match=r"agent 1001 was last seen 600 s ago \(at most 120 s\)"):
        svc.reassign(lead, task.id, "1001")
    # the console checks against its live picture instead
    assert svc.reassign(lead, task.id, "1001", roster={"1001": "Available"}).assigned_to == "1001"
    with pytest.raises(NotFound):
        svc.reassign(lead, task.id, "1004", roster={"1001": "Available"})
    assert store.calls.callback(task.id).assigned_to == "1001"


def test_an_attempt_is_recorded_once_with_the_task_and_audit(store):
    from hotline_tui.audit import AuditEntry

    clock = FixedClock("2026-11-23T10:30:00+08:00")
    tid = store.calls.add_callback(CallbackTask(0, "m1", "q", "13800000001", "王", T, "1001", "open", "", T))
    task = store.calls.callback(tid)
    new = CallbackTask(tid, "m1", "q", "13800000001", "王", T, "1001", "open", "", T + 60, task.version + 1,
                       attempts=1, due_at=T + 1860)
    entry = AuditEntry("agent1001", "callback.attempt", "callback", str(tid), clock.now(), clock.now(),
                       None, {"result": "no_answer"})
    att = CallbackAttempt("abandoned", str(tid), 1, "1001", T + 60, "no_answer", "无人接听", "uuid-1")
    assert store.calls.record_attempt(att, new, task.version, entry) is True
    assert store.calls.record_attempt(att, new, task.version, entry) is False      # delivered twice: once
    assert store.calls.attempts("abandoned", [str(tid)]) == [att]
    saved = store.calls.callback(tid)
    assert (saved.attempts, saved.due_at, saved.version) == (1, T + 1860, task.version + 1)
    assert [e.action for e in store.audit.for_subject("callback", str(tid))] == ["callback.attempt"]


def test_the_callbacks_migration_keeps_tasks_stored_before_it(db_target):
    from backends.db import open_db
    from backends.migrate import migrate
    from backends.schema import all_migrations

    # everything up to (not including) this migration, found by its name: the lead renumbers
    mine = next(m for m in all_migrations() if m.component == "calls" and m.name.startswith("callbacks from the desk"))
    db = open_db(db_target)
    try:
        migrate(db, [m for m in all_migrations() if not (m.component == "calls" and m.version >= mine.version)])
        with db.tx():
            db.execute("INSERT INTO callback_tasks (member_uuid, queue, caller_number, abandoned_at, assigned_to,"
                       " state, updated_at) VALUES ('m1', 'q', '13800000001', :t, '', 'open', :t)", {"t": T})
    finally:
        db.close()
    store = open_store(db_target, migrate=True)
    try:
        [old] = store.calls.callbacks()
        assert (old.attempts, old.due_at, old.assigned_to) == (0, 0.0, "")
        assert store.calls.assign_callback(old.id, ["1002", "1001"], T) == "1001"     # the cursor starts empty
        assert store.calls.presence() == [] and store.calls.attempts("abandoned", [str(old.id)]) == []
    finally:
        store.close()
