"""The ticket side of the reports (departments, assessment, categories, channels, callbacks) on the
hand-checked November fixture (tests/report_tickets.py), on both stores: every number worked out by
hand below; the events rebuilt from the audit log by the migration's backfill are the ones the
service wrote; the CLI is deterministic; bad assessment weights are one line naming file, line
and key."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from backends.schema.tickets import backfill_events
from hotline import cli
from hotline_tui.clock import FixedClock, parse_time
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ConfigError
from hotline_tui.reports.assessment import assessment, load_weights, month_period
from hotline_tui.reports.departments import departments
from hotline_tui.reports.ticket_groups import callbacks, categories, channels
from hotline_tui.tickets.factory import ticket_service

from .report_tickets import AS_OF, MONTH, fill


def _r(rate):
    return rate["numerator"], rate["denominator"]


def _deps(store) -> dict:
    now = parse_time(AS_OF)
    p = month_period(MONTH, now)
    svc = ticket_service(store, DEMO_DIR, FixedClock(AS_OF))
    return departments(store.tickets.facts(p.start, p.end), store.tickets.event_tallies(p.start, p.end), p, now,
                       svc.departments())


def test_departments_worked_by_hand(store):
    fill(store)
    d = _deps(store)
    assert d["period"]["from"] == "2026-11-01T00:00:00+08:00" and d["period"]["to"] == "2026-12-01T00:00:00+08:00"
    assert list(d["departments"]) == ["CGJ", "GAJ", "JYJ"]          # T7 (October) and T8 (merged) are not counted
    cgj, gaj, jyj, tot = d["departments"]["CGJ"], d["departments"]["GAJ"], d["departments"]["JYJ"], d["total"]
    assert cgj["name"] == "市城市管理综合执法局"
    # CGJ leads T1, T2, T6. Ack: T1 09:20 ≤ 09:40 on time, T2 11:00 > 10:35 late, T6 never and past due.
    assert _r(cgj["acknowledged_on_time"]) == (1, 3) and cgj["acknowledged_on_time"]["value"] == 0.3333
    # Handle: T1 on time, T2 replied 16 Nov after its extended deadline (11 Nov); T6 not yet due.
    assert _r(cgj["handled_on_time"]) == (1, 2)
    # Callback: T1 5 Nov ≤ 6 Nov on time; T2's confirmed callback 20 Nov > 18 Nov late (17 Nov was unconfirmed).
    assert _r(cgj["callback_on_time"]) == (1, 2)
    assert _r(cgj["satisfaction"]) == (1, 2)                         # T1 satisfied, T2 unsatisfied
    assert (cgj["dispatched"], cgj["returns"], cgj["wrong_returns"], cgj["extensions"], cgj["urges"]) == (3, 0, 0, 1, 1)
    assert _r(cgj["return_rate"]) == (0, 3) and cgj["wrong_return_rate"]["value"] is None   # 0/0: "—"
    # GAJ leads T3 only now (T4 went to JYJ) but both T3 and T4 were dispatched to it and returned by it:
    # T3's return was rejected (wrong), T4's accepted.
    assert (gaj["dispatched"], gaj["returns"], gaj["returned_tickets"], gaj["returns_accepted"], gaj["wrong_returns"]) == (2, 2, 2, 1, 1)
    assert _r(gaj["return_rate"]) == (2, 2) and _r(gaj["wrong_return_rate"]) == (1, 2)
    assert _r(gaj["acknowledged_on_time"]) == (1, 1)                 # the ack clock restarted at the rejection: 10:20 ≤ 10:30
    assert _r(gaj["handled_on_time"]) == (1, 1)                      # replied 6 Nov ≤ 17 Nov
    assert gaj["callback_on_time"]["value"] is None and gaj["satisfaction"]["value"] is None
    # JYJ: T4 re-dispatched 4 Nov 09:40, never acknowledged (due 10:10) nor replied (due 6 Nov).
    assert (jyj["dispatched"], jyj["returns"]) == (1, 0)
    assert _r(jyj["acknowledged_on_time"]) == (0, 1) and _r(jyj["handled_on_time"]) == (0, 1)
    # All departments: T1 T2 T3 T4 T6.
    assert (tot["dispatched"], tot["returns"], tot["wrong_returns"], tot["extensions"], tot["urges"]) == (5, 2, 1, 1, 1)
    assert _r(tot["acknowledged_on_time"]) == (2, 5) and _r(tot["handled_on_time"]) == (2, 4)
    assert _r(tot["return_rate"]) == (2, 5) and _r(tot["satisfaction"]) == (1, 2)
    assert d["definitions"]["wrong_return_rate"].startswith("returns the centre rejected as wrong")


def test_assessment_worked_by_hand(store):
    fill(store)
    sheet = assessment(_deps(store), load_weights(DEMO_DIR), MONTH)
    assert sheet["weights"] == {"acknowledged_on_time": 30, "handled_on_time": 40, "satisfaction": 30}
    rows = [(r["rank"], r["department"], r["score"], r["weights_counted"]) for r in sheet["rows"]]
    # GAJ: (30×1 + 40×1) ÷ 70 (no satisfaction yet) = 100; CGJ: 30×1/3 + 40×½ + 30×½ = 45; JYJ: 0 ÷ 70.
    assert rows == [(1, "GAJ", 100.0, 70), (2, "CGJ", 45.0, 100), (3, "JYJ", 0.0, 70)]
    other = assessment(_deps(store), {"acknowledged_on_time": 50, "handled_on_time": 30, "satisfaction": 20}, MONTH)
    assert [(r["department"], r["score"]) for r in other["rows"]] == [("GAJ", 100.0), ("CGJ", 41.67), ("JYJ", 0.0)]


def test_categories_and_channels_worked_by_hand(store):
    fill(store)
    now = parse_time(AS_OF)
    p = month_period(MONTH, now)
    tickets = store.tickets.facts(p.start, p.end)
    svc = ticket_service(store, DEMO_DIR, FixedClock(AS_OF))
    c = categories(tickets, p, now, svc.categories())
    assert {k: (g["registered"], g["answered_on_spot"], g["dispatched"]) for k, g in c["groups"].items()} == {
        "complaint": (3, 0, 3), "consult": (1, 1, 0), "policy": (1, 0, 1), "public": (1, 0, 1)}
    assert c["groups"]["complaint"]["name"] == "投诉建议"
    assert _r(c["groups"]["complaint"]["acknowledged_on_time"]) == (1, 3)
    assert _r(c["total"]["on_spot_rate"]) == (1, 6)
    ch = channels(tickets, p, now)
    assert {k: g["registered"] for k, g in ch["groups"].items()} == {"phone": 3, "sms": 1, "web": 1, "wechat": 1}
    assert _r(ch["groups"]["phone"]["handled_on_time"]) == (2, 2)    # T1 and T3; T5 has no handle clock


def test_callbacks_worked_by_hand(store):
    fill(store)
    p = month_period(MONTH, parse_time(AS_OF))
    svc = ticket_service(store, DEMO_DIR, FixedClock(AS_OF))
    cb = callbacks(store.tickets.events(p.start, p.end, of_registered=False, kind="callback"), p, svc.departments())
    assert cb == callbacks(store.tickets.events(p.start, p.end, of_registered=False), p, svc.departments())
    tot = cb["total"]
    # Made in November: T7 3 Nov satisfied, T1 5 Nov satisfied, T2 17 Nov unconfirmed and 20 Nov unsatisfied.
    assert (tot["attempts"], tot["tickets"], tot["reached"]) == (4, 3, 3)
    assert tot["results"] == {"satisfied": 2, "unsatisfied": 1, "unconfirmed": 1}
    assert tot["tickets_by_attempts"] == {"1": 2, "2": 1, "3+": 0}
    assert _r(tot["satisfaction"]) == (2, 3)
    assert list(cb["departments"]) == ["CGJ"]


def test_backfill_from_the_audit_log_gives_the_same_events(store):
    fill(store)
    p = month_period(MONTH, parse_time(AS_OF))
    written = store.tickets.events(p.start, p.end, of_registered=False)
    db = store.tickets.db
    with db.tx():
        db.execute("DELETE FROM ticket_events")
    assert store.tickets.events(p.start, p.end, of_registered=False) == []
    with db.tx():
        n = backfill_events(db)
        backfill_events(db)                                          # twice: stored once (natural key)
    assert n == len(store.tickets.events(parse_time("2026-10-01T00:00"), parse_time("2026-12-02T00:00"), of_registered=False))
    assert store.tickets.events(p.start, p.end, of_registered=False) == written


def _cli(db_target, *args, env=None, config=None):
    base = ["--db", db_target] + (["--config-dir", str(config)] if config else [])
    return CliRunner().invoke(cli, [*base, "report", *args, "--as", "duty"], env=env, catch_exceptions=False)


@pytest.mark.parametrize("name", ["departments", "assessment", "categories", "channels", "callbacks"])
@pytest.mark.parametrize("fmt", ["txt", "md", "json", "csv", "html"])
def test_cli_is_deterministic_without_a_terminal(store, db_target, name, fmt):
    fill(store)
    args = (name, "--month", MONTH, "--at", AS_OF, "--format", fmt)
    one = _cli(db_target, *args, env={"TERM": None, "COLUMNS": "40"})
    two = _cli(db_target, *args, env={"TERM": "xterm-256color", "COLUMNS": "300"})
    assert one.exit_code == 0, one.output
    assert one.output == two.output and "\x1b" not in one.output
    if fmt == "json":
        d = json.loads(one.output)
        assert d["report"] == name
        if name == "assessment":
            assert [r["department"] for r in d["rows"]] == ["GAJ", "CGJ", "JYJ"]
    if fmt in ("txt", "md", "csv") and name in ("departments", "assessment"):
        assert "GAJ" in one.output


def test_cli_from_to_and_bad_month(store, db_target):
    fill(store)
    out = _cli(db_target, "departments", "--from", "2026-11-02T00:00", "--to", "2026-11-03T00:00", "--at", AS_OF,
               "--format", "json")
    assert out.exit_code == 0, out.output
    assert list(json.loads(out.output)["departments"]) == ["CGJ"]     # T1 and T2 only
    bad = CliRunner().invoke(cli, ["--db", db_target, "report", "assessment", "--month", "2026-13", "--as", "duty"])
    assert bad.exit_code == 2 and bad.output.strip().splitlines() == ["error: --month must be YYYY-MM (2000-2100), not '2026-13'"]


def _kpi_dir(tmp_path, text: str):
    d = tmp_path / "cfg"
    shutil.copytree(DEMO_DIR, d)
    with open(d / "kpi.yaml", "a", encoding="utf-8") as f:
        f.write(text)
    return d


@pytest.mark.parametrize("text, key, message", [
    ("assessment:\n  weights: {acknowledged_on_time: 30, handled_on_time: 40, satisfaction: 40}\n",
     "assessment.weights", "must sum to 100, not 110"),
    ("assessment:\n  weights:\n    acknowledged_on_time: 30\n    handled_on_time: 70\n    satisfaction: -0\n    speed: 1\n",
     "assessment.weights.speed", ""),
    ("assessment:\n  weights:\n    acknowledged_on_time: thirty\n", "assessment.weights.acknowledged_on_time", ""),
    ("assessment:\n  weights:\n    acknowledged_on_time: -10\n    handled_on_time: 80\n    satisfaction: 30\n",
     "assessment.weights.acknowledged_on_time", ""),
])
def test_bad_weights_are_one_line_naming_file_line_and_key(tmp_path, text, key, message):
    d = _kpi_dir(tmp_path, text)
    lines = (d / "kpi.yaml").read_text(encoding="utf-8").splitlines()
    with pytest.raises(ConfigError) as e:
        load_weights(d)
    err = e.value
    assert err.file.endswith("kpi.yaml") and err.key == key and message in err.message
    wanted = key.split(".")[-1] + ":"
    assert wanted in lines[err.line - 1]                              # the line that holds the key


def test_bad_weights_on_the_cli(store, db_target, tmp_path):
    d = _kpi_dir(tmp_path, "assessment:\n  weights: {acknowledged_on_time: 50, handled_on_time: 40, satisfaction: 30}\n")
    out = CliRunner().invoke(cli, ["--db", db_target, "--config-dir", str(d), "report", "assessment", "--as", "duty"])
    assert out.exit_code == 2
    assert len(out.output.strip().splitlines()) == 1 and "kpi.yaml:" in out.output and "assessment.weights" in out.output


def test_facts_read_from_the_body_are_the_tickets_own(store):
    """``TicketStore.facts`` picks fields out of the stored JSON with each database's functions:
    they must be the whole ticket's, on both stores (times as instants)."""
    from hotline_tui.tickets.model import facts_of
    fill(store)
    p = month_period(MONTH, parse_time(AS_OF))
    got = store.tickets.facts(p.start, p.end)
    assert [f.serial for f in got] == [t.serial for t in store.tickets.registered(p.start, p.end)]
    assert got == [facts_of(t) for t in store.tickets.registered(p.start, p.end)]
    assert any(f.callback_at for f in got) and any(f.returns for f in got) and any(f.answer for f in got)


