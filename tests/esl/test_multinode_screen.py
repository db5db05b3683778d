"""The agents screen over two real simulators: a Node column, one row per (node, agent) — the
shared id twice —, and a status change from the row of node 2's agent done on node 2 only and
audited with the node."""

from __future__ import annotations

import random
import time

import pytest

from backends.freeswitch.client import NodeConfig
from backends.sim.model import CallCenter
from backends.sim.server import EslServer
from hotline import attach_switch, build_services, build_store, build_switch
from hotline_tui.clock import SystemClock
from hotline_tui.config import DEMO_DIR
from screens.app import HotlineApp
from screens.live_table import LiveTable
from tests.esl.test_multinode import T0, _site
from tests.waiting import wait_until_async


@pytest.mark.timeout(90)
async def test_agents_screen_shows_the_node_and_acts_on_the_rows_node(tmp_path):
    cc1 = CallCenter(_site(tmp_path, "fs1", "1001-1003", "qa"), seed=1, start=T0, traffic=False)
    cc2 = CallCenter(_site(tmp_path, "fs2", "1003-1005", "qb"), seed=2, start=T0, traffic=False)
    s1, s2 = await EslServer(cc1, port=0).start(), await EslServer(cc2, port=0).start()
    store = build_store(str(tmp_path / "h.db"), migrate=True)
    services = build_services(store, DEMO_DIR, SystemClock(), user="duty", lang="en")
    cluster = build_switch([NodeConfig("fs1", "127.0.0.1", s1.port, timeout_s=3),
                            NodeConfig("fs2", "127.0.0.1", s2.port, timeout_s=3)],
                           services.live.apply, rng=random.Random(1), live=services.live)
    attach_switch(services, cluster, store)
    services.now = time.time
    cluster.start()
    try:
        await cluster.connected("fs1", timeout_s=20)
        await cluster.connected("fs2", timeout_s=20)
        app = HotlineApp(services, start_screen="agents")
        async with app.run_test(size=(180, 40)) as pilot:
            table = app.screen.query_one("#agents", LiveTable)
            await wait_until_async(lambda: (app.refresh_now(), len(table.order))[1] == 6, timeout=10, interval=0.02,
                                   sleep=pilot.pause, what="six agent rows")
            assert sorted(table.order) == ["1001@fs1", "1002@fs1", "1003@fs1", "1003@fs2", "1004@fs2", "1005@fs2"]
            assert table.row_texts("1003@fs2")[:2] == ["1003", "fs2"]
            assert table.row_texts("1003@fs1")[:2] == ["1003", "fs1"]
            table.move_cursor(list(table.order).index("1003@fs2"))
            await pilot.pause()
            await pilot.press("b")
            await pilot.pause()
            assert "ConfirmScreen" in type(app.screen).__name__
            await pilot.press("y")
            await wait_until_async(lambda: cc2.agents["1003"].status == "On Break", timeout=10, interval=0.02,
                                   sleep=pilot.pause, what="fs2's 1003 on break on fs2")
            assert cc1.agents["1003"].status == "Available"              # fs1's 1003 untouched
            await cluster.api("status", node="fs2")                        # its events are applied
            app.refresh_now()
            await pilot.pause()
            assert table.row_texts("1003@fs2")[4] == "On break" and table.row_texts("1003@fs1")[4] == "Available"
            trail = store.audit.for_subject("agent", "1003")
            assert trail[-1].action == "agent.set_status" and trail[-1].after == {"status": "On Break", "node": "fs2"}
            assert trail[-1].before == {"status": "Available"}
    finally:
        await cluster.stop()
        await s1.close()
        await s2.close()
        store.close()
