"""Issue 22 on both stores: similar questions (相似问法) found like the title, kept from an
unanswered question with one step; imports that carry outside ids (KB-2023-017) kept as the
source key, so importing the same file again changes nothing; departments by code or name."""

import json

import pytest

from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import IllegalTransition, PermissionDenied, ValidationError
from hotline_tui.kb.factory import knowledge_service
from hotline_tui.kb.formats import read_items, write_items

ARTICLES = [
    {"title": "工伤认定申请", "body": "职工因工作遭受事故伤害，单位应在30日内提出工伤认定申请。", "department": "RSJ",
     "category": "社会保障"},
    {"title": "流浪乞讨人员救助", "body": "发现街头流浪乞讨人员，可拨打救助站电话。", "department": "MZJ",
     "category": "社会救助"},
    {"title": "居住证办理", "body": "在本市居住半年以上可申领居住证。", "department": "GAJ", "category": "户籍证件"},
]


@pytest.fixture
def env(store):
    svc = knowledge_service(store, DEMO_DIR, FixedClock("2026-12-06T09:00:00+08:00"))
    svc.import_items(svc.access.user("editor"), [dict(a) for a in ARTICLES], publish=True)
    ids = {a.title: a.id for a in store.kb.all()}
    return svc, svc.access.user, ids, store


def _top(svc, u, q, n=1):
    return [h.title for h in svc.search(u("agent1001"), q, limit=5, record=False)][:n]


def test_a_similar_question_finds_its_article_like_the_title(env):
    svc, u, ids, store = env
    assert _top(svc, u, "干活时候受伤了老板不管") != ["工伤认定申请"]
    a = svc.add_question(u("editor"), ids["工伤认定申请"], "干活的时候受伤了老板不管怎么办")
    assert a.questions == ("干活的时候受伤了老板不管怎么办",) and a.version == 2
    assert _top(svc, u, "干活时候受伤了老板不管") == ["工伤认定申请"]
    # the same question again (spaces, punctuation, width aside) changes nothing
    again = svc.add_question(u("editor"), ids["工伤认定申请"], " 干活的时候受伤了，老板不管怎么办？")
    assert again.version == 2 and again.questions == a.questions
    hist = svc.history(u("editor"), ids["工伤认定申请"])
    assert [v.action for v in hist][-1] == "edit" and hist[-1].article.questions == a.questions


def test_only_editors_add_questions_and_empty_ones_are_refused(env):
    svc, u, ids, _ = env
    with pytest.raises(PermissionDenied):
        svc.add_question(u("agent1001"), ids["工伤认定申请"], "受伤了")
    with pytest.raises(ValidationError, match="questions: the question is empty"):
        svc.add_question(u("editor"), ids["工伤认定申请"], "   ")


def test_an_unanswered_question_becomes_a_similar_question_in_one_step(env):
    svc, u, ids, _ = env
    q = svc.flag(u("agent1001"), "街上有要饭的晚上睡在桥洞下")
    svc.answer(u("editor"), q.id, ids["流浪乞讨人员救助"], as_question=True)
    art = svc.get(u("editor"), ids["流浪乞讨人员救助"])
    assert art.questions == ("街上有要饭的晚上睡在桥洞下",)
    assert _top(svc, u, "要饭的睡在桥洞下") == ["流浪乞讨人员救助"]
    assert [x.status for x in svc.unanswered(u("editor"), status=None) if x.id == q.id] == ["answered"]


def test_outside_ids_are_kept_and_importing_again_changes_nothing(env, tmp_path):
    svc, u, ids, store = env
    ed = u("editor")
    items = [{"id": "KB-2023-017", "title": "居住证签注", "body": "每年签注一次。", "department": "市公安局",
              "category": "户籍证件", "questions": ["居住证到期了咋续"]},
             {"id": "KB-2023-018", "title": "临时身份证", "body": "可在户籍地派出所办理。", "department": "GAJ"}]
    path = tmp_path / "outside.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    assert svc.import_items(ed, read_items(path), publish=True) == {"added": 2, "updated": 0, "unchanged": 0}
    got = {a.source_key: a for a in store.kb.all() if a.source_key}
    assert set(got) == {"KB-2023-017", "KB-2023-018"}
    assert got["KB-2023-017"].department == "GAJ"               # the name 市公安局 read as its code
    assert got["KB-2023-017"].questions == ("居住证到期了咋续",)
    versions = {k: a.version for k, a in got.items()}
    n_articles = len(list(store.kb.all()))
    # the same file again: nothing added, nothing new written
    assert svc.import_items(ed, read_items(path), publish=True) == {"added": 0, "updated": 0, "unchanged": 2}
    assert len(list(store.kb.all())) == n_articles
    assert {a.source_key: a.version for a in store.kb.all() if a.source_key} == versions
    # a changed item updates the article it was imported as
    items[1]["body"] = "可在户籍地或居住地派出所办理。"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    assert svc.import_items(ed, read_items(path), publish=True) == {"added": 0, "updated": 1, "unchanged": 1}
    after = {a.source_key: a for a in store.kb.all() if a.source_key}
    assert after["KB-2023-018"].body.startswith("可在户籍地或居住地") and after["KB-2023-018"].version == 2
    assert after["KB-2023-018"].id == got["KB-2023-018"].id


