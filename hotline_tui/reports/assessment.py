"""The monthly assessment sheet (月度考核表) a city scores its departments by: 按时签收率,
按时办结率 and 回访满意率 from the department report, weighted by ``kpi.yaml``
``assessment.weights`` (points summing to 100), a total score and the rank.

Score = 100 × Σ (weight × rate) ÷ Σ (weight of the rates the department has): a rate with no
denominator (no ticket of the department had that deadline, no confirmed callback) is left out
and the other weights count in full, so a department is never scored 0 for work it was not
given; a department with none of the three rates has no score and is ranked after the others.
Equal scores share a rank (1, 1, 3). Never blocks, but ``load_weights`` reads a file.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..clock import SITE_TZ
from ..config import load_yaml, validate
from ..errors import ValidationError

#: The rates of the sheet, in its column order, and their Chinese names.
RATES = (("acknowledged_on_time", "按时签收率"), ("handled_on_time", "按时办结率"), ("satisfaction", "回访满意率"))
DEFAULT_WEIGHTS = {"acknowledged_on_time": 30.0, "handled_on_time": 40.0, "satisfaction": 30.0}


def load_weights(config_dir: str | Path) -> dict[str, float]:
    """``assessment.weights`` of ``kpi.yaml`` (the defaults when absent). Raises ConfigError
    naming file, line and key: an unknown rate, a negative or non-number weight, weights that do
    not sum to 100. Reads the file (blocks briefly)."""
    from ..config_schema import KpiFile

    path = Path(config_dir) / "kpi.yaml"
    doc = load_yaml(path)
    validate(doc, KpiFile)
    section = doc.get("assessment") or {}
    given = section.get("weights") if isinstance(section, dict) else None
    weights = {**DEFAULT_WEIGHTS, **{k: float(v) for k, v in (given or {}).items()}}
    total = sum(weights.values())
    if abs(total - 100) > 1e-9:
        raise doc.error(("assessment", "weights"), f"the weights must sum to 100, not {total:g}")
    return weights


def month_period(month: str | None, now: datetime):
    """``--month YYYY-MM`` (default: the month of ``now``) as a Period in site time. Raises
    ValidationError for a malformed month."""
    from .period import Period

    if month is None:
        local = now.astimezone(SITE_TZ)
        y, m = local.year, local.month
    else:
        try:
            y, m = (int(x) for x in month.split("-"))
            if not (len(month) == 7 and 2000 <= y <= 2100 and 1 <= m <= 12):
                raise ValueError
        except ValueError:
            raise ValidationError(f"--month must be YYYY-MM (2000-2100), not {month!r}") from None
    start = datetime(y, m, 1, tzinfo=SITE_TZ)
    end = (start + timedelta(days=32)).replace(day=1)
    return Period(start, end, shift="", shift_date="")


def _score(row: dict[str, Any], weights: dict[str, float]) -> tuple[float | None, float]:
    # From numerator and denominator, not the rounded value: 1/3 scores 33.333…, not 33.33.
    got = [(weights[k], row[k]["numerator"] / row[k]["denominator"]) for k, _ in RATES if row[k]["denominator"]]
    points = sum(w for w, _ in got)
    if not got or points == 0:
        return None, 0.0
    return round(100 * sum(w * v for w, v in got) / points, 2), points


def assessment(report: dict[str, Any], weights: dict[str, float], month: str) -> dict[str, Any]:
    """The sheet from a department report (``departments.departments``) as JSON-able data."""
    rows = []
    for code, row in report["departments"].items():
        score, points = _score(row, weights)
        rows.append({"department": code, "name": row["name"], **{k: row[k] for k, _ in RATES},
                     "weights_counted": points, "score": score})
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["department"]))
    rank, last = 0, object()
    for i, r in enumerate(rows, 1):
        if r["score"] is None:
            r["rank"] = None
            continue
        if r["score"] != last:
            rank, last = i, r["score"]
        r["rank"] = rank
    return {
        "report": "assessment", "month": month, "period": report["period"], "as_of": report["as_of"],
        "weights": weights,
        "definitions": {**{k: report["definitions"][k] for k, _ in RATES},
                        "score": "100 × Σ (weight × rate) ÷ Σ weights of the rates the department has (a rate with "
                                 "no denominator is left out); ranked by score, equal scores share a rank",
                        "population": report["definitions"]["population"], "source": "docs/kpi.md; docs/reports.md"},
        "rows": rows,
    }
