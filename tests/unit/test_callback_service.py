"""Abandoned-call callbacks (呼损回拨) on the in-memory call store (tests/fakes.py): the recorder
turns a caller who gave up into one open task per number, assigned round-robin to the agents
logged in; CallbackService reassigns and completes tasks with permission, version check and
audit; HandoverNotes keep the shift's notes."""

from __future__ import annotations

import pytest

from hotline_tui import switch as sw
from hotline_tui.access import load_access
from hotline_tui.calls_port import AgentPresence
from hotline_tui.calls import CallbackAssigner, CallbackService, CallRecorder, HandoverNotes
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from hotline_tui.kpi import CallOutcome, KpiSettings
from tests.fakes import FakeStore

T = 1795402800.0      # 2026-11-23 10:20 site time
Q = "general@12345"


def left(uuid: str, number: str, wait_s: float, *, answered: bool = False, at: float = T):
    """One finished queue call as the live state hands it to the recorder."""
    outcome = CallOutcome(Q, at - wait_s, at, answered, wait_s, talk_s=60 if answered else 0,
                          abandoned=not answered, agent="1001" if answered else "")
    event = sw.MemberLeft("fs1", at, Q, uuid, "s-" + uuid, "Terminated" if answered else "Cancel", at - wait_s, at,
                          "" if answered else "BREAK_OUT", caller_number=number, caller_name="王")
    return outcome, event


@pytest.fixture
def env():
    store, clock = FakeStore(), FixedClock("2026-11-23T10:30:00+08:00")
    access = load_access(DEMO_DIR)
    logged_in = ["1003", "1001", "1002"]
    recorder = CallRecorder(store.calls, KpiSettings(short_abandon_s=5), CallbackAssigner(lambda: logged_in))
    # the switch's agents as a console saw them (reassign checks them: issue 17)
    store.calls.save_presence([AgentPresence("fs1", a, "Available", clock.now().timestamp())
                               for a in ("1001", "1002", "1003")])
    return store, clock, access.user, recorder, CallbackService(store.calls, access, clock), logged_in


def test_round_robin_goes_through_the_logged_in_agents_in_order_and_follows_changes():
    names = ["1002", "1001"]
    rr = CallbackAssigner(lambda: names)
    assert [rr.next() for _ in range(3)] == ["1001", "1002", "1001"]
    names[:] = ["1003", "1001"]                        # 1002 logged out, 1003 came in
    assert rr.next() == "1003"
    names.clear()
    assert rr.next() == ""                             # nobody logged in: unassigned, not an error


def test_a_caller_who_gave_up_gets_one_open_task_per_number_short_abandons_none(env):
    store, clock, u, recorder, svc, _ = env
    for o, e in (left("m1", "13800000001", 40), left("m2", "13800000001", 70, at=T + 300),   # rang twice
                 left("m3", "13800000002", 3),                                              # a short abandon
                 left("m4", "13800000003", 25, answered=True), left("m5", "13800000004", 90)):
        recorder(o, e)
    assert store.calls.records(0) == []                  # queued, not written: the UI loop never blocks
    assert recorder.flush() == 5
    assert [(r.member_uuid, r.outcome) for r in store.calls.records(0)] == [
        ("m1", "abandoned"), ("m3", "abandoned"), ("m4", "answered"), ("m5", "abandoned"), ("m2", "abandoned")]
    tasks = svc.list(u("lead1"))
    assert [(t.caller_number, t.assigned_to, t.state) for t in tasks] == [
        ("13800000001", "1001", "open"), ("13800000004", "1002", "open")]
    assert recorder.callbacks_created == 2 and recorder.flush() == 0
    # the same calls again (a resync replays them): no new records, no new tasks
    recorder(*left("m1", "13800000001", 40))
    recorder.flush()
    assert len(store.calls.records(0)) == 5 and len(svc.list(u("lead1"))) == 2


