"""What the agent desk writes and reads through TicketService, on both stores (SQLite and
PostgreSQL): who registered a ticket (``registered_by``, the desk's "my work"), the article an
on-the-spot answer cited (``cited_article``), register + dispatch in one transaction, and the
tickets migration that fills both for older tickets from the audit log."""

import json
from datetime import datetime

import pytest

from backends.audit_store import SqlAuditLog
from backends.db import open_db
from backends.migrate import migrate
from backends.schema import all_migrations
from backends.store import open_store
from hotline_tui.audit import AuditEntry
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import PermissionDenied, ValidationError
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake


@pytest.fixture
def env(store):
    clock = FixedClock("2026-11-23T09:00:00+08:00")
    svc = ticket_service(store, DEMO_DIR, clock)
    return svc, clock, svc.access.user


def _intake(**kw) -> Intake:
    base = dict(channel="phone", caller_phone="13812341234", content="小区夜间施工噪音扰民", category="complaint",
                subcategory="噪音扰民", district="秦都区")
    base.update(kw)
    return Intake(**base)


def test_a_ticket_records_who_registered_it_and_mine_lists_only_mine(env):
    svc, clock, u = env
    a = svc.register(u("agent1001"), _intake())
    clock.advance(minutes=5)
    svc.register(u("duty"), _intake(content="别人的工单"))
    clock.advance(minutes=5)
    b = svc.register_and_answer(u("agent1001"), _intake(category="consult", subcategory="办事指南"), "当即答复",
                                article_id=7)
    assert svc.get(u("duty"), a.serial).registered_by == "agent1001"
    mine = svc.mine(u("agent1001"))
    assert [t.serial for t in mine] == [b.serial, a.serial]          # newest first
    assert [t.serial for t in svc.mine(u("agent1001"), since=clock.now())] == [b.serial]
    assert [t.content for t in svc.mine(u("duty"))] == ["别人的工单"]
    assert svc.mine(u("handler")) == []


def test_mine_is_the_viewers_own_list(env, store):
    svc, clock, u = env
    t = svc.register(u("agent1001"), _intake())
    # another user (QA registers nothing) sees their own list, never the agent's
    assert svc.mine(u("qa")) == []
    assert store.tickets.registered_by("agent1001")[0].serial == t.serial


def test_the_cited_article_is_kept_on_the_ticket(env):
    svc, clock, u = env
    t = svc.register_and_answer(u("agent1001"), _intake(category="consult", subcategory="办事指南"),
                                "依据知识库《社保卡补办》（#7）当即答复。", article_id=7)
    stored = svc.get(u("duty"), t.serial)
    assert stored.cited_article == 7 and stored.state == "closed"
    plain = svc.register_and_answer(u("agent1001"), _intake(category="consult", subcategory="办事指南"), "答复")
    assert svc.get(u("duty"), plain.serial).cited_article is None


def test_register_and_dispatch_is_one_transaction(env, store):
    svc, clock, u = env
    t = svc.register_and_dispatch(u("handler"), _intake(), "ZJJ", note="知识库建议：住建局")
    assert t.state == "dispatched" and t.department == "ZJJ" and t.registered_by == "handler"
    assert t.current_due.isoformat() == "2026-11-23T09:30:00+08:00"       # the 30-minute ack clock
    actions = [e.action for e in svc.history(u("duty"), t.serial)]
    assert actions == ["ticket.register", "ticket.dispatch"]


def test_register_and_dispatch_refused_writes_nothing(env, store):
    svc, clock, u = env
    with pytest.raises(PermissionDenied):        # the demo's agents may register, not dispatch
        svc.register_and_dispatch(u("agent1001"), _intake(), "ZJJ")
    with pytest.raises(ValidationError):
        svc.register_and_dispatch(u("handler"), _intake(), "NOPE")
    with pytest.raises(ValidationError):
        svc.register_and_dispatch(u("handler"), _intake(content="  "), "ZJJ")
    assert store.tickets.count_by_state() == {}
    assert store.audit.recent() == []


def _before_desk_migration():
    """Every migration a store had before the desk's: the tickets component stops before it
    (its later versions come after it, as on a store upgraded in order)."""
    new = [m for m in all_migrations() if m.component == "tickets" and m.name.startswith("registered by")]
    assert len(new) == 1
    return [m for m in all_migrations() if not (m.component == "tickets" and m.version >= new[0].version)]


def test_the_migration_fills_registered_by_and_cited_article_from_the_audit_log(db_target):
    db = open_db(db_target)
    try:
        migrate(db, _before_desk_migration())
        at = datetime.fromisoformat("2026-11-23T09:00:00+08:00")
        audit = SqlAuditLog(db)
        for serial, who, article in (("20261123-000001", "agent1001", 7), ("20261123-000002", "duty", None),
                                     ("20261123-000003", None, None)):
            body = {"serial": serial, "created_at": at.isoformat(), "channel": "phone", "caller_phone": "13812341234",
                    "content": "旧工单", "category": "consult", "state": "closed" if article else "registered"}
            db.execute("INSERT INTO tickets (serial, version, state, created_at, channel, caller_phone, category, "
                       "urgency, content, body) VALUES (:s, 1, :st, :at, 'phone', '13812341234', 'consult', 'normal', "
                       "'旧工单', :b)", {"s": serial, "st": body["state"], "at": db.ts(at),
                                       "b": json.dumps(body, ensure_ascii=False)})
            if who:
                audit.append(AuditEntry(who, "ticket.register", "ticket", serial, at, at, None, body))
            if article:
                audit.append(AuditEntry(who, "ticket.answer", "ticket", serial, at, at, body,
                                        {**body, "cited_article": article}))
        migrate(db)
    finally:
        db.close()
    store = open_store(db_target)
    try:
        one, two, three = (store.tickets.get(f"20261123-00000{i}") for i in (1, 2, 3))
        assert (one.registered_by, one.cited_article) == ("agent1001", 7)
        assert (two.registered_by, two.cited_article) == ("duty", None)
        assert (three.registered_by, three.cited_article) == ("", None)      # bulk-loaded: nobody known
        assert [t.serial for t in store.tickets.registered_by("agent1001")] == ["20261123-000001"]
    finally:
        store.close()
