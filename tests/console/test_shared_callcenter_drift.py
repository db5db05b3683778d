"""Issue 21: two nodes over one shared mod_callcenter database (backends/sim/shared.py). A node
that restarts resets every agent row, the other node's included, under their live calls; a
node's dispatcher claims another node's caller. The console compares each node's live picture
(over real TCP) with the shared tables and the engineer screen warns about both."""

from __future__ import annotations

import random
from pathlib import Path

from backends.freeswitch.client import NodeConfig
from backends.sim.server import EslServer
from backends.sim.shared import SharedTables
from hotline import attach_switch, build_live, build_services, build_simulator, build_store, build_switch
from hotline_tui.clock import FixedClock
from hotline_tui.site import load_site
from screens.app import HotlineApp
from screens.widgets import TrustLine
from tests.console.conftest import T0
from tests.waiting import wait_until_async

PROVINCE = Path(__file__).resolve().parents[2] / "config" / "demo-province"
NODES = ("fs-prov-01", "fs-prov-02")


async def test_the_engineer_screen_warns_when_nodes_drift_from_the_shared_tables(tmp_path):
    store = build_store(str(tmp_path / "hotline.db"), migrate=True)
    site = load_site(PROVINCE / "site.yaml")
    services = build_services(store, PROVINCE, FixedClock(T0), user="duty", lang="en", site=site)
    services.live = build_live(services.settings, site)
    sims = {n: build_simulator(load_site(PROVINCE / "nodes" / f"{n}.yaml"), seed=3 + i, start=T0.timestamp() - 1800)
            for i, n in enumerate(NODES)}     # two seeds: one seed would give both nodes the same call uuids
    shared = SharedTables(sims)
    for cc in sims.values():
        cc.run_until(T0.timestamp())
    servers = {n: await EslServer(cc, port=0).start() for n, cc in sims.items()}
    cluster = build_switch([NodeConfig(n, "127.0.0.1", servers[n].port, timeout_s=3, backoff_min_s=0.05,
                                       backoff_max_s=0.2) for n in NODES],
                           services.live.apply, rng=random.Random(1), live=services.live)
    attach_switch(services, cluster, store)
    services.now = lambda: sims[NODES[0]].now
    services.mode = "live"
    services.cc_tables = shared
    cluster.start()
    for n in NODES:
        await cluster.connected(n, timeout_s=10)
    app = HotlineApp(services, start_screen="engineer")
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            async def until(cond, what):
                return await wait_until_async(cond, timeout=15, interval=0.02, sleep=pilot.pause, what=what)

            await until(lambda: {a.node for a in services.snapshot().agents} == set(NODES), "both nodes' agents")
            assert services.check_drift() == []            # every node agrees with the shared tables
            box = app.screen.query_one("#drift")
            await until(lambda: "agrees" in str(box.render()), "the engineer view's all-clear")

            snap = services.snapshot()
            on_call_2 = {a.name for a in snap.agents if a.node == NODES[1] and a.state == "In a queue call"}
            assert on_call_2, "the second node has agents on calls at peak"
            shared.restart(NODES[0])                        # the FIRST node reloads mod_callcenter
            reset = {d.subject for d in services.check_drift() if d.kind == "agent-reset"}
            assert on_call_2 <= reset                       # the second node's live calls, reset under them

            call = next(c for c in snap.calls if c.node == NODES[0])
            other = next(a.name for a in snap.agents if a.node == NODES[1])
            shared.claim(call.uuid, other)                 # the second node's dispatcher takes a first-node caller
            claimed = [d for d in services.check_drift() if d.kind == "member-two-nodes"]
            assert [(d.subject, d.nodes) for d in claimed] == [(call.uuid, NODES)]

            await until(lambda: "caller claimed by two nodes" in str(box.render())
                        and "agent reset under a live call" in str(box.render()), "the warnings on screen")
    finally:
        await cluster.stop()
        for s in servers.values():
            await s.close()
        store.close()


async def test_the_console_checks_for_drift_on_its_own_and_every_screen_warns(tmp_path):
    """The check runs on the console's timer, not only while the engineer screen is open: on
    the wallboard the trust line counts the findings and a notification names them once."""
    store = build_store(str(tmp_path / "hotline.db"), migrate=True)
    site = load_site(PROVINCE / "site.yaml")
    services = build_services(store, PROVINCE, FixedClock(T0), user="duty", lang="en", site=site)
    services.live = build_live(services.settings, site)
    sims = {n: build_simulator(load_site(PROVINCE / "nodes" / f"{n}.yaml"), seed=3 + i, start=T0.timestamp() - 1800)
            for i, n in enumerate(NODES)}
    shared = SharedTables(sims)
    for cc in sims.values():
        cc.run_until(T0.timestamp())
    servers = {n: await EslServer(cc, port=0).start() for n, cc in sims.items()}
    cluster = build_switch([NodeConfig(n, "127.0.0.1", servers[n].port, timeout_s=3, backoff_min_s=0.05,
                                       backoff_max_s=0.2) for n in NODES],
                           services.live.apply, rng=random.Random(1), live=services.live)
    attach_switch(services, cluster, store)
    services.now = lambda: sims[NODES[0]].now
    services.mode = "live"
    services.cc_tables = shared
    cluster.start()
    for n in NODES:
        await cluster.connected(n, timeout_s=10)
    app = HotlineApp(services, start_screen="wallboard")
    try:
        async with app.run_test(size=(200, 50)) as pilot:
            async def until(cond, what, show=None):
                return await wait_until_async(cond, timeout=15, interval=0.02, sleep=pilot.pause, what=what, show=show)

            def trust() -> str:
                return str(app.screen.query_one(TrustLine).render())

            def told() -> list[str]:
                return [str(n.message) for n in app._notifications if "drift from the shared" in str(n.message)]

            await until(lambda: {a.node for a in services.snapshot().agents} == set(NODES), "both nodes' agents")
            await until(lambda: services.drift_checked > 0, "a first check, with no screen asking")
            assert services.drift == [] and "shared tables drift" not in trust() and not told()

            on_call_2 = {a.name for a in services.snapshot().agents if a.node == NODES[1] and a.state == "In a queue call"}
            assert on_call_2
            shared.restart(NODES[0])                       # resets the second node's agents under their calls
            await until(lambda: "shared tables drift" in trust(), "the trust line's warning", show=trust)
            assert type(app.screen).__name__ == "WallboardScreen"
            await until(told, "the notification")
            assert "agent reset under a live call" in told()[0] and "(engineer view)" in told()[0]
            n_told = len(told())
            checked = services.drift_checked
            await until(lambda: services.drift_checked > checked, "the next check")
            assert len(told()) == n_told                   # the same findings are not told again
            app.switch_to("engineer")
            await until(lambda: type(app.screen).__name__ == "EngineerScreen" and app.screen.query("#drift"),
                        "the engineer view")
            box = app.screen.query_one("#drift")
            await until(lambda: "agent reset under a live call" in str(box.render()), "the engineer view's list")
    finally:
        await cluster.stop()
        for s in servers.values():
            await s.close()
        store.close()
