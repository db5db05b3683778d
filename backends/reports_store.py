"""Handover sign-offs on SQLite and PostgreSQL (one class; port ``hotline_tui.reports.ports``)."""

from __future__ import annotations

from hotline_tui.audit import AuditEntry
from hotline_tui.reports.ports import Signoff

from .audit_store import SqlAuditLog
from .db import Db


class SqlSignoffStore:
    def __init__(self, db: Db, audit: SqlAuditLog | None = None):
        self.db = db
        self.audit = audit or SqlAuditLog(db)

    def add_signoff(self, s: Signoff, audit: AuditEntry) -> int:
        with self.db.tx():
            sid = self.db.insert_returning_id(
                "INSERT INTO handover_signoffs (shift_date, shift_name, period_from, period_to, role, user_name, at)"
                " VALUES (:d, :n, :f, :t, :r, :u, :at)",
                {"d": s.shift_date, "n": s.shift_name, "f": s.period_from, "t": s.period_to, "r": s.role,
                 "u": s.user, "at": s.at})
            self.audit.append(audit)
        return sid

    def signoffs(self, period_from: float, period_to: float) -> list[Signoff]:
        rows = self.db.query("SELECT * FROM handover_signoffs WHERE period_from = :f AND period_to = :t ORDER BY at, id",
                             {"f": period_from, "t": period_to})
        return [Signoff(r["shift_date"], r["shift_name"], r["period_from"], r["period_to"], r["role"], r["user_name"],
                        r["at"], int(r["id"])) for r in rows]
