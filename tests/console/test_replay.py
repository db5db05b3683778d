"""Replay (issue 18): the trust line shows the recorded time; ``p`` pauses the recording's
clock, ``<``/``>`` and ``:seek`` move it (back in time too); the console says when the
recording ends; the ticket figures are those of the recorded day; a replay writes nothing."""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime

from backends.freeswitch.mapping import map_event
from backends.freeswitch.resync import build_resynced
from backends.sim.api import run_api
from backends.sim.events import Identity, all_headers
from hotline import Wiring, build_console, build_simulator
from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.live.recording import EventRecorder
from hotline_tui.site import load_site
from hotline_tui.tickets.factory import ticket_service
from backends.store import open_store
from screens.app import HotlineApp
from screens.widgets import TrustLine
from tests.console.conftest import T0

MINUTES = 20


def _record(path) -> tuple[float, float]:
    """MINUTES of the demo site's simulated peak, ending at T0, as a recording. Returns the
    recorded (first, last) event times."""
    site = load_site(DEMO_DIR / "site.yaml")
    start = T0.timestamp() - MINUTES * 60
    cc = build_simulator(site, seed=3, start=start)
    ident = Identity("core-1", "fs-demo-1")
    api = lambda line: run_api(cc, line)  # noqa: E731
    with open(path, "w", encoding="utf-8") as fh:
        rec = EventRecorder(fh, start)
        rec(build_resynced("sim", start, api("callcenter_config agent list"), api("callcenter_config tier list"),
                           api("callcenter_config queue list"), {}, api("show channels as json")))
        times: list[float] = []

        def tap(ev):
            e = map_event(dict(all_headers(ev, ident)), "sim")
            if e is not None:
                rec(e)
                if e.at:
                    times.append(e.at)
        cc.listeners.append(tap)
        cc.run_until(T0.timestamp())
        rec.flush()
    return start, max(times)


def _rows(db: str) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


async def _until(pilot, cond, what: str, deadline_s: float = 20.0):
    end = time.monotonic() + deadline_s
    while not (v := cond()):
        if time.monotonic() > end:
            raise AssertionError(f"not before the deadline: {what}")
        await pilot.pause(0.05)
    return v


def _trust(app) -> str:
    return str(app.screen.query_one(TrustLine).render())


async def test_replay_time_pause_seek_end_and_the_recorded_days_ticket_figures(db_copy, tmp_path):
    rec = tmp_path / "shift.jsonl"
    first, last = _record(rec)
    before = _rows(db_copy)
    services = build_console(Wiring(db=db_copy, config_dir=str(DEMO_DIR), lang="en"), config=None, readonly=False,
                             replay=str(rec), speed=1.0, record=None, refresh_hz=5.0, seed=5, echo=lambda s: None)
    player = services.replay
    assert player is not None and services.readonly and player.first <= first + 1
    app = HotlineApp(services, start_screen="wallboard")
    async with app.run_test(size=(160, 40)) as pilot:
        shown = lambda: datetime.fromtimestamp(player.t, SITE_TZ).strftime("%Y-%m-%d %H:%M:%S")  # noqa: E731
        await _until(pilot, lambda: shown() in _trust(app), "the recorded time on the trust line")
        assert "2026-11-23" in _trust(app)

        await pilot.press("p")                                      # pause the recording's clock
        stopped = player.t
        await pilot.pause(0.4)
        assert player.paused and player.t == stopped and "replay paused" in _trust(app)

        # the ticket figures of the recorded day: counted at the recorded time, not today
        store = open_store(db_copy)
        then = ticket_service(store, DEMO_DIR, FixedClock(player.now())).overdue_counts(services.user)
        today = ticket_service(store, DEMO_DIR, FixedClock(datetime.now(SITE_TZ))).overdue_counts(services.user)
        store.close()
        assert then != today
        await _until(pilot, lambda: app.ticket_counts == then, "the recorded day's red and yellow counts")

        await pilot.press("greater_than_sign")                      # +1 min, while paused
        assert player.t == stopped + 60
        await pilot.press("less_than_sign", "less_than_sign")       # back 2 minutes: rebuilt
        assert player.t == max(player.first, stopped - 60)
        assert services.live is player.live

        app.run_command(":seek 10:10")                              # a time of the recorded day
        await pilot.pause()
        assert player.now().strftime("%H:%M") == "10:10"
        app.run_command("seek +5m")
        assert player.now().strftime("%H:%M") == "10:15"
        app.run_command("seek soon")
        await pilot.pause()
        assert any("seek where? soon" in str(n.message) for n in app._notifications)

        app.run_command("seek +2h")                                 # past the end: the end
        await _until(pilot, lambda: "recording ended" in _trust(app), "the end on the trust line")
        assert player.ended and player.t == last
        await _until(pilot, lambda: any("The recording ends at" in str(n.message) for n in app._notifications),
                     "the end said once")
        assert sum("The recording ends at" in str(n.message) for n in app._notifications) == 1
        await pilot.pause(2.5)                                      # the periodic worker ran
    assert _rows(db_copy) == before                                 # a replay writes nothing
