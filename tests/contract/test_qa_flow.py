"""Quality inspection on both stores (issue 20): a month sampled by the policy, an inspector
scores a call and its ticket, the agent appeals once, a lead decides; every step audited."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import IllegalTransition, IntegrityViolation, PermissionDenied, ValidationError
from hotline_tui.qa.factory import qa_service
from tests.qa_rig import PERIOD, seed_month


@pytest.fixture
def qa(store):
    seed_month(store)
    return qa_service(store, DEMO_DIR, FixedClock("2026-12-02T09:00:00+08:00"))


def test_a_month_is_sampled_by_the_policy_once(store, qa):
    lead = qa.access.user("qalead")
    added = qa.sample(lead, PERIOD)
    by_agent: dict[str, list] = {}
    for e in added:
        by_agent.setdefault(e.agent, []).append(e)
    assert set(by_agent) == {"1001", "1002"}
    # 4 per agent by the policy; the must-sample calls (complaint call-2, its agent 1001) count in
    assert len(by_agent["1002"]) == 4
    assert any(e.call_key == "call-2" and e.stratum == "complaint" for e in by_agent["1001"])
    # spread over the days: the random picks of one agent fall on different days
    days = [e.call["answered_at"] // 86400 for e in by_agent["1002"]]
    assert len(set(days)) == len(days)
    # spread across inspectors
    assert {e.inspector for e in added} == {"qa", "qa2"}
    assert abs(sum(e.inspector == "qa" for e in added) - sum(e.inspector == "qa2" for e in added)) <= 1
    assert qa.sample(lead, PERIOD) == []                       # idempotent: nothing added
    assert len(store.qa.evaluations(period=PERIOD)) == len(added)
    assert len(store.audit.by_action("qa.sample")) == len(added)


def test_sampling_is_deterministic_for_a_seed(db_target, tmp_path):
    from backends.store import open_store

    picks = []
    for i in range(2):
        s = open_store(str(tmp_path / f"s{i}.db"), migrate=True) if db_target.endswith(".db") else None
        if s is None:
            pytest.skip("one store kind is enough for determinism")
        seed_month(s)
        svc = qa_service(s, DEMO_DIR, FixedClock("2026-12-02T09:00:00+08:00"))
        picks.append(sorted((e.call_key, e.inspector) for e in svc.sample(svc.access.user("qalead"), PERIOD)))
        s.close()
    assert picks[0] == picks[1]


def test_prefills_carry_their_evidence(store):
    serials = seed_month(store, agents=("1001",), per_day=1, days=range(2, 5))
    qa = qa_service(store, DEMO_DIR, FixedClock("2026-12-02T09:00:00+08:00"))
    qa.settings = replace(qa.settings, sampling=qa.settings.sampling.model_copy(update={"per_agent": 3}))
    evs = {e.call_key: e for e in qa.sample(qa.access.user("qalead"), PERIOD)}
    assert evs["call-1"].ticket_serial == serials["call-1"]
    area = evs["call-1"].prefill["ticket"]["area"]
    assert area["level"] == "none" and "no district" in area["evidence"]
    ttype = evs["call-3"].prefill["ticket"]["type"]
    assert ttype["level"] == "none" and "consult → policy" in ttype["evidence"]
    # call-2 is on day 3: agent 1001's phone rang 25 s there
    intake = evs["call-2"].prefill["call"]["intake"]
    assert intake["level"] == "none" and "rang 25 s" in intake["evidence"]
    assert evs["call-1"].prefill["call"]["intake"]["level"] == "full"


def _scored(qa, store):
    lead = qa.access.user("qalead")
    evs = qa.sample(lead, PERIOD)
    ev = next(e for e in evs if e.agent == "1001" and e.ticket_serial)
    inspector = qa.access.user(ev.inspector)
    done = qa.score(inspector, ev.id, {("call", "patience"): ("partial", "打断市民讲话"),
                                       ("call", "guidance"): ("na", "")})
    return ev, done


def test_text_with_nul_is_refused(store, qa):
    ev = next(e for e in qa.sample(qa.access.user("qalead"), PERIOD) if e.ticket_serial)
    with pytest.raises(ValidationError, match="NUL|nul"):
        qa.score(qa.access.user(ev.inspector), ev.id, {("call", "tone"): ("partial", "a\x00b")})
    assert store.qa.evaluation(ev.id).state == "assigned"


def test_score_submit_locks_and_is_audited(store, qa):
    ev, done = _scored(qa, store)
    assert done.state == "submitted" and done.version == ev.version + 1
    assert done.call_score is not None and done.call_score < 100 and done.score is not None
    again = store.qa.evaluation(ev.id)
    assert again.marks["call"]["patience"] == {"level": "partial", "comment": "打断市民讲话", "evidence": "",
                                               "prefilled": False}
    with pytest.raises(IllegalTransition):
        qa.score(qa.access.user(ev.inspector), ev.id, {})
    entry = store.audit.for_subject("qa_evaluation", str(ev.id))[-1]
    assert entry.action == "qa.score" and entry.after["score"] == done.score


def test_a_deduction_needs_a_comment_and_na_only_on_optional_items(store, qa):
    ev = next(e for e in qa.sample(qa.access.user("qalead"), PERIOD) if e.ticket_serial)
    who = qa.access.user(ev.inspector)
    with pytest.raises(ValidationError, match="needs a comment"):
        qa.score(who, ev.id, {("call", "tone"): ("none", "")})
    with pytest.raises(ValidationError, match="not optional"):
        qa.score(who, ev.id, {("call", "tone"): ("na", "")})
    other = qa.access.user("qa2" if ev.inspector == "qa" else "qa")
    with pytest.raises(PermissionDenied):
        qa.score(other, ev.id, {})
    assert store.qa.evaluation(ev.id).state == "assigned"


def test_fatal_zeroes_the_evaluation(store, qa):
    ev = next(e for e in qa.sample(qa.access.user("qalead"), PERIOD) if e.ticket_serial)
    done = qa.score(qa.access.user(ev.inspector), ev.id, {}, ["wrong_unit"])
    assert done.score == 0.0 and done.call_score is not None and done.call_score > 0


def test_agent_appeals_once_and_a_lead_decides(store, qa):
    ev, done = _scored(qa, store)
    agent = qa.access.user("agent1001")
    assert agent.agent == "1001"
    with pytest.raises(PermissionDenied):
        qa.decide(qa.access.user("agent1001"), ev.id, "upheld", "x")
    ap = qa.appeal(agent, ev.id, "市民先打断了我")
    assert ap.score_before == done.score
    with pytest.raises(IllegalTransition):
        qa.appeal(agent, ev.id, "again")
    # the inspector who scored it may not decide; the QA lead may
    decided = qa.decide(qa.access.user("qalead"), ev.id, "upheld", "录音复核: 未打断",
                        {("call", "patience"): ("full", "")})
    assert decided.state == "decided" and decided.score is not None and decided.score > done.score
    stored = store.qa.appeal(ev.id)
    assert stored.decision == "upheld" and stored.score_after == decided.score
    actions = [e.action for e in store.audit.for_subject("qa_evaluation", str(ev.id))]
    assert actions == ["qa.sample", "qa.score", "qa.appeal", "qa.decide"]
    with pytest.raises(IllegalTransition):
        qa.decide(qa.access.user("qalead"), ev.id, "rejected", "again")


def test_an_agent_sees_only_their_own(store, qa):
    _scored(qa, store)
    agent = qa.access.user("agent1001")
    assert {e.agent for e in qa.visible(agent, period=PERIOD)} == {"1001"}
    theirs = next(e for e in store.qa.evaluations(period=PERIOD) if e.agent == "1002")
    from hotline_tui.errors import NotFound
    with pytest.raises(NotFound):
        qa.get(agent, theirs.id)
    with pytest.raises(PermissionDenied):
        qa.appeal(agent, theirs.id, "不是我的")


def test_the_store_refuses_a_second_appeal(store, qa):
    ev, _ = _scored(qa, store)
    from hotline_tui.audit import AuditEntry
    from hotline_tui.qa.ports import Appeal
    qa.appeal(qa.access.user("agent1001"), ev.id, "first")
    cur = store.qa.evaluation(ev.id)
    now = qa.clock.now()
    with pytest.raises(IntegrityViolation):
        store.qa.db.execute("INSERT INTO qa_appeals (evaluation_id, agent_user, reason, at) VALUES (:e, 'x', 'y', 1)",
                            {"e": ev.id})
    assert store.qa.appeal(ev.id).reason == "first" and cur.state == "appealed"
    del AuditEntry, Appeal, now


def test_a_card_in_use_is_never_edited_in_place(store, qa, tmp_path):
    import shutil

    from hotline_tui.errors import ConfigError
    ev, done = _scored(qa, store)
    site = tmp_path / "site"
    shutil.copytree(DEMO_DIR, site)
    text = (site / "qa.yaml").read_text(encoding="utf-8")
    (site / "qa.yaml").write_text(text.replace("{code: tone, label: 语调, points: 5, partial: 3}",
                                               "{code: tone, label: 语调, points: 5, partial: 2}"), encoding="utf-8")
    changed = qa_service(store, site, qa.clock)
    with pytest.raises(ConfigError, match=r"qa.yaml:\d+: cards.call.version: .*in use"):
        changed.sync_cards()
    (site / "qa.yaml").write_text(text.replace("{code: tone, label: 语调, points: 5, partial: 3}",
                                               "{code: tone, label: 语调, points: 5, partial: 2}")
                                  .replace("kind: call\n    label: 通话质量\n    version: 1",
                                           "kind: call\n    label: 通话质量\n    version: 2"), encoding="utf-8")
    assert ("call", 2, True) in qa_service(store, site, qa.clock).sync_cards()
    kept = store.qa.evaluation(ev.id)
    assert kept.call_card_version == 1 and kept.score == done.score
    assert qa.card("call", 1).item("tone").partial == 3 and qa.card("call", 2).item("tone").partial == 2


def test_calibration_adds_other_inspectors_on_the_same_call(store, qa):
    ev = qa.sample(qa.access.user("qalead"), PERIOD)[0]
    other = "qa2" if ev.inspector == "qa" else "qa"
    added = qa.calibrate(qa.access.user("qalead"), ev.id, [other])
    assert [(e.call_key, e.inspector, e.purpose) for e in added] == [(ev.call_key, other, "calibration")]
    assert qa.calibrate(qa.access.user("qalead"), ev.id, [other]) == []
    if ev.agent == "1001":      # a calibration evaluation does not count for the agent: no appeal
        qa.score(qa.access.user(other), added[0].id, {("call", "intake"): ("full", "")})
        with pytest.raises(IllegalTransition):
            qa.appeal(qa.access.user("agent1001"), added[0].id, "校准不算")
