"""Pilot tests of issue 18's call control: the waiting callers screen (8), its actions and the
agents screen's transfer / hang-up, through the real ESL adapter over TCP to the simulator.
Each action is confirmed, lands on the switch (``show channels`` over the same link shows the
call move) and is in the store's audit log."""

from __future__ import annotations

import json

from backends.sim.api import run_api
from hotline_tui.tickets.model import Caller
from screens.app import HotlineApp
from screens.live_table import LiveTable
from tests.waiting import wait_until_async

from .test_screens import settle

QUEUE = "foreign@12345"


def quiet_queue(cc):
    """Nobody answers ``QUEUE``: its agents log out, callers already there leave."""
    for t in list(cc.tiers.values()):
        if t.queue == QUEUE:
            cc.set_agent_status(t.agent, "Logged Out")
    for m in [m for m in cc.members.values() if m.queue == QUEUE]:
        cc.kill(m.session_uuid)


async def channels(services) -> dict[str, dict]:
    body = await services.switch.api("show channels as json")      # over the console's own link
    return {r["uuid"]: r for r in json.loads(body).get("rows", [])}


def members(cc, q):
    lines = run_api(cc, f"callcenter_config queue list members {q}").strip().splitlines()[:-1]
    head = lines[0].split("|") if lines else []
    return [dict(zip(head, ln.split("|"))) for ln in lines[1:]]


async def callers_rig(live_rig):
    services, cc, store = live_rig
    quiet_queue(cc)
    plain = cc.arrive(QUEUE, "13800001111")
    cc.now += 40
    vip = cc.arrive(QUEUE, "13800002222", base_score=600)
    store.tickets.save_caller(Caller("13800001111", "", "elderly", ""))
    return services, cc, store, plain, vip


async def test_waiting_callers_in_the_switchs_order_with_class_priority_and_pick_up(live_rig):
    services, cc, store, plain, vip = await callers_rig(live_rig)
    app = HotlineApp(services, start_screen="wallboard")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("8")
        await settle(pilot, services)
        assert type(app.screen).__name__ == "WaitingScreen"
        table = app.screen.query_one("#callers", LiveTable)
        await wait_until_async(lambda: table.row_texts(plain.uuid)[1] == "elderly", timeout=10, interval=0.02,
                               sleep=pilot.pause, what="the elderly class from the store")
        app.refresh_now()
        mine = [k for k in table.order if k in (plain.uuid, vip.uuid)]
        assert mine == [vip.uuid, plain.uuid]                  # the VIP is offered first
        v, p = table.row_texts(vip.uuid), table.row_texts(plain.uuid)
        assert v[0] == "13800002222" and v[2] == "600" and v[4] == "1" and v[6] == "waiting"
        assert p[0] == "13800001111" and p[2] == "0" and p[4] == "2"
        # pick the plain caller up to the duty supervisor's phone (roles.yaml contact 1900)
        table.move_cursor(table.index[plain.uuid])
        await pilot.press("u")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("y")
        await wait_until_async(lambda: cc.channels.get(plain.session_uuid) is not None
                               and cc.channels[plain.session_uuid].dest == "1900", timeout=10, interval=0.02,
                               sleep=pilot.pause, what="the caller transferred to 1900")
        chans = await channels(services)
        assert chans[plain.session_uuid]["dest"] == "1900"
        assert any(r["name"].startswith("sofia/internal/1900@") and r["call_uuid"] == plain.session_uuid
                   for r in chans.values())
        await settle(pilot, services)
        assert plain.uuid not in table.order
    trail = store.audit.for_subject("call", plain.session_uuid)
    assert [(e.action, e.actor, e.after["to"]) for e in trail] == [("call.pick_up", "duty", "1900")]


async def test_move_raise_priority_and_hang_up_with_a_reason(live_rig):
    services, cc, store, plain, vip = await callers_rig(live_rig)
    app = HotlineApp(services, start_screen="callers")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, services)
        table = app.screen.query_one("#callers", LiveTable)

        async def to(key):
            table.move_cursor(table.index[key])
            await pilot.pause()
        # raise the plain caller above the VIP
        await to(plain.uuid)
        await pilot.press("P")
        await pilot.pause()
        app.screen.query_one("#prompt").value = "900"
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("y")
        await wait_until_async(lambda: [r["cid_number"] for r in members(cc, QUEUE)][:1] == ["13800001111"],
                               timeout=10, interval=0.02, sleep=pilot.pause, what="the caller first in the queue")
        assert members(cc, QUEUE)[0]["base_score"] == "900"
        pri = store.audit.for_subject("call", plain.session_uuid)[-1]
        assert pri.action == "call.priority" and pri.before["priority"] == 0 and pri.after["priority"] == 900
        # move the VIP to the elderly line
        await settle(pilot, services)
        await to(vip.uuid)
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one("#prompt").value = "elderly@12345"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await wait_until_async(lambda: any(m.session_uuid == vip.session_uuid and m.queue == "elderly@12345"
                                           for m in cc.members.values()), timeout=10, interval=0.02,
                               sleep=pilot.pause, what="the VIP in the elderly queue")
        assert store.audit.for_subject("call", vip.session_uuid)[-1].after["queue"] == "elderly@12345"
        # hang the plain caller up, with a reason
        await settle(pilot, services)
        app.screen.queue = QUEUE                    # f cycles to one queue; here: straight to it
        await settle(pilot, services)
        await to(next(k for k in table.order if table.row_texts(k)[0] == "13800001111"))
        await pilot.press("h")
        await pilot.pause()
        assert type(app.screen).__name__ == "ChoiceScreen"
        await pilot.press("2")                      # silent call
        await pilot.pause()
        await pilot.press("y")
        await wait_until_async(lambda: plain.session_uuid not in cc.channels, timeout=10, interval=0.02,
                               sleep=pilot.pause, what="the call hung up")
    hang = [e for e in store.audit.for_subject("agent", plain.session_uuid) if e.action == "call.hangup"]
    assert hang and hang[-1].note == "silent" and hang[-1].after["reason"] == "silent"


