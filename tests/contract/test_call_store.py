"""Call records, callback tasks and handover notes on both stores, through the core services."""

from datetime import datetime

import pytest

from hotline_tui import switch as sw
from hotline_tui.access import load_access
from hotline_tui.calls_port import AgentPresence
from hotline_tui.calls import CallbackAssigner, CallbackService, CallRecorder, HandoverNotes, shift_of
from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ConflictError, PermissionDenied, ValidationError
from hotline_tui.kpi import CallOutcome, KpiSettings

T = 1795402800.0


def left(uuid, number, *, reason="BREAK_OUT", agent="", joined=T, at=T + 40):
    return sw.MemberLeft("fs1", at, "general@12345", uuid, "s-" + uuid, "Terminated" if agent else "Cancel",
                         joined, at, "" if agent else reason, agent, joined + 10 if agent else 0.0, number, "王女士")


def outcome(e: sw.MemberLeft):
    answered = bool(e.agent)
    return CallOutcome(e.queue, e.joined_at, e.left_at, answered, 10.0 if answered else e.left_at - e.joined_at,
                       e.left_at - e.joined_at - 10 if answered else 0.0, not answered and e.cancel_reason == "BREAK_OUT",
                       e.agent)


def test_records_survive_and_abandons_become_round_robin_callbacks(store):
    settings = KpiSettings()
    rec = CallRecorder(store.calls, settings, CallbackAssigner(lambda: ["1002", "1001"]))
    events = [left("m1", "13800000001", agent="1001"), left("m2", "13800000002"), left("m3", "13800000003"),
              left("m4", "13800000002", at=T + 90),                       # same caller again: one task
              left("m5", "13800000005", at=T + 3),                        # short abandon: no task
              left("m6", "13800000006", reason="TIMEOUT")]
    for e in events:
        rec(outcome(e), e)
    assert rec.flush() == 6 and rec.flush() == 0
    rec(outcome(events[0]), events[0])                                    # delivered twice: stored once
    rec.flush()
    rows = store.calls.records(T - 1)
    assert sorted(r.outcome for r in rows) == ["abandoned", "abandoned", "abandoned", "abandoned", "answered", "timeout"]
    assert len(rows) == 6 and rec.written == 6
    answered = next(r for r in rows if r.outcome == "answered")
    assert (answered.agent, answered.wait_s, answered.answered_at) == ("1001", 10.0, T + 10)
    tasks = store.calls.callbacks()
    assert [(t.caller_number, t.assigned_to) for t in tasks] == [("13800000002", "1001"), ("13800000003", "1002")]


def test_reassign_is_permission_checked_versioned_and_audited(store):
    access = load_access(DEMO_DIR)
    clock = FixedClock("2026-11-23T10:30:00+08:00")
    svc = CallbackService(store.calls, access, clock)
    store.calls.save_presence([AgentPresence("fs1", a, "Available", clock.now().timestamp()) for a in ("1002", "1003")])
    rec = CallRecorder(store.calls, KpiSettings(), CallbackAssigner(lambda: ["1001"]))
    e = left("m9", "13900000009")
    rec(outcome(e), e)
    rec.flush()
    task = svc.list(access.user("duty"))[0]
    with pytest.raises(PermissionDenied):
        svc.reassign(access.user("agent1001"), task.id, "1002")
    moved = svc.reassign(access.user("lead1"), task.id, "1002", expected_version=task.version)
    assert moved.assigned_to == "1002" and moved.version == task.version + 1
    with pytest.raises(ConflictError):
        svc.reassign(access.user("lead1"), task.id, "1003", expected_version=task.version)
    done = svc.complete(access.user("agent1001"), task.id, "已回拨，市民问题已解决")
    assert done.state == "done"
    with pytest.raises(ValidationError):
        svc.reassign(access.user("lead1"), task.id, "1003")
    trail = store.audit.for_subject("callback", str(task.id))
    assert [a.action for a in trail] == ["callback.reassign", "callback.complete"]
    assert trail[0].before["assigned_to"] == "1001" and trail[0].after["assigned_to"] == "1002"


