"""KnowledgeService on the in-memory knowledge store (tests/fakes.py) with the demo site's roles
and synonyms and a frozen clock: the article life cycle (add, edit, publish, retire), version
conflicts, who sees drafts, search over what is published, unanswered questions, imports
that are all or nothing."""

from __future__ import annotations

import pytest

from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ConflictError, IllegalTransition, NotFound, PermissionDenied, ValidationError
from hotline_tui.kb.factory import knowledge_service
from tests.fakes import FakeStore

CARD = dict(title="社保卡丢失如何补办", body="先拨打12333挂失，再到社保卡服务网点补办。", department="RSJ",
            category="consult", tags=["社保卡", "挂失"])


@pytest.fixture
def env():
    store, clock = FakeStore(), FixedClock("2026-11-23T09:00:00+08:00")
    svc = knowledge_service(store, DEMO_DIR, clock)
    return svc, store, clock, svc.access.user


def titles(hits):
    return [h.title for h in hits]


def test_add_publish_retire_and_publish_again_each_a_saved_version(env):
    svc, store, clock, u = env
    a = svc.add(u("editor"), **CARD)
    assert (a.status, a.version, a.tags) == ("draft", 1, ("社保卡", "挂失"))
    clock.advance(minutes=5)
    a = svc.publish(u("editor"), a.id)
    assert (a.status, a.version, a.updated_at) == ("published", 2, clock.now())
    assert titles(svc.search(u("agent1001"), "社保卡补办")) == [CARD["title"]]
    a = svc.retire(u("editor"), a.id)
    assert a.status == "retired" and svc.search(u("agent1001"), "社保卡补办", record=False) == []
    assert svc.publish(u("editor"), a.id).status == "published"          # a retired article may come back
    assert [(v.version, v.action, v.article.status) for v in svc.history(u("editor"), a.id)] == [
        (1, "add", "draft"), (2, "publish", "published"), (3, "retire", "retired"), (4, "publish", "published")]
    assert [e.action for e in store.audit.for_subject("article", str(a.id))] == [
        "kb.add", "kb.publish", "kb.retire", "kb.publish"]


def test_illegal_transitions_are_refused_and_write_nothing(env):
    svc, store, clock, u = env
    a = svc.publish(u("editor"), svc.add(u("editor"), **CARD).id)
    entries = len(store.audit.state["entries"])
    with pytest.raises(IllegalTransition, match="cannot publish a article in state 'published'"):
        svc.publish(u("editor"), a.id)
    assert store.kb.get(a.id).version == 2 and len(store.audit.state["entries"]) == entries
    assert len(store.kb.versions(a.id)) == 2


def test_permissions_editors_write_agents_read_published_only(env):
    svc, store, clock, u = env
    with pytest.raises(PermissionDenied, match="kb.edit"):
        svc.add(u("agent1001"), **CARD)
    a = svc.add(u("editor"), **CARD)
    with pytest.raises(NotFound):
        svc.get(u("agent1001"), a.id)                    # drafts are the editors' business
    with pytest.raises(PermissionDenied, match="kb.edit"):
        svc.search(u("agent1001"), "社保卡", include_drafts=True)
    assert titles(svc.search(u("editor"), "社保卡", include_drafts=True)) == [CARD["title"]]
    with pytest.raises(PermissionDenied, match="kb.publish"):
        svc.publish(u("agent1001"), a.id)
    assert svc.get(u("editor"), a.id).status == "draft"


def test_a_stale_editor_gets_a_version_conflict_and_the_first_edit_stays(env):
    svc, store, clock, u = env
    a = svc.add(u("editor"), **CARD)
    svc.edit(u("editor"), a.id, expected_version=1, body="到任一社保卡服务网点补办，当场领卡。")
    with pytest.raises(ConflictError) as err:
        svc.edit(u("editor"), a.id, expected_version=1, body="旧的说法")
    assert (err.value.expected, err.value.actual) == (1, 2)
    with pytest.raises(ConflictError):
        svc.publish(u("editor"), a.id, expected_version=1)
    kept = store.kb.get(a.id)
    assert (kept.body, kept.version, kept.status) == ("到任一社保卡服务网点补办，当场领卡。", 2, "draft")


