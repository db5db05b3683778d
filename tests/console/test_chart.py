"""The wallboard's waiting chart: 0 at the bottom, a time axis, no data shown as nothing."""

from __future__ import annotations

from screens.chart import chart_rows

NOW = 10_000.0


def cols(rows: list[str]) -> list[str]:
    return ["".join(r[i] for r in rows) for i in range(len(rows[0]))]


def test_bars_start_at_zero_and_the_peak_fills_the_height():
    # 6 columns of 5 minutes; counts 2, 2, 4 from minute 10 on (each holds until the next point).
    pts = [(NOW - 1200, 2), (NOW - 900, 2), (NOW - 400, 4)]
    rows = chart_rows(pts, NOW, width=6, height=2)
    c = cols(rows)
    assert c[0] == c[1] == "  "                 # before the first point: no data, nothing drawn
    assert c[2] == c[3] == " █"                 # 2 of 4: half the height, from the bottom
    assert c[4] == c[5] == "██"                 # the peak, held to now
    # A steady 2 is half height, not a full wall (Sparkline drew min..max).
    assert cols(chart_rows([(NOW - 1700, 2)], NOW, width=3, height=2)) == ["██"] * 3


def test_a_known_zero_is_a_baseline_and_eighths_show_small_counts():
    pts = [(NOW - 1700, 0), (NOW - 500, 1), (NOW - 100, 8)]
    rows = chart_rows(pts, NOW, width=4, height=1)
    assert rows == ["__▁█"]                     # 0, 0 (baseline), 1 of 8 (one eighth), 8
    rows = chart_rows([(NOW - 1700, 0)], NOW, width=3, height=3)
    assert rows == ["   ", "   ", "___"]
    # One caller beside a peak of 100 still shows (an eighth), never like 0.
    assert chart_rows([(NOW - 1700, 1), (NOW - 10, 100)], NOW, width=2, height=1) == ["▁█"]


def test_a_column_shows_the_highest_count_in_its_slice_and_old_points_carry_in():
    pts = [(NOW - 5000, 3), (NOW - 800, 1), (NOW - 790, 6), (NOW - 780, 0)]
    rows = chart_rows(pts, NOW, width=2, height=2)
    # Column 0 (minutes 0-15): 3 carried in from before the window. Column 1: peak 6, then 0.
    assert cols(rows) == [" █", "██"]
    assert chart_rows(pts, NOW, width=0, height=3) == []
