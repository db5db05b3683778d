"""The knowledge base through KnowledgeService on both stores (SQLite and PostgreSQL)."""

import csv
import json
from datetime import date

import pytest

from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ConflictError, IllegalTransition, NotFound, PermissionDenied, ValidationError
from hotline_tui.kb.factory import knowledge_service
from hotline_tui.kb.formats import read_items, write_items
from hotline_tui.kb.sample import SAMPLE
from hotline_tui.tickets.model import Ticket

#: query -> title expected first. Chinese, pinyin, initials, typos, synonyms, partial words.
QUERIES = {
    "社保卡丢了": "社保卡丢失如何补办",
    "shebaoka": "社保卡丢失如何补办",
    "sbk": "社保卡丢失如何补办",
    "社宝卡": "社保卡丢失如何补办",
    "gongjijin tiqu": "住房公积金提取条件和材料",
    "gjj 提取": "住房公积金提取条件和材料",
    "gongjjin daikuan": "公积金贷款额度怎么计算",
    "公积金贷款": "公积金贷款额度怎么计算",
    "医保 门诊报销": "医疗保险门诊报销比例",
    "yidi jiuyi": "医保异地就医备案办理",
    "jiazhao": "驾驶证到期换证",
    "户籍迁移": "户口迁移需要哪些材料",
    "夜间施工": "夜间施工噪音扰民怎么投诉",
    "噪声扰民": "夜间施工噪音扰民怎么投诉",
    "失业金": "失业保险金申领条件",
    "讨薪": "拖欠工资如何维权",
    "etc": "ETC办理和注销",
    "12315": "消费者投诉举报渠道",
    "低保申请": "最低生活保障申请",
    "暖气费": "供暖费缴纳时间和标准",
    "营业执": "营业执照办理流程",
    "wangyueche": "网约车投诉处理流程",
}


@pytest.fixture
def env(store):
    clock = FixedClock("2026-11-23T09:00:00+08:00")
    svc = knowledge_service(store, DEMO_DIR, clock)
    return svc, clock, svc.access.user, store


@pytest.fixture
def corpus(env):
    svc, clock, u, store = env
    svc.import_items(u("editor"), [dict(a) for a in SAMPLE], publish=True)
    return env


def _titles(hits):
    return [h.title for h in hits]


def test_life_cycle_versions_and_audit(env):
    svc, clock, u, store = env
    ed = u("editor")
    a = svc.add(ed, title="社保卡挂失", body="拨打12333挂失。", department="RSJ", category="社会保障", tags=["社保卡"])
    assert (a.status, a.version) == ("draft", 1)
    with pytest.raises(NotFound):
        svc.get(u("agent1001"), a.id)                       # drafts are for editors
    clock.advance(minutes=5)
    a = svc.edit(ed, a.id, 1, body="拨打12333或到网点挂失。")
    a = svc.publish(ed, a.id, 2)
    assert svc.get(u("agent1001"), a.id).body == "拨打12333或到网点挂失。"
    a = svc.retire(ed, a.id, 3)
    assert [(v.version, v.action, v.article.status) for v in svc.history(ed, a.id)] == [
        (1, "add", "draft"), (2, "edit", "draft"), (3, "publish", "published"), (4, "retire", "retired")]
    assert svc.history(ed, a.id)[0].article.body == "拨打12333挂失。"
    actions = [e.action for e in store.audit.for_subject("article", str(a.id))]
    assert actions == ["kb.add", "kb.edit", "kb.publish", "kb.retire"]
    assert store.audit.for_subject("article", str(a.id))[1].before["body"] == "拨打12333挂失。"


def test_conflict_transition_and_permission_change_nothing(env):
    svc, clock, u, store = env
    ed = u("editor")
    a = svc.add(ed, title="居住证", body="半年以上。")
    svc.edit(ed, a.id, 1, title="居住证办理")
    with pytest.raises(ConflictError):
        svc.edit(ed, a.id, 1, title="stale")
    with pytest.raises(IllegalTransition):
        svc.retire(ed, a.id, 2) and svc.retire(ed, a.id, 3)
    with pytest.raises(PermissionDenied):
        svc.edit(u("agent1001"), a.id, None, title="agent")
    with pytest.raises(PermissionDenied):
        svc.add(u("agent1001"), title="x", body="y")
    with pytest.raises(ValidationError):
        svc.edit(ed, a.id, 3, valid_from="2026-12-01", valid_to="2026-11-01")
    cur = svc.get(ed, a.id)
    assert (cur.title, cur.version, cur.status) == ("居住证办理", 3, "retired")
    assert len(svc.history(ed, a.id)) == 3
    with pytest.raises(IllegalTransition, match="cannot retire a article in state 'retired'"):
        svc.retire(ed, a.id, 3)
    assert svc.get(ed, a.id).version == 3


