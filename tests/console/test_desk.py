"""Pilot tests of the agent desk: caller history, intake, answer on the spot from an article —
through the real ticket and knowledge services on a real SQLite store."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from screens.app import HotlineApp
from tests.waiting import wait_until_async

from .conftest import searched, with_kb


async def wait_until(pilot, pred, what: str, timeout: float = 10):
    await wait_until_async(pred, timeout=timeout, interval=0.02, sleep=pilot.pause, what=what)


def a_caller_with_history(services) -> str:
    duty = services.access.user("duty")
    counts: dict[str, int] = {}
    for t in services.tickets.search(duty, limit=300):
        counts[t.caller_phone] = counts.get(t.caller_phone, 0) + 1
    return max(counts, key=counts.get)


async def test_the_desk_shows_me_and_the_caller_history_then_registers_the_intake(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    phone = a_caller_with_history(services)
    before = len(services.tickets.search(services.user, phone=phone, limit=100))
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44)) as pilot:
        desk = app.screen
        await wait_until(pilot, lambda: "1001" in str(desk.query_one("#desk-me", Static).render()), "my agent line")
        desk.query_one("#desk-phone", Input).value = phone
        history = desk.query_one("#desk-history", DataTable)
        await wait_until(pilot, lambda: history.row_count == before, "the caller's earlier tickets")
        desk.query_one("#desk-content", Input).value = "咨询社保卡补办需要带什么材料"
        desk.query_one("#desk-content", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: desk.registered, "the registration")
        t = store.tickets.get(desk.registered[0])
        assert t.caller_phone == phone and t.state == "registered" and t.category == "consult"
        assert t.content == "咨询社保卡补办需要带什么材料"
        await wait_until(pilot, lambda: history.row_count == before + 1, "the new ticket in the history")
        assert [e.action for e in store.audit.for_subject("ticket", t.serial)] == ["ticket.register"]
        assert store.audit.for_subject("ticket", t.serial)[0].actor == "agent1001"
    store.close()


async def test_answer_on_the_spot_cites_the_article_on_screen(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44)) as pilot:
        desk = app.screen
        desk.query_one("#desk-phone", Input).value = "13912345678"
        panel = desk.panel
        n = panel.searches
        await pilot.press(*"sbk")
        await searched(pilot, panel, n)
        # each key searches; on a loaded machine "s" can finish (and open its article) before
        # "b" is typed, so wait for the article of the whole query's first hit
        await wait_until(pilot, lambda: panel.query_text == "sbk" and not panel.workers and panel.hits
                         and panel.article is not None and panel.article.id == panel.hits[0].id, "the article")
        title = panel.article.title
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: desk.registered, "the registration")
        t = store.tickets.get(desk.registered[0])
        assert t.state == "closed" and title in t.answer and t.content == title
        assert [e.action for e in store.audit.for_subject("ticket", t.serial)] == ["ticket.register", "ticket.answer"]
    store.close()


async def test_a_bad_number_is_one_clear_error_and_nothing_is_written(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44)) as pilot:
        desk = app.screen
        before = store.tickets.count_by_state()
        desk.query_one("#desk-phone", Input).value = "12ab"
        desk.query_one("#desk-content", Input).value = "[bold]噪音扰民[/bold]"
        desk.query_one("#desk-content", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: services.errors, "the error")
        assert "phone" in services.errors[-1][1].lower() and "\n" not in services.errors[-1][1]
        assert store.tickets.count_by_state() == before and not desk.registered
    store.close()


async def test_a_user_without_an_agent_id_and_readonly_hide_the_actions(kb_copy):
    services, store = with_kb(kb_copy, user="duty", readonly=True)
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44)) as pilot:
        desk = app.screen
        await wait_until(pilot, lambda: "agent id" in str(desk.query_one("#desk-me", Static).render()), "the hint")
        assert desk.check_action("answer", ()) is False
    store.close()
