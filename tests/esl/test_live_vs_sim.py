"""Issue 4's acceptance: against the simulator over real TCP, the live picture equals the
switch's own truth after normal running and after 20 forced disconnects of every kind."""

import asyncio
import random

import pytest

from backends.freeswitch.client import NodeConfig
from backends.freeswitch.port import SwitchCluster
from backends.sim.model import CallCenter
from backends.sim.server import EslServer
from hotline_tui import switch as sw
from hotline_tui.config import DEMO_DIR
from hotline_tui.live.state import LiveState
from hotline_tui.site import load_site
from tests.waiting import wait_until_async

T0 = 1795402800.0   # a weekday morning peak


def picture(state: LiveState, now: float) -> dict:
    snap = state.snapshot(now)
    return {
        "agents": {a.name: (a.status, a.state) for a in snap.agents},
        "waiting": {q.name: sorted(c.member_uuid for c in q.callers) for q in snap.queues},
        "answered": {c.uuid: c.agent for c in snap.calls},
    }


def truth(cc: CallCenter) -> dict:
    t = cc.truth()
    return {"agents": t["agents"], "waiting": t["waiting"], "answered": t["answered"]}


async def settle(cluster: SwitchCluster):
    """Every event the switch wrote before this point has been applied: replies come in order."""
    await cluster.api("status")


def silent_changes(rng: random.Random):
    """What changes while the switch is away: statuses flip, waiting callers vanish."""
    def change(cc: CallCenter):
        for name in rng.sample(sorted(cc.agents), 5):
            a = cc.agents[name]
            if not a.leg:
                a.status = rng.choice(["On Break", "Available", "Logged Out"])
        for m in [m for m in cc.members.values() if m.state == "Waiting"][:2]:
            del cc.members[m.uuid]
            cc.channels.pop(m.session_uuid, None)
    return change


@pytest.mark.timeout(120)
async def test_live_picture_equals_switch_truth_through_20_disconnects():
    site = load_site(DEMO_DIR / "site.yaml")
    cc = CallCenter(site, seed=11, start=T0)
    cc.run_until(T0 + 1200)                      # a busy switch before the console connects
    server = await EslServer(cc, port=0).start()
    state = LiveState(teams=site.teams(), queues=tuple(q.name for q in site.queues))
    cluster = SwitchCluster([NodeConfig("fs1", "127.0.0.1", server.port, timeout_s=3, backoff_min_s=0.01,
                                        backoff_max_s=0.05)], state.apply, rng=random.Random(2))
    node = cluster.node("fs1")
    cluster.start()
    try:
        await wait_until_async(lambda: node.health.resyncs == 1 and node.health.link == "connected", timeout=10,
                               what="the first resync", show=lambda: node.health)
        t = cc.now
        for _ in range(30):                      # ten simulated minutes of normal running
            t += 20
            cc.run_until(t)
            await asyncio.sleep(0)
        await settle(cluster)
        seen = truth(cc)
        assert picture(state, cc.now) == seen
        # The comparison is about a busy switch, not two empty pictures: dozens of agents talk,
        # and every one of them has its answered call (and no call lacks its agent).
        talking = sorted(a for a, s in seen["agents"].items() if s[1] == "In a queue call")
        assert len(talking) > 30 and sorted(seen["answered"].values()) == talking
        most_waiting = 0

        rng = random.Random(5)
        kinds = ["drop", "notice", "restart", "stall"]
        for i in range(20):
            kind = kinds[i % 4]
            before = node.health.resyncs
            if kind == "drop":
                server.drop_all()
                t += 15
                cc.run_until(t)                  # events the console never sees
            elif kind == "notice":
                server.notice_all()
                t += 15
                cc.run_until(t)
            elif kind == "restart":
                await server.restart(down_s=0.05, change=silent_changes(rng))
            else:
                stall = asyncio.create_task(server.stall(0.2))
                t += 15
                cc.run_until(t)                  # queued while stalled, delivered after
                await stall
                before = None
            if before is not None:
                await wait_until_async(lambda: node.health.resyncs == before + 1 and node.health.link == "connected",
                                       timeout=10, what=f"the resync after disconnect {i + 1} ({kind})",
                                       show=lambda: node.health)
            for _ in range(5):
                t += 10
                cc.run_until(t)
                await asyncio.sleep(0)
            await settle(cluster)
            seen = truth(cc)
            assert picture(state, cc.now) == seen, f"after disconnect {i + 1} ({kind})"
            most_waiting = max(most_waiting, sum(len(w) for w in seen["waiting"].values()))
        assert node.health.resyncs == 1 + 15
        # Agents sent on break while the switch was away leave callers waiting: at least one
        # comparison covered waiting callers, not only empty queues.
        assert most_waiting > 0
    finally:
        await cluster.stop()
        await server.close()
