"""Versioned schema migrations, one module per component (tickets, kb, calls, ...).

Each module in this package exposes ``MIGRATIONS: list[Migration]``; versions count from 1
within a component and are never edited once landed (add a new version instead).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    component: str
    version: int
    name: str
    sqlite: str
    postgres: str


def all_migrations() -> list[Migration]:
    """Every migration of every component, ordered by (component, version)."""
    found: list[Migration] = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(getattr(module, "MIGRATIONS", []))
    return sorted(found, key=lambda m: (m.component, m.version))
