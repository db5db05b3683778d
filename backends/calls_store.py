"""Call records, callback tasks and shift notes on SQLite and PostgreSQL (one class)."""

from __future__ import annotations

from dataclasses import astuple

from hotline_tui.audit import AuditEntry
from hotline_tui.calls_port import AgentInterval, CallbackTask, CallRecord, ShiftNote
from hotline_tui.errors import ConflictError

from .db import Db

_REC = ("member_uuid", "node", "queue", "caller_number", "caller_name", "agent", "joined_at", "answered_at",
        "left_at", "outcome", "wait_s", "talk_s", "call_id", "recording_id", "wrap_s")
_IVL = ("node", "agent", "started_at", "ended_at", "status", "state", "reason")


class SqlCallStore:
    def __init__(self, db: Db, audit=None):
        self.db = db
        self._audit = audit

    @property
    def audit(self):
        if self._audit is None:
            from .audit_store import SqlAuditLog
            self._audit = SqlAuditLog(self.db)
        return self._audit

    def add_records(self, records: list[CallRecord]) -> int:
        if not records:
            return 0
        conflict = "ON CONFLICT (node, member_uuid, joined_at, call_id) DO NOTHING"
        sql = (f"INSERT INTO call_records ({', '.join(_REC)}) VALUES ({', '.join(':' + c for c in _REC)}) {conflict}")
        n = 0
        with self.db.tx():
            for r in records:
                n += self.db.execute(sql, dict(zip(_REC, astuple(r))))
        return n

    def records(self, since: float, until: float | None = None, queue: str | None = None) -> list[CallRecord]:
        # tuples in _REC order, not a dict per row: a month's report reads ~300,000 of them
        sql = f"SELECT {', '.join(_REC)} FROM call_records WHERE left_at >= :since"
        p: dict = {"since": since}
        if until is not None:
            sql += " AND left_at < :until"
            p["until"] = until
        if queue:
            sql += " AND queue = :queue"
            p["queue"] = queue
        return [CallRecord(*r) for r in self.db.query_tuples(sql + " ORDER BY left_at, id", p)]

    def add_intervals(self, intervals: list[AgentInterval]) -> int:
        # Idempotent by (node, agent, started_at); the one thing a second writer may add is the
        # not-ready reason a first one (``hotline record``, another console) did not know.
        if not intervals:
            return 0
        sql = (f"INSERT INTO agent_intervals ({', '.join(_IVL)}) VALUES ({', '.join(':' + c for c in _IVL)})"
               " ON CONFLICT (node, agent, started_at) DO UPDATE SET reason = excluded.reason"
               " WHERE agent_intervals.reason = '' AND excluded.reason <> ''")
        n = 0
        with self.db.tx():
            for iv in intervals:
                n += self.db.execute(sql, dict(zip(_IVL, astuple(iv))))
        return n

    def intervals(self, since: float, until: float | None = None, agent: str | None = None) -> list[AgentInterval]:
        sql = f"SELECT {', '.join(_IVL)} FROM agent_intervals WHERE ended_at > :since"
        p: dict = {"since": since}
        if until is not None:
            sql += " AND started_at < :until"
            p["until"] = until
        if agent:
            sql += " AND agent = :agent"
            p["agent"] = agent
        return [AgentInterval(*r) for r in self.db.query_tuples(sql + " ORDER BY started_at, node, agent", p)]

    @staticmethod
    def _task(r) -> CallbackTask:
        return CallbackTask(r["id"], r["member_uuid"], r["queue"], r["caller_number"], r["caller_name"],
                            r["abandoned_at"], r["assigned_to"], r["state"], r["note"], r["updated_at"], r["version"])

    def add_callback(self, task: CallbackTask) -> int:
        with self.db.tx():
            return self.db.insert_returning_id(
                "INSERT INTO callback_tasks (member_uuid, queue, caller_number, caller_name, abandoned_at, assigned_to,"
                " state, note, updated_at) VALUES (:m, :q, :n, :cn, :at, :a, 'open', '', :at)",
                {"m": task.member_uuid, "q": task.queue, "n": task.caller_number, "cn": task.caller_name,
                 "at": task.abandoned_at, "a": task.assigned_to})

    def open_callback_for(self, number: str) -> CallbackTask | None:
        r = self.db.query_one("SELECT * FROM callback_tasks WHERE caller_number = :n AND state = 'open' LIMIT 1",
                              {"n": number})
        return self._task(r) if r else None

    def callbacks(self, state: str | None = "open", limit: int = 200) -> list[CallbackTask]:
        if state:
            rows = self.db.query("SELECT * FROM callback_tasks WHERE state = :s ORDER BY abandoned_at, id LIMIT :l",
                                 {"s": state, "l": limit})
        else:
            rows = self.db.query("SELECT * FROM callback_tasks ORDER BY abandoned_at DESC, id LIMIT :l", {"l": limit})
        return [self._task(r) for r in rows]

    def callback(self, task_id: int) -> CallbackTask | None:
        r = self.db.query_one("SELECT * FROM callback_tasks WHERE id = :i", {"i": task_id})
        return self._task(r) if r else None

    def update_callback(self, task: CallbackTask, expected_version: int, audit: AuditEntry) -> CallbackTask:
        with self.db.tx():
            n = self.db.execute(
                "UPDATE callback_tasks SET assigned_to = :a, state = :s, note = :note, updated_at = :u, version = :v"
                " WHERE id = :i AND version = :ev",
                {"a": task.assigned_to, "s": task.state, "note": task.note, "u": task.updated_at, "v": task.version,
                 "i": task.id, "ev": expected_version})
            if n != 1:
                row = self.db.query_one("SELECT version FROM callback_tasks WHERE id = :i", {"i": task.id})
                raise ConflictError(f"callback task {task.id}", expected_version, row["version"] if row else None)
            self.audit.append(audit)
        return task

    def add_note(self, note: ShiftNote, audit: AuditEntry) -> int:
        with self.db.tx():
            nid = self.db.insert_returning_id(
                "INSERT INTO shift_notes (shift_date, shift_name, author, at, text) VALUES (:d, :n, :a, :at, :t)",
                {"d": note.shift_date, "n": note.shift_name, "a": note.author, "at": note.at, "t": note.text})
            self.audit.append(audit)
        return nid

    def notes(self, shift_date: str, shift_name: str) -> list[ShiftNote]:
        rows = self.db.query("SELECT * FROM shift_notes WHERE shift_date = :d AND shift_name = :n ORDER BY id",
                             {"d": shift_date, "n": shift_name})
        return [ShiftNote(r["id"], r["shift_date"], r["shift_name"], r["author"], r["at"], r["text"]) for r in rows]
