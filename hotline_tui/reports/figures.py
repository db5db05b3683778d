"""Call figures of a set of call records, through the one implementation in ``hotline_tui.kpi``.

A stored ``CallRecord`` becomes the ``CallOutcome`` it was written from; ``KpiSums`` adds them and
``KpiSums.figures`` computes every rate. The JSON form of a rate carries its numerator,
denominator and the definition in force (docs/kpi.md), so anyone can recompute it. Never blocks.
"""

from __future__ import annotations

from typing import Any, Iterable

from ..calls_port import TAKEN_BY_OUTCOME, CallRecord
from ..kpi import CallOutcome, KpiFigures, KpiSettings, KpiSums
from ..live.rebuild import outcome_of as _rebuilt_outcome

#: Wait bands of the call-loss report: lower <= wait < upper seconds (None: no upper bound).
WAIT_BANDS: tuple[tuple[float, float | None, str], ...] = (
    (0, 5, "0-5s"), (5, 10, "5-10s"), (10, 20, "10-20s"), (20, 30, "20-30s"), (30, 60, "30-60s"),
    (60, 120, "60-120s"), (120, None, ">120s"))
#: Outcomes that are neither answered nor abandoned (docs/kpi.md: offered, not lost by the caller).
NOT_ANSWERED = ("timeout", "no_agent", "exit_key", "transferred")


def outcome_of(r: CallRecord) -> CallOutcome:
    """The finished visit a record was written from: the one mapping the console's rebuild uses
    (``hotline_tui.live.rebuild.outcome_of``), so a report's AHT (talk + the wrap-up credited to
    the visit, ``CallRecord.wrap_s``) is the console's."""
    return _rebuilt_outcome(r)


def band_of(wait_s: float) -> str:
    for lo, hi, label in WAIT_BANDS:
        if wait_s >= lo and (hi is None or wait_s < hi):
            return label
    return WAIT_BANDS[0][2]       # a negative wait (clock skew between nodes) counts as the shortest


def sums_of(records: Iterable[CallRecord], settings: KpiSettings) -> KpiSums:
    acc = KpiSums()
    for r in records:
        acc.add(outcome_of(r), settings)
    return acc


def _r(x: float | None, nd: int = 4) -> float | None:
    return None if x is None else round(x, nd)


def rate(value: float | None, num: float, den: float, definition: str) -> dict[str, Any]:
    """A rate as JSON: value (0..1, None when the denominator is 0), numerator, denominator, rule."""
    return {"value": _r(value), "numerator": num, "denominator": den, "definition": definition}


def definitions(s: KpiSettings) -> dict[str, Any]:
    """The call definitions in force (kpi.yaml), as every JSON report states them."""
    return {"service_level": s.describe(), "service_level_threshold_s": s.threshold_s,
            "service_level_denominator": s.denominator, "service_level_abandons_within_met": s.abandons_within_met,
            "service_level_variant": s.variant, "service_level_target": s.sl_target,
            "short_abandon_s": s.short_abandon_s, "abandon_target": s.abandon_target,
            "answer_rate": "answered ÷ offered",
            "abandon_rate": f"(abandoned − abandons < {s.short_abandon_s:g}s) ÷ (offered − abandons < {s.short_abandon_s:g}s)",
            "asa": "Σ wait of answered ÷ answered", "aht": "Σ (talk + wrap-up credited to the visit) of answered ÷ answered",
            "source": "docs/kpi.md; hotline_tui/kpi.py KpiSums.figures"}


def call_figures(acc: KpiSums, s: KpiSettings, window: str = "report") -> dict[str, Any]:
    """The figures of ``acc`` as JSON: counts, and each rate with numerator and denominator."""
    f: KpiFigures = acc.figures(window, s)
    return {
        "offered": f.offered, "answered": f.answered, "abandoned": f.abandoned, "short_abandoned": f.short_abandoned,
        "answered_within": f.answered_within, "abandoned_within": f.abandoned_within,
        "service_level": rate(f.service_level, f.sl_numerator, f.sl_denominator, s.describe()),
        "answer_rate": rate(f.answer_rate, f.answered, f.offered, "answered ÷ offered"),
        "abandon_rate": rate(f.abandon_rate, f.abandoned - f.short_abandoned, f.offered - f.short_abandoned,
                             "(abandoned − short abandons) ÷ (offered − short abandons)"),
        "asa_s": rate(_r(f.asa_s, 2), round(acc.wait_sum, 3), f.answered, "Σ wait of answered ÷ answered (seconds)"),
        "aht_s": rate(_r(f.aht_s, 2), round(acc.talk_sum, 3), acc.handled,
                      "Σ (talk + wrap-up) of answered ÷ answered (those a supervisor picked up left out; seconds)"),
    }
