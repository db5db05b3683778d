"""The tickets screen loads 500 rows at a time: with 1,203 red tickets it says "500 of 1,203"
(it used to stop silently at 500), and its filter box searches the store, so a ticket past the
first 500 is found by its text (folded: ``wifi`` finds ``ＷＩＦＩ``) or its department code."""

from __future__ import annotations

from datetime import timedelta

from backends.store import open_store
from hotline_tui.tickets.model import Ticket
from screens.app import HotlineApp
from screens.live_table import LiveTable
from screens.tickets import PAGE
from tests.console.conftest import T0, build
from tests.waiting import wait_until_async

RED = 1203


def _red_tickets(path: str) -> str:
    """RED handling tickets, all past due at T0, the most overdue first by serial; the last one
    (least overdue, far past the first page) is about the Wi-Fi. Returns its serial."""
    store = open_store(path, migrate=True)
    rows = []
    for i in range(RED):
        created = T0 - timedelta(days=10)
        due = T0 - timedelta(hours=RED - i)           # serial order = most overdue first
        rows.append(Ticket(
            serial=f"20261113-{i + 1:06d}", created_at=created, channel="phone", caller_phone="13812341234",
            content="小区公共ＷＩＦＩ一直连不上" if i == RED - 1 else f"路灯不亮第{i}号", category="public",
            state="handling", department="ZJJ" if i == RED - 1 else "RSJ", handle_due=due, current_due=due,
            yellow_from=due - timedelta(days=1), updated_at=created))
    store.tickets.bulk_insert(rows)
    store.close()
    return rows[-1].serial


async def _until(pilot, cond, what):
    await wait_until_async(cond, timeout=10, interval=0.02, sleep=pilot.pause, what=what)


async def test_more_than_a_page_says_how_many_and_the_filter_finds_past_the_page(tmp_path):
    path = str(tmp_path / "hotline.db")
    last = _red_tickets(path)
    services, _, _ = build(path, minutes=1)
    app = HotlineApp(services, start_screen="tickets")
    async with app.run_test(size=(160, 40)) as pilot:
        table = app.screen.query_one("#tickets", LiveTable)
        await _until(pilot, lambda: table.row_count == PAGE, "the first page")
        assert "500 of 1,203" in app.screen.sub_title and "Red 1,203" in app.screen.sub_title.title()
        assert last not in table.order

        await pilot.press("slash", *"wifi")
        await _until(pilot, lambda: list(table.order) == [last], "the store's match past the page")
        assert " of " not in app.screen.sub_title            # everything that matches is shown

        await pilot.press("escape")
        await _until(pilot, lambda: table.row_count == PAGE, "the first page again")
        assert last not in table.order and "500 of 1,203" in app.screen.sub_title

        await pilot.press("slash", *"zjj")                   # a department code: the store knows it
        await _until(pilot, lambda: list(table.order) == [last], "the ticket of that department")

        await pilot.press("escape", "slash", *"rsj")         # 1,202 match: a page of them, and the count
        await _until(pilot, lambda: "500 of 1,202" in app.screen.sub_title, "the count of the matches")
        assert table.row_count == PAGE and last not in table.order
