"""Pilot tests: every screen, and the actions, through the real adapter to the simulator."""

from __future__ import annotations

import asyncio

from textual.widgets import DataTable, Input, Static

from screens.app import HotlineApp
from screens.live_table import LiveTable
from tests.waiting import wait_until_async

from .conftest import build


async def settle(pilot, services, cc=None, times=3):
    for _ in range(times):
        if services.switch is not None:
            await services.switch.api("status")        # every event before this reply is applied
        await pilot.pause(0.05)
        pilot.app.refresh_now()
        await pilot.pause()


def table_keys(app, selector) -> list[str]:
    t = app.screen.query_one(selector)
    if isinstance(t, LiveTable):
        return list(t.order)
    return [r.key.value for r in t.ordered_rows]


async def tickets_loaded(app, pilot) -> LiveTable:
    """The tickets screen's table once its first load (a worker thread) has filled it."""
    table = app.screen.query_one("#tickets", LiveTable)
    await wait_until_async(lambda: table.row_count, timeout=10, interval=0.02, sleep=pilot.pause,
                           what="the tickets table's first load")
    return table


async def test_wallboard_shows_every_queue_and_the_rule_in_force(db_copy):
    services, cc, _ = build(db_copy)
    app = HotlineApp(services)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        keys = table_keys(app, "#queues")
        assert set(keys) == {q for q in services.queue_names} | {"\x00total"}
        t = app.screen.query_one("#queues", LiveTable)
        assert t.row_texts("general@12345")[0] == "General enquiries"
        rule = str(app.screen.query_one("#sl-rule", Static).render())
        assert "answered ≤ 20s ÷ offered" in rule
        assert app.screen.query_one("#alerts", Static).border_title.startswith("Alerts")


async def test_chinese_ui_from_the_catalog(db_copy):
    services, cc, _ = build(db_copy, lang="zh")
    app = HotlineApp(services)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        t = app.screen.query_one("#queues", LiveTable)
        assert [label for _, label, _ in t.columns][:2] == ["队列", "排队"]
        assert t.row_texts("general@12345")[0] == "综合咨询"


async def test_agents_filter_sort_and_group(db_copy):
    services, cc, _ = build(db_copy)
    app = HotlineApp(services, start_screen="agents")
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert len(table_keys(app, "#agents")) == 100
        await pilot.press("slash", "1", "0", "0", "2")
        await pilot.pause()
        assert table_keys(app, "#agents") == ["1002"]
        await pilot.press("escape")
        await pilot.pause()
        assert len(table_keys(app, "#agents")) == 100
        await pilot.press("g")                           # group by team: 话务一班 first … 五班 last
        await pilot.pause()
        keys = table_keys(app, "#agents")
        assert keys[0] == "\x00group:话务一班" and keys[1] == "1001" and keys[-1] == "1100"   # a header per team
        await pilot.press("s", "s")                      # sort by time in state, longest first
        await pilot.pause()
        snap = services.live.snapshot(services.now())
        by = {a.name: a.time_in_state_s for a in snap.agents if a.team == "话务一班"}
        first_team = [k for k in table_keys(app, "#agents") if k in by]
        assert [by[k] for k in first_team] == sorted(by.values(), reverse=True)


async def test_set_break_is_confirmed_done_on_the_switch_and_audited(live_rig):
    services, cc, store = live_rig
    app = HotlineApp(services, start_screen="agents")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, services)
        first = table_keys(app, "#agents")[0]
        before = cc.agents[first].status
        await pilot.press("b")
        await pilot.pause()
        assert "ConfirmScreen" in type(app.screen).__name__
        await pilot.press("y")
        await wait_until_async(lambda: cc.agents[first].status == "On Break", timeout=10, interval=0.02,
                               sleep=pilot.pause, what=f"agent {first} on break on the switch")
        await settle(pilot, services)
        row = app.screen.query_one("#agents", LiveTable).row_texts(first)
        assert row[3] == "On break"                 # the screen shows the switch's new truth
        trail = store.audit.for_subject("agent", first)
        assert trail[-1].action == "agent.set_status" and trail[-1].actor == "duty"
        assert trail[-1].before == {"status": before} and trail[-1].after == {"status": "On Break"}


async def test_tagged_rows_act_together_and_escape_cancels(live_rig):
    services, cc, store = live_rig
    app = HotlineApp(services, start_screen="agents")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, services)
        await pilot.press("space", "space", "space", "o")
        await pilot.pause()
        await pilot.press("n")                            # cancel: nothing happens
        await pilot.pause(0.1)
        assert all(cc.agents[a].status != "Logged Out" for a in ("1001", "1002", "1003"))
        await pilot.press("o", "y")
        await wait_until_async(lambda: all(cc.agents[a].status == "Logged Out" for a in ("1001", "1002", "1003")),
                               timeout=10, interval=0.02, sleep=pilot.pause, what="the tagged agents logged out")
        assert [cc.agents[a].status for a in ("1001", "1002", "1003", "1004")][:3] == ["Logged Out"] * 3
        assert cc.agents["1004"].status != "Logged Out"


