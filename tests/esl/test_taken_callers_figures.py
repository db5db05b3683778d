"""Issue 18 bug: a waiting caller the supervisor picks up or moves leaves the queue with
Cancel / BREAK_OUT, like one who hung up. Over real ESL against the simulator: picked up counts
as answered (by the supervisor), moved as transferred out of the first queue and offered again
in the new one, a raised priority as a move into the same queue; only the caller who hung up is
abandoned (and gets a callback task) — live, in the call records, and in the day rebuilt from
them after a restart (docs/kpi.md "Taken by a supervisor")."""

from __future__ import annotations

import random

import pytest

from backends.freeswitch.client import NodeConfig
from backends.sim.model import CallCenter
from backends.sim.server import EslServer
from hotline import attach_switch, build_call_recorder, build_rebuilt_live, build_services, build_store, build_switch
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.site import load_site
from tests.waiting import wait_until_async

T0 = 1795402800.0        # 2026-11-23 11:00 site time


def _site(tmp_path):
    p = tmp_path / "fs1.yaml"
    p.write_text("""
switch: {hostname: fs1, domain: fs1.local}
behaviour: {ring_mean_s: 0, no_answer_share: 0}
queues:
  - name: qa
  - name: qb
agents:
  - team: T
    ids: 1001-1002
    wrap_up_s: 0
    skills: {qa: 1, qb: 1}
""")
    return load_site(p)


@pytest.mark.timeout(60)
async def test_picked_up_and_moved_callers_are_not_abandoned_live_in_the_record_and_after_a_restart(tmp_path):
    cc = CallCenter(_site(tmp_path), seed=1, start=T0, traffic=False)
    for a in ("1001", "1002"):
        cc.set_agent_status(a, "Logged Out")          # nobody answers: every caller waits
    server = await EslServer(cc, port=0).start()
    store = build_store(str(tmp_path / "h.db"), migrate=True)
    services = build_services(store, DEMO_DIR, FixedClock(), user="duty", lang="en")
    live = services.live
    recorder = build_call_recorder(store, live, services.settings)
    cluster = build_switch([NodeConfig("fs1", "127.0.0.1", server.port, timeout_s=3)], live.apply,
                           rng=random.Random(1), live=live)
    attach_switch(services, cluster, store, live.apply)
    sup, duty = services.supervisor, services.access.user("duty")
    cluster.start()
    try:
        await cluster.connected("fs1", timeout_s=20)
        picked, moved, raised, gone = (cc.arrive("qa", f"1380000000{i}") for i in range(4))
        await wait_until_async(lambda: len(live.members) == 4, timeout=10, interval=0.02, what="four callers waiting")
        cc.run_until(T0 + 30)                          # they have waited 30 s
        await sup.pick_up(duty, picked.session_uuid, "qa", node="fs1")
        await sup.move_caller(duty, moved.session_uuid, "qa", "qb", node="fs1")
        await sup.raise_priority(duty, raised.session_uuid, "qa", 600, node="fs1")
        cc.kill(gone.session_uuid, "ORIGINATOR_CANCEL")    # the one who really hung up

        def counted():
            t = live.snapshot(cc.now + 1).totals["today"]
            return t if t.offered == 4 else None
        t = await wait_until_async(counted, timeout=10, interval=0.02, what="four visits finished")
        assert (t.offered, t.answered, t.abandoned) == (4, 1, 1)
        assert t.asa_s == pytest.approx(30, abs=1)    # the pick-up's wait; no handle time of its own
        assert t.aht_s is None
        qb = next(q for q in live.snapshot(cc.now + 1).queues if q.name == "qb")
        assert qb.waiting == 1                         # offered again in the new queue
        assert [m.score for m in live.members.values() if m.queue == "qa"] == [600]   # requeued, same queue
        assert not live.taken                          # every note used up

        recorder.flush()
        by_number = {r.caller_number: r.outcome for r in store.calls.records(T0 - 60)}
        assert by_number == {"13800000000": "picked_up", "13800000001": "transferred",
                             "13800000002": "transferred", "13800000003": "abandoned"}
        assert [t.caller_number for t in store.calls.callbacks("open")] == ["13800000003"]

        again = build_rebuilt_live(store, services.settings, None, cc.now + 1).snapshot(cc.now + 1).totals["today"]
        assert (again.offered, again.answered, again.abandoned, again.abandon_rate) == (4, 1, 1, t.abandon_rate)
        assert again.asa_s == t.asa_s and again.aht_s is None
    finally:
        await cluster.stop()
        await server.close()
        store.close()
