"""The desk's callback list (F8, issue 17): the agent's own abandoned-call tasks and the
ticket callbacks due; ``c`` calls back through the real ESL adapter to the simulator (the
agent's phone first, then the citizen), ``r`` records the result: a failed try comes back
later, a ticket callback goes into the ticket."""

from __future__ import annotations

from textual.widgets import DataTable

from hotline_tui.calls_port import CallbackTask
from screens.app import HotlineApp
from screens.desk_callbacks import DeskCallbacksScreen
from screens.desk_dialogs import ChoiceScreen
from screens.dialogs import PromptScreen
from tests.waiting import wait_until_async


async def wait_until(pilot, pred, what: str, timeout: float = 10):
    return await wait_until_async(pred, timeout=timeout, interval=0.02, sleep=pilot.pause, what=what)


def my_task(store, services, number: str = "13800001234") -> int:
    at = services.clock.now().timestamp() - 600
    tid = store.calls.add_callback(CallbackTask(0, "m-cb", "general@12345", number, "王女士", at, "", "open", "", at))
    assert store.calls.assign_callback(tid, ["1001"], at) == "1001"
    return tid


async def test_an_agent_calls_back_from_the_desk_and_records_a_failed_try(live_rig):
    services, cc, store = live_rig
    services.user = services.access.user("agent1001")
    tid = my_task(store, services)
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44)) as pilot:
        await pilot.pause()
        await pilot.press("f8")
        screen = await wait_until(pilot, lambda: isinstance(app.screen, DeskCallbacksScreen) and app.screen, "the list")
        await wait_until(pilot, lambda: screen.loads >= 1, "the list loaded")
        key = f"abandoned:{tid}"
        assert key in screen.items and screen.items[key].number == "13800001234"
        table = screen.query_one("#cb-list", DataTable)
        assert list(table.rows.keys())[0].value == key          # my abandoned tasks first

        await pilot.press("c")                                   # originate over ESL to the simulator
        uuid = await wait_until(pilot, lambda: screen.calls.get(key), "the callback placed")
        assert uuid in cc.calls                                  # the agent's leg, bridged to the citizen
        leg = cc.channels[cc.calls[uuid][0]]
        assert "13800001234" in leg.name
        trail = [e for e in store.audit.for_subject("callback", str(tid)) if e.action == "call.originate_callback"]
        assert trail and trail[-1].after["agent"] == "1001" and trail[-1].actor == "agent1001"

        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen), "the results")
        await pilot.press(str(services.callback_desk.results("abandoned").index("no_answer") + 1))
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen), "the note")
        await pilot.press(*"无人接听", "enter")
        await wait_until(pilot, lambda: store.calls.callback(tid).attempts == 1, "the attempt stored")
        task = store.calls.callback(tid)
        retry = services.callback_desk.settings.retry_after_s
        assert (task.state, task.due_at) == ("open", services.clock.now().timestamp() + retry)
        att = store.calls.attempts("abandoned", [str(tid)])
        assert [(a.result, a.agent, a.call_id, a.note) for a in att] == [("no_answer", "1001", uuid, "无人接听")]
        # it comes back after retry_after_min: until then it is off the list
        await wait_until(pilot, lambda: key not in screen.items, "the task off the list until its retry")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, DeskCallbacksScreen), "back on the desk")


async def test_a_ticket_callback_due_is_recorded_into_the_ticket(live_rig):
    services, cc, store = live_rig
    services.user = services.access.user("agent1001")
    pending = services.tickets.search(services.user, state="callback_pending", limit=5)
    assert pending, "the seeded store has tickets waiting for a callback"
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44)) as pilot:
        await pilot.pause()
        await pilot.press("f8")
        screen = await wait_until(pilot, lambda: isinstance(app.screen, DeskCallbacksScreen) and app.screen, "the list")
        await wait_until(pilot, lambda: screen.loads >= 1, "the list loaded")
        key = next(k for k in screen.items if k.startswith("ticket:"))
        serial = key.split(":", 1)[1]
        table = screen.query_one("#cb-list", DataTable)
        table.move_cursor(row=table.get_row_index(key))
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen), "the results")
        assert [c for c, _ in app.screen.choices] == ["satisfied", "unsatisfied", "unconfirmed"]
        await pilot.press("1")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen), "the note")
        await pilot.press("enter")
        await wait_until(pilot, lambda: store.tickets.get(serial).state == "called_back", "the ticket called back")
        t = store.tickets.get(serial)
        assert (t.callback_result, t.callback_handler) == ("satisfied", "satisfied")
        assert [a.result for a in store.calls.attempts("ticket", [serial])] == ["satisfied"]
        await wait_until(pilot, lambda: key not in screen.items, "off the list")


async def test_handover_reassigns_only_to_an_agent_logged_in_on_the_live_picture(db_copy):
    from textual.widgets import Input

    from screens.dialogs import PromptScreen
    from .conftest import build

    services, cc, store = build(db_copy)              # duty: callbacks.assign
    snap = services.live.snapshot(services.now())
    logged_in = next(a.name for a in snap.agents if a.status != "Logged Out" and a.name != "1001")
    logged_out = next((a.name for a in snap.agents if a.status == "Logged Out"), None)
    tid = my_task(store, services)
    app = HotlineApp(services, start_screen="handover")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        table = screen.query_one("#callbacks", DataTable)
        await wait_until(pilot, lambda: table.row_count and screen.roster, "the tasks and the live picture")
        table.move_cursor(row=table.get_row_index(str(tid)))
        for agent in ["9999"] + ([logged_out] if logged_out else []):
            await pilot.press("R")
            await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen), "the agent prompt")
            app.screen.query_one(Input).value = agent
            await pilot.press("enter")
            await wait_until(pilot, lambda: app.screen is screen, "the prompt closed")
            await pilot.pause()
            assert store.calls.callback(tid).assigned_to == "1001"          # refused: nothing written
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen), "the agent prompt")
        app.screen.query_one(Input).value = logged_in
        await pilot.press("enter")
        await wait_until(pilot, lambda: store.calls.callback(tid).assigned_to == logged_in, "reassigned")
    assert [e.action for e in store.audit.for_subject("callback", str(tid))] == ["callback.reassign"]
