"""The desk's screen pop (issue 17): when a call reaches the agent the caller's class is a badge
with its name in words (visible without colour) and the class's note from desk.yaml, a known
caller's name is filled in, and the call line names the queue, the wait and the call id; for a
role without personal data the number is masked and never put in the form. Pilot tests on a
real SQLite store through the real services."""

from __future__ import annotations

import dataclasses

from rich.text import Text
from textual.widgets import Input, Static

from hotline_tui import switch as sw
from screens.app import HotlineApp
from tests.waiting import wait_until_async

from .conftest import with_kb

NUMBER = "13912347777"


async def wait_until(pilot, pred, what: str, timeout: float = 10):
    await wait_until_async(pred, timeout=timeout, interval=0.02, sleep=pilot.pause, what=what)


def call_reaches_me(services, number: str, member: str, waited: float = 42) -> None:
    """The caller joins the queue, waits, and the switch bridges them to agent 1001."""
    now = services.now()
    services.live.apply(sw.MemberJoined("sim", now - waited, "general@12345", member, f"s-{member}", number))
    services.live.apply(sw.BridgeStarted("sim", now, "general@12345", "1001", member, f"s-{member}", f"a-{member}",
                                         now - waited, now, caller_number=number))


def plain(w: Static) -> str:
    r = w.render()
    return r.plain if isinstance(r, Text) else str(r)


async def test_the_pop_flags_the_class_with_words_and_its_note_and_names_the_call(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    services.tickets.classify_caller(services.access.user("duty"), NUMBER, "elderly", name="张大爷", note="耳背，请大声")
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(80, 24)) as pilot:
        desk = app.screen
        call_reaches_me(services, NUMBER, "m-pop")
        caller = desk.query_one("#desk-caller", Static)
        await wait_until(pilot, lambda: "[elderly]" in plain(caller), "the class badge")
        badge = desk.pop.badge("elderly")                       # words, in reverse video: not colour only
        assert badge.plain.strip() == "[elderly]" and "reverse" in str(badge.style)
        note = plain(desk.query_one("#desk-note", Static))
        assert "Elderly caller" in note and "耳背，请大声" in note                 # desk.yaml's note + the caller's
        assert desk.query_one("#desk-name", Input).value == "张大爷"             # a known caller's name, filled in
        await wait_until(pilot, lambda: "m-pop" in desk.pop.call_line, "the call line")
        line = desk.pop.call_line
        assert NUMBER in line and "waited 42s" in line and "call m-pop" in line and "rec —" in line
        assert "queue" in line
    store.close()


async def test_a_role_without_personal_data_sees_a_masked_number_and_an_empty_form(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    qa = services.access.user("qa")
    services.user = dataclasses.replace(qa, agent="1001")      # a QA user at a desk: no personal_data.view
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(80, 24)) as pilot:
        desk = app.screen
        call_reaches_me(services, NUMBER, "m-qa")
        await wait_until(pilot, lambda: "m-qa" in desk.pop.call_line, "the call line")
        assert NUMBER not in desk.pop.call_line and "7777" in desk.pop.call_line     # masked, the tail kept
        assert desk.query_one("#desk-phone", Input).value == ""
    store.close()


async def test_a_new_call_empties_what_the_last_caller_left(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    services.tickets.classify_caller(services.access.user("duty"), NUMBER, "vip", name="李女士")
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(80, 24)) as pilot:
        desk = app.screen
        call_reaches_me(services, NUMBER, "m-1")
        name = desk.query_one("#desk-name", Input)
        await wait_until(pilot, lambda: name.value == "李女士", "the known name")
        call_reaches_me(services, "13912348888", "m-2")      # nothing typed: the form is for the next call
        await wait_until(pilot, lambda: desk.query_one("#desk-phone", Input).value == "13912348888", "the next caller")
        await wait_until(pilot, lambda: name.value == "" and "[VIP]" not in plain(desk.query_one("#desk-caller", Static)),
                         "the last caller's name and badge gone")
    store.close()


async def test_a_hostile_name_and_note_are_shown_as_text(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    services.tickets.classify_caller(services.access.user("duty"), NUMBER, "blacklist", name="[bold]王\x1b[31m",
                                     note="[link=x]点我[/link]")
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(80, 24)) as pilot:
        desk = app.screen
        call_reaches_me(services, NUMBER, "m-h")
        caller = desk.query_one("#desk-caller", Static)
        await wait_until(pilot, lambda: "[blacklisted]" in plain(caller), "the badge")
        shown = plain(caller) + plain(desk.query_one("#desk-note", Static)) + desk.query_one("#desk-name", Input).value
        assert "\x1b" not in shown and "[bold]王" in shown and "[link=x]点我[/link]" in shown
    store.close()
