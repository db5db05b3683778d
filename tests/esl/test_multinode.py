"""Two real simulators behind one console, through the real ESL adapter: each agent and call
belongs to the switch that reported it, every supervisor action goes to that switch, and the
same agent id on both switches is two agents. Each switch is read back over a second ESL
connection of its own."""

from __future__ import annotations

import random
import time
from datetime import datetime, timezone

import pytest

from backends.freeswitch.client import EslConnection, NodeConfig
from backends.freeswitch.resync import parse_table
from backends.sim.model import CallCenter
from backends.sim.server import EslServer
from hotline import build_switch
from hotline_tui import switch as sw
from hotline_tui.access import load_access
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ValidationError
from hotline_tui.live.state import LiveState
from hotline_tui.site import load_site
from hotline_tui.supervisor import Supervisor
from tests.waiting import wait_until_async

T0 = 1795402800.0


def _site(tmp_path, name: str, ids: str, queue: str):
    p = tmp_path / f"{name}.yaml"
    p.write_text(f"""
switch: {{hostname: {name}, domain: {name}.local}}
behaviour: {{ring_mean_s: 0, no_answer_share: 0}}
queues:
  - name: {queue}
agents:
  - team: T-{name}
    ids: {ids}
    wrap_up_s: 0
    skills: {{{queue}: 1}}
""")
    return load_site(p)


async def _table(port: int, line: str) -> dict[str, dict[str, str]]:
    probe = await EslConnection.open(NodeConfig("probe", "127.0.0.1", port), lambda ev: None)
    try:
        return {r.get("name") or r.get("uuid", ""): r for r in parse_table(await probe.api(line))}
    finally:
        await probe.close()


async def _channels(port: int) -> list[dict]:
    import json

    probe = await EslConnection.open(NodeConfig("probe", "127.0.0.1", port), lambda ev: None)
    try:
        data = json.loads(await probe.api("show channels as json"))
    finally:
        await probe.close()
    return data.get("rows") or []


@pytest.fixture
async def two_switches(tmp_path):
    # fs1 has agents 1001-1003, fs2 has 1003-1005: agent 1003 exists on both
    cc1 = CallCenter(_site(tmp_path, "fs1", "1001-1003", "qa"), seed=1, start=T0, traffic=False)
    cc2 = CallCenter(_site(tmp_path, "fs2", "1003-1005", "qb"), seed=2, start=T0, traffic=False)
    s1, s2 = await EslServer(cc1, port=0).start(), await EslServer(cc2, port=0).start()
    live = LiveState()
    cluster = build_switch([NodeConfig("fs1", "127.0.0.1", s1.port, timeout_s=3),
                            NodeConfig("fs2", "127.0.0.1", s2.port, timeout_s=3)],
                           live.apply, rng=random.Random(1), live=live)
    cluster.start()
    try:
        await cluster.connected("fs1", timeout_s=20)
        await cluster.connected("fs2", timeout_s=20)
        sup = Supervisor(cluster, load_access(DEMO_DIR), None,
                         FixedClock(datetime.fromtimestamp(T0, timezone.utc)))
        yield cc1, cc2, s1, s2, live, cluster, sup
    finally:
        await cluster.stop()
        await s1.close()
        await s2.close()


def _views(live: LiveState) -> dict[tuple[str, str], object]:
    return {(a.node, a.name): a for a in live.snapshot(time.time()).agents}


@pytest.mark.timeout(60)
async def test_the_same_agent_id_on_two_switches_is_two_agents(two_switches):
    cc1, cc2, s1, s2, live, cluster, sup = two_switches
    views = _views(live)
    assert set(views) == {("fs1", "1001"), ("fs1", "1002"), ("fs1", "1003"),
                          ("fs2", "1003"), ("fs2", "1004"), ("fs2", "1005")}
    assert views[("fs1", "1003")].queues == ("qa",) and views[("fs2", "1003")].queues == ("qb",)
    assert live.nodes_of("1003") == ["fs1", "fs2"] and live.nodes_of("1004") == ["fs2"]


@pytest.mark.timeout(60)
async def test_a_status_change_for_an_agent_of_the_second_switch_reaches_the_second_switch(two_switches):
    cc1, cc2, s1, s2, live, cluster, sup = two_switches
    duty = sup.access.user("duty")
    # by id alone: 1004 is only on fs2, so it goes there (it used to go to fs1: "Agent not found!")
    assert await sup.set_status(duty, ["1004"], "On Break") == [("1004", None)]
    rows2 = await _table(s2.port, "callcenter_config agent list")
    assert rows2["1004"]["status"] == "On Break"
    # the shared id, with its node: only that switch's agent changes
    assert await sup.set_status(duty, [sw.AgentRef("1003", "fs2")], "Logged Out") == [("1003@fs2", None)]
    rows1 = await _table(s1.port, "callcenter_config agent list")
    rows2 = await _table(s2.port, "callcenter_config agent list")
    assert rows2["1003"]["status"] == "Logged Out" and rows1["1003"]["status"] == "Available"
    await wait_until_async(lambda: _views(live)[("fs2", "1003")].status == "Logged Out", timeout=10,
                           what="fs2's 1003 logged out in the picture")
    assert _views(live)[("fs1", "1003")].status == "Available"
    # the shared id without a node is refused, not sent to whichever switch comes first
    [(label, err)] = await sup.set_status(duty, ["1003"], "On Break")
    assert label == "1003" and err and "several switches" in err
    with pytest.raises(ValidationError):
        await cluster.set_agent_status("1003", "On Break")
    # move to queue on fs2: the tier shows on fs2's tier list, not on fs1's
    assert await sup.move_to_queue(duty, [sw.AgentRef("1005", "fs2")], "qb", level=2) == [("1005@fs2", None)]
    tiers2 = parse_table(await (await cluster.connected("fs2")).conn.api("callcenter_config tier list"))
    assert any(t["agent"] == "1005" and t["queue"] == "qb" and t["level"] == "2" for t in tiers2)


@pytest.mark.timeout(60)
async def test_a_listen_on_the_second_switchs_call_originates_on_the_second_switch(two_switches):
    cc1, cc2, s1, s2, live, cluster, sup = two_switches
    m = cc2.arrive("qb", "13800000001")
    cc2.run_until(T0 + 2)
    serving = cc2.members[m.uuid].serving_agent
    assert serving in ("1003", "1004", "1005")
    await wait_until_async(lambda: _views(live)[("fs2", serving)].current_call == m.uuid, timeout=10,
                           what="the call on fs2 in the picture")
    before1 = {c["uuid"] for c in await _channels(s1.port)}
    leg = await sup.listen(sup.access.user("duty"), sw.AgentRef(serving, "fs2"), "listen", "1900")
    on2 = {c["uuid"]: c for c in await _channels(s2.port)}
    assert leg in on2 and on2[leg]["application"] == "eavesdrop"
    assert {c["uuid"] for c in await _channels(s1.port)} == before1      # nothing happened on fs1
    # an agent of fs1 who is not on a call: "not on a call" from fs1, nothing originated anywhere
    from hotline_tui.errors import NotFound
    with pytest.raises(NotFound, match="not on a call"):
        await sup.listen(sup.access.user("duty"), sw.AgentRef("1001", "fs1"), "listen", "1900")
