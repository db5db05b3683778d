"""Every screen as a masked role shows no full number (issue 14).

The console is built on the demo store (300 seeded tickets and the knowledge base) with the
simulator's call centre feeding the live picture, plus data that quotes numbers everywhere a
screen can show them: a ticket from a landline with a mobile in its content and in an urge note,
an abandoned-call callback task, a handover note, and an error quoting a caller's number. Then
every screen (1-7), a ticket's detail with its audit trail and the help screen are visited as
the QA role and as a department user: no full number of that data appears anywhere on screen (the
rendered screen, and every table row, text and input behind it, scrolled away or not). As the
duty supervisor the same walk finds every one of them, so the scan sees what it looks for.
"""

from __future__ import annotations

import dataclasses
import io
import re

from rich.console import Console
from textual.widgets import DataTable, Input, Static
from textual.worker import WorkerState

from hotline_tui.calls_port import CallbackTask
from hotline_tui.tickets.service import Intake
from screens.app import HotlineApp
from screens.commands import SCREEN_KEYS
from screens.live_table import LiveTable
from screens.tickets import TicketDetailScreen
from tests.waiting import wait_until_async

from .conftest import T0, build

LANDLINE = "029-88123456"            # the ticket's caller, from a landline
IN_CONTENT = "13912345678"           # a mobile the citizen left in the ticket's text
IN_URGE = "13787654321"              # … and one quoted in an urge note
CALLBACK = "13698765432"             # an abandoned call to ring back
IN_NOTE = "13511112222"              # quoted in a handover note
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def seed_numbers(db: str) -> tuple[str, set[str]]:
    """Add the data above to the store as the duty supervisor; return the ticket's serial (it is
    dispatched to RSJ, so the department user dept-rsj sees it) and every citizen's number in the
    store, read unmasked."""
    services, _cc, store = build(db, knowledge=True)
    duty, tickets = services.user, services.tickets
    assert tickets is not None and services.notes is not None
    cat = next(iter(tickets.categories()))
    t = tickets.register(duty, Intake(channel="phone", caller_phone=LANDLINE, caller_name="欧阳明远", category=cat,
                                      content=f"小区停水三天，请回电{IN_CONTENT}"))
    tickets.dispatch(duty, t.serial, "RSJ")
    tickets.urge(duty, t.serial, f"市民又留了电话{IN_URGE}，请尽快联系")
    store.calls.add_callback(CallbackTask(0, "m-masked-1", "general@12345", CALLBACK, "钱多多", T0.timestamp() - 600,
                                          "1001", "open", "", T0.timestamp() - 600))
    services.notes.add(duty, f"{IN_NOTE} 反复来电，下一班注意")
    numbers = {LANDLINE, IN_CONTENT, IN_URGE, CALLBACK, IN_NOTE}
    for tk in tickets.search(duty, limit=1000):
        numbers.add(tk.caller_phone)
        numbers.update(MOBILE.findall(tk.content))
    store.close()
    return t.serial, {n for n in numbers if n}


def screen_text(app: HotlineApp) -> str:
    """What the visible screen shows (rendered as the terminal would), then every table row,
    text and input of its widgets, including what is scrolled out of view."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, record=True,
                      legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    parts = [console.export_text()]
    for w in app.screen.walk_children(with_self=False):
        if isinstance(w, Input):
            parts += [w.value, str(w.placeholder)]
        elif isinstance(w, LiveTable):
            parts += [" ".join(w.row_texts(k)) for k in w.order]
        elif isinstance(w, DataTable):
            parts += [" ".join(str(c) for c in w.get_row_at(i)) for i in range(w.row_count)]
        elif isinstance(w, Static):
            parts.append(str(w.render()))
    return "\n".join(parts)


async def settled(app: HotlineApp, pilot, what: str) -> None:
    """Wait until the screen's loads (worker threads) are done, then show the live picture."""
    busy = (WorkerState.PENDING, WorkerState.RUNNING)
    for _ in range(2):
        await wait_until_async(lambda: not any(w.state in busy for w in app.workers), timeout=15, interval=0.02,
                               sleep=pilot.pause, what=f"{what}: its loads to finish")
        app.refresh_now()
        await pilot.pause()


