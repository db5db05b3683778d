"""The queue-interval report: per queue and half hour (or day, week, month) offered, answered,
SL, ASA, AHT, abandon — with the agents Erlang C and Erlang A say were needed for the SL target
beside the agents actually staffed (from the agent intervals).

The required agents are ``hotline_tui.erlang.staffing`` — what ``hotline staffing`` prints — for
the interval's own traffic: calls per hour = offered × 3600 ÷ the interval's seconds, AHT = the
interval's AHT (talk + wrap-up, ``call_figures``) to 0.1 s, target ``service_level.target``,
within ``service_level.threshold_s``; Erlang A with the queue's patience (below) to the second.
The inputs are in the JSON, so ``hotline staffing --calls-per-hour … --aht … --patience …``
gives the same number. Pure: the caller reads the store. Never blocks."""

from __future__ import annotations

import bisect
from collections import defaultdict
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

from ..calls_port import AgentInterval, CallRecord
from ..errors import ValidationError
from ..erlang import staffing, staffing_many
from ..kpi import KpiSettings, KpiSums
from ..live.rebuild import kind_of
from .figures import call_figures, definitions, outcome_of
from .period import Period, buckets

ALL = "all"


@lru_cache(maxsize=65536)
def required(calls_per_hour: float, aht_s: float, target: float, within_s: float,
             patience_s: float | None, hint: int | None = None) -> int | None:
    """``staffing(...).agents`` (Erlang C when ``patience_s`` is None), None when no number of
    agents reaches the target. ``hint`` (the Erlang C answer, for Erlang A) only speeds the
    search up; the answer is the same. Cached: quiet hours repeat the same inputs."""
    try:
        return staffing(calls_per_hour, aht_s, target, within_s, patience_s, hint=hint).agents
    except ValidationError:
        return None


def patience_of(waited_s: float, abandoned: int) -> float | None:
    """The callers' mean patience, seconds: Σ time every caller waited (answered or not) ÷
    abandons — the maximum-likelihood estimate of an exponential patience from waits that an
    answer cut short (Erlang A's model). None when nobody abandoned (Erlang A = Erlang C)."""
    return float(round(waited_s / abandoned) or 1) if abandoned else None


def _row(cut: tuple[Any, Any], acc: KpiSums, a: float, b: float, staffed_s: float, s: KpiSettings,
         patience: float | None, pending: list[tuple[dict[str, Any], float, float, float, int | None]]) -> dict[str, Any]:
    """One interval's row. Its Erlang A search, when it has one, is put on ``pending`` (the row,
    calls/h, AHT, patience, the Erlang C answer as the guess) for ``_erlang_a_rows``, which runs
    them all side by side and fills ``required_erlang_a`` in."""
    f = call_figures(acc, s)
    span = b - a
    cph = round(f["offered"] * 3600 / span, 3) if span > 0 else 0.0
    out: dict[str, Any] = {"from": cut[0].isoformat(), "to": cut[1].isoformat(), **f, "calls_per_hour": cph}
    erl: dict[str, Any] | None
    need_c: int | None
    need_a: int | None
    if f["offered"] == 0:
        erl = None
        need_c = need_a = 0
    elif f["answered"] == 0:
        erl = None                        # no handle time seen: nothing to size on
        need_c = need_a = None
    else:
        aht = round(acc.talk_sum / acc.answered, 1) or 0.1
        erl = {"calls_per_hour": cph, "aht_s": aht, "patience_s": patience, "target": s.sl_target,
               "within_s": s.threshold_s, "traffic_erlangs": round(cph * aht / 3600, 3)}
        need_c = required(cph, aht, s.sl_target, s.threshold_s, None)
        need_a = need_c
        if patience:
            pending.append((out, cph, aht, patience, need_c))
    out.update({"erlang_inputs": erl, "required_erlang_c": need_c, "required_erlang_a": need_a,
                "staffed": round(staffed_s / span, 2) if span > 0 else 0.0})
    return out


def _erlang_a_rows(pending: list[tuple[dict[str, Any], float, float, float, int | None]], s: KpiSettings) -> None:
    """Fill ``required_erlang_a`` of the pending rows: ``staffing_many`` — for each the same
    number as ``required(cph, aht, target, within, patience)`` (``hotline staffing``), the
    searches of the whole report evaluated together on arrays instead of one by one."""
    answers = staffing_many([(cph, aht, pat, hint) for _, cph, aht, pat, hint in pending], s.sl_target, s.threshold_s)
    for (row, *_), need_a in zip(pending, answers):
        row["required_erlang_a"] = need_a


