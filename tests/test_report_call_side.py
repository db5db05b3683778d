"""The call side of the reports (issue 16): agent-workload, agent-states and queue-interval on the
hand-checked fixture shift (tests/report_shift.py calls, tests/report_agents_shift.py intervals),
on both stores (``store`` / ``db_target``); every number worked out by hand below. The
queue-interval's Erlang figures agree with ``hotline staffing``."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotline import cli
from hotline_tui.calls_port import CallRecord
from hotline_tui.clock import SITE_TZ
from hotline_tui.kpi import KpiSettings
from hotline_tui.reports.period import buckets, free_period
from hotline_tui.reports.queue_interval import queue_interval

from .report_agents_shift import CALLS, INTERVALS, TIERS, fill
from .report_shift import AS_OF, at

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def config_dir(tmp_path):
    """The demo config without site.yaml: no tiers, so every agent staffs every queue."""
    dst = tmp_path / "config"
    shutil.copytree(ROOT / "config" / "demo", dst, ignore=shutil.ignore_patterns("site.yaml", "kb"))
    return str(dst)


def _run(db_target, config_dir, *args):
    return CliRunner().invoke(cli, ["--db", db_target, "--config-dir", config_dir, "report", *args, "--at", AS_OF],
                              env={"TERM": None}, catch_exceptions=False)


def _json(db_target, config_dir, *args) -> dict:
    r = _run(db_target, config_dir, *args, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_agent_workload_by_hand(store, db_target, config_dir):
    fill(store)
    d = _json(db_target, config_dir, "agent-workload", "--shift", "早班")
    a1, a2 = d["agents"]
    assert (a1["agent"], a1["node"], a2["agent"]) == ("a1", "fs1", "a2")
    # a1: m1 (100 s talk) and m5 (60 s), 30 s wrap-up each: AHT (160 + 60) ÷ 2 = 110 s.
    assert (a1["calls"], a1["talk_s"], a1["aht_s"]["value"]) == (2, 160.0, 110.0)
    # on a call or ringing: 10 + 100 + 60; after-call work 30 + 30;
    # ready: 600 (08:00–08:10) + 1060 + 1220 + 3190 = 6070.
    assert (a1["on_call_s"], a1["after_call_work_s"], a1["ready_s"]) == (170.0, 60.0, 6070.0)
    assert a1["not_ready_by_reason"] == {"meal": 900.0, "unspecified": 1200.0} and a1["not_ready_s"] == 2100.0
    assert a1["logged_in_s"] == 8400.0                         # 08:00 → 10:20 logged in
    occ = a1["occupancy"]                                      # (170 + 60) ÷ (170 + 60 + 6070)
    assert (occ["numerator"], occ["denominator"], occ["value"]) == (230.0, 6300.0, round(230 / 6300, 4))
    # a2: m2 200 s, no wrap-up; ready 1230 + 2170; training 1800; logged in 08:00 → 09:30.
    assert (a2["calls"], a2["talk_s"], a2["on_call_s"], a2["after_call_work_s"], a2["ready_s"]) == (1, 200.0, 200.0, 0.0, 3400.0)
    assert a2["not_ready_by_reason"] == {"training": 1800.0} and a2["logged_in_s"] == 5400.0
    assert a2["occupancy"]["value"] == round(200 / 3600, 4)
    assert d["reasons"] == ["meal", "training", "unspecified"]
    one = _json(db_target, config_dir, "agent-workload", "--shift", "早班", "--agent", "a2")
    assert [a["agent"] for a in one["agents"]] == ["a2"] and one["agents"][0] == a2


def test_agent_states_detail(store, db_target, config_dir):
    fill(store)
    d = _json(db_target, config_dir, "agent-states", "--shift", "早班", "--agent", "a1")
    rows = d["rows"]
    assert len(rows) == 10
    # the first stretch began at 07:30: it is shown from the shift's start, 600 s of it
    assert (rows[0]["at"], rows[0]["status"], rows[0]["state"], rows[0]["duration_s"]) == (
        "2026-11-23T08:00:00+08:00", "Available", "Waiting", 600.0)
    meal = rows[4]
    assert (meal["at"][11:19], meal["status"], meal["reason"], meal["duration_s"]) == ("08:30:00", "On Break", "meal", 900.0)
    assert (rows[-1]["status"], rows[-1]["duration_s"], rows[-1]["until"][11:19]) == ("Logged Out", 20400.0, "16:00:00")
    both = _json(db_target, config_dir, "agent-states", "--shift", "早班")["rows"]
    assert len(both) == 15 and [r["agent"] for r in both[:2]] == ["a1", "a2"]       # by start, then agent


def test_queue_interval_by_hand():
    p = free_period(at(8, 0), at(16, 0))
    recs = [r for r in CALLS if p.start.timestamp() <= r.left_at < p.end.timestamp()]
    d = queue_interval(recs, INTERVALS, p, KpiSettings(), tiers=TIERS)
    q1, q2 = d["queues"]["q1"], d["queues"]["q2"]
    # patience: q1 waits 10 + 30 + 3 + 45 + 12 = 100 s over 2 abandons; q2 20 + 130 + 150 over 1
    assert (q1["patience_s"], q2["patience_s"]) == (50.0, 300.0)
    r = q1["rows"][0]                                         # 08:00–08:30: m1 and m2
    assert (r["offered"], r["answered"], r["service_level"]["numerator"], r["service_level"]["denominator"]) == (2, 2, 1, 2)
    assert (r["asa_s"]["value"], r["aht_s"]["value"], r["calls_per_hour"]) == (20.0, 165.0, 4.0)   # (130 + 200) ÷ 2
    assert r["erlang_inputs"] == {"calls_per_hour": 4.0, "aht_s": 165.0, "patience_s": 50.0, "target": 0.8,
                                  "within_s": 20, "traffic_erlangs": round(4 * 165 / 3600, 3)}
    assert (r["required_erlang_c"], r["required_erlang_a"]) == (1, 1)
    # staffed 08:00–08:30: a1 and a2 the whole half hour; 08:30–09:00: a1 only from 08:45
    assert (r["staffed"], q1["rows"][1]["staffed"], q2["rows"][0]["staffed"], q2["rows"][1]["staffed"]) == (2.0, 1.5, 1.0, 0.5)
    # 08:30–09:00 q1: m3 and m4 abandoned, nothing answered: no handle time to size on
    assert (q1["rows"][1]["erlang_inputs"], q1["rows"][1]["required_erlang_c"]) == (None, None)
    assert q1["rows"][2]["required_erlang_c"] == 0                       # nobody called
    a = d["all"]["rows"][2]                                              # 09:00–09:30: m5 in q2
    assert (a["offered"], a["aht_s"]["value"], a["staffed"]) == (1, 90.0, 1.0)   # a2 on break from 09:00


def _busy_half_hour() -> list[CallRecord]:
    """240 calls in one half hour, a spread of waits and handle times, some abandons."""
    t0 = datetime(2026, 11, 23, 10, 0, tzinfo=SITE_TZ).timestamp()
    out = []
    for i in range(240):
        j = t0 + i * 7
        if i % 12 == 5:
            out.append(CallRecord(f"b{i}", "fs1", "q1", "", "", "", j, None, j + 40 + i % 50, "abandoned", 40 + i % 50))
        else:
            wait, talk = i % 37, 150 + (i * 13) % 200
            out.append(CallRecord(f"b{i}", "fs1", "q1", "", "", "a1", j, j + wait, j + wait + talk, "answered", wait, talk,
                                  wrap_s=20.0))
    return [r for r in out if r.left_at < t0 + 1800]


def test_erlang_figures_agree_with_hotline_staffing():
    recs = _busy_half_hour()
    p = free_period(at(10, 0), at(11, 0))
    d = queue_interval(recs, [], p, KpiSettings())
    rows = [r for r in d["queues"]["q1"]["rows"] if r["erlang_inputs"]]
    assert rows and rows[0]["required_erlang_c"] > 10
    for r in rows:
        e = r["erlang_inputs"]
        base = ["staffing", "--calls-per-hour", repr(e["calls_per_hour"]), "--aht", repr(e["aht_s"]),
                "--target", repr(e["target"]), "--within", repr(e["within_s"]), "--json"]
        c = CliRunner().invoke(cli, base)
        a = CliRunner().invoke(cli, [*base, "--patience", repr(e["patience_s"])])
        assert c.exit_code == 0 and a.exit_code == 0, c.output + a.output
        assert json.loads(c.output)["agents"] == r["required_erlang_c"]
        assert json.loads(a.output)["agents"] == r["required_erlang_a"]
        assert json.loads(a.output)["model"] == "erlang-a"


def test_queue_interval_cli_both_stores_and_every_form(store, db_target, config_dir):
    fill(store)
    d = _json(db_target, config_dir, "queue-interval", "--shift", "早班")
    # no site.yaml: every agent staffs every queue, so q2 at 08:00 has a1 and a2
    assert d["queues"]["q2"]["rows"][0]["staffed"] == 2.0 and d["queues"]["q1"]["rows"][0]["required_erlang_c"] == 1
    assert d["definitions"]["service_level_variant"] == "offered"
    one = _json(db_target, config_dir, "queue-interval", "--shift", "早班", "--queue", "q2", "--by", "day")
    assert list(one["queues"]) == ["q2"] and len(one["queues"]["q2"]["rows"]) == 1
    assert one["queues"]["q2"]["total"]["offered"] == 3 and one["all"]["rows"][0]["offered"] == 3
    for name in ("queue-interval", "agent-workload", "agent-states"):
        for fmt in ("txt", "md", "json", "csv", "html"):
            x = _run(db_target, config_dir, name, "--shift", "早班", "--format", fmt)
            y = _run(db_target, config_dir, name, "--shift", "早班", "--format", fmt)
            assert x.exit_code == 0 and x.output == y.output and "\x1b" not in x.output, (name, fmt)
    rows = list(csv.reader(io.StringIO(_run(db_target, config_dir, "queue-interval", "--shift", "早班",
                                            "--format", "csv").output)))
    assert rows[0][:3] == ["queue", "from", "offered"] and len(rows) == 1 + 16 * 3       # q1, q2, all × 16 half hours


def test_call_loss_by_week_and_month(store, db_target, config_dir):
    fill(store)
    d = _json(db_target, config_dir, "call-loss", "--from", "2026-11-16T00:00", "--to", "2026-12-03T00:00", "--by", "week")
    assert [r["from"][:10] for r in d["rows"]] == ["2026-11-16", "2026-11-23", "2026-11-30"]
    assert [r["offered"] for r in d["rows"]] == [0, 10, 0]
    m = _json(db_target, config_dir, "call-loss", "--from", "2026-11-20T00:00", "--to", "2026-12-03T00:00", "--by", "month")
    assert [(r["from"][:10], r["to"][:10]) for r in m["rows"]] == [("2026-11-20", "2026-12-01"), ("2026-12-01", "2026-12-03")]


def test_week_and_month_buckets_in_site_time():
    p = free_period(datetime(2026, 11, 25, 12, 0, tzinfo=SITE_TZ), datetime(2027, 1, 6, 0, 0, tzinfo=SITE_TZ))
    weeks = buckets(p, "week")
    assert weeks[0][0].isoformat() == "2026-11-25T12:00:00+08:00" and weeks[1][0].isoformat() == "2026-11-30T00:00:00+08:00"
    assert all(a.weekday() == 0 for a, _ in weeks[1:]) and weeks[-1][1] == p.end
    months = buckets(p, "month")
    assert [a.isoformat()[:10] for a, _ in months] == ["2026-11-25", "2026-12-01", "2027-01-01"]


SITE_TEAMS = """\
queues:
  - name: q1
  - name: q2
