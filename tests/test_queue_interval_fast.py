"""The queue-interval report's fast path (issue 16, performance: the store sums the visits per
half hour, ``CallStore.visit_sums``, and reads the staffed spans narrow, ``staffed_spans``) gives
byte-identical JSON to the path over every record, on the hand-checked fixture shift
(tests/report_agents_shift.py) and on both stores (``store``); and the numpy step of Erlang A's
uniformisation gives the same bits as the list loop."""

from __future__ import annotations

import random

import pytest

from hotline_tui import erlang
from hotline_tui.kpi import KpiSettings
from hotline_tui.live.rebuild import BUSY_STATES, OFF_STATUSES
from hotline_tui.reports import queue_interval as qi
from hotline_tui.reports.period import free_period
from hotline_tui.reports.render import to_json

from .report_agents_shift import TIERS, fill
from .report_shift import at

SETTINGS = [KpiSettings(), KpiSettings(threshold_s=15, denominator="offered_minus_short", short_abandon_s=10,
                                       abandons_within_met=True)]


@pytest.mark.parametrize("by", ["half-hour", "day", "week", "month"])
@pytest.mark.parametrize("queue", [None, "q2"])
@pytest.mark.parametrize("tiers", [None, TIERS])
@pytest.mark.parametrize("k", [0, 1])
def test_fast_path_same_json_as_every_record(store, by, queue, tiers, k):
    fill(store)
    s = SETTINGS[k]
    for p in (free_period(at(8, 0), at(16, 0)), free_period(at(7, 10), at(15, 50))):   # whole and cut half hours
        lo, hi = p.start.timestamp(), p.end.timestamp()
        assert qi.slots_fit(p, by)
        slow = qi.queue_interval(store.calls.records(lo, hi, queue), store.calls.intervals(lo, hi), p, s, by=by,
                                 queue=queue, tiers=tiers)
        fast = qi.queue_interval_from_sums(
            store.calls.visit_sums(lo, hi, s.threshold_s, s.short_abandon_s, qi.SLOT_S, queue),
            store.calls.staffed_spans(lo, hi, BUSY_STATES, OFF_STATUSES), p, s, by=by, queue=queue, tiers=tiers)
        assert slow["all"]["total"]["offered"] > 0
        assert to_json(fast) == to_json(slow)


def test_numpy_uniformisation_same_bits_as_the_list_loop(monkeypatch):
    rng = random.Random(7)
    cases = [(rng.randint(1, 60), rng.uniform(1, 1200), rng.uniform(30, 600), rng.uniform(5, 600), rng.choice([10, 20, 30]))
             for _ in range(120)]
    monkeypatch.setattr(erlang, "_VECTOR_FROM", 10**9)
    lists = [erlang.erlang_a(*c) for c in cases]
    monkeypatch.setattr(erlang, "_VECTOR_FROM", 1)
    assert [erlang.erlang_a(*c) for c in cases] == lists
