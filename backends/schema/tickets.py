"""Schema of tickets, their department tasks, notes, links, callers and return statistics."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from hotline_tui.textfold import fold_fields

from . import Migration

if TYPE_CHECKING:
    from ..db import Db

_COMMON = """
CREATE TABLE tickets (
    id {pk},
    serial TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    state TEXT NOT NULL,
    created_at {ts} NOT NULL,
    channel TEXT NOT NULL,
    caller_phone TEXT NOT NULL,
    caller_name TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    district TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL,
    subcategory TEXT NOT NULL DEFAULT '',
    urgency TEXT NOT NULL,
    content TEXT NOT NULL,
    call_id TEXT NOT NULL DEFAULT '',
    recording_id TEXT NOT NULL DEFAULT '',
    department TEXT NOT NULL DEFAULT '',
    current_due {ts},
    yellow_from {ts},
    updated_at {ts},
    closed_at {ts},
    body TEXT NOT NULL
);
CREATE INDEX tickets_due ON tickets (current_due);
CREATE INDEX tickets_yellow ON tickets (yellow_from);
CREATE INDEX tickets_dept_due ON tickets (department, current_due);
CREATE INDEX tickets_phone ON tickets (caller_phone, created_at);
CREATE INDEX tickets_state ON tickets (state, created_at);
CREATE INDEX tickets_created ON tickets (created_at);
CREATE TABLE ticket_serials (day TEXT PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE ticket_notes (
    id {pk},
    serial TEXT NOT NULL,
    kind TEXT NOT NULL,
    at {ts} NOT NULL,
    actor TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX ticket_notes_serial ON ticket_notes (serial, id);
CREATE TABLE ticket_links (a TEXT NOT NULL, b TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (a, b));
CREATE TABLE department_returns (department TEXT PRIMARY KEY, returns INTEGER NOT NULL, wrong INTEGER NOT NULL);
CREATE TABLE callers (phone TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', caller_class TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '')
"""

_REGISTERED_BY = """
ALTER TABLE tickets ADD COLUMN registered_by TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN cited_article {int};
CREATE INDEX tickets_registered_by ON tickets (registered_by, created_at)
"""

_SEARCH_INDEXES = """
CREATE INDEX tickets_dept_created ON tickets (department, created_at);
CREATE INDEX tickets_category_created ON tickets (category, created_at)
"""

MIGRATIONS = [
    Migration(
        "tickets", 1, "tickets, notes, links, callers",
        sqlite=_COMMON.format(pk="INTEGER PRIMARY KEY AUTOINCREMENT", ts="TEXT"),
        postgres=_COMMON.format(pk="BIGSERIAL PRIMARY KEY", ts="TIMESTAMPTZ"),
    ),
    Migration(
        "tickets", 2, "folded search text (content, name, address)",
        sqlite="ALTER TABLE tickets ADD COLUMN search_fold TEXT NOT NULL DEFAULT ''",
        postgres="ALTER TABLE tickets ADD COLUMN search_fold TEXT NOT NULL DEFAULT ''",
        backfill=lambda db: backfill_search_fold(db),
    ),
    # issue 17 (the desk's "my work", the cited article): who registered a ticket, and the
    # knowledge article an on-the-spot answer cited, as columns (the desk lists an agent's own
    # tickets by an index) and in the record; filled from the audit log for older tickets.
    Migration(
        "tickets", 3, "registered by, cited article (from the audit log)",
        sqlite=_REGISTERED_BY.format(int="INTEGER"),
        postgres=_REGISTERED_BY.format(int="BIGINT"),
        backfill=lambda db: backfill_registered_by(db),
    ),
    Migration(
        "tickets", 4, "indexes of the console's every-ticket search (department, category, newest first)",
        sqlite=_SEARCH_INDEXES, postgres=_SEARCH_INDEXES,
    ),
]


def backfill_search_fold(db: Db, batch: int = 2000) -> int:
    """Fill ``search_fold`` of every ticket from its content, caller name and address
    (``textfold.fold_fields``, the same as the store writes). Returns the rows filled; joins
    the caller's transaction. Blocks."""
    done, last = 0, 0
    while True:
        rows = db.query("SELECT id, content, caller_name, address FROM tickets WHERE id > :last ORDER BY id LIMIT :n",
                        {"last": last, "n": batch})
        if not rows:
            return done
        db.executemany("UPDATE tickets SET search_fold = :f WHERE id = :id",
                       [{"id": r["id"], "f": fold_fields(r["content"], r["caller_name"], r["address"])} for r in rows])
        done += len(rows)
        last = rows[-1]["id"]


def backfill_registered_by(db: Db, batch: int = 2000) -> int:
    """Fill ``registered_by`` (the actor of the ticket's ``ticket.register`` audit entry) and
    ``cited_article`` (the ``cited_article`` of its ``ticket.answer`` entry) of every ticket,
    in the column and in the record (``body``), so the ticket reads the same as one registered
    after the migration. Tickets without such entries (bulk-loaded demo data) keep "" / NULL.
    Returns the tickets filled; joins the caller's transaction. Blocks."""
    done, last = 0, 0
    while True:
        rows = db.query("SELECT id, serial, body FROM tickets WHERE id > :last ORDER BY id LIMIT :n",
                        {"last": last, "n": batch})
        if not rows:
            return done
        serials = {r["serial"]: r for r in rows}
        by: dict[str, str] = {}
        cited: dict[str, int] = {}
        # one query per batch, the serials bound (never formatted into the SQL)
        marks = ", ".join(f":s{i}" for i in range(len(serials)))
        params = {f"s{i}": s for i, s in enumerate(serials)}
        for e in db.query("SELECT subject_id, actor, action, after_json FROM audit_log WHERE subject_type = 'ticket' "
                          f"AND action IN ('ticket.register', 'ticket.answer') AND subject_id IN ({marks}) ORDER BY id",
                          params):
            if e["action"] == "ticket.register":
                by.setdefault(e["subject_id"], e["actor"])
            elif e["after_json"]:
                art = json.loads(e["after_json"]).get("cited_article")
                if isinstance(art, int):
                    cited[e["subject_id"]] = art
        updates = []
        for serial, r in serials.items():
            if serial not in by and serial not in cited:
                continue
            body = json.loads(r["body"])
            body["registered_by"] = by.get(serial, "")
            body["cited_article"] = cited.get(serial)
            updates.append({"id": r["id"], "by": body["registered_by"], "art": body["cited_article"],
                            "body": json.dumps(body, ensure_ascii=False)})
        if updates:
            db.executemany("UPDATE tickets SET registered_by = :by, cited_article = :art, body = :body WHERE id = :id",
                           updates)
        done += len(updates)
        last = rows[-1]["id"]
