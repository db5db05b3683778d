"""The ticket life cycle through TicketService on both stores (SQLite and PostgreSQL)."""

import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from backends.store import open_store
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import (ConflictError, IllegalTransition, IntegrityViolation, NotFound, PermissionDenied,
                                 ValidationError)
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(store):
    clock = FixedClock("2026-11-23T09:00:00+08:00")
    svc = ticket_service(store, DEMO_DIR, clock)
    u = svc.access.user
    return svc, clock, u


def _new(svc, u, **kw):
    base = dict(channel="phone", caller_phone="13812341234", caller_name="张三", content="小区夜间施工噪音扰民",
                category="complaint", subcategory="噪音扰民", district="秦都区")
    base.update(kw)
    return svc.register(u("agent1001"), Intake(**base))


def test_serials_are_per_day_and_sequential(env):
    svc, clock, u = env
    a, b = _new(svc, u), _new(svc, u)
    assert (a.serial, b.serial) == ("20261123-000001", "20261123-000002")
    clock.advance(hours=24)
    assert _new(svc, u).serial == "20261124-000001"


def test_full_life_cycle_with_clocks_and_audit(env):
    svc, clock, u = env
    t = _new(svc, u)
    svc.triage(u("handler"), t.serial, urgency="normal")
    t = svc.dispatch(u("handler"), t.serial, "ZJJ", co_departments=["CGJ"])
    assert t.state == "dispatched" and t.current_due.isoformat() == "2026-11-23T09:30:00+08:00"
    clock.advance(minutes=10)
    t = svc.acknowledge(u("dept-zjj"), t.serial)
    assert t.state == "handling" and t.current_due.isoformat() == "2026-11-30T17:30:00+08:00"
    t = svc.request_extension(u("dept-zjj"), t.serial, 3, "需现场勘查")
    t = svc.approve_extension(u("handler"), t.serial)
    assert t.current_due.isoformat() == "2026-12-03T17:30:00+08:00" and t.extensions == 1
    t = svc.urge(u("duty"), t.serial, "请尽快处理", channel="phone")
    t = svc.reply(u("dept-zjj"), t.serial, "已责令施工单位夜间停工")
    t = svc.review_reply(u("handler"), t.serial, accept=True)
    assert t.state == "callback_pending"
    t = svc.callback(u("agent1001"), t.serial, "satisfied", "satisfied")
    t = svc.archive(u("handler"), t.serial, responsibility="at_fault", unit="ZJJ", reason="施工许可管理不到位")
    assert t.state == "archived" and t.current_due is None and t.urges == 1
    actions = [e.action for e in svc.history(u("duty"), t.serial)]
    assert actions == ["ticket.register", "ticket.triage", "ticket.dispatch", "ticket.ack", "ticket.extend",
                       "ticket.approve_extension", "ticket.urge", "ticket.reply", "ticket.accept_reply",
                       "ticket.callback", "ticket.archive"]
    kinds = [n.kind for n in svc.notes(u("duty"), t.serial)]
    assert "urge" in kinds and "reply" in kinds


def test_serial_day_is_the_sites_date_whatever_the_offset(env):
    svc, clock, u = env
    clock.advance(hours=24)                                         # 2026-11-24 09:00 +08:00
    late = datetime(2026, 11, 23, 17, 0, tzinfo=timezone.utc)      # = 2026-11-24 01:00 at the site
    t = svc.register(u("agent1001"), Intake("phone", "13812341234", "补录", "consult"), at=late)
    assert t.serial == "20261124-000001" and t.created_at.isoformat() == "2026-11-24T01:00:00+08:00"
    (entry,) = svc.history(u("duty"), t.serial)
    assert entry.at == late and entry.after["created_at"] == "2026-11-24T01:00:00+08:00"


def test_illegal_transition_names_state_and_action(env):
    svc, clock, u = env
    t = _new(svc, u)
    with pytest.raises(IllegalTransition, match="cannot reply a ticket in state 'registered'"):
        svc.reply(u("duty"), t.serial, "done")          # centre staff acting for a department
    assert svc.get(u("duty"), t.serial).version == 1     # nothing written


