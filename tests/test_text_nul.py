"""Text with NUL is refused at the service boundary with one line naming the field, the same on
SQLite and PostgreSQL, and one bad record never loses the others of its batch (issue 14)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from hotline_tui import switch as sw
from hotline_tui.calls import CallbackAssigner, CallRecorder
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import DataRejected, StoreUnavailable, ValidationError
from hotline_tui.kb.factory import knowledge_service
from hotline_tui.kb.formats import read_items
from hotline_tui.kpi import CallOutcome, KpiSettings
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake
from tests.hostile_text import CORPUS

T = 1795402800.0
NUL_NAME = "李\x00四"        # what a caller name with %00 becomes once url-decoded


def abandoned(i: int, name: str = "王女士") -> tuple[CallOutcome, sw.MemberLeft]:
    joined, at = T + i, T + i + 60
    e = sw.MemberLeft("fs1", at, "general@12345", f"m{i}", f"s-m{i}", "Cancel", joined, at, "BREAK_OUT", "", 0.0,
                      f"1380000{i:04d}", name)
    return CallOutcome(e.queue, joined, at, False, 60.0, 0.0, True, ""), e


def ten_calls(rec: CallRecorder, bad_at: int = 4) -> None:
    for i in range(10):
        rec(*abandoned(i, NUL_NAME if i == bad_at else "王女士"))


def test_one_nul_caller_name_loses_only_its_own_record_and_task(store):
    rec = CallRecorder(store.calls, KpiSettings(), CallbackAssigner(lambda: ["1001", "1002"]))
    ten_calls(rec)
    with pytest.raises(ValidationError) as exc:
        rec.flush()
    msg = str(exc.value)
    assert "1 of 10" in msg and "call record m4: caller_name: contains a NUL" in msg
    assert "\x00" not in msg and "\n" not in msg
    rows = store.calls.records(T - 1)
    assert sorted(r.member_uuid for r in rows) == sorted(f"m{i}" for i in range(10) if i != 4)
    tasks = store.calls.callbacks()
    assert len(tasks) == 9 and "13800000004" not in {t.caller_number for t in tasks}
    assert rec.written == 9 and rec.callbacks_created == 9 and list(rec.rejected) == [msg.split("first: ", 1)[1]]
    assert rec.flush() == 0           # nothing queued again


class _RefusingStore:
    """The real call store, but one whose database refuses a value of member ``m7`` (as
    PostgreSQL refuses a NUL): the whole batch statement fails, single writes of the others do not."""

    def __init__(self, inner, unavailable_once: bool = False):
        self.inner, self.unavailable_once = inner, unavailable_once

    def add_records(self, records):
        if self.unavailable_once:
            self.unavailable_once = False
            raise StoreUnavailable("test", "server closed the connection")
        if any(r.member_uuid == "m7" for r in records):
            raise DataRejected("test", "invalid byte sequence")
        return self.inner.add_records(records)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_a_batch_the_database_refuses_is_written_one_by_one(store):
    rec = CallRecorder(_RefusingStore(store.calls), KpiSettings(), CallbackAssigner(lambda: ["1001"]))
    for i in range(10):
        rec(*abandoned(i))
    with pytest.raises(ValidationError, match=r"1 of 10 .*call record m7: .*invalid byte sequence"):
        rec.flush()
    assert sorted(r.member_uuid for r in store.calls.records(T - 1)) == sorted(f"m{i}" for i in range(10) if i != 7)
    assert len(store.calls.callbacks()) == 9


def test_calls_wait_in_the_queue_while_the_store_is_unavailable(store):
    rec = CallRecorder(_RefusingStore(store.calls, unavailable_once=True), KpiSettings())
    for i in range(3):
        rec(*abandoned(i))
    with pytest.raises(StoreUnavailable):
        rec.flush()
    assert store.calls.records(T - 1) == []
    assert rec.flush() == 3 and len(store.calls.records(T - 1)) == 3


def test_ticket_text_with_nul_is_refused_naming_the_field(store):
    clock = FixedClock("2026-11-23T10:00:00+08:00")
    svc = ticket_service(store, DEMO_DIR, clock)
    agent = svc.access.user("agent1001")
    for field, intake in (("content", Intake("phone", "13812341234", "噪音\x00扰民", "consult")),
                          ("caller_name", Intake("phone", "13812341234", "噪音扰民", "consult", caller_name=NUL_NAME))):
        with pytest.raises(ValidationError, match=rf"^{field}: contains a NUL"):
            svc.register(agent, intake)
    assert svc.search(svc.access.user("duty"), limit=10) == []
    t = svc.register(agent, Intake("phone", "13812341234", "噪音扰民", "consult"))
    with pytest.raises(ValidationError, match=r"^note: contains a NUL"):
        svc.supplement(svc.access.user("duty"), t.serial, "补充\x00说明")
    with pytest.raises(ValidationError, match=r"^answer: contains a NUL"):
        svc.register_and_answer(agent, Intake("phone", "13812341234", "问", "consult"), "答\x00")
    assert store.tickets.get(t.serial).version == t.version and store.tickets.notes(t.serial) == []
    with pytest.raises(ValidationError, match=r"^name: contains a NUL"):
        svc.classify_caller(svc.access.user("duty"), "13812341234", "vip", name=NUL_NAME)
    assert store.tickets.caller("13812341234") is None


def _kb_items(tmp_path, bad_at: int | None):
    items = [{"title": f"条目{i}", "body": f"正文{i}" if i != bad_at else "正文\x00坏"} for i in range(10)]
    p = tmp_path / "kb.json"
    p.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return p


def test_kb_import_with_nul_is_one_line_and_the_same_on_both_stores(store, tmp_path):
    svc = knowledge_service(store, DEMO_DIR, FixedClock("2026-11-23T09:00:00+08:00"))
    editor = svc.access.user("editor")
    path = _kb_items(tmp_path, bad_at=3)
    with pytest.raises(ValidationError, match=r"^kb.json\[4\]: body: contains a NUL"):
        svc.import_items(editor, read_items(path))
    assert svc.export_items(editor) == []           # the default: fix the file, import it again
    counts = svc.import_items(editor, read_items(path), skip_bad=True)
    assert counts["added"] == 9 and counts["updated"] == 0 and len(counts["refused"]) == 1
    assert counts["refused"][0].startswith("kb.json[4]: body: contains a NUL")
    assert sorted(a["title"] for a in svc.export_items(editor)) == sorted(f"条目{i}" for i in range(10) if i != 3)
    with pytest.raises(ValidationError, match=r"^title: contains a NUL"):
        svc.add(editor, title="标题\x00", body="正文")
    with pytest.raises(ValidationError, match=r"^query: contains a NUL"):
        svc.search(editor, "社保\x00")
    with pytest.raises(ValidationError, match=r"^question: contains a NUL"):
        svc.flag(svc.access.user("agent1001"), "怎么\x00办")


def test_kb_import_cli_skip_bad_prints_the_refused_item_and_imports_the_rest(db_target, tmp_path):
    from hotline import cli
    runner = CliRunner()

    def go(*args):
        return runner.invoke(cli, ["--db", db_target, *args], catch_exceptions=False)
    assert go("db", "migrate").exit_code == 0
    path = _kb_items(tmp_path, bad_at=0)
    r = go("kb", "import", str(path), "--as", "editor")
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "kb.json[1]: body: contains a NUL" in r.output
    r = go("kb", "import", str(path), "--skip-bad", "--as", "editor")
    assert r.exit_code == 2 and "added 9, updated 0, unchanged 0, refused 1" in r.output
    assert "refused: kb.json[1]: body: contains a NUL" in r.output and "\x00" not in r.output
    assert CORPUS["nul"] not in r.output
