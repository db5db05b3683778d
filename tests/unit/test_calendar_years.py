"""Where the calendar's years come from (site file / official / provisional) and the year-end
crossing, with a frozen clock on 2026-12-28 and on 2027-01-04."""

import json
import shutil
from datetime import date, datetime, timedelta

import pytest
from click.testing import CliRunner

from hotline import cli
from hotline_tui.calendar import MAX_YEAR, MIN_YEAR, library_year, load_calendar
from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ConfigError, ValidationError
from hotline_tui.sla import load_sla_policy


def t(s):
    return datetime.fromisoformat(s).replace(tzinfo=SITE_TZ)


@pytest.fixture(scope="module")
def cal():
    return load_calendar(DEMO_DIR)


def test_2026_site_file_is_authoritative_and_agrees_with_the_library(cal):
    assert cal.year(2026).source == "site file"
    assert cal.year(2026).file.endswith("2026.yaml")
    # The State Council's 2026 notice as the holidays package has it gives the same working days.
    _, off, up = library_year(2026)
    d = date(2026, 1, 1)
    while d.year == 2026:
        lib = d in up or (d not in off and d.weekday() < 5)
        assert cal.is_working_day(d) == lib, d
        d += timedelta(days=1)


def test_an_official_library_year_has_its_make_up_days(cal):
    y = cal.year(2025)
    assert y.source == "official"
    assert cal.is_working_day(date(2025, 1, 26))       # Sunday, 春节调休 (2025 notice)
    assert not cal.is_working_day(date(2025, 1, 29))   # 春节


def test_a_year_without_announcement_is_provisional_not_refused(cal):
    y = cal.year(2027)
    assert y.source == "provisional" and y.make_up_days == {}
    assert not cal.is_working_day(date(2027, 1, 1))    # 元旦 by rule
    assert not cal.is_working_day(date(2027, 10, 1))   # 国庆节 by rule
    assert cal.is_working_day(date(2027, 1, 4))


@pytest.mark.parametrize("today, expect", [
    ("2026-12-28T10:00:00+08:00", [2027]),   # 15 working days from here end in 2027
    ("2027-01-04T09:00:00+08:00", [2027]),
    ("2026-06-01T09:00:00+08:00", []),       # deadlines stay in 2026: nothing to warn about
])
def test_provisional_years_around_a_frozen_today(today, expect):
    c = load_calendar(DEMO_DIR)
    clock = FixedClock(today)
    assert c.provisional_years(clock.now().date()) == expect
    w = c.warning(clock.now().date())
    if expect:
        assert w is not None and "2027 provisional" in w and "calendar/2027.yaml" in w
    else:
        assert w is None


def test_year_end_crossing_from_2026_12_28():
    clock = FixedClock("2026-12-28T10:00:00+08:00")
    p = load_sla_policy(DEMO_DIR)
    now = clock.now()
    # 29, 30, 31 Dec; 1 Jan off (元旦, by rule in provisional 2027); 4, 5 Jan.
    assert p.calendar.add_working_days(now, 5) == t("2027-01-05T17:30")
    # ... 4-8 Jan, 11-15 Jan, 18, 19 Jan.
    assert p.calendar.add_working_days(now, 15) == t("2027-01-19T17:30")
    assert p.deadline("handle", "todo", "normal", now) == t("2027-01-19T17:30")
    assert p.light(t("2027-01-19T17:30"), now, now) == "green"
    assert p.calendar.provisional_years() == [2027]   # a deadline was computed in 2027


def test_year_end_crossing_on_2027_01_04():
    clock = FixedClock("2027-01-04T09:00:00+08:00")
    p = load_sla_policy(DEMO_DIR)
    now = clock.now()
    assert p.calendar.add_working_days(now, 5) == t("2027-01-11T17:30")
    assert p.calendar.add_working_days(now, 15) == t("2027-01-25T17:30")
    # A ticket opened on 2026-12-28 is 5 working days old on 2027-01-04 evening (29-31 Dec, 4 Jan).
    assert p.calendar.working_days_between(t("2026-12-28T10:00"), t("2027-01-05T10:00")) == 5
    assert p.light(None, now + timedelta(days=2), t("2026-12-28T10:00")) == "yellow"   # > 5 open


