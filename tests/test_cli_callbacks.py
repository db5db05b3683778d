"""``hotline callbacks list|assign|result`` end to end on both stores: the console's
permissions and audit; ``assign`` only to an agent the store's fresh presence shows logged in,
refused in one line otherwise."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from backends.store import open_store
from hotline import cli
from hotline_tui.calls_port import AgentPresence, CallbackTask


@pytest.fixture
def run(db_target):
    runner = CliRunner()

    def go(*args):
        return runner.invoke(cli, ["--db", db_target, *args], catch_exceptions=False)
    store = open_store(db_target, migrate=True)
    now = time.time()
    tid = store.calls.add_callback(CallbackTask(0, "m1", "general@12345", "13800000001", "王女士", now - 300, "", "open",
                                                "", now - 300))
    store.calls.assign_callback(tid, ["1001"], now)
    store.calls.save_presence([AgentPresence("sim", "1001", "Available", now),
                               AgentPresence("sim", "1002", "Logged Out", now),
                               AgentPresence("sim", "1003", "On Break", now - 3600)])
    store.close()
    go.task = tid            # type: ignore[attr-defined]
    go.db = db_target        # type: ignore[attr-defined]
    return go


def test_list_assign_and_record_from_the_shell(run):
    tid = run.task
    [row] = json.loads(run("callbacks", "list", "--json", "--as", "lead1").output)
    assert (row["id"], row["assigned_to"], row["state"]) == (tid, "1001", "open")
    masked = json.loads(run("callbacks", "list", "--json", "--as", "qa").output)
    assert masked[0]["caller_number"] != "13800000001"                # qa has no personal_data.view

    r = run("callbacks", "assign", str(tid), "9999", "--as", "lead1")
    assert (r.exit_code, r.output.strip()) == (
        1, "error: agent 9999 is not an agent on the switch (no console or recorder has seen it)")
    r = run("callbacks", "assign", str(tid), "1002", "--as", "lead1")
    assert r.exit_code == 2 and "agent 1002 is logged out" in r.output
    r = run("callbacks", "assign", str(tid), "1003", "--as", "lead1")
    assert r.exit_code == 2 and "agent 1003 was last seen 3600 s ago (at most 180 s)" in r.output
    r = run("callbacks", "assign", str(tid), "1001", "--as", "agent1001")
    assert r.exit_code == 3                                           # no callbacks.assign
    r = run("callbacks", "assign", str(tid), "1001", "--as", "lead1", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["assigned_to"] == "1001"

    [mine] = [i for i in json.loads(run("callbacks", "list", "--mine", "--json", "--as", "agent1001").output)
              if i["kind"] == "abandoned"]
    assert mine["ref"] == str(tid)
    r = run("callbacks", "result", str(tid), "asleep", "--as", "agent1001")
    assert r.exit_code == 2 and "callback result must be one of reached, no_answer" in r.output
    r = run("callbacks", "result", str(tid), "reached", "--note", "已回电解决", "--as", "agent1001", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == {"kind": "abandoned", "ref": str(tid), "result": "reached", "state": "done",
                                    "attempt": 1}
    assert json.loads(run("callbacks", "list", "--json").output) == []
    store = open_store(run.db)
    actions = [e.action for e in store.audit.for_subject("callback", str(tid))]
    store.close()
    assert actions == ["callback.reassign", "callback.attempt"]


def test_config_check_reads_desk_yamls_callbacks(tmp_path):
    import shutil

    from hotline_tui.config import DEMO_DIR

    site = tmp_path / "site"
    shutil.copytree(DEMO_DIR, site)
    runner = CliRunner()
    ok = runner.invoke(cli, ["--config-dir", str(site), "config", "check"], catch_exceptions=False)
    assert ok.exit_code == 0, ok.output
    text = (site / "desk.yaml").read_text(encoding="utf-8").replace("results: [reached, ", "results: [")
    (site / "desk.yaml").write_text(text, encoding="utf-8")
    bad = runner.invoke(cli, ["--config-dir", str(site), "config", "check"], catch_exceptions=False)
    line = next(ln for ln, t in enumerate(text.splitlines(), 1) if t.strip().startswith("results:"))
    assert bad.exit_code == 2 and f"desk.yaml:{line}:" in bad.output and "must include 'reached'" in bad.output