def test_handover_notes_are_kept_with_the_shift(store):
    access = load_access(DEMO_DIR)
    clock = FixedClock("2026-11-23T15:50:00+08:00")
    notes = HandoverNotes(store.calls, access, clock, KpiSettings())
    notes.add(access.user("lead1"), "社保系统 14:00-14:40 故障，已报信息中心")
    with pytest.raises(PermissionDenied):
        notes.add(access.user("agent1001"), "x")
    with pytest.raises(ValidationError):
        notes.add(access.user("lead1"), "   ")
    clock.advance(minutes=20)                                             # 16:10: the next shift
    notes.add(access.user("lead2"), "中班接班，排队正常")
    assert [n.text for n in notes.for_shift(access.user("duty"), "2026-11-23", "早班")] == ["社保系统 14:00-14:40 故障，已报信息中心"]
    day, name, current = notes.current(access.user("duty"))
    assert (day, name) == ("2026-11-23", "中班") and [n.author for n in current] == ["lead2"]
    assert store.audit.for_subject("shift", "2026-11-23 早班")[0].action == "handover.note"


def test_shift_of_night_shift_belongs_to_the_day_it_started():
    s = KpiSettings()
    assert shift_of(datetime(2026, 11, 23, 7, 59, tzinfo=SITE_TZ), s) == ("2026-11-23", "夜班")
    assert shift_of(datetime(2026, 11, 23, 8, 0, tzinfo=SITE_TZ), s) == ("2026-11-23", "早班")
    assert shift_of(datetime(2026, 11, 23, 23, 0, tzinfo=SITE_TZ), s) == ("2026-11-23", "中班")


def test_a_taken_caller_replaces_an_abandoned_record_never_the_reverse(store):
    # issue 18: a `hotline record` beside the console saw only BREAK_OUT and wrote "abandoned";
    # the console whose supervisor picked the caller up writes "picked_up" for the same visit.
    rec = CallRecorder(store.calls, KpiSettings())
    e, moved = left("m1", "13800000001"), left("m2", "13800000002")
    for ev in (e, moved):
        rec(outcome(ev), ev)
    rec.flush()
    picked = CallOutcome(e.queue, e.joined_at, e.left_at, True, 40.0, taken="picked_up")
    rec(picked, e)
    rec(CallOutcome(moved.queue, moved.joined_at, moved.left_at, False, 40.0, taken="moved"), moved)
    rec.flush()
    rec(outcome(e), e)                                     # an abandoned written later changes nothing
    rec.flush()
    rows = {r.member_uuid: r for r in store.calls.records(T - 1)}
    assert len(rows) == 2 and rows["m1"].outcome == "picked_up" and rows["m1"].answered_at == T + 40
    assert rows["m2"].outcome == "transferred"


def test_intervals_overlapping_a_stretch_whichever_index_the_store_searches(store):
    """``intervals(since, until)``: every interval overlapping [since, until), in start order,
    both for a stretch at the end of the record (a console's rebuild: SQLite searches by the end
    index) and one at its start (by the start index), long intervals included."""
    from hotline_tui.calls_port import AgentInterval

    ivs = [AgentInterval("fs1", f"10{i % 7:02d}", T + i * 600.0, T + i * 600.0 + 900.0, "Available", "Waiting")
           for i in range(200)]
    ivs.append(AgentInterval("fs1", "1099", T - 86400.0, T + 200 * 600.0, "Logged Out", "Idle"))   # the whole span
    assert store.calls.add_intervals(ivs) == len(ivs)

    def expected(lo, hi):
        return sorted((iv for iv in ivs if iv.ended_at > lo and iv.started_at < hi),
                      key=lambda iv: (iv.started_at, iv.node, iv.agent))
    for lo, hi in ((T + 190 * 600.0, T + 200 * 600.0 + 5), (T, T + 3000.0), (T + 50 * 600.0, T + 60 * 600.0)):
        assert store.calls.intervals(lo, hi) == expected(lo, hi)
        assert store.calls.intervals(lo, hi, "1003") == [iv for iv in expected(lo, hi) if iv.agent == "1003"]
