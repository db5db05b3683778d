"""The 20-kill test: the simulator is killed under a running client + LiveState 20 times at seeded
random moments under load (some kills land in the middle of the client's resync), comes back —
sometimes with another site state (agents logged out or back, waiting callers gone, calls hung
up) — and after every reconnect the live picture's agents (status, state, call, caller), waiting
callers, queues and channels equal what a second, independent ESL connection reads from the
switch: ``callcenter_config agent list``, ``queue list``, ``queue list members``, ``show channels``."""

from __future__ import annotations

import asyncio
import json
import random

import pytest

from backends.freeswitch.client import EslConnection, NodeConfig
from backends.freeswitch.port import SwitchCluster
from backends.freeswitch.resync import parse_table
from backends.sim.model import CallCenter
from backends.sim.server import EslServer
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import LinkError
from hotline_tui.live.state import LiveState
from hotline_tui.site import load_site
from tests.waiting import wait_until_async

T0 = 1795402800.0   # a weekday morning peak
KILLS = 20


async def switch_truth(port: int) -> dict:
    """What the switch says, over a connection of its own (not the client's)."""
    conn = await EslConnection.open(NodeConfig("probe", "127.0.0.1", port, timeout_s=5), lambda ev: None)
    try:
        agents = parse_table(await conn.api("callcenter_config agent list"), required=("name",))
        queues = [r["name"] for r in parse_table(await conn.api("callcenter_config queue list"), required=("name",))]
        members = parse_table(await conn.api("callcenter_config queue list members"), required=("uuid",))
        channels = json.loads(await conn.api("show channels as json"))
    finally:
        await conn.close()
    serving = {m["serving_agent"]: (m["uuid"], m["cid_number"]) for m in members if m["state"] == "Answered"}
    return {
        "agents": {a["name"]: (a["status"], a["state"], *serving.get(a["name"], ("", ""))) for a in agents},
        "waiting": {q: sorted(m["uuid"] for m in members if m["queue"] == q and m["state"] in ("Waiting", "Trying"))
                    for q in queues},
        "queues": sorted(queues),
        "channels": sorted(r["uuid"] for r in channels.get("rows", [])),
    }


def live_picture(state: LiveState, now: float) -> dict:
    snap = state.snapshot(now)
    return {
        "agents": {a.name: (a.status, a.state, a.current_call, a.caller_number) for a in snap.agents},
        "waiting": {q.name: sorted(c.member_uuid for c in q.callers) for q in snap.queues},
        "queues": sorted(q.name for q in snap.queues),
        "channels": sorted(state.channels),
    }


def diff(a: dict, b: dict) -> str:
    out = []
    for part in a:
        if a[part] != b[part]:
            if isinstance(a[part], dict):
                keys = sorted(set(a[part]) | set(b[part]))
                out += [f"{part}[{k}]: live {a[part].get(k)!r} switch {b[part].get(k)!r}"
                        for k in keys if a[part].get(k) != b[part].get(k)][:10]
            else:
                out.append(f"{part}: live-only {sorted(set(a[part]) - set(b[part]))[:5]} "
                           f"switch-only {sorted(set(b[part]) - set(a[part]))[:5]}")
    return "\n".join(out)


def another_site_state(cc: CallCenter, rng: random.Random) -> str:
    """Change the switch while the console cannot see it; returns what was done (for messages)."""
    kind = rng.choice(["logout", "members-gone", "back", "hangups"])
    if kind == "logout":            # agents log out, some of them in the middle of a call
        for name in rng.sample(sorted(cc.agents), 8):
            if cc.agents[name].status != "Logged Out":
                cc.set_agent_status(name, "Logged Out")
    elif kind == "members-gone":    # waiting callers hang up
        for m in [m for m in cc.members.values() if m.state in ("Waiting", "Trying")][:6]:
            cc.kill(m.session_uuid)
    elif kind == "back":            # agents log back in / come back from break
        for name in rng.sample(sorted(cc.agents), 8):
            if cc.agents[name].status in ("Logged Out", "On Break"):
                cc.set_agent_status(name, "Available")
    else:                           # calls in progress are hung up
        for m in [m for m in cc.members.values() if m.state == "Answered"][:5]:
            cc.kill(m.session_uuid)
    return kind


