"""The call-loss report (呼损) on the fixture shift (tests/report_shift.py), on both stores
(``store`` runs on SQLite and PostgreSQL): bands, outcomes and rates worked out by hand."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from hotline import cli

from .report_shift import AS_OF, fill


def _run(db_target, *args):
    return CliRunner().invoke(cli, ["--db", db_target, "report", "call-loss", "--at", AS_OF, *args], env={"TERM": None},
                              catch_exceptions=False)


def _json(db_target, *args) -> dict:
    r = _run(db_target, *args, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_bands_outcomes_and_rates_by_hand(store, db_target):
    fill(store)
    d = _json(db_target, "--shift", "早班")
    t = d["total"]
    assert (t["offered"], t["answered"], t["abandoned"], t["short_abandoned"]) == (8, 3, 3, 1)
    # Abandons by wait: m3 3 s, m4 45 s, m7 150 s.
    assert t["abandoned_by_wait"] == {"0-5s": 1, "5-10s": 0, "10-20s": 0, "20-30s": 0, "30-60s": 1, "60-120s": 0, ">120s": 1}
    assert t["not_answered"] == {"timeout": 1, "no_agent": 0, "exit_key": 0, "transferred": 1}
    assert t["timeouts_and_overflows"] == 2
    assert (t["answer_rate"]["numerator"], t["answer_rate"]["denominator"], t["answer_rate"]["value"]) == (3, 8, 0.375)
    assert (t["abandon_rate"]["numerator"], t["abandon_rate"]["denominator"]) == (2, 7)
    assert d["definitions"]["service_level_denominator"] == "offered" and d["definitions"]["service_level_threshold_s"] == 20
    assert sorted(d["queues"]) == ["q1", "q2"]
    assert d["queues"]["q2"]["abandoned_by_wait"][">120s"] == 1 and d["queues"]["q2"]["not_answered"]["timeout"] == 1
    rows = {r["from"][11:16]: r for r in d["rows"]}
    assert len(rows) == 16
    assert rows["08:30"]["abandoned_by_wait"]["0-5s"] == 1 and rows["08:30"]["abandoned_by_wait"]["30-60s"] == 1
    assert rows["15:30"]["not_answered"]["transferred"] == 1 and rows["15:30"]["offered"] == 1


def test_by_day_and_one_queue(store, db_target):
    fill(store)
    d = _json(db_target, "--from", "2026-11-22T00:00", "--to", "2026-11-24T00:00", "--by", "day", "--queue", "q1")
    assert [r["from"][:10] for r in d["rows"]] == ["2026-11-22", "2026-11-23"]
    day = d["rows"][1]
    # q1 on the 23rd: m1 m2 m3 m4 m8, m9 (07:59) and m10 (16:00).
    assert (day["offered"], day["answered"], day["abandoned"]) == (7, 3, 3)
    assert day["abandoned_by_wait"]["60-120s"] == 1                    # m10 waited 60 s
    assert d["rows"][0]["offered"] == 0 and d["rows"][0]["answer_rate"]["value"] is None
    assert list(d["queues"]) == ["q1"]


def test_csv_and_every_form_byte_identical(store, db_target):
    fill(store)
    for fmt in ("txt", "md", "json", "csv", "html"):
        one, two = _run(db_target, "--shift", "早班", "--format", fmt), _run(db_target, "--shift", "早班", "--format", fmt)
        assert one.exit_code == 0 and one.output == two.output, fmt
    rows = list(csv.reader(io.StringIO(_run(db_target, "--shift", "早班", "--format", "csv").output)))
    assert rows[0][:4] == ["from", "offered", "answered", "abandoned"] and rows[-1][0] == "total"
    assert rows[-1][1:4] == ["8", "3", "3"] and len(rows) == 1 + 16 + 1


def test_bad_period_is_one_line(store, db_target):
    r = _run(db_target, "--from", "2026-11-23T10:00", "--to", "2026-11-23T09:00")
    assert r.exit_code != 0 and r.output.count("\n") == 1 and r.output.startswith("error:")


def test_rates_follow_the_sl_variant_in_force():
    """The same calls under each kpi.yaml denominator: numerator, denominator and rule change
    together, and the value is the one KpiSums.figures computes (hotline_tui/kpi.py)."""
    from hotline_tui.kpi import KpiSettings, figures
    from hotline_tui.reports.call_loss import loss_row
    from hotline_tui.reports.figures import outcome_of

    from .report_shift import RECORDS

    shift = RECORDS[:8]
    for den, expected in (("offered", (2, 8)), ("offered_minus_short", (2, 7)), ("answered", (2, 3))):
        s = KpiSettings(denominator=den)
        sl = loss_row(shift, s)["service_level"]
        assert (sl["numerator"], sl["denominator"]) == expected
        assert sl["value"] == round(figures("x", [outcome_of(r) for r in shift], s).service_level, 4)
        assert sl["definition"] == s.describe()


def test_a_real_process_without_terminal_gives_the_same_bytes(store, db_target):
    import os
    import subprocess
    import sys
    from pathlib import Path

    fill(store)
    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if k not in ("TERM", "COLUMNS", "LINES")}
    cmd = [sys.executable, str(root / "hotline.py"), "--db", db_target, "report", "call-loss", "--shift", "早班",
           "--at", AS_OF]
    one = subprocess.run(cmd, capture_output=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    two = subprocess.run(cmd, capture_output=True, env={**env, "TERM": "dumb", "COLUMNS": "20"}, timeout=60,
                         stdin=subprocess.DEVNULL)
    assert one.returncode == 0, one.stderr
    assert one.stdout == two.stdout and b"\x1b" not in one.stdout
    assert "呼损".encode() in one.stdout
    bad = subprocess.run(cmd[:-4] + ["--shift", "午班"], capture_output=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert bad.returncode == 2 and bad.stdout == b"" and bad.stderr.decode().count("\n") == 1