@pytest.mark.parametrize("query,title", sorted(QUERIES.items()))
def test_search_finds_what_the_caller_means(corpus, query, title):
    svc, clock, u, store = corpus
    hits = svc.search(u("agent1001"), query, limit=5)
    assert hits and hits[0].title == title, (query, _titles(hits), svc.plan(query).segments)


def test_search_ranking_prefers_current_and_title(corpus):
    svc, clock, u, store = corpus
    ed = u("editor")
    old = svc.add(ed, title="社保卡补办（旧）", body="社保卡补办旧流程。", valid_to="2025-12-31", tags=["社保卡"])
    svc.publish(ed, old.id, 1)
    hits = svc.search(u("agent1001"), "社保卡补办", limit=5)
    assert hits[0].title == "社保卡丢失如何补办"
    assert old.id in [h.id for h in hits]                       # found, but after the current one
    draft = svc.add(ed, title="社保卡补办新规（草稿）", body="草稿。")
    assert draft.id not in [h.id for h in svc.search(u("agent1001"), "社保卡补办新规")]
    assert draft.id == svc.search(ed, "社保卡补办新规", include_drafts=True)[0].id
    with pytest.raises(PermissionDenied):
        svc.search(u("agent1001"), "社保", include_drafts=True)


def test_highlight_spans_point_at_matched_text(corpus):
    svc, clock, u, store = corpus
    h = svc.search(u("agent1001"), "shebaoka", limit=1)[0]
    assert [h.title[a:b] for a, b in h.title_spans] == ["社保卡"]
    assert h.snippet_spans and all(h.snippet[a:b] in ("社保卡", "社保") for a, b in h.snippet_spans)


def test_same_ranking_on_both_stores(sqlite_path, pg_dsn):
    from backends.store import open_store

    results = []
    for target in (sqlite_path, pg_dsn):
        s = open_store(target, migrate=True)
        svc = knowledge_service(s, DEMO_DIR, FixedClock("2026-11-23T09:00:00+08:00"))
        svc.import_items(svc.access.user("editor"), [dict(a) for a in SAMPLE], publish=True)
        results.append({q: [(h.id, h.score, h.snippet, h.snippet_spans) for h in svc.search(svc.access.user("duty"), q, limit=10)]
                        for q in [*QUERIES, "办理", "投诉", "sb", "xx", "怎么办"]})
        s.close()
    assert results[0] == results[1]


def test_unanswered_recorded_counted_and_answered(corpus):
    svc, clock, u, store = corpus
    ag, ed = u("agent1001"), u("editor")
    assert svc.search(ag, "宠物狗 办证") == []
    svc.search(ag, "宠物狗办证！")                            # same question, other punctuation
    svc.search(ag, "社保卡丢了")                               # found: not recorded
    q = svc.flag(ag, "外籍人员怎么办居住证")
    open_ = svc.unanswered(ed)
    assert [(x.text, x.count, x.source) for x in open_] == [("宠物狗 办证", 2, "search"), ("外籍人员怎么办居住证", 1, "flag")]
    with pytest.raises(PermissionDenied):
        svc.answer(ag, q.id, 1)
    a = svc.add(ed, title="宠物犬办证流程", body="到派出所办理养犬登记证。")
    svc.answer(ed, open_[0].id, a.id)
    assert [x.text for x in svc.unanswered(ed)] == ["外籍人员怎么办居住证"]
    assert svc.unanswered(ed, "answered")[0].article_id == a.id
    svc.dismiss(ed, q.id)
    assert svc.unanswered(ed) == []


def test_draft_from_archived_ticket(env):
    svc, clock, u, store = env
    t = Ticket("20261120-000001", clock.now(), "phone", "13812341234", "孩子入学需要什么材料？我电话13812341234",
               "consult", state="archived", department="JYJ", reply="户口簿、房产证明、预防接种证。")
    a = svc.draft_from_ticket(u("editor"), t)
    assert a.status == "draft" and a.title == "孩子入学需要什么材料"
    assert "13812341234" not in a.body and "138****1234" in a.body and "预防接种证" in a.body
    t.state = "handling"
    with pytest.raises(IllegalTransition):
        svc.draft_from_ticket(u("editor"), t)


