"""Schema of the reports component: handover sign-offs (交接班签字: who handed over, who received)."""

from . import Migration

_COMMON = """
CREATE TABLE handover_signoffs (
    id {serial} PRIMARY KEY,
    shift_date TEXT NOT NULL DEFAULT '',
    shift_name TEXT NOT NULL DEFAULT '',
    period_from {real} NOT NULL,
    period_to {real} NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('handed_over', 'received')),
    user_name TEXT NOT NULL,
    at {real} NOT NULL,
    UNIQUE (period_from, period_to, role)
);
"""

# The switch links' lost / regained log (the handover's notable events; a report rebuilt later
# sees them). Natural key: node, state, time.
_LINKS = """
CREATE TABLE switch_link_changes (
    node TEXT NOT NULL,
    at {real} NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('lost', 'regained')),
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (node, state, at)
);
CREATE INDEX switch_link_changes_at ON switch_link_changes (at);
"""

MIGRATIONS = [
    Migration("reports", 1, "handover sign-offs",
              sqlite=_COMMON.format(serial="INTEGER", real="REAL").replace(
                  "INTEGER PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT"),
              postgres=_COMMON.format(serial="BIGSERIAL", real="DOUBLE PRECISION")),
    Migration("reports", 2, "switch link changes",
              sqlite=_LINKS.format(real="REAL"), postgres=_LINKS.format(real="DOUBLE PRECISION")),
]
