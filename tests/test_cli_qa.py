"""``hotline qa …`` and ``hotline report qa`` end to end through click on both stores (issue 20)."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

import hotline
from backends.store import open_store
from hotline_tui.cli.qa import parse_marks
from hotline_tui.errors import ValidationError
from tests.qa_rig import PERIOD, seed_month


def run(db, *args, user="qalead"):
    r = CliRunner().invoke(hotline.cli, ["--db", db, "--as", user, "qa", *args], catch_exceptions=False)
    return r


@pytest.fixture
def db(db_target):
    s = open_store(db_target, migrate=True)
    seed_month(s)
    s.close()
    return db_target


def test_marks_parse_and_bad_ones_are_one_line():
    assert parse_marks(("call.tone=partial:语调生硬", "ticket.area=none")) == {
        ("call", "tone"): ("partial", "语调生硬"), ("ticket", "area"): ("none", "")}
    with pytest.raises(ValidationError, match="KIND.ITEM=LEVEL"):
        parse_marks(("tone=partial",))


def test_a_month_sampled_scored_appealed_decided_and_reported(db):
    r = run(db, "sample", PERIOD, "--json")
    assert r.exit_code == 0, r.output
    added = json.loads(r.stdout)
    assert added and all(e["call"]["caller_number"] == "138****0001" for e in added)   # masked for QA staff
    assert json.loads(run(db, "sample", PERIOD, "--json").stdout) == []
    ev = next(e for e in added if e["agent"] == "1001" and e["ticket_serial"])
    queue = json.loads(run(db, "queue", "--json", user=ev["inspector"]).stdout)
    assert ev["id"] in [e["id"] for e in queue]
    bad = run(db, "score", str(ev["id"]), "--mark", "call.tone=none", user=ev["inspector"])
    assert bad.exit_code == 2 and "needs a comment" in bad.stderr
    ok = run(db, "score", str(ev["id"]), "--mark", "call.tone=none:语调生硬", "--json", user=ev["inspector"])
    assert ok.exit_code == 0, ok.output
    scored = json.loads(ok.stdout)
    assert scored["state"] == "submitted" and scored["score"] < 100
    shown = run(db, "show", str(ev["id"]), user="agent1001")
    assert shown.exit_code == 0 and "recording rec-" in shown.stdout and "语调生硬" in shown.stdout
    assert run(db, "appeal", str(ev["id"]), "--reason", "语调正常", user="agent1001").exit_code == 0
    again = run(db, "appeal", str(ev["id"]), "--reason", "再申诉", user="agent1001")
    assert again.exit_code == 4
    other_team = run(db, "decide", str(ev["id"]), "rejected", "--note", "x", user="lead2")
    assert other_team.exit_code == 3
    d = run(db, "decide", str(ev["id"]), "upheld", "--note", "复听录音", "--mark", "call.tone=full", "--json",
            user="lead1")
    assert d.exit_code == 0, d.output
    assert json.loads(d.stdout)["score"] > scored["score"]
    rep = run(db, "report", "--period", PERIOD, "--json")
    figs = json.loads(rep.stdout)
    assert figs["evaluated"] == 1 and figs["attitude_rate"] == 1.0
    txt = CliRunner().invoke(hotline.cli, ["--db", db, "--as", "director", "report", "qa", "--period", PERIOD])
    assert txt.exit_code == 3          # the director may read reports but not QA evaluations
    txt = CliRunner().invoke(hotline.cli, ["--db", db, "--as", "lead1", "report", "qa", "--period", PERIOD])
    assert txt.exit_code == 0 and "QA 2026-11: 1 evaluated" in txt.stdout


def test_an_agent_may_not_sample_or_score(db):
    r = run(db, "sample", PERIOD, user="agent1001")
    assert r.exit_code == 3 and "qa.sample" in r.stderr
    assert run(db, "queue", user="agent1001").exit_code == 3


def test_the_demo_site_is_sampled_by_the_policy(tmp_path):
    """`hotline demo seed` gives the demo's phone tickets their answered calls: a month samples."""
    from hotline_tui.cli.demo import seed_all
    from hotline_tui.clock import FixedClock
    from hotline_tui.config import DEMO_DIR
    from hotline_tui.demo.qa import seed_qa_calls

    db = str(tmp_path / "demo.db")
    s = open_store(db, migrate=True)
    seed_all(s, DEMO_DIR, seed=3, tickets=400, days=40, clock=FixedClock("2026-12-03T10:00:00+08:00"))
    again = len(s.calls.records(0))
    seed_qa_calls(s, DEMO_DIR, random.Random(1), FixedClock("2026-12-03T10:00:00+08:00"))
    assert len(s.calls.records(0)) == again                  # seeding the calls again adds nothing
    s.close()
    r = run(db, "sample", "2026-11", "--json")
    assert r.exit_code == 0, r.output
    added = json.loads(r.stdout)
    per_agent: dict[str, int] = {}
    for e in added:
        per_agent[e["agent"]] = per_agent.get(e["agent"], 0) + 1
        assert e["ticket_serial"] and e["call"]["recording_id"].startswith("rec-")
    assert set(per_agent) == {"1001", "1002", "1003", "1004", "1005", "1006"}
    assert all(n >= 4 for n in per_agent.values())