async def test_readonly_and_permissions_keep_the_switch_untouched(live_rig, db_copy):
    services, cc, store = live_rig
    services.readonly = True
    app = HotlineApp(services, start_screen="agents")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, services)
        await pilot.press("b")
        await pilot.pause()
        assert "ConfirmScreen" not in type(app.screen).__name__
    services.readonly = False
    services.user = services.access.user("agent1001")          # an agent may not control agents
    app = HotlineApp(services, start_screen="agents")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, services)
        statuses = {n: a.status for n, a in cc.agents.items()}
        await pilot.press("b")
        await pilot.pause(0.1)
        assert "ConfirmScreen" not in type(app.screen).__name__
        assert {n: a.status for n, a in cc.agents.items()} == statuses


async def test_colon_command_sets_status_and_unknown_commands_say_so(live_rig):
    services, cc, store = live_rig
    app = HotlineApp(services)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, services)
        await pilot.press("colon")
        await pilot.pause()
        for ch in "break 1005":
            await pilot.press("space" if ch == " " else ch)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"     # the same question as the b key (issue 18)
        await pilot.press("y")
        await wait_until_async(lambda: cc.agents["1005"].status == "On Break", timeout=10, interval=0.02,
                               sleep=pilot.pause, what="agent 1005 on break on the switch")
        app.run_command("frobnicate")
        await pilot.pause()
        assert services.errors and "frobnicate" in services.errors[-1][1]
        app.run_command("tk")
        await pilot.pause()
        assert type(app.screen).__name__ == "TicketsScreen"


async def test_tickets_overdue_detail_and_urge_through_the_service(db_copy):
    services, cc, store = build(db_copy)
    app = HotlineApp(services, start_screen="tickets")
    async with app.run_test(size=(160, 40)) as pilot:
        await tickets_loaded(app, pilot)
        keys = table_keys(app, "#tickets")
        assert keys
        lights = [app.screen.query_one("#tickets", LiveTable).row_texts(k)[1] for k in keys]
        assert all(light.endswith(("red", "yellow")) for light in lights)
        serial = keys[0]
        before = services.tickets.get(services.user, serial).urges
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert type(app.screen).__name__ == "TicketDetailScreen"
        await pilot.press("u")
        await pilot.pause()
        for ch in "please":
            await pilot.press(ch)
        await pilot.press("enter")
        await wait_until_async(lambda: services.tickets.get(services.user, serial).urges == before + 1, timeout=10,
                               interval=0.02, sleep=pilot.pause, what="the urge stored")
        assert store.audit.for_subject("ticket", serial)[-1].action == "ticket.urge"
        await wait_until_async(lambda: "ticket.urge" in str(app.screen.query_one("#detail", Static).render()),
                               timeout=10, interval=0.02, sleep=pilot.pause, what="the urge in the detail's history")
        text = str(app.screen.query_one("#detail", Static).render())
        assert "ticket.urge" in text and serial in text


async def test_handover_note_is_saved_with_the_shift(db_copy):
    services, cc, store = build(db_copy)
    app = HotlineApp(services, start_screen="handover")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one(Input).value = "社保系统故障已恢复"
        await pilot.press("enter")
        await wait_until_async(lambda: services.notes.current(services.user)[2], timeout=10, interval=0.02,
                               sleep=pilot.pause, what="the handover note stored")
        day, shift, notes = services.notes.current(services.user)
        assert (day, shift) == ("2026-11-23", "早班") and notes[0].text == "社保系统故障已恢复"


async def test_engineer_view_and_pause(live_rig):
    services, cc, store = live_rig
    app = HotlineApp(services, start_screen="engineer")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, services)
        row = app.screen.query_one("#nodes", DataTable).get_row("sim")
        assert row[1].plain == "connected" and int(row[4].plain) == 1
        await pilot.press("p")
        await pilot.pause()
        assert "refresh paused" in str(app.screen.query_one("#trust").render())


async def test_a_lost_link_is_shown_not_fatal(live_rig_server):
    services, cc, store, server = live_rig_server
    app = HotlineApp(services)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, services)
        node = services.switch.node("sim")
        # The switch stops listening, then the connection drops: the adapter cannot come back
        # (it reconnected within its 50 ms backoff before the screen looked, on a loaded machine).
        await server._stop_listening()
        node.conn.writer.transport.abort()
        await wait_until_async(lambda: node.health.link != "connected", timeout=10, sleep=pilot.pause,
                               what="the adapter to see the link gone")
        app.refresh_now()
        await pilot.pause()
        trust = str(app.screen.query_one("#trust").render())
        alerts = str(app.screen.query_one("#alerts", Static).render())
        assert "reconnecting" in trust or "down" in trust
        assert "Switch sim link" in alerts


