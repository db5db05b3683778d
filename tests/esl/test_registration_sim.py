"""Against the simulator over real TCP: phone registrations reach the console (sofia::register /
sofia::unregister events, ``show registrations as json`` on every resync), and an agent who is
Available while the phone is not registered is flagged, in the picture and in the alerts, until
the phone registers again."""

from __future__ import annotations

import random
import time

import pytest

from backends.freeswitch.client import NodeConfig
from backends.freeswitch.mapping import map_event
from backends.freeswitch.port import SwitchCluster
from backends.sim.model import CallCenter
from backends.sim.server import EslServer
from hotline_tui.alerts import alerts
from hotline_tui.kpi import KpiSettings
from hotline_tui.live.state import LiveState
from hotline_tui.site import load_site
from tests.waiting import wait_until_async

T0 = 1795402800.0


def _site(tmp_path):
    p = tmp_path / "site.yaml"
    p.write_text("""
switch: {hostname: fs-t, domain: t.local}
behaviour: {ring_mean_s: 0, no_answer_share: 0}
queues:
  - name: q1
agents:
  - team: A
    ids: 1001-1004
    wrap_up_s: 0
    skills: {q1: 1}
    logged_out: [1004]
""")
    return load_site(p)


def _flags(live: LiveState) -> dict[str, tuple[str, ...]]:
    return {a.name: a.flags for a in live.snapshot(time.time()).agents}


def test_the_simulators_registration_events_map_to_domain_events(tmp_path):
    cc = CallCenter(_site(tmp_path), seed=1, start=T0, traffic=False)
    seen = []
    cc.listeners.append(lambda e: seen.append(e))
    cc.unregister("1001")
    cc.register("1001")
    cc.register("1001")          # a refresh: update-reg
    mapped = [map_event({"Event-Name": e.name, "Event-Subclass": e.subclass or "",
                         "Event-Date-Timestamp": str(int(T0 * 1e6)), **dict(e.headers)}, "fs-t") for e in seen]
    assert [type(m).__name__ for m in mapped] == ["PhoneUnregistered", "PhoneRegistered", "PhoneRegistered"]
    assert all(m.user == "1001" and m.node == "fs-t" for m in mapped)
    assert mapped[1].expires_s == 3600 and "sip:1001@" in mapped[1].contact


@pytest.mark.timeout(60)
async def test_available_agent_whose_phone_unregisters_is_flagged_until_it_registers_again(tmp_path):
    cc = CallCenter(_site(tmp_path), seed=1, start=T0, traffic=False)
    cc.unregister("1002")                       # already off before the console connects
    server = await EslServer(cc, port=0).start()
    live = LiveState()
    cluster = SwitchCluster([NodeConfig("fs1", "127.0.0.1", server.port, timeout_s=3)], live.apply,
                            rng=random.Random(1))
    cluster.start()
    try:
        await cluster.connected("fs1", timeout_s=20)
        # seeded from show registrations as json: 1002 is Available and not registered; 1004 is
        # logged out (and unregistered): nothing wrong with that
        assert _flags(live) == {"1001": (), "1002": ("available-unregistered",), "1003": (), "1004": ()}
        cc.unregister("1001")                   # 1001's phone drops off while Available
        await wait_until_async(lambda: _flags(live)["1001"] == ("available-unregistered",), timeout=10,
                               what="1001 flagged", show=lambda: _flags(live))
        snap = live.snapshot(time.time())
        lines = sorted(str(a.params["what"]) for a in alerts(snap, KpiSettings(), cluster.nodes())
                       if a.key == "alert_flag")
        assert lines == ["1001: available-unregistered", "1002: available-unregistered"]
        cc.register("1001")
        cc.register("1002")
        await wait_until_async(lambda: _flags(live) == {"1001": (), "1002": (), "1003": (), "1004": ()}, timeout=10,
                               what="the flags cleared", show=lambda: _flags(live))
        # the agent table's status is what matters: on break, an unregistered phone is no contradiction
        cc.set_agent_status("1003", "On Break")
        cc.unregister("1003")
        await wait_until_async(lambda: next(a for a in live.snapshot(time.time()).agents if a.name == "1003").status
                               == "On Break", timeout=10, what="1003 on break")
        await cluster.api("status")             # replies come in order: the unregister is applied
        assert _flags(live)["1003"] == ()
        assert live.registered["fs1"] == {r.user for r in cc.registrations.values()}
    finally:
        await cluster.stop()
        await server.close()


@pytest.mark.timeout(60)
async def test_a_reconnect_resyncs_the_registrations(tmp_path):
    cc = CallCenter(_site(tmp_path), seed=1, start=T0, traffic=False)
    server = await EslServer(cc, port=0).start()
    port = server.port
    live = LiveState()
    cluster = SwitchCluster([NodeConfig("fs1", "127.0.0.1", port, timeout_s=3, backoff_min_s=0.05,
                                        backoff_max_s=0.2)], live.apply, rng=random.Random(1))
    cluster.start()
    try:
        await cluster.connected("fs1", timeout_s=20)
        assert _flags(live)["1003"] == ()
        await server.close()                    # the link drops; meanwhile the phone goes away
        await wait_until_async(lambda: cluster.node("fs1").health.link != "connected", timeout=10, what="link down")
        cc.unregister("1003")
        server = await EslServer(cc, port=port).start()
        await wait_until_async(lambda: cluster.node("fs1").health.resyncs >= 2, timeout=20, what="resynced again")
        assert _flags(live)["1003"] == ("available-unregistered",)
        assert isinstance(live.registered.get("fs1"), set) and "1003" not in live.registered["fs1"]
    finally:
        await cluster.stop()
        await server.close()
