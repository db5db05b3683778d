"""The engineer view shows a store outage while it lasts (issue 21): the store line turns red
with the error and how long it has lasted, is checked every second meanwhile, and once the
handle has reconnected shows the store again with its reconnection count."""

from __future__ import annotations

from datetime import datetime

from textual.widgets import Static

from hotline import build_services, build_store
from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import StoreUnavailable
from screens.app import HotlineApp
from tests.waiting import wait_until_async


async def test_the_store_line_shows_the_outage_and_the_return(db_copy):
    store = build_store(db_copy)
    try:
        services = build_services(store, DEMO_DIR, FixedClock(datetime(2026, 6, 1, 10, 0, tzinfo=SITE_TZ)), lang="en")
        services.kb = None
        state = {"down": True}

        def info():
            if state["down"]:
                raise StoreUnavailable("postgresql://hotline@db1:5432/hotline", "connection lost; reconnecting")
            return {"kind": "postgres", "where": "postgresql://hotline@db2:5432/hotline", "latency_ms": 1.0,
                    "migrations": "tickets=4", "reconnects": 1}

        services.store_info = info
        app = HotlineApp(services, start_screen="engineer")
        async with app.run_test(size=(160, 40)) as pilot:
            def line() -> str:
                return str(app.screen.query_one("#store", Static).render())

            down = await wait_until_async(lambda: "connection lost" in line() and line(), timeout=10, interval=0.05,
                                          sleep=pilot.pause, what="the outage on the store line", show=line)
            assert "store unavailable" in down
            state["down"] = False
            back = await wait_until_async(lambda: "db2" in line() and line(), timeout=10, interval=0.05,
                                          sleep=pilot.pause, what="the store back on the store line", show=line)
            assert "⟳1" in back and "connection lost" not in back and "tickets=4" in back
            assert app.screen.store_down_since is None
    finally:
        store.close()
