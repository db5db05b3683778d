"""Departments, categories, urgencies, channels, districts and limits from ``tickets.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..config import load_yaml, validate
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

    def fits(self, field_name: str, value: str, *, label: str | None = None) -> str:
        """``value`` if it is at most the ``field_name`` limit long (every field has one:
        ``FieldLimits``); else ValidationError naming the field (``label``, e.g. "reason" for
        a note-sized reason) and the limit. Never blocks."""
        limit = self.limits[field_name]
        if len(value) > limit:
            raise ValidationError(f"{label or field_name} is too long: {len(value)} characters, at most {limit}")
        return value

    def district(self, value: str) -> str:
        """A ticket's district: empty, or one of ``districts`` (when the site lists them;
        else at most the ``district`` limit long). Raises ValidationError. Never blocks."""
        v = value.strip()
        if not v:
            return ""
        if self.districts:
            if v not in self.districts:
                shown = ", ".join(self.districts[:6]) + (", …" if len(self.districts) > 6 else "")
                raise ValidationError(f"unknown district {v[:40]!r} (one of {shown}; see tickets.yaml districts)")
            return v
        return self.fits("district", v)

    def subcategory(self, category: str, value: str) -> str:
        """Empty, or one of ``category``'s subcategories. Raises ValidationError. Never blocks."""
        if value and value not in self.subcategories.get(category, ()):
            raise ValidationError(f"unknown subcategory {value[:40]!r} for category {category}")
        return value


def load_catalog(config_dir: str | Path) -> Catalog:
    """Read ``tickets.yaml``. Raises ConfigError naming file, line and key."""
    from ..config_schema import FieldLimits, TicketsFile   # here: only the loaders need pydantic

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
    districts = tuple(str(d) for d in doc.get("districts") or ())
    for i, d in enumerate(doc.get("departments") or []):
        if districts and d.get("district") and d["district"] not in districts:
            raise doc.error(("departments", i, "district"), f"unknown district {d['district']!r} (not in districts)")
    # Every field has a limit: the schema's defaults, the file's values over them (checked above).
    limits = {**FieldLimits().model_dump(), **(doc.get("limits") or {})}
    return Catalog(
        deps, cats, subs, tuple(doc.get("urgencies") or ("normal",)), tuple(doc.get("channels") or ("phone",)),
        districts, tuple(doc.get("caller_classes") or ()), limits,
    )
