"""Keys and habits (issue 18): Chinese ':' aliases, an unknown theme says so, ':lang' relabels
every screen at once, every key's action is in the command palette."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from textual.widgets._footer import FooterKey

from screens.app import HotlineApp
from screens.commands import Command, parse
from screens.live_table import LiveTable
from screens.palette import KeysProvider
from screens.tickets import TicketsScreen
from tests.console.conftest import build
from tests.waiting import wait_until_async


@pytest.mark.parametrize("line, want", [
    (":工单", Command("go", ":工单", "tickets")),
    ("坐席", Command("go", "坐席", "agents")),
    ("受理台", Command("go", "受理台", "desk")),
    ("暂停", Command("pause", "暂停")),
    ("刷新 5", Command("refresh", "刷新 5", hz=5.0)),
    ("语言 英文", Command("lang", "语言 英文", "en")),
    ("lang 中文", Command("lang", "lang 中文", "zh")),
    ("主题 nord", Command("theme", "主题 nord", "nord")),
    ("退出", Command("quit", "退出")),
])
def test_chinese_aliases(line, want):
    assert parse(line) == want


async def _until(pilot, cond, what):
    return await wait_until_async(cond, timeout=10, interval=0.02, sleep=pilot.pause, what=what)


def _messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_the_chinese_alias_switches_and_an_unknown_theme_says_so(db_copy):
    services, _, _ = build(db_copy, minutes=1)
    app = HotlineApp(services, start_screen="wallboard")
    async with app.run_test(size=(120, 30)) as pilot:
        app.run_command(":工单")
        await _until(pilot, lambda: isinstance(app.screen, TicketsScreen), "the tickets screen")
        theme = app.theme
        app.run_command("theme plaid")
        await pilot.pause()
        assert app.theme == theme
        assert any("Unknown theme: plaid" in m and "nord" in m for m in _messages(app))
        assert not any("Unknown command" in m for m in _messages(app))


async def test_lang_relabels_every_screen_at_once(db_copy):
    services, _, _ = build(db_copy, minutes=1, lang="en")
    app = HotlineApp(services, start_screen="tickets")
    async with app.run_test(size=(160, 40)) as pilot:
        table = app.screen.query_one("#tickets", LiveTable)
        await _until(pilot, lambda: table.row_count > 0, "the tickets")
        old = app.screen
        app.run_command("lang zh")
        screen = await _until(pilot, lambda: isinstance(app.screen, TicketsScreen) and app.screen.ready
                              and app.screen is not old and app.screen, "the tickets screen in Chinese")
        table = screen.query_one("#tickets", LiveTable)
        await _until(pilot, lambda: table.row_count > 0, "the tickets again")
        assert "工单号" in table.render_line(0).text
        await _until(pilot, lambda: "帮助" in [k.description for k in screen.query(FooterKey)], "the Chinese footer")
        assert "超时与预警工单" in screen.sub_title
        for name in ("wallboard", "agents", "handover"):          # the others too, not only this one
            app.switch_to(name)
            await _until(pilot, lambda: getattr(app.screen, "ready", False) and app.tr(name) in app.screen.sub_title,
                         f"{name} titled in Chinese")


async def test_every_key_of_the_screen_is_in_the_palette(db_copy):
    services, _, _ = build(db_copy, minutes=1)
    app = HotlineApp(services, start_screen="tickets")
    async with app.run_test(size=(120, 30)) as pilot:
        await _until(pilot, lambda: app.screen.query_one("#tickets", LiveTable).row_count > 0, "the tickets")
        screen = app.screen
        provider = KeysProvider(screen)
        labels = [str(h.prompt) async for h in provider.search("u")]
        assert any("Urge (u)" in lb for lb in labels)
        for label in ("Urge", "Approve ext.", "Re-dispatch", "Callback", "All tickets", "Filter", "Help", "Pause"):
            found = [str(h.prompt) async for h in provider.search(label)]
            assert any(label in f for f in found), label
        # choosing the hit runs the key's action: "All tickets" opens the search box
        hit = [h async for h in provider.search("All tickets")][0]
        await hit.command()
        await pilot.pause()
        assert screen.query_one("#ticket-search").has_class("shown")
        assert CommandPalette  # the palette is Textual's: the provider is in the App's COMMANDS
        assert KeysProvider in app.COMMANDS


async def test_the_real_palette_offers_and_runs_a_screen_key(db_copy):
    from textual.command import CommandList

    from screens.dialogs import PromptScreen

    services, _, _ = build(db_copy, minutes=1)
    app = HotlineApp(services, start_screen="tickets")
    async with app.run_test(size=(120, 30)) as pilot:
        await _until(pilot, lambda: app.screen.query_one("#tickets", LiveTable).row_count > 0, "the tickets")
        await pilot.press("ctrl+p")
        await _until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"urge")
        cl = await _until(pilot, lambda: (lambda c: c.option_count and c)(app.screen.query_one(CommandList)),
                          "the palette's hits")
        assert str(cl.get_option_at_index(0).prompt).startswith("Urge (u)")
        await pilot.press("enter")
        await _until(pilot, lambda: isinstance(app.screen, PromptScreen), "the urge prompt, as the key opens it")


def test_the_full_collection_waits_for_its_period_and_for_a_quiet_moment(db_copy):
    """Issue 21: memory steady over a shift — a full garbage collection every 30 s, never right
    after a key press (times injected; the collector is a fake)."""
    from screens.app import COLLECT_EVERY_S, COLLECT_QUIET_S

    services, _, _ = build(db_copy, minutes=1)
    ran: list[int] = []
    app = HotlineApp(services, collect=lambda: ran.append(1))
    t0 = app._collected_at
    assert not app.maybe_collect(t0 + COLLECT_EVERY_S - 0.1) and not ran         # too soon
    app._last_key = t0 + COLLECT_EVERY_S - 0.2
    assert not app.maybe_collect(t0 + COLLECT_EVERY_S + 0.1) and not ran         # a key just came
    later = t0 + COLLECT_EVERY_S - 0.2 + COLLECT_QUIET_S
    assert app.maybe_collect(later) and ran == [1]
    assert not app.maybe_collect(later + 1) and ran == [1]                        # the next in 30 s
    assert app.maybe_collect(later + COLLECT_EVERY_S) and ran == [1, 1]
