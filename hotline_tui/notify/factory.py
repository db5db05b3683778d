"""Build the notification planner for a store bundle and a site (the ticket service's
``on_change`` hook), and the pieces the CLI and the console share."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Mapping

from .planner import Planner
from .ports import OutboxStore
from .settings import load_notify


def outbox_of(store: object) -> OutboxStore | None:
    """The bundle's outbox store (``backends.store.Store.outbox``); None for a bundle without
    one (the core's in-memory fakes): then tickets make no notifications. Never blocks."""
    return getattr(store, "outbox", None)


def planner_for(store: object, config_dir: str | Path, departments: Mapping[str, str]) -> Planner | None:
    """The planner for this site, or None when the site has no ``notify.yaml`` or the store no
    outbox. Raises ConfigError (file, line, key) for a broken notify.yaml. Never blocks
    beyond reading the file."""
    outbox = outbox_of(store)
    if outbox is None:
        return None
    cfg = load_notify(config_dir)
    if cfg is None:
        return None
    return Planner(cfg, outbox, dict(departments), time.time)
