"""Issue 21: a console follows the ticket change feed. Two processes on both stores: the console
(a Pilot app in this process) and the CLI (a subprocess) writing; the change shows in the
console's tickets list and in an open detail view within a second, without a reload key."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hotline import build_services, build_store
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.site import load_site
from screens.app import HotlineApp
from screens.live_table import LiveTable
from screens.tickets import TicketDetailScreen, TicketsScreen
from tests.waiting import wait_until_async

ROOT = Path(__file__).resolve().parents[2]


def _cli(db: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "hotline.py", "--db", db, *args, "--json"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _new(db: str, content: str) -> str:
    return _cli(db, "tickets", "new", "--phone", "13812341234", "--content", content, "--category", "consult",
                "--as", "agent1001")["serial"]


@pytest.mark.timeout(120)
async def test_a_change_made_by_the_cli_shows_in_a_console_within_a_second(db_target):
    build_store(db_target, migrate=True).close()
    first = _new(db_target, "井盖丢了")
    store = build_store(db_target)
    services = build_services(store, DEMO_DIR, FixedClock("2026-12-06T09:00:00+08:00"), user="duty", lang="en",
                              site=load_site(DEMO_DIR / "site.yaml"))
    app = HotlineApp(services, start_screen="tickets")
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            async def until(cond, what, timeout=10.0):
                return await wait_until_async(cond, timeout=timeout, interval=0.01, sleep=pilot.pause, what=what)

            screen = app.screen
            assert isinstance(screen, TicketsScreen)
            table = screen.query_one("#tickets", LiveTable)
            await pilot.press("s", "enter")                      # every ticket: the new one is green
            await until(lambda: table.order == [first], "the first ticket listed")
            await until(lambda: app.ticket_feed.follower is not None, "the feed followed")

            second = _new(db_target, "路灯不亮")                  # another process writes
            written = time.monotonic()
            await until(lambda: second in table.order, "the CLI's ticket in the console's list")
            lag = time.monotonic() - written
            assert lag < 1.0, f"the console showed the change {lag:.2f}s after the CLI wrote it"
            assert "of 2" in screen.sub_title

            # an open detail view of a changed ticket reloads too
            detail = TicketDetailScreen(app, first)
            await app.push_screen(detail)
            await until(lambda: "井盖丢了" in detail.text, "the detail")
            assert "当即答复" not in detail.text
            _cli(db_target, "tickets", "answer", first, "--text", "当即答复", "--as", "agent1001")
            written = time.monotonic()
            await until(lambda: "当即答复" in detail.text, "the answer in the open detail view")
            lag = time.monotonic() - written
            assert lag < 1.0, f"the detail view showed the change {lag:.2f}s after the CLI wrote it"
            assert app.ticket_feed.applied == store.feed.head()
    finally:
        store.close()
