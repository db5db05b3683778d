"""The model's per-queue tier index (what makes a 1,000-agent site fast enough) follows every
edit the API makes, and dispatch offers callers to the same agents a full scan would."""

from backends.sim.api import run_api
from backends.sim.model import CallCenter
from hotline_tui.site import load_site

T0 = 1795402800.0


def big_site(tmp_path):
    y = """
switch: {hostname: t, domain: t.local}
behaviour: {ring_mean_s: 0}
queues:
  - name: q1
  - name: q2
  - name: q3
agents:
  - team: A
    ids: 1-6
    wrap_up_s: 0
    skills: {q1: 1, q2: 2}
  - team: B
    ids: 7-9
    wrap_up_s: 0
    skills: {q2: 1}
"""
    p = tmp_path / "site.yaml"
    p.write_text(y)
    return load_site(p)


def scan(cc, queue):
    return [t for (q, _), t in cc.tiers.items() if q == queue]


def test_index_follows_api_edits(tmp_path):
    cc = CallCenter(big_site(tmp_path), seed=1, start=T0, traffic=False)
    assert [t.agent for t in cc.tiers.of_queue("q2")] == [t.agent for t in scan(cc, "q2")] == [str(i) for i in range(1, 10)]
    assert cc.tiers.of_queue("q3") == []
    assert run_api(cc, "callcenter_config tier add q3 7 1 1").startswith("+OK")
    assert [t.agent for t in cc.tiers.of_queue("q3")] == ["7"]
    assert run_api(cc, "callcenter_config tier del q2 8").startswith("+OK")
    assert [t.agent for t in cc.tiers.of_queue("q2")] == [t.agent for t in scan(cc, "q2")]
    assert "8" not in [t.agent for t in cc.tiers.of_queue("q2")]
    assert run_api(cc, "callcenter_config agent del 1").startswith("+OK")
    for q in ("q1", "q2", "q3"):
        assert cc.tiers.of_queue(q) == scan(cc, q)
    assert "1" not in [t.agent for t in cc.tiers.of_queue("q1")]


def test_dispatch_uses_the_queues_own_tiers(tmp_path):
    cc = CallCenter(big_site(tmp_path), seed=1, start=T0, traffic=False)
    run_api(cc, "callcenter_config tier add q3 9 1 1")
    m = cc.arrive("q3", "13800000001")
    cc.run_until(T0 + 1)
    assert m.serving_agent == "9"        # the only agent in q3, added through the API after start
    run_api(cc, "callcenter_config tier del q3 9")
    m2 = cc.arrive("q3", "13800000002")
    cc.run_until(T0 + 2)
    assert m2.state == "Waiting" and m2.serving_agent == ""   # nobody serves q3 any more