@pytest.mark.timeout(240)
async def test_twenty_kills_under_load_picture_equals_switch_after_every_reconnect():
    site = load_site(DEMO_DIR / "site.yaml")
    cc = CallCenter(site, seed=23, start=T0)
    cc.run_until(T0 + 1200)                          # a busy switch before the console connects
    server = await EslServer(cc, port=0).start()
    port = server.port
    state = LiveState()
    cluster = SwitchCluster([NodeConfig("fs1", "127.0.0.1", port, timeout_s=3, backoff_min_s=0.005,
                                        backoff_max_s=0.03)], state.apply, rng=random.Random(4))
    node = cluster._nodes["fs1"]
    rng = random.Random(2026)
    t = cc.now

    async def load(steps: int) -> None:
        """Simulated time runs in small random steps, the client reading between them."""
        nonlocal t
        for _ in range(steps):
            t += rng.uniform(0.5, 6.0)
            cc.run_until(t)
            await asyncio.sleep(0)

    async def kill(srv: EslServer) -> None:
        srv.drop_all()                               # every socket cut, no goodbye
        await srv.close()                            # and nobody listening any more

    async def reconnected(srv: EslServer, resyncs: int, i: int) -> None:
        """Until the client has resynced from ``srv`` (not from a socket of a killed server whose
        replies were still buffered) and every event before now is applied; load goes on."""
        deadline = asyncio.get_running_loop().time() + 30
        while True:
            while not (node.health.link == "connected" and node.health.resyncs > resyncs
                       and "api show channels as json" in srv.commands_seen and srv.conns):
                assert asyncio.get_running_loop().time() < deadline, f"no reconnect after kill {i + 1}: {node.health}"
                await load(1)
                await asyncio.sleep(0.002)
            try:
                await cluster.api("status")          # replies come in order: every event before it is applied
                return
            except LinkError:                        # that was the old link after all: wait again
                resyncs = node.health.resyncs

    cluster.start()
    results, changes, mid_resync_kills = [], [], 0
    busiest = {"talking": 0, "waiting": 0}
    try:
        await wait_until_async(lambda: node.health.resyncs == 1 and node.health.link == "connected", timeout=15,
                               what="the first resync", show=lambda: node.health)
        for i in range(KILLS):
            await load(rng.randint(3, 40))           # the kill comes at a random moment of the traffic
            resyncs = node.health.resyncs
            await kill(server)
            await load(rng.randint(0, 10))           # the switch runs on; the console sees none of it
            if rng.random() < 0.5:
                changes.append(another_site_state(cc, rng))
            server = await EslServer(cc, port=port).start()
            if rng.random() < 0.3:
                # killed again while the client reads the tables of its resync
                await wait_until_async(lambda: any(c.startswith("api callcenter_config") for c in server.commands_seen),
                                       timeout=15, what=f"the client resyncing after kill {i + 1}")
                await kill(server)
                mid_resync_kills += 1
                await load(rng.randint(0, 3))
                server = await EslServer(cc, port=port).start()
            await reconnected(server, resyncs, i)
            live, truth = live_picture(state, cc.now), await switch_truth(port)
            results.append(live == truth)
            assert live == truth, f"after kill {i + 1}:\n{diff(live, truth)}"
            busiest["talking"] = max(busiest["talking"], sum(1 for a in truth["agents"].values() if a[2]))
            busiest["waiting"] = max(busiest["waiting"], sum(len(w) for w in truth["waiting"].values()))
        assert results == [True] * KILLS
        # under load: dozens of calls in progress, callers waiting at some point, state changed
        # behind the console's back several times, and kills in the middle of a resync
        assert busiest["talking"] > 20 and busiest["waiting"] > 0, busiest
        assert len(changes) >= 5 and mid_resync_kills >= 2, (changes, mid_resync_kills)
        assert node.health.errors >= KILLS
    finally:
        await cluster.stop()
        await server.close()
