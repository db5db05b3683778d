"""Departments, categories, urgencies, channels, districts and limits from ``tickets.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..config import load_yaml, validate
from ..config_schema import TicketsFile
from ..errors import ValidationError

_PHONE = re.compile(r"^\+?\d[\d-]{2,19}$")


@dataclass
class Catalog:
    departments: dict[str, str]                  # code -> name
    categories: dict[str, str]                   # code -> name
    subcategories: dict[str, tuple[str, ...]]
    urgencies: tuple[str, ...]
    channels: tuple[str, ...]
    districts: tuple[str, ...]
    caller_classes: tuple[str, ...]
    limits: dict[str, int] = field(default_factory=dict)

    def department(self, code: str) -> str:
        if code not in self.departments:
            raise ValidationError(f"unknown department {code!r} (see tickets.yaml; e.g. {', '.join(list(self.departments)[:4])})")
        return code

    def category(self, code: str) -> str:
        if code not in self.categories:
            raise ValidationError(f"unknown category {code!r} (one of {', '.join(self.categories)})")
        return code

    def urgency(self, value: str) -> str:
        if value not in self.urgencies:
            raise ValidationError(f"unknown urgency {value!r} (one of {', '.join(self.urgencies)})")
        return value

    def channel(self, value: str) -> str:
        if value not in self.channels:
            raise ValidationError(f"unknown channel {value!r} (one of {', '.join(self.channels)})")
        return value

    def caller_class(self, value: str) -> str:
        if value and value not in self.caller_classes:
            raise ValidationError(f"unknown caller class {value!r} (one of {', '.join(self.caller_classes)})")
        return value

    def phone(self, value: str) -> str:
        v = value.strip()
        if not _PHONE.match(v) or len(re.sub(r"\D", "", v)) < 3:
            raise ValidationError(f"bad phone number {value!r}")
        return v

    def fits(self, field_name: str, value: str) -> str:
        limit = self.limits.get(field_name)
        if limit is not None and len(value) > limit:
            raise ValidationError(f"{field_name} is too long: {len(value)} characters, at most {limit}")
        return value


def load_catalog(config_dir: str | Path) -> Catalog:
    """Read ``tickets.yaml``. Raises ConfigError naming file, line and key."""
    doc = load_yaml(Path(config_dir) / "tickets.yaml")
    validate(doc, TicketsFile)   # types, ranges, unknown keys (a misspelt ``limit:`` is refused)
    deps, cats, subs = {}, {}, {}
    for i, d in enumerate(doc.get("departments") or []):
        if not isinstance(d, dict) or not d.get("code") or not d.get("name"):
            raise doc.error(("departments", i), "each department needs code and name")
        if d["code"] in deps:
            raise doc.error(("departments", i, "code"), f"duplicate department code {d['code']!r}")
        deps[str(d["code"])] = str(d["name"])
    for i, c in enumerate(doc.get("categories") or []):
        if not isinstance(c, dict) or not c.get("code") or not c.get("name"):
            raise doc.error(("categories", i), "each category needs code and name")
        cats[str(c["code"])] = str(c["name"])
        subs[str(c["code"])] = tuple(str(s) for s in c.get("subcategories") or ())
    if not deps:
        raise doc.error(("departments",), "at least one department is required")
    if not cats:
        raise doc.error(("categories",), "at least one category is required")
    limits = doc.get("limits") or {}
    for k, v in limits.items():
        if not isinstance(v, int) or v <= 0:
            raise doc.error(("limits", k), "must be a positive number of characters")
    return Catalog(
        deps, cats, subs, tuple(doc.get("urgencies") or ("normal",)), tuple(doc.get("channels") or ("phone",)),
        tuple(doc.get("districts") or ()), tuple(doc.get("caller_classes") or ()), dict(limits),
    )
