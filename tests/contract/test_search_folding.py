"""Text search folds case and width the same way on both stores (``hotline_tui.textfold``:
NFKC + case folding): ``wifi`` finds ``WIFI`` and ``ｗｉｆｉ``, ``app`` finds ``ＡＰＰ``,
``123`` finds full-width ``１２３`` -- and each the other way round. Before, SQLite folded
ASCII only and PostgreSQL nothing. The knowledge search folds its query and its index with
one function too (``kb.terms.norm``), which agrees with ``textfold.fold`` wherever it folds."""

from __future__ import annotations

import sys

import pytest

from backends.schema.tickets import backfill_search_fold
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.kb.factory import knowledge_service
from hotline_tui.kb.terms import norm
from hotline_tui.textfold import fold, fold_fields, fold_query
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake

CLOCK = "2026-11-23T09:00:00+08:00"

#: (stored text, queries that must find it)
PAIRS = [
    ("小区WIFI信号差", ("wifi", "WIFI", "ｗｉｆｉ", "WiFi")),
    ("小区wifi信号差", ("WIFI", "ｗｉｆｉ")),
    ("小区ｗｉｆｉ信号差", ("wifi", "WIFI")),
    ("政务ＡＰＰ无法登录", ("app", "APP", "App")),
    ("政务app无法登录", ("ＡＰＰ", "ａｐｐ")),
    ("工单１２３号未处理", ("123",)),
    ("工单123号未处理", ("１２３",)),
]


def _intake(content: str, **kw) -> Intake:
    return Intake(channel="phone", caller_phone="13812341234", content=content, category="consult", **kw)


@pytest.fixture
def tickets(store):
    svc = ticket_service(store, DEMO_DIR, FixedClock(CLOCK))
    return svc, svc.access.user


@pytest.mark.parametrize("stored,queries", PAIRS, ids=[p[0] for p in PAIRS])
def test_ticket_text_search_folds_case_and_width(tickets, stored, queries):
    svc, u = tickets
    hit = svc.register(u("agent1001"), _intake(stored))
    svc.register(u("agent1001"), _intake("与此无关的诉求"))
    for q in queries:
        found = [t.serial for t in svc.search(u("duty"), text=q)]
        assert found == [hit.serial], (q, found)
        assert svc.count(u("duty"), text=q) == 1


def test_name_and_address_are_searched_folded_too(tickets):
    svc, u = tickets
    t = svc.register(u("agent1001"), _intake("路灯不亮", caller_name="ZHANG Wei", address="ＸＸ路12号"))
    for q in ("zhang wei", "ｚｈａｎｇ", "xx路", "XX路12"):
        assert [x.serial for x in svc.search(u("duty"), text=q)] == [t.serial], q
    # a match lies inside one field, never across two
    assert svc.search(u("duty"), text="亮zhang") == []


def test_like_wildcards_in_a_query_are_literal(tickets):
    svc, u = tickets
    pct = svc.register(u("agent1001"), _intake("涨价100%"))
    svc.register(u("agent1001"), _intake("涨价1000元"))
    assert [t.serial for t in svc.search(u("duty"), text="100%")] == [pct.serial]
    assert svc.search(u("duty"), text="_") == []


def test_an_edit_refolds(tickets, store):
    svc, u = tickets
    t = svc.register(u("agent1001"), _intake("ＷＩＦＩ"))
    svc.dispatch(u("duty"), t.serial, "DXYYS")          # an update rewrites the folded column
    assert [x.serial for x in svc.search(u("duty"), text="wifi")] == [t.serial]


def test_the_migration_backfills_existing_tickets(tickets, store):
    svc, u = tickets
    t = svc.register(u("agent1001"), _intake("政务ＡＰＰ"))
    store.db.execute("UPDATE tickets SET search_fold = ''")             # as a v1 row looked
    assert svc.search(u("duty"), text="app") == []
    with store.db.tx():
        assert backfill_search_fold(store.db, batch=1) == 1
    assert [x.serial for x in svc.search(u("duty"), text="app")] == [t.serial]


# -- the knowledge search ---------------------------------------------------------------------
KB = [("小区WIFI覆盖怎么申请", "公共区域的ＷＩＦＩ由街道统一申请。"),
      ("政务ＡＰＰ登录失败", "请先在政务app实名认证。"),
      ("热线１２３４５受理范围", "12345 受理咨询、投诉、求助。")]


@pytest.fixture
def kb(store):
    svc = knowledge_service(store, DEMO_DIR, FixedClock(CLOCK))
    editor = svc.access.user("editor")
    for title, body in KB:
        a = svc.add(editor, title=title, body=body)
        svc.publish(editor, a.id)
    return svc, svc.access.user("agent1001")


@pytest.mark.parametrize("query,title", [
    ("wifi", KB[0][0]), ("WIFI", KB[0][0]), ("ｗｉｆｉ", KB[0][0]),
    ("app", KB[1][0]), ("ＡＰＰ", KB[1][0]), ("APP", KB[1][0]),
    ("12345", KB[2][0]), ("１２３４５", KB[2][0]),
])
def test_knowledge_search_folds_case_and_width(kb, query, title):
    svc, agent = kb
    hits = svc.search(agent, query)
    assert hits and hits[0].title == title, (query, [h.title for h in hits])


# -- one folding --------------------------------------------------------------------------------
def test_fold_is_nfkc_casefold():
    assert fold("ＷｉＦｉ") == fold("WIFI") == "wifi"
    assert fold("１２３") == "123" and fold("ＡＰＰ") == "app" and fold("Straße") == "strasse"
    assert fold("\u3000") == " " and fold("社保") == "社保"
    assert fold("\uf900") == "\u8c48"                     # a CJK compatibility ideograph
    assert fold_query("  ｗｉｆｉ\n") == "wifi"
    assert fold_fields("A\nB", "C") == "a b\nc"


def test_the_knowledge_folding_agrees_with_textfold_wherever_it_folds():
    changed = [c for c in map(chr, range(sys.maxunicode + 1)) if not 0xD800 <= ord(c) <= 0xDFFF and norm(c) != c]
    assert len(changed) > 100                                # A-Z, full-width forms, ideographic space
    assert [c for c in changed if fold(c) != norm(c)] == []
