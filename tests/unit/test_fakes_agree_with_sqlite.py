"""Keeps tests/fakes.py honest: the same scenarios through the real services on the in-memory
fakes and on the real SQLite store give the same results -- what each read returns, in what
order, which typed error each refusal raises, what a rolled-back transaction leaves behind,
and what the audit log holds. When a store changes its semantics, this fails until the fake
follows (or the difference is understood)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from backends.store import open_store
from hotline_tui.access import load_access
from hotline_tui.audit import AuditEntry
from hotline_tui.calls import CallbackService, CallbackTask, CallRecord, ShiftNote
from hotline_tui.calls_port import AgentPresence, CallbackAttempt
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.kb.factory import knowledge_service
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake
from tests.fakes import FakeStore


def attempt(fn):
    """What a call gives: its value, or the typed error it raised (type and one-line text)."""
    try:
        return ("ok", fn())
    except Exception as exc:  # noqa: BLE001 - the error is the result being compared
        return ("error", type(exc).__name__, str(exc))


def audit_rows(store) -> list[tuple]:
    return [dataclasses.astuple(e) for e in store.audit.recent(1000)]


def tickets_scenario(store) -> dict:
    clock = FixedClock("2026-11-23T09:00:00+08:00")
    svc = ticket_service(store, DEMO_DIR, clock)
    u = svc.access.user
    out: dict = {}
    a = svc.register(u("agent1001"), Intake("phone", "13812341234", "小区夜间施工噪音扰民", "complaint", caller_name="张三"))
    clock.advance(minutes=1)
    b = svc.register(u("agent1001"), Intake("phone", "13900001111", "公积金提取咨询 GJJ", "consult"))
    clock.advance(minutes=1)
    c = svc.register(u("agent1001"), Intake("wechat", "13812341234", "拖欠工资", "complaint"))
    svc.dispatch(u("handler"), a.serial, "ZJJ", co_departments=["CGJ"], note="转住建局")
    svc.dispatch(u("handler"), c.serial, "RSJ")
    clock.advance(minutes=5)
    svc.acknowledge(u("dept-zjj"), a.serial)
    svc.return_ticket(u("dept-rsj"), c.serial, "不属于我局职责")
    svc.redispatch(u("handler"), c.serial, "ZJJ")
    svc.urge(u("duty"), a.serial, "市民再次来电", "phone")
    svc.link(u("handler"), a.serial, c.serial)
    svc.answer(u("agent1001"), b.serial, "带身份证到公积金中心办理")
    svc.classify_caller(u("duty"), "13812341234", "elderly", name="张三")
    out["refusals"] = [
        attempt(lambda: svc.reply(u("dept-zjj"), c.serial, "done")),
        attempt(lambda: svc.dispatch(u("agent1001"), c.serial, "GJJ")),
        attempt(lambda: svc.triage(u("handler"), b.serial, expected_version=1)),
        attempt(lambda: svc.get(u("duty"), "20990101-000001")),
        attempt(lambda: store.tickets.update(store.tickets.get(a.serial), 99)),
    ]
    # a registration that fails inside its transaction (counter behind the stored tickets)
    # leaves no ticket, no audit entry and the counter where it was
    store.tickets.set_serial_counter(a.created_at.date(), 1)
    out["behind"] = attempt(lambda: svc.register(u("agent1001"), Intake("phone", "13812341234", "x", "consult")))
    store.tickets.set_serial_counter(a.created_at.date(), 3)
    out["fourth"] = svc.register(u("agent1001"), Intake("phone", "13812341234", "x", "consult")).serial

    reads = {}
    for minutes in (0, 20, 40, 24 * 60 * 8):
        clock.advance(minutes=minutes)
        reads[minutes] = ([(t.serial, light) for t, light in svc.overdue(u("duty"))], svc.overdue_counts(u("duty")),
                          [t.serial for t, _ in svc.overdue(u("duty"), light="red")])
    out["overdue"] = reads
    out["search"] = [[t.snapshot() for t in store.tickets.search(**f)] for f in (
        {}, {"state": "handling"}, {"department": "ZJJ"}, {"phone": "13812341234"}, {"text": "公积金"},
        {"category": "complaint", "limit": 1, "offset": 1})]
    out["by_state"] = store.tickets.count_by_state()
    out["notes"] = {t: store.tickets.notes(t) for t in (a.serial, b.serial, c.serial)}
    out["links"] = {t: store.tickets.links(t) for t in (a.serial, c.serial)}
    out["returns"] = store.tickets.return_stats()
    out["caller"] = store.tickets.caller("13812341234")
    out["escalated"] = svc.escalate(u("duty"))
    # the desk (issue 17): answer citing an article, register + dispatch, my tickets
    out["desk"] = (svc.register_and_answer(u("agent1001"), Intake("phone", "13812341234", "社保卡", "consult"), "答复",
                                           article_id=7).snapshot(),
                   svc.register_and_dispatch(u("handler"), Intake("phone", "13812341234", "噪音", "complaint"),
                                             "ZJJ").snapshot(),
                   attempt(lambda: svc.register_and_dispatch(u("agent1001"), Intake("phone", "1", "x", "consult"), "ZJJ")),
                   [t.serial for t in store.tickets.registered_by("agent1001", limit=3)],
                   [t.serial for t in store.tickets.registered_by("handler", since=clock.now())])
    out["audit"] = audit_rows(store)
    return out


def kb_scenario(store) -> dict:
    clock = FixedClock("2026-11-23T09:00:00+08:00")
    svc = knowledge_service(store, DEMO_DIR, clock)
    u = svc.access.user
    out: dict = {}
    ids = []
    for title, body, tags in (("社保卡丢失如何补办", "先拨打12333挂失，再到社保卡服务网点补办。", ["社保卡", "挂失"]),
                              ("社保卡激活", "新卡到银行网点激活金融功能。", ["社保卡"]),
                              ("公积金提取条件", "购房、租房可以提取住房公积金。", ["公积金"])):
        ids.append(svc.add(u("editor"), title=title, body=body, tags=tags).id)
        clock.advance(minutes=1)
    svc.publish(u("editor"), ids[0])
    svc.publish(u("editor"), ids[2])
    svc.edit(u("editor"), ids[0], expected_version=2, body="先挂失，再到任一社保卡服务网点补办，当场领卡。")
    out["refusals"] = [attempt(lambda: svc.edit(u("editor"), ids[0], expected_version=2, body="旧")),
                       attempt(lambda: svc.publish(u("editor"), ids[0])),
                       attempt(lambda: store.kb.update(dataclasses.replace(store.kb.get(ids[1]), id=999), 1)),
                       attempt(lambda: svc.import_items(u("editor"), [{"id": ids[1], "title": "改", "body": "改"},
                                                                      {"id": 999, "title": "x", "body": "y"}]))]
    out["searches"] = [[(h.id, h.title, h.score, h.snippet, h.snippet_spans) for h in svc.search(u("agent1001"), q)]
                       for q in ("社保卡", "shebaoka", "公积金提取", "不存在的事情")]
    out["drafts"] = [(h.id, h.score) for h in svc.search(u("editor"), "社保卡", include_drafts=True)]
    out["candidates"] = store.kb.candidates({"社保": 3, "保卡": 2, "公积": 1}, published_only=False, per_term=1, limit=5)
    svc.flag(u("agent1001"), "外籍人员居住证")
    svc.answer(u("editor"), svc.unanswered(u("editor"))[0].id, ids[2])
    out["questions"] = [dataclasses.astuple(q) for q in svc.unanswered(u("editor"), status=None)]
    out["import"] = svc.import_items(u("editor"), [{"title": "养犬登记", "body": "到辖区派出所办理。"}], publish=True)
    out["versions"] = [[(v.version, v.action, v.at, v.actor, v.article.snapshot()) for v in store.kb.versions(i)]
                       for i in ids]
    out["vocab"] = sorted(dataclasses.astuple(r) for r in store.kb.vocab_since(0)[0])
    out["vocab_meta"] = store.kb.vocab_since(10**9)
    out["reindex"] = svc.reindex(u("editor"))
    out["vocab_after"] = sorted(dataclasses.astuple(r) for r in store.kb.vocab_since(0)[0])
    out["export"] = svc.export_items(u("editor"))
    out["audit"] = [row for row in audit_rows(store)]
    return out


def calls_scenario(store) -> dict:
    clock = FixedClock("2026-11-23T10:30:00+08:00")
    t0 = clock.now().timestamp()
    access = load_access(DEMO_DIR)
    svc = CallbackService(store.calls, access, clock)
    out: dict = {}
    rec = lambda uuid, q, left, outcome="abandoned": CallRecord(uuid, "fs1", q, "138", "王", "", left - 30,  # noqa: E731
                                                                 None, left, outcome, 30.0)
    out["added"] = [store.calls.add_records([rec("m1", "q1", t0), rec("m2", "q2", t0 + 5), rec("m3", "q1", t0 + 5)]),
                    store.calls.add_records([rec("m1", "q1", t0), rec("m4", "q1", t0 + 9)])]
    out["records"] = [store.calls.records(t0), store.calls.records(t0 + 1, t0 + 9), store.calls.records(t0, queue="q1")]
    for n, (uuid, number, at) in enumerate((("m1", "138001", t0 + 60), ("m2", "138002", t0), ("m3", "138003", t0))):
        store.calls.add_callback(CallbackTask(0, uuid, "q1", number, "王", at, f"100{n}", "ignored", "ignored", 0.0))
    out["open_for"] = [store.calls.open_callback_for("138002"), store.calls.open_callback_for("139")]
    out["presence"] = [store.calls.save_presence([AgentPresence("fs1", a, "Available", t0) for a in ("1008", "1009")]
                                                 + [AgentPresence("fs2", "1008", "Logged Out", t0 - 9)]),
                       store.calls.save_presence([AgentPresence("fs1", "1009", "On Break", t0)]),
                       store.calls.presence()]
    out["moved"] = svc.reassign(access.user("lead1"), 1, "1009", expected_version=1)
    out["refusals"] = [attempt(lambda: svc.reassign(access.user("lead1"), 1, "1008", expected_version=1)),
                       attempt(lambda: svc.complete(access.user("agent1001"), 7)),
                       attempt(lambda: svc.reassign(access.user("agent1001"), 2, "1008"))]
    svc.complete(access.user("agent1001"), 2, "已回电")
    out["rr"] = [store.calls.add_callback(CallbackTask(0, "m9", "q1", "138009", "王", t0 + 70, "", "x", "", 0.0)),
                 store.calls.assign_callback(4, ["1009", "1008"], t0 + 71), store.calls.assign_callback(4, ["1008"], t0),
                 store.calls.callbacks("open", assigned_to="1008"), store.calls.callbacks("open", assigned_to="")]
    a1 = CallbackAttempt("abandoned", "4", 1, "1008", t0 + 80, "no_answer")
    task4 = store.calls.callback(4)
    bumped = dataclasses.replace(task4, attempts=1, due_at=t0 + 1880, version=task4.version + 1)
    entry4 = AuditEntry("agent1001", "callback.attempt", "callback", "4", clock.now(), clock.now(), None, {"r": 1})
    out["attempts"] = [store.calls.record_attempt(a1, bumped, task4.version, entry4),
                       store.calls.record_attempt(a1, bumped, task4.version, entry4),
                       store.calls.record_attempt(CallbackAttempt("ticket", "S1", 1, "1008", t0, "satisfied"), None, 0,
                                                  None),
                       store.calls.attempts("abandoned", ["4", "5"]), store.calls.attempts("ticket", ["S1"]),
                       store.calls.callback(4)]
    out["lists"] = [store.calls.callbacks("open"), store.calls.callbacks(None), store.calls.callbacks("done", limit=1)]
    entry = AuditEntry("lead1", "handover.note", "shift", "2026-11-23 早班", clock.now(), clock.now() + timedelta(seconds=1))
    out["note_ids"] = [store.calls.add_note(ShiftNote(0, "2026-11-23", "早班", "lead1", t0, text), entry)
                       for text in ("一", "二")]
    out["notes"] = [store.calls.notes("2026-11-23", "早班"), store.calls.notes("2026-11-23", "中班")]
    out["audit"] = audit_rows(store)
    return out


@pytest.mark.parametrize("scenario", [tickets_scenario, kb_scenario, calls_scenario], ids=["tickets", "kb", "calls"])
def test_the_fake_store_gives_what_the_sqlite_store_gives(scenario, tmp_path):
    real = open_store(str(tmp_path / "hotline.db"), migrate=True)
    try:
        expected = scenario(real)
    finally:
        real.close()
    got = scenario(FakeStore())
    assert got.keys() == expected.keys()
    for key in expected:
        assert got[key] == expected[key], key