async def test_masked_for_a_role_without_personal_data_but_the_class_still_shows(live_rig):
    services, cc, store, plain, vip = await callers_rig(live_rig)
    services.user = services.access.user("qa")
    app = HotlineApp(services, start_screen="callers")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, services)
        table = app.screen.query_one("#callers", LiveTable)
        await wait_until_async(lambda: table.row_texts(plain.uuid)[1] == "elderly", timeout=10, interval=0.02,
                               sleep=pilot.pause, what="the class for a masked viewer")
        assert table.row_texts(plain.uuid)[0] == "138****1111"
        await pilot.press("u")                      # qa may not act: nothing is asked, nothing sent
        await pilot.pause()
        assert type(app.screen).__name__ == "WaitingScreen"
    assert cc.channels[plain.session_uuid].dest != "1900"


async def test_agents_call_transferred_to_an_extension_and_audited(live_rig):
    services, cc, store = live_rig
    m = next((m for m in cc.members.values() if m.state == "Answered"), None)
    assert m is not None, "the rig's call centre has a call in progress"
    agent = m.serving_agent
    app = HotlineApp(services, start_screen="agents")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, services)
        table = app.screen.query_one("#agents", LiveTable)
        table.move_cursor(table.index[agent])
        await pilot.press("T")
        await pilot.pause()
        app.screen.query_one("#prompt").value = "1902"
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("y")
        await wait_until_async(lambda: cc.channels.get(m.session_uuid) is not None
                               and cc.channels[m.session_uuid].dest == "1902", timeout=10, interval=0.02,
                               sleep=pilot.pause, what="the call moved to 1902")
        assert (await channels(services))[m.session_uuid]["dest"] == "1902"
        await wait_until_async(lambda: cc.agents[agent].member == "", timeout=10, interval=0.02, sleep=pilot.pause,
                               what="the agent free")
    e = store.audit.for_subject("agent", agent)[-1]
    assert e.action == "call.transfer" and e.after["to"] == "1902" and e.after["call"] == m.session_uuid


async def test_colon_break_asks_the_same_question_as_its_key_and_has_a_chinese_alias(live_rig):
    services, cc, store = live_rig
    app = HotlineApp(services, start_screen="agents")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, services)
        was = cc.agents["1013"].status
        app.run_command(":break 1013")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("n")
        await pilot.pause(0.1)
        assert cc.agents["1013"].status == was
        app.run_command(":小休 1013")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("y")
        await wait_until_async(lambda: cc.agents["1013"].status == "On Break", timeout=10, interval=0.02,
                               sleep=pilot.pause, what="1013 on break")
    assert store.audit.for_subject("agent", "1013")[-1].after == {"status": "On Break"}


async def test_listen_is_confirmed_and_audited_who_listened_to_whom(live_rig):
    services, cc, store = live_rig
    m = next((m for m in cc.members.values() if m.state == "Answered"), None)
    assert m is not None
    agent = m.serving_agent
    app = HotlineApp(services, start_screen="agents")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, services)
        table = app.screen.query_one("#agents", LiveTable)
        table.move_cursor(table.index[agent])
        await pilot.press("l")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("y")
        trail = await wait_until_async(
            lambda: [e for e in store.audit.for_subject("agent", agent) if e.action == "call.listen"], timeout=10,
            interval=0.02, sleep=pilot.pause, what="the listen in the audit log")
    e = trail[-1]
    assert e.actor == "duty" and e.after["contact"] == "1900" and e.after["supervisor_leg"]


async def test_queue_filter_and_a_wait_over_the_limit_in_red(live_rig):
    services, cc, store, plain, vip = await callers_rig(live_rig)
    cc.now += services.settings.caller_waiting_over_s            # the first caller is now over the limit
    app = HotlineApp(services, start_screen="callers")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, services)
        screen = app.screen
        table = screen.query_one("#callers", LiveTable)
        assert table.rows[plain.uuid][5][1] == "bold red"          # waited 40 s + the limit
        for _ in range(len(screen.queues) + 1):
            if screen.queue == QUEUE:
                break
            await pilot.press("f")
            await pilot.pause()
        await settle(pilot, services)
        assert screen.queue == QUEUE and set(table.order) == {plain.uuid, vip.uuid}
        assert services.queue_names[QUEUE] in screen.sub_title
