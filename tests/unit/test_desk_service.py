"""The desk's "my work" (hotline_tui/desk.py) on the in-memory stores: my tickets, the open
callback tasks assigned to my agent, today's answered calls and talk time from the record;
and the caller classes' notes from desk.yaml (bad files: one line naming file and key)."""

from __future__ import annotations


import pytest

from hotline_tui.calls_port import CallbackTask, CallRecord
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.desk import DeskService, load_class_notes
from hotline_tui.errors import ConfigError, PermissionDenied
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake
from tests.fakes import FakeStore

NOW = "2026-11-23T10:20:00+08:00"


def _record(uuid: str, agent: str, at: float, talk: float, answered: bool = True) -> CallRecord:
    return CallRecord(uuid, "fs1", "general@12345", "13812341234", "王", agent, at - 30,
                      at - 20 if answered else None, at, "answered" if answered else "abandoned", 10.0, talk)


def _task(uuid: str, agent: str, at: float) -> CallbackTask:
    return CallbackTask(0, uuid, "general@12345", "13900001111", "李", at, agent, "open", "", at)


@pytest.fixture
def env():
    store, clock = FakeStore(), FixedClock(NOW)
    tickets = ticket_service(store, DEMO_DIR, clock)
    return store, clock, tickets, DeskService(tickets, store.calls, tickets.access, clock)


def test_my_work_is_mine_only_and_today(env):
    store, clock, tickets, desk = env
    u = tickets.access.user
    now = clock.now().timestamp()
    yesterday = now - 86_400
    intake = Intake(channel="phone", caller_phone="13812341234", content="咨询社保卡补办", category="consult")
    mine = tickets.register(u("agent1001"), intake)
    tickets.register(u("duty"), intake)
    store.calls.add_records([_record("a", "1001", now - 60, 90.0), _record("b", "1001", now - 30, 45.0),
                             _record("c", "1002", now - 10, 500.0), _record("d", "1001", now - 5, 0.0, answered=False),
                             _record("e", "1001", yesterday, 300.0)])
    store.calls.add_callback(_task("x", "1001", now - 100))
    store.calls.add_callback(_task("y", "1002", now - 50))
    work = desk.my_work(u("agent1001"))
    assert [t.serial for t in work.tickets] == [mine.serial] and work.tickets_today == 1
    assert [t.member_uuid for t in work.callbacks] == ["x"]
    assert (work.calls_today, work.talk_today_s) == (2, 135.0)


def test_a_user_without_an_agent_has_tickets_only(env):
    store, clock, tickets, desk = env
    work = desk.my_work(tickets.access.user("handler"))
    assert work.callbacks == [] and work.calls_today == 0


def test_my_work_needs_the_read_permissions(env):
    store, clock, tickets, desk = env
    with pytest.raises(PermissionDenied):
        desk.my_work(tickets.access.user("dept-rsj").__class__(
            "nobody", "无权限", tickets.access.user("dept-rsj").role, agent="1001"))


def test_class_notes_from_the_demo_and_refused_ones(tmp_path):
    notes = load_class_notes(DEMO_DIR, ("elderly", "vip", "important", "blacklist"))
    assert set(notes) == {"elderly", "vip", "important", "blacklist"} and notes["elderly"].zh.startswith("老年")
    assert load_class_notes(tmp_path) == {}
    bad = tmp_path / "desk.yaml"
    bad.write_text("not_ready_reasons: [{code: break, zh: 小休, en: Break}]\n"
                   "caller_classes:\n  - {code: vip, zh: 一, en: one}\n  - {code: vip, zh: 二, en: two}\n")
    with pytest.raises(ConfigError, match=r"desk.yaml:4.*appears twice"):
        load_class_notes(tmp_path)
    bad.write_text("not_ready_reasons: [{code: break, zh: 小休, en: Break}]\n"
                   "caller_classes:\n  - {code: royal, zh: 一, en: one}\n")
    with pytest.raises(ConfigError, match=r"desk.yaml:3.*unknown caller class 'royal'"):
        load_class_notes(tmp_path, ("vip",))


def test_my_callbacks_are_masked_for_a_role_without_personal_data(env):
    import dataclasses

    store, clock, tickets, desk = env
    now = clock.now().timestamp()
    store.calls.add_callback(dataclasses.replace(_task("x", "1001", now - 100), caller_name="李明"))
    qa = dataclasses.replace(tickets.access.user("qa"), agent="1001")     # callers.read, no personal_data.view
    work = desk.my_work(qa)
    assert [t.caller_number for t in work.callbacks] != ["13900001111"] and work.callbacks[0].caller_number.endswith("1111")
    assert work.callbacks[0].caller_name not in ("李明", "")        # masked by the callback rules (mask_name)
