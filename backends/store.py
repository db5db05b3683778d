"""The ticket store as one object: a database handle plus its component stores.

``open_store("path.db")`` or ``open_store("postgresql://...")``. Component stores
(tickets, kb, calls) are one class each for both dialects, built on ``backends.db.Db``, whose
handle turns every driver error into a typed ``hotline_tui.errors.StoreError``.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from hotline_tui.audit import AuditLog
from hotline_tui.feed import TicketFeed
from hotline_tui.calls_port import CallStore
from hotline_tui.kb.ports import KnowledgeStore
from hotline_tui.lease import LeaseStore
from hotline_tui.qa.ports import QaStore
from hotline_tui.notify.ports import OutboxStore
from hotline_tui.reports.ports import ReportsStore
from hotline_tui.tickets.ports import TicketStore

from . import migrate as _migrate
from .db import Db, open_db


def default_db_path() -> Path:
    """The embedded default store: ``hotline.db`` in the user's data directory
    (``$HOTLINE_DB`` overrides it)."""
    import os

    env = os.environ.get("HOTLINE_DB")
    if env:
        return Path(env)
    import platformdirs   # here, not at the top: it imports tempfile, shutil and lzma (~10 ms)

    return Path(platformdirs.user_data_dir("hotline", appauthor=False)) / "hotline.db"


class Store:
    def __init__(self, db: Db):
        self.db = db

    @property
    def dialect(self) -> str:
        return self.db.dialect

    @property
    def describe(self) -> str:
        return self.db.describe

    def migrate(self) -> list[_migrate.Migration]:
        return _migrate.migrate(self.db)

    def status(self) -> _migrate.SchemaStatus:
        return _migrate.status(self.db)

    def require_current(self) -> _migrate.SchemaStatus:
        return _migrate.require_current(self.db)

    def close(self) -> None:
        self.db.close()

    # Component stores are built on first use so a process that needs one pays for one. Each is
    # typed as the core's port, so mypy checks that the SQL class satisfies it.
    @cached_property
    def feed(self) -> TicketFeed:
        from .feed_store import SqlTicketFeed

        return SqlTicketFeed(self.db)

    @cached_property
    def audit(self) -> AuditLog:
        from .audit_store import SqlAuditLog

        return SqlAuditLog(self.db)

    @cached_property
    def tickets(self) -> TicketStore:
        from .tickets_store import SqlTicketStore

        return SqlTicketStore(self.db)

    @cached_property
    def kb(self) -> KnowledgeStore:
        from .kb_store import SqlKnowledgeStore

        return SqlKnowledgeStore(self.db)

    @cached_property
    def calls(self) -> CallStore:
        from .calls_store import SqlCallStore

        return SqlCallStore(self.db)

    @cached_property
    def leases(self) -> LeaseStore:
        from .lease_store import SqlLeaseStore

        return SqlLeaseStore(self.db)

    @cached_property
    def reports(self) -> ReportsStore:
        from .reports_store import SqlSignoffStore

        return SqlSignoffStore(self.db)

    @cached_property
    def qa(self) -> QaStore:
        from .qa_store import SqlQaStore

        return SqlQaStore(self.db)

    @cached_property
    def outbox(self) -> OutboxStore:
        """Notifications: the outbox, endpoints, opt-outs, intake ids (docs/notify.md)."""
        from .notify_store import SqlOutboxStore

        return SqlOutboxStore(self.db)


def open_store(target: str | Path | None = None, *, migrate: bool = False) -> Store:
    """Open the store at ``target`` (default: the embedded SQLite file).

    With ``migrate`` pending migrations are applied first. Raises StoreUnavailable (one line,
    names the store) when the database cannot be opened or reached, StoreBusy when it stays
    locked; every method of the store and its component stores raises only StoreError
    subclasses for a database failure, never a driver's exception. Blocks.
    """
    store = Store(open_db(str(target or default_db_path())))
    if migrate:
        store.migrate()
    return store
