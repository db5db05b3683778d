"""A store error or a bug in a screen's worker is shown on one line, listed in the engineer view,
and the console stays up (it once ended with WorkerFailed on "database is locked")."""

from __future__ import annotations

import sqlite3

import pytest
from textual.widgets import Input, Static

from hotline_tui.errors import DataRejected, IntegrityViolation, StoreBusy, StoreUnavailable
from screens.app import HotlineApp
from screens.live_table import LiveTable
from tests.waiting import wait_until_async

from .conftest import build, with_kb


class Failing:
    """A real service, except that the named methods raise ``exc``."""

    def __init__(self, real, exc: BaseException, *methods: str):
        self._real, self._exc, self._methods = real, exc, set(methods)

    def __getattr__(self, name: str):
        if name in self._methods:
            def fail(*args, **kw):
                raise self._exc
            return fail
        return getattr(self._real, name)


async def wait_until(pilot, pred, what: str):
    # On a deadline (tests/waiting.py), not a count of pauses: a pause on a loaded CI machine
    # can take far longer than its 0.02 s, and 250 of them were once not enough for the desk.
    await wait_until_async(pred, timeout=30, interval=0.02, what=what, sleep=pilot.pause,
                           show=lambda: pilot.app.screen.__class__.__name__)


def error_toasts(app) -> list[str]:
    """The error notifications on screen now."""
    return [str(t.render()) for t in app.screen.query("Toast") if t.has_class("-error")]


CASES = [
    (StoreUnavailable("postgresql://postgres@127.0.0.1:5432/test", "connection refused"),
     "store unavailable (postgresql://postgres@127.0.0.1:5432/test): connection refused"),
    (StoreBusy("sqlite:/srv/hotline.db", "database is locked"),
     "store busy (sqlite:/srv/hotline.db): database is locked; try again"),
    (IntegrityViolation("sqlite:/srv/hotline.db", "UNIQUE constraint failed: tickets.serial", "unique"),
     "rejected by the store (sqlite:/srv/hotline.db): UNIQUE constraint failed: tickets.serial"),
    (DataRejected("postgresql://postgres@127.0.0.1:5432/test", "value too long"),
     "data rejected by the store (postgresql://postgres@127.0.0.1:5432/test): value too long"),
    (RuntimeError("boom"), "RuntimeError: boom"),                          # a bug: type and message
    (sqlite3.OperationalError("database is locked"), "OperationalError: database is locked"),   # untranslated
    (RuntimeError("two\nlines"), "RuntimeError: two lines"),               # always one line
]


@pytest.mark.parametrize("exc, line", CASES, ids=[type(e).__name__ + str(i) for i, (e, _) in enumerate(CASES)])
async def test_a_failing_tickets_load_is_reported_once_and_the_console_stays_up(db_copy, exc, line):
    services, cc, _ = build(db_copy, minutes=1)
    services.tickets = Failing(services.tickets, exc, "overdue")
    app = HotlineApp(services, start_screen="tickets")
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: services.errors, "the error in the engineer list")
        assert [text for _, text in services.errors] == [line]
        await wait_until(pilot, lambda: any(line in t for t in error_toasts(app)), "the notification")
        assert app.is_running
        await pilot.press("6")                                    # the console still answers keys
        await wait_until(pilot, lambda: type(app.screen).__name__ == "EngineerScreen", "the engineer view")
        errors = app.screen.query_one("#errors", Static)
        await wait_until(pilot, lambda: line in str(errors.render()), "the error in the engineer view")
        await pilot.press("3")                                    # and the failing screen still opens
        await wait_until(pilot, lambda: type(app.screen).__name__ == "TicketsScreen", "the tickets screen")
        assert app.is_running
    assert app.return_code in (None, 0)


async def test_a_refused_action_says_refused_and_a_later_load_works(db_copy):
    services, cc, _ = build(db_copy, minutes=1)
    real = services.tickets
    services.tickets = Failing(real, StoreBusy("sqlite:/srv/hotline.db", "database is locked"), "urge")
    app = HotlineApp(services, start_screen="tickets")
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        table = app.screen.query_one("#tickets", LiveTable)
        await wait_until(pilot, lambda: table.row_count, "the tickets")
        await pilot.press("u")
        await pilot.pause()
        await pilot.press(*"now", "enter")
        await wait_until(pilot, lambda: services.errors, "the refusal")
        assert services.errors[-1][1] == "Refused: store busy (sqlite:/srv/hotline.db): database is locked; try again"
        services.tickets = real
        app.screen.action_light()                                 # reload: the store works again
        await wait_until(pilot, lambda: table.row_count, "the tickets again")
        assert len(services.errors) == 1 and app.is_running


async def test_a_widget_worker_failing_reaches_the_app_handler(kb_copy):
    """The knowledge panel is a widget inside the screen: its workers' failures bubble up too."""
    services, store = with_kb(kb_copy, minutes=1)
    services.kb = Failing(services.kb, RuntimeError("index gone"), "search")
    app = HotlineApp(services, start_screen="knowledge")
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await wait_until(pilot, lambda: services.errors, "the error")
        assert services.errors[-1][1] == "RuntimeError: index gone"
        assert app.is_running
    store.close()
    assert app.return_code in (None, 0)


class BrokenSupervisor:
    async def set_status(self, *args, **kw):
        raise RuntimeError("switch adapter bug")


async def test_an_async_supervisor_worker_failing_is_reported_not_fatal(db_copy):
    services, cc, _ = build(db_copy, minutes=1)
    services.supervisor = BrokenSupervisor()
    app = HotlineApp(services)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await pilot.pause()
        app.run_command("break 1001")
        await pilot.pause()
        await pilot.press("y")                     # ':break' asks first, as the b key does
        await wait_until(pilot, lambda: services.errors, "the error")
        assert services.errors[-1][1] == "RuntimeError: switch adapter bug"
        assert app.is_running
    assert app.return_code in (None, 0)


async def test_the_desk_shows_a_bad_number_in_place_and_reports_a_store_that_fails(kb_copy):
    services, store = with_kb(kb_copy, user="agent1001", minutes=1)
    real = services.tickets
    app = HotlineApp(services, start_screen="desk")
    async with app.run_test(size=(150, 44), notifications=True) as pilot:
        desk = app.screen
        info = desk.query_one("#desk-caller", Static)
        desk.query_one("#desk-phone", Input).value = "1391234567x"      # still being typed: in place
        await wait_until(pilot, lambda: "bad phone number" in str(info.render()), "the problem beside the number")
        assert not services.errors
        services.tickets = Failing(real, StoreUnavailable("postgresql://postgres@127.0.0.1:5432/test", "server closed the connection"),
                                   "caller")
        desk.query_one("#desk-phone", Input).value = "13912345678"
        await wait_until(pilot, lambda: services.errors, "the store error")
        assert services.errors[-1][1] == "store unavailable (postgresql://postgres@127.0.0.1:5432/test): server closed the connection"
        assert app.is_running
    store.close()
