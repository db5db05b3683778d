"""Build a TicketService from a store bundle (``hotline_tui.ports.StoreBundle``)."""

from __future__ import annotations

from pathlib import Path

from ..access import load_access
from ..clock import Clock, SystemClock
from ..ports import StoreBundle
from ..sla import load_sla_policy
from .catalog import load_catalog
from .service import TicketService


def ticket_service(store: StoreBundle, config_dir: str | Path, clock: Clock | None = None) -> TicketService:
    """Reads roles.yaml, tickets.yaml, sla.yaml and the calendar (ConfigError on bad config)."""
    return TicketService(store.tickets, store.audit, load_access(config_dir), load_catalog(config_dir),
                         load_sla_policy(config_dir), clock or SystemClock())
