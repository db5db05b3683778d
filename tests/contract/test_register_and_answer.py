"""TicketService.register_and_answer (受理 + 当即答复) and what the screens read from the
service, on both stores (SQLite and PostgreSQL): one transaction, both steps or none."""

from datetime import datetime, timedelta

import pytest

from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import IllegalTransition, PermissionDenied, StoreBusy, ValidationError
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake


@pytest.fixture
def env(store):
    clock = FixedClock("2026-11-23T09:00:00+08:00")
    svc = ticket_service(store, DEMO_DIR, clock)
    return svc, clock, svc.access.user


def _intake(**kw) -> Intake:
    base = dict(channel="phone", caller_phone="13812341234", content="社保卡丢了怎么补办", category="consult",
                subcategory="办事指南")
    base.update(kw)
    return Intake(**base)


def _nothing_written(svc, store) -> None:
    assert store.tickets.count_by_state() == {}
    assert store.audit.recent() == []


def test_registers_answers_and_closes_with_both_audit_entries(env, store):
    svc, clock, u = env
    t = svc.register_and_answer(u("agent1001"), _intake(), "依据知识库《社保卡补办》（#7）当即答复。", article_id=7)
    assert t.serial == "20261123-000001" and t.state == "closed"
    assert t.answer == "依据知识库《社保卡补办》（#7）当即答复。" and t.closed_at == clock.now()
    stored = svc.get(u("duty"), t.serial)
    assert stored.state == "closed" and stored.version == t.version
    history = svc.history(u("duty"), t.serial)
    assert [e.action for e in history] == ["ticket.register", "ticket.answer"]
    register, answer = history
    assert register.after is not None and register.after["cited_article"] is None   # a ticket field since issue 17
    assert answer.after is not None and answer.after["cited_article"] == 7 and answer.after["state"] == "closed"
    assert answer.note == t.answer
    assert [n.kind for n in svc.notes(u("duty"), t.serial)] == ["answer"]


def test_without_an_article_nothing_is_cited(env):
    svc, _, u = env
    t = svc.register_and_answer(u("agent1001"), _intake(), "已当即答复")
    answer = svc.history(u("duty"), t.serial)[-1]
    assert answer.action == "ticket.answer" and answer.after is not None and answer.after["cited_article"] is None


def test_at_dates_both_steps(env):
    svc, clock, u = env
    earlier = clock.now() - timedelta(hours=2)
    t = svc.register_and_answer(u("agent1001"), _intake(), "补录的当即答复", at=earlier)
    assert t.created_at == earlier and t.closed_at == earlier
    assert [e.at for e in svc.history(u("duty"), t.serial)] == [earlier, earlier]


def test_a_refused_answer_step_leaves_no_ticket_and_gives_the_serial_back(env, store):
    svc, _, u = env
    # A to-do item registers in state "todo", where "answer" is not allowed: the second step fails.
    todo = _intake(category="todo", subcategory="", remind_at=datetime.fromisoformat("2026-11-24T09:00:00+08:00"))
    with pytest.raises(IllegalTransition):
        svc.register_and_answer(u("agent1001"), todo, "不能当即答复")
    _nothing_written(svc, store)
    assert svc.register(u("agent1001"), _intake()).serial == "20261123-000001"


class _FailingUpdate:
    """The real ticket store, except that saving a ticket (the answer step) hits a locked database."""

    def __init__(self, real):
        self._real = real

    def __getattr__(self, name):
        return getattr(self._real, name)

    def update(self, ticket, expected_version):
        raise StoreBusy("sqlite:test", "database is locked")


def test_a_store_error_in_the_answer_step_rolls_the_registration_back(env, store):
    svc, _, u = env
    real = svc.store
    svc.store = _FailingUpdate(real)
    with pytest.raises(StoreBusy):
        svc.register_and_answer(u("agent1001"), _intake(), "当即答复", article_id=3)
    svc.store = real
    _nothing_written(svc, store)
    t = svc.register_and_answer(u("agent1001"), _intake(), "当即答复", article_id=3)
    assert t.serial == "20261123-000001" and t.state == "closed"


def test_bad_input_and_missing_permission_write_nothing(env, store):
    svc, _, u = env
    with pytest.raises(ValidationError):
        svc.register_and_answer(u("agent1001"), _intake(), "   ")
    with pytest.raises(ValidationError):
        svc.register_and_answer(u("agent1001"), _intake(category="nonsense"), "当即答复")
    with pytest.raises(PermissionDenied):
        svc.register_and_answer(u("dept-zjj"), _intake(), "当即答复")
    _nothing_written(svc, store)


def test_what_screens_read_from_the_service(env):
    svc, clock, _ = env
    cats = svc.categories()
    assert cats["consult"] == "普通咨询" and list(cats)[0] == "consult" and "todo" in cats
    deps = svc.departments()
    assert deps["ZJJ"] == "市住房和城乡建设局" and "RSJ" in deps
    cats["consult"] = "changed"                 # a copy: the catalogue stays as loaded
    assert svc.categories()["consult"] == "普通咨询"
    assert svc.now() == clock.now()
    clock.advance(minutes=5)
    assert svc.now() == datetime.fromisoformat("2026-11-23T09:05:00+08:00")
