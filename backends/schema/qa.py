"""Schema of the qa component (质检): card versions, evaluations, appeals (docs/qa.md)."""

from . import Migration

_COMMON = """
CREATE TABLE qa_cards (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    digest TEXT NOT NULL,
    body_json TEXT NOT NULL,
    stored_at {real} NOT NULL,
    PRIMARY KEY (name, version)
);
CREATE TABLE qa_evaluations (
    id {serial} PRIMARY KEY,
    period TEXT NOT NULL,
    call_key TEXT NOT NULL,
    agent TEXT NOT NULL,
    inspector TEXT NOT NULL,
    call_json TEXT NOT NULL,
    call_card TEXT NOT NULL,
    call_card_version INTEGER NOT NULL,
    ticket_serial TEXT NOT NULL DEFAULT '',
    ticket_card TEXT NOT NULL DEFAULT '',
    ticket_card_version INTEGER NOT NULL DEFAULT 0,
    purpose TEXT NOT NULL CHECK (purpose IN ('sample', 'calibration')),
    stratum TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('assigned', 'submitted', 'appealed', 'decided')),
    marks_json TEXT NOT NULL DEFAULT '{{}}',
    prefill_json TEXT NOT NULL DEFAULT '{{}}',
    fatal_json TEXT NOT NULL DEFAULT '[]',
    score {real},
    call_score {real},
    ticket_score {real},
    created_at {real} NOT NULL,
    submitted_at {real},
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (call_key, inspector)
);
CREATE INDEX qa_evaluations_period ON qa_evaluations (period, agent);
CREATE INDEX qa_evaluations_inspector ON qa_evaluations (inspector, state);
CREATE TABLE qa_appeals (
    evaluation_id BIGINT NOT NULL PRIMARY KEY REFERENCES qa_evaluations (id),
    agent_user TEXT NOT NULL,
    reason TEXT NOT NULL,
    at {real} NOT NULL,
    decided_by TEXT NOT NULL DEFAULT '',
    decision TEXT NOT NULL DEFAULT '' CHECK (decision IN ('', 'upheld', 'rejected')),
    note TEXT NOT NULL DEFAULT '',
    decided_at {real},
    score_before {real},
    score_after {real}
);
"""

MIGRATIONS = [
    Migration("qa", 1, "scorecard versions, evaluations of a call and its ticket, appeals",
              sqlite=_COMMON.format(serial="INTEGER", real="REAL").replace(
                  "INTEGER PRIMARY KEY,", "INTEGER PRIMARY KEY AUTOINCREMENT,"),
              postgres=_COMMON.format(serial="BIGSERIAL", real="DOUBLE PRECISION")),
]
