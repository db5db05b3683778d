"""Permission is checked before anything else is looked up. The order: permission for the
action, then visibility (a ticket the user may not see answers exactly like one that does not
exist), then the version the screen showed, then the transition."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from hotline import cli
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ConflictError, HotlineError, IllegalTransition, NotFound, PermissionDenied
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake

MISSING = "20261123-999999"


@pytest.fixture
def env(store):
    svc = ticket_service(store, DEMO_DIR, FixedClock("2026-11-23T09:00:00+08:00"))
    return svc, svc.access.user


def _new(svc, u, department=""):
    t = svc.register(u("agent1001"), Intake("phone", "13812341234", "噪音", "consult"))
    if department:
        svc.dispatch(u("handler"), t.serial, department)
    return t.serial


def _refusal(fn, serial):
    """(error class, message with the serial blanked) of ``fn(serial)``."""
    with pytest.raises(HotlineError) as info:
        fn(serial)
    return type(info.value), str(info.value).replace(serial, "<serial>")


DEPARTMENT_CALLS = {
    "get": lambda s, u, n: s.get(u, n),
    "notes": lambda s, u, n: s.notes(u, n),
    "history": lambda s, u, n: s.history(u, n),
    "links": lambda s, u, n: s.links(u, n),
    "ack": lambda s, u, n: s.acknowledge(u, n),
    "ack stale": lambda s, u, n: s.acknowledge(u, n, expected_version=99),
    "reply (illegal in this state)": lambda s, u, n: s.reply(u, n, "done"),
    "return": lambda s, u, n: s.return_ticket(u, n, "不是我们的"),
    "extend": lambda s, u, n: s.request_extension(u, n, 3, "需现场勘查"),
    "pause": lambda s, u, n: s.pause(u, n, "等材料"),
    "resume": lambda s, u, n: s.resume(u, n),
}


@pytest.mark.parametrize("call", DEPARTMENT_CALLS)
def test_another_departments_ticket_answers_like_no_ticket(env, call):
    svc, u = env
    theirs = _new(svc, u, "ZJJ")                      # dispatched: ack legal, reply not
    fn = DEPARTMENT_CALLS[call]
    hidden = _refusal(lambda n: fn(svc, u("dept-rsj"), n), theirs)
    missing = _refusal(lambda n: fn(svc, u("dept-rsj"), n), MISSING)
    assert hidden == missing == (NotFound, "no ticket <serial>")
    assert svc.get(u("duty"), theirs).version == 2     # nothing written


def test_a_department_learns_nothing_of_an_undispatched_ticket(env):
    svc, u = env
    serial = _new(svc, u)                              # registered, no department yet
    # Before: "cannot reply a ticket in state 'registered'" told the state.
    assert _refusal(lambda n: svc.reply(u("dept-zjj"), n, "done"), serial) == (NotFound, "no ticket <serial>")
    assert not any(s.serial == serial for s in svc.search(u("dept-zjj")))


def test_qa_learns_no_version_from_expect_version(env):
    svc, u = env
    serial = _new(svc, u, "ZJJ")
    for guess in (1, 2, 3):
        with pytest.raises(PermissionDenied) as info:
            svc.urge(u("qa"), serial, expected_version=guess)
        assert "version" not in str(info.value)
    # ... and nothing about existence either: the same refusal for a ticket that is not there.
    assert _refusal(lambda n: svc.urge(u("qa"), n, expected_version=1), serial) == \
        _refusal(lambda n: svc.urge(u("qa"), n, expected_version=1), MISSING)


def test_permission_before_existence_for_every_action(env):
    svc, u = env
    serial = _new(svc, u)
    for fn in (lambda n: svc.dispatch(u("qa"), n, "ZJJ"), lambda n: svc.archive(u("qa"), n),
               lambda n: svc.approve_extension(u("qa"), n), lambda n: svc.link(u("qa"), n, "20261123-888888"),
               lambda n: svc.reply(u("qa"), n, "x"), lambda n: svc.supplement(u("qa"), n, "x")):
        assert _refusal(fn, serial)[0] is PermissionDenied
        assert _refusal(fn, serial) == _refusal(fn, MISSING)


def test_version_is_checked_before_the_transition(env):
    svc, u = env
    serial = _new(svc, u)                              # registered, version 1
    with pytest.raises(ConflictError, match="you had version 7, it is now 1"):
        svc.reply(u("duty"), serial, "done", expected_version=7)
    with pytest.raises(ConflictError):
        svc.approve_extension(u("handler"), serial, expected_version=7)
    with pytest.raises(IllegalTransition):              # the right version: now the state speaks
        svc.reply(u("duty"), serial, "done", expected_version=1)


def test_a_co_handling_unit_sees_the_ticket_but_may_not_reply_for_the_lead(env):
    svc, u = env
    t = svc.register(u("agent1001"), Intake("phone", "13812341234", "噪音", "consult"))
    svc.dispatch(u("handler"), t.serial, "ZJJ", co_departments=["RSJ"])
    assert svc.get(u("dept-rsj"), t.serial).serial == t.serial
    assert svc.acknowledge(u("dept-rsj"), t.serial).co_departments[0].acknowledged_at is not None
    with pytest.raises(PermissionDenied):
        svc.reply(u("dept-rsj"), t.serial, "done")


def test_cli_output_is_the_same_for_a_hidden_and_a_missing_ticket(tmp_path):
    db = str(tmp_path / "c.db")
    runner = CliRunner()

    def go(*args):
        return runner.invoke(cli, ["--db", db, *args], catch_exceptions=False)

    assert go("db", "migrate").exit_code == 0
    serial = json.loads(go("tickets", "new", "--phone", "13812341234", "--content", "x", "--category", "consult",
                           "--json").stdout)["serial"]
    assert go("tickets", "dispatch", serial, "--department", "ZJJ", "--as", "handler").exit_code == 0
    missing = serial[:9] + "999999"
    for args in (("show",), ("ack",), ("reply", "--text", "x"), ("ack", "--expect-version", "1")):
        hidden = go("tickets", args[0], serial, *args[1:], "--as", "dept-rsj")
        absent = go("tickets", args[0], missing, *args[1:], "--as", "dept-rsj")
        assert hidden.exit_code == absent.exit_code == 1
        assert hidden.stderr.replace(serial, "S") == absent.stderr.replace(missing, "S") == "error: no ticket S\n"
