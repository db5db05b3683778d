"""Call KPI definitions: service level with each denominator, short abandons, empty windows."""

import pytest

from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ConfigError
from hotline_tui.kpi import CallOutcome, KpiSettings, figures, load_kpi_settings

CALLS = [
    CallOutcome("q", 0, 100, True, wait_s=10, talk_s=90),
    CallOutcome("q", 0, 100, True, wait_s=30, talk_s=150),
    CallOutcome("q", 0, 100, False, wait_s=3, abandoned=True),    # short abandon
    CallOutcome("q", 0, 100, False, wait_s=60, abandoned=True),
    CallOutcome("q", 0, 100, False, wait_s=300),                  # timed out / overflowed
]


def test_strictest_default_divides_by_offered():
    f = figures("30m", CALLS, KpiSettings())
    assert (f.offered, f.answered, f.abandoned, f.short_abandoned, f.answered_within) == (5, 2, 2, 1, 1)
    assert f.service_level == 1 / 5 and f.answer_rate == 2 / 5
    assert f.abandon_rate == 1 / 4 and f.asa_s == 20 and f.aht_s == 120


@pytest.mark.parametrize("den,expected", [("answered", 1 / 2), ("offered_minus_short", 1 / 4)])
def test_other_denominators(den, expected):
    assert figures("30m", CALLS, KpiSettings(denominator=den)).service_level == expected


def test_no_calls_means_no_rate():
    f = figures("today", [], KpiSettings())
    assert f.service_level is None and f.abandon_rate is None and f.asa_s is None


def test_settings_from_config_and_errors(tmp_path):
    s = load_kpi_settings(DEMO_DIR)
    assert s.threshold_s == 20 and s.denominator == "offered" and "÷ offered" in s.describe()
    (tmp_path / "kpi.yaml").write_text("service_level:\n  denominator: handled\n", "utf-8")
    with pytest.raises(ConfigError) as exc:
        load_kpi_settings(tmp_path)
    assert exc.value.line == 2 and "service_level.denominator" in str(exc.value)
