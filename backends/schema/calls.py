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

# v2 (issue 16, "the record"): a visit's call id, recording id and after-call work; the natural
# key becomes (node, member_uuid, joined_at, call_id) — the switch's own identity of a visit, the
# same for every console and recorder that saw it (a caller who resumes keeps member uuid and
# join time, mod_callcenter's joined_epoch, but rings on a new session: the call id tells the two
# visits apart) — and agent status/state intervals are kept. Old rows
# are kept; should two old rows share the new key, the first stored stays.
_INTERVALS = """
CREATE TABLE agent_intervals (
    id {serial} PRIMARY KEY,
    node TEXT NOT NULL DEFAULT '',
    agent TEXT NOT NULL,
    started_at {real} NOT NULL,
    ended_at {real} NOT NULL,
    status TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    UNIQUE (node, agent, started_at)
);
CREATE INDEX agent_intervals_start ON agent_intervals (started_at);
CREATE INDEX agent_intervals_end ON agent_intervals (ended_at);
CREATE INDEX agent_intervals_agent ON agent_intervals (agent, started_at);
"""

_V2_SQLITE = """
CREATE TABLE call_records_v2 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member_uuid TEXT NOT NULL,
    node TEXT NOT NULL DEFAULT '',
    queue TEXT NOT NULL,
    caller_number TEXT NOT NULL DEFAULT '',
    caller_name TEXT NOT NULL DEFAULT '',
    agent TEXT NOT NULL DEFAULT '',
    joined_at REAL NOT NULL,
    answered_at REAL,
    left_at REAL NOT NULL,
    outcome TEXT NOT NULL,
    wait_s REAL NOT NULL,
    talk_s REAL NOT NULL DEFAULT 0,
    call_id TEXT NOT NULL DEFAULT '',
    recording_id TEXT NOT NULL DEFAULT '',
    wrap_s REAL NOT NULL DEFAULT 0,
    UNIQUE (node, member_uuid, joined_at, call_id)
);
INSERT OR IGNORE INTO call_records_v2 (id, member_uuid, node, queue, caller_number, caller_name, agent, joined_at,
    answered_at, left_at, outcome, wait_s, talk_s)
    SELECT id, member_uuid, node, queue, caller_number, caller_name, agent, joined_at, answered_at, left_at, outcome,
        wait_s, talk_s FROM call_records ORDER BY id;
DROP TABLE call_records;
ALTER TABLE call_records_v2 RENAME TO call_records;
CREATE INDEX call_records_left ON call_records (left_at);
CREATE INDEX call_records_caller ON call_records (caller_number, left_at);
""" + _INTERVALS.format(serial="INTEGER", real="REAL").replace("INTEGER PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT")

_V2_POSTGRES = """
ALTER TABLE call_records ADD COLUMN call_id TEXT NOT NULL DEFAULT '';
ALTER TABLE call_records ADD COLUMN recording_id TEXT NOT NULL DEFAULT '';
ALTER TABLE call_records ADD COLUMN wrap_s DOUBLE PRECISION NOT NULL DEFAULT 0;
DELETE FROM call_records a USING call_records b
    WHERE a.node = b.node AND a.member_uuid = b.member_uuid AND a.joined_at = b.joined_at AND a.call_id = b.call_id
        AND a.id > b.id;
ALTER TABLE call_records DROP CONSTRAINT IF EXISTS call_records_member_uuid_queue_left_at_key;
ALTER TABLE call_records ADD CONSTRAINT call_records_natural UNIQUE (node, member_uuid, joined_at, call_id);
""" + _INTERVALS.format(serial="BIGSERIAL", real="DOUBLE PRECISION")

# v3 (issue 17, callbacks worked from the desk): a task's tries and the time it may be tried
# again; the round-robin cursor (one row, so a restart or a second writer goes on where the
# last assignment stopped); every attempt, of an abandoned-call task or a ticket's callback
# (回访), keyed by (kind, ref, attempt) so an attempt is recorded once; and agent presence
# (who is logged in, by node, and when a console or recorder last saw it) for the CLI.
_V3 = """
ALTER TABLE callback_tasks ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE callback_tasks ADD COLUMN due_at {real} NOT NULL DEFAULT 0;
CREATE INDEX callback_assigned ON callback_tasks (assigned_to, state, abandoned_at);
CREATE TABLE callback_cursor (
    name TEXT PRIMARY KEY,
    last_agent TEXT NOT NULL DEFAULT '',
    updated_at {real} NOT NULL DEFAULT 0
);
INSERT INTO callback_cursor (name, last_agent, updated_at) VALUES ('callbacks', '', 0);
CREATE TABLE callback_attempts (
    id {serial} PRIMARY KEY,
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    agent TEXT NOT NULL,
    at {real} NOT NULL,
    result TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    call_id TEXT NOT NULL DEFAULT '',
    UNIQUE (kind, ref, attempt)
);
CREATE INDEX callback_attempts_agent ON callback_attempts (agent, at);
CREATE TABLE agent_presence (
    node TEXT NOT NULL DEFAULT '',
    agent TEXT NOT NULL,
    status TEXT NOT NULL,
    seen_at {real} NOT NULL,
    PRIMARY KEY (node, agent)
);
"""

MIGRATIONS = [
    Migration("calls", 1, "call records, callback tasks, shift notes",
              sqlite=_COMMON.format(serial="INTEGER", real="REAL").replace(
                  "INTEGER PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT"),
              postgres=_COMMON.format(serial="BIGSERIAL", real="DOUBLE PRECISION")),
    Migration("calls", 2, "the record: call and recording ids, natural key, agent intervals",
              sqlite=_V2_SQLITE, postgres=_V2_POSTGRES),
    Migration("calls", 3, "callbacks from the desk: tries, round-robin cursor, attempts, agent presence",
              sqlite=_V3.format(serial="INTEGER", real="REAL").replace(
                  "INTEGER PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT"),
              postgres=_V3.format(serial="BIGSERIAL", real="DOUBLE PRECISION")),
]
