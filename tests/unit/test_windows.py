"""Bucketed window figures equal the one definition (kpi.figures) over the same calls, and the
buckets do not grow with the hours a console runs."""

from __future__ import annotations

import random
from datetime import time

import pytest

from hotline_tui.kpi import CallOutcome, KpiSettings, figures
from hotline_tui.live.windows import FINE_SLOTS, QueueWindows, anchor_of, window_starts

T0 = 1_800_000_000.0 - 1_800_000_000.0 % 3600      # 2027-01-15 16:00 in the site's zone
# Shifts that start inside the three hours the calls span, one of them not on the hour.
SHIFTS = (("night", time(0)), ("late", time(16, 40)), ("eve", time(17, 30)), ("last", time(18, 10)))


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
    """Three hours over three shift changes: the ring wraps five times and each new shift's
    window is summed from the segments, as the live picture asks for them."""
    s = KpiSettings(denominator=denominator, shift_starts=SHIFTS)
    w = QueueWindows(s)
    seen = []
    shifts_seen = set()
    for o in sorted(calls(1, 3000, 3 * 3600), key=lambda o: o.left_at):
        w.add(o)
        seen.append(o)
        if len(seen) % 250:
            continue
        now = o.left_at
        starts = window_starts(now, s)
        first = starts["30m"] - starts["30m"] % 10
        sliding = w.sliding(starts["30m"])
        shift = w.anchored_since("shift", starts["shift"])
        today = w.anchored_since("today", starts["today"])
        shifts_seen.add(starts["shift"])
        for q in ("q1", "q2", "q3"):
            same(sliding[q].figures("30m", s), figures("30m", (c for c in seen if c.queue == q and c.left_at >= first), s))
            same(shift[q].figures("shift", s),
                 figures("shift", (c for c in seen if c.queue == q and c.left_at >= starts["shift"]), s))
            same(today[q].figures("today", s), figures("today", (c for c in seen if c.queue == q), s))
        w.prune(now)
    assert len(shifts_seen) == 4


def test_an_anchored_window_is_summed_again_when_its_start_moves_and_late_calls_count_where_they_belong():
    s = KpiSettings(shift_starts=(("a", time(16)), ("b", time(17))))
    w = QueueWindows(s)
    day = calls(2, 500, 2 * 3600)
    for o in day:
        w.add(o)
    first = w.anchored_since("shift", T0)
    assert first["q1"].offered == sum(1 for c in day if c.queue == "q1")
    later = w.anchored_since("shift", T0 + 3600)          # the next shift starts afresh
    assert later["q1"].offered == sum(1 for c in day if c.queue == "q1" and c.left_at >= T0 + 3600)
    before = later["q2"].offered
    w.add(CallOutcome("q2", T0 + 100, T0 + 200, True, 5.0))   # a late record from before the window
    w.add(CallOutcome("q2", T0 + 7000, T0 + 7100, True, 5.0))  # and one inside it
    assert w.anchored_since("shift", T0 + 3600)["q2"].offered == before + 1
    # A replay that jumps back to the first shift (a fresh start) sums both late calls there.
    assert w.anchored_since("shift", T0)["q2"].offered == sum(1 for c in day if c.queue == "q2") + 2


def test_each_call_goes_to_the_segment_of_the_latest_window_start_before_it():
    s = KpiSettings(shift_starts=SHIFTS)
    assert anchor_of(T0 + 39 * 60 + 59, s) == T0 - 16 * 3600      # 16:39:59: still the night shift, from midnight
    assert anchor_of(T0 + 40 * 60, s) == T0 + 40 * 60              # 16:40 starts the "late" shift
    assert anchor_of(T0 + 8 * 3600 + 1, s) == T0 + 8 * 3600        # 00:00:01 next day: midnight
    assert window_starts(T0 + 95 * 60, s) == {"30m": T0 + 95 * 60 - 1800, "shift": T0 + 90 * 60, "today": T0 - 16 * 3600}


def test_three_days_of_calls_hold_no_more_buckets_than_the_first_hour():
    """Memory that does not grow with uptime: the ring's slots are reused and a day has a few
    segments per queue; a two-day-old segment is forgotten."""
    s = KpiSettings()
    w = QueueWindows(s)
    rng = random.Random(7)
    counts = {}
    t = T0
    for hour in range(72):
        for _ in range(600):                             # a call every 6 s over three queues
            t += 6.0
            w.add(CallOutcome(rng.choice(("q1", "q2", "q3")), t - 60, t, True, 10.0, 120.0))
            if int(t) % 300 == 0:
                starts = window_starts(t, s)
                w.sliding(starts["30m"])
                w.anchored_since("shift", starts["shift"])
                w.anchored_since("today", starts["today"])
                w.prune(t)
        counts[hour] = w.bucket_count()
    assert counts[0] >= 3 * FINE_SLOTS
    # Three segments a day (00:00, 08:00, 16:00) per queue, two days kept: it levels off.
    assert counts[71] <= 3 * FINE_SLOTS + 3 * 3 * 3
    assert abs(counts[71] - counts[47]) <= 3


def test_a_call_too_old_for_the_ring_does_not_take_a_newer_calls_slot():
    s = KpiSettings()
    w = QueueWindows(s)
    now = T0 + 3600
    w.add(CallOutcome("q1", now - 50, now - 5, True, 3.0, 40.0))
    w.add(CallOutcome("q1", now - FINE_SLOTS * 10 - 60, now - FINE_SLOTS * 10 - 5, True, 3.0, 40.0))  # same slot, 33 min older
    assert w.sliding(now - 1800)["q1"].offered == 1
    assert w.anchored_since("today", window_starts(now, s)["today"])["q1"].offered == 2


def test_a_rebuild_skips_the_10_second_buckets_no_window_reads():
    """``add(o, now)``: a call older than the last 31 minutes goes into the minute buckets only;
    every window reads the same sums as when it went into both."""
    s = KpiSettings(shift_starts=(("a", time(11)), ("b", time(12))))   # 11:00 and 12:00: window starts
    now = 1795402800.0 + 7200
    calls = [CallOutcome("general@12345", now - k * 37.0 - 30, now - k * 37.0, k % 3 != 0, 12.0, 100.0, k % 3 == 0)
             for k in range(190)]
    both, rebuilt = QueueWindows(s), QueueWindows(s)
    for o in calls:
        both.add(o)
        rebuilt.add(o, now)
    assert all(k == -1 or k >= now - 31 * 60 - 10 for k in rebuilt.fine["general@12345"].keys)
    def fields(k):
        return [getattr(k, f) for f in k.__slots__]
    for since in (now - 1800, now - 600, now - 10):
        assert fields(rebuilt.sliding(since)["general@12345"]) == fields(both.sliding(since)["general@12345"])
    for start in (now - 7200, now - 3600):
        assert fields(rebuilt.anchored_since("x", start)["general@12345"]) == fields(both.anchored_since("x", start)["general@12345"])
