"""Handover sign-offs, the switch links' lost / regained log and the caller classes a report reads,
on SQLite and PostgreSQL (one class; ports ``hotline_tui.reports.ports``)."""

from __future__ import annotations

from hotline_tui.audit import AuditEntry
from hotline_tui.reports.ports import LinkChange, Signoff

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

    # -- the switch links' lost / regained log ----------------------------------------------
    def add_link_changes(self, changes: list[LinkChange]) -> int:
        new = 0
        with self.db.tx():
            for c in changes:
                new += self.db.execute(
                    "INSERT INTO switch_link_changes (node, at, state, reason) VALUES (:n, :at, :s, :r)"
                    " ON CONFLICT (node, state, at) DO NOTHING",
                    {"n": c.node, "at": c.at, "s": c.state, "r": c.reason})
        return new

    def link_changes(self, since: float, until: float) -> list[LinkChange]:
        rows = self.db.query("SELECT * FROM switch_link_changes WHERE at >= :f AND at < :t ORDER BY at, node, state",
                             {"f": since, "t": until})
        return [LinkChange(r["node"], r["at"], r["state"], r["reason"]) for r in rows]

    # -- caller classes (the ticket component's callers table, read only) --------------------
    def callers_of_class(self, classes: tuple[str, ...]) -> dict[str, str]:
        if not classes:
            return {}
        names = {f"c{i}": c for i, c in enumerate(classes)}
        rows = self.db.query("SELECT phone, caller_class FROM callers WHERE caller_class IN ("
                             + ", ".join(f":{k}" for k in names) + ") ORDER BY phone", names)
        return {r["phone"]: r["caller_class"] for r in rows}
