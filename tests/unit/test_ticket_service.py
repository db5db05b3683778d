"""TicketService on the in-memory store fakes (tests/fakes.py) with the demo site's real
roles, catalogue and SLA policy and a frozen clock: the life cycle, refusals that write
nothing, edit conflicts, the SLA clocks and escalation, and one transaction per action."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ConflictError, IllegalTransition, NotFound, PermissionDenied, ValidationError
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake
from tests.fakes import FakeStore

MONDAY_9 = "2026-11-23T09:00:00+08:00"


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SITE_TZ)


@pytest.fixture
def env():
    store, clock = FakeStore(), FixedClock(MONDAY_9)
    svc = ticket_service(store, DEMO_DIR, clock)
    return svc, store, clock, svc.access.user


def register(svc, u, category="complaint", **kw):
    return svc.register(u("agent1001"), Intake("phone", kw.pop("phone", "13812341234"),
                                               kw.pop("content", "小区夜间施工噪音扰民"), category, **kw))


def written(store):
    """Everything the stores hold, to show a refused action changed none of it."""
    return (store.tickets.state["tickets"].copy(), len(store.tickets.state["notes"]), len(store.audit.state["entries"]))


def test_register_triage_dispatch_ack_reply_review_callback_archive(env):
    svc, store, clock, u = env
    tk = register(svc, u, caller_name="张三")
    assert (tk.serial, tk.state, tk.version) == ("20261123-000001", "registered", 1)
    assert register(svc, u).serial == "20261123-000002"               # serials count up per day

    steps = [
        (lambda: svc.triage(u("handler"), tk.serial, urgency="normal"), "triaged"),
        (lambda: svc.dispatch(u("handler"), tk.serial, "ZJJ", co_departments=["CGJ"]), "dispatched"),
        (lambda: svc.acknowledge(u("dept-zjj"), tk.serial), "handling"),
        (lambda: svc.reply(u("dept-zjj"), tk.serial, "已责令停工"), "replied"),
        (lambda: svc.review_reply(u("handler"), tk.serial, accept=True), "callback_pending"),
        (lambda: svc.callback(u("agent1001"), tk.serial, "satisfied", "satisfied"), "called_back"),
        (lambda: svc.archive(u("handler"), tk.serial, responsibility="at_fault", unit="ZJJ"), "archived"),
    ]
    for n, (step, state) in enumerate(steps, start=2):
        clock.advance(minutes=10)
        got = step()
        assert (got.state, got.version) == (state, n)
        assert store.tickets.get(tk.serial).state == state                # stored, not only returned

    final = svc.get(u("duty"), tk.serial)
    assert final.department == "ZJJ" and [c.department for c in final.co_departments] == ["CGJ"]
    assert final.reply == "已责令停工" and final.callback_attempts == 1 and final.responsibility == "at_fault"
    assert final.closed_at == clock.now() and final.current_due is None          # no clock runs any more
    assert [e.action for e in svc.history(u("duty"), tk.serial)] == [
        "ticket.register", "ticket.triage", "ticket.dispatch", "ticket.ack", "ticket.reply", "ticket.accept_reply",
        "ticket.callback", "ticket.archive"]
    assert [n.kind for n in svc.notes(u("duty"), tk.serial)] == ["reply", "callback"]
    history = svc.history(u("duty"), tk.serial)
    assert history[1].before["state"] == "registered" and history[1].after["state"] == "triaged"
    assert history[0].subject_id == history[0].after["serial"] == tk.serial


def test_answer_on_the_spot_closes_at_once(env):
    svc, store, clock, u = env
    tk = register(svc, u, category="consult", content="公积金提取需要什么材料")
    done = svc.answer(u("agent1001"), tk.serial, "带身份证和银行卡到公积金中心办理")
    assert (done.state, done.closed_at, done.answer) == ("closed", clock.now(), "带身份证和银行卡到公积金中心办理")
    assert [(n.kind, n.actor) for n in store.tickets.notes(tk.serial)] == [("answer", "agent1001")]
    with pytest.raises(ValidationError):
        svc.answer(u("agent1001"), register(svc, u).serial, "   ")


@pytest.mark.parametrize("action", [
    lambda svc, u, s: svc.callback(u("agent1001"), s, "satisfied", "satisfied"),
    lambda svc, u, s: svc.review_reply(u("handler"), s, accept=True),
    lambda svc, u, s: svc.archive(u("handler"), s),
], ids=["callback", "review", "archive"])
def test_actions_the_registered_state_does_not_allow_are_refused_and_write_nothing(env, action):
    svc, store, clock, u = env
    tk = register(svc, u)
    before = written(store)
    with pytest.raises(IllegalTransition) as err:
        action(svc, u, tk.serial)
    assert err.value.state == "registered"
    assert written(store) == before


@pytest.mark.parametrize("action", [
    lambda svc, u, s: svc.reply(u("dept-zjj"), s, "done"),
    lambda svc, u, s: svc.acknowledge(u("dept-zjj"), s),
], ids=["reply", "ack"])
def test_a_department_learns_nothing_of_a_ticket_not_dispatched_to_it(env, action):
    # Visibility comes before the transition (docs/tickets.md): the undispatched ticket answers
    # like a missing one, so its state does not leak through an "illegal transition" error.
    svc, store, clock, u = env
    tk = register(svc, u)
    before = written(store)
    with pytest.raises(NotFound, match=f"no ticket {tk.serial}"):
        action(svc, u, tk.serial)
    assert written(store) == before


def test_a_second_ack_and_a_reply_before_ack_are_illegal(env):
    svc, store, clock, u = env
    tk = register(svc, u)
    svc.dispatch(u("handler"), tk.serial, "ZJJ")
    with pytest.raises(IllegalTransition, match="cannot reply a ticket in state 'dispatched'"):
        svc.reply(u("dept-zjj"), tk.serial, "done")
    svc.acknowledge(u("dept-zjj"), tk.serial)
    with pytest.raises(IllegalTransition):
        svc.acknowledge(u("dept-zjj"), tk.serial)
    assert store.tickets.get(tk.serial).version == 3


def test_permission_is_checked_first_and_departments_act_only_for_their_tickets(env):
    svc, store, clock, u = env
    tk = register(svc, u)
    before = written(store)
    with pytest.raises(PermissionDenied, match="agent1001 lacks 'tickets.dispatch'"):
        svc.dispatch(u("agent1001"), tk.serial, "ZJJ")
    # no permission and an illegal state: the refusal names the permission, not the state
    with pytest.raises(PermissionDenied, match="tickets.department"):
        svc.reply(u("agent1001"), tk.serial, "done")
    assert written(store) == before
    svc.dispatch(u("handler"), tk.serial, "ZJJ")
    # another department's ticket answers like a missing one (no state, no existence leaks)
    with pytest.raises(NotFound, match=f"no ticket {tk.serial}"):
        svc.acknowledge(u("dept-rsj"), tk.serial)
    with pytest.raises(NotFound, match=f"no ticket {tk.serial}"):
        svc.get(u("dept-rsj"), tk.serial)
    assert svc.get(u("dept-zjj"), tk.serial).serial == tk.serial
    assert [x.serial for x in svc.search(u("dept-rsj"))] == [] and len(svc.search(u("dept-zjj"))) == 1
    with pytest.raises(NotFound):
        svc.get(u("duty"), "20990101-000001")


def test_personal_data_is_masked_for_roles_without_it(env):
    svc, store, clock, u = env
    tk = register(svc, u, caller_name="张三丰")
    seen = svc.get(u("oncall"), tk.serial)
    assert (seen.caller_phone, seen.caller_name) == ("138****1234", "张**")
    assert store.tickets.get(tk.serial).caller_phone == "13812341234"    # masked on the way out only


def test_a_stale_screen_gets_an_edit_conflict_and_the_first_edit_stays(env):
    svc, store, clock, u = env
    tk = register(svc, u)
    shown = tk.version                                               # what both screens show
    svc.triage(u("handler"), tk.serial, urgency="urgent", expected_version=shown)
    with pytest.raises(ConflictError) as err:
        svc.triage(u("duty"), tk.serial, urgency="normal", expected_version=shown)
    assert (err.value.expected, err.value.actual) == (1, 2)
    stored = store.tickets.get(tk.serial)
    assert (stored.urgency, stored.version) == ("urgent", 2)
    assert [e.action for e in store.audit.for_subject("ticket", tk.serial)] == ["ticket.register", "ticket.triage"]


def test_the_acknowledge_clock_turns_yellow_then_red_and_escalation_steps_are_taken_once(env):
    svc, store, clock, u = env
    tk = register(svc, u)
    tk = svc.dispatch(u("handler"), tk.serial, "ZJJ")
    assert (tk.current_due, tk.yellow_from) == (t("2026-11-23T09:30"), t("2026-11-23T09:15"))   # 30 minutes
    assert tk.handle_due == t("2026-11-30T17:30")                     # 5 working days for a complaint
    clock.advance(minutes=5)
    assert svc.light(store.tickets.get(tk.serial)) == "green" and svc.overdue_counts(u("duty")) == (0, 0)
    clock.advance(minutes=15)                                         # 09:20
    assert svc.light(store.tickets.get(tk.serial)) == "yellow" and svc.overdue_counts(u("duty")) == (1, 0)
    assert [(x.serial, light) for x, light in svc.overdue(u("duty"))] == [(tk.serial, "yellow")]
    clock.advance(minutes=11)                                         # 09:31: past due
    assert svc.light(store.tickets.get(tk.serial)) == "red" and svc.overdue_counts(u("duty")) == (0, 1)
    assert svc.overdue(u("duty"), light="yellow") == []

    taken = svc.escalate(u("duty"))
    assert sorted(step for _, step in taken) == sorted(["预警", "超期", "自动催办"])   # 督办 waits 48 h
    assert store.tickets.get(tk.serial).urges == 1                    # the auto-urge counts as an urge
    assert svc.escalate(u("duty")) == []                               # each step once per deadline
    clock.advance(hours=48)
    assert [step for _, step in svc.escalate(u("duty"))] == ["督办"]


def test_acknowledging_starts_the_handle_clock_and_a_pause_stops_it(env):
    svc, store, clock, u = env
    tk = register(svc, u)
    svc.dispatch(u("handler"), tk.serial, "ZJJ")
    clock.advance(minutes=20)
    tk = svc.acknowledge(u("dept-zjj"), tk.serial)
    assert tk.acknowledged_at == clock.now() and tk.current_due == t("2026-11-30T17:30")
    tk = svc.pause(u("dept-zjj"), tk.serial, "等市民补充材料")
    assert (tk.state, tk.current_due) == ("waiting_supplement", None)
    clock.advance(hours=3)
    tk = svc.resume(u("dept-zjj"), tk.serial)
    assert tk.paused_seconds == 3 * 3600
    assert tk.current_due == t("2026-11-30T17:30") + timedelta(hours=3)   # paused time added back


def test_an_extension_moves_the_handle_deadline_by_working_days(env):
    svc, store, clock, u = env
    tk = register(svc, u)
    svc.dispatch(u("handler"), tk.serial, "ZJJ")
    svc.acknowledge(u("dept-zjj"), tk.serial)
    svc.request_extension(u("dept-zjj"), tk.serial, 3, "需现场勘查")
    with pytest.raises(PermissionDenied):
        svc.approve_extension(u("dept-zjj"), tk.serial)
    tk = svc.approve_extension(u("handler"), tk.serial)
    assert (tk.state, tk.extensions, tk.handle_due) == ("handling", 1, t("2026-12-03T17:30"))


def test_an_action_whose_audit_entry_fails_leaves_the_ticket_as_it_was(env, monkeypatch):
    svc, store, clock, u = env
    tk = register(svc, u)

    def broken(entry):
        raise RuntimeError("audit log unavailable")
    monkeypatch.setattr(store.audit, "append", broken)
    with pytest.raises(RuntimeError):
        svc.dispatch(u("handler"), tk.serial, "ZJJ", note="转住建局")
    with pytest.raises(RuntimeError):
        register(svc, u)
    monkeypatch.undo()
    kept = store.tickets.get(tk.serial)
    assert (kept.state, kept.version, kept.department) == ("registered", 1, "")
    assert store.tickets.notes(tk.serial) == [] and store.db.rollbacks == 2
    assert register(svc, u).serial == "20261123-000002"             # the failed registration gave its number back


def test_work_entered_later_keeps_its_time_and_the_future_is_refused(env):
    svc, store, clock, u = env
    earlier = clock.now() - timedelta(hours=2)
    tk = svc.register(u("agent1001"), Intake("phone", "13812341234", "停电", "consult"), at=earlier)
    assert tk.created_at == earlier
    entry = store.audit.for_subject("ticket", tk.serial)[0]
    assert (entry.at, entry.recorded_at) == (earlier, clock.now())
    with pytest.raises(ValidationError, match="in the future"):
        svc.urge(u("duty"), tk.serial, at=clock.now() + timedelta(hours=1))
