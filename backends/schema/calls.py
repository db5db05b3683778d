"""Schema of call records, abandoned-call callback tasks (呼损回拨) and shift handover notes."""

from . import Migration

_COMMON = """
CREATE TABLE call_records (
    id {serial} PRIMARY KEY,
    member_uuid TEXT NOT NULL,
    node TEXT NOT NULL DEFAULT '',
    queue TEXT NOT NULL,
    caller_number TEXT NOT NULL DEFAULT '',
    caller_name TEXT NOT NULL DEFAULT '',
    agent TEXT NOT NULL DEFAULT '',
    joined_at {real} NOT NULL,
    answered_at {real},
    left_at {real} NOT NULL,
    outcome TEXT NOT NULL,
    wait_s {real} NOT NULL,
    talk_s {real} NOT NULL DEFAULT 0,
    UNIQUE (member_uuid, queue, left_at)
);
CREATE INDEX call_records_left ON call_records (left_at);
CREATE INDEX call_records_caller ON call_records (caller_number, left_at);
CREATE TABLE callback_tasks (
    id {serial} PRIMARY KEY,
    member_uuid TEXT NOT NULL,
    queue TEXT NOT NULL,
    caller_number TEXT NOT NULL,
    caller_name TEXT NOT NULL DEFAULT '',
    abandoned_at {real} NOT NULL,
    assigned_to TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'open',
    note TEXT NOT NULL DEFAULT '',
    updated_at {real} NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX callback_open ON callback_tasks (state, abandoned_at);
CREATE INDEX callback_number ON callback_tasks (caller_number, state);
CREATE TABLE shift_notes (
    id {serial} PRIMARY KEY,
    shift_date TEXT NOT NULL,
    shift_name TEXT NOT NULL,
    author TEXT NOT NULL,
    at {real} NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX shift_notes_shift ON shift_notes (shift_date, shift_name, id);
"""

MIGRATIONS = [
    Migration("calls", 1, "call records, callback tasks, shift notes",
              sqlite=_COMMON.format(serial="INTEGER", real="REAL").replace(
                  "INTEGER PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT"),
              postgres=_COMMON.format(serial="BIGSERIAL", real="DOUBLE PRECISION")),
]
