"""Realistic Chinese ticket content for the demo city, from the templates in ``seed.yaml``.

``load_seed_text(config_dir)`` reads and checks the file once (a bad placeholder or range is a
ConfigError naming file and line); ``SeedText``'s methods then draw callers, addresses and ticket
texts from an injected ``random.Random``, so the same seed gives the same site.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import DEMO_DIR, YamlDoc, load_yaml

SEED_FILE = "seed.yaml"
_PLACES = ("road", "road2", "estate", "shop", "bus_line")


@dataclass(frozen=True)
class Range:
    """Integers min..max (both included) in steps of ``step``."""

    min: int
    max: int
    step: int = 1

    def draw(self, rng: random.Random) -> int:
        return rng.randrange(self.min, self.max + 1, self.step)


@dataclass(frozen=True)
class Topic:
    category: str
    subcategory: str
    department: str
    templates: tuple[str, ...]


@dataclass(frozen=True)
class SeedText:
    surnames: str
    given: str
    mobile_prefixes: tuple[str, ...]
    roads: tuple[str, ...]
    estates: tuple[str, ...]
    shops: tuple[str, ...]
    bus_lines: tuple[str, ...]
    house_numbers: Range
    numbers: dict[str, Range]
    topics: tuple[Topic, ...]
    phrases: dict[str, str]
    kb_unanswered: tuple[str, ...]

    def person(self, rng: random.Random) -> str:
        return rng.choice(self.surnames) + "".join(rng.choice(self.given) for _ in range(rng.choice((1, 2))))

    def mobile(self, rng: random.Random) -> str:
        return rng.choice(self.mobile_prefixes) + f"{rng.randrange(10**8):08d}"

    def address(self, rng: random.Random) -> str:
        return (f"{rng.choice(self.roads)}{self.house_numbers.draw(rng)}号{rng.choice(self.estates)}"
                f"{self.numbers['building'].draw(rng)}号楼")

    def content(self, rng: random.Random) -> tuple[str, str, str, str]:
        """(category, subcategory, department, text) of one ticket."""
        topic = rng.choice(self.topics)
        r1, r2 = rng.sample(self.roads, 2)
        values: dict[str, Any] = {"road": r1, "road2": r2, "estate": rng.choice(self.estates),
                                  "shop": rng.choice(self.shops), "bus_line": rng.choice(self.bus_lines)}
        for name in sorted(self.numbers):        # every number drawn every time: same seed, same text
            values[name] = self.numbers[name].draw(rng)
        return topic.category, topic.subcategory, topic.department, rng.choice(topic.templates).format(**values)

    def phrase(self, key: str) -> str:
        return self.phrases[key]


#: The workflow steps the ticket seeder writes text for (keys of ``phrases``).
PHRASES = ("todo_done", "answered_on_the_spot", "return_reason", "return_rejected", "urge", "extension_reason",
           "pause_reason", "reply", "reply_sent_back", "reopen_reason")


def seed_file(config_dir: str | Path, name: str) -> Path:
    """``config_dir/name`` when the site has its own, else the demo city's (config/demo)."""
    own = Path(config_dir) / name
    return own if own.exists() else DEMO_DIR / name


def load_seed_text(config_dir: str | Path = DEMO_DIR) -> SeedText:
    """Read ``seed.yaml`` (the site's, else the demo's). Raises ConfigError naming file, line
    and key for a missing list, a bad range, an unknown placeholder or a missing phrase."""
    doc = load_yaml(seed_file(config_dir, SEED_FILE))
    people, places = _table(doc, "people"), _table(doc, "places")
    numbers = {str(k): _range(doc, ("numbers", k), v) for k, v in _table(doc, "numbers").items()}
    if "building" not in numbers:
        raise doc.error(("numbers",), "building: is required (the address's N号楼)")
    known = set(_PLACES) | set(numbers)
    topics = []
    for i, t in enumerate(doc.get("topics") or []):
        if not isinstance(t, dict) or not all(isinstance(t.get(k), str) and t[k]
                                              for k in ("category", "subcategory", "department")):
            raise doc.error(("topics", i), "each topic needs category, subcategory and department")
        templates = _texts(doc, ("topics", i, "templates"), t.get("templates"))
        for j, text in enumerate(templates):
            try:
                fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
            except ValueError as exc:
                raise doc.error(("topics", i, "templates", j), f"bad placeholder: {exc}") from None
            unknown = sorted(fields - known)
            if unknown:
                raise doc.error(("topics", i, "templates", j),
                                f"unknown placeholder {{{unknown[0]}}} (known: {', '.join(sorted(known))})")
        topics.append(Topic(t["category"], t["subcategory"], t["department"], templates))
    if not topics:
        raise doc.error(("topics",), "at least one topic is required")
    phrases = _table(doc, "phrases")
    for key in PHRASES:
        if not isinstance(phrases.get(key), str) or not phrases[key]:
            raise doc.error(("phrases", key), "is required (text)")
    return SeedText(
        surnames=_chars(doc, ("people", "surnames"), people.get("surnames")),
        given=_chars(doc, ("people", "given"), people.get("given")),
        mobile_prefixes=_texts(doc, ("people", "mobile_prefixes"), people.get("mobile_prefixes")),
        roads=_texts(doc, ("places", "roads"), places.get("roads"), at_least=2),
        estates=_texts(doc, ("places", "estates"), places.get("estates")),
        shops=_texts(doc, ("places", "shops"), places.get("shops")),
        bus_lines=_texts(doc, ("places", "bus_lines"), places.get("bus_lines")),
        house_numbers=_range(doc, ("places", "house_numbers"), places.get("house_numbers")),
        numbers=numbers, topics=tuple(topics), phrases={k: str(v) for k, v in phrases.items()},
        kb_unanswered=_texts(doc, ("kb_unanswered",), doc.get("kb_unanswered"), at_least=3),
    )


def _table(doc: YamlDoc, key: str) -> dict:
    value = doc.get(key)
    if not isinstance(value, dict):
        raise doc.error((key,), "must be a mapping")
    return value


def _chars(doc: YamlDoc, path: tuple, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise doc.error(path, "must be a string of characters")
    return value.strip()


def _texts(doc: YamlDoc, path: tuple, value: Any, *, at_least: int = 1) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) < at_least or \
            not all(isinstance(v, (str, int)) and not isinstance(v, bool) and str(v) for v in value):
        raise doc.error(path, f"must be a list of at least {at_least} texts")
    return tuple(str(v) for v in value)


def _range(doc: YamlDoc, path: tuple, value: Any) -> Range:
    if not isinstance(value, dict) or set(value) - {"min", "max", "step"} or \
            not all(isinstance(value.get(k), int) and not isinstance(value.get(k), bool) for k in ("min", "max")):
        raise doc.error(path, "must be {min: N, max: M} (integers, optional step)")
    step = value.get("step", 1)
    if not isinstance(step, int) or isinstance(step, bool) or step < 1 or value["min"] > value["max"]:
        raise doc.error(path, "needs min <= max and a step of 1 or more")
    return Range(value["min"], value["max"], step)
