"""The handover screen's live draft of the handover report (the CLI's builder, the same numbers)
and its sign-off recorded in the store, through Textual's Pilot on both stores; the ReportDesk's
sign-off rules."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner
from rich.console import Console

from hotline import build_services, build_store, cli
from hotline_tui.clock import FixedClock, parse_time
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import PermissionDenied, ValidationError
from hotline_tui.site import load_site
from screens.app import HotlineApp
from tests.report_shift import AS_OF, fill
from tests.waiting import wait_until_async


def _services(db_target, user="duty", at=AS_OF):
    store = build_store(db_target, migrate=True)
    services = build_services(store, DEMO_DIR, FixedClock(parse_time(at)), user=user, lang="en",
                              site=load_site(DEMO_DIR / "site.yaml"))
    services.now = lambda: parse_time(at).timestamp()
    return services, store


def _shown(widget) -> str:
    """The text a Static shows: its renderable drawn on a plain console of the screen's width."""
    con = Console(file=io.StringIO(), width=160, color_system=None, record=True)
    con.print(widget.content)
    return con.export_text()


def _cli_json(db_target):
    r = CliRunner().invoke(cli, ["--db", db_target, "report", "handover", "--shift", "早班", "--at", AS_OF,
                                 "--format", "json"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


async def test_draft_shows_the_cli_numbers_and_sign_off_is_stored(db_target):
    services, store = _services(db_target)
    fill(store)
    app = HotlineApp(services, start_screen="handover")
    async with app.run_test(size=(160, 50)) as pilot:
        screen = app.screen
        await wait_until_async(lambda: screen.draft is not None, timeout=15, interval=0.05, sleep=pilot.pause,
                               what="the handover draft")
        draft = screen.draft
        # the same builder as the CLI: the same numbers for the same shift and "now"
        assert draft["calls"] == _cli_json(db_target)["calls"]
        assert draft["calls"]["total"]["offered"] == 8 and draft["period"]["shift"] == "早班"
        text = _shown(screen.query_one("#draft"))
        assert "Shift handover" in text and "Unacknowledged dispatches" in text
        assert "not signed" in str(screen.query_one("#draft-box").border_subtitle)
        await pilot.press("S")                       # hand over: a confirmation first
        await pilot.pause()
        await pilot.press("y")
        await wait_until_async(lambda: any(s["role"] == "handed_over" for s in (screen.draft or {}).get("signoffs", [])),
                               timeout=15, interval=0.05, sleep=pilot.pause, what="the sign-off shown")
        assert "handed over by duty 15:55" in str(screen.query_one("#draft-box").border_subtitle)
    p = draft["period"]
    signs = store.reports.signoffs(parse_time(p["from"]).timestamp(), parse_time(p["to"]).timestamp())
    assert [(s.role, s.user, s.at) for s in signs] == [("handed_over", "duty", parse_time(AS_OF).timestamp())]
    assert [e.action for e in store.audit.recent(5) if e.subject_type == "shift"][:1] == ["handover.handed_over"]
    assert _cli_json(db_target)["signoffs"][0]["user"] == "duty"      # the CLI sees the console's sign-off


async def test_receiving_lead_receives_the_previous_shift(db_target):
    services, store = _services(db_target)
    fill(store)
    services.reports.sign(services.user, "handed_over")               # 早班, at 15:55
    # the next lead, in the next shift (中班 from 16:00), receives the one before
    later, store2 = _services(db_target, user="lead2", at="2026-11-23T16:05:00+08:00")
    app = HotlineApp(later, start_screen="handover")
    async with app.run_test(size=(160, 50)) as pilot:
        screen = app.screen
        await wait_until_async(lambda: screen.draft is not None, timeout=15, interval=0.05, sleep=pilot.pause,
                               what="the draft")
        assert screen.draft["period"]["shift"] == "中班"
        await pilot.press("P")
        await wait_until_async(lambda: screen.draft["period"]["shift"] == "早班", timeout=15, interval=0.05,
                               sleep=pilot.pause, what="the previous shift's draft")
        await pilot.press("V")
        await pilot.pause()
        await pilot.press("y")
        await wait_until_async(lambda: len(screen.draft["signoffs"]) == 2, timeout=15, interval=0.05,
                               sleep=pilot.pause, what="the receipt shown")
    assert [(s["role"], s["user"]) for s in screen.draft["signoffs"]] == [("handed_over", "duty"), ("received", "lead2")]
    store2.close()


def test_desk_sign_off_rules(db_target):
    services, store = _services(db_target)
    desk = services.reports
    with pytest.raises(ValidationError, match="not been handed over"):
        desk.sign(services.user, "received")
    desk.sign(services.user, "handed_over")
    with pytest.raises(ValidationError, match="already handed over"):
        desk.sign(services.user, "handed_over")
    agent = services.access.user("agent1001")
    with pytest.raises(PermissionDenied):
        desk.sign(agent, "received")
    assert desk.names()[0] == "handover" and "call-loss" in desk.names()
