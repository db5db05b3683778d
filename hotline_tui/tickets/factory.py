"""Build a TicketService from a store bundle (``TicketStores``, a narrow ``hotline_tui.ports.StoreBundle``)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ..access import load_access
from ..audit import AuditLog
from ..clock import Clock, SystemClock
from ..sla import load_sla_policy
from .catalog import load_catalog
from .ports import TicketStore
from .service import TicketService


class TicketStores(Protocol):
    """What this factory needs of a store bundle (``hotline_tui.ports.StoreBundle`` has it all;
    a narrower port here keeps ``ports`` -> ``tickets`` the only arrow between the two packages).
    Reading an attribute raises nothing and does not block."""

    @property
    def tickets(self) -> TicketStore: ...

    @property
    def audit(self) -> AuditLog: ...


def ticket_service(store: TicketStores, config_dir: str | Path, clock: Clock | None = None) -> TicketService:
    """Reads roles.yaml, tickets.yaml, sla.yaml, the calendar and notify.yaml (ConfigError on
    bad config)."""
    svc = TicketService(store.tickets, store.audit, load_access(config_dir), load_catalog(config_dir),
                        load_sla_policy(config_dir), clock or SystemClock())
    # Notifications (docs/notify.md): with a notify.yaml and a store that has an outbox, every
    # change writes its messages in its own transaction.
    from ..notify.factory import planner_for

    svc.on_change = planner_for(store, config_dir, svc.catalog.departments)
    return svc
