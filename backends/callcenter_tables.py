"""mod_callcenter's own ``agents`` and ``members`` tables, read from the database the nodes
share (``odbc-dsn``: PostgreSQL; or a node's SQLite ``callcenter`` file) — the
``hotline_tui.live.drift.CallcenterTables`` port (issue 21). Read-only: the console never
writes mod_callcenter's tables (the switch owns them). Column names are mod_callcenter's
(``CC`` L157-250 of mod_callcenter.c; /work/shared/protocols/esl-and-callcenter.md §2.8).
"""

from __future__ import annotations

from hotline_tui.live.drift import SharedAgent, SharedMember

from .db import Db, open_db


class SqlCallcenterTables:
    def __init__(self, db: Db):
        self.db = db

    def agents(self) -> list[SharedAgent]:
        rows = self.db.query("SELECT name, instance_id, status, state, uuid FROM agents ORDER BY name")
        return [SharedAgent(str(r["name"]), str(r["instance_id"] or ""), str(r["status"] or ""),
                            str(r["state"] or ""), str(r["uuid"] or "")) for r in rows]

    def members(self) -> list[SharedMember]:
        rows = self.db.query("SELECT uuid, queue, instance_id, state, serving_agent FROM members ORDER BY uuid")
        return [SharedMember(str(r["uuid"]), str(r["queue"] or ""), str(r["instance_id"] or ""),
                             str(r["state"] or ""), str(r["serving_agent"] or "")) for r in rows]

    def close(self) -> None:
        self.db.close()


def open_callcenter_tables(target: str) -> SqlCallcenterTables:
    """The tables at ``target`` (a ``postgresql://`` DSN or a SQLite path). Raises
    StoreUnavailable when it cannot be opened. Blocks."""
    return SqlCallcenterTables(open_db(target))