agents:
  - team: 甲班
    ids: [a1]
    skills: {q1: 1, q2: 1}
  - team: 乙班
    ids: [a2]
    skills: {q2: 1}
"""


def test_agent_reports_per_team(store, db_target, config_dir):
    """``--team``: the agent reports of one team's agents (site.yaml), the same rows as the whole
    report has for them; an unknown team, or no site's teams, is one line and a non-zero exit."""
    fill(store)
    every = _json(db_target, config_dir, "agent-workload", "--shift", "早班")
    states = _json(db_target, config_dir, "agent-states", "--shift", "早班")
    assert every["team"] is None and states["team"] is None
    bad = _run(db_target, config_dir, "agent-workload", "--shift", "早班", "--team", "甲班")
    assert bad.exit_code != 0 and "site.yaml" in bad.output and len(bad.output.strip().splitlines()) == 1
    (Path(config_dir) / "site.yaml").write_text(SITE_TEAMS, encoding="utf-8")
    one = _json(db_target, config_dir, "agent-workload", "--shift", "早班", "--team", "甲班")
    assert one["team"] == "甲班" and one["agents"] == [a for a in every["agents"] if a["agent"] == "a1"]
    two = _json(db_target, config_dir, "agent-states", "--shift", "早班", "--team", "乙班")
    assert two["team"] == "乙班" and two["rows"] == [r for r in states["rows"] if r["agent"] == "a2"] and two["rows"]
    both = _json(db_target, config_dir, "agent-states", "--shift", "早班", "--team", "乙班", "--agent", "a1")
    assert both["rows"] == []                                          # a1 is not in 乙班
    bad = _run(db_target, config_dir, "agent-states", "--shift", "早班", "--team", "丙班")
    assert bad.exit_code != 0 and "丙班" in bad.output and "甲班" in bad.output