def test_an_outside_id_twice_in_one_file_is_refused_and_nothing_imported(env):
    svc, u, _, store = env
    n = len(list(store.kb.all()))
    with pytest.raises(ValidationError, match=r"item 2: id: 'X-1' is already used by item 1"):
        svc.import_items(u("editor"), [{"id": "X-1", "title": "甲", "body": "一"}, {"id": "X-1", "title": "乙", "body": "二"}])
    assert len(list(store.kb.all())) == n


@pytest.mark.parametrize("name", ["kb.json", "kb.csv", "kbdir"])
def test_questions_and_source_keys_survive_export_and_import(env, tmp_path, name):
    svc, u, ids, store = env
    ed = u("editor")
    svc.add_question(ed, ids["居住证办理"], "外地人在这住要办啥证")
    svc.import_items(ed, [{"id": "KB-9", "title": "外来", "body": "正文", "questions": ["问一", "问二"]}], publish=True)
    path = tmp_path / name
    write_items(path, svc.export_items(ed))
    items = read_items(path)
    by_title = {i["title"]: i for i in items}
    assert by_title["外来"]["source_key"] == "KB-9"
    # re-importing the export into the same store: every article is unchanged
    result = svc.import_items(ed, items)
    assert result["added"] == 0 and result["updated"] == 0 and result["unchanged"] == len(items)
    assert svc.get(ed, ids["居住证办理"]).questions == ("外地人在这住要办啥证",)


# -- learning from the hotline's own answers -------------------------------------------------
def _answer_citing(store, article_id: int, content: str, phone: str = "13812341234"):
    from hotline_tui.tickets.factory import ticket_service
    from hotline_tui.tickets.service import Intake
    tickets = ticket_service(store, DEMO_DIR, FixedClock("2026-12-06T10:00:00+08:00"))
    intake = Intake(channel="phone", caller_phone=phone, content=content, category="consult", subcategory="办事指南")
    return tickets.register_and_answer(tickets.access.user("agent1001"), intake, "按知识库当即答复。", article_id=article_id)


def test_answers_citing_an_article_become_suggestions_only_an_editor_makes_live(env):
    svc, u, ids, store = env
    ed = u("editor")
    work = ids["工伤认定申请"]
    t1 = _answer_citing(store, work, "干活时候手被机器压了，老板不管，电话13912345678")
    _answer_citing(store, work, "干活时候手被机器压了，老板不管，电话13912345678")     # the same words again
    _answer_citing(store, ids["居住证办理"], "外地来的在这儿住要办啥证")
    # nothing is live before an editor says so
    assert svc.get(ed, work).questions == ()
    with pytest.raises(PermissionDenied):
        svc.learn(u("agent1001"))
    rows = svc.suggestions(ed)
    assert [(r.article_id, r.text) for r in rows] == [
        (work, "干活时候手被机器压了，老板不管，电话139****5678"), (ids["居住证办理"], "外地来的在这儿住要办啥证")]
    assert rows[0].source == t1.serial
    assert svc.learn(ed) == 0 and len(svc.suggestions(ed)) == 2          # learnt once: idempotent
    accepted = svc.decide(ed, rows[0].id, accept=True)
    assert accepted.status == "accepted" and accepted.decided_by == "editor"
    assert svc.get(ed, work).questions == ("干活时候手被机器压了，老板不管，电话139****5678",)
    assert _top(svc, u, "干活时候手被机器压了老板不管") == ["工伤认定申请"]
    svc.decide(ed, rows[1].id, accept=False)
    with pytest.raises(IllegalTransition):
        svc.decide(ed, rows[1].id, accept=True)
    # the same words answered again later are not suggested again (accepted or rejected)
    _answer_citing(store, ids["居住证办理"], "外地来的在这儿住要办啥证")
    _answer_citing(store, work, "干活时候手被机器压了，老板不管，电话13912345678")
    assert svc.suggestions(ed) == []
    assert [e.action for e in store.audit.recent(3)][:2] == ["ticket.answer", "ticket.register"]
    assert {e.after["status"] for e in store.audit.by_action("kb.suggestion")} == {"accepted", "rejected"}
