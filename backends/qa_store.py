"""QA card versions, evaluations and appeals on SQLite and PostgreSQL (one class; port
``hotline_tui.qa.ports.QaStore``)."""

from __future__ import annotations

import json
from typing import Any

from hotline_tui.audit import AuditEntry
from hotline_tui.errors import ConflictError
from hotline_tui.qa.ports import Appeal, Evaluation

from .audit_store import SqlAuditLog
from .db import Db

_EV = ("period", "call_key", "agent", "inspector", "call_card", "call_card_version", "ticket_serial", "ticket_card",
       "ticket_card_version", "purpose", "stratum", "state", "score", "call_score", "ticket_score", "created_at",
       "submitted_at", "version")
_JSON = {"call": "call_json", "marks": "marks_json", "prefill": "prefill_json", "fatal": "fatal_json"}
_AP = ("evaluation_id", "agent_user", "reason", "at", "decided_by", "decision", "note", "decided_at", "score_before",
       "score_after")


def _dumps(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


class SqlQaStore:
    def __init__(self, db: Db, audit: SqlAuditLog | None = None):
        self.db = db
        self.audit = audit or SqlAuditLog(db)

    # -- cards ---------------------------------------------------------------------------------
    def card_digest(self, name: str, version: int) -> str | None:
        r = self.db.query_one("SELECT digest FROM qa_cards WHERE name = :n AND version = :v", {"n": name, "v": version})
        return None if r is None else str(r["digest"])

    def save_card(self, name: str, version: int, kind: str, digest: str, body: dict[str, Any],
                  at: float, audit: AuditEntry) -> bool:
        with self.db.tx():
            n = self.db.execute(
                "INSERT INTO qa_cards (name, version, kind, digest, body_json, stored_at)"
                " VALUES (:n, :v, :k, :d, :b, :at) ON CONFLICT (name, version) DO NOTHING",
                {"n": name, "v": version, "k": kind, "d": digest, "b": _dumps(body), "at": at})
            if n:
                self.audit.append(audit)
        return bool(n)

    def card_body(self, name: str, version: int) -> dict[str, Any] | None:
        r = self.db.query_one("SELECT body_json FROM qa_cards WHERE name = :n AND version = :v",
                              {"n": name, "v": version})
        return None if r is None else json.loads(r["body_json"])

    # -- evaluations ---------------------------------------------------------------------------
    def _params(self, ev: Evaluation) -> dict[str, Any]:
        p: dict[str, Any] = {c: getattr(ev, c) for c in _EV}
        for attr, col in _JSON.items():
            p[col] = _dumps(getattr(ev, attr))
        return p

    def _ev(self, r: dict[str, Any]) -> Evaluation:
        kw: dict[str, Any] = {c: r[c] for c in _EV}
        for attr, col in _JSON.items():
            kw[attr] = json.loads(r[col])
        kw["id"] = int(r["id"])
        for c in ("call_card_version", "ticket_card_version", "version"):
            kw[c] = int(kw[c])
        return Evaluation(**kw)

    def add_evaluations(self, evaluations: list[Evaluation], actor: str, at: float) -> list[Evaluation]:
        from datetime import datetime

        from hotline_tui.clock import SITE_TZ

        cols = _EV + tuple(_JSON.values())
        sql = (f"INSERT INTO qa_evaluations ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"
               " ON CONFLICT (call_key, inspector) DO NOTHING")
        out: list[Evaluation] = []
        when = datetime.fromtimestamp(at, SITE_TZ)
        with self.db.tx():
            for ev in evaluations:
                if not self.db.execute(sql, self._params(ev)):
                    continue
                r = self.db.query_row("SELECT * FROM qa_evaluations WHERE call_key = :c AND inspector = :i",
                                      {"c": ev.call_key, "i": ev.inspector})
                stored = self._ev(r)
                out.append(stored)
                self.audit.append(AuditEntry(actor, "qa.sample", "qa_evaluation", str(stored.id), when, when, None,
                                             {"call_key": stored.call_key, "agent": stored.agent,
                                              "inspector": stored.inspector, "purpose": stored.purpose,
                                              "stratum": stored.stratum, "ticket_serial": stored.ticket_serial}))
        return out

    def evaluation(self, evaluation_id: int) -> Evaluation | None:
        r = self.db.query_one("SELECT * FROM qa_evaluations WHERE id = :id", {"id": int(evaluation_id)})
        return None if r is None else self._ev(r)

    def evaluations(self, *, period: str | None = None, agent: str | None = None, inspector: str | None = None,
                    state: str | None = None, call_key: str | None = None) -> list[Evaluation]:
        where, p = [], {}
        for col, val in (("period", period), ("agent", agent), ("inspector", inspector), ("state", state),
                         ("call_key", call_key)):
            if val is not None:
                where.append(f"{col} = :{col}")
                p[col] = val
        sql = "SELECT * FROM qa_evaluations" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        return [self._ev(r) for r in self.db.query(sql, p)]

    def update_evaluation(self, ev: Evaluation, expected_version: int, audit: AuditEntry,
                          appeal: Appeal | None = None) -> Evaluation:
        p = self._params(ev)
        p.update(id=ev.id, expected=expected_version, version=expected_version + 1)
        sets = ", ".join(f"{c} = :{c}" for c in ("state", "score", "call_score", "ticket_score", "submitted_at",
                                                  "marks_json", "fatal_json", "version"))
        with self.db.tx():
            n = self.db.execute(f"UPDATE qa_evaluations SET {sets} WHERE id = :id AND version = :expected", p)
            if not n:
                r = self.db.query_one("SELECT version FROM qa_evaluations WHERE id = :id", {"id": ev.id})
                raise ConflictError(f"evaluation {ev.id}", expected_version, None if r is None else int(r["version"]))
            if appeal is not None:
                ap = {c: getattr(appeal, c) for c in _AP}
                if self.appeal(appeal.evaluation_id) is None:
                    self.db.execute(f"INSERT INTO qa_appeals ({', '.join(_AP)}) VALUES ({', '.join(':' + c for c in _AP)})",
                                    ap)
                else:
                    self.db.execute("UPDATE qa_appeals SET decided_by = :decided_by, decision = :decision, note = :note,"
                                    " decided_at = :decided_at, score_before = :score_before, score_after = :score_after"
                                    " WHERE evaluation_id = :evaluation_id AND decision = ''", ap)
            self.audit.append(audit)
        ev.version = expected_version + 1
        return ev

    def _ap(self, r: dict[str, Any]) -> Appeal:
        kw = {c: r[c] for c in _AP}
        kw["evaluation_id"] = int(kw["evaluation_id"])
        return Appeal(**kw)

    def appeal(self, evaluation_id: int) -> Appeal | None:
        r = self.db.query_one("SELECT * FROM qa_appeals WHERE evaluation_id = :e", {"e": int(evaluation_id)})
        return None if r is None else self._ap(r)

    def appeals(self, *, open_only: bool = False) -> list[Appeal]:
        sql = "SELECT * FROM qa_appeals" + (" WHERE decision = ''" if open_only else "") + " ORDER BY evaluation_id"
        return [self._ap(r) for r in self.db.query(sql)]
