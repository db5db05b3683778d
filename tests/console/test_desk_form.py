"""Registering during the call (issue 17): the whole intake (name, address, district,
category, urgency) goes into the ticket; the article's answer is inserted into the reply with
ctrl+y and ctrl+o answers on the spot in one transaction with the article id on the ticket;
ctrl+g registers and dispatches to the department the article suggests (a role that may not
dispatch does not get the key); ctrl+f flags the question as not found (查无). Pilot tests on
a real SQLite store through the real services."""

from __future__ import annotations

from textual.widgets import Input, Select

from screens.app import HotlineApp
from screens.desk_form import article_answer
from tests.waiting import wait_until_async

from .conftest import searched, with_kb


async def wait_until(pilot, pred, what: str, timeout: float = 10):
    await wait_until_async(pred, timeout=timeout, interval=0.02, sleep=pilot.pause, what=what)


async def article_for(pilot, desk, query: str):
    panel = desk.panel
    n = panel.searches
    desk.set_focus(panel.query_one("#kb-q", Input))
    await pilot.press(*query)
    await searched(pilot, panel, n)
    await wait_until(pilot, lambda: panel.query_text == query and not panel.workers and panel.hits
                     and panel.article is not None and panel.article.id == panel.hits[0].id, "the article")
    return panel.article


def fill(desk, **values) -> None:
    for key, v in values.items():
        w = desk.query_one(f"#desk-{key}")
        w.value = v


async def test_answer_on_the_spot_with_the_inserted_answer_records_the_article(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(80, 24)) as pilot:
        desk = app.screen
        fill(desk, phone="13912345670", name="王女士", address="人民路 12 号", content="社保卡怎么激活")
        desk.query_one("#desk-district", Select).value = "渭城区"
        desk.query_one("#desk-urgency", Select).value = "urgent"
        article = await article_for(pilot, desk, "sbk")
        await wait_until(pilot, lambda: desk.form.department() == article.department, "the suggested department")
        await pilot.press("ctrl+y")
        reply = desk.query_one("#desk-reply", Input)
        assert reply.value == article_answer(article, reply.max_length) and reply.value
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: desk.registered, "the registration")
        t = store.tickets.get(desk.registered[0])
        assert t.state == "closed" and t.cited_article == article.id and t.registered_by == "agent1001"
        assert t.answer.startswith(reply.value[:20]) and f"#{article.id}" in t.answer
        assert (t.caller_name, t.address, t.district, t.urgency, t.content) == \
            ("王女士", "人民路 12 号", "渭城区", "urgent", "社保卡怎么激活")
        assert [e.action for e in store.audit.for_subject("ticket", t.serial)] == ["ticket.register", "ticket.answer"]
        # filed: the form is empty for the next question of the same caller (the number stays)
        assert desk.query_one("#desk-content", Input).value == "" and reply.value == ""
        assert desk.query_one("#desk-phone", Input).value == "13912345670"
    store.close()


async def test_enter_sends_it_to_triage_and_the_agent_has_no_dispatch_key(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(80, 24)) as pilot:
        desk = app.screen
        assert desk.check_action("dispatch", ()) is False       # the demo's agents register; the centre dispatches
        fill(desk, phone="13912345671", content="路灯不亮")
        desk.query_one("#desk-department", Select).value = "CGJ"
        await pilot.press("ctrl+g")                              # not offered: nothing happens
        await pilot.pause()
        assert not desk.registered
        desk.set_focus(desk.query_one("#desk-content", Input))
        await pilot.press("enter")
        await wait_until(pilot, lambda: desk.registered, "the registration")
        t = store.tickets.get(desk.registered[0])
        assert t.state == "registered" and t.department == "" and t.registered_by == "agent1001"
    store.close()


async def test_ctrl_g_registers_and_dispatches_to_the_suggested_department(kb_copy):
    services, store = with_kb(kb_copy, user="handler")          # a role that may dispatch
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(80, 24)) as pilot:
        desk = app.screen
        fill(desk, phone="13912345672", content="工地夜里施工太吵")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert not desk.registered                               # no department yet: it says so, writes nothing
        article = await article_for(pilot, desk, "yejianshigong")
        await wait_until(pilot, lambda: desk.form.department() == article.department, "the suggested department")
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: desk.registered, "the registration")
        t = store.tickets.get(desk.registered[0])
        assert t.state == "dispatched" and t.department == article.department and t.registered_by == "handler"
        assert [e.action for e in store.audit.for_subject("ticket", t.serial)] == ["ticket.register", "ticket.dispatch"]
    store.close()


async def test_ctrl_f_flags_the_question_as_not_found(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    editor = services.access.user("editor")
    before = len(services.kb.unanswered(editor))
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(80, 24)) as pilot:
        desk = app.screen
        fill(desk, content="外星人入侵怎么报警")
        desk.set_focus(desk.query_one("#desk-content", Input))
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: len(services.kb.unanswered(editor)) == before + 1, "the question flagged")
        assert any(q.text == "外星人入侵怎么报警" for q in services.kb.unanswered(editor))
        assert desk.query_one("#desk-content", Input).value == "外星人入侵怎么报警"      # the form keeps it
    store.close()
