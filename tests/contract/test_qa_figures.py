"""The QA figures from the store (issue 20, docs/kpi.md): score per agent, team and month,
item deductions, service-attitude rate, inspector calibration spread — both stores."""

from __future__ import annotations

import pytest

from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import PermissionDenied
from hotline_tui.qa.factory import qa_service
from tests.qa_rig import PERIOD, seed_month


@pytest.fixture
def qa(store):
    seed_month(store, agents=("1001", "1002"), per_day=1, days=range(2, 6))
    svc = qa_service(store, DEMO_DIR, FixedClock("2026-12-02T09:00:00+08:00"))
    svc.sample(svc.access.user("qalead"), PERIOD)
    return svc


def _score(qa, ev, marks=None, fatal=None):
    return qa.score(qa.access.user(ev.inspector), ev.id, marks or {}, fatal or [])


def test_figures(store, qa):
    evs = store.qa.evaluations(period=PERIOD)
    a1 = [e for e in evs if e.agent == "1001"]
    a2 = [e for e in evs if e.agent == "1002"]
    # agent 1001: one attitude deduction (tone −2), one operating deduction (−5 and −10 on 'none')
    s1 = _score(qa, a1[0], {("call", "tone"): ("partial", "语调生硬")})
    s2 = _score(qa, a1[1], {("call", "operating"): ("none", "未按规范"), ("call", "intake"): ("full", "")})
    s3 = _score(qa, a2[0], {("call", "intake"): ("full", "")})
    # calibration: a second inspector on a2[0], scoring it lower
    other = "qa2" if a2[0].inspector == "qa" else "qa"
    cal = qa.calibrate(qa.access.user("qalead"), a2[0].id, [other])[0]
    c = qa.score(qa.access.user(other), cal.id, {("call", "patience"): ("none", "抢话"), ("call", "intake"): ("full", "")})
    f = qa.figures(qa.access.user("qalead"), PERIOD)
    assert f.evaluated == 3                                   # calibration evaluations do not count for agents
    by_agent = {g.key: g for g in f.by_agent}
    assert by_agent["1001"].evaluated == 2 and by_agent["1001"].mean_score == round((s1.score + s2.score) / 2, 1)
    assert by_agent["1002"].mean_score == s3.score
    assert {g.key for g in f.by_team} == {"话务一班", "—"}     # agent 1002 has no user with a team
    assert [g.key for g in f.by_month] == [PERIOD]
    lost = {(d.kind, d.item): d.points_lost for d in f.deductions}
    assert lost[("call", "operating")] == 10.0 and lost[("call", "tone")] == 2.0
    assert f.deductions[0].item in ("operating", "area")      # the most points lost first
    # service attitude: evaluations without an attitude deduction ÷ evaluated (tone is attitude)
    assert f.attitude_ok == 2 and f.attitude_rate == round(2 / 3, 4)
    assert len(f.calibration) == 1 and f.calibration[0].spread == round(s3.score - c.score, 1)
    assert f.calibration_spread == f.calibration[0].spread
    assert f.inspector_bias[other] < 0 < f.inspector_bias[a2[0].inspector]
    team = qa.figures(qa.access.user("qalead"), PERIOD, team="话务一班")
    assert team.evaluated == 2


def test_an_agent_gets_only_their_own_figures(store, qa):
    for e in store.qa.evaluations(period=PERIOD):
        _score(qa, e, {("call", "intake"): ("full", "")})
    mine = qa.figures(qa.access.user("agent1001"), PERIOD)
    assert {g.key for g in mine.by_agent} == {"1001"}
    with pytest.raises(PermissionDenied):
        qa.figures(qa.access.user("dept-rsj"), PERIOD)
