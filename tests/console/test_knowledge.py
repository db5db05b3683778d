"""Pilot tests of the knowledge screen over a real SQLite store holding the demo articles."""

from __future__ import annotations

from textual.widgets import Input, Markdown, OptionList, Static

from screens.app import HotlineApp
from tests.waiting import wait_until_async

from .conftest import build, searched, with_kb


def options(screen) -> list[str]:
    ol = screen.query_one("#kb-results", OptionList)
    return [str(ol.get_option_at_index(i).prompt).split("\n")[0] for i in range(ol.option_count)]


async def test_pinyin_initials_find_the_article_and_show_it(kb_copy):
    services, store = with_kb(kb_copy)
    app = HotlineApp(services, start_screen="knowledge")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen.panel
        await pilot.pause()
        n = screen.searches
        await pilot.press(*"sbk")
        await searched(pilot, screen, n)
        titles = options(screen)
        assert titles and "社保卡" in titles[0]
        hit = screen.hits[0]
        assert hit.title_spans, "the matched words are highlighted"
        await wait_until_async(lambda: screen.query_one("#kb-md", Markdown).source.startswith("# "), timeout=10,
                               interval=0.02, sleep=pilot.pause, what="the first hit's article")
        assert screen.query_one("#kb-md", Markdown).source.startswith(f"# {hit.title}")
        assert "found" in str(screen.query_one("#kb-status", Static).render())
        # typing records nothing: search-as-you-type is not a question yet
        assert not [q for q in services.kb.unanswered(services.user) if q.text == "sbk"]
    store.close()


async def test_enter_on_a_fruitless_search_records_it_and_escape_frees_the_screen_keys(kb_copy):
    services, store = with_kb(kb_copy)
    app = HotlineApp(services, start_screen="knowledge")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen.panel
        await pilot.pause()
        n = screen.searches
        await pilot.press(*"量子纠缠", "enter")
        await searched(pilot, screen, n + 1)
        assert screen.hits == []
        assert [q for q in services.kb.unanswered(services.user) if q.text == "量子纠缠"]
        await pilot.press("escape", "1")            # out of the search box: '1' is the wallboard again
        await pilot.pause()
        assert app.screen.__class__.__name__ == "WallboardScreen"
    store.close()


async def test_f_flags_the_question_audited_and_readonly_hides_it(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    app = HotlineApp(services, start_screen="knowledge")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen.panel
        await pilot.pause()
        n = screen.searches
        await pilot.press(*"[red]wifi", "escape")
        await searched(pilot, screen, n)
        await pilot.press("f")
        flagged = await wait_until_async(
            lambda: [q for q in services.kb.unanswered(services.access.user("editor")) if q.text == "[red]wifi"],
            timeout=10, interval=0.02, sleep=pilot.pause, what="the flagged question stored")
        assert flagged and flagged[0].source == "flag" and flagged[0].asked_by == "agent1001"
        audit = store.audit.for_subject("kb_question", str(flagged[0].id))
        assert [e.action for e in audit] == ["kb.flag"] and audit[0].actor == "agent1001"
    store.close()
    services, store = with_kb(kb_copy, user="agent1001", readonly=True)
    app = HotlineApp(services, start_screen="knowledge")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert app.screen.panel.check_action("flag", ()) is False
    store.close()


async def test_without_a_knowledge_base_the_screen_says_so(kb_copy):
    services, cc, store = build(kb_copy)
    app = HotlineApp(services, start_screen="knowledge")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert "not available" in str(app.screen.query_one("#kb-status", Static).render())
        await pilot.press(*"sbk")
        await pilot.pause(0.1)
        assert options(app.screen) == []
        assert isinstance(app.screen.query_one("#kb-q", Input), Input)
    store.close()
