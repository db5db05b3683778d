"""The audit log keeps every entry and refuses edits, on both stores."""

from datetime import datetime

import pytest

from hotline_tui.audit import AuditEntry
from hotline_tui.clock import SITE_TZ
from hotline_tui.errors import IntegrityViolation


def _entry(**kw):
    base = dict(actor="duty", action="ticket.urge", subject_type="ticket", subject_id="20261122-000001",
                at=datetime(2026, 11, 22, 9, 0, tzinfo=SITE_TZ), recorded_at=datetime(2026, 11, 22, 9, 5, tzinfo=SITE_TZ),
                before={"state": "dispatched"}, after={"state": "dispatched", "urges": 1}, note="电话催办'; DROP TABLE x;--")
    base.update(kw)
    return AuditEntry(**base)


def test_append_and_read_back(store):
    with store.db.tx():
        first = store.audit.append(_entry())
        store.audit.append(_entry(action="ticket.reply"))
    got = store.audit.for_subject("ticket", "20261122-000001")
    assert [e.action for e in got] == ["ticket.urge", "ticket.reply"]
    assert got[0].id == first and got[0].after == {"state": "dispatched", "urges": 1}
    assert got[0].note.endswith("DROP TABLE x;--") and got[0].at.hour == 9
    assert store.audit.recent(1)[0].action == "ticket.reply"


def test_audit_log_has_no_edit_or_delete_path(store):
    with store.db.tx():
        store.audit.append(_entry())
    with pytest.raises(IntegrityViolation, match="append-only"):
        with store.db.tx():
            store.db.execute("UPDATE audit_log SET actor = 'someone-else'")
    with pytest.raises(IntegrityViolation, match="append-only"):
        with store.db.tx():
            store.db.execute("DELETE FROM audit_log")
    assert [e.actor for e in store.audit.recent()] == ["duty"]


def test_rollback_leaves_no_entry(store):
    with pytest.raises(RuntimeError):
        with store.db.tx():
            store.audit.append(_entry())
            raise RuntimeError("crash mid-write")
    assert store.audit.recent() == []
