"""Scoring rules of an evaluation (docs/qa.md, "Scoring"). Pure functions; never block.

A card's score is ``100 × Σ w·earned ÷ Σ w·points`` over its items that are not N/A, where
``w`` is the card's ``critical_weight`` for critical items and 1 otherwise; earned is the item's
points (full), its ``partial`` points (partial) or 0 (none). The evaluation's score is the
weighted mean of the call card and the ticket card (the call card alone when there is no
ticket), and 0 when any fatal check is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ValidationError
from .settings import Card, Weights

LEVELS = ("full", "partial", "none", "na")


@dataclass(frozen=True)
class Mark:
    """The inspector's level for one item, with the comment a deduction needs and, for a
    pre-filled item, the evidence the system found."""

    level: str
    comment: str = ""
    evidence: str = ""
    prefilled: bool = False

    def to_json(self) -> dict:
        return {"level": self.level, "comment": self.comment, "evidence": self.evidence, "prefilled": self.prefilled}

    @staticmethod
    def from_json(d: dict) -> Mark:
        return Mark(d["level"], d.get("comment", ""), d.get("evidence", ""), bool(d.get("prefilled", False)))


def earned(card: Card, code: str, level: str) -> float:
    item = card.item(code)
    if item is None:
        raise ValidationError(f"card {card.label} has no item {code!r}")
    return {"full": float(item.points), "partial": float(item.partial), "none": 0.0}.get(level, 0.0)


def check_marks(card: Card, marks: dict[str, Mark]) -> None:
    """Every item of ``card`` has a level; N/A only for optional items; every deduction has a
    comment (a kept pre-fill's evidence counts as one). Raises ValidationError naming the item."""
    for _, item in card.items():
        m = marks.get(item.code)
        if m is None:
            raise ValidationError(f"item {item.code!r} ({item.label}) has no level")
        if m.level not in LEVELS:
            raise ValidationError(f"item {item.code!r}: level must be one of {', '.join(LEVELS)}, not {m.level!r}")
        if m.level == "na" and not item.optional:
            raise ValidationError(f"item {item.code!r} ({item.label}) is not optional: N/A is not allowed")
        if m.level in ("partial", "none") and not (m.comment.strip() or (m.prefilled and m.evidence)):
            raise ValidationError(f"item {item.code!r} ({item.label}): a deduction needs a comment")
    unknown = set(marks) - {i.code for _, i in card.items()}
    if unknown:
        raise ValidationError(f"card {card.label} has no item {sorted(unknown)[0]!r}")


def card_score(card: Card, marks: dict[str, Mark]) -> float:
    """0–100 (rounded to 0.1); 100 when every item is N/A."""
    got = possible = 0.0
    for _, item in card.items():
        m = marks.get(item.code)
        if m is None or m.level == "na":
            continue
        w = card.critical_weight if item.critical else 1
        possible += w * item.points
        got += w * earned(card, item.code, m.level)
    return round(100.0 * got / possible, 1) if possible else 100.0


def deductions(card: Card, marks: dict[str, Mark]) -> dict[str, float]:
    """item code -> points lost (points − earned) for items with a deduction (N/A excluded)."""
    out: dict[str, float] = {}
    for _, item in card.items():
        m = marks.get(item.code)
        if m is not None and m.level in ("partial", "none"):
            out[item.code] = item.points - earned(card, item.code, m.level)
    return out


def total(call_card: Card, call_marks: dict[str, Mark], ticket_card: Card | None, ticket_marks: dict[str, Mark],
          fatal: list[str], weights: Weights) -> tuple[float, float, float | None]:
    """(evaluation score, call card score, ticket card score or None)."""
    cs = card_score(call_card, call_marks)
    ts = card_score(ticket_card, ticket_marks) if ticket_card is not None else None
    if ts is None or weights.ticket == 0:
        score = cs
    elif weights.call == 0:
        score = ts
    else:
        score = round((cs * weights.call + ts * weights.ticket) / (weights.call + weights.ticket), 1)
    return (0.0 if fatal else score), cs, ts