def test_dates_outside_the_range_are_one_line_errors(cal):
    for bad in (datetime.fromisoformat("0001-01-01T00:00+14:00"), t("1999-12-31T10:00"), t("2100-12-30T10:00")):
        with pytest.raises(ValidationError, match=f"outside the working-day calendar \\({MIN_YEAR}–{MAX_YEAR}\\)"):
            cal.add_working_days(bad, 5)
    with pytest.raises(ValidationError):
        cal.working_days_between(datetime.fromisoformat("0001-01-01T00:00+14:00"), t("2026-01-01T00:00"))
    # The age reading of a light is skipped, not raised, for a start outside the range.
    p = load_sla_policy(DEMO_DIR, cal)
    assert p.light(t("2026-12-05T10:00"), t("2026-11-30T10:00"), datetime.fromisoformat("0001-01-01T00:00+14:00")) == "green"


def _site(tmp_path, files: dict[str, str]):
    shutil.copytree(DEMO_DIR, tmp_path / "cfg")
    for name, text in files.items():
        (tmp_path / "cfg" / name).write_text(text, encoding="utf-8")
    return tmp_path / "cfg"


def test_a_2027_site_file_replaces_the_library_year(tmp_path):
    cfg = _site(tmp_path, {"calendar/2027.yaml": "year: 2027\nholidays:\n  - {from: 2027-01-01, to: 2027-01-03, name: 元旦}\n"
                                                 "workdays:\n  - {date: 2027-01-09, name: 测试调休}\n"})
    c = load_calendar(cfg)
    assert c.year(2027).source == "site file" and c.provisional_years(date(2026, 12, 28)) == []
    assert c.is_working_day(date(2027, 1, 9))            # Saturday, make-up day from the site file
    assert c.is_working_day(date(2027, 10, 1))           # the file replaces the library: no 国庆节 listed


def test_base_library_adds_to_the_library_year(tmp_path):
    cfg = _site(tmp_path, {"calendar/2027.yaml": "year: 2027\nbase: library\n"
                                                 "workdays:\n  - {date: 2027-01-09, name: 测试调休}\n"})
    c = load_calendar(cfg)
    y = c.year(2027)
    assert y.source == "site file" and y.base == "library"
    assert c.is_working_day(date(2027, 1, 9)) and not c.is_working_day(date(2027, 10, 1))


def test_calendar_file_errors(tmp_path):
    cfg = _site(tmp_path, {"calendar/2027.yaml": "year: 2026\n"})
    with pytest.raises(ConfigError, match=r"2027.yaml:1: year: says 2026 but the file is named 2027.yaml"):
        load_calendar(cfg)
    cfg = _site(tmp_path / "b", {"calendar/2027.yaml": "year: 2027\nworkday:\n  - {date: 2027-01-09}\n"})
    with pytest.raises(ConfigError, match=r"2027.yaml:2: workday: unknown key 'workday' \(did you mean 'workdays'\?\)"):
        load_calendar(cfg)


# -- the CLI ------------------------------------------------------------------------------------
def test_cli_due_across_the_year_end_works_and_warns():
    r = CliRunner().invoke(cli, ["calendar", "due", "--from", "2026-12-28T10:00", "--working-days", "5"])
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() == "2027-01-05T17:30:00+08:00"
    assert "2027 provisional" in r.stderr
    r = CliRunner().invoke(cli, ["calendar", "due", "--from", "2026-12-28T10:00", "--working-days", "15", "--json"])
    out = json.loads(r.stdout)
    assert out["due"] == "2027-01-19T17:30:00+08:00" and out["provisional_years"] == [2027]
    assert out["sources"] == {"2026": "site file", "2027": "provisional"}
    r = CliRunner().invoke(cli, ["calendar", "due", "--from", "0001-01-01T00:00+14:00", "--working-days", "5"])
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "Traceback" not in r.output


def test_cli_check_lists_each_year_with_its_source():
    r = CliRunner().invoke(cli, ["calendar", "check", "--today", "2026-12-28", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    by_year = {y["year"]: y for y in out["years"]}
    assert {y: v["source"] for y, v in by_year.items()} == {2025: "official", 2026: "site file", 2027: "provisional"}
    assert {"date": "2026-10-10", "name": "国庆节调休"} in by_year[2026]["make_up_days"]
    assert by_year[2027]["make_up_days"] == [] and by_year[2027]["holidays"][0]["date"] == "2027-01-01"
    assert out["provisional_years"] == [2027] and "2027" in out["warning"]
    r = CliRunner().invoke(cli, ["calendar", "check", "--today", "2027-01-04"])
    assert r.exit_code == 0 and "2027  provisional: " in r.stdout and "warning:" in r.stderr
    r = CliRunner().invoke(cli, ["calendar", "check", "--today", "2026-06-01"])
    assert r.exit_code == 0 and "2026  site file" in r.stdout and "warning" not in r.stderr
