"""Versioned schema migrations, one module per component (tickets, kb, calls, ...).

Each module in this package exposes ``MIGRATIONS: list[Migration]``; versions count from 1
within a component and are never edited once landed (add a new version instead).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from ..db import Db


@dataclass(frozen=True)
class Migration:
    component: str
    version: int
    name: str
    sqlite: str
    postgres: str
    #: Runs after the SQL, in the same transaction: fills a new column with what only Python
    #: computes (the same on both stores, e.g. folded search text). Blocks.
    backfill: Callable[[Db], object] | None = None


def all_migrations() -> list[Migration]:
    """Every migration of every component, ordered by (component, version)."""
    found: list[Migration] = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(getattr(module, "MIGRATIONS", []))
    return sorted(found, key=lambda m: (m.component, m.version))
