"""Every ticket (issue 18): ``s`` searches the whole store with paging and "N of M", ``Esc``
goes back to the red/yellow list, and the detail shows the whole record with links and merges."""

from __future__ import annotations

from screens.app import HotlineApp
from screens.live_table import LiveTable
from screens.tickets import ALL_PAGE, TicketDetailScreen, TicketsScreen
from tests.console.conftest import build
from tests.waiting import wait_until_async


async def _until(pilot, cond, what):
    return await wait_until_async(cond, timeout=10, interval=0.02, sleep=pilot.pause, what=what)


async def test_search_pages_through_every_ticket_and_escape_returns_to_red_yellow(db_copy):
    services, _, _ = build(db_copy, minutes=1)
    duty = services.user
    total = services.tickets.count(duty)
    rsj = services.tickets.count(duty, department="RSJ")
    assert total > 2 * ALL_PAGE and 0 < rsj
    app = HotlineApp(services, start_screen="tickets")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, TicketsScreen)
        table = screen.query_one("#tickets", LiveTable)
        await _until(pilot, lambda: table.row_count > 0, "the red/yellow list")
        overdue = set(table.order)

        await pilot.press("s", "enter")                         # an empty search: every ticket
        await _until(pilot, lambda: f"1–{ALL_PAGE} of {total:,}" in screen.sub_title, "the first page of all")
        assert table.row_count == ALL_PAGE and "page 1/" in screen.sub_title
        first_page = list(table.order)
        await pilot.press("right_square_bracket")
        await _until(pilot, lambda: f"{ALL_PAGE + 1}–{2 * ALL_PAGE} of {total:,}" in screen.sub_title, "page 2")
        assert not set(table.order) & set(first_page)
        await pilot.press("left_square_bracket")
        await _until(pilot, lambda: list(table.order) == first_page, "page 1 again")

        await pilot.press("escape", "s", *"dept:RSJ", "enter")
        await _until(pilot, lambda: f"of {rsj:,}" in screen.sub_title, "the department's count")
        rows = services.tickets.search(duty, department="RSJ", limit=ALL_PAGE)
        assert list(table.order) == [t.serial for t in rows]

        await pilot.press("escape")                             # back to the default view
        await _until(pilot, lambda: set(table.order) == overdue, "the red/yellow list again")
        assert screen.mode == "overdue" and "All tickets" not in screen.sub_title


async def test_a_bad_search_key_says_so_and_changes_nothing(db_copy):
    services, _, _ = build(db_copy, minutes=1)
    app = HotlineApp(services, start_screen="tickets")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = app.screen
        await pilot.press("s", *"colour:red", "enter")
        await pilot.pause()
        assert screen.mode == "overdue"
        assert any("unknown search key 'colour'" in str(n.message) for n in app._notifications)


async def test_detail_shows_the_whole_record_links_merges_and_q_does_not_quit(db_copy):
    services, _, _ = build(db_copy, minutes=1)
    t, u = services.tickets, services.access.user
    main, repeat, related = (x for x in t.search(u("duty"), state="handling", limit=3))
    t.merge(u("handler"), repeat.serial, main.serial)
    t.link(u("handler"), main.serial, related.serial)
    app = HotlineApp(services, start_screen="tickets")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("s", *f"serial:{main.serial}", "enter")
        table = app.screen.query_one("#tickets", LiveTable)
        await _until(pilot, lambda: list(table.order) == [main.serial], "the one ticket")
        await pilot.press("enter")
        detail = await _until(pilot, lambda: isinstance(app.screen, TicketDetailScreen) and app.screen.text
                              and app.screen, "the detail")
        text = detail.text
        for label, value in (("Address", main.address), ("District", main.district), ("Channel", main.channel),
                             ("Merged", repeat.serial), ("Related", related.serial)):
            assert f"{label}" in text and value in text, label
        assert "merge" in text.split("Audit")[1] or "link" in text.split("Audit")[1]
        assert "Urge" in text.split("Actions")[1]             # the actions, with their keys

        await pilot.press("q", "q")                             # a stray q: no quitting from here
        await pilot.pause()
        assert app.is_running and app.screen is detail
        await pilot.press("escape")
        await _until(pilot, lambda: isinstance(app.screen, TicketsScreen), "back to the list")
