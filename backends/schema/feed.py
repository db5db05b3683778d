"""Schema of the ticket change feed (issue 21): one row per ticket change, written in the same
transaction as the change by a trigger on the audit log (every ticket change writes its audit
entry there, so no code path can change a ticket without a feed row).

The sequence is commit-ordered on both stores, so a reader that remembers the last sequence it
read misses nothing: SQLite has one writer at a time; on PostgreSQL every writer takes the next
number from one counter row, whose lock it holds until it commits, so a lower number can never
commit after a higher one. PostgreSQL also sends ``NOTIFY hotline_ticket_feed, '<seq>'`` at
commit — a doorbell carrying only the number; the feed is the queue.
"""

from . import Migration

_SQLITE = """
CREATE TABLE ticket_feed (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    serial TEXT NOT NULL,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    audit_id INTEGER NOT NULL
);
CREATE TRIGGER ticket_feed_from_audit AFTER INSERT ON audit_log WHEN NEW.subject_type = 'ticket'
BEGIN INSERT INTO ticket_feed (serial, kind, at, audit_id) VALUES (NEW.subject_id, NEW.action, NEW.recorded_at, NEW.id); END;
"""

# The function body is one line: the migration runner splits scripts at line-ending semicolons.
_POSTGRES = """
CREATE TABLE ticket_feed (
    seq BIGINT PRIMARY KEY,
    serial TEXT NOT NULL,
    kind TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    audit_id BIGINT NOT NULL
);
CREATE TABLE ticket_feed_head (one SMALLINT PRIMARY KEY CHECK (one = 1), seq BIGINT NOT NULL);
INSERT INTO ticket_feed_head (one, seq) VALUES (1, 0);
CREATE FUNCTION ticket_feed_append() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE n BIGINT; BEGIN UPDATE ticket_feed_head SET seq = seq + 1 RETURNING seq INTO n; INSERT INTO ticket_feed (seq, serial, kind, at, audit_id) VALUES (n, NEW.subject_id, NEW.action, NEW.recorded_at, NEW.id); PERFORM pg_notify('hotline_ticket_feed', n::text); RETURN NULL; END $$;
CREATE TRIGGER ticket_feed_from_audit AFTER INSERT ON audit_log FOR EACH ROW WHEN (NEW.subject_type = 'ticket')
EXECUTE FUNCTION ticket_feed_append();
"""

MIGRATIONS = [
    Migration("feed", 1, "ticket change feed (sequence, serial, kind), written by a trigger on the audit log",
              sqlite=_SQLITE, postgres=_POSTGRES),
]
