"""The live picture handed to screens is masked per role (hotline_tui.masking), and handover
notes leave their service masked."""

from __future__ import annotations

from hotline_tui.access import Role, User
from hotline_tui.live.views import AgentView, CallView, LiveSnapshot, QueueView, WaitingCaller
from hotline_tui.masking import mask_number, mask_snapshot

QA = User("qa", "孙悦", Role("qa", "质检员", frozenset({"tickets.read"})))
DUTY = User("duty", "王敏", Role("duty_supervisor", "值班长", frozenset({"personal_data.view"})))


def picture() -> LiveSnapshot:
    waiting = WaitingCaller("m-1", "general@12345", "13812341234", "张三丰", 100.0, 20.0)
    queue = QueueView("general@12345", "sim", 1, 20.0, 30.0, 1, 1, 0, 0, 2, callers=(waiting,))
    on_call = AgentView("1001", "sim", "Available", "In a queue call", 90.0, 30.0, 3, 600.0,
                        current_call="m-2", caller_number="029-88123456")
    idle = AgentView("1002", "sim", "Available", "Waiting", 80.0, 40.0, 2, 300.0)
    call = CallView("m-2", "sim", "general@12345", "029-88123456", "李四", "1001", 90.0, 95.0, 30.0)
    return LiveSnapshot(120.0, (queue,), (on_call, idle), (call,), last_event_at=119.0, events_applied=7)


def test_a_masked_role_gets_every_caller_masked_and_the_rest_unchanged():
    snap = mask_snapshot(picture(), QA)
    caller = snap.queues[0].callers[0]
    assert (caller.caller_number, caller.caller_name) == ("138****1234", "张**")
    assert snap.agents[0].caller_number == "029****3456"
    assert (snap.calls[0].caller_number, snap.calls[0].caller_name) == ("029****3456", "李*")
    # keys and figures are what the switch said
    assert snap.agents[1] == picture().agents[1]
    assert (snap.calls[0].uuid, snap.agents[0].current_call, snap.queues[0].waiting) == ("m-2", "m-2", 1)
    assert (snap.taken_at, snap.last_event_at, snap.events_applied) == (120.0, 119.0, 7)


def test_a_role_with_personal_data_view_gets_the_picture_itself():
    snap = picture()
    assert mask_snapshot(snap, DUTY) is snap
    assert mask_snapshot(snap, None).agents[0].caller_number == "029****3456"    # nobody: masked


def test_a_number_inside_a_caller_id_is_masked_too():
    assert mask_number("sip:13812341234@carrier", QA) == "sip:138****1234@carrier"
    assert mask_number("1001", QA) == "1001" and mask_number("", QA) == ""


def test_handover_notes_are_masked_for_a_role_without_personal_data_view():
    from hotline_tui.access import load_access
    from hotline_tui.calls import HandoverNotes
    from hotline_tui.clock import FixedClock
    from hotline_tui.config import DEMO_DIR
    from hotline_tui.kpi import KpiSettings
    from tests.fakes import FakeStore

    store, access = FakeStore(), load_access(DEMO_DIR)
    notes = HandoverNotes(store.calls, access, FixedClock("2026-11-23T10:30:00+08:00"), KpiSettings())
    notes.add(access.user("lead1"), "13511112222 反复来电，下一班注意")
    assert [n.text for n in notes.current(access.user("qa"))[2]] == ["135****2222 反复来电，下一班注意"]
    assert [n.text for n in notes.for_shift(access.user("qa"), "2026-11-23", "早班")] == ["135****2222 反复来电，下一班注意"]
    assert [n.text for n in notes.current(access.user("duty"))[2]] == ["13511112222 反复来电，下一班注意"]
