"""Apply and check schema migrations (``hotline db migrate|check``)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from hotline_tui.errors import HotlineError

from .db import Db
from .schema import Migration, all_migrations

_LEDGER = """CREATE TABLE IF NOT EXISTS schema_migrations (
    component TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    applied_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (component, version)
)"""


@dataclass(frozen=True)
class SchemaStatus:
    applied: dict[str, int]   # component -> highest applied version
    latest: dict[str, int]    # component -> highest known version

    @property
    def pending(self) -> dict[str, int]:
        return {c: v for c, v in self.latest.items() if self.applied.get(c, 0) < v}

    @property
    def too_new(self) -> dict[str, int]:
        return {c: v for c, v in self.applied.items() if v > self.latest.get(c, 0)}

    @property
    def ok(self) -> bool:
        return not self.pending and not self.too_new

    @property
    def level(self) -> str:
        return ", ".join(f"{c} v{v}" for c, v in sorted(self.applied.items())) or "empty"


def status(db: Db, migrations: list[Migration] | None = None) -> SchemaStatus:
    migrations = all_migrations() if migrations is None else migrations
    latest: dict[str, int] = {}
    for m in migrations:
        latest[m.component] = max(latest.get(m.component, 0), m.version)
    with db.tx():
        db.execute(_LEDGER)
        rows = db.query("SELECT component, MAX(version) AS v FROM schema_migrations GROUP BY component")
    return SchemaStatus({r["component"]: int(r["v"]) for r in rows}, latest)


def migrate(db: Db, migrations: list[Migration] | None = None) -> list[Migration]:
    """Apply every pending migration, each in its own transaction; return those applied.

    Raises HotlineError if the database is newer than this program, a StoreError subclass if
    the database fails (the failing migration is rolled back; those before it stay). Blocks.
    """
    migrations = all_migrations() if migrations is None else migrations
    st = status(db, migrations)
    if st.too_new:
        raise HotlineError(f"database schema is newer than this hotline ({st.too_new}); upgrade hotline")
    done: list[Migration] = []
    for m in migrations:
        if m.version <= st.applied.get(m.component, 0):
            continue
        with db.tx():
            # Re-check inside the transaction: two processes may migrate at once.
            if db.query_one(
                "SELECT 1 AS x FROM schema_migrations WHERE component = :c AND version = :v",
                {"c": m.component, "v": m.version},
            ):
                continue
            db.executescript(m.sqlite if db.dialect == "sqlite" else m.postgres)
            if m.backfill is not None:
                m.backfill(db)
            db.execute(
                "INSERT INTO schema_migrations (component, version, name, applied_at) VALUES (:c, :v, :n, :t)",
                {"c": m.component, "v": m.version, "n": m.name, "t": time.time()},
            )
        done.append(m)
    return done


def require_current(db: Db) -> SchemaStatus:
    """Raise HotlineError (one line, says what to run) unless the schema is current; a
    StoreError subclass if the database fails. Blocks."""
    st = status(db)
    if st.too_new:
        raise HotlineError(f"database schema is newer than this hotline ({st.too_new}); upgrade hotline")
    if st.pending:
        raise HotlineError(f"database needs migrating ({st.pending}); run: hotline db migrate")
    return st
