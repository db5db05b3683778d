"""Schema of the leases (issue 21, ``hotline_tui/lease.py``): one row per named lease — who
holds it, until when (epoch seconds by the store's clock) and its fencing epoch. Taken and
renewed by conditional UPDATEs (``backends/lease_store.py``); the same row logic on both
stores, and on PostgreSQL the row replicates to the standby, so a failover keeps the holder.
"""

from . import Migration

_SQLITE = """
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at REAL NOT NULL,
    epoch INTEGER NOT NULL,
    acquired_at REAL NOT NULL
);
"""

_POSTGRES = """
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL,
    epoch BIGINT NOT NULL,
    acquired_at DOUBLE PRECISION NOT NULL
);
"""

MIGRATIONS = [
    Migration("lease", 1, "named leases (holder, expiry, fencing epoch): one writer per site job",
              sqlite=_SQLITE, postgres=_POSTGRES),
]
