"""The call-loss report (呼损): offered, answered, abandoned by wait band, timeouts and overflows,
answer and abandon rate; by half hour or day; per queue. Pure: the caller reads the records.
Never blocks."""

from __future__ import annotations

import bisect
from collections import Counter
from typing import Any, Sequence

from ..calls_port import CallRecord
from ..kpi import KpiSettings
from .figures import NOT_ANSWERED, WAIT_BANDS, band_of, call_figures, definitions, sums_of
from .period import Period, buckets


def loss_row(records: Sequence[CallRecord], s: KpiSettings) -> dict[str, Any]:
    """One row: the call figures (``call_figures``), abandons per wait band, the unanswered outcomes."""
    out = call_figures(sums_of(records, s), s)
    bands = Counter(band_of(r.wait_s) for r in records if r.outcome == "abandoned")
    out["abandoned_by_wait"] = {label: bands.get(label, 0) for _, _, label in WAIT_BANDS}
    outcomes = Counter(r.outcome for r in records)
    out["not_answered"] = {o: outcomes.get(o, 0) for o in NOT_ANSWERED}
    out["timeouts_and_overflows"] = sum(out["not_answered"].values())
    return out


def call_loss(records: Sequence[CallRecord], period: Period, s: KpiSettings, *, by: str = "half-hour",
              queue: str | None = None) -> dict[str, Any]:
    """The report as JSON-able data (the schema in docs/reports.md). ``records``: those that left
    in ``period`` (``CallStore.records``), already of ``queue`` when one is given."""
    cuts = buckets(period, by)
    rows = []
    ordered = sorted(records, key=lambda r: r.left_at)       # the store's order already; bisect needs it
    lefts = [r.left_at for r in ordered]
    for a, b in cuts:
        lo, hi = a.timestamp(), b.timestamp()
        mine = ordered[bisect.bisect_left(lefts, lo):bisect.bisect_left(lefts, hi)]
        rows.append({"from": a.isoformat(), "to": b.isoformat(), **loss_row(mine, s)})
    queues = sorted({r.queue for r in records})
    return {
        "report": "call-loss", "period": period.as_dict(), "by": by, "queue": queue,
        "definitions": {**definitions(s), "wait_bands": [label for _, _, label in WAIT_BANDS],
                        "wait_band_rule": "lower ≤ wait < upper (joined → left, seconds)"},
        "total": loss_row(records, s),
        "queues": {q: loss_row([r for r in records if r.queue == q], s) for q in queues},
        "rows": rows,
    }
