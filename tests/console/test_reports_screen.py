"""The reports screen (报表): reached by ':reports' / ':报表' and the palette, picks a report and a
period, shows it with its chart — the same data as ``hotline report`` for that period — on both
stores, through Textual's Pilot."""

from __future__ import annotations

import json

from click.testing import CliRunner

from hotline import cli
from screens.app import HotlineApp
from screens.commands import parse
from screens.reports import ReportsScreen
from tests.report_shift import AS_OF, fill
from tests.waiting import wait_until_async

from .test_handover_draft import _services, _shown


def test_reports_is_reached_by_name_in_both_languages():
    assert parse(":reports").name == "reports" and parse(":报表").name == "reports"


async def _shown_report(pilot, screen, name, period):
    await wait_until_async(lambda: screen.data is not None and (screen.report, screen.period) == (name, period)
                           and screen.data["report"] == name and screen.query_one("#report-box").border_subtitle == "",
                           timeout=15, interval=0.05, sleep=pilot.pause, what=f"{name} for {period}")
    return screen.data


async def test_pick_a_report_and_a_period(db_target):
    services, store = _services(db_target)
    fill(store)
    app = HotlineApp(services, start_screen="wallboard")
    async with app.run_test(size=(170, 50)) as pilot:
        await pilot.pause()
        await pilot.press("colon")
        await pilot.pause()
        for ch in "reports":
            await pilot.press(ch)
        await pilot.press("enter")
        await wait_until_async(lambda: isinstance(app.screen, ReportsScreen), timeout=10, interval=0.05,
                               sleep=pilot.pause, what="the reports screen")
        screen = app.screen
        d = await _shown_report(pilot, screen, "handover", "shift")
        assert d["period"]["shift"] == "早班" and d["calls"]["total"]["offered"] == 8
        await pilot.press("n")                                            # the next report: call loss
        d = await _shown_report(pilot, screen, "call-loss", "shift")
        r = CliRunner().invoke(cli, ["--db", db_target, "report", "call-loss", "--shift", "早班", "--at", AS_OF,
                                     "--format", "json"], catch_exceptions=False)
        assert d == json.loads(r.output)                                  # the CLI's numbers, exactly
        text = _shown(screen.query_one("#report"))
        assert "Call loss" in text and "█" in text                       # with its chart
        await pilot.press("b")                                            # the next period: the shift before
        d = await _shown_report(pilot, screen, "call-loss", "previous-shift")
        assert d["period"]["shift"] == "夜班" and d["total"]["offered"] == 1      # m9, left 07:59
        for _ in range(2):
            await pilot.press("b")                                        # yesterday, then today
        d = await _shown_report(pilot, screen, "call-loss", "yesterday")
        assert d["total"]["offered"] == 0
        await pilot.press("b")
        d = await _shown_report(pilot, screen, "call-loss", "last-7-days")
        assert d["by"] == "day" and d["total"]["offered"] == 10           # m1..m10, all of 11-23 (to midnight)
        # the other reports of issue 16 are offered too, with the same builders as the CLI
        assert screen._names() == ["handover", "call-loss", "agent-states", "agent-workload", "assessment",
                                   "callbacks", "categories", "channels", "departments", "queue-interval"]
        await pilot.press("n")                                            # agent-states (by name after call loss)
        d = await _shown_report(pilot, screen, "agent-states", "last-7-days")
        assert d["report"] == "agent-states"
        for name in ("agent-workload", "assessment", "callbacks", "categories", "channels", "departments"):
            await pilot.press("n")
            d = await _shown_report(pilot, screen, name, "last-7-days")
        assert "departments" in d and _shown(screen.query_one("#report")).strip()


def _cli(db_target, *args):
    r = CliRunner().invoke(cli, ["--db", db_target, "report", *args, "--at", AS_OF, "--format", "json"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


async def test_queue_interval_and_the_assessment_sheet_show_the_cli_figures(db_target):
    """The queue-interval report (with its Erlang figures, by half hour for a shift) and the
    department assessment sheet (the month) on the reports screen: the CLI's data, exactly, and
    their figures on the screen."""
    services, store = _services(db_target)
    fill(store)
    app = HotlineApp(services, start_screen="wallboard")
    async with app.run_test(size=(170, 50)) as pilot:
        await pilot.pause()
        await pilot.press("colon")
        for ch in "reports":
            await pilot.press(ch)
        await pilot.press("enter")
        await wait_until_async(lambda: isinstance(app.screen, ReportsScreen), timeout=10, interval=0.05,
                               sleep=pilot.pause, what="the reports screen")
        screen = app.screen
        await _shown_report(pilot, screen, "handover", "shift")
        screen.query_one("#report-pick").value = "queue-interval"
        d = await _shown_report(pilot, screen, "queue-interval", "shift")
        assert d == _cli(db_target, "queue-interval", "--shift", "早班")
        total = d["all"]["total"]
        assert d["by"] == "half-hour" and total["offered"] == 8
        busy = [r for r in d["all"]["rows"] if r["offered"]]
        assert busy and all(r["required_erlang_c"] is not None or r["answered"] == 0 for r in busy)
        text = _shown(screen.query_one("#report"))
        assert "Queue" in text and str(total["offered"]) in text
        screen.query_one("#period-pick").value = "this-month"
        screen.query_one("#report-pick").value = "assessment"
        d = await _shown_report(pilot, screen, "assessment", "this-month")
        assert d == _cli(db_target, "assessment", "--month", "2026-11")
        assert d["month"] == "2026-11" and d["rows"] and d["rows"][0]["rank"] == 1
        text = _shown(screen.query_one("#report"))
        assert d["rows"][0]["department"] in text and f"{d['rows'][0]['score']:.2f}".rstrip("0").rstrip(".") in text
