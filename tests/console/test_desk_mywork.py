"""My work (issue 17, F5 on the desk): the tickets the agent registered, the callback tasks
assigned to their agent, today's answered calls and talk time from the call record — read from
the store, so what a restart would lose is not kept on screen. Pilot test on a real SQLite store."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from hotline_tui.calls_port import CallbackTask, CallRecord
from hotline_tui.tickets.service import Intake
from screens.app import HotlineApp
from screens.desk_mywork import MyWorkScreen
from tests.waiting import wait_until_async

from .conftest import T0, with_kb


async def wait_until(pilot, pred, what: str, timeout: float = 10):
    await wait_until_async(pred, timeout=timeout, interval=0.02, sleep=pilot.pause, what=what)


async def test_f5_shows_my_tickets_callbacks_and_todays_calls(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001")
    me = services.user
    t = services.tickets.register(me, Intake(channel="phone", caller_phone="13912340011", content="我的工单",
                                             category="consult"))
    services.tickets.register(services.access.user("duty"), Intake(channel="phone", caller_phone="13912340012",
                                                                   content="别人的工单", category="consult"))
    at = T0.timestamp() - 600
    store.calls.add_records([
        CallRecord("m1", "sim", "general@12345", "13912340011", "", "1001", at - 40, at - 30, at, "answered", 10.0, 95.0),
        CallRecord("m2", "sim", "general@12345", "13912340013", "", "1002", at - 40, at - 30, at, "answered", 10.0, 300.0),
    ])
    store.calls.add_callback(CallbackTask(0, "m9", "general@12345", "13912340099", "", at, "1001", "open", "", at))
    store.calls.add_callback(CallbackTask(0, "m8", "general@12345", "13912340098", "", at, "1002", "open", "", at))
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(80, 24)) as pilot:
        desk = app.screen
        await pilot.press("f5")
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen) and app.screen.work is not None, "my work")
        mw = app.screen
        tickets = mw.query_one("#mywork-tickets", DataTable)
        assert t.serial in [k.value for k in tickets.rows] and tickets.row_count == len(mw.work.tickets)
        assert all(x.registered_by == "agent1001" for x in mw.work.tickets)
        callbacks = mw.query_one("#mywork-callbacks", DataTable)
        assert callbacks.row_count == 1 and [c.caller_number for c in mw.work.callbacks] == ["13912340099"]
        assert (mw.work.calls_today, mw.work.talk_today_s) == (1, 95.0)
        summary = str(mw.query_one("#mywork-sum", Static).render())
        assert "1 calls" in summary and "1:35" in summary
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is desk, "back at the desk")
    store.close()
