"""The outbox, endpoints, opt-outs and intake ids on SQLite and PostgreSQL (one class,
``backends.db.Db``; schema in ``backends/schema/notify.py``). Implements
``hotline_tui.notify.ports.OutboxStore``.

The claim is one statement: ``UPDATE … WHERE id IN (SELECT … LIMIT n [FOR UPDATE SKIP
LOCKED]) RETURNING *``. On PostgreSQL the subquery's row locks make concurrent workers take
disjoint rows without waiting on each other; on SQLite the statement runs under ``BEGIN
IMMEDIATE`` (the write lock), so claims simply queue. Every write after a send names the
worker that holds the lease (``claimed_by``): a worker whose lease was taken over writes
nothing, so a slow worker can never undo a newer result."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from hotline_tui.clock import SITE_TZ
from hotline_tui.notify.model import Endpoint, IntakeRecord, OutboxRow

from .db import Db, from_ts

_COLS = ("id", "serial", "event", "channel", "receiver", "endpoint", "payload", "text", "status", "attempts",
         "next_at", "lease_until", "claimed_by", "ambiguous", "reference", "last_error", "created_at", "done_at")
_MINE = "id = :id AND status = 'sending' AND claimed_by = :w"


class SqlOutboxStore:
    def __init__(self, db: Db):
        self.db = db

    # -- rows --------------------------------------------------------------------------------
    def _params(self, r: OutboxRow) -> dict[str, Any]:
        return {"id": r.id, "serial": r.serial, "event": r.event, "channel": r.channel, "receiver": r.receiver,
                "endpoint": r.endpoint, "payload": json.dumps(r.payload, ensure_ascii=False, default=str),
                "text": r.text, "status": r.status, "attempts": r.attempts, "next_at": r.next_at,
                "lease_until": r.lease_until, "claimed_by": r.claimed_by, "ambiguous": int(r.ambiguous),
                "reference": r.reference, "last_error": r.last_error, "created_at": self.db.ts(r.created_at),
                "done_at": r.done_at}

    @staticmethod
    def _row(d: dict[str, Any]) -> OutboxRow:
        created = from_ts(d["created_at"]) if d["created_at"] is not None else datetime.now(SITE_TZ)
        return OutboxRow(d["id"], d["serial"], d["event"], d["channel"], d["receiver"], d["endpoint"],
                         json.loads(d["payload"]), created, text=d["text"], status=d["status"],
                         attempts=int(d["attempts"]), next_at=float(d["next_at"]),
                         lease_until=float(d["lease_until"]), claimed_by=d["claimed_by"],
                         ambiguous=bool(d["ambiguous"]), reference=d["reference"], last_error=d["last_error"],
                         done_at=None if d["done_at"] is None else float(d["done_at"]))

    def enqueue(self, rows: list[OutboxRow]) -> int:
        # One statement for all of a change's rows: one round trip inside its transaction.
        if not rows:
            return 0
        params: dict[str, Any] = {}
        values = []
        for i, r in enumerate(rows):
            values.append("(" + ", ".join(f":{c}_{i}" for c in _COLS) + ")")
            params.update({f"{k}_{i}": v for k, v in self._params(r).items()})
        sql = f"INSERT INTO notify_outbox ({', '.join(_COLS)}) VALUES {', '.join(values)} ON CONFLICT (id) DO NOTHING"
        return max(self.db.execute(sql, params), 0)

    def claim(self, worker: str, now: float, limit: int, lease_s: float) -> list[OutboxRow]:
        lock = " FOR UPDATE SKIP LOCKED" if self.db.dialect == "postgres" else ""
        sql = f"""UPDATE notify_outbox SET status = 'sending', claimed_by = :w, lease_until = :lease,
                     ambiguous = CASE WHEN status = 'sending' THEN 1 ELSE ambiguous END
                  WHERE id IN (
                     SELECT id FROM notify_outbox
                     WHERE ((status = 'pending' AND next_at <= :now) OR (status = 'sending' AND lease_until < :now))
                       AND endpoint NOT IN (SELECT endpoint FROM notify_endpoints WHERE disabled = 1 OR open_until > :now)
                     ORDER BY next_at LIMIT :n{lock})
                  RETURNING *"""
        with self.db.tx():
            rows = self.db.query(sql, {"w": worker, "lease": now + lease_s, "now": now, "n": limit})
        out = [self._row(r) for r in rows]
        out.sort(key=lambda r: r.next_at)
        return out

    def release(self, id: str, worker: str, next_at: float) -> bool:
        return self.db.execute(
            f"UPDATE notify_outbox SET status = 'pending', claimed_by = '', lease_until = 0, next_at = :next WHERE {_MINE}",
            {"id": id, "w": worker, "next": next_at}) > 0

    def finish(self, id: str, worker: str, status: str, now: float, *, reference: str = "", error: str = "") -> bool:
        # A receipt may beat the gateway's answer here (it is posted as soon as the gateway has
        # the message): the attempt is still this worker's to record, the receipt's status stays.
        return self.db.execute(
            """UPDATE notify_outbox SET attempts = attempts + 1, reference = :ref, lease_until = 0, ambiguous = 0,
                   status = CASE WHEN status = 'sending' THEN :s ELSE status END,
                   last_error = CASE WHEN status = 'sending' THEN :err ELSE last_error END,
                   done_at = CASE WHEN status = 'sending' THEN :now ELSE done_at END
               WHERE id = :id AND claimed_by = :w
                 AND (status = 'sending' OR (status IN ('delivered', 'failed') AND :s = 'sent'))""",
            {"id": id, "w": worker, "s": status, "ref": reference, "err": error[:500], "now": now}) > 0

    def reschedule(self, id: str, worker: str, next_at: float, error: str, *, ambiguous: bool) -> bool:
        return self.db.execute(
            f"""UPDATE notify_outbox SET status = 'pending', attempts = attempts + 1, next_at = :next,
                   last_error = :err, ambiguous = :amb, claimed_by = '', lease_until = 0 WHERE {_MINE}""",
            {"id": id, "w": worker, "next": next_at, "err": error[:500], "amb": int(ambiguous)}) > 0

    def receipt(self, id: str, status: str, now: float, detail: str = "") -> bool:
        if status not in ("delivered", "failed"):
            raise ValueError(f"receipt status {status!r}")
        with self.db.tx():
            row = self.db.query_one("SELECT status FROM notify_outbox WHERE id = :id", {"id": id})
            if row is None:
                return False
            if row["status"] not in ("dropped", "suppressed", status):
                self.db.execute(
                    """UPDATE notify_outbox SET status = :s, done_at = :now, ambiguous = 0, lease_until = 0,
                           last_error = :d WHERE id = :id""", {"id": id, "s": status, "now": now, "d": detail[:500]})
        return True

    def expire(self, now: float, created_before: datetime, error: str, limit: int = 500) -> int:
        lock = " FOR UPDATE SKIP LOCKED" if self.db.dialect == "postgres" else ""
        unsent = "(status = 'pending' OR (status = 'sending' AND lease_until < :now))"
        sql = f"""UPDATE notify_outbox SET status = 'dead', last_error = :err, done_at = :now, claimed_by = '',
                     lease_until = 0
                  WHERE {unsent} AND id IN (
                     SELECT id FROM notify_outbox WHERE {unsent} AND created_at < :before
                     ORDER BY created_at LIMIT :n{lock})"""
        with self.db.tx():
            return max(self.db.execute(sql, {"now": now, "err": error, "before": self.db.ts(created_before),
                                             "n": limit}), 0)

    def get(self, id: str) -> OutboxRow | None:
        r = self.db.query_one("SELECT * FROM notify_outbox WHERE id = :id", {"id": id})
        return None if r is None else self._row(r)

    def rows(self, *, status: str | None = None, serial: str | None = None, limit: int = 50) -> list[OutboxRow]:
        where: list[str] = []
        p: dict[str, Any] = {"n": limit}
        if status:
            where.append("status = :s")
            p["s"] = status
        if serial:
            where.append("serial = :serial")
            p["serial"] = serial
        sql = "SELECT * FROM notify_outbox" + (" WHERE " + " AND ".join(where) if where else "")
        return [self._row(r) for r in self.db.query(sql + " ORDER BY created_at DESC, id DESC LIMIT :n", p)]

    def counts(self) -> dict[str, int]:
        return {r["status"]: int(r["n"]) for r in
                self.db.query("SELECT status, COUNT(*) AS n FROM notify_outbox GROUP BY status")}

    def retry(self, id: str, now: float) -> bool:
        return self.db.execute(
            """UPDATE notify_outbox SET status = 'pending', attempts = 0, next_at = :now, claimed_by = '',
                   lease_until = 0, done_at = NULL WHERE id = :id AND status IN ('dead', 'failed')""",
            {"id": id, "now": now}) > 0

    def drop(self, id: str, now: float) -> bool:
        return self.db.execute(
            """UPDATE notify_outbox SET status = 'dropped', done_at = :now, lease_until = 0
               WHERE id = :id AND status IN ('pending', 'dead', 'failed')""", {"id": id, "now": now}) > 0

    # -- endpoints ---------------------------------------------------------------------------
    @staticmethod
    def _ep(d: dict[str, Any]) -> Endpoint:
        return Endpoint(d["endpoint"], int(d["failures"]), float(d["open_until"]), bool(d["disabled"]), d["last_error"])

    def endpoint(self, endpoint: str) -> Endpoint:
        r = self.db.query_one("SELECT * FROM notify_endpoints WHERE endpoint = :e", {"e": endpoint})
        return Endpoint(endpoint) if r is None else self._ep(r)

    def endpoints(self) -> list[Endpoint]:
        return [self._ep(r) for r in self.db.query("SELECT * FROM notify_endpoints ORDER BY endpoint")]

    def _ensure(self, endpoint: str, now: float) -> None:
        self.db.execute("INSERT INTO notify_endpoints (endpoint, updated_at) VALUES (:e, :now) "
                        "ON CONFLICT (endpoint) DO NOTHING", {"e": endpoint, "now": now})

    def endpoint_ok(self, endpoint: str, now: float) -> None:
        # One cheap statement on the hot path: nothing to write for an endpoint never failed.
        self.db.execute("UPDATE notify_endpoints SET failures = 0, open_until = 0, updated_at = :now "
                        "WHERE endpoint = :e AND (failures > 0 OR open_until > 0)", {"e": endpoint, "now": now})

    def endpoint_failed(self, endpoint: str, now: float, threshold: int, open_s: float, error: str) -> Endpoint:
        with self.db.tx():
            self._ensure(endpoint, now)
            self.db.execute(
                """UPDATE notify_endpoints SET failures = failures + 1, last_error = :err, updated_at = :now,
                       open_until = CASE WHEN failures + 1 >= :t THEN :until ELSE open_until END
                   WHERE endpoint = :e""",
                {"e": endpoint, "err": error[:500], "now": now, "t": threshold, "until": now + open_s})
            return self.endpoint(endpoint)

    def take_probe(self, endpoint: str, now: float, threshold: int, open_s: float) -> bool:
        return self.db.execute(
            "UPDATE notify_endpoints SET open_until = :until, updated_at = :now "
            "WHERE endpoint = :e AND disabled = 0 AND failures >= :t AND open_until <= :now",
            {"e": endpoint, "until": now + open_s, "now": now, "t": threshold}) > 0

    def endpoint_disable(self, endpoint: str, now: float, error: str, disabled: bool = True) -> None:
        with self.db.tx():
            self._ensure(endpoint, now)
            self.db.execute("UPDATE notify_endpoints SET disabled = :d, last_error = :err, updated_at = :now, "
                            "failures = 0, open_until = 0 WHERE endpoint = :e",
                            {"e": endpoint, "d": int(disabled), "err": error[:500], "now": now})

    # -- opt-outs and the intake ---------------------------------------------------------------
    def opt_out(self, phone: str, reason: str, now: float, out: bool = True) -> None:
        if out:
            self.db.execute("INSERT INTO notify_optout (phone, reason, at) VALUES (:p, :r, :now) "
                            "ON CONFLICT (phone) DO UPDATE SET reason = excluded.reason, at = excluded.at",
                            {"p": phone, "r": reason, "now": now})
        else:
            self.db.execute("DELETE FROM notify_optout WHERE phone = :p", {"p": phone})

    def sms_blocked(self, phone: str) -> str:
        # One round trip for both: the opt-out (ours) and the caller class (the ticket
        # component's callers table, read only: the blacklist is kept there).
        r = self.db.query_row(
            "SELECT (SELECT COUNT(*) FROM notify_optout WHERE phone = :p) AS optout, "
            "(SELECT COUNT(*) FROM callers WHERE phone = :p AND caller_class = 'blacklist') AS black", {"p": phone})
        if int(r["optout"]):
            return "caller opted out of SMS"
        return "caller is blacklisted" if int(r["black"]) else ""

    def intake_seen(self, department: str, request_id: str) -> IntakeRecord | None:
        r = self.db.query_one("SELECT * FROM notify_intake WHERE department = :d AND request_id = :r",
                              {"d": department, "r": request_id})
        if r is None:
            return None
        return IntakeRecord(r["department"], r["request_id"], r["body_hash"], int(r["status"]), r["response"])

    def intake_record(self, record: IntakeRecord, now: float) -> bool:
        return self.db.execute(
            "INSERT INTO notify_intake (department, request_id, body_hash, status, response, at) "
            "VALUES (:d, :r, :h, :s, :resp, :now) ON CONFLICT (department, request_id) DO NOTHING",
            {"d": record.department, "r": record.request_id, "h": record.body_hash, "s": record.status,
             "resp": record.response, "now": now}) > 0
