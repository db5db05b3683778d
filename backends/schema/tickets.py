"""Schema of tickets, their department tasks, notes, links, callers and return statistics."""

from . import Migration

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

MIGRATIONS = [
    Migration(
        "tickets", 1, "tickets, notes, links, callers",
        sqlite=_COMMON.format(pk="INTEGER PRIMARY KEY AUTOINCREMENT", ts="TEXT"),
        postgres=_COMMON.format(pk="BIGSERIAL PRIMARY KEY", ts="TIMESTAMPTZ"),
    ),
]
