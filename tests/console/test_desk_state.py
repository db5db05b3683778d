"""The agent's own state at the desk (issue 17): log in with one's own number, ready, not ready
with a reason from desk.yaml, log out — through the real ESL adapter to the simulator, shown
live on the desk, audited with the reason. Plus the wrap-up countdown and the core method's
rules (permission, own agent only, a reason from the list) against an in-memory port."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from textual.widgets import Input, Static

from hotline_tui import switch as sw
from hotline_tui.access import load_access
from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ConfigError, PermissionDenied, ValidationError
from hotline_tui.supervisor import DEFAULT_NOT_READY_REASONS, Supervisor, load_not_ready_reasons
from screens.app import HotlineApp
from screens.desk_dialogs import ChoiceScreen
from screens.dialogs import ConfirmScreen, PromptScreen
from tests.fakes import FakeDb, FakeAuditLog
from tests.waiting import wait_until_async

from .conftest import build


async def wait_until(pilot, pred, what: str, timeout: float = 10):
    await wait_until_async(pred, timeout=timeout, interval=0.02, sleep=pilot.pause, what=what)


def status_of(services, agent: str = "1001") -> str:
    return next(a.status for a in services.live.snapshot(services.now()).agents if a.name == agent)


def me_line(desk) -> str:
    return str(desk.query_one("#desk-me", Static).render())


async def test_log_out_log_in_with_my_number_and_not_ready_with_a_reason(live_rig):
    services, cc, store = live_rig
    services.user = services.access.user("agent1001")
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44)) as pilot:
        desk = app.screen
        await wait_until(pilot, lambda: "1001" in me_line(desk), "my line")
        assert all(desk.check_action(a, ()) for a in ("ready", "not_ready", "log_out"))

        await pilot.press("f4")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the log-out question")
        await pilot.press("y")
        await wait_until(pilot, lambda: cc.agents["1001"].status == "Logged Out", "logged out on the switch")
        await wait_until(pilot, lambda: "Logged out" in me_line(desk) and "F2 logs in" in me_line(desk),
                         "logged out on the desk")

        await pilot.press("f2")                           # log in: my number, prefilled
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen), "the log-in prompt")
        assert app.screen.query_one(Input).value == "1001"
        await pilot.press("enter")
        await wait_until(pilot, lambda: cc.agents["1001"].status == "Available", "available on the switch")
        await wait_until(pilot, lambda: "Available" in me_line(desk), "available on the desk")

        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen), "the reason picker")
        codes = [r.code for r in services.not_ready_reasons]
        await pilot.press(str(codes.index("meal") + 1))
        await wait_until(pilot, lambda: cc.agents["1001"].status == "On Break", "on break on the switch")
        await wait_until(pilot, lambda: "On break (Meal)" in me_line(desk), "the break and its reason on the desk")

        trail = [e for e in store.audit.for_subject("agent", "1001") if e.action == "agent.set_status"]
        assert [(e.before["status"], e.after["status"]) for e in trail][-3:] == [
            (trail[-3].before["status"], "Logged Out"), ("Logged Out", "Available"), ("Available", "On Break")]
        assert trail[-1].after["reason"] == "meal" and trail[-1].note == "meal" and trail[-1].actor == "agent1001"
        assert "reason" not in trail[-2].after

        await pilot.press("f2")                           # ready again, by key
        await wait_until(pilot, lambda: cc.agents["1001"].status == "Available", "ready again")
        await wait_until(pilot, lambda: "(Meal)" not in me_line(desk) and "Available" in me_line(desk), "ready shown")


async def test_logging_in_with_another_number_is_refused_and_nothing_is_sent(live_rig):
    services, cc, store = live_rig
    services.user = services.access.user("agent1001")
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44)) as pilot:
        desk = app.screen
        await wait_until(pilot, lambda: "1001" in me_line(desk), "my line")
        cc.set_agent_status("1001", "Logged Out")
        await wait_until(pilot, lambda: "Logged out" in me_line(desk), "logged out")
        n = len(store.audit.for_subject("agent", "1002"))
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen), "the log-in prompt")
        app.screen.query_one(Input).value = "1002"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is desk, "the prompt closed")
        await pilot.pause()
        assert cc.agents["1001"].status == "Logged Out" and len(store.audit.for_subject("agent", "1002")) == n


async def test_a_user_without_agent_self_has_no_state_keys(live_rig):
    services, cc, store = live_rig                       # duty: a supervisor, no agent id
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44)) as pilot:
        desk = app.screen
        await pilot.pause()
        assert not any(desk.check_action(a, ()) for a in ("ready", "not_ready", "log_out"))


async def test_wrap_up_counts_down_from_the_switchs_wrap_up_time_then_ready(db_copy):
    services, cc, store = build(db_copy, user="agent1001")
    t = [services.now()]
    services.now = lambda: t[0]
    live = services.live
    live.apply(sw.AgentStatusChanged("sim", t[0], "1001", "Available"))
    live.apply(sw.AgentStateChanged("sim", t[0], "1001", "Waiting"))
    live.apply(sw.BridgeEnded("sim", t[0], "general@12345", "1001", "m1", True, t[0] - 100, t[0] - 90, t[0]))
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44)) as pilot:
        desk = app.screen
        t[0] += 4                                         # wrap_up_s: 15 in the demo site.yaml
        app.refresh_now()
        await wait_until(pilot, lambda: "Wrap-up 11s left" in me_line(desk), "the countdown")
        t[0] += 7
        app.refresh_now()
        await wait_until(pilot, lambda: "Wrap-up 4s left" in me_line(desk), "the countdown going down")
        t[0] += 5
        app.refresh_now()
        await wait_until(pilot, lambda: "Wrap-up" not in me_line(desk) and "Available" in me_line(desk),
                         "ready again when the switch's wrap-up is over")
    store.close()


# -- the core method ---------------------------------------------------------------------------
class RecordingPort:
    def __init__(self):
        self.sent: list[tuple[str, str]] = []

    async def set_agent_status(self, agent: str, status: str) -> None:
        self.sent.append((agent, status))


def supervisor():
    access = load_access(DEMO_DIR)
    port, audit = RecordingPort(), FakeAuditLog(FakeDb())
    return Supervisor(port, access, audit, FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=SITE_TZ))), access, port, audit


def test_set_own_status_acts_on_my_agent_only_and_records_the_reason():
    sup, access, port, audit = supervisor()
    me = access.user("agent1001")
    codes = [r.code for r in DEFAULT_NOT_READY_REASONS]
    asyncio.run(sup.set_own_status(me, "On Break", "training", before="Available", reasons=codes))
    assert port.sent == [("1001", "On Break")]
    (e,) = audit.recent()
    assert (e.action, e.subject_id, e.before, e.after, e.note) == (
        "agent.set_status", "1001", {"status": "Available"}, {"status": "On Break", "reason": "training"}, "training")
    with pytest.raises(ValidationError):
        asyncio.run(sup.set_own_status(me, "On Break", "", reasons=codes))          # not ready needs a reason
    with pytest.raises(ValidationError):
        asyncio.run(sup.set_own_status(me, "On Break", "nap", reasons=codes))       # not in desk.yaml
    with pytest.raises(PermissionDenied):
        asyncio.run(sup.set_own_status(access.user("duty"), "Available"))         # no agent.self, no agent id
    assert port.sent == [("1001", "On Break")]


def test_not_ready_reasons_come_from_desk_yaml_and_are_checked(tmp_path):
    assert [r.code for r in load_not_ready_reasons(DEMO_DIR)] == ["break", "meal", "training", "meeting", "acw"]
    assert load_not_ready_reasons(tmp_path) == DEFAULT_NOT_READY_REASONS
    (tmp_path / "desk.yaml").write_text("not_ready_reasons:\n  - {code: meal, zh: 用餐, en: Meal}\n"
                                        "  - {code: meal, zh: 吃饭, en: Lunch}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="appears twice"):
        load_not_ready_reasons(tmp_path)
    (tmp_path / "desk.yaml").write_text("not_ready_reasons:\n  - {code: meal, zh: 用餐, english: Meal}\n",
                                        encoding="utf-8")
    with pytest.raises(ConfigError, match=r"desk.yaml:2: .*unknown key 'english'"):
        load_not_ready_reasons(tmp_path)


