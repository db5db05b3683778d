"""Service level: the audit trail, notes, caller records and callback tasks leave the services
masked for roles without personal_data.view (the console's audit trail showed
``caller_phone=…`` to QA), on both stores."""

from __future__ import annotations

import json

import pytest

from hotline_tui.calls import CallbackService, CallbackTask
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake

PHONE, NAME, OTHER = "13812341234", "张三丰", "15999998888"


@pytest.fixture
def env(store):
    clock = FixedClock("2026-11-23T09:00:00+08:00")
    svc = ticket_service(store, DEMO_DIR, clock)
    return svc, svc.access.user, store


def _full_number_in(value) -> bool:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return PHONE in text or NAME in text or OTHER in text


def _trail_ticket(svc, u):
    t = svc.register(u("agent1001"), Intake("phone", PHONE, f"噪音扰民，备用电话{OTHER}", "complaint",
                                            caller_name=NAME))
    svc.dispatch(u("handler"), t.serial, "ZJJ", note=f"市民电话{PHONE}")
    svc.acknowledge(u("dept-zjj"), t.serial)
    svc.supplement(u("handler"), t.serial, f"市民另留电话{OTHER}")
    return t.serial


@pytest.mark.parametrize("viewer", ["qa", "dept-zjj", "director"])
def test_audit_trail_and_notes_are_masked(env, viewer):
    svc, u, _ = env
    serial = _trail_ticket(svc, u)
    trail = svc.history(u(viewer), serial)
    assert [e.action for e in trail] == ["ticket.register", "ticket.dispatch", "ticket.ack", "ticket.supplement"]
    for e in trail:
        assert not _full_number_in([e.before, e.after, e.note, e.subject_id]), e
    assert trail[0].after["caller_phone"] == "138****1234" and trail[0].after["caller_name"] == "张**"
    assert "159****8888" in trail[0].after["content"]
    notes = svc.notes(u(viewer), serial)
    assert notes and not _full_number_in([n.text for n in notes])
    assert any("159****8888" in n.text for n in notes)


def test_staff_who_may_see_personal_data_get_the_record_as_stored(env):
    svc, u, _ = env
    serial = _trail_ticket(svc, u)
    trail = svc.history(u("duty"), serial)
    assert trail[0].after["caller_phone"] == PHONE and trail[0].after["caller_name"] == NAME
    assert any(OTHER in n.text for n in svc.notes(u("duty"), serial))


def test_action_results_are_masked_for_the_actor(env):
    svc, u, _ = env
    t = svc.register(u("agent1001"), Intake("phone", PHONE, "x", "consult", caller_name=NAME))
    svc.dispatch(u("handler"), t.serial, "ZJJ")
    for result in (svc.acknowledge(u("dept-zjj"), t.serial), svc.reply(u("dept-zjj"), t.serial, f"已回电{PHONE}")):
        assert not _full_number_in(result.snapshot()), result
        assert result.caller_phone == "138****1234"
    assert svc.get(u("duty"), t.serial).reply == f"已回电{PHONE}"      # stored as given


def test_caller_records_and_their_audit_entries_are_masked(env):
    svc, u, store = env
    svc.register(u("agent1001"), Intake("phone", PHONE, "x", "consult", caller_name=NAME))
    svc.classify_caller(u("duty"), PHONE, "vip", name=NAME, note=f"家属电话{OTHER}")
    caller, history = svc.caller(u("qa"), PHONE)
    assert (caller.phone, caller.name, caller.caller_class) == ("138****1234", "张**", "vip")
    assert not _full_number_in([caller.note, [t.snapshot() for t in history]]) and history
    entry = store.audit.for_subject("caller", PHONE)[0]
    masked = svc.masked_entry(entry, u("qa"))
    assert masked.subject_id == "138****1234" and not _full_number_in([masked.before, masked.after, masked.subject_id])


def test_callback_tasks_are_masked(env):
    svc, u, store = env
    clock = FixedClock("2026-11-23T09:00:00+08:00")
    callbacks = CallbackService(store.calls, svc.access, clock)
    tid = store.calls.add_callback(CallbackTask(0, "m-1", "general", PHONE, NAME, clock.now().timestamp(), "1001",
                                                "open", "", clock.now().timestamp()))
    (task,) = callbacks.list(u("qa"))
    assert (task.caller_number, task.caller_name) == ("138****1234", "张**")
    (full,) = callbacks.list(u("lead1"))
    assert (full.caller_number, full.caller_name) == (PHONE, NAME)
    done = callbacks.complete(u("duty"), tid, f"回拨{PHONE}")
    assert done.note == f"回拨{PHONE}"                                 # duty may see it
