"""Leases on SQLite and PostgreSQL (``hotline_tui.lease.LeaseStore``).

Each operation is one statement that commits on its own (none runs inside ``tx()``), and the
condition that decides who holds the lease is in its WHERE clause, so two instances racing for
it cannot both win: the database serialises the two UPDATEs on the row. Time is the store's
clock: PostgreSQL's ``clock_timestamp()`` (one clock for every host), the local clock on SQLite
(one machine).
"""

from __future__ import annotations

import time

from hotline_tui.lease import LeaseState

from .db import Db


class SqlLeaseStore:
    def __init__(self, db: Db):
        self.db = db

    def _now(self) -> float:
        if self.db.dialect == "postgres":
            return float(self.db.query_row("SELECT EXTRACT(EPOCH FROM clock_timestamp())::float8 AS t")["t"])
        return time.time()

    def try_acquire(self, name: str, holder: str, ttl_s: float) -> int | None:
        now = self._now()
        p = {"n": name, "h": holder, "now": now, "e": now + float(ttl_s)}
        if self.db.execute("INSERT INTO leases (name, holder, expires_at, epoch, acquired_at) "
                           "VALUES (:n, :h, :e, 1, :now) ON CONFLICT (name) DO NOTHING", p):
            return 1
        # Ours already (renew, same epoch), or free/expired (a new holding: epoch + 1).
        rows = self.db.query(
            "UPDATE leases SET epoch = CASE WHEN holder = :h THEN epoch ELSE epoch + 1 END, "
            "acquired_at = CASE WHEN holder = :h THEN acquired_at ELSE :now END, "
            "holder = :h, expires_at = :e "
            "WHERE name = :n AND (holder = :h OR expires_at <= :now) RETURNING epoch", p)
        return int(rows[0]["epoch"]) if rows else None

    def renew(self, name: str, holder: str, ttl_s: float) -> bool:
        now = self._now()
        return bool(self.db.execute("UPDATE leases SET expires_at = :e WHERE name = :n AND holder = :h",
                                    {"n": name, "h": holder, "e": now + float(ttl_s)}))

    def release(self, name: str, holder: str) -> None:
        # An empty holder that expired at 0: free for the next try, and the epoch moves on then.
        self.db.execute("UPDATE leases SET holder = '', expires_at = 0 WHERE name = :n AND holder = :h",
                        {"n": name, "h": holder})

    def current(self, name: str) -> LeaseState | None:
        r = self.db.query_one("SELECT name, holder, expires_at, epoch FROM leases WHERE name = :n", {"n": name})
        return None if r is None else _state(r)

    def all(self) -> list[LeaseState]:
        return [_state(r) for r in self.db.query("SELECT name, holder, expires_at, epoch FROM leases ORDER BY name")]


def _state(r: dict) -> LeaseState:
    return LeaseState(r["name"], r["holder"], float(r["expires_at"]), int(r["epoch"]))
