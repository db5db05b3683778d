"""Build the QA service from a store bundle and the site's config folder."""

from __future__ import annotations

from pathlib import Path

from ..access import load_access
from ..clock import Clock, SystemClock
from .service import QaService, QaStores
from .settings import load_qa_settings


def qa_service(stores: QaStores, config_dir: str | Path, clock: Clock | None = None) -> QaService:
    """Reads roles.yaml and qa.yaml (ConfigError naming file, line and key). Blocks (files)."""
    return QaService(stores, load_access(config_dir), load_qa_settings(config_dir), clock or SystemClock())
