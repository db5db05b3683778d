"""The ticket CLI end to end on a real SQLite file: JSON reads, one-line errors, exit codes."""

import json

import pytest
from click.testing import CliRunner

from hotline import cli


@pytest.fixture
def run(tmp_path):
    db = str(tmp_path / "cli.db")
    runner = CliRunner()

    def go(*args):
        return runner.invoke(cli, ["--db", db, *args], catch_exceptions=False)
    assert go("db", "migrate").exit_code == 0
    return go


def test_life_cycle_from_the_shell(run):
    r = run("tickets", "new", "--phone", "13812341234", "--content", "公积金提取咨询", "--category", "policy",
            "--name", "王五", "--json", "--as", "agent1001")
    assert r.exit_code == 0, r.output
    serial = json.loads(r.output)["serial"]
    assert run("tickets", "dispatch", serial, "--department", "GJJ", "--as", "handler").exit_code == 0
    assert run("tickets", "ack", serial, "--as", "dept-gjj").exit_code == 0
    r = run("tickets", "urge", serial, "--note", "市民再次来电", "--channel", "phone", "--json")
    assert json.loads(r.output)["urges"] == 1
    shown = json.loads(run("tickets", "show", serial, "--json").output)
    assert shown["ticket"]["state"] == "handling"
    assert [a["action"] for a in shown["audit"]] == ["ticket.register", "ticket.dispatch", "ticket.ack", "ticket.urge"]
    listed = json.loads(run("tickets", "list", "--department", "GJJ", "--json").output)
    assert [t["serial"] for t in listed] == [serial]


def test_errors_are_one_line_with_exit_codes(run):
    r = run("tickets", "new", "--phone", "13812341234", "--content", "x", "--category", "nope")
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "unknown category 'nope'" in r.output
    serial = json.loads(run("tickets", "new", "--phone", "13812341234", "--content", "x", "--category", "consult",
                            "--json").output)["serial"]
    r = run("tickets", "reply", serial, "--text", "done")
    assert r.exit_code == 4 and "cannot reply a ticket in state 'registered'" in r.output
    r = run("tickets", "urge", serial, "--as", "oncall")
    assert r.exit_code == 3 and "permission denied" in r.output
    r = run("tickets", "triage", serial, "--urgency", "urgent", "--expect-version", "7")
    assert r.exit_code == 5 and "edit conflict" in r.output
    r = run("tickets", "show", "20990101-000001")
    assert r.exit_code == 1 and r.output.startswith("error: no ticket")


def test_masked_for_roles_without_personal_data(run):
    serial = json.loads(run("tickets", "new", "--phone", "13812341234", "--content", "x", "--category", "consult",
                            "--json").output)["serial"]
    out = json.loads(run("--as", "oncall", "tickets", "show", serial, "--json").output)
    assert out["ticket"]["caller_phone"] == "138****1234"


def test_callers_and_calendar(run):
    assert run("callers", "classify", "13812341234", "--class", "vip", "--name", "赵六").exit_code == 0
    out = json.loads(run("callers", "show", "13812341234", "--json").output)
    assert out["class"] == "vip" and out["name"] == "赵六"
    due = json.loads(run("calendar", "due", "--from", "2026-02-13T10:00", "--working-days", "2", "--json").output)
    assert due["due"] == "2026-02-24T17:30:00+08:00"


def test_db_check_reports_pending(tmp_path):
    r = CliRunner().invoke(cli, ["--db", str(tmp_path / "fresh.db"), "db", "check"])
    assert r.exit_code == 1 and "hotline db migrate" in r.output
