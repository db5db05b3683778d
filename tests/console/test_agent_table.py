"""Issue 18's agent table: group headers with subtotals, the sort key and direction shown, the
pause-reason column (the desk's audited reason), Flags visible at 80x24."""

from __future__ import annotations

from hotline_tui.audit import AuditEntry
from screens.app import HotlineApp
from screens.live_table import LiveTable
from tests.waiting import wait_until_async

from .conftest import build
from .test_screens import settle


async def test_grouping_shows_headers_with_subtotals_and_sort_direction(db_copy):
    services, cc, _ = build(db_copy)
    app = HotlineApp(services, start_screen="agents")
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        t = app.screen.query_one("#agents", LiveTable)
        heads = [k for k in t.order if k.startswith("\x00group:")]
        snap = services.live.snapshot(services.now())
        teams = {a.team for a in snap.agents}
        assert len(heads) == len(teams)
        one = [a for a in snap.agents if a.team == "话务一班"]
        head = t.row_texts("\x00group:话务一班")
        brk = sum(1 for a in one if a.status == "On Break")
        assert head[0] == "▾ 话务一班" and head[1] == str(len(one)) and head[5] == f"{brk} Break"
        await pilot.press("g")                                   # by queue: a header per queue
        await pilot.pause()
        head = t.row_texts("\x00group:general@12345")
        assert head[0] == "▾ " + services.queue_names["general@12345"]
        t.move_cursor(0)
        await pilot.press("b")                                   # on a header nothing is asked
        await pilot.pause()
        assert type(app.screen).__name__ == "AgentsScreen"
        await pilot.press("s", "s")                              # time in state: longest first
        await pilot.pause()
        assert "sort In state ↓" in app.screen.sub_title
        await pilot.press("S")                                   # the other way round
        await pilot.pause()
        assert "sort In state ↑" in app.screen.sub_title


async def test_pause_reason_from_the_desks_audit_and_flags_at_80x24(db_copy):
    services, cc, store = build(db_copy)
    from hotline_tui.supervisor import Supervisor
    services.supervisor = Supervisor(None, services.access, store.audit, services.clock)   # type: ignore[arg-type]
    cc.set_agent_status("1001", "On Break")
    now = services.clock.now()
    store.audit.append(AuditEntry("agent1001", "agent.set_status", "agent", "1001", now, now, {"status": "Available"},
                                  {"status": "On Break", "reason": "meal"}, "meal"))
    cc.set_agent_status("1002", "On Break")
    store.audit.append(AuditEntry("duty", "agent.set_status", "agent", "1002", now, now, {"status": "Available"},
                                  {"status": "On Break"}, ""))
    app = HotlineApp(services, start_screen="agents")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, services)
        t = app.screen.query_one("#agents", LiveTable)
        keys = [key for key, _, _ in t.columns]
        assert "flags" in keys and "pause_reason" in keys
        assert sum(t.widths) + len(t.widths) <= 80              # every column on screen, Flags among them
        col = keys.index("pause_reason")
        await wait_until_async(lambda: t.row_texts("1001")[col] == "Meal", timeout=10, interval=0.02,
                               sleep=pilot.pause, what="the desk's reason for 1001")
        app.refresh_now()
        await pilot.pause()
        assert t.row_texts("1002")[col] == "(duty)"              # a supervisor's break: who set it


async def test_breaks_asked_about_stay_bounded_over_a_shift(db_copy):
    """Each break's reason is asked of the audit log once; the breaks remembered for that are
    pruned to those still shown once they outnumber the agents twice (issue 21: memory)."""
    services, cc, _ = build(db_copy)
    app = HotlineApp(services, start_screen="agents")
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen._reason_asked |= {(f"gone{i}", float(i)) for i in range(1000)}   # breaks long over
        screen.reasons["kept"] = (5.0, None)
        screen._reason_asked.add(("kept", 5.0))
        app.refresh_now()
        await pilot.pause()
        n = len(services.live.snapshot(services.now()).agents)
        assert len(screen._reason_asked) <= 2 * n + 100
        assert ("kept", 5.0) in screen._reason_asked and ("gone1", 1.0) not in screen._reason_asked
