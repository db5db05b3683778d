"""The desk's form belongs to one call (issue 17, bugs first): a new call never re-targets text
typed for the previous caller, and Escape always leaves an input so screen keys never land in a
form. Pilot tests through the real ticket service on a real SQLite store."""

from __future__ import annotations

from hotline_tui import switch as sw
from textual.widgets import Input

from screens.app import HotlineApp
from screens.desk_dialogs import ChoiceScreen
from tests.waiting import wait_until_async

from .conftest import with_kb

A, B = "13912340001", "13912340002"


async def wait_until(pilot, pred, what: str, timeout: float = 10):
    await wait_until_async(pred, timeout=timeout, interval=0.02, sleep=pilot.pause, what=what)


def call_reaches_me(services, number: str, member: str) -> None:
    """The switch bridges a caller to agent 1001 (what the ESL adapter would apply)."""
    now = services.now()
    services.live.apply(sw.BridgeStarted("sim", now, "general@12345", "1001", member, f"s-{member}", f"a-{member}",
                                         now - 30, now, caller_number=number))


async def desk_with_text_for_a(pilot, app, services):
    desk = app.screen
    call_reaches_me(services, A, "m-a")
    phone = desk.query_one("#desk-phone", Input)
    await wait_until(pilot, lambda: phone.value == A, "caller A on the form")
    content = desk.query_one("#desk-content", Input)
    content.focus()
    await pilot.press(*"路灯不亮")
    assert content.value == "路灯不亮"
    call_reaches_me(services, B, "m-b")
    await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen), "the question about the unsaved form")
    assert phone.value == A and desk.call_id == "m-a"       # nothing re-targeted while it asks
    return desk, phone, content


async def test_keep_files_the_ticket_under_the_previous_caller_then_takes_the_new_call(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44)) as pilot:
        desk, phone, content = await desk_with_text_for_a(pilot, app, services)
        await pilot.press("1")                                  # keep for the previous caller
        await wait_until(pilot, lambda: app.screen is desk, "the dialog closed")
        await pilot.pause()
        assert phone.value == A and content.value == "路灯不亮"
        content.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: desk.registered, "the registration")
        t = store.tickets.get(desk.registered[0])
        assert (t.caller_phone, t.call_id, t.content) == (A, "m-a", "路灯不亮")
        await wait_until(pilot, lambda: phone.value == B, "the new caller on the form after")
        assert desk.call_id == "m-b" and content.value == ""
    store.close()


async def test_move_files_the_text_under_the_new_caller(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44)) as pilot:
        desk, phone, content = await desk_with_text_for_a(pilot, app, services)
        await pilot.press("3")
        await wait_until(pilot, lambda: phone.value == B, "the form moved to B")
        assert content.value == "路灯不亮" and desk.call_id == "m-b"
        content.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: desk.registered, "the registration")
        t = store.tickets.get(desk.registered[0])
        assert (t.caller_phone, t.call_id) == (B, "m-b")
    store.close()


async def test_discard_empties_the_form_for_the_new_caller_and_writes_nothing(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44)) as pilot:
        before = store.tickets.count_by_state()
        desk, phone, content = await desk_with_text_for_a(pilot, app, services)
        await pilot.press("2")
        await wait_until(pilot, lambda: phone.value == B, "the form for B")
        assert content.value == "" and desk.call_id == "m-b"
        assert store.tickets.count_by_state() == before and not desk.registered
    store.close()


async def test_a_new_call_on_an_empty_form_takes_it_at_once(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44)) as pilot:
        desk = app.screen
        phone = desk.query_one("#desk-phone", Input)
        call_reaches_me(services, A, "m-a")
        await wait_until(pilot, lambda: phone.value == A, "caller A")
        call_reaches_me(services, B, "m-b")
        await wait_until(pilot, lambda: phone.value == B, "caller B")
        assert app.screen is desk and desk.call_id == "m-b"
    store.close()


async def test_escape_leaves_the_content_box_so_a_command_never_becomes_a_ticket(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44)) as pilot:
        desk = app.screen
        before = store.tickets.count_by_state()
        desk.query_one("#desk-phone", Input).value = A
        content = desk.query_one("#desk-content", Input)
        content.focus()
        await pilot.press(*"噪音")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.focused is None, "the focus back on the screen")
        await pilot.press("colon")
        await wait_until(pilot, lambda: app.screen is not desk, "the command line")
        await pilot.press(*"break 1001", "enter")
        await wait_until(pilot, lambda: app.screen is desk, "the command line closed")
        await pilot.pause()
        assert content.value == "噪音"
        assert store.tickets.count_by_state() == before and not desk.registered
    store.close()


async def test_escape_leaves_every_input_of_the_desk(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44)) as pilot:
        desk = app.screen
        for sel in ("#desk-phone", "#desk-content", "#kb-q"):
            desk.query_one(sel, Input).focus()
            await pilot.pause()
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.focused is None, f"escape to leave {sel}")
        await pilot.press("slash")                       # and / goes back to the search box
        await wait_until(pilot, lambda: app.focused is desk.query_one("#kb-q", Input), "the search box")
    store.close()
