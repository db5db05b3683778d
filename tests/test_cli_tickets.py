"""The ticket CLI end to end on real stores: JSON reads, one-line errors, exit codes."""

import json
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner

from hotline import cli
from hotline_tui.clock import SITE_TZ


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


def test_whole_life_cycle_on_both_stores(db_target):
    runner = CliRunner()

    def go(*args):
        return runner.invoke(cli, ["--db", db_target, *args], catch_exceptions=False)

    def ok(*args):
        r = go(*args)
        assert r.exit_code == 0, (args, r.output)
        return json.loads(r.output) if "--json" in args else r.output

    def show(serial):
        return ok("tickets", "show", serial, "--json", "--as", "duty")

    ok("db", "migrate")
    s = ok("tickets", "new", "--phone", "13812341234", "--content", "小区夜间施工噪音扰民", "--category", "complaint",
           "--subcategory", "噪音扰民", "--name", "张三", "--json", "--as", "agent1001")["serial"]
    for args in (("triage", s, "--urgency", "normal", "--as", "handler"),
                 ("dispatch", s, "--department", "ZJJ", "--co", "CGJ", "--as", "handler"),
                 ("ack", s, "--as", "dept-zjj"),
                 ("extend", s, "--working-days", "3", "--reason", "需现场勘查", "--as", "dept-zjj"),
                 ("approve-extension", s, "--as", "handler"),
                 ("urge", s, "--note", "市民再次来电", "--channel", "phone", "--as", "duty"),
                 ("reply", s, "--text", "已责令停工", "--as", "dept-zjj"),
                 ("review", s, "--accept", "--as", "handler"),
                 ("callback", s, "--handler", "satisfied", "--result", "satisfied", "--as", "agent1001"),
                 ("archive", s, "--responsibility", "at_fault", "--unit", "ZJJ", "--as", "handler")):
        ok("tickets", *args)
    done = show(s)
    assert done["ticket"]["state"] == "archived" and done["ticket"]["extensions"] == 1 and done["ticket"]["urges"] == 1
    assert [a["action"] for a in done["audit"]] == [
        "ticket.register", "ticket.triage", "ticket.dispatch", "ticket.ack", "ticket.extend", "ticket.approve_extension",
        "ticket.urge", "ticket.reply", "ticket.accept_reply", "ticket.callback", "ticket.archive"]

    # entered 25 minutes late (--at): re-dispatched 20 minutes ago, the 30-minute acknowledge clock is
    # past its half, so yellow (a fresh dispatch is green: never yellow in a clock's first half)
    ago = lambda m: (datetime.now(SITE_TZ) - timedelta(minutes=m)).isoformat(timespec="seconds")  # noqa: E731
    s2 = ok("tickets", "new", "--phone", "13900001111", "--content", "拖欠工资", "--category", "complaint", "--json",
            "--as", "agent1001", "--at", ago(25))["serial"]
    ok("tickets", "dispatch", s2, "--department", "RSJ", "--as", "handler", "--at", ago(24))
    ok("tickets", "return", s2, "--reason", "不属于我局职责", "--as", "dept-rsj", "--at", ago(23))
    moved = ok("tickets", "redispatch", s2, "--department", "ZJJ", "--json", "--as", "handler", "--at", ago(20))
    assert (moved["state"], moved["department"], moved["returns"]) == ("dispatched", "ZJJ", 1)
    ok("tickets", "urge", s2, "--as", "lead1")
    ok("tickets", "link", s2, "--to", s, "--as", "handler")
    ok("tickets", "supplement", s, "--text", "市民补充：已停工", "--as", "handler")
    assert [(t["serial"], t["light"]) for t in ok("tickets", "overdue", "--json", "--as", "duty")] == [(s2, "yellow")]
    assert show(s)["links"] == [{"serial": s2, "kind": "related"}]

    before = show(s2)
    for args, code, text in ((("reply", s2, "--text", "done", "--as", "dept-zjj"), 4, "cannot reply a ticket in state 'dispatched'"),
                             (("dispatch", s2, "--department", "GJJ", "--as", "agent1001"), 3, "lacks 'tickets.dispatch'"),
                             (("ack", s2, "--as", "dept-rsj"), 1, f"error: no ticket {s2}")):
        r = go("tickets", *args)
        assert r.exit_code == code and r.output.count("\n") == 1 and text in r.output, (args, r.output)
    assert show(s2) == before                                        # nothing written

    ok("callers", "classify", "13812341234", "--class", "elderly", "--as", "duty")
    caller = ok("callers", "show", "13812341234", "--json", "--as", "duty")
    assert caller["class"] == "elderly" and [t["serial"] for t in caller["tickets"]] == [s]