async def test_slash_gives_the_filter_box_focus_at_once(db_copy):
    """A fast typist (or tmux send-keys) sends "/105" at once: the keys after "/" must reach the
    filter box, not the screen keys (5 would open the handover screen). So "/" focuses the box
    while it is handled, not on a later turn of the loop (Widget.focus defers)."""
    services, cc, _ = build(db_copy)
    for screen, box in (("agents", "#agent-filter"), ("tickets", "#ticket-filter")):
        app = HotlineApp(services, start_screen=screen)
        async with app.run_test(size=(160, 40)) as pilot:
            await pilot.pause()
            app.screen.action_filter()
            assert app.focused is app.screen.query_one(box, Input)


async def test_tickets_filter_narrows_the_list_and_escape_brings_every_ticket_back(db_copy):
    services, cc, _ = build(db_copy)
    app = HotlineApp(services, start_screen="tickets")
    async with app.run_test(size=(160, 40)) as pilot:
        await tickets_loaded(app, pilot)
        every = table_keys(app, "#tickets")
        serial = every[-1]
        await pilot.press("slash", *serial[-6:])
        await pilot.pause()
        narrowed = table_keys(app, "#tickets")
        assert serial in narrowed and len(narrowed) < len(every)
        await pilot.press("escape")
        await pilot.pause()
        assert table_keys(app, "#tickets") == every


async def test_tickets_in_chinese_show_light_state_and_category_names_and_filter_by_them(db_copy):
    services, cc, _ = build(db_copy, lang="zh")
    app = HotlineApp(services, start_screen="tickets")
    async with app.run_test(size=(160, 40)) as pilot:
        table = await tickets_loaded(app, pilot)
        rows = [table.row_texts(k) for k in table_keys(app, "#tickets")]
        assert {r[1] for r in rows} <= {"● 红灯", "● 黄灯"}
        names = set(services.tickets.catalog.categories.values())
        assert {r[5] for r in rows} <= names                  # 政策咨询, not "policy"
        states = {r[3] for r in rows}
        assert "办理中" in states and "handling" not in states
        await pilot.press("slash", *"办理中")
        await pilot.pause()
        narrowed = [table.row_texts(k)[3] for k in table_keys(app, "#tickets")]
        assert narrowed and set(narrowed) == {"办理中"}


async def test_a_refresh_while_the_app_shuts_down_does_nothing(db_copy):
    """The refresh timer can tick while Textual is removing the screens' widgets at exit; it
    once raised NoMatches for the desk's widgets at the end of a test."""
    services, cc, _ = build(db_copy)
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44)) as pilot:
        await pilot.pause()
    assert not app.is_running
    app.refresh_now()                     # no screen, no widgets: nothing to do, nothing raised


async def test_agents_filter_and_rows_follow_changes_while_the_table_remembers_them(db_copy):
    """The agents screen keeps each agent's filter text and row and makes them again only when
    the agent's shown values change (issue 21, 1,400 agents): a status change is filtered on
    and shown; a tag shows at once on a row that did not change otherwise."""
    services, cc, _ = build(db_copy)
    app = HotlineApp(services, start_screen="agents")
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"on break")
        await pilot.pause()
        t = app.screen.query_one("#agents", LiveTable)
        before = set(table_keys(app, "#agents"))
        fresh = next(a.name for a in services.live.snapshot(services.now()).agents
                     if a.status == "Available" and a.name not in before)
        cc.set_agent_status(fresh, "On Break")
        app.last_snapshot = None                       # the next refresh takes a new snapshot
        app.refresh_now()
        await pilot.pause()
        assert fresh in table_keys(app, "#agents")
        assert t.row_texts(fresh)[app.screen.columns.index("status")] == "On break"
        await pilot.press("escape")
        await pilot.pause()
        t.move_cursor(t.order.index(fresh))
        await pilot.press("space")                     # tag: the same agent, now tagged
        await pilot.pause()
        assert t.row_texts(fresh)[app.screen.columns.index("name")].startswith("▶ ")


async def test_characters_that_come_together_filter_the_agents_once(db_copy):
    """A pasted or fast-typed filter refreshes the 1,400-agent table once, after the characters
    already queued, and shows what they make together (issue 21)."""
    services, cc, _ = build(db_copy)
    app = HotlineApp(services, start_screen="agents")
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        screen = app.screen
        shows: list[str] = []
        real = screen.show
        screen.show = lambda snap, al: (shows.append(screen.filter_text), real(snap, al))  # type: ignore[method-assign]
        box = screen.query_one("#agent-filter", Input)
        for text in ("1", "10", "100", "1002"):       # four changes queued before any is handled
            box.post_message(Input.Changed(box, text))
        await pilot.pause()
        assert "1002" in shows and not [f for f in shows if f != "1002"]     # never one per character
        assert table_keys(app, "#agents") == ["1002"]
