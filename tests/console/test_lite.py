"""Lean mode for slow links (screens/lite.py) and the trust line's output figure
(screens/byte_meter.py), with Textual's Pilot on the real desk and wallboard."""

from __future__ import annotations

import io

from textual.widgets import Input

from screens.app import HotlineApp
from screens.byte_meter import CountingOutput
from screens.lite import LITE_MAX_HZ, LITE_THEME, LiteMode
from screens.widgets import TrustLine
from tests.waiting import wait_until_async

from .conftest import build, with_kb


async def wait_until(pilot, pred, what: str, timeout: float = 10):
    return await wait_until_async(pred, timeout=timeout, interval=0.02, sleep=pilot.pause, what=what)


def trust(app) -> str:
    return str(app.screen.query_one(TrustLine).render())


def counting() -> CountingOutput:
    return CountingOutput(io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))


async def test_lite_repaints_at_most_once_a_second_without_animation_on_the_desk_at_80x24(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    services.refresh_hz = 5
    app = HotlineApp(services, start_screen="desk", lite=LiteMode(on=True, reason="--lite", auto=False))
    async with app.run_test(size=(80, 24)) as pilot:
        desk = app.screen
        await wait_until(pilot, lambda: desk.ready, "the desk")
        assert app.refresh_hz <= LITE_MAX_HZ
        assert app._timer is not None and app._timer._interval >= 1 / LITE_MAX_HZ
        assert app.animation_level == "none"
        assert app.theme == LITE_THEME
        await pilot.press("plus", "plus")                       # faster: not past the cap
        assert app.refresh_hz <= LITE_MAX_HZ and app._timer._interval >= 1 / LITE_MAX_HZ
        boxes = list(desk.query(Input))
        await wait_until(pilot, lambda: boxes and not any(w.cursor_blink for w in boxes), "no blinking cursor")
        await wait_until(pilot, lambda: "lite" in trust(app), "lite in the trust line")
        # 80x24: the agent's line, the phone and the ticket text are all on the screen
        for sel in ("#desk-me", "#desk-phone", "#desk-content"):
            r = desk.query_one(sel).region
            assert r.width > 0 and r.height > 0 and r.bottom <= 24 and r.right <= 80, (sel, r)
    store.close()


async def test_the_default_mode_keeps_its_rate_and_animation(db_copy):
    services, _cc, store = build(db_copy)
    app = HotlineApp(services)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.refresh_hz == 2 and app.animation_level != "none" and not app.lite.on
        assert "lite" not in trust(app)
    store.close()


async def test_the_trust_line_shows_the_bytes_per_second_the_terminal_is_sent(db_copy):
    services, _cc, store = build(db_copy)
    app = HotlineApp(services)
    app.meter = meter = counting()          # the real driver's meter; Pilot's headless one has none
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()

        def fed_and_shown() -> bool:
            meter.write("受" * 1000)          # 3,000 bytes a pause: KB/s, not B/s
            return "out " in trust(app) and "KB/s" in trust(app)
        await wait_until(pilot, fed_and_shown, "the output figure in the trust line")
    store.close()


async def test_back_pressure_switches_lite_on_by_itself(db_copy):
    services, _cc, store = build(db_copy)
    app = HotlineApp(services, lite=LiteMode(auto=True))
    app.meter = meter = counting()
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        assert not app.lite.on

        def blocked() -> bool:
            meter.blocked_s += 0.05          # the terminal keeps the writer waiting most of the time
            return app.lite.on
        await wait_until(pilot, blocked, "lite on after seconds of back-pressure", timeout=15)
        assert app.lite.reason == "back-pressure" and app.refresh_hz <= LITE_MAX_HZ
        assert app.animation_level == "none"
    store.close()


async def test_no_color_in_lite_drops_colour_instead_of_greying_the_ansi_theme(db_copy, monkeypatch):
    from textual.filter import Monochrome, NoColor

    monkeypatch.setenv("NO_COLOR", "1")
    services, _cc, store = build(db_copy)
    app = HotlineApp(services, lite=LiteMode(on=True, reason="--lite", auto=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        filters = app.get_line_filters()
        assert any(isinstance(f, NoColor) for f in filters)
        assert not any(isinstance(f, Monochrome) for f in filters)    # grey ANSI colours: black on black
    store.close()


async def test_below_one_repaint_a_second_the_output_figure_still_moves_each_second(db_copy):
    services, _cc, store = build(db_copy)
    services.refresh_hz = 0.1                 # one timed repaint every ten seconds
    app = HotlineApp(services)
    app.meter = meter = counting()
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()

        def fed_and_shown() -> bool:
            meter.write("x" * 500)
            return "out " in trust(app)
        await wait_until(pilot, fed_and_shown, "the output figure before the next timed repaint", timeout=5)
    store.close()
