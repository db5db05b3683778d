"""The hostile corpus on the console's screens (Pilot): the desk's phone box with a hostile caller
id from the switch, the caller's name and history, the agents table, the tickets list and detail,
the knowledge panel and notifications. What the screen draws — every character of every strip the
compositor would send to the terminal — holds no ESC, C0, C1 or invisible character, and a name
of three U+200B is visible."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Markdown, Static

from hotline_tui import switch as sw
from hotline_tui.tickets.model import Caller
from hotline_tui.tickets.service import Intake
from screens.app import HotlineApp
from screens.tickets import TicketDetailScreen
from tests.console.conftest import build, kb_copy, kb_db, seeded_db, with_kb  # noqa: F401 (fixtures)
from tests.hostile_text import CORPUS, STORABLE, assert_inert
from tests.waiting import wait_until_async

NAMES = sorted(STORABLE)
HOSTILE_NUMBER = "1380013\x1b[2J\x1b]52;c;eA==\x07\x85\u202e8000"
PHONE = "13812349999"


def screen_text(app) -> str:
    """Every cell of the top screen as the compositor renders it for the terminal."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def wait_until(pilot, pred, what: str, timeout: float = 10, show=None):
    await wait_until_async(pred, timeout=timeout, interval=0.02, sleep=pilot.pause, what=what, show=show)


def on_my_line(services, cc, agent: str, number: str, name: str) -> None:
    """The switch puts a caller on ``agent``'s line (member joined, bridged)."""
    at, queue = cc.now, "general@12345"
    (node,) = services.live.nodes_of(agent)        # the node the rig's switch reports the agent on
    services.live.apply(sw.MemberJoined(node, at, queue, "m-hostile", "s-hostile", number, name))
    services.live.apply(sw.BridgeStarted(node, at, queue, agent, "m-hostile", "s-hostile", "a-hostile", at - 5,
                                         at, number, name))


async def test_desk_phone_box_caller_name_and_history_are_inert(kb_copy):  # noqa: F811
    services, cc, store = build(kb_copy, user="agent1001")
    agent = services.access.user("agent1001")
    for name in NAMES[:12]:
        services.tickets.register(agent, Intake("phone", PHONE, ("诉" + STORABLE[name])[:4000], "consult",
                                                caller_name=STORABLE[name][:50]))
    store.tickets.save_caller(Caller(PHONE, CORPUS["zero_width_name"] + CORPUS["markup_bold"], "vip", ""))
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44)) as pilot:
        desk = app.screen
        box = desk.query_one("#desk-phone", Input)
        on_my_line(services, cc, "1001", HOSTILE_NUMBER, CORPUS["csi_clear_screen"])
        app.refresh_now()
        await wait_until(pilot, lambda: box.value != "", "the caller on my line in the phone box")
        assert_inert(box.value, newline_ok=False, where="phone box")
        assert "\\x1b[2J" in box.value and "⟨U+202E⟩" in box.value
        await wait_until(pilot, lambda: "\\x1b" in str(desk.query_one("#desk-me", Static).render()), "my line")
        assert_inert(screen_text(app), newline_ok=True, where="desk with a hostile caller id")

        box.value = PHONE
        history = desk.query_one("#desk-history", DataTable)
        await wait_until(pilot, lambda: history.row_count == 12, "the hostile caller's history")
        caller = str(desk.query_one("#desk-caller", Static).render())
        assert "⟨U+200B⟩⟨U+200B⟩⟨U+200B⟩" in caller and "[bold red]" in caller
        await pilot.pause()
        text = screen_text(app)
        assert_inert(text, where="desk with the caller's history")
        assert "⟨U+200B⟩" in text

        # A long timeout: on a loaded CI machine the default 5 s can lapse before the toast is drawn.
        app.notify(CORPUS["osc52_clipboard"] + CORPUS["markup_link"] + CORPUS["c1_controls"], timeout=120)
        await wait_until(pilot, lambda: "[link=" in screen_text(app), "the notification", timeout=30,
                         show=lambda: (f"running={app.is_running} exception={app._exception!r} "
                                      f"toasts={len(app.screen.query('Toast'))}\n" + screen_text(app)))
        assert_inert(screen_text(app), where="notification")
    store.close()


async def test_agents_table_with_a_hostile_caller_is_inert(kb_copy):  # noqa: F811
    services, cc, store = build(kb_copy, user="duty")
    on_my_line(services, cc, "1001", HOSTILE_NUMBER, CORPUS["rtl_override"])
    app = HotlineApp(services, start_screen="agents")
    async with app.run_test(size=(160, 44)) as pilot:
        await wait_until(pilot, lambda: "\\x1b[2J" in screen_text(app), "the hostile caller in the agents table")
        assert_inert(screen_text(app), where="agents")
    store.close()


async def test_tickets_list_and_detail_are_inert(kb_copy):  # noqa: F811
    services, cc, store = build(kb_copy, user="duty")
    rows = services.tickets.overdue(services.user, limit=len(NAMES))
    hostile = {}
    for (t, _), name in zip(rows, NAMES):
        full = store.tickets.get(t.serial)
        old = full.version
        full.content = ("诉" + STORABLE[name])[:4000]
        full.caller_name = STORABLE[name][:50]
        full.version = old + 1
        store.tickets.update(full, old)
        hostile[t.serial] = name
    app = HotlineApp(services, start_screen="tickets")
    async with app.run_test(size=(160, 44)) as pilot:
        await wait_until(pilot, lambda: "\\x1b[2J" in screen_text(app), "the hostile tickets in the list")
        assert_inert(screen_text(app), where="tickets list")
        for serial in list(hostile)[:8]:
            app.push_screen(TicketDetailScreen(services_ctx(app), serial))
            await wait_until(pilot, lambda s=serial: detail_text(app).startswith(s), f"the detail of {serial}")
            assert_inert(screen_text(app), where=f"detail of {hostile[serial]}")
            app.pop_screen()
            await pilot.pause()
    store.close()


def detail_text(app) -> str:
    found = app.screen.query("#detail") if isinstance(app.screen, TicketDetailScreen) else []
    return str(found.first(Static).render()) if found else ""


def services_ctx(app):
    """The ScreenContext the app hands its screens."""
    return app.screen.ctx


async def test_knowledge_panel_with_hostile_articles_is_inert(kb_copy):  # noqa: F811
    services, store = with_kb(kb_copy)
    editor = services.access.user("editor")
    for name in NAMES:
        a = services.kb.add(editor, title=f"社保卡补办{STORABLE[name][:150]}", body=f"社保卡补办材料：\n{STORABLE[name]}")
        services.kb.publish(editor, a.id)
    app = HotlineApp(services, start_screen="knowledge")
    async with app.run_test(size=(150, 44)) as pilot:
        panel = app.screen.panel
        await pilot.pause()
        n = panel.searches
        panel.search_for("社保卡补办")
        await wait_until(pilot, lambda: panel.searches > n and not panel.workers, "the search")
        assert panel.hits
        await wait_until(pilot, lambda: panel.query_one("#kb-md", Markdown).source.startswith("# 社保卡补办"),
                         "the first hit's article")
        await pilot.pause()
        assert_inert(screen_text(app), where="knowledge panel")
        assert_inert(panel.query_one("#kb-md", Markdown).source, where="article markdown")
    store.close()