def test_permissions_and_department_scope(env):
    svc, clock, u = env
    t = _new(svc, u)
    with pytest.raises(PermissionDenied):
        svc.dispatch(u("agent1001"), t.serial, "ZJJ")
    svc.dispatch(u("handler"), t.serial, "ZJJ")
    with pytest.raises(NotFound, match="no ticket"):
        svc.acknowledge(u("dept-rsj"), t.serial)       # another department's: as if it did not exist
    with pytest.raises(NotFound, match="no ticket"):
        svc.get(u("dept-rsj"), t.serial)
    assert svc.get(u("oncall"), t.serial).caller_phone == "138****1234"
    assert svc.get(u("duty"), t.serial).caller_phone == "13812341234"


def test_refusals_come_before_lookups(env):
    svc, clock, u = env
    t = _new(svc, u)
    missing = "20990101-000001"
    # A user without the permission learns neither whether the other ticket exists ...
    with pytest.raises(PermissionDenied):
        svc.link(u("agent1001"), t.serial, missing)
    with pytest.raises(PermissionDenied):
        svc.merge(u("agent1001"), t.serial, missing)
    # ... nor whether an extension was requested; a user who may is told the state first.
    with pytest.raises(PermissionDenied):
        svc.approve_extension(u("agent1001"), t.serial)
    with pytest.raises(IllegalTransition, match="cannot approve_extension a ticket in state 'registered'"):
        svc.approve_extension(u("handler"), t.serial)
    with pytest.raises(NotFound):
        svc.link(u("handler"), t.serial, missing)
    assert svc.get(u("duty"), t.serial).version == 1


def test_second_console_saving_gets_conflict(env):
    svc, clock, u = env
    t = _new(svc, u)
    seen = t.version
    svc.triage(u("handler"), t.serial, urgency="urgent", expected_version=seen)
    with pytest.raises(ConflictError, match="you had version 1, it is now 2"):
        svc.triage(u("duty"), t.serial, urgency="very_urgent", expected_version=seen)
    assert svc.get(u("duty"), t.serial).urgency == "urgent"


def test_return_and_redispatch_count_wrong_returns(env, store):
    svc, clock, u = env
    t = _new(svc, u)
    svc.dispatch(u("handler"), t.serial, "RSJ")
    svc.return_ticket(u("dept-rsj"), t.serial, "不属于我局职责")
    svc.reject_return(u("handler"), t.serial, "属于劳动监察范围")
    svc.return_ticket(u("dept-rsj"), t.serial, "仍不属于")
    t = svc.redispatch(u("handler"), t.serial, "ZJJ")
    assert t.state == "dispatched" and t.department == "ZJJ" and t.returns == 2
    assert store.tickets.return_stats() == {"RSJ": (2, 1)}


def test_overdue_list_from_indexed_columns(env):
    svc, clock, u = env
    a, b, c = _new(svc, u), _new(svc, u), _new(svc, u, category="consult", subcategory="")
    for t, dep in ((a, "ZJJ"), (b, "RSJ"), (c, "GJJ")):
        svc.dispatch(u("handler"), t.serial, dep)
    svc.acknowledge(u("dept-gjj"), c.serial)              # c runs on the handle clock now
    clock.advance(minutes=20)                            # a, b: 10 min to the ack deadline → yellow
    assert [(t.serial, light) for t, light in svc.overdue(u("duty"))] == [(a.serial, "yellow"), (b.serial, "yellow")]
    assert svc.overdue_counts(u("duty")) == (2, 0)       # (yellow, red), counted in the store
    clock.advance(minutes=15)                            # past 09:30 → red
    red = svc.overdue(u("duty"), light="red", department="RSJ")
    assert [(t.serial, light) for t, light in red] == [(b.serial, "red")]
    assert svc.overdue_counts(u("duty")) == (0, 2)
    assert svc.overdue_counts(u("dept-rsj")) == (0, 1)          # a department sees its own
    clock.advance(timedelta(days=2).total_seconds())     # c: consult is 1 working day → red
    assert c.serial in [t.serial for t, _ in svc.overdue(u("duty"), light="red")]


