"""Schema of notifications (docs/notify.md): the outbox, the endpoints with their circuit
breaker, SMS opt-outs, and the request ids the department intake has seen.

Times the worker compares (``next_at``, ``lease_until``, ``open_until``) are epoch seconds
(DOUBLE PRECISION on both stores): the claim compares them with one bound number, the same
SQL on SQLite and PostgreSQL. ``created_at`` is the site-time stamp, for people."""

from . import Migration

_TABLES = """
CREATE TABLE notify_outbox (
    id TEXT PRIMARY KEY,                -- <serial>-<event>-v<version>-<receiver>: the idempotency key
    serial TEXT NOT NULL,
    event TEXT NOT NULL,
    channel TEXT NOT NULL,              -- sms | webhook
    receiver TEXT NOT NULL,             -- phone number (sms) or department code (webhook)
    endpoint TEXT NOT NULL,             -- sms | dept:<code>: the breaker's key
    payload TEXT NOT NULL,              -- JSON: what is sent (webhook body, or sms template + params)
    text TEXT NOT NULL DEFAULT '',      -- the rendered SMS text, for people
    status TEXT NOT NULL,               -- pending sending sent delivered failed dead dropped suppressed
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at DOUBLE PRECISION NOT NULL,
    lease_until DOUBLE PRECISION NOT NULL DEFAULT 0,
    claimed_by TEXT NOT NULL DEFAULT '',
    ambiguous INTEGER NOT NULL DEFAULT 0,   -- the last attempt may have reached the far end
    reference TEXT NOT NULL DEFAULT '',     -- the gateway's message id
    last_error TEXT NOT NULL DEFAULT '',
    created_at {TS} NOT NULL,
    done_at DOUBLE PRECISION
);
CREATE INDEX notify_outbox_due ON notify_outbox (status, next_at);
CREATE INDEX notify_outbox_serial ON notify_outbox (serial);
CREATE TABLE notify_endpoints (
    endpoint TEXT PRIMARY KEY,
    failures INTEGER NOT NULL DEFAULT 0,    -- consecutive failures
    open_until DOUBLE PRECISION NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,    -- answered 410 Gone
    last_error TEXT NOT NULL DEFAULT '',
    updated_at DOUBLE PRECISION NOT NULL DEFAULT 0
);
CREATE TABLE notify_optout (
    phone TEXT PRIMARY KEY,
    reason TEXT NOT NULL DEFAULT '',
    at DOUBLE PRECISION NOT NULL
);
CREATE TABLE notify_intake (
    department TEXT NOT NULL,
    request_id TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    response TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (department, request_id)
);
"""

MIGRATIONS = [
    Migration(
        "notify", 1, "outbox, endpoints and breaker, opt-outs, intake request ids",
        sqlite=_TABLES.replace("{TS}", "TEXT"),
        postgres=_TABLES.replace("{TS}", "TIMESTAMPTZ"),
    ),
]
