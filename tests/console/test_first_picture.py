"""The first live picture is shown the moment the switch link has resynced (issue 17, the desk's
first paint): not at the first timed repaint, which in lean mode comes a whole second after the
start. Here the timed repaints are stopped altogether, so only the first-picture check can show
it; the link connects after the desk is up (the console's order). Background parts registered
to start after the first paint start then."""

from __future__ import annotations

import asyncio
import random

from textual.widgets import Static

from backends.freeswitch.client import NodeConfig
from backends.sim.server import EslServer
from hotline import attach_switch, build_live, build_switch
from hotline_tui.config import DEMO_DIR
from hotline_tui.site import load_site
from screens.app import HotlineApp
from tests.waiting import wait_until_async

from .conftest import build


async def test_the_desk_shows_the_first_picture_once_the_link_resynced(db_copy):
    services, cc, store = build(db_copy)
    cc.listeners.clear()                       # events arrive over TCP only
    services.live = build_live(services.settings, load_site(DEMO_DIR / "site.yaml"))
    server = await EslServer(cc, port=0).start()
    cluster = build_switch([NodeConfig("sim", "127.0.0.1", server.port, timeout_s=3, backoff_min_s=0.05,
                                       backoff_max_s=0.2)], services.live.apply, rng=random.Random(1))
    attach_switch(services, cluster, store)
    services.mode = "live"
    services.user = services.access.user("agent1001")
    started_after_paint = asyncio.Event()

    async def run_cluster() -> None:
        cluster.start()

    async def after_paint() -> None:
        started_after_paint.set()
    services.background.append(run_cluster)
    services.after_first_paint.append(after_paint)
    app = HotlineApp(services, start_screen="desk")
    try:
        async with app.run_test(size=(150, 44)) as pilot:
            assert app._timer is not None
            app._timer.stop()                  # no timed repaint from now on
            desk = app.screen
            me = lambda: str(desk.query_one("#desk-me", Static).render())  # noqa: E731
            await wait_until_async(lambda: "Me: 1001" in me(), timeout=20, interval=0.02, sleep=pilot.pause,
                                   what="my line from the switch's picture", show=me)
            await wait_until_async(started_after_paint.is_set, timeout=20, interval=0.02, sleep=pilot.pause,
                                   what="the after-first-paint parts started")
            assert services.nodes()[0].resyncs >= 1
    finally:
        await cluster.stop()
        await server.close()
        store.close()
