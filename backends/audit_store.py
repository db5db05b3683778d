"""The audit log on SQLite and PostgreSQL (one class, ``backends.db.Db``)."""

from __future__ import annotations

import json
from datetime import datetime

from hotline_tui.audit import AuditEntry
from hotline_tui.clock import SITE_TZ

from .db import Db

COLUMNS = ("at", "recorded_at", "actor", "action", "subject_type", "subject_id", "before_json", "after_json", "note")
_INSERT = f"INSERT INTO audit_log ({', '.join(COLUMNS)}) VALUES ({', '.join(':' + c for c in COLUMNS)})"


def _ts(db: Db, dt: datetime):
    # SQLite keeps ISO-8601 text in the site's zone (one fixed offset, so text order is time
    # order); PostgreSQL takes timestamptz.
    return dt.astimezone(SITE_TZ).isoformat() if db.dialect == "sqlite" else dt


def _dt(value) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(SITE_TZ)
    return datetime.fromisoformat(value).astimezone(SITE_TZ)


def to_json(value) -> str | None:
    """How before/after snapshots are stored (None stays NULL)."""
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


class SqlAuditLog:
    def __init__(self, db: Db):
        self.db = db

    def row(self, entry: AuditEntry) -> dict:
        """The column values of ``entry`` as this dialect stores them (keys: ``COLUMNS``)."""
        return {
            "at": _ts(self.db, entry.at), "recorded_at": _ts(self.db, entry.recorded_at), "actor": entry.actor,
            "action": entry.action, "subject_type": entry.subject_type, "subject_id": entry.subject_id,
            "before_json": to_json(entry.before), "after_json": to_json(entry.after), "note": entry.note,
        }

    def append(self, entry: AuditEntry) -> int:
        return self.db.insert_returning_id(_INSERT, self.row(entry))

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

    def by_action(self, action: str, after_id: int = 0, limit: int = 1000) -> list[AuditEntry]:
        return self._rows(self.db.query(
            "SELECT * FROM audit_log WHERE action = :a AND id > :after ORDER BY id LIMIT :n",
            {"a": action, "after": int(after_id), "n": int(limit)}))

    def recent(self, limit: int = 100) -> list[AuditEntry]:
        return self._rows(self.db.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT :n", {"n": limit}))