def test_reassign_and_complete_with_permission_version_and_audit(env):
    store, clock, u, recorder, svc, _ = env
    recorder(*left("m1", "13800000001", 40))
    recorder.flush()
    task = svc.list(u("lead1"))[0]
    with pytest.raises(PermissionDenied, match="callbacks.assign"):
        svc.reassign(u("agent1001"), task.id, "1003")
    moved = svc.reassign(u("lead1"), task.id, "1003", expected_version=task.version)
    # the automatic assignment was a write too (version 2): the reassignment makes it 3
    assert (moved.assigned_to, moved.version, moved.updated_at) == ("1003", task.version + 1, clock.now().timestamp())
    with pytest.raises(ConflictError) as err:                       # a screen still showing version 1
        svc.reassign(u("duty"), task.id, "1002", expected_version=task.version)
    assert (err.value.expected, err.value.actual) == (task.version, task.version + 1)
    assert store.calls.callback(task.id).assigned_to == "1003"

    done = svc.complete(u("agent1001"), task.id, "已回电，市民已解决")
    assert (done.state, done.note, done.version) == ("done", "已回电，市民已解决", task.version + 2)
    assert svc.list(u("lead1")) == [] and [t.state for t in svc.list(u("lead1"), state=None)] == ["done"]
    with pytest.raises(ValidationError, match="already done"):
        svc.complete(u("agent1001"), task.id)
    with pytest.raises(ValidationError, match="only open tasks"):
        svc.reassign(u("lead1"), task.id, "1002")
    trail = store.audit.for_subject("callback", str(task.id))
    assert [(e.action, e.actor, e.before["assigned_to"], e.after["assigned_to"]) for e in trail] == [
        ("callback.reassign", "lead1", "1001", "1003"), ("callback.complete", "agent1001", "1003", "1003")]
    assert trail[1].after["state"] == "done"


def test_unreached_caller_cancels_the_task_and_unknown_tasks_are_not_found(env):
    store, clock, u, recorder, svc, _ = env
    recorder(*left("m1", "13800000001", 40))
    recorder.flush()
    task = svc.list(u("lead1"))[0]
    assert svc.complete(u("agent1001"), task.id, "三次未接通", reached=False).state == "cancelled"
    with pytest.raises(NotFound):
        svc.reassign(u("lead1"), 999, "1002")
    with pytest.raises(ValidationError, match="name the agent"):
        svc.reassign(u("lead1"), task.id, "")
    # a new abandon from the same number after the task was closed opens a new task
    recorder(*left("m9", "13800000001", 40, at=T + 900))
    recorder.flush()
    assert [(t.member_uuid, t.state) for t in svc.list(u("lead1"), state=None)] == [("m9", "open"),
                                                                                   ("m1", "cancelled")]


def test_handover_notes_belong_to_the_shift_they_were_written_in(env):
    store, clock, u, recorder, svc, _ = env
    notes = HandoverNotes(store.calls, load_access(DEMO_DIR), clock, KpiSettings())
    notes.add(u("lead1"), "  社保系统 10:00-10:30 维护，来电请解释  ")
    with pytest.raises(PermissionDenied):
        notes.add(u("agent1001"), "x")
    with pytest.raises(ValidationError):
        notes.add(u("lead1"), "   ")
    day, shift, current = notes.current(u("agent1001"))
    assert (day, shift) == ("2026-11-23", "早班")
    assert [(n.author, n.text) for n in current] == [("lead1", "社保系统 10:00-10:30 维护，来电请解释")]
    clock.advance(hours=7)                               # 17:30: the middle shift
    assert notes.current(u("agent1001"))[1:] == ("中班", [])
    assert [n.text for n in notes.for_shift(u("duty"), "2026-11-23", "早班")] == ["社保系统 10:00-10:30 维护，来电请解释"]
    assert [e.action for e in store.audit.recent()] == ["handover.note"]