def test_hostile_text_is_stored_as_given(env):
    svc, clock, u = env
    hostile = "\x1b[2J[bold red]x[/]'; DROP TABLE tickets;--"
    t = _new(svc, u, content=hostile, caller_name="[link=x]李四")
    got = svc.get(u("duty"), t.serial)
    assert got.content == hostile and got.caller_name == "[link=x]李四"
    assert svc.search(u("duty"), text="DROP TABLE")[0].serial == t.serial


def test_bad_input_changes_nothing(env, store):
    svc, clock, u = env
    for bad in (dict(category="nope"), dict(caller_phone="call me"), dict(content="x" * 4001), dict(channel="fax")):
        with pytest.raises(ValidationError):
            _new(svc, u, **bad)
    with pytest.raises(NotFound):
        svc.get(u("duty"), "20261123-999999")
    assert store.tickets.count_by_state() == {}


def _fail_audit_inserts(store):
    """A database that refuses the audit insert: the failure comes after the serial and the
    ticket rows are written, inside the same transaction (or statement)."""
    if store.dialect == "sqlite":
        store.db.execute("CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log "
                         "BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
    else:
        store.db.execute("CREATE FUNCTION fail_audit() RETURNS trigger LANGUAGE plpgsql "
                         "AS 'BEGIN RAISE EXCEPTION ''injected failure''; END'")
        store.db.execute("CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION fail_audit()")


def _serial_counter(store, day="20261123"):
    row = store.db.query_one("SELECT last FROM ticket_serials WHERE day = :d", {"d": day})
    return row["last"] if row else 0


def test_failed_audit_write_leaves_no_half_ticket_and_no_serial_gap(env, store):
    svc, clock, u = env
    _new(svc, u)
    _fail_audit_inserts(store)
    with pytest.raises(IntegrityViolation, match="injected failure") as caught:
        _new(svc, u)
    assert caught.value.kind == "rule" and "\n" not in str(caught.value)
    assert store.tickets.count_by_state() == {"registered": 1} and _serial_counter(store) == 1
    store.db.execute("DROP TRIGGER fail_audit" + (" ON audit_log" if store.dialect == "postgres" else ""))
    assert _new(svc, u).serial == "20261123-000002"          # the failed one gave its number back


def test_registration_audit_entry_carries_the_serial_and_the_stored_ticket(env, store):
    svc, clock, u = env
    t = _new(svc, u, content='引号"和\\反斜杠 {"serial": "x"}')
    (entry,) = svc.history(u("duty"), t.serial)
    stored = store.tickets.get(t.serial)
    assert entry.subject_id == t.serial and entry.before is None
    assert entry.after == {**stored.snapshot(), "id": None}       # the record as registered
    assert stored.serial == t.serial and stored.content == t.content and stored.id == t.id


def test_counter_behind_the_tickets_is_refused_without_writing(env, store):
    svc, clock, u = env
    t = _new(svc, u)
    store.db.execute("DELETE FROM ticket_serials")                  # as after a bulk load without the counter
    with pytest.raises(ValidationError, match="serial counter of 2026-11-23 is behind"):
        _new(svc, u)
    assert store.tickets.count_by_state() == {"registered": 1} and len(store.audit.recent()) == 1
    assert _serial_counter(store) == 0
    store.tickets.set_serial_counter(t.created_at.date(), 999_999)
    assert _new(svc, u).serial == "20261123-1000000"                # wider, never cut


def test_concurrent_registrations_get_distinct_gap_free_serials(env, db_target):
    svc, clock, u = env
    per_thread, threads = 25, 3
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def register_many():
        own = open_store(db_target)                                  # its own connection
        try:
            mine = ticket_service(own, DEMO_DIR, clock)
            start.wait()
            for i in range(per_thread):
                mine.register(mine.access.user("agent1001"), Intake("phone", "13812341234", f"并发{i}", "consult"))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            own.close()
    workers = [threading.Thread(target=register_many) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    n = per_thread * threads
    serials = [t.serial for t in svc.search(u("duty"), limit=n + 10)]
    assert sorted(serials) == [f"20261123-{i:06d}" for i in range(1, n + 1)]
    assert all([e.action for e in svc.history(u("duty"), s)] == ["ticket.register"] for s in serials)


_KILLED_WRITER = """
import sys
from backends.store import open_store
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake
from tests.waiting import wait_until
store = open_store(sys.argv[1])
svc = ticket_service(store, DEMO_DIR, FixedClock("2026-11-23T09:00:00+08:00"))
agent = svc.access.user("agent1001")
while True:
    svc.register(agent, Intake("phone", "13812341234", "写到一半被杀", "consult"))
"""


def test_killed_writer_leaves_whole_tickets_only(store, db_target):
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, db_target], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        def going() -> bool:                                          # let it get going, then kill it mid-stream
            assert proc.poll() is None, proc.stderr.read().decode()
            return sum(store.tickets.count_by_state().values()) >= 30
        wait_until(going, timeout=60, interval=0.02, what="the writer to register 30 tickets")
    finally:
        proc.kill()
        proc.wait()
    serials = [r["serial"] for r in store.db.query("SELECT serial FROM tickets ORDER BY serial")]
    audited = {r["subject_id"] for r in store.db.query(
        "SELECT subject_id FROM audit_log WHERE action = 'ticket.register'")}
    assert serials == [f"20261123-{i:06d}" for i in range(1, len(serials) + 1)]
    assert audited == set(serials) and _serial_counter(store) == len(serials)


def test_merge_link_supplement_reopen_and_callers(env):
    svc, clock, u = env
    a, b = _new(svc, u), _new(svc, u, caller_phone="13900001111")
    svc.link(u("handler"), a.serial, b.serial)
    assert svc.links(u("duty"), b.serial) == [(a.serial, "related")]
    c = _new(svc, u)
    t = svc.merge(u("handler"), c.serial, a.serial)
    assert t.state == "merged" and t.merged_into == a.serial
    with pytest.raises(IllegalTransition):
        svc.triage(u("handler"), c.serial)
    done = svc.answer(u("agent1001"), b.serial, "已告知办理地址")
    assert done.state == "closed"
    svc.supplement(u("handler"), b.serial, "市民补充：需携带身份证")
    again = svc.reopen(u("handler"), b.serial, "市民不满意")
    assert again.state == "triaged"
    svc.classify_caller(u("duty"), "13812341234", "elderly", name="张三")
    caller, history = svc.caller(u("duty"), "13812341234")
    assert caller.caller_class == "elderly" and {h.serial for h in history} == {a.serial, c.serial}


def test_pause_stops_the_handle_clock(env):
    svc, clock, u = env
    t = _new(svc, u)
    svc.dispatch(u("handler"), t.serial, "ZJJ")
    t = svc.acknowledge(u("dept-zjj"), t.serial)
    due = t.handle_due
    t = svc.pause(u("dept-zjj"), t.serial, "等待市民提供材料")
    assert t.current_due is None
    clock.advance(hours=5)
    t = svc.resume(u("dept-zjj"), t.serial)
    assert t.paused_seconds == 5 * 3600 and t.current_due == due + timedelta(hours=5)


def test_escalation_ladder_runs_once_per_step(env):
    svc, clock, u = env
    t = _new(svc, u)
    svc.dispatch(u("handler"), t.serial, "ZJJ")
    svc.acknowledge(u("dept-zjj"), t.serial)                 # handle due 2026-11-30 17:30
    clock.advance(timedelta(days=6, hours=10).total_seconds())   # 2026-11-29 19:00: within 24 h
    assert svc.escalate(u("duty")) == [(t.serial, "预警")]
    assert svc.escalate(u("duty")) == []                      # taken once
    clock.advance(timedelta(hours=23).total_seconds())       # past due
    assert svc.escalate(u("duty")) == [(t.serial, "超期"), (t.serial, "自动催办")]
    clock.advance(timedelta(hours=48).total_seconds())
    assert svc.escalate(u("duty")) == [(t.serial, "督办")]
    got = svc.get(u("duty"), t.serial)
    assert got.urges == 1 and got.escalation_done == ["预警", "超期", "自动催办", "督办"]
    assert [e.action for e in svc.history(u("duty"), t.serial)].count("ticket.escalate") == 3
