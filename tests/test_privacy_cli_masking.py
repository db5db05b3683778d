"""Every ``hotline tickets …`` / ``hotline callers …`` command, run as a role without
personal_data.view on a seeded store, prints no citizen's full phone number or name (JSON and
text, stdout and stderr). Masking is the services' job, so no command can forget it."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from hotline import cli
from hotline_tui.cli.tickets import callers as callers_group
from hotline_tui.cli.tickets import tickets as tickets_group

# Our own tickets, dispatched to ZJJ so the department user has something to act on; one has
# a phone number typed into its content (free text is masked too).
OWN = [("13912345671", "王小明"), ("13912345672", "李大伟"), ("13912345673", "赵晓燕"),
       ("13912345674", "钱多多"), ("13912345675", "孙立新")]
IN_CONTENT = "18655554444"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("privacy") / "seeded.db")
    runner = CliRunner()

    def go(*args):
        return runner.invoke(cli, ["--db", db, *args], catch_exceptions=False)

    def ok(*args):
        r = go(*args)
        assert r.exit_code == 0, (args, r.output)
        return json.loads(r.stdout) if "--json" in args else r.stdout

    ok("demo", "seed", "--tickets", "40", "--days", "3", "--seed", "7")
    own = []
    for i, (phone, name) in enumerate(OWN):
        content = f"电梯停运，请回电{IN_CONTENT}" if i == 0 else "楼道灯不亮"
        t = ok("tickets", "new", "--phone", phone, "--name", name, "--content", content, "--category", "consult",
               "--json", "--as", "agent1001")
        ok("tickets", "dispatch", t["serial"], "--department", "ZJJ", "--as", "handler")
        own.append(t["serial"])
    ok("tickets", "ack", own[3], "--as", "duty")                 # handling: pause/resume
    ok("tickets", "ack", own[4], "--as", "duty")
    ok("tickets", "reply", own[4], "--text", "已修复", "--as", "duty")
    ok("tickets", "review", own[4], "--accept", "--as", "handler")   # callback_pending
    ok("callers", "classify", OWN[0][0], "--class", "vip", "--name", OWN[0][1], "--note", f"备用电话{IN_CONTENT}")
    every = ok("tickets", "list", "--limit", "1000", "--json", "--as", "duty")
    phones = {t["caller_phone"] for t in every if len(re.sub(r"\D", "", t["caller_phone"])) > 5} | {IN_CONTENT}
    names = {t["caller_name"] for t in every if len(t["caller_name"]) > 1}
    assert len(phones) > 20 and {p for p, _ in OWN} <= phones
    seeded_zjj = [t["serial"] for t in every if t["department"] == "ZJJ" and t["serial"] not in own]
    other = next(t["serial"] for t in every if t["department"] not in ("", "ZJJ"))
    return go, own, phones, names, seeded_zjj, other


def _commands(own, other):
    """(role, args, must succeed) for every command of both groups."""
    a, b, c, d, e = own
    phone = OWN[0][0]
    plan = {
        "new": [("--phone", "13700001111", "--content", "x", "--category", "consult")],
        "show": [(a,), (a, "--json"), (other,), (other, "--json")],
        "list": [(), ("--json",), ("--phone", phone, "--json")],
        "overdue": [(), ("--json",)],
        "answer": [(a, "--text", "已答复")],
        "triage": [(a, "--urgency", "urgent", "--json")],
        "dispatch": [(a, "--department", "RSJ", "--json")],
        "ack": [(a, "--json"), (b,)],
        "return": [(c, "--reason", "不属于我局职责", "--json")],
        "redispatch": [(c, "--department", "RSJ", "--json")],
        "reject-return": [(c, "--json")],
        "extend": [(b, "--working-days", "3", "--reason", "需现场勘查", "--json")],
        "approve-extension": [(b, "--json")],
        "refuse-extension": [(b, "--json")],
        "pause": [(d, "--reason", "等待市民补充材料", "--json")],
        "resume": [(d, "--json"), (d,)],
        "reply": [(a, "--text", f"已处理，联系人电话{IN_CONTENT}", "--json"), (a, "--text", "已处理")],
        "review": [(a, "--accept", "--json"), (a, "--send-back")],
        "callback": [(e, "--handler", "satisfied", "--result", "satisfied", "--json")],
        "reopen": [(e, "--reason", "不满意", "--json")],
        "archive": [(e, "--json")],
        "urge": [(a, "--json"), (b,)],
        "link": [(a, "--to", b, "--json")],
        "merge": [(a, "--into", b, "--json")],
        "supplement": [(a, "--text", f"补充：电话{IN_CONTENT}", "--json")],
        "escalate": [(), ("--json",)],
        "watch": [("--since", "0", "--once", "--json"), ("--since", "0", "--once")],
    }
    caller_plan = {"show": [(phone,), (phone, "--json")],
                   "classify": [(phone, "--class", "elderly", "--json")]}
    assert set(plan) == set(tickets_group.commands), "a new tickets command needs a line here"
    assert set(caller_plan) == set(callers_group.commands), "a new callers command needs a line here"
    return [("tickets", n, args) for n, runs in plan.items() for args in runs] + \
           [("callers", n, args) for n, runs in caller_plan.items() for args in runs]


@pytest.mark.parametrize("role", ["dept-zjj", "qa"])
def test_no_command_prints_a_full_number_to_a_masked_role(site, role):
    go, own, phones, names, seeded_zjj, other = site
    succeeded = set()
    for group, name, args in _commands(own, other):
        r = go(group, name, *args, "--as", role)
        text = r.stdout + r.stderr
        leaked = [p for p in phones if p in text] + [n for n in names if n in text]
        assert not leaked, (role, group, name, args, leaked, text)
        if r.exit_code == 0:
            succeeded.add(name)
            assert "Traceback" not in text
    # The walk means something: the role's reads (and a department's own actions) did run and
    # showed masked numbers rather than nothing.
    assert {"show", "list", "overdue"} <= succeeded
    if role == "dept-zjj":
        assert {"ack", "reply", "extend", "return", "pause", "resume"} <= succeeded
        shown = json.loads(go("tickets", "show", own[0], "--json", "--as", role).stdout)
        assert shown["ticket"]["caller_phone"] == OWN[0][0][:3] + "****" + OWN[0][0][-4:]
        assert IN_CONTENT[:3] + "****" + IN_CONTENT[-4:] in shown["ticket"]["content"]
        listed = json.loads(go("tickets", "list", "--json", "--as", role).stdout)
        assert {t["serial"] for t in listed} >= set(own[:4]) and all("****" in t["caller_phone"] for t in listed)
    else:
        out = json.loads(go("callers", "show", OWN[0][0], "--json", "--as", role).stdout)
        assert out["phone"] == "139****5671" and out["name"] == "王**" and out["class"] == "vip"
        assert "****" in out["note"] and out["tickets"]


def test_staff_with_personal_data_view_still_see_everything(site):
    go, own, phones, names, seeded_zjj, other = site
    out = json.loads(go("tickets", "show", own[1], "--json", "--as", "duty").stdout)
    assert out["ticket"]["caller_phone"] == OWN[1][0] and out["ticket"]["caller_name"] == OWN[1][1]
