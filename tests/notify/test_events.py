"""Which messages each ticket action makes (docs/notify.md, "Events"), on a real store: the
life cycle from registration to archive, urge, escalation, extension decisions."""

from __future__ import annotations

import pytest

from backends.store import open_store
from hotline_tui.clock import FixedClock
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake

from .conftest import site_for


@pytest.fixture
def env(sqlite_path, tmp_path):
    site = site_for(tmp_path, "http://127.0.0.1:9")
    store = open_store(sqlite_path, migrate=True)
    clock = FixedClock("2026-11-23T09:00:00+08:00")
    svc = ticket_service(store, site, clock)
    yield svc, store, clock, svc.access.user
    store.close()


def _events(store, serial):
    return sorted((r.event, r.receiver if r.channel == "webhook" else "citizen", r.id.rsplit("-v", 1)[1].split("-")[0])
                  for r in store.outbox.rows(serial=serial))


def test_the_life_cycle_notifies_citizen_and_departments(env):
    svc, store, clock, u = env
    t = svc.register(u("agent1001"), Intake("phone", "13812341234", "工地夜间施工", "complaint"))
    s = t.serial
    svc.triage(u("handler"), s, urgency="normal")
    svc.dispatch(u("handler"), s, "ZJJ", co_departments=["RSJ", "CGJ"])       # CGJ has no webhook
    svc.urge(u("duty"), s, "请尽快处理")
    svc.acknowledge(u("dept-zjj"), s)
    svc.request_extension(u("dept-zjj"), s, 3, "需要现场核查")
    svc.approve_extension(u("handler"), s)
    svc.reply(u("dept-zjj"), s, "已责令停工")
    svc.review_reply(u("handler"), s, accept=True)
    svc.callback(u("agent1001"), s, "satisfied", "satisfied")
    svc.archive(u("handler"), s, responsibility="at_fault", unit="ZJJ")
    assert _events(store, s) == sorted([
        ("registered", "citizen", "1"), ("dispatched", "citizen", "3"), ("dispatch", "ZJJ", "3"),
        ("dispatch", "RSJ", "3"), ("urge", "ZJJ", "4"), ("extension_decision", "ZJJ", "7"),
        ("callback_result", "ZJJ", "10"), ("closed", "citizen", "11"),
    ])
    cb = store.outbox.get(f"{s}-callback_result-v10-ZJJ")
    assert cb.payload["data"]["satisfied"] is True and "caller_phone" not in cb.payload["data"]


def test_escalation_warns_the_department_and_answering_closes(env):
    svc, store, clock, u = env
    t = svc.register(u("agent1001"), Intake("phone", "13812341234", "路灯不亮", "complaint"))
    svc.dispatch(u("handler"), t.serial, "GJJ")
    clock.advance(minutes=31)
    svc.escalate(u("duty"))
    assert ("deadline_warning", "GJJ", "3") in _events(store, t.serial)
    a = svc.register_and_answer(u("agent1001"), Intake("phone", "13812341234", "社保卡怎么补办", "consult",
                                                       subcategory="办事指南"), "到社保大厅补办")
    assert [e for e, _, _ in _events(store, a.serial)] == ["closed", "registered"]