def queue_interval(records: Sequence[CallRecord], intervals: Sequence[AgentInterval], period: Period,
                   s: KpiSettings, *, by: str = "half-hour", queue: str | None = None,
                   tiers: Mapping[str, Sequence[str]] | None = None,
                   patience_s: float | None = None) -> dict[str, Any]:
    """The report as JSON-able data (docs/reports.md). ``records``: those that left in
    ``period`` (of ``queue`` when given); ``intervals``: those overlapping it; ``tiers``: agent
    -> the queues it has a tier in (site.yaml skills; None: every agent staffs every queue);
    ``patience_s``: the callers' patience for Erlang A (None: estimated per queue)."""
    cuts = buckets(period, by)
    starts = [a.timestamp() for a, _ in cuts]
    bounds = [(a.timestamp(), b.timestamp()) for a, b in cuts]
    n = len(cuts)
    # the call sums by queue and interval, each visit added once (KpiSums, hotline_tui/kpi.py);
    # totals are merged from them. Waits and abandons per queue for the patience.
    by_q: dict[str, list[KpiSums]] = defaultdict(lambda: [KpiSums() for _ in range(n)])
    waited: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for r in records:
        i = bisect.bisect_right(starts, r.left_at) - 1
        if 0 <= i < n and r.left_at < bounds[i][1]:
            by_q[r.queue][i].add(outcome_of(r), s)
            w = waited[r.queue]
            w[0] += max(r.wait_s, 0.0)
            w[1] += r.outcome == "abandoned"
    spans = ((iv.agent, iv.started_at, iv.ended_at) for iv in intervals if kind_of(iv) != "off")
    return _report(by_q, waited, _staffed(spans, period, starts, bounds), period, cuts, s, by, queue, tiers, patience_s)


#: The slot of ``queue_interval_from_sums``: half an hour, the finest ``--by``.
SLOT_S = 1800


def slots_fit(period: Period, by: str) -> bool:
    """Whether every boundary between the report's intervals falls on a slot boundary
    (``SLOT_S`` in epoch seconds), so sums per slot add up to sums per interval exactly: true
    in a site zone whose offset is whole half hours (Asia/Shanghai)."""
    cuts = buckets(period, by)
    return all(a.timestamp() % SLOT_S == 0 for a, _ in cuts[1:])


def queue_interval_from_sums(sums: Sequence[tuple], spans: Sequence[tuple], period: Period, s: KpiSettings, *,
                             by: str = "half-hour", queue: str | None = None,
                             tiers: Mapping[str, Sequence[str]] | None = None,
                             patience_s: float | None = None) -> dict[str, Any]:
    """``queue_interval`` from the store's aggregate instead of every record: ``sums`` the
    ``CallStore.visit_sums`` rows per queue and slot (``SLOT_S``), ``spans`` its
    ``staffed_spans``. The same report when ``slots_fit(period, by)`` (the caller checks); each
    slot's sums are merged into its interval with ``KpiSums.merge``."""
    cuts = buckets(period, by)
    starts = [a.timestamp() for a, _ in cuts]
    bounds = [(a.timestamp(), b.timestamp()) for a, b in cuts]
    n = len(cuts)
    by_q: dict[str, list[KpiSums]] = defaultdict(lambda: [KpiSums() for _ in range(n)])
    waited: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for (q, slot, offered, answered, abandoned, short, within, ab_within, short_within, wait_sum, talk_sum,
         handled, waits) in sums:
        i = max(bisect.bisect_right(starts, slot * SLOT_S) - 1, 0)
        c = KpiSums()
        c.offered, c.answered, c.abandoned, c.short = int(offered), int(answered), int(abandoned), int(short)
        c.within, c.ab_within, c.short_within = int(within), int(ab_within), int(short_within)
        c.wait_sum, c.talk_sum, c.handled = float(wait_sum), float(talk_sum), int(handled)
        by_q[q][i].merge(c)
        w = waited[q]
        w[0] += float(waits)
        w[1] += int(abandoned)
    return _report(by_q, waited, _staffed(spans, period, starts, bounds), period, cuts, s, by, queue, tiers, patience_s)


