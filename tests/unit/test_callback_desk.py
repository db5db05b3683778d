"""The desk's callback rules (hotline_tui/callback_desk.py) on the in-memory stores: a failed
try comes back after retry_after, the tries-th one closes the task unreachable, reached /
wrong number close it, only the assigned agent works a task, a changed task is a conflict,
a ticket callback (回访) goes into the ticket and an unconfirmed one comes back later; and
desk.yaml's callbacks block, refused with file, line and key."""

from __future__ import annotations

import pytest

from hotline_tui.access import load_access
from hotline_tui.callback_desk import CallbackDesk, CallbackSettings, load_callback_settings
from hotline_tui.calls_port import CallbackTask
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ConfigError, ConflictError, PermissionDenied, ValidationError
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake
from tests.fakes import FakeStore


@pytest.fixture
def env():
    store, clock = FakeStore(), FixedClock("2026-11-23T10:30:00+08:00")
    access = load_access(DEMO_DIR)
    tickets = ticket_service(store, DEMO_DIR, clock)
    desk = CallbackDesk(store.calls, tickets, access, clock, CallbackSettings(tries=2, retry_after_s=600), store.audit)
    return store, clock, access.user, desk, tickets


def task_for(store, agent: str, number: str = "13800000001") -> int:
    tid = store.calls.add_callback(CallbackTask(0, "m1", "general@12345", number, "王", 1795400000.0, "", "open", "",
                                                1795400000.0))
    store.calls.assign_callback(tid, [agent], 1795400000.0)
    return tid


def test_a_failed_try_comes_back_after_retry_after_then_the_last_closes_it_unreachable(env):
    store, clock, u, desk, _ = env
    tid = task_for(store, "1001")
    agent = u("agent1001")
    [item] = desk.mine(agent)
    assert desk.record(agent, item, "busy", "占线") == "open"
    assert desk.mine(agent) == []                              # waiting for its retry
    clock.advance(minutes=9)
    assert desk.mine(agent) == []
    clock.advance(minutes=1)
    [again] = desk.mine(agent)
    assert again.attempts == 1
    with pytest.raises(ConflictError):                         # the list shown before the first try
        desk.record(agent, item, "no_answer")
    assert desk.record(agent, again, "no_answer") == "unreachable"
    assert store.calls.callback(tid).state == "unreachable" and desk.mine(agent) == []
    assert [(a.attempt, a.result) for a in store.calls.attempts("abandoned", [str(tid)])] == [(1, "busy"), (2, "no_answer")]
    trail = [e for e in store.audit.for_subject("callback", str(tid)) if e.action == "callback.attempt"]
    assert [e.after["state"] for e in trail] == ["open", "unreachable"] and trail[0].note == "占线"


def test_reached_and_wrong_number_close_the_task_and_unknown_results_are_refused(env):
    store, clock, u, desk, _ = env
    agent = u("agent1001")
    a, b = task_for(store, "1001", "13800000001"), task_for(store, "1001", "13800000002")
    items = {i.ref: i for i in desk.mine(agent)}
    with pytest.raises(ValidationError, match="callback result must be one of reached, no_answer"):
        desk.record(agent, items[str(a)], "satisfied")
    assert desk.record(agent, items[str(a)], "reached") == "done"
    assert desk.record(agent, items[str(b)], "wrong_number") == "cancelled"
    assert [store.calls.callback(t).state for t in (a, b)] == ["done", "cancelled"]


def test_only_the_assigned_agent_works_a_task_and_only_agents_have_a_list(env):
    store, clock, u, desk, _ = env
    tid = task_for(store, "1002")
    assert desk.mine(u("agent1001")) == []                     # 1002's task is not on 1001's list
    item = desk.item(u("agent1001"), "abandoned", str(tid))
    with pytest.raises(ValidationError, match="assigned to 1002, not to you"):
        desk.record(u("agent1001"), item, "reached")
    with pytest.raises(PermissionDenied):
        desk.mine(u("duty"))                                   # a supervisor has no agent id
    with pytest.raises(PermissionDenied):
        desk.mine(u("qa"))                                     # no tickets.callback
    assert store.calls.callback(tid).attempts == 0


def test_a_ticket_callback_goes_into_the_ticket_and_an_unconfirmed_one_comes_back(env):
    store, clock, u, desk, tickets = env
    t = tickets.register(u("agent1001"), Intake("phone", "13812341234", "小区夜间施工噪音扰民", "complaint"))
    tickets.triage(u("handler"), t.serial, urgency="normal")
    tickets.dispatch(u("handler"), t.serial, "ZJJ")
    tickets.acknowledge(u("dept-zjj"), t.serial)
    tickets.reply(u("dept-zjj"), t.serial, "已责令停工")
    tickets.review_reply(u("handler"), t.serial, accept=True)
    agent = u("agent1001")
    [item] = [i for i in desk.mine(agent) if i.kind == "ticket"]
    assert desk.results("ticket") == ("satisfied", "unsatisfied", "unconfirmed")
    assert desk.record(agent, item, "unconfirmed", "无人接听") == "callback_pending"
    assert [i for i in desk.mine(agent) if i.kind == "ticket"] == []
    clock.advance(minutes=10)
    [again] = [i for i in desk.mine(agent) if i.kind == "ticket"]
    assert desk.record(agent, again, "unsatisfied") == "called_back"
    got = tickets.get(agent, t.serial)
    assert (got.callback_attempts, got.callback_result, got.callback_handler) == (2, "unsatisfied", "unsatisfied")
    assert [a.result for a in store.calls.attempts("ticket", [t.serial])] == ["unconfirmed", "unsatisfied"]


def test_desk_yaml_callbacks_defaults_values_and_one_line_refusals(tmp_path):
    assert load_callback_settings(DEMO_DIR).tries == 3
    assert load_callback_settings(tmp_path) == CallbackSettings()
    base = "not_ready_reasons:\n  - {code: meal, zh: 用餐, en: Meal}\n"
    (tmp_path / "desk.yaml").write_text(base + "callbacks:\n  tries: 5\n  retry_after_min: 10\n"
                                        "  results: [reached, busy]\n", encoding="utf-8")
    s = load_callback_settings(tmp_path)
    assert (s.tries, s.retry_after_s, s.results) == (5, 600, ("reached", "busy"))
    (tmp_path / "desk.yaml").write_text(base + "callbacks:\n  results: [busy, no_answer]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"desk.yaml:4: .*must include 'reached'"):
        load_callback_settings(tmp_path)
    (tmp_path / "desk.yaml").write_text(base + "callbacks:\n  results: [reached, asleep]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"desk.yaml:4: .*callbacks.results"):
        load_callback_settings(tmp_path)
    (tmp_path / "desk.yaml").write_text(base + "callbacks:\n  tries: 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"desk.yaml:4: .*tries"):
        load_callback_settings(tmp_path)
