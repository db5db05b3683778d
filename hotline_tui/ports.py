"""The store bundle port: one database with its component stores, as a store opener
(``backends.store.open_store``) hands it to the core's service factories.

The component ports themselves live beside the code that uses them: ``tickets/ports.py``,
``kb/ports.py``, ``calls_port.py``, ``audit.py``; the switch's in ``switch.py``, the clock's in
``clock.py``, the notifier's in ``notify_port.py``. ``docs/architecture.md`` lists them all.
"""

from __future__ import annotations

from typing import Protocol

from .audit import AuditLog
from .calls_port import CallStore
from .kb.ports import KnowledgeStore
from .tickets.ports import TicketStore


class StoreBundle(Protocol):
    """Component stores over one database, so a service's change and its audit entry commit
    in one transaction. Reading an attribute builds the component store on first use: it
    raises nothing and does not block; the stores' own methods block and raise StoreError."""

    @property
    def tickets(self) -> TicketStore:
        """The ticket store."""
        ...

    @property
    def kb(self) -> KnowledgeStore:
        """The knowledge store."""
        ...

    @property
    def calls(self) -> CallStore:
        """The call store (records, callback tasks, handover notes)."""
        ...

    @property
    def audit(self) -> AuditLog:
        """The audit log, in the same database as the other three."""
        ...
