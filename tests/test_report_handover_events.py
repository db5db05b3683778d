"""The handover's per-team figures and the notable events that need the store's reports component
(switch links lost / regained, blacklisted and elderly one-touch callers), on the hand-checked
fixture shift (tests/report_shift.py) and both stores; the link log is idempotent and survives a
restart (a report rebuilt later from a fresh store handle sees it)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from backends.store import open_store
from hotline import cli
from hotline_tui import switch as sw
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.kpi import load_kpi_settings
from hotline_tui.reports import handover as ho
from hotline_tui.reports.links import LinkRecorder
from hotline_tui.reports.period import shift_named
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.model import Caller

from .report_shift import AS_OF, at, fill

TEAMS = {"a1": "一组", "a2": "二组", "a3": "二组"}


def _report(store, viewer: str = "duty") -> dict:
    clock = FixedClock(AS_OF)
    settings = load_kpi_settings(DEMO_DIR)
    svc = ticket_service(store, DEMO_DIR, clock)
    period = shift_named("早班", clock.now(), settings)
    inp = ho.gather(period, as_of=clock.now(), settings=settings, calls=store.calls, tickets=svc, notes=[], signoffs=[],
                    teams=TEAMS, reports=store.reports)
    return ho.handover(inp, settings, svc.access.user(viewer))


def _links(store) -> int:
    """Feed the fixture's link events through a recorder; returns how many rows were new."""
    rec = LinkRecorder(store.reports)
    for e in (sw.LinkUp("fs2", at(8, 30).timestamp()),                        # lost before the shift
              sw.LinkDown("fs1", at(10, 0).timestamp(), "connection reset"),
              sw.Heartbeat("fs1", at(10, 1).timestamp()),                     # not a link change: ignored
              sw.LinkUp("fs1", at(10, 2).timestamp()),
              sw.LinkDown("fs1", at(15, 0).timestamp(), "timeout"),           # still down at 15:55
              sw.LinkDown("fs1", at(7, 0).timestamp(), "before the shift")):  # outside: not listed
        rec(e)
    assert rec.flush() == 5
    return rec.written


def test_team_figures_from_the_site_teams(store):
    fill(store)
    teams = _report(store)["calls"]["teams"]
    # 一组 = a1: m1 (wait 10, talk 100) and m5 (20, 60); 二组 = a2, a3: m2 (30, 200); a3 took none.
    assert list(teams) == ["一组", "二组"]
    one, two = teams["一组"], teams["二组"]
    assert (one["agents"], one["answered"], one["aht_s"]["value"], one["asa_s"]["value"]) == (1, 2, 80.0, 15.0)
    assert (two["agents"], two["answered"], two["aht_s"]["value"], two["asa_s"]["value"]) == (2, 1, 200.0, 30.0)


def test_switch_links_lost_and_regained(store, db_target):
    fill(store)
    assert _links(store) == 5
    assert _links(store) == 0                        # a second writer / a retried flush: nothing twice
    assert len(store.reports.link_changes(0, 2e9)) == 5
    # rebuilt later from a fresh handle on the same store: the log is in the store, not in memory
    again = open_store(db_target)
    try:
        links = _report(again)["events"]["switch_links"]
    finally:
        again.close()
    assert links == [
        {"node": "fs2", "lost_at": None, "regained_at": "2026-11-23T08:30:00+08:00", "reason": "", "down_s": 1800.0},
        {"node": "fs1", "lost_at": "2026-11-23T10:00:00+08:00", "regained_at": "2026-11-23T10:02:00+08:00",
         "reason": "connection reset", "down_s": 120.0},
        {"node": "fs1", "lost_at": "2026-11-23T15:00:00+08:00", "regained_at": None, "reason": "timeout",
         "down_s": 3300.0},                           # down until "now" (15:55)
    ]


def test_blacklisted_and_elderly_callers(store):
    fill(store)
    store.tickets.save_caller(Caller("13800000001", "", "blacklist", ""))    # m4 abandoned 08:50
    store.tickets.save_caller(Caller("13800000016", "", "blacklist", ""))    # m6 timeout 10:00
    store.tickets.save_caller(Caller("13800000012", "", "elderly", ""))      # m2 answered
    store.tickets.save_caller(Caller("13800000003", "", "elderly", ""))      # m3 short abandon
    store.tickets.save_caller(Caller("13800000015", "", "vip", ""))          # not notable
    ev = _report(store)["events"]
    assert ev["elderly_one_touch_calls"] == {"offered": 2, "answered": 1, "abandoned": 1}
    assert ev["elderly_one_touch_tickets"] == ["20261123-000004"]
    bl = ev["blacklisted_callers"]
    assert bl["calls"] == 2
    assert [(x["caller"], x["calls"], x["queues"]) for x in bl["callers"]] == [("13800000001", 1, ["q1"]),
                                                                              ("13800000016", 1, ["q2"])]
    assert bl["callers"][0]["last_at"] == "2026-11-23T08:50:45+08:00"
    masked = _report(store, "director")["events"]["blacklisted_callers"]["callers"]
    assert [x["caller"] for x in masked] == ["138****0001", "138****0016"]


def test_cli_shows_teams_and_events(store, db_target):
    fill(store)
    _links(store)
    store.tickets.save_caller(Caller("13800000001", "", "blacklist", ""))
    r = CliRunner().invoke(cli, ["--db", db_target, "report", "handover", "--shift", "早班", "--at", AS_OF,
                                 "--format", "json"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    teams = d["calls"]["teams"]                        # the demo site.yaml's teams; a1/a2 are none of their agents
    assert len(teams) >= 2 and all(t["agents"] > 0 and t["answered"] == 0 for t in teams.values())
    assert len(d["events"]["switch_links"]) == 3 and d["events"]["blacklisted_callers"]["calls"] == 1
    r = CliRunner().invoke(cli, ["--db", db_target, "report", "handover", "--shift", "早班", "--at", AS_OF],
                           catch_exceptions=False)
    assert "switch link fs1 lost 11-23 10:00, regained 11-23 10:02 (120 s down): connection reset" in r.output
    assert "blacklisted callers: 1 (1 calls)" in r.output
