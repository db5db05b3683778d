"""The footer never cuts a key off (issue 18): at 80x24 and at 160 columns, in both languages,
on every screen, every key it draws fits inside the terminal, and help, the command line, the
palette, quit and the screens hint are always among them."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from screens.app import HotlineApp
from screens.commands import SCREEN_KEYS
from screens.footer import key_width
from screens.tickets import TicketDetailScreen, TicketsScreen
from tests.console.conftest import build
from tests.waiting import wait_until_async


def _drawn(app) -> list[FooterKey]:
    return [k for k in app.screen.query(FooterKey) if k.display]     # a hidden key is kept blank for later


async def _settled(pilot, app):
    await wait_until_async(lambda: _drawn(app) and all(k.region.width for k in _drawn(app)), timeout=10,
                           interval=0.02, sleep=pilot.pause, what="the footer laid out")
    await pilot.pause()


def _check(app, width: int, where: str) -> list[str]:
    keys = _drawn(app)
    for k in keys:
        assert k.region.right <= width, f"{where}: {k.key_display} {k.description} cut at {k.region}"
        palette = k.has_class("-command-palette")       # its margin (1) is outside its region
        assert k.region.width == key_width(k.key_display, k.description, palette=palette) - palette
    return [k.key_display for k in keys]


@pytest.mark.parametrize("size", [(80, 24), (160, 40)])
@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_every_screen_keeps_its_essential_keys_inside_the_terminal(db_copy, size, lang):
    services, _, _ = build(db_copy, minutes=1, lang=lang)
    app = HotlineApp(services, start_screen="wallboard")
    async with app.run_test(size=size) as pilot:
        for name in SCREEN_KEYS:
            app.switch_to(name)
            await _settled(pilot, app)
            shown = _check(app, size[0], f"{name} at {size}")
            active = app.screen.active_bindings
            # A screen whose text box has the focus: ? : q and the digits type into it.
            typing = "1" not in active
            n = len(SCREEN_KEYS)
            for essential in ((f"F1-F{n}", "^p") if typing else (f"1-{n}", "?", ":", "^p", "q")):
                assert essential in shown, f"{name} at {size}: {essential} missing from {shown}"


async def test_a_narrow_footer_says_there_are_more_keys(db_copy):
    services, _, _ = build(db_copy, minutes=1)
    app = HotlineApp(services, start_screen="tickets")
    async with app.run_test(size=(80, 24)) as pilot:
        await _settled(pilot, app)
        shown = [(k.key_display, k.description) for k in _drawn(app)]
        assert ("…?", "more") in shown            # the tickets screen has more keys than 80 columns


async def test_the_detail_view_shows_back_and_no_quit(db_copy):
    services, _, _ = build(db_copy, minutes=1)
    app = HotlineApp(services, start_screen="tickets")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until_async(lambda: isinstance(app.screen, TicketsScreen) and app.screen.ticket_serial(),
                               timeout=10, interval=0.02, sleep=pilot.pause, what="a ticket")
        await pilot.press("enter")
        await wait_until_async(lambda: isinstance(app.screen, TicketDetailScreen), timeout=10, interval=0.02,
                               sleep=pilot.pause, what="the detail")
        await _settled(pilot, app)
        shown = _check(app, 80, "detail")
        assert "esc" in shown and "q" not in shown and "?" in shown
