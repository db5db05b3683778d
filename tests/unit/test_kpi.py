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


def test_handle_time_is_talk_plus_after_call_work():
    calls = [CallOutcome("q", 0, 100, True, wait_s=10, talk_s=90, wrap_s=30),
             CallOutcome("q", 0, 100, True, wait_s=30, talk_s=150, wrap_s=10),
             CallOutcome("q", 0, 100, False, wait_s=60, abandoned=True, wrap_s=99)]   # not answered: no handle time
    f = figures("30m", calls, KpiSettings())
    assert f.aht_s == (90 + 30 + 150 + 10) / 2 and f.asa_s == 20


@pytest.mark.parametrize("text,key", [
    ("short_abandon_s: soon\n", "short_abandon_s"),
    ("abandon_target: -0.1\n", "abandon_target"),
    ("service_level:\n  threshold_s: .nan\n", "service_level.threshold_s"),
    ("alerts:\n  break_over_s: true\n", "alerts.break_over_s"),
    ("alerts: 5\n", "alerts"),
])
def test_every_number_in_the_config_is_checked(tmp_path, text, key):
    (tmp_path / "kpi.yaml").write_text(text, "utf-8")
    with pytest.raises(ConfigError) as exc:
        load_kpi_settings(tmp_path)
    assert key in str(exc.value)
