"""Working-day calendar with 2026 holidays and 调休 make-up days; SLA deadlines and lights."""

from datetime import date, datetime, timedelta

import pytest

from hotline_tui.calendar import load_calendar
from hotline_tui.clock import SITE_TZ
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ConfigError, ValidationError
from hotline_tui.sla import load_sla_policy


def t(s):
    return datetime.fromisoformat(s).replace(tzinfo=SITE_TZ)


@pytest.fixture(scope="module")
def cal():
    return load_calendar(DEMO_DIR)


def test_make_up_sundays_and_saturdays_are_working_days(cal):
    assert cal.is_working_day(date(2026, 1, 4))        # Sunday, 元旦调休
    assert cal.is_working_day(date(2026, 2, 14))       # Saturday, 春节调休
    assert cal.is_working_day(date(2026, 10, 10))      # Saturday, 国庆调休
    assert not cal.is_working_day(date(2026, 2, 16))   # Monday inside Spring Festival
    assert not cal.is_working_day(date(2026, 10, 7))   # Wednesday inside National Day
    assert not cal.is_working_day(date(2026, 11, 22))  # an ordinary Sunday
    assert cal.is_working_day(date(2026, 11, 23))


def test_n_working_days_end_at_close_of_day_n(cal):
    # Received Friday 13 Feb: next working day is Sat 14 Feb (调休); then the holiday to 23 Feb.
    assert cal.add_working_days(t("2026-02-13T10:00"), 1) == t("2026-02-14T17:30")
    assert cal.add_working_days(t("2026-02-13T10:00"), 2) == t("2026-02-24T17:30")
    # Across National Day: received 30 Sep; 1-7 Oct off, 8 Oct Thu, 9 Fri, 10 Sat (调休), 12 Mon.
    assert cal.add_working_days(t("2026-09-30T16:00"), 4) == t("2026-10-12T17:30")
    # An ordinary week: received Monday, 5 working days → next Monday.
    assert cal.add_working_days(t("2026-11-23T09:00"), 5) == t("2026-11-30T17:30")


def test_working_days_between_and_years_outside_the_range(cal):
    assert cal.working_days_between(t("2026-09-30T12:00"), t("2026-10-12T08:00")) == 4
    # 2027 has no file: provisional, answered (Monday 4 January is an ordinary working day).
    assert cal.is_working_day(date(2027, 1, 4))
    with pytest.raises(ValidationError, match="outside the working-day calendar"):
        cal.is_working_day(date(2101, 1, 4))


def test_same_day_rule_from_config(tmp_path, cal):
    (tmp_path / "calendar").mkdir()
    (tmp_path / "calendar" / "2026.yaml").write_text((DEMO_DIR / "calendar" / "2026.yaml").read_text("utf-8"), "utf-8")
    (tmp_path / "sla.yaml").write_text("working_days: {start_rule: same_day_before_close, day_closes_at: '18:00'}\n", "utf-8")
    c = load_calendar(tmp_path)
    assert c.add_working_days(t("2026-11-23T09:00"), 1) == t("2026-11-23T18:00")
    assert c.add_working_days(t("2026-11-23T19:00"), 1) == t("2026-11-24T18:00")


def test_deadlines_per_category_and_urgency(cal):
    p = load_sla_policy(DEMO_DIR, cal)
    start = t("2026-11-23T09:00")
    assert p.deadline("acknowledge", "complaint", "normal", start) == t("2026-11-23T09:30")
    assert p.deadline("handle", "complaint", "normal", start) == t("2026-11-30T17:30")
    assert p.deadline("handle", "consult", "normal", start) == t("2026-11-24T17:30")
    assert p.deadline("handle", "complaint", "very_urgent", start) == t("2026-11-23T11:00")
    assert p.deadline("handle", "unknown-category", "normal", start) == t("2026-11-30T17:30")
    with pytest.raises(ValidationError):
        p.deadline("fly", "complaint", "normal", start)


def test_traffic_lights(cal):
    p = load_sla_policy(DEMO_DIR, cal)
    due = t("2026-11-30T17:30")
    assert p.light(due, t("2026-11-24T09:00"), t("2026-11-23T09:00")) == "green"
    assert p.light(due, t("2026-11-29T18:00"), t("2026-11-23T09:00")) == "yellow"   # within 24 h
    assert p.light(due, t("2026-11-30T17:30"), t("2026-11-23T09:00")) == "red"      # due
    assert p.light(None, t("2026-12-01T09:00"), t("2026-11-23T09:00")) == "yellow"  # open 6 working days > 5
    assert p.light(None, t("2026-12-03T09:00"), t("2026-11-23T09:00")) == "red"     # open 8 working days > 7
    assert p.yellow_from(due) == t("2026-11-29T17:30")
    assert [s.action for s in p.escalation_steps()] == ["yellow", "red", "auto_urge", "supervise"]
    assert "waiting_supplement" in p.pause_states


def test_a_short_clock_is_not_yellow_in_its_first_half(cal):
    p = load_sla_policy(DEMO_DIR, cal)
    start = t("2026-11-23T09:00")
    ack_due = p.deadline("acknowledge", "complaint", "normal", start)          # 30 minutes
    assert p.yellow_from(ack_due, start) == t("2026-11-23T09:15")
    yf = p.yellow_from(ack_due, start)
    assert p.light(ack_due, t("2026-11-23T09:05"), start, yf) == "green"
    assert p.light(ack_due, t("2026-11-23T09:20"), start, yf) == "yellow"
    assert p.light(ack_due, t("2026-11-23T09:30"), start, yf) == "red"
    # a long clock keeps the configured 24-hour window
    due = p.deadline("handle", "complaint", "normal", start)
    assert p.yellow_from(due, start) == due - timedelta(hours=24)


def test_bad_sla_config_names_line_and_key(tmp_path):
    (tmp_path / "calendar").mkdir()
    (tmp_path / "calendar" / "2026.yaml").write_text("year: 2026\n", "utf-8")
    (tmp_path / "sla.yaml").write_text(
        "clocks:\n  acknowledge: {default: {minutes: 30}}\n  handle:\n    default: {weeks: 1}\n", "utf-8")
    with pytest.raises(ConfigError) as exc:
        load_sla_policy(tmp_path)
    assert exc.value.line == 4 and "clocks.handle.default" in str(exc.value)