def test_report_facts_are_rebuilt_from_the_bodies(store):
    """The migration fills ``report_facts`` of tickets stored before it from their bodies."""
    from backends.schema.tickets import backfill_report_facts
    fill(store)
    p = month_period(MONTH, parse_time(AS_OF))
    written = store.tickets.facts(p.start, p.end)
    db = store.tickets.db
    with db.tx():
        db.execute("UPDATE tickets SET report_facts = '[]'")
        assert backfill_report_facts(db) == 8
    assert store.tickets.facts(p.start, p.end) == written


def test_upgrading_a_store_rebuilds_the_same_report(db_target):
    """A store handled before the department events existed (the tickets migration that adds
    them not yet applied): migrating it rebuilds events, callback times and report facts from
    the audit log and the bodies, and the department report is the same as if they had been
    written all along."""
    from backends.schema.tickets import MIGRATIONS
    from backends.store import open_store
    mine = next(m for m in MIGRATIONS if m.name.startswith("department events"))
    s = open_store(db_target, migrate=True)
    fill(s)
    before = _deps(s)
    db = s.tickets.db
    with db.tx():
        db.execute("DROP TABLE ticket_events")
        db.execute("ALTER TABLE tickets DROP COLUMN report_facts")
        db.execute("DELETE FROM schema_migrations WHERE component = :c AND version = :v",
                   {"c": mine.component, "v": mine.version})
        for r in db.query("SELECT id, body FROM tickets"):          # as stored before callback_at existed
            body = json.loads(r["body"])
            body.pop("callback_at", None)
            db.execute("UPDATE tickets SET body = :b WHERE id = :id", {"b": json.dumps(body, ensure_ascii=False), "id": r["id"]})
    s.close()
    s = open_store(db_target, migrate=True)
    try:
        assert _deps(s) == before
    finally:
        s.close()
