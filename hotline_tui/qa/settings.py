"""``qa.yaml``: the scorecards, pre-fill thresholds and the sampling policy, checked on load.

The pydantic schema lives here (not in config_schema.py) because only QA reads it. Cross-field
rules (unique codes, partial below points, weights) are checked after the schema, each naming
file, line and key (``YamlDoc.error``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..config import YamlDoc, load_yaml, validate

PosInt = Annotated[int, Field(gt=0)]
NonNegInt = Annotated[int, Field(ge=0)]
PREFILLS = ("ring_time", "address", "district", "triage_category", "wrong_dispatch")


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True, defer_build=True)


class Item(_Schema):
    code: str
    label: str
    points: PosInt
    partial: NonNegInt = 0
    optional: bool = False          # N/A allowed: out of the denominator
    critical: bool = False          # weighs the card's critical_weight times
    prefill: Literal["ring_time", "address", "district", "triage_category", "wrong_dispatch"] | None = None


class Section(_Schema):
    code: str
    label: str
    attitude: bool = False          # the service-attitude rate counts deductions here
    items: list[Item] = Field(min_length=1)


class Fatal(_Schema):
    code: str
    label: str


class Card(_Schema):
    kind: Literal["call", "ticket"]
    label: str
    version: PosInt
    critical_weight: Annotated[int, Field(ge=1, le=10)] = 2
    sections: list[Section] = Field(min_length=1)
    fatal: list[Fatal] = []

    def items(self) -> list[tuple[Section, Item]]:
        return [(s, i) for s in self.sections for i in s.items]

    def item(self, code: str) -> Item | None:
        return next((i for _, i in self.items() if i.code == code), None)

    def digest(self) -> str:
        """A stable hash of the card's content: the same version must keep the same digest."""
        body = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(body.encode()).hexdigest()[:16]


class Weights(_Schema):
    call: NonNegInt = 60
    ticket: NonNegInt = 40


class Prefill(_Schema):
    ring_s_full: Annotated[float, Field(ge=0)] = 10
    ring_s_partial: Annotated[float, Field(ge=0)] = 20


class Sampling(_Schema):
    per_agent: NonNegInt = 4
    percent: Annotated[float, Field(ge=0, le=100)] = 0
    minimum: NonNegInt = 0
    seed: int = 0
    complaint_categories: list[str] = []
    inspectors: list[str] = []


class QaFile(_Schema):
    cards: dict[str, Card] = Field(min_length=1)
    weights: Weights = Field(default_factory=Weights)
    prefill: Prefill = Field(default_factory=Prefill)
    sampling: Sampling = Field(default_factory=Sampling)


@dataclass(frozen=True)
class QaSettings:
    cards: dict[str, Card]
    weights: Weights
    prefill: Prefill
    sampling: Sampling
    source: str = ""

    def card_of(self, kind: str) -> tuple[str, Card] | None:
        """The (first) card of ``kind`` (call | ticket)."""
        return next(((n, c) for n, c in self.cards.items() if c.kind == kind), None)


def _check(doc: YamlDoc, f: QaFile) -> None:
    if f.weights.call + f.weights.ticket == 0:
        raise doc.error(("weights",), "call and ticket weights cannot both be 0")
    for name, card in f.cards.items():
        seen: set[str] = set()
        for si, s in enumerate(card.sections):
            for ii, it in enumerate(s.items):
                where = ("cards", name, "sections", si, "items", ii)
                if it.code in seen:
                    raise doc.error(where + ("code",), f"item code {it.code!r} appears twice in card {name!r}")
                seen.add(it.code)
                if it.partial >= it.points:
                    raise doc.error(where + ("partial",), f"partial ({it.partial}) must be below points ({it.points})")
        for fi, fat in enumerate(card.fatal):
            if fat.code in seen:
                raise doc.error(("cards", name, "fatal", fi, "code"), f"fatal code {fat.code!r} is also an item")
            seen.add(fat.code)
    kinds = [c.kind for c in f.cards.values()]
    for kind in ("call", "ticket"):
        if kinds.count(kind) > 1:
            raise doc.error(("cards",), f"more than one {kind} card (one per kind: give a new version instead)")
    if "call" not in kinds:
        raise doc.error(("cards",), "a call card is required")


def load_qa_settings(config_dir: str | Path) -> QaSettings:
    """Read ``qa.yaml`` in ``config_dir``. Raises ConfigError naming file, line and key. Blocks (file)."""
    doc = load_yaml(Path(config_dir) / "qa.yaml")
    f = validate(doc, QaFile)
    _check(doc, f)
    return QaSettings(f.cards, f.weights, f.prefill, f.sampling, doc.path)


def card_from_json(data: dict[str, Any]) -> Card:
    """A stored card version (``Card.model_dump``) back as a Card."""
    return Card.model_validate(data, strict=False)