async def walk(services, serial: str, caller_on_line: str) -> dict[str, str]:
    """Visit every screen, the first listed ticket's detail, ``serial``'s detail and help; return
    each one's text."""
    app = HotlineApp(services)
    seen: dict[str, str] = {}
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        app.report(f"originate callback to {caller_on_line} failed: link down")   # an error quoting a caller
        for name in SCREEN_KEYS:
            app.switch_to(name)
            await wait_until_async(lambda: getattr(app.screen, "ready", False), timeout=10, interval=0.02,
                                   sleep=pilot.pause, what=f"screen {name}")
            if name in ("knowledge", "desk") and services.user.can("kb.read"):
                app.screen.panel.search_for("社保")          # an article on screen too
                await wait_until_async(lambda: app.screen.panel.searches, timeout=10, interval=0.02,
                                       sleep=pilot.pause, what="a knowledge search")
            await settled(app, pilot, name)
            seen[name] = screen_text(app)
            if name == "desk":
                seen["desk phone box"] = app.screen.query_one("#desk-phone", Input).value
            if name == "tickets" and app.screen.query_one("#tickets", LiveTable).row_count:
                app.screen.query_one("#tickets", LiveTable).focus()
                await pilot.press("enter")
                await wait_until_async(lambda: isinstance(app.screen, TicketDetailScreen), timeout=10,
                                       interval=0.02, sleep=pilot.pause, what="the first ticket's detail")
                await settled(app, pilot, "first ticket")
                seen["first ticket"] = screen_text(app)
                app.pop_screen()
        app.push_screen(TicketDetailScreen(app, serial))
        await settled(app, pilot, serial)
        seen["ticket detail"] = screen_text(app)
        app.action_help()
        await pilot.pause()
        seen["help"] = screen_text(app)
    return seen


async def as_role(db: str, user: str) -> tuple[dict[str, str], set[str], str]:
    """The walk as ``user``, attached to an agent who has a caller on the line (so the desk shows
    that caller), with every number the store and the switch hold."""
    serial, numbers = seed_numbers(db)
    services, _cc, store = build(db, user=user, knowledge=True)
    raw = services.live.snapshot(services.now())          # what the switch reported, unmasked
    on_line = next(a for a in raw.agents if a.caller_number)
    numbers |= {a.caller_number for a in raw.agents} | {c.caller_number for c in raw.calls}
    numbers |= {c.caller_number for q in raw.queues for c in q.callers}
    numbers.discard("")
    services.user = dataclasses.replace(services.user, agent=on_line.name)
    try:
        seen = await walk(services, serial, on_line.caller_number)
    finally:
        store.close()
    assert all(MOBILE.fullmatch(n) or n == LANDLINE for n in numbers)
    return seen, numbers, on_line.caller_number


def full_numbers(seen: dict[str, str], numbers: set[str]) -> dict[str, list[str]]:
    """Each screen's full numbers: any of ``numbers``, and any mobile at all."""
    found = {}
    for name, text in seen.items():
        hits = sorted({n for n in numbers if n in text} | set(MOBILE.findall(text)))
        if hits:
            found[name] = hits
    return found


async def test_the_qa_role_sees_no_full_number_on_any_screen(kb_copy):
    seen, numbers, on_line = await as_role(kb_copy, "qa")
    assert full_numbers(seen, numbers) == {}
    # the screens did show the data, masked
    assert "029****3456" in seen["ticket detail"] and "139****5678" in seen["ticket detail"]
    assert "137****4321" in seen["ticket detail"]                       # the urge note
    assert "欧***" in seen["ticket detail"] and "欧阳明远" not in seen["ticket detail"]
    assert "136****5432" in seen["handover"] and "135****2222" in seen["handover"]
    masked_caller = on_line[:3] + "****" + on_line[-4:]
    assert masked_caller in seen["agents"] and masked_caller in seen["desk"]
    assert masked_caller in seen["engineer"]                             # the error list
    assert seen["desk phone box"] == ""              # a masked number is never looked up or registered


async def test_a_department_user_sees_no_full_number_on_any_screen(kb_copy):
    seen, numbers, on_line = await as_role(kb_copy, "dept-rsj")
    assert full_numbers(seen, numbers) == {}
    assert "029****3456" in seen["ticket detail"] and "139****5678" in seen["ticket detail"]
    assert on_line[:3] + "****" + on_line[-4:] in seen["agents"]


async def test_the_duty_supervisor_sees_the_full_numbers(kb_copy):
    seen, numbers, on_line = await as_role(kb_copy, "duty")
    found = full_numbers(seen, numbers)
    assert {LANDLINE, IN_CONTENT, IN_URGE} <= set(found["ticket detail"])
    assert {CALLBACK, IN_NOTE} <= set(found["handover"])
    assert on_line in found["agents"] and on_line in found["desk"] and on_line in found["engineer"]
    assert seen["desk phone box"] == on_line
    assert "欧阳明远" in seen["ticket detail"]
