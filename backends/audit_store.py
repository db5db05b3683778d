"""The audit log on SQLite and PostgreSQL (one class, ``backends.db.Db``)."""

from __future__ import annotations

import json
from datetime import datetime

from hotline_tui.audit import AuditEntry
from hotline_tui.clock import SITE_TZ

from .db import Db


def _ts(db: Db, dt: datetime):
    # SQLite keeps ISO-8601 text in UTC (sorts correctly); PostgreSQL takes timestamptz.
    return dt.astimezone(SITE_TZ).isoformat() if db.dialect == "sqlite" else dt


def _dt(value) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(SITE_TZ)
    return datetime.fromisoformat(value).astimezone(SITE_TZ)


class SqlAuditLog:
    def __init__(self, db: Db):
        self.db = db

    def append(self, entry: AuditEntry) -> int:
        return self.db.insert_returning_id(
            "INSERT INTO audit_log (at, recorded_at, actor, action, subject_type, subject_id, before_json, after_json, note)"
            " VALUES (:at, :rec, :actor, :action, :st, :sid, :before, :after, :note)",
            {
                "at": _ts(self.db, entry.at), "rec": _ts(self.db, entry.recorded_at), "actor": entry.actor,
                "action": entry.action, "st": entry.subject_type, "sid": entry.subject_id,
                "before": None if entry.before is None else json.dumps(entry.before, ensure_ascii=False, default=str),
                "after": None if entry.after is None else json.dumps(entry.after, ensure_ascii=False, default=str),
                "note": entry.note,
            },
        )

    def _rows(self, rows) -> list[AuditEntry]:
        return [
            AuditEntry(
                r["actor"], r["action"], r["subject_type"], r["subject_id"], _dt(r["at"]), _dt(r["recorded_at"]),
                json.loads(r["before_json"]) if r["before_json"] else None,
                json.loads(r["after_json"]) if r["after_json"] else None, r["note"], r["id"],
            )
            for r in rows
        ]

    def for_subject(self, subject_type: str, subject_id: str) -> list[AuditEntry]:
        return self._rows(self.db.query(
            "SELECT * FROM audit_log WHERE subject_type = :st AND subject_id = :sid ORDER BY id",
            {"st": subject_type, "sid": subject_id}))

    def recent(self, limit: int = 100) -> list[AuditEntry]:
        return self._rows(self.db.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT :n", {"n": limit}))
