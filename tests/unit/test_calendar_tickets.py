"""The year-end crossing through the real TicketService on SQLite and PostgreSQL: a dispatch
whose deadline falls in 2027 (no 2027 calendar file) works, and tickets backdated into years
without a file do not break listing or showing."""

import json
from datetime import datetime

from click.testing import CliRunner

from hotline import cli
from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake


def _intake(**kw):
    base = dict(channel="phone", caller_phone="13812341234", caller_name="张三", content="小区供暖不热",
                category="complaint", subcategory="供水供暖", district="秦都区")
    base.update(kw)
    return Intake(**base)


def test_registered_2026_12_30_with_a_2027_deadline(store):
    clock = FixedClock("2026-12-30T10:00:00+08:00")
    svc = ticket_service(store, DEMO_DIR, clock)
    u = svc.access.user
    t = svc.register(u("agent1001"), _intake())
    t = svc.dispatch(u("handler"), t.serial, "RQGS")
    clock.advance(minutes=10)
    t = svc.acknowledge(u("duty"), t.serial)
    # complaint: 5 working days from dispatch on 30 Dec: 31 Dec; 1 Jan 元旦; 4, 5, 6, 7 Jan.
    assert t.state == "handling"
    assert t.handle_due == datetime(2027, 1, 7, 17, 30, tzinfo=SITE_TZ)
    assert t.current_due == t.handle_due
    assert svc.policy.calendar.provisional_years(clock.now().date()) == [2027]
    # On 2027-01-04 the ticket is read, listed and lit from the same store.
    clock.advance(days=5)
    shown = svc.get(u("duty"), t.serial)
    assert shown.handle_due == t.handle_due and svc.light(shown) == "green"
    assert [x.serial for x in svc.search(u("duty"))] == [t.serial]


def test_backdated_tickets_in_years_without_a_file_list_and_show(store, db_target):
    clock = FixedClock("2026-12-28T10:00:00+08:00")
    svc = ticket_service(store, DEMO_DIR, clock)
    u = svc.access.user
    serials = []
    for at in ("2019-06-03T10:00:00+08:00", "2024-12-30T10:00:00+08:00", "2026-12-28T09:00:00+08:00"):
        t = svc.register(u("agent1001"), _intake(), at=datetime.fromisoformat(at))
        t = svc.dispatch(u("handler"), t.serial, "RQGS", at=datetime.fromisoformat(at))
        serials.append(t.serial)
    assert {t.serial for t in svc.search(u("duty"))} == set(serials)
    for s in serials:
        svc.light(svc.get(u("duty"), s))
    # and from the shell, on the same store
    runner = CliRunner()
    r = runner.invoke(cli, ["--db", db_target, "tickets", "list", "--json"])
    assert r.exit_code == 0, r.output
    assert {x["serial"] for x in json.loads(r.stdout)} == set(serials)
    r = runner.invoke(cli, ["--db", db_target, "tickets", "show", serials[0], "--json"])
    assert r.exit_code == 0, r.output
