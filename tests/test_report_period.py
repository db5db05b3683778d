"""Shifts and periods from kpi.yaml (three in the demo; any number round the clock, e.g. four)."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from hotline_tui.calendar import WorkCalendar
from hotline_tui.clock import SITE_TZ
from hotline_tui.errors import ValidationError
from hotline_tui.kpi import KpiSettings
from hotline_tui.reports.handover import horizon_of
from hotline_tui.reports.period import Period, buckets, next_shift, shift_at, shift_named

DEMO = KpiSettings()
FOUR = KpiSettings(shift_starts=(("夜班", time(0)), ("早班", time(6)), ("中班", time(12)), ("晚班", time(18))))


def t(d, h, m=0):
    return datetime(2026, 11, d, h, m, tzinfo=SITE_TZ)


def test_shift_at_and_named_demo():
    p = shift_at(t(23, 15, 55), DEMO)
    assert (p.shift, p.start, p.end, p.shift_date) == ("早班", t(23, 8), t(23, 16), "2026-11-23")
    assert shift_at(t(23, 0, 30), DEMO).start == t(23, 0)
    assert next_shift(p, DEMO).shift == "中班" and next_shift(p, DEMO).end == t(24, 0)
    assert shift_named("中班", t(23, 15, 55), DEMO).start == t(22, 16)  # the latest 中班 that started
    assert shift_named("夜班", t(23, 15, 55), DEMO).start == t(23, 0)
    with pytest.raises(ValidationError, match="午班"):
        shift_named("午班", t(23, 10), DEMO)


def test_four_shifts_cover_the_day():
    starts = [shift_at(t(23, h, 59), FOUR) for h in range(24)]
    assert [p.shift for p in starts[::6]] == ["夜班", "早班", "中班", "晚班"]
    late = shift_at(t(23, 23, 59), FOUR)
    assert (late.start, late.end) == (t(23, 18), t(24, 0))
    assert sum((p.end - p.start).total_seconds() for p in {s: None for s in starts}) == 24 * 3600


def test_buckets():
    p = Period(t(23, 8, 10), t(23, 9, 0))
    assert buckets(p, "half-hour") == [(t(23, 8, 10), t(23, 8, 30)), (t(23, 8, 30), t(23, 9, 0))]
    assert len(buckets(Period(t(22, 12), t(24, 1)), "day")) == 3


def test_horizon_is_working_day_aware():
    cal = WorkCalendar()
    # Friday 中班 → next shift 夜班 ends Saturday 08:00, not a working day: on to Monday's closing time.
    fri = shift_at(t(27, 17), DEMO)
    assert horizon_of(next_shift(fri, DEMO), cal) == datetime(2026, 11, 30, 23, 59, 59, tzinfo=SITE_TZ)
    mon = shift_at(t(23, 17), DEMO)
    assert horizon_of(next_shift(mon, DEMO), cal) == t(24, 8)
