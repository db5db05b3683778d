"""The record on both stores (issue 16): visits and agent intervals are written once by their
natural keys, whoever writes them; migration v2 keeps the rows stored before it."""

from __future__ import annotations

from dataclasses import replace

from backends.db import open_db
from backends.migrate import migrate
from backends.schema import all_migrations
from backends.store import open_store
from hotline_tui.calls import CallRecorder
from hotline_tui.calls_port import AgentInterval, CallRecord
from hotline_tui.kpi import KpiSettings
from hotline_tui.live.state import LiveState
from tests.record_rig import sim_events

T = 1795402800.0          # 2026-11-22 20:20 site time


def visit(uuid: str, *, node: str = "fs1", joined: float = T, left: float = T + 60, outcome: str = "answered",
          queue: str = "general@12345") -> CallRecord:
    answered = outcome == "answered"
    return CallRecord(uuid, node, queue, "13800000001", "王女士", "1001" if answered else "", joined,
                      joined + 12 if answered else None, left, outcome, 12.0 if answered else left - joined,
                      left - joined - 12 if answered else 0.0, call_id="s-" + uuid, recording_id="", wrap_s=15.0)


def test_a_visit_is_stored_once_by_node_member_join_time_and_call(store):
    a = visit("m1")
    assert store.calls.add_records([a, visit("m2", joined=T + 5)]) == 2
    assert store.calls.add_records([a]) == 0                                  # a second writer: nothing new
    # the same member uuid and join time on another node is another visit; a resumed caller
    # (same member, a later join) is another visit too
    assert store.calls.add_records([visit("m1", node="fs2"), visit("m1", joined=T + 100, left=T + 200)]) == 2
    # a resumed caller: same member and join time (mod_callcenter keeps joined_epoch), new session
    assert store.calls.add_records([replace(a, call_id="s-m1-again", left_at=T + 300)]) == 1
    rows = store.calls.records(T - 1)
    assert len(rows) == 5
    first = next(r for r in rows if (r.node, r.member_uuid, r.joined_at) == ("fs1", "m1", T))
    assert (first.call_id, first.recording_id, first.wrap_s, first.talk_s) == ("s-m1", "", 15.0, 48.0)


def test_intervals_are_stored_once_and_read_by_overlap(store):
    ivs = [AgentInterval("fs1", "1001", T, T + 100, "Available", "Waiting"),
           AgentInterval("fs1", "1001", T + 100, T + 400, "On Break", "Idle", "lunch"),
           AgentInterval("fs1", "1002", T + 50, T + 60, "Available", "In a queue call"),
           AgentInterval("fs2", "1001", T, T + 30, "Available", "Waiting")]
    assert store.calls.add_intervals(ivs) == 4
    assert store.calls.add_intervals(ivs[:2]) == 0
    assert store.calls.add_intervals([]) == 0
    assert store.calls.intervals(T - 10) == sorted(ivs, key=lambda i: (i.started_at, i.node, i.agent))
    # overlapping [T + 90, T + 110): the first two of 1001 on fs1, not the ones that ended before
    got = store.calls.intervals(T + 90, T + 110)
    assert [(i.agent, i.started_at) for i in got] == [("1001", T), ("1001", T + 100)]
    assert [i.reason for i in store.calls.intervals(T + 90, None, agent="1001")] == ["", "lunch"]
    assert store.calls.intervals(T + 400) == []                               # ended exactly then: not after


def test_a_second_writer_adds_the_not_ready_reason_and_nothing_else(store):
    """``hotline record`` knows no reason; the desk's console does: whichever writes first, the
    interval ends up with the reason, once, and a reason once stored is never overwritten."""
    bare = AgentInterval("fs1", "1001", T, T + 300, "On Break", "Idle")
    assert store.calls.add_intervals([bare]) == 1
    assert store.calls.add_intervals([replace(bare, reason="meal", ended_at=T + 999)]) == 1
    assert store.calls.add_intervals([replace(bare, reason="meal")]) == 0
    assert store.calls.add_intervals([replace(bare, reason="training"), bare]) == 0
    assert store.calls.intervals(T - 1) == [replace(bare, reason="meal")]


def test_two_writers_record_the_same_day_once(db_target):
    """A console and ``hotline record`` (or two consoles) on the same switch, each with its own
    connection, write the same visits and intervals; the store holds each once."""
    events = sim_events(T, T + 1800, seed=3)
    stores = [open_store(db_target, migrate=True), open_store(db_target, migrate=True)]
    try:
        states, recorders = [], []
        for s in stores:
            live = LiveState(KpiSettings())
            rec = CallRecorder(s.calls, KpiSettings())
            live.sinks.append(rec)
            live.interval_sinks.append(rec.interval)
            states.append(live)
            recorders.append(rec)
        half = len(events) // 2
        for e in events[:half]:
            states[0].apply(e)
        recorders[0].flush()
        for e in events:                       # the second writer saw all of it, and writes it all
            states[1].apply(e)
        recorders[1].flush()
        for e in events[half:]:
            states[0].apply(e)
        recorders[0].flush()
        visits = stores[0].calls.records(T - 3600)
        intervals = stores[1].calls.intervals(T - 3600)
        keys = {(r.node, r.member_uuid, r.joined_at, r.call_id) for r in visits}
        left = [e for e in events if type(e).__name__ == "MemberLeft"]
        assert len(left) > 50 and len(visits) == len(keys) == len(left)
        assert len({(r.node, r.member_uuid, r.joined_at) for r in visits}) < len(visits)   # resumed callers among them
        assert sum(r.written for r in recorders) == len(visits)             # the second write added none
        assert len(intervals) > 20
        assert len({(i.node, i.agent, i.started_at) for i in intervals}) == len(intervals)
        assert sum(r.intervals_written for r in recorders) == len(intervals)
        assert all(i.ended_at > i.started_at for i in intervals)
        assert all(r.call_id for r in visits)                                # the member's session uuid
    finally:
        for s in stores:
            s.close()


def test_migration_v2_keeps_the_rows_stored_before_it(db_target):
    db = open_db(db_target)
    try:
        migrate(db, [m for m in all_migrations() if not (m.component == "calls" and m.version >= 2)])
        with db.tx():
            for uuid, left in (("m1", T + 60), ("m2", T + 90)):
                db.execute("INSERT INTO call_records (member_uuid, node, queue, joined_at, answered_at, left_at, outcome,"
                           " wait_s, talk_s) VALUES (:m, 'fs1', 'general@12345', :j, NULL, :l, 'abandoned', 30, 0)",
                           {"m": uuid, "j": T, "l": left})
    finally:
        db.close()
    store = open_store(db_target, migrate=True)
    try:
        rows = store.calls.records(T)
        assert [(r.member_uuid, r.outcome, r.call_id, r.wrap_s) for r in rows] == [("m1", "abandoned", "", 0.0),
                                                                                    ("m2", "abandoned", "", 0.0)]
        old = replace(visit("m1", outcome="abandoned", left=T + 60), call_id="")     # as stored before v2
        assert store.calls.add_records([old]) == 0                                  # the new key holds
        assert store.calls.add_records([visit("m3")]) == 1
    finally:
        store.close()