def _staffed(spans: Iterable[tuple], period: Period, starts: list[float],
             bounds: list[tuple[float, float]]) -> dict[str, list[float]]:
    """Staffed agent-seconds (busy or ready: occupancy's "staffed") by agent and interval, from
    (agent, start, end) spans. Each span's pieces are added in the same order as a plain
    interval-by-interval loop (so the same floats); a span inside one interval in one step."""
    n = len(bounds)
    staffed: dict[str, list[float]] = {}
    lo, hi = period.start.timestamp(), period.end.timestamp()
    ends = [e for _, e in bounds]
    find = bisect.bisect_right
    for agent, started_at, ended_at in spans:
        row = staffed.get(agent)
        if row is None:
            row = staffed[agent] = [0.0] * n
        a = started_at if started_at > lo else lo
        b = ended_at if ended_at < hi else hi
        if a >= b:
            continue
        i = find(starts, a) - 1
        if i < 0:
            i = 0
        if i < n and b <= ends[i]:
            row[i] += b - a
            continue
        while a < b and i < n:
            seg_end = ends[i] if ends[i] < b else b
            if seg_end > a:
                row[i] += seg_end - a
                a = seg_end
            i += 1
    return staffed


def _report(by_q: Mapping[str, list[KpiSums]], waited: Mapping[str, list[float]], staffed: Mapping[str, list[float]],
            period: Period, cuts: list[tuple[Any, Any]], s: KpiSettings, by: str, queue: str | None,
            tiers: Mapping[str, Sequence[str]] | None, patience_s: float | None) -> dict[str, Any]:
    n = len(cuts)
    bounds = [(a.timestamp(), b.timestamp()) for a, b in cuts]
    queues = sorted(set(by_q) | ({q for qs in tiers.values() for q in qs} if tiers else set()))
    if queue:
        queues = [queue]

    def staffed_in(q: str | None) -> list[float]:
        # agent by agent in the dict's order, each interval its own running sum: the same
        # additions as a loop over the intervals, one numpy add per agent
        import numpy as np
        tot = np.zeros(n)
        for agent, secs in staffed.items():
            if q is None or tiers is None or q in tiers.get(agent, ()):
                tot += np.array(secs)
        return tot.tolist()

    def merged(cells: Sequence[KpiSums]) -> KpiSums:
        acc = KpiSums()
        for c in cells:
            acc.merge(c)
        return acc

    out_q: dict[str, Any] = {}
    pending: list[tuple[dict[str, Any], float, float, float, int | None]] = []
    every = [KpiSums() for _ in range(n)]
    w_all = [0.0, 0]
    for q in queues:
        cells = by_q.get(q) or [KpiSums() for _ in range(n)]
        wq = waited.get(q, [0.0, 0])
        pat = patience_s if patience_s is not None else patience_of(wq[0], int(wq[1]))
        st = staffed_in(q)
        rows = [_row(cut, cells[i], *bounds[i], st[i], s, pat, pending) for i, cut in enumerate(cuts)]
        out_q[q] = {"patience_s": pat, "total": call_figures(merged(cells), s), "rows": rows}
        for i, c in enumerate(cells):
            every[i].merge(c)
        w_all[0] += wq[0]
        w_all[1] += wq[1]
    pat_all = patience_s if patience_s is not None else patience_of(w_all[0], int(w_all[1]))
    st_all = staffed_in(None) if not queue else staffed_in(queue)
    all_rows = [_row(cut, every[i], *bounds[i], st_all[i], s, pat_all, pending) for i, cut in enumerate(cuts)]
    _erlang_a_rows(pending, s)
    return {
        "report": "queue-interval", "period": period.as_dict(), "by": by, "queue": queue,
        "definitions": {
            **definitions(s),
            "required_agents": "hotline_tui/erlang.py staffing (as `hotline staffing`): the fewest agents whose predicted "
                               "SL (answered within threshold ÷ offered) reaches the target, for the interval's calls per "
                               "hour and AHT; Erlang A with the queue's patience",
            "patience": "Σ wait of every visit ÷ abandoned visits (exponential patience, maximum likelihood), whole seconds; "
                        "none when nobody abandoned (Erlang A = Erlang C)" if patience_s is None else "given (--patience)",
            "staffed": "mean agents staffed (on a call, ringing, after-call work or ready) over the interval, among agents "
                       + ("with a tier in the queue (site.yaml skills)" if tiers is not None else "of the site"),
        },
        "queues": out_q,
        ALL: {"patience_s": pat_all, "total": call_figures(merged(every), s), "rows": all_rows},
    }
