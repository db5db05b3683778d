"""Pilot tests of the knowledge editors' keys (issue 22) over a real SQLite store holding the
demo articles: edit with the version check (a conflict keeps what was typed), new + publish,
a similar question, the unanswered queue; an agent sees none of it."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from screens.app import HotlineApp
from screens.kb_edit import ArticleEditor, UnansweredScreen
from tests.waiting import wait_until_async

from .conftest import searched, with_kb


async def _open_first(pilot, app, query: str):
    panel = app.screen.panel
    await pilot.pause()
    n = panel.searches
    await pilot.press(*query)
    await searched(pilot, panel, n)
    await wait_until_async(lambda: panel.article is not None and panel.hits and panel.article.id == panel.hits[0].id,
                           timeout=10, interval=0.02, sleep=pilot.pause, what="the first hit's article")
    await pilot.press("escape")                       # out of the search box: the screen keys work
    return panel


async def _until(pilot, cond, what):
    await wait_until_async(cond, timeout=10, interval=0.02, sleep=pilot.pause, what=what)


async def test_edit_saves_a_new_version_and_a_conflict_keeps_what_was_typed(kb_copy):
    services, store = with_kb(kb_copy, user="editor")
    app = HotlineApp(services, start_screen="knowledge")
    async with app.run_test(size=(140, 44)) as pilot:
        panel = await _open_first(pilot, app, "社保卡丢失")
        art = panel.article
        await pilot.press("e")
        await _until(pilot, lambda: isinstance(app.screen, ArticleEditor), "the editor")
        ed = app.screen
        assert ed.query_one("#kbe-title", Input).value == art.title
        ed.query_one("#kbe-title", Input).value = art.title + "（新版）"
        await pilot.press("ctrl+s")
        await _until(pilot, lambda: not isinstance(app.screen, ArticleEditor), "the save")
        saved = services.kb.get(services.user, art.id)
        assert saved.title == art.title + "（新版）" and saved.version == art.version + 1
        await _until(pilot, lambda: panel.article is not None and panel.article.version == saved.version, "reload")
        # someone else saves while this editor is open: the save is refused, nothing typed is lost
        await pilot.press("e")
        await _until(pilot, lambda: isinstance(app.screen, ArticleEditor), "the editor again")
        ed = app.screen
        services.kb.edit(services.user, art.id, saved.version, body="别人改过的正文")
        ed.query_one("#kbe-body", TextArea).text = "我刚写的正文"
        await pilot.press("ctrl+s")
        await _until(pilot, lambda: ed.error != "", "the refusal")
        assert isinstance(app.screen, ArticleEditor)
        assert "version" in ed.error and ed.query_one("#kbe-body", TextArea).text == "我刚写的正文"
        assert services.kb.get(services.user, art.id).body == "别人改过的正文"
    store.close()


async def test_new_article_then_publish_and_a_similar_question(kb_copy):
    services, store = with_kb(kb_copy, user="editor")
    app = HotlineApp(services, start_screen="knowledge")
    async with app.run_test(size=(140, 44)) as pilot:
        panel = await _open_first(pilot, app, "居住证办理")
        target = panel.article
        await pilot.press("a")
        await _until(pilot, lambda: app.screen.__class__.__name__ == "PromptScreen", "the prompt")
        app.screen.query_one(Input).value = "外地人在这儿住要办个啥证"
        await pilot.press("enter")
        await _until(pilot, lambda: services.kb.get(services.user, target.id).questions[-1:] == ("外地人在这儿住要办个啥证",),
                     "the question saved")
        await pilot.press("n")
        await _until(pilot, lambda: isinstance(app.screen, ArticleEditor), "the editor")
        ed = app.screen
        ed.query_one("#kbe-title", Input).value = "暂住登记常见问题"
        ed.query_one("#kbe-department", Input).value = "市公安局"          # a name: stored as its code
        ed.query_one("#kbe-questions", TextArea).text = "租房住要登记不\n\n暂住证还要办不"
        ed.query_one("#kbe-body", TextArea).text = "租住满30日应当申报居住登记。"
        await pilot.press("ctrl+s")
        await _until(pilot, lambda: not isinstance(app.screen, ArticleEditor), "the save")
        new = [a for a in store.kb.all() if a.title == "暂住登记常见问题"]
        assert len(new) == 1 and new[0].status == "draft" and new[0].questions == ("租房住要登记不", "暂住证还要办不")
        await _until(pilot, lambda: panel.article is not None and panel.article.id == new[0].id, "the new article shown")
        await pilot.press("P")
        await _until(pilot, lambda: app.screen.__class__.__name__ == "ConfirmScreen", "the confirmation")
        await pilot.press("y")
        await _until(pilot, lambda: services.kb.get(services.user, new[0].id).status == "published", "published")
        hist = [v.action for v in services.kb.history(services.user, new[0].id)]
        assert hist == ["add", "publish"]
    store.close()


async def test_the_unanswered_queue_links_and_keeps_the_callers_words(kb_copy):
    services, store = with_kb(kb_copy, user="editor")
    agent = services.kb.access.user("agent1001")
    services.kb.flag(agent, "外地人住这里要办啥手续")
    app = HotlineApp(services, start_screen="knowledge")
    async with app.run_test(size=(140, 44)) as pilot:
        panel = await _open_first(pilot, app, "居住证办理")
        target = panel.article
        await pilot.press("u")
        await _until(pilot, lambda: isinstance(app.screen, UnansweredScreen) and app.screen.loads > 0, "the queue")
        q = app.screen
        texts = [r.text for r in q.rows]
        assert "外地人住这里要办啥手续" in texts
        q.query_one("#kbu-list").highlighted = texts.index("外地人住这里要办啥手续")
        await pilot.press("k")
        await _until(pilot, lambda: q.loads > 1, "the queue reloaded")
        assert "外地人住这里要办啥手续" not in [r.text for r in q.rows]
        assert "外地人住这里要办啥手续" in services.kb.get(services.user, target.id).questions
    store.close()


async def test_an_agent_has_no_editing_keys(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    app = HotlineApp(services, start_screen="knowledge")
    async with app.run_test(size=(140, 44)) as pilot:
        await _open_first(pilot, app, "社保卡")
        for key in ("e", "n", "u", "P"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen.__class__.__name__ == "KnowledgeScreen", key
        assert not app.screen.check_action("edit_article", ())
    store.close()