def test_fields_are_checked_and_named(env):
    svc, store, clock, u = env
    with pytest.raises(ValidationError, match="body: is required"):
        svc.add(u("editor"), title="只有标题")
    with pytest.raises(ValidationError, match="valid_to: 2026-01-01 is before valid_from 2026-02-01"):
        svc.add(u("editor"), **CARD, valid_from="2026-02-01", valid_to="2026-01-01")
    with pytest.raises(ValidationError, match="colour: not an article field"):
        svc.add(u("editor"), **CARD, colour="red")
    assert store.kb.state["articles"] == {}


def test_search_ranks_by_the_indexed_words_and_finds_pinyin(env):
    svc, store, clock, u = env
    for fields in (CARD, dict(title="公积金提取条件", body="购房、租房可以提取住房公积金。", tags=["公积金"]),
                   dict(title="养犬登记", body="到辖区派出所办理养犬登记。", tags=["养犬"])):
        svc.publish(u("editor"), svc.add(u("editor"), **fields).id)
    assert titles(svc.search(u("agent1001"), "公积金怎么提取"))[0] == "公积金提取条件"
    assert titles(svc.search(u("agent1001"), "shebaoka"))[0] == CARD["title"]
    assert titles(svc.search(u("agent1001"), "sbk"))[0] == CARD["title"]


def test_fruitless_searches_and_flags_become_questions_the_editors_answer_or_dismiss(env):
    svc, store, clock, u = env
    assert svc.search(u("agent1001"), "外籍人员居住证") == []
    assert svc.search(u("agent1001"), "外籍人员 居住证！") == []          # the same question, asked again
    assert svc.search(u("agent1001"), "宠物狗办证", record=False) == []   # search-as-you-type records nothing
    svc.flag(u("agent1001"), "高龄补贴怎么领")
    rows = svc.unanswered(u("editor"))
    assert [(q.text, q.count, q.source) for q in rows] == [("外籍人员居住证", 2, "search"), ("高龄补贴怎么领", 1, "flag")]
    a = svc.add(u("editor"), title="外籍人员居住证办理", body="到出入境管理窗口办理。")
    answered = svc.answer(u("editor"), rows[0].id, a.id)
    assert (answered.status, answered.article_id) == ("answered", a.id)
    with pytest.raises(IllegalTransition):
        svc.answer(u("editor"), rows[0].id, a.id)
    assert svc.dismiss(u("editor"), rows[1].id).status == "dismissed"
    with pytest.raises(IllegalTransition):
        svc.dismiss(u("editor"), rows[1].id)
    assert svc.unanswered(u("editor")) == []
    assert [q.status for q in svc.unanswered(u("editor"), status=None)] == ["answered", "dismissed"]
    svc.search(u("agent1001"), "外籍人员居住证")                          # asked once more: open again
    assert [(q.text, q.count) for q in svc.unanswered(u("editor"))] == [("外籍人员居住证", 3)]


def test_an_import_is_all_or_nothing(env):
    svc, store, clock, u = env
    a = svc.add(u("editor"), **CARD)
    with pytest.raises(ValidationError, match="item 2: body: is required"):
        svc.import_items(u("editor"), [{"title": "新文章", "body": "正文"}, {"title": "缺正文"}])
    # an update of a missing article fails inside the transaction: the edit before it is undone too
    with pytest.raises(NotFound):
        svc.import_items(u("editor"), [{"id": a.id, "title": "改过的标题", "body": "改过的正文"},
                                       {"id": 999, "title": "x", "body": "y"}])
    assert store.kb.get(a.id).title == CARD["title"] and len(list(store.kb.all())) == 1
    assert svc.import_items(u("editor"), [{"title": "新文章", "body": "正文"}, {"id": a.id, **CARD, "body": "新正文"}],
                            publish=True) == {"added": 1, "updated": 1, "unchanged": 0}
    assert sorted((x.title, x.status) for x in store.kb.all()) == [("新文章", "published"), (CARD["title"], "published")]


def test_reindex_rebuilds_the_same_search(env):
    svc, store, clock, u = env
    for fields in (CARD, dict(title="公积金提取条件", body="购房、租房可以提取住房公积金。")):
        svc.publish(u("editor"), svc.add(u("editor"), **fields).id)
    before = [(h.id, h.score) for h in svc.search(u("agent1001"), "社保卡挂失")]
    with pytest.raises(PermissionDenied):
        svc.reindex(u("agent1001"))
    assert svc.reindex(u("editor")) == 2
    assert [(h.id, h.score) for h in svc.search(u("agent1001"), "社保卡挂失")] == before
