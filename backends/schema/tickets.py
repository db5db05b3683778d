"""Schema of tickets, their department tasks, notes, links, callers and return statistics."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import json

from hotline_tui.tickets.events import ACTIONS, TicketEvent, events_of
from hotline_tui.tickets.model import FACT_BODY_FIELDS
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

_EVENTS = """
CREATE TABLE ticket_events (
    serial TEXT NOT NULL,
    version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    department TEXT NOT NULL DEFAULT '',
    at {ts} NOT NULL,
    n INTEGER NOT NULL DEFAULT 1,
    result TEXT NOT NULL DEFAULT '',
    handler TEXT NOT NULL DEFAULT '',
    registered_at {ts},
    PRIMARY KEY (serial, version, kind)
);
CREATE INDEX ticket_events_at ON ticket_events (at);
CREATE INDEX ticket_events_registered ON ticket_events (registered_at);
ALTER TABLE tickets ADD COLUMN report_facts TEXT NOT NULL DEFAULT ''
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
    # Department events (hotline_tui/tickets/events.py) and the time of the last callback, which
    # the ticket record lacked: the department, assessment and callbacks reports count them.
    # Rebuilt from the audit log for the tickets handled before (the same rule the service uses).
    Migration(
        "tickets", 5, "department events (returns, wrong returns, urges, callbacks ...)",
        sqlite=_EVENTS.format(ts="TEXT"),
        postgres=_EVENTS.format(ts="TIMESTAMPTZ"),
        backfill=lambda db: backfill_events(db),
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


# ``registered_at``: the ticket's registration time beside each event, so a report of the
# tickets registered in a month counts their events from this table's index alone.
_EVENT_INSERT = ("INSERT INTO ticket_events (serial, version, kind, department, at, n, result, handler, registered_at)"
                 " VALUES (:serial, :version, :kind, :department, :at, :n, :result, :handler,"
                 " (SELECT created_at FROM tickets WHERE serial = :serial))"
                 " ON CONFLICT (serial, version, kind) DO NOTHING")


def _event_row(db: Db, e: TicketEvent) -> dict:
    return {"serial": e.serial, "version": e.version, "kind": e.kind, "department": e.department,
            "at": db.ts(e.at), "n": e.n, "result": e.result, "handler": e.handler}


def add_event(db: Db, e: TicketEvent) -> None:
    """Write one department event, once (its natural key); joins the caller's transaction. Blocks."""
    db.execute(_EVENT_INSERT, _event_row(db, e))


def add_events(db: Db, events: list[TicketEvent]) -> None:
    """``add_event`` for many (the backfill below, the benchmark's load). Blocks."""
    if events:
        db.executemany(_EVENT_INSERT, [_event_row(db, e) for e in events])


def report_facts_of(snapshot: dict) -> str:
    """The ``report_facts`` column of a ticket: its ``FACT_BODY_FIELDS`` as a small JSON array
    (times as ISO text), written with every save beside the body, so the reports read a month's
    figures without parsing whole records (docs/reports.md, "Reading a month fast")."""
    return json.dumps([snapshot.get(f) for f in FACT_BODY_FIELDS], ensure_ascii=False, separators=(",", ":"))


def backfill_report_facts(db: Db, batch: int = 2000) -> int:
    """Fill ``report_facts`` of every ticket from its body. Returns the rows filled; joins the
    caller's transaction. Blocks."""
    done, last = 0, 0
    while True:
        rows = db.query("SELECT id, body FROM tickets WHERE id > :last ORDER BY id LIMIT :n", {"last": last, "n": batch})
        if not rows:
            return done
        db.executemany("UPDATE tickets SET report_facts = :f WHERE id = :id",
                       [{"id": r["id"], "f": report_facts_of(json.loads(r["body"]))} for r in rows])
        done += len(rows)
        last = rows[-1]["id"]


def backfill_events(db: Db, batch: int = 2000) -> int:
    """Derive the department events of every recorded ticket action from the audit log
    (``events_of``, as the service does) and set ``callback_at`` in the bodies of tickets called
    back before the field existed. Returns the events written; joins the caller's transaction.
    Blocks."""
    from ..db import from_ts

    actions = [f"ticket.{a}" for a in ACTIONS]
    marks = ", ".join(f":a{i}" for i in range(len(actions)))
    params: dict = {f"a{i}": a for i, a in enumerate(actions)}
    done, last = 0, 0
    callback_at: dict[str, object] = {}
    while True:
        rows = db.query(f"SELECT id, action, at, before_json, after_json FROM audit_log WHERE subject_type = 'ticket'"
                        f" AND action IN ({marks}) AND id > :last ORDER BY id LIMIT :n", {**params, "last": last, "n": batch})
        if not rows:
            break
        events = []
        for r in rows:
            before = json.loads(r["before_json"]) if r["before_json"] else None
            after = json.loads(r["after_json"]) if r["after_json"] else None
            got = events_of(r["action"].removeprefix("ticket."), before, after, from_ts(r["at"]))
            events += got
            callback_at.update({e.serial: e.at for e in got if e.kind == "callback"})
        add_events(db, events)
        done += len(events)
        last = rows[-1]["id"]
    for serial, at in callback_at.items():
        row = db.query_one("SELECT body FROM tickets WHERE serial = :s", {"s": serial})
        if row is None:
            continue
        body = json.loads(row["body"])
        if not body.get("callback_at"):
            body["callback_at"] = at.isoformat()     # type: ignore[attr-defined]
            db.execute("UPDATE tickets SET body = :b WHERE serial = :s", {"b": json.dumps(body, ensure_ascii=False), "s": serial})
    backfill_report_facts(db)
    return done
