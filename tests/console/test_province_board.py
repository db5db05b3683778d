"""Issue 21: the board of a provincial site merges its nodes and shows one line per node with
its health. Two nodes of config/demo-province, each its own simulator over real TCP; one goes
away and its line says so while the other's figures stay."""

from __future__ import annotations

import random
from pathlib import Path

from backends.freeswitch.client import NodeConfig
from backends.sim.server import EslServer
from hotline import attach_switch, build_live, build_services, build_simulator, build_store, build_switch
from hotline_tui.clock import FixedClock
from hotline_tui.site import load_site
from screens.app import HotlineApp
from screens.live_table import LiveTable
from tests.console.conftest import T0
from tests.waiting import wait_until_async

PROVINCE = Path(__file__).resolve().parents[2] / "config" / "demo-province"


def _cells(table: LiveTable, key: str) -> dict[str, str]:
    return {col[0]: str(spec[0]) for col, spec in zip(table.columns, table.rows[key])}


async def test_the_board_shows_each_node_and_its_health(tmp_path):
    store = build_store(str(tmp_path / "hotline.db"), migrate=True)
    site = load_site(PROVINCE / "site.yaml")
    services = build_services(store, PROVINCE, FixedClock(T0), user="duty", lang="en", site=site)
    services.live = build_live(services.settings, site)
    servers, sims = [], []
    for node in ("fs-prov-01", "fs-prov-02"):
        cc = build_simulator(load_site(PROVINCE / "nodes" / f"{node}.yaml"), seed=5, start=T0.timestamp() - 900)
        cc.run_until(T0.timestamp())
        sims.append(cc)
        servers.append(await EslServer(cc, port=0).start())
    cluster = build_switch([NodeConfig(n, "127.0.0.1", s.port, timeout_s=3, backoff_min_s=0.05, backoff_max_s=0.2)
                            for n, s in zip(("fs-prov-01", "fs-prov-02"), servers)],
                           services.live.apply, rng=random.Random(1), live=services.live)
    attach_switch(services, cluster, store)
    services.now = lambda: sims[0].now
    services.mode = "live"
    cluster.start()
    await cluster.connected("fs-prov-01", timeout_s=10)
    await cluster.connected("fs-prov-02", timeout_s=10)
    app = HotlineApp(services, start_screen="wallboard")
    try:
        async with app.run_test(size=(180, 50)) as pilot:
            async def until(cond, what, show=None):
                return await wait_until_async(cond, timeout=15, interval=0.02, sleep=pilot.pause, what=what, show=show)

            screen = app.screen
            def nodes_table():
                found = screen.query("#nodes")
                return found.first(LiveTable) if found else None
            await until(nodes_table, "the node table")
            table = nodes_table()          # mounted once a second node shows
            await until(lambda: table.order == ["fs-prov-01", "fs-prov-02"], "a line per node",
                        show=lambda: table.order)
            for node in ("fs-prov-01", "fs-prov-02"):
                row = _cells(table, node)
                assert row["node_health"] == "ok" and row["agents_in"] == "133", row   # 140, 7 logged out
            queues = app.screen.query_one("#queues", LiveTable)
            # one board: the province's 100 queues, the two running nodes' served by their agents
            assert len([k for k in queues.order if not k.startswith("\x00")]) == 100
            snap = services.snapshot()
            assert {q.node for q in snap.queues if q.agents_logged_in} == {"fs-prov-01", "fs-prov-02"}

            await servers[1].close()                                  # the second node goes away
            await until(lambda: _cells(table, "fs-prov-02")["node_health"] in ("reconnecting", "down"),
                        "the lost node's health")
            assert _cells(table, "fs-prov-01")["node_health"] == "ok"
    finally:
        await cluster.stop()
        for s in servers:
            await s.close()
        store.close()


def test_the_trust_line_counts_many_nodes_and_names_the_ones_not_connected(tmp_path):
    from hotline_tui import switch as sw
    from screens.base import trust_text
    from screens.i18n import strings

    store = build_store(str(tmp_path / "hotline.db"), migrate=True)
    services = build_services(store, PROVINCE, FixedClock(T0), user="duty", lang="en")

    class TenNodes:            # what the adapter's nodes() says of a province: one is reconnecting
        def nodes(self):
            return [sw.NodeHealth(f"fs-prov-{i:02d}", "127.0.0.1", "reconnecting" if i == 7 else "connected")
                    for i in range(1, 11)]
    services.switch = TenNodes()  # type: ignore[assignment]
    line = trust_text(services, strings("en"), services.snapshot(), paused=False, refresh_hz=2, replay_speed=1).plain
    assert "9/10 nodes connected" in line and "fs-prov-07 reconnecting" in line and "fs-prov-01" not in line
    store.close()
