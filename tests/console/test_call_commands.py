"""Pilot tests of the ':' call commands (issue 18): pick up, move caller, priority, transfer and
hang up ask the same question as their keys (a ':' line never acts at once), have Chinese
aliases, name a caller by number / uuid prefix / #N or take the highlighted row, say so in one
line when the name matches nothing, and land on the switch through the real ESL adapter."""

from __future__ import annotations

from screens.app import HotlineApp
from screens.commands import Command, parse
from screens.live_table import LiveTable
from tests.waiting import wait_until_async

from .test_callers import QUEUE, callers_rig, members
from .test_screens import settle


def test_parse_call_commands_and_their_chinese_aliases():
    assert parse(":pickup") == Command("call", ":pickup", "pickup")
    assert parse("接起 13800001111") == Command("call", "接起 13800001111", "pickup", ("13800001111",))
    assert parse("转队列 elderly@12345 #2").agents == ("elderly@12345", "#2")
    assert parse("优先 900").name == "priority" and parse("转接 1902 1001").name == "transfer"
    assert parse("挂断 1001") == Command("call", "挂断 1001", "hangup", ("1001",))
    assert parse("movecaller").kind == "unknown" and parse("priority").kind == "unknown"   # no queue / number


async def _asked(app, pilot, line: str) -> str:
    app.run_command(line)
    await pilot.pause()
    return type(app.screen).__name__


async def test_pickup_movecaller_and_priority_ask_like_their_keys(live_rig):
    services, cc, store, plain, vip = await callers_rig(live_rig)
    app = HotlineApp(services, start_screen="callers")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, services)
        # a priority by number: asked; "n" sends nothing
        assert await _asked(app, pilot, ":priority 900 13800001111") == "ConfirmScreen"
        await pilot.press("n")
        await pilot.pause(0.1)
        assert members(cc, QUEUE)[0]["cid_number"] == "13800002222"
        assert await _asked(app, pilot, ":优先 900 13800001111") == "ConfirmScreen"
        await pilot.press("y")
        await wait_until_async(lambda: [r["cid_number"] for r in members(cc, QUEUE)][:1] == ["13800001111"],
                               timeout=10, interval=0.02, sleep=pilot.pause, what="the caller first in the queue")
        assert store.audit.for_subject("call", plain.session_uuid)[-1].action == "call.priority"
        # move by a uuid prefix, to a queue that does not exist: one line, nothing asked
        await settle(pilot, services)
        assert await _asked(app, pilot, f":movecaller nowhere {vip.uuid[:8]}") == "WaitingScreen"
        assert await _asked(app, pilot, f":转队列 elderly@12345 {vip.uuid[:8]}") == "ConfirmScreen"
        await pilot.press("y")
        await wait_until_async(lambda: any(m.session_uuid == vip.session_uuid and m.queue == "elderly@12345"
                                           for m in cc.members.values()), timeout=10, interval=0.02,
                               sleep=pilot.pause, what="the VIP in the elderly queue")
        # no caller named: the highlighted row is picked up
        await settle(pilot, services)
        table = app.screen.query_one("#callers", LiveTable)
        key = next(k for k in table.order if table.row_texts(k)[0] == "13800001111")
        table.move_cursor(table.index[key])
        await pilot.pause()
        assert await _asked(app, pilot, ":pu") == "ConfirmScreen"
        await pilot.press("y")
        await wait_until_async(lambda: cc.channels.get(plain.session_uuid) is not None
                               and cc.channels[plain.session_uuid].dest == "1900", timeout=10, interval=0.02,
                               sleep=pilot.pause, what="the caller transferred to 1900")
        assert await _asked(app, pilot, ":pickup 13999999999") == "WaitingScreen"     # nobody: one line
    trail = [e.action for e in store.audit.for_subject("call", plain.session_uuid)]
    assert trail[-1] == "call.pick_up"


async def test_transfer_and_hangup_of_an_agents_call_by_command(live_rig):
    services, cc, store = live_rig
    calls = [m for m in cc.members.values() if m.state == "Answered"]
    assert len(calls) >= 2, "the rig's call centre has calls in progress"
    first, second = calls[0], calls[1]
    app = HotlineApp(services, start_screen="agents")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, services)
        assert await _asked(app, pilot, f":转接 1902 {first.serving_agent}") == "ConfirmScreen"
        await pilot.press("y")
        await wait_until_async(lambda: cc.channels.get(first.session_uuid) is not None
                               and cc.channels[first.session_uuid].dest == "1902", timeout=10, interval=0.02,
                               sleep=pilot.pause, what="the call moved to 1902")
        assert await _asked(app, pilot, f":hangup {second.serving_agent}") == "ChoiceScreen"   # the reason first
        await pilot.press("4")                      # stuck call
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("y")
        await wait_until_async(lambda: second.session_uuid not in cc.channels, timeout=10, interval=0.02,
                               sleep=pilot.pause, what="the call hung up")
    e = store.audit.for_subject("agent", first.serving_agent)[-1]
    assert e.action == "call.transfer" and e.after["to"] == "1902"
    hang = [e for e in store.audit.for_subject("agent", second.serving_agent) if e.action == "call.hangup"]
    assert hang and hang[-1].note == "stuck"


async def test_readonly_and_a_role_without_calls_control_are_refused_without_a_question(live_rig):
    services, cc, store, plain, vip = await callers_rig(live_rig)
    services.user = services.access.user("qa")
    app = HotlineApp(services, start_screen="callers")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, services)
        assert await _asked(app, pilot, f":pickup {plain.uuid[:8]}") == "WaitingScreen"
        assert await _asked(app, pilot, f":挂断 {plain.uuid[:8]}") == "WaitingScreen"
    assert cc.channels[plain.session_uuid].dest != "1900" and plain.session_uuid in cc.channels


async def test_help_lists_the_call_commands(live_rig):
    services, cc, store = live_rig
    app = HotlineApp(services, start_screen="callers")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = app.screen.text
        assert "pickup|pu" in text and "movecaller|mc" in text and "hangup|hup" in text


async def test_without_a_name_on_a_screen_with_no_row_of_callers_or_agents_nothing_is_asked(live_rig):
    services, cc, store = live_rig
    app = HotlineApp(services, start_screen="wallboard")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, services)
        for line in (":pickup", ":hangup", ":transfer 1902", ":挂断 #999"):
            assert await _asked(app, pilot, line) == "WallboardScreen", line
