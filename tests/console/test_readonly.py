"""``--readonly`` (issue 18): a wall screen hides every action key from the footer, the palette
and help, and writes nothing to the store -- not a call record, not a callback task, not a
migration -- while the same console without it records the calls it sees."""

from __future__ import annotations

import asyncio
import sqlite3
import time

from textual.widgets._footer import FooterKey

from hotline import Wiring, build_console
from hotline_tui.config import DEMO_DIR
from screens.app import HotlineApp
from screens.dialogs import HelpScreen
from screens.live_table import LiveTable
from screens.palette import KeysProvider
from screens.tickets import TicketsScreen


def _rows(db: str) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def _console(db: str, readonly: bool):
    return build_console(Wiring(db=db, config_dir=str(DEMO_DIR), lang="en"), config=None, readonly=readonly,
                         replay=None, speed=1.0, record=None, refresh_hz=None, seed=5, echo=lambda s: None)


async def _until(pilot, cond, what: str, deadline_s: float = 30.0):
    end = time.monotonic() + deadline_s
    while not (v := cond()):
        if time.monotonic() > end:
            raise AssertionError(f"not before the deadline: {what}")
        await pilot.pause(0.05)
    return v


async def _shift(db: str, readonly: bool) -> list:
    """Run the embedded console over a few simulated minutes of calls, visiting the screens and
    pressing action keys; returns the calls that ended meanwhile."""
    services = _console(db, readonly)
    ended: list = []
    services.live.sinks.append(lambda outcome, event: ended.append(outcome))
    app = HotlineApp(services, start_screen="wallboard")
    async with app.run_test(size=(120, 30)) as pilot:
        await _until(pilot, lambda: len(ended) >= 20, "calls ending on the simulator")
        for name in ("agents", "handover", "tickets"):
            app.switch_to(name)
            await pilot.pause()
        await _until(pilot, lambda: isinstance(app.screen, TicketsScreen)
                     and app.screen.query_one("#tickets", LiveTable).row_count, "the tickets")
        if readonly:
            await pilot.press("u", "e", "c")                # hidden keys: nothing happens
            await pilot.pause()
            assert not app.screen_stack[-1].__class__.__name__ == "PromptScreen"
        await asyncio.sleep(2.5)                            # the periodic flush runs every 2 s
        await pilot.pause()
    return ended


async def test_a_readonly_console_writes_nothing_a_writing_one_records(kb_copy, tmp_path):
    import shutil

    writing = str(tmp_path / "writing.db")
    shutil.copy(kb_copy, writing)
    before = _rows(writing)
    await _shift(writing, readonly=False)
    after = _rows(writing)
    assert after["call_records"] > before["call_records"]        # the check can see a write

    before = _rows(kb_copy)
    ended = await _shift(kb_copy, readonly=True)
    assert len(ended) >= 20
    assert _rows(kb_copy) == before                              # not one row, in any table


async def test_readonly_hides_the_action_keys_from_footer_palette_and_help(kb_copy):
    services = _console(kb_copy, readonly=True)
    services.background.clear()                                  # no switch needed here
    app = HotlineApp(services, start_screen="tickets")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = app.screen
        await _until(pilot, lambda: screen.query_one("#tickets", LiveTable).row_count, "the tickets")
        await _until(pilot, lambda: "Open" in {k.description for k in screen.query(FooterKey)}, "the footer")
        shown = {k.description for k in screen.query(FooterKey)}
        assert "Urge" not in shown and "Callback" not in shown and "Open" in shown and "Help" in shown
        labels = [str(h.prompt) async for h in KeysProvider(screen).search("u")]
        assert not any("Urge" in lb for lb in labels)
        await pilot.press("enter")                               # the detail: no actions either
        await _until(pilot, lambda: type(app.screen).__name__ == "TicketDetailScreen" and app.screen.text, "detail")
        await _until(pilot, lambda: "Back" in {k.description for k in app.screen.query(FooterKey)}, "its footer")
        assert "Urge" not in {k.description for k in app.screen.query(FooterKey)}
        assert "Actions" not in app.screen.text
        await pilot.press("escape")
        app.switch_to("agents")
        await _until(pilot, lambda: "Sort" in {k.description for k in app.screen.query(FooterKey)}, "the agents footer")
        shown = {k.description for k in app.screen.query(FooterKey)}
        assert not shown & {"Available", "Break", "Listen", "Barge", "Move to queue", "Tag"}
        await pilot.press("question_mark")
        help_screen = await _until(pilot, lambda: isinstance(app.screen, HelpScreen) and app.screen, "help")
        assert "urge" not in help_screen.text and "barge" not in help_screen.text and "quit" in help_screen.text


def test_a_readonly_console_neither_migrates_nor_seeds(tmp_path):
    import pytest

    from hotline_tui.errors import HotlineError

    db = str(tmp_path / "new.db")
    with pytest.raises(HotlineError, match="needs migrating"):
        _console(db, readonly=True)
    assert _rows(db) == {} or set(_rows(db)) <= {"schema_migrations"} and not any(_rows(db).values())


async def test_readonly_enter_in_the_desk_form_or_the_knowledge_search_writes_nothing(kb_copy):
    from textual.widgets import Input

    from tests.console.conftest import with_kb

    services, store = with_kb(kb_copy, user="agent1001", readonly=True)
    before = _rows(kb_copy)
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44)) as pilot:
        desk = app.screen
        desk.query_one("#desk-phone", Input).value = "13812341234"
        desk.query_one("#desk-content", Input).value = "小区夜间施工噪音扰民"
        desk.query_one("#desk-content", Input).focus()
        await pilot.press("enter")                               # would register a ticket
        await _until(pilot, lambda: any("read-only" in str(n.message) for n in app._notifications), "refused")
        assert not desk.registered
        app.switch_to("knowledge")
        await pilot.pause()
        await pilot.press(*"zzqqxx", "enter")                    # a fruitless search: would be 查无
        await pilot.pause(0.5)
        await _until(pilot, lambda: not app.screen.workers, "the search done")
    store.close()
    assert _rows(kb_copy) == before
