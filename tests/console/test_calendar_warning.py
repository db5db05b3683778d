"""A provisional working-day year is shown (issue 14): the trust line of every screen says so in
short, the engineer view gives the whole line. Frozen clocks: on 2026-12-28 a clock started
today runs into 2027, whose 调休 is not announced (no calendar/2027.yaml in the demo site, none
in the holidays package); on 2026-06-01 every year in use (2026) is known."""

from __future__ import annotations

from datetime import datetime

import pytest
from textual.widgets import Static

from hotline import build_services, build_store
from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.site import load_site
from screens.app import HotlineApp
from screens.widgets import TrustLine
from tests.waiting import wait_until_async

YEAR_END = datetime(2026, 12, 28, 10, 0, tzinfo=SITE_TZ)
JUNE = datetime(2026, 6, 1, 10, 0, tzinfo=SITE_TZ)


@pytest.fixture
def console_at(db_copy):
    stores = []

    def make(when: datetime, lang: str = "en"):
        store = build_store(db_copy)
        stores.append(store)
        services = build_services(store, DEMO_DIR, FixedClock(when), lang=lang, site=load_site(DEMO_DIR / "site.yaml"))
        services.kb = None
        return services
    yield make
    for s in stores:
        s.close()


async def shown(services, screen: str = "wallboard") -> tuple[str, str]:
    """The trust line on ``screen`` and the engineer view's calendar line, as text."""
    app = HotlineApp(services, start_screen=screen)
    async with app.run_test(size=(200, 40)) as pilot:
        trust = await wait_until_async(lambda: str(app.screen.query_one(TrustLine).render()), timeout=10,
                                       interval=0.02, sleep=pilot.pause, what="the trust line")
        app.switch_to("engineer")
        cal = await wait_until_async(lambda: getattr(app.screen, "ready", False)
                                     and str(app.screen.query_one("#calendar", Static).render()),
                                     timeout=10, interval=0.02, sleep=pilot.pause, what="the engineer view's calendar")
    return trust, cal


def test_the_ticket_service_names_the_provisional_years(console_at):
    year_end = console_at(YEAR_END).tickets
    assert year_end.provisional_years() == [2027]
    assert "2027 provisional" in year_end.calendar_warning() and "calendar/2027.yaml" in year_end.calendar_warning()
    june = console_at(JUNE).tickets
    assert june.provisional_years() == [] and june.calendar_warning() is None


async def test_at_the_years_end_the_trust_line_and_the_engineer_view_warn(console_at):
    services = console_at(YEAR_END)
    trust, cal = await shown(services, "tickets")
    assert "calendar 2027 provisional" in trust
    assert cal == "Working-day calendar: " + services.tickets.calendar_warning()
    assert "no 调休 make-up days" in cal and "calendar/2027.yaml" in cal


async def test_the_warning_in_chinese(console_at):
    trust, cal = await shown(console_at(YEAR_END, lang="zh"))
    assert "日历 2027 暂定" in trust
    assert cal.startswith("工作日历: ") and "calendar/2027.yaml" in cal


async def test_in_june_nothing_is_provisional_and_nothing_is_said(console_at):
    trust, cal = await shown(console_at(JUNE))
    assert "provisional" not in trust and "2027" not in trust
    assert cal == "Working-day calendar: every year in use is announced (with make-up days)"