@pytest.mark.parametrize("fmt", ["json", "csv", "md"])
def test_import_export_round_trip(env, tmp_path, fmt):
    svc, clock, u, store = env
    ed = u("editor")
    svc.import_items(ed, [dict(a) for a in SAMPLE[:5]], publish=True)
    path = tmp_path / ("out" if fmt == "md" else f"out.{fmt}")
    write_items(path, svc.export_items(ed))
    items = read_items(path)
    assert [(i["title"], i["body"], list(i["tags"]) if not isinstance(i["tags"], str) else i["tags"]) for i in items][0][:2] \
        == (SAMPLE[0]["title"], SAMPLE[0]["body"])
    for i in items:
        i["body"] += "（已更新）"
    assert svc.import_items(ed, items) == {"added": 0, "updated": 5, "unchanged": 0}
    after = svc.export_items(ed)
    assert [a["body"] for a in after] == [s["body"] + "（已更新）" for s in SAMPLE[:5]]
    assert [a["tags"] for a in after] == [s["tags"] for s in SAMPLE[:5]]
    assert all(a["version"] == 2 for a in after)


def test_malformed_import_imports_nothing(env, tmp_path):
    svc, clock, u, store = env
    bad = tmp_path / "kb.csv"
    with bad.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "body", "department", "category", "tags"])
        w.writerow(["好的", "正文", "RSJ", "社保", "a b"])
        w.writerow(["", "没有标题", "RSJ", "社保", ""])
    with pytest.raises(ValidationError, match=r"kb.csv:3: title: is required"):
        svc.import_items(u("editor"), read_items(bad))
    (tmp_path / "kb.json").write_text(json.dumps([{"title": "a", "body": "b"}, {"title": "c", "body": "d", "valid_to": "soon"}]))
    with pytest.raises(ValidationError, match=r"kb.json\[2\]: valid_to"):
        svc.import_items(u("editor"), read_items(tmp_path / "kb.json"))
    with pytest.raises(NotFound):
        svc.import_items(u("editor"), [{"title": "a", "body": "b"}, {"id": 999, "title": "c", "body": "d"}])
    assert svc.export_items(u("editor")) == []
    assert svc.search(u("editor"), "好的", include_drafts=True, record=False) == []


def test_markup_escapes_and_sql_are_plain_text(env):
    svc, clock, u, store = env
    ed = u("editor")
    nasty = "[bold red]警告[/] \x1b[2J'; DROP TABLE kb_terms; -- 100% _x_"
    a = svc.add(ed, title=nasty, body="正文 ' \" % _ \\ [link](x)", tags=["[i]", "a'b"])
    svc.publish(ed, a.id, 1)
    assert svc.get(ed, a.id).title == nasty
    hits = svc.search(u("agent1001"), "'; DROP TABLE kb_terms; --")
    assert hits[0].id == a.id and hits[0].title == nasty
    assert svc.search(u("agent1001"), "[bold red]警告")[0].id == a.id
    assert svc.search(u("agent1001"), "100%")[0].id == a.id


def test_article_indexed_in_the_old_line_format_is_rewritten_exactly(env):
    # Stores written before the JSON form keep "term<TAB>weight<TAB>keyword?" lines; the next
    # rewrite must delete exactly those postings and keep the vocabulary counts right.
    svc, clock, u, store = env
    ed = u("editor")
    a = svc.add(ed, title="社保卡挂失", body="拨打12333挂失。")
    db = store.kb.db
    blob = db.query_one("SELECT terms FROM kb_articles WHERE id = :id", {"id": a.id})["terms"]
    terms, kw = json.loads(blob)
    old = "\n".join(f"{t}\t{w}\t{int(t in kw)}" for t, w in sorted(terms.items()))
    db.execute("UPDATE kb_articles SET terms = :b WHERE id = :id", {"b": old, "id": a.id})
    svc.edit(ed, a.id, 1, title="居住证办理", body="半年以上。")
    rows = db.query("SELECT term FROM kb_terms WHERE article_id = :id", {"id": a.id})
    assert "社保" not in {r["term"] for r in rows} and "居住" in {r["term"] for r in rows}
    df = {r["term"]: r["df"] for r in db.query("SELECT term, df FROM kb_vocab WHERE term IN ('社保', '居住', '挂失')")}
    assert df == {"社保": 0, "居住": 1, "挂失": 0}


def test_copy_rows_appends_in_the_transaction_and_checks_identifiers(store):
    db = store.kb.db
    db.execute("CREATE TABLE copy_probe (term TEXT, n INTEGER, note TEXT)")
    rows = [("社保", 1, "a\tb\\c"), ("x'y", 2, None), ("%s", 3, "\n")]
    with pytest.raises(RuntimeError):
        with db.tx():
            assert db.copy_rows("copy_probe", ("term", "n", "note"), iter(rows)) == 3
            raise RuntimeError("roll back")
    assert db.query("SELECT COUNT(*) AS c FROM copy_probe")[0]["c"] == 0
    with db.tx():
        db.copy_rows("copy_probe", ("term", "n", "note"), rows)
    assert [tuple(r.values()) for r in db.query("SELECT term, n, note FROM copy_probe ORDER BY n")] == rows
    with pytest.raises(ValueError, match="not an SQL identifier"):
        db.copy_rows("copy_probe; DROP TABLE kb_terms", ("term",), [("a",)])


