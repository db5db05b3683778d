"""Bucketed window figures equal the one definition (kpi.figures) over the same calls."""

from __future__ import annotations

import random

import pytest

from hotline_tui.kpi import CallOutcome, KpiSettings, figures
from hotline_tui.live.windows import QueueWindows

T0 = 1_800_000_000.0 - 1_800_000_000.0 % 3600


def calls(seed: int, n: int, span_s: float):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        left = T0 + rng.uniform(0, span_s)
        answered = rng.random() < 0.8
        wait = rng.uniform(0, 60)
        out.append(CallOutcome(rng.choice(("q1", "q2", "q3")), left - wait - 100, left, answered, wait,
                               talk_s=rng.uniform(30, 300) if answered else 0.0,
                               abandoned=not answered and rng.random() < 0.9, wrap_s=10.0 if answered else 0.0))
    return out


def same(a, b):
    assert (a.offered, a.answered, a.abandoned, a.short_abandoned, a.answered_within) == \
           (b.offered, b.answered, b.abandoned, b.short_abandoned, b.answered_within)
    for f in ("service_level", "answer_rate", "abandon_rate", "asa_s", "aht_s"):
        x, y = getattr(a, f), getattr(b, f)
        assert (x is None and y is None) or x == pytest.approx(y), f


@pytest.mark.parametrize("denominator", ["offered", "answered", "offered_minus_short"])
def test_sliding_and_anchored_windows_match_the_definition_as_calls_arrive(denominator):
    s = KpiSettings(denominator=denominator)
    w = QueueWindows(s)
    seen = []
    for o in sorted(calls(1, 3000, 3 * 3600), key=lambda o: o.left_at):
        w.add(o)
        seen.append(o)
        if len(seen) % 250:
            continue
        now = o.left_at
        since = now - 1800
        first = since - since % 10
        sliding = w.sliding(since)
        shift_start = T0 + 3600                       # anchored windows start on a whole minute
        anchored = w.anchored_since("shift", shift_start)
        for q in ("q1", "q2", "q3"):
            same(sliding[q].figures("30m", s), figures("30m", (c for c in seen if c.queue == q and c.left_at >= first), s))
            if q in anchored:
                same(anchored[q].figures("shift", s),
                     figures("shift", (c for c in seen if c.queue == q and c.left_at >= shift_start), s))
        w.prune(now)


def test_an_anchored_window_is_rebuilt_when_its_start_moves_and_late_calls_count_where_they_belong():
    s = KpiSettings()
    w = QueueWindows(s)
    day = calls(2, 500, 2 * 3600)
    for o in day:
        w.add(o)
    first = w.anchored_since("today", T0)
    assert first["q1"].offered == sum(1 for c in day if c.queue == "q1")
    later = w.anchored_since("today", T0 + 3600)          # a new day (here: an hour on) starts afresh
    assert later["q1"].offered == sum(1 for c in day if c.queue == "q1" and c.left_at >= T0 + 3600)
    before = later["q2"].offered
    w.add(CallOutcome("q2", T0 + 100, T0 + 200, True, 5.0))   # a late record from before the window
    w.add(CallOutcome("q2", T0 + 7000, T0 + 7100, True, 5.0))  # and one inside it
    assert w.anchored_since("today", T0 + 3600)["q2"].offered == before + 1


def test_a_rebuild_skips_the_10_second_buckets_no_window_reads():
    """``add(o, now)``: a call older than the last 31 minutes goes into the minute buckets only;
    every window reads the same sums as when it went into both."""
    from hotline_tui.kpi import CallOutcome, KpiSettings
    from hotline_tui.live.windows import QueueWindows

    s = KpiSettings()
    now = 1795402800.0 + 7200
    calls = [CallOutcome("general@12345", now - k * 37.0 - 30, now - k * 37.0, k % 3 != 0, 12.0, 100.0, k % 3 == 0)
             for k in range(190)]
    both, rebuilt = QueueWindows(s), QueueWindows(s)
    for o in calls:
        both.add(o)
        rebuilt.add(o, now)
    assert all(k >= now - 31 * 60 - 10 for k in rebuilt.fine["general@12345"])
    def fields(k):
        return [getattr(k, f) for f in k.__slots__]
    for since in (now - 1800, now - 600, now - 10):
        assert fields(rebuilt.sliding(since)["general@12345"]) == fields(both.sliding(since)["general@12345"])
    for start in (now - 7200, now - 3600):
        assert fields(rebuilt.anchored_since("x", start)["general@12345"]) == fields(both.anchored_since("x", start)["general@12345"])
