"""Call records, callback tasks and shift notes on SQLite and PostgreSQL (one class)."""

from __future__ import annotations

from dataclasses import astuple

from hotline_tui.audit import AuditEntry
from hotline_tui.calls_port import (AgentInterval, AgentPresence, CallbackAttempt, CallbackTask, CallRecord,
                                    ShiftNote)
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
        # A visit is stored once; only an "abandoned" the switch reported gives way to what the
        # console whose supervisor took the caller knows (docs/kpi.md "Taken by a supervisor").
        conflict = ("ON CONFLICT (node, member_uuid, joined_at, call_id) DO UPDATE SET outcome = excluded.outcome,"
                    " answered_at = excluded.answered_at, wait_s = excluded.wait_s"
                    " WHERE call_records.outcome = 'abandoned' AND excluded.outcome IN ('picked_up', 'transferred')")
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
        started = "started_at"
        if until is not None:
            started = self._started_column(since, until, agent)
            sql += f" AND {started} < :until"
            p["until"] = until
        if agent:
            sql += " AND agent = :agent"
            p["agent"] = agent
        return [AgentInterval(*r) for r in self.db.query_tuples(sql + f" ORDER BY {started}, node, agent", p)]

    def _started_column(self, since: float, until: float, agent: str | None) -> str:
        # SQLite keeps no range statistics and searched by the started_at index, which for
        # "today up to now" (a console's rebuild) walks the whole record before now, a month of
        # it. Whichever bound leaves the shorter stretch of the record (its first start and last
        # end are two index look-ups) is searched by its index; a unary plus keeps SQLite off the
        # other (in the ORDER BY too, or SQLite walks that index for the order). PostgreSQL's
        # planner has the statistics; one agent's rows go by the agent index.
        if self.db.dialect != "sqlite" or agent:
            return "started_at"
        first, last = self.db.query_tuples(
            "SELECT (SELECT MIN(started_at) FROM agent_intervals), (SELECT MAX(ended_at) FROM agent_intervals)")[0]
        if first is None or last is None:
            return "started_at"
        return "+started_at" if last - since < until - first else "started_at"

    def visit_sums(self, since: float, until: float, threshold_s: float, short_abandon_s: float,
                   slot_s: int, queue: str | None = None) -> list[tuple]:
        # The queue-interval report's month in one aggregate instead of ~300,000 rows: the sums
        # hotline_tui.kpi.KpiSums.add keeps, per queue and slot (epoch seconds // slot_s), with
        # live.rebuild.outcome_of's mapping (answered = answered or picked up; a picked-up
        # visit has no handle time). Float literals keep the sums floats on both dialects.
        slot = ("CAST(left_at / :slot AS INTEGER)" if self.db.dialect == "sqlite"
                else "CAST(floor(left_at / :slot) AS BIGINT)")
        ans = "outcome IN ('answered', 'picked_up')"
        ab = "outcome = 'abandoned'"
        sql = (f"SELECT queue, {slot} AS slot, COUNT(*),"
               f" SUM(CASE WHEN {ans} THEN 1 ELSE 0 END), SUM(CASE WHEN {ab} THEN 1 ELSE 0 END),"
               f" SUM(CASE WHEN {ab} AND wait_s < :short THEN 1 ELSE 0 END),"
               f" SUM(CASE WHEN {ans} AND wait_s <= :thr THEN 1 ELSE 0 END),"
               f" SUM(CASE WHEN {ab} AND wait_s <= :thr THEN 1 ELSE 0 END),"
               f" SUM(CASE WHEN {ab} AND wait_s < :short AND wait_s <= :thr THEN 1 ELSE 0 END),"
               f" SUM(CASE WHEN {ans} THEN wait_s ELSE 0.0 END),"
               " SUM(CASE WHEN outcome = 'answered' THEN talk_s + wrap_s ELSE 0.0 END),"
               " SUM(CASE WHEN outcome = 'answered' THEN 1 ELSE 0 END),"
               " SUM(CASE WHEN wait_s > 0 THEN wait_s ELSE 0.0 END)"
               " FROM call_records WHERE left_at >= :since AND left_at < :until")
        p: dict = {"since": since, "until": until, "slot": slot_s, "thr": threshold_s, "short": short_abandon_s}
        if queue:
            sql += " AND queue = :queue"
            p["queue"] = queue
        return self.db.query_tuples(sql + " GROUP BY queue, slot ORDER BY queue, slot", p)

    def staffed_spans(self, since: float, until: float, busy_states: tuple[str, ...],
                      off_statuses: tuple[str, ...]) -> list[tuple]:
        # (agent, started_at, ended_at) of the intervals live.rebuild.kind_of does not call "off"
        # (busy, or a status not off), three columns instead of a dataclass per interval
        bs = {f"b{i}": v for i, v in enumerate(busy_states)}
        os_ = {f"o{i}": v for i, v in enumerate(off_statuses)}
        sql = ("SELECT agent, started_at, ended_at FROM agent_intervals WHERE ended_at > :since AND started_at < :until"
               f" AND (state IN ({', '.join(':' + k for k in bs)}) OR status NOT IN ({', '.join(':' + k for k in os_)}))"
               " ORDER BY started_at, node, agent")
        return self.db.query_tuples(sql, {"since": since, "until": until, **bs, **os_})

    @staticmethod
    def _task(r) -> CallbackTask:
        return CallbackTask(r["id"], r["member_uuid"], r["queue"], r["caller_number"], r["caller_name"],
                            r["abandoned_at"], r["assigned_to"], r["state"], r["note"], r["updated_at"], r["version"],
                            r["attempts"], r["due_at"])

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

    def callbacks(self, state: str | None = "open", limit: int = 200, *,
                  assigned_to: str | None = None) -> list[CallbackTask]:
        where: list[str] = []
        p: dict[str, object] = {"l": limit}
        if state:
            where.append("state = :s")
            p["s"] = state
        if assigned_to is not None:
            where.append("assigned_to = :a")
            p["a"] = assigned_to
        sql = "SELECT * FROM callback_tasks" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY abandoned_at, id LIMIT :l" if state else " ORDER BY abandoned_at DESC, id LIMIT :l"
        return [self._task(r) for r in self.db.query(sql, p)]

    def callback(self, task_id: int) -> CallbackTask | None:
        r = self.db.query_one("SELECT * FROM callback_tasks WHERE id = :i", {"i": task_id})
        return self._task(r) if r else None

    def update_callback(self, task: CallbackTask, expected_version: int, audit: AuditEntry) -> CallbackTask:
        with self.db.tx():
            n = self.db.execute(
                "UPDATE callback_tasks SET assigned_to = :a, state = :s, note = :note, updated_at = :u, version = :v,"
                " attempts = :n, due_at = :d WHERE id = :i AND version = :ev",
                {"a": task.assigned_to, "s": task.state, "note": task.note, "u": task.updated_at, "v": task.version,
                 "n": task.attempts, "d": task.due_at, "i": task.id, "ev": expected_version})
            if n != 1:
                row = self.db.query_one("SELECT version FROM callback_tasks WHERE id = :i", {"i": task.id})
                raise ConflictError(f"callback task {task.id}", expected_version, row["version"] if row else None)
            self.audit.append(audit)
        return task

    def assign_callback(self, task_id: int, agents: list[str], at: float) -> str:
        names = sorted(set(agents))
        if not names:
            return ""
        with self.db.tx():
            # Touch the cursor row first: on PostgreSQL that takes its row lock, so a second
            # writer waits here and then reads the cursor this one left (SQLite's BEGIN
            # IMMEDIATE already serialises writers).
            self.db.execute("UPDATE callback_cursor SET updated_at = :at WHERE name = 'callbacks'", {"at": at})
            row = self.db.query_one("SELECT last_agent FROM callback_cursor WHERE name = 'callbacks'")
            last = row["last_agent"] if row else ""
            later = [n for n in names if n > last]
            agent = later[0] if later else names[0]
            n = self.db.execute("UPDATE callback_tasks SET assigned_to = :a, version = version + 1, updated_at = :at"
                                " WHERE id = :i AND state = 'open' AND assigned_to = ''",
                                {"a": agent, "at": at, "i": task_id})
            if n != 1:
                return ""
            self.db.execute("UPDATE callback_cursor SET last_agent = :a WHERE name = 'callbacks'", {"a": agent})
        return agent

    def record_attempt(self, attempt: CallbackAttempt, task: CallbackTask | None, expected_version: int,
                       audit: AuditEntry | None) -> bool:
        with self.db.tx():
            n = self.db.execute(
                "INSERT INTO callback_attempts (kind, ref, attempt, agent, at, result, note, call_id)"
                " VALUES (:k, :r, :n, :a, :at, :res, :note, :c) ON CONFLICT (kind, ref, attempt) DO NOTHING",
                {"k": attempt.kind, "r": attempt.ref, "n": attempt.attempt, "a": attempt.agent, "at": attempt.at,
                 "res": attempt.result, "note": attempt.note, "c": attempt.call_id})
            if n != 1:
                return False
            if task is not None and audit is not None:
                self.update_callback(task, expected_version, audit)
            elif audit is not None:
                self.audit.append(audit)
        return True

    def attempts(self, kind: str, refs: list[str]) -> list[CallbackAttempt]:
        out: list[CallbackAttempt] = []
        for i in range(0, len(refs), 500):          # bound the IN list
            chunk = refs[i:i + 500]
            names = {f"r{j}": r for j, r in enumerate(chunk)}
            if not names:
                continue
            rows = self.db.query(f"SELECT * FROM callback_attempts WHERE kind = :k AND ref IN "
                                 f"({', '.join(':' + k for k in names)}) ORDER BY ref, attempt", {"k": kind, **names})
            out += [CallbackAttempt(r["kind"], r["ref"], r["attempt"], r["agent"], r["at"], r["result"], r["note"],
                                    r["call_id"]) for r in rows]
        return sorted(out, key=lambda a: (a.ref, a.attempt))

    def save_presence(self, rows: list[AgentPresence]) -> int:
        if not rows:
            return 0
        sql = ("INSERT INTO agent_presence (node, agent, status, seen_at) VALUES (:n, :a, :s, :t)"
               " ON CONFLICT (node, agent) DO UPDATE SET status = excluded.status, seen_at = excluded.seen_at")
        with self.db.tx():
            for p in rows:
                self.db.execute(sql, {"n": p.node, "a": p.agent, "s": p.status, "t": p.seen_at})
        return len(rows)

    def presence(self) -> list[AgentPresence]:
        rows = self.db.query("SELECT * FROM agent_presence ORDER BY agent, node")
        return [AgentPresence(r["node"], r["agent"], r["status"], r["seen_at"]) for r in rows]

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
