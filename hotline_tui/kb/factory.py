"""Build a KnowledgeService from a store bundle (``KbStores``, a narrow ``hotline_tui.ports.StoreBundle``)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ..access import load_access
from ..audit import AuditLog
from ..clock import Clock, SystemClock
from ..config import load_yaml, validate
from .ports import KnowledgeStore
from .query import Synonyms
from .service import KnowledgeService


class KbStores(Protocol):
    """What this factory needs of a store bundle (``hotline_tui.ports.StoreBundle`` has it all;
    a narrower port here keeps ``ports`` -> ``kb`` the only arrow between the two packages).
    Reading an attribute raises nothing and does not block."""

    @property
    def kb(self) -> KnowledgeStore: ...

    @property
    def audit(self) -> AuditLog: ...


def load_synonyms(config_dir: str | Path) -> Synonyms:
    """The query-time word lists of ``kb.yaml``: synonym groups (``synonyms: [[社保, 社会保险],
    …]``), the spoken register (``spoken: {闺女: 子女, …}``), ``fillers`` and ``endings``. A
    missing file means none; a broken one is a ConfigError naming file, line and key."""
    from ..config_schema import KbFile   # here, not at the top: only the loaders need pydantic

    path = Path(config_dir) / "kb.yaml"
    if not path.exists():
        return Synonyms([])
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        raise doc.error((), "must be a mapping with a 'synonyms' list")
    raw = doc.get("synonyms") or []
    if not isinstance(raw, list):
        raise doc.error(("synonyms",), "must be a list of groups, each a list of words")
    groups: list[list[str]] = []
    seen: dict[str, int] = {}
    for i, g in enumerate(raw):
        if not isinstance(g, list) or len(g) < 2:
            raise doc.error(("synonyms", i), "each group is a list of at least two words")
        words = []
        for j, w in enumerate(g):
            if not isinstance(w, (str, int)) or not str(w).strip():
                raise doc.error(("synonyms", i, j), "must be a non-empty word")
            w = str(w).strip()
            if w in seen and seen[w] != i:
                raise doc.error(("synonyms", i, j), f"{w!r} is already in group {seen[w] + 1}")
            seen[w] = i
            words.append(w)
        groups.append(words)
    spoken = doc.get("spoken") or {}
    if not isinstance(spoken, dict):
        raise doc.error(("spoken",), "must be a mapping of spoken word: the term articles use")
    for k, w in spoken.items():
        if not isinstance(w, (str, int)) or not str(w).strip() or not str(k).strip():
            raise doc.error(("spoken", k), "must be a non-empty word (the term articles use)")
    lists: dict[str, list[str]] = {}
    for key in ("fillers", "endings"):
        raw_list = doc.get(key) or []
        if not isinstance(raw_list, list):
            raise doc.error((key,), "must be a list of words")
        for j, w in enumerate(raw_list):
            if not isinstance(w, (str, int)) or not str(w).strip():
                raise doc.error((key, j), "must be a non-empty word")
        lists[key] = [str(w).strip() for w in raw_list]
    validate(doc, KbFile)   # after the checks above (their messages say more): unknown keys
    return Synonyms(groups, {str(k).strip(): str(w).strip() for k, w in spoken.items()},
                    lists["fillers"], lists["endings"])


def knowledge_service(store: KbStores, config_dir: str | Path, clock: Clock | None = None) -> KnowledgeService:
    """Reads roles.yaml and kb.yaml (ConfigError on bad config)."""
    return KnowledgeService(store.kb, store.audit, load_access(config_dir), load_synonyms(config_dir),
                            clock or SystemClock(), catalogue_names(config_dir))


def catalogue_names(config_dir: str | Path) -> dict[str, dict[str, str]]:
    """{"department": {name: code}, "category": {name: code}} from the site's tickets.yaml, so
    an import may name a department or category either way; {} without the file. Raises
    ConfigError for a broken file."""
    if not (Path(config_dir) / "tickets.yaml").exists():
        return {}
    from ..tickets.catalog import load_catalog

    cat = load_catalog(config_dir)
    return {"department": {name: code for code, name in cat.departments.items()},
            "category": {name: code for code, name in cat.categories.items()}}