def test_exact_phrase_ranks_first_and_initials_read_words_articles_have(env):
    # Two regressions on the demo knowledge base: a quoted phrase deep in a body (past the
    # indexed-terms cap) and initials whose chained pairs spell a "word" no article has.
    from hotline_tui.demo.kb import demo_articles

    svc, clock, u, store = env
    svc.import_items(u("editor"), demo_articles(), publish=True)
    ag = u("agent1001")
    assert _titles(svc.search(ag, "交房即交证", limit=5, record=False))[0] == "新建商品房首次登记和分户办证"
    assert "高龄补贴申领" in _titles(svc.search(ag, "hlbt", limit=5, record=False))
    assert _titles(svc.search(ag, "社会保障卡", limit=3, record=False))[0].startswith(("社保卡", "第三代社保卡"))


def test_reindex_turns_an_old_index_into_what_an_import_writes(env, tmp_path):
    # A store indexed by an older version (here: a stray single-character posting, a stale
    # vocabulary count, a missing posting) holds, after reindex, exactly what a fresh import
    # writes — compared with a fresh SQLite store, so on PostgreSQL also across stores.
    from backends.store import open_store

    def load(svc):
        ed = svc.access.user("editor")
        svc.import_items(ed, [dict(a) for a in SAMPLE[:10]], publish=True)
        return svc.add(ed, title="养犬登记", body="到派出所办理。")

    def snapshot(s):
        d = s.kb.db
        return (sorted(tuple(r.values()) for r in d.query("SELECT term, pub, weight, article_id FROM kb_terms")),
                sorted(tuple(r.values()) for r in d.query("SELECT term, df, kdf, py FROM kb_vocab WHERE df > 0")),
                d.query_one("SELECT value FROM kb_meta WHERE key = 'articles'")["value"])

    svc, clock, u, store = env
    draft = load(svc)
    db = store.kb.db
    first = db.query_one("SELECT MIN(id) AS i FROM kb_articles")["i"]
    with db.tx():
        db.execute("INSERT INTO kb_terms (term, pub, weight, article_id) VALUES ('社', 1, 10, :a)", {"a": first})
        db.execute("DELETE FROM kb_terms WHERE article_id = :a AND term = '补办'", {"a": first})
        db.execute("UPDATE kb_vocab SET df = df + 7 WHERE term = '社保'")
    stale = snapshot(store)
    other = open_store(str(tmp_path / "fresh.db"), migrate=True)
    load(knowledge_service(other, DEMO_DIR, FixedClock("2026-11-23T09:00:00+08:00")))
    assert stale != snapshot(other)
    assert svc.reindex(u("editor")) == 11
    assert snapshot(store) == snapshot(other)
    other.close()
    with pytest.raises(PermissionDenied):
        svc.reindex(u("agent1001"))
    assert svc.search(u("agent1001"), "社保卡丢了", limit=1, record=False)[0].title == "社保卡丢失如何补办"
    assert draft.id not in [h.id for h in svc.search(u("agent1001"), "养犬登记", record=False)]
    assert [e.action for e in store.audit.for_subject("article", "*")][-1] == "kb.reindex"


def test_copy_rows_writes_plain_blocks_and_values_that_need_care_alike(store):
    db = store.kb.db
    db.execute("CREATE TABLE copy_plain (term TEXT, n INTEGER, x DOUBLE PRECISION, flag BOOLEAN)")
    plain = [(f"社保{i}", i, i / 4, True) for i in range(3)]
    careful = [("None", 7, 0.5, None), ("a\\b", 8, 1.5, False)]
    with db.tx():
        db.copy_rows("copy_plain", ("term", "n", "x"), [r[:3] for r in plain])
        db.copy_rows("copy_plain", ("term", "n", "x", "flag"), careful)
    got = [tuple(r.values()) for r in db.query("SELECT term, n, x, flag FROM copy_plain ORDER BY n")]
    assert [(t, n, x) for t, n, x, _ in got] == [r[:3] for r in plain + careful]
    assert [bool(f) if f is not None else None for *_, f in got[3:]] == [None, False]


def test_vacuum_analyze_runs_on_postgresql_outside_a_transaction_only(store):
    db = store.kb.db
    with db.tx():
        assert db.vacuum_analyze("kb_terms") is False          # VACUUM cannot run in a transaction
    assert db.vacuum_analyze("kb_terms") is (db.dialect == "postgres")
    with pytest.raises(ValueError):
        db.vacuum_analyze("kb_terms; DROP TABLE kb_terms")
