"""The hostile corpus through the CLI's text and JSON output: `tickets show`, `tickets list`,
`callers show`, `kb search`. No ESC, C0 (but the CLI's own newline) or C1 byte reaches the
output, invisible characters are shown, markup stays text, JSON stays JSON of the same value."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from backends.store import open_store
from hotline import cli
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.kb.factory import knowledge_service
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.model import Caller
from hotline_tui.tickets.service import Intake
from tests.hostile_text import CORPUS, STORABLE, assert_inert

NAMES = sorted(STORABLE)


def phone_of(i: int) -> str:
    return f"1381234{i:04d}"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    """A store with one ticket, caller and article per hostile value (stored as given)."""
    db = str(tmp_path_factory.mktemp("hostile") / "hostile.db")
    store = open_store(db, migrate=True)
    clock = FixedClock("2026-11-23T10:00:00+08:00")
    svc = ticket_service(store, DEMO_DIR, clock)
    agent = svc.access.user("agent1001")
    serials = {}
    for i, name in enumerate(NAMES):
        v = STORABLE[name]
        t = svc.register(agent, Intake("phone", phone_of(i), ("投诉" + v)[:4000], "consult", caller_name=v[:50],
                                       address=v[:200]))
        serials[name] = t.serial
        store.tickets.save_caller(Caller(phone_of(i), v[:50], "vip", v[:200]))
    kb = knowledge_service(store, DEMO_DIR, clock)
    editor = kb.access.user("editor")
    for name in NAMES:
        a = kb.add(editor, title=f"社保卡补办{STORABLE[name][:150]}", body=f"社保卡补办材料：{STORABLE[name]}")
        kb.publish(editor, a.id)
    store.close()
    return db, serials


def run(db: str, *args: str) -> str:
    r = CliRunner().invoke(cli, ["--db", db, *args], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


@pytest.mark.parametrize("name", NAMES)
def test_tickets_show_and_callers_show_text_are_inert(hostile_db, name):
    db, serials = hostile_db
    i = NAMES.index(name)
    for out in (run(db, "tickets", "show", serials[name], "--as", "duty"),
                run(db, "callers", "show", phone_of(i), "--as", "duty")):
        assert_inert(out, where=name)
        assert serials[name] in out
    if name.startswith("markup"):
        assert STORABLE[name][:20] in run(db, "tickets", "show", serials[name], "--as", "duty")


def test_a_zero_width_name_is_visible(hostile_db):
    db, _ = hostile_db
    out = run(db, "callers", "show", phone_of(NAMES.index("zero_width_name")), "--as", "duty")
    first = out.splitlines()[0]
    assert "⟨U+200B⟩⟨U+200B⟩⟨U+200B⟩" in first and "\u200b" not in out


def test_tickets_list_and_kb_search_text_are_inert(hostile_db):
    db, _ = hostile_db
    listed = run(db, "tickets", "list", "--limit", "100", "--as", "duty")
    assert_inert(listed, where="tickets list")
    assert listed.count("\n") == len(NAMES)                  # one ticket, one line: no newline got through
    found = run(db, "kb", "search", "社保卡补办", "--limit", "30", "--as", "agent1001")
    assert_inert(found, where="kb search")
    assert "⟨U+202E⟩" in found and "\\x1b" in found


@pytest.mark.parametrize("name", NAMES)
def test_json_output_is_valid_json_of_the_stored_value_and_inert(hostile_db, name):
    db, serials = hostile_db
    out = run(db, "tickets", "show", serials[name], "--json", "--as", "duty")
    assert_inert(out, where=name)
    shown = json.loads(out)
    assert shown["ticket"]["caller_name"] == STORABLE[name][:50]
    assert shown["ticket"]["content"] == ("投诉" + STORABLE[name])[:4000]


def test_click_usage_errors_quote_a_hostile_value_escaped(hostile_db):
    db, _ = hostile_db
    r = CliRunner().invoke(cli, ["--db", db, "tickets", "overdue", "--light", CORPUS["csi_clear_screen"]])
    assert r.exit_code == 2 and "\\x1b[2J" in r.output
    assert_inert(r.output, where="usage error")
    r = CliRunner().invoke(cli, ["--db", db, "tickets", "show", CORPUS["osc52_clipboard"], "--as", "duty"])
    assert r.exit_code != 0 and r.output.count("\n") == 1
    assert_inert(r.output, where="not found")
