"""The shift handover report on the hand-checked fixture shift (tests/report_shift.py), on both
stores: every number worked out by hand below; the CLI's output is the same bytes twice, needs
no terminal, and fails with one line; sign-offs are stored and audited."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from hotline import cli
from hotline_tui.calls import HandoverNotes
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.kpi import load_kpi_settings
from hotline_tui.reports import handover as ho
from hotline_tui.reports.period import shift_named
from hotline_tui.tickets.factory import ticket_service

from .report_shift import AS_OF, fill

def _report(store, viewer_name: str = "duty") -> dict:
    clock = FixedClock(AS_OF)
    settings = load_kpi_settings(DEMO_DIR)
    svc = ticket_service(store, DEMO_DIR, clock)
    viewer = svc.access.user(viewer_name)
    period = shift_named("早班", clock.now(), settings)
    notes = HandoverNotes(store.calls, svc.access, clock, settings).for_shift(viewer, period.shift_date, period.shift)
    inp = ho.gather(period, as_of=clock.now(), settings=settings, calls=store.calls, tickets=svc, notes=notes, signoffs=[])
    return ho.handover(inp, settings, viewer)


def _rate(r):
    return r["value"], r["numerator"], r["denominator"]


def test_call_figures_worked_by_hand(store):
    fill(store)
    d = _report(store)
    assert d["period"]["from"] == "2026-11-23T08:00:00+08:00" and d["period"]["to"] == "2026-11-23T16:00:00+08:00"
    assert d["next_shift"]["shift"] == "中班"
    c = d["calls"]["total"]
    # m1..m8 left in the shift (m9 left 07:59, m10 at 16:00:00 = the next shift's).
    assert (c["offered"], c["answered"], c["abandoned"], c["short_abandoned"]) == (8, 3, 3, 1)
    assert c["answered_within"] == 2                                   # m1 (10 s), m5 (20 s = threshold)
    assert _rate(c["service_level"]) == (0.25, 2, 8)                   # ÷ offered (kpi.yaml)
    assert c["service_level"]["definition"] == "SL = answered ≤ 20s ÷ offered"
    assert _rate(c["answer_rate"]) == (0.375, 3, 8)
    assert _rate(c["abandon_rate"]) == (round(2 / 7, 4), 2, 7)         # (3 − 1 short) ÷ (8 − 1 short)
    assert _rate(c["asa_s"]) == (20.0, 60, 3)                          # (10 + 30 + 20) ÷ 3
    assert _rate(c["aht_s"]) == (120.0, 360, 3)                        # (100 + 200 + 60) ÷ 3
    assert c["longest_wait_s"] == 150
    q1, q2 = d["calls"]["queues"]["q1"], d["calls"]["queues"]["q2"]
    assert (q1["offered"], q1["answered"], q1["abandoned"], _rate(q1["service_level"])) == (5, 2, 2, (0.2, 1, 5))
    assert _rate(q1["abandon_rate"]) == (0.25, 1, 4)
    assert (q2["offered"], _rate(q2["service_level"]), _rate(q2["abandon_rate"])) == (3, (round(1 / 3, 4), 1, 3), (round(1 / 3, 4), 1, 3))
    agents = d["calls"]["agents"]
    assert list(agents) == ["a1", "a2"]
    assert agents["a1"]["answered"] == 2 and _rate(agents["a1"]["aht_s"]) == (80.0, 160, 2) and _rate(agents["a1"]["asa_s"]) == (15.0, 30, 2)
    assert agents["a2"]["answered"] == 1 and agents["a2"]["aht_s"]["value"] == 200.0
    halves = {h["from"][11:16]: (h["offered"], h["answered"], h["abandoned"]) for h in d["calls"]["half_hours"]}
    assert len(halves) == 16
    assert halves["08:00"] == (2, 2, 0) and halves["08:30"] == (2, 0, 2) and halves["09:00"] == (1, 1, 0)
    assert halves["10:00"] == (2, 0, 1) and halves["15:30"] == (1, 0, 0)
    assert sum(v[0] for v in halves.values()) == 8


def test_tickets_callbacks_events_worked_by_hand(store):
    fill(store)
    d = _report(store)
    t = d["tickets"]
    # Registered in the shift: 000001..000004 (000005 is merged, the 11-22/11-20 ones are older).
    assert (t["registered"], t["answered_on_spot"], t["dispatched"]) == (4, 1, 2)
    assert _rate(t["on_spot_rate"]) == (0.25, 1, 4)
    assert (t["acknowledged"], t["acknowledged_late"], t["replied"], t["closed"]) == (1, 1, 1, 1)
    assert t["by_category"] == {"complaint": 1, "consult": 1, "elderly": 1, "public": 1}
    assert t["by_department"] == {
        "CGJ": {"dispatched": 1, "acknowledged": 0, "acknowledged_late": 0, "replied": 0},
        "GAJ": {"dispatched": 1, "acknowledged": 1, "acknowledged_late": 1, "replied": 0},
        "JYJ": {"dispatched": 0, "acknowledged": 0, "acknowledged_late": 0, "replied": 1}}
    assert t["overdue"] == {"yellow": 0, "red": 2, "by_department": {"CGJ": {"yellow": 0, "red": 1},
                                                                      "WJW": {"yellow": 0, "red": 1}}}
    cb = d["callbacks"]
    assert (cb["due"], cb["done"], cb["not_reached"], cb["open"]) == (2, 1, 0, 2)
    assert cb["ticket_callbacks"] == {"satisfied": 1, "unsatisfied": 1, "unconfirmed": 0}
    assert _rate(cb["satisfaction"]) == (0.5, 1, 2)
    ev = d["events"]
    assert ev["callers_over_wait_limit"] == 2                          # m6 130 s, m7 150 s > 120 s
    assert ev["service_level_breaches"] == []                          # no half hour had 5 offered
    assert ev["elderly_one_touch_tickets"] == ["20261123-000004"]
    from hotline_tui.calendar import load_calendar
    assert ev["provisional_calendar"] == load_calendar(DEMO_DIR).warning(date(2026, 11, 23))
    assert [(n["author"], n["text"]) for n in d["notes"]] == [("duty", "q2 线路 10 点抖动 | 已报修")]


def test_open_items_handed_over(store):
    fill(store)
    oi = _report(store)["open_items"]
    assert oi["horizon"] == "2026-11-24T00:00:00+08:00"                # 中班 ends at midnight; Tuesday works
    assert [(i["serial"], i["owner"]) for i in oi["unacknowledged_dispatches"]["items"]] == [("20261123-000002", "CGJ")]
    assert [(i["serial"], i["owner"], i["due"]) for i in oi["due_next_shift"]["items"]] == [
        ("20261122-000001", "JYJ", "2026-11-23T20:00:00+08:00")]
    assert [(i["serial"], i["owner"], i["light"]) for i in oi["overdue"]["items"]] == [
        ("20261123-000002", "CGJ", "red"), ("20261122-000002", "WJW", "red")]
    assert [(i["caller"], i["owner"]) for i in oi["callbacks_owed"]["items"]] == [("13800000009", "a2"), ("13800000001", "a1")]
    # m3 is a short abandon, m7 was called back at 11:00: only m4 is owed.
    assert [(i["caller"], i["owner"], i["wait_s"]) for i in oi["abandoned_not_called_back"]["items"]] == [("13800000001", "a1", 45)]


def test_numbers_masked_for_a_viewer_without_personal_data(store):
    fill(store)
    oi = _report(store, "director")["open_items"]
    assert [i["caller"] for i in oi["callbacks_owed"]["items"]] == ["138****0009", "138****0001"]


def _cli(db_target, *args, env=None):
    return CliRunner().invoke(cli, ["--db", db_target, "report", *args], env=env, catch_exceptions=False)


@pytest.mark.parametrize("fmt", ["txt", "md", "json", "html"])
def test_cli_is_deterministic_without_a_terminal(store, db_target, fmt):
    fill(store)
    args = ("handover", "--shift", "早班", "--at", AS_OF, "--format", fmt)
    one = _cli(db_target, *args, env={"TERM": None, "COLUMNS": "40"})
    two = _cli(db_target, *args, env={"TERM": "xterm-256color", "COLUMNS": "300"})
    assert one.exit_code == 0, one.output
    assert one.output == two.output
    assert "\x1b" not in one.output
    if fmt == "json":
        assert json.loads(one.output)["calls"]["total"]["offered"] == 8
    if fmt == "txt":
        assert "早班" in one.output and "█" in one.output               # the bar chart
    if fmt == "html":
        assert one.output.count("<svg") == 1 and "q2 线路 10 点抖动 | 已报修" in one.output
    if fmt == "md":
        assert "q2 线路 10 点抖动 \\| 已报修" in one.output                 # a pipe in a note cannot break the table


def test_cli_writes_the_output_file(store, db_target, tmp_path):
    fill(store)
    out = tmp_path / "handover.json"
    r = _cli(db_target, "handover", "--shift", "早班", "--at", AS_OF, "--format", "json", "--output", str(out))
    assert r.exit_code == 0 and r.output == ""
    assert json.loads(out.read_text("utf-8"))["tickets"]["registered"] == 4


def test_cli_failure_is_one_line_and_non_zero(store, db_target):
    r = _cli(db_target, "handover", "--shift", "午班", "--at", AS_OF)
    assert r.exit_code != 0
    assert r.output.strip().count("\n") == 0 and "午班" in r.output
    r = _cli(db_target, "handover", "--shift", "早班", "--from", "2026-11-23T08:00", "--at", AS_OF)
    assert r.exit_code != 0 and r.output.strip().count("\n") == 0


def test_sign_off_and_receive_are_stored_and_audited(store, db_target):
    fill(store)
    base = ("handover", "--shift", "早班", "--format", "json")
    r = _cli(db_target, *base, "--at", "2026-11-23T15:56:00+08:00", "--receive", "--as", "lead2")
    assert r.exit_code != 0 and "not been handed over" in r.output
    r = _cli(db_target, *base, "--at", "2026-11-23T15:56:00+08:00", "--sign-off", "--as", "duty")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["signoffs"] == [{"role": "handed_over", "user": "duty", "at": "2026-11-23T15:56:00+08:00"}]
    r = _cli(db_target, *base, "--at", "2026-11-23T16:01:00+08:00", "--receive", "--as", "lead2")
    assert r.exit_code == 0, r.output
    assert [(s["role"], s["user"]) for s in json.loads(r.output)["signoffs"]] == [("handed_over", "duty"), ("received", "lead2")]
    r = _cli(db_target, *base, "--at", "2026-11-23T16:02:00+08:00", "--sign-off", "--as", "duty")
    assert r.exit_code != 0 and "already handed over" in r.output
    r = _cli(db_target, *base, "--at", "2026-11-23T16:02:00+08:00", "--sign-off", "--as", "agent1001")
    assert r.exit_code != 0                                            # agents hold no handover.write
    actions = [e.action for e in store.audit.recent(20) if e.subject_type == "shift"]
    assert actions.count("handover.handed_over") == 1 and actions.count("handover.received") == 1
