"""The QA figures (docs/kpi.md, "Quality inspection"): the ONE implementation of each.

Pure functions over stored evaluations and the card versions they were scored on; the store
is the only source, so every figure is rebuilt from it. Never block.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import mean
from typing import Callable

from .ports import Evaluation
from .scoring import Mark, deductions
from .settings import Card

SCORED = ("submitted", "appealed", "decided")


def scored(evs: list[Evaluation]) -> list[Evaluation]:
    """The evaluations that count for agents: sampled (not calibration) and submitted."""
    return [e for e in evs if e.state in SCORED and e.purpose == "sample" and e.score is not None]


@dataclass
class Group:
    key: str
    evaluated: int
    mean_score: float | None


@dataclass
class Deduction:
    kind: str
    item: str
    label: str
    points_lost: float
    evaluations: int          # evaluations with a deduction on the item


@dataclass
class Calibration:
    call_key: str
    scores: dict[str, float]  # inspector -> score
    spread: float             # max − min


@dataclass
class QaFigures:
    period: str
    evaluated: int
    mean_score: float | None
    by_agent: list[Group]
    by_team: list[Group]
    by_month: list[Group]
    deductions: list[Deduction]
    attitude_ok: int
    attitude_rate: float | None
    calibration: list[Calibration] = field(default_factory=list)
    calibration_spread: float | None = None          # mean spread over calls scored by ≥ 2 inspectors
    inspector_bias: dict[str, float] = field(default_factory=dict)   # mean (own − call mean)


def _groups(evs: list[Evaluation], key: Callable[[Evaluation], str]) -> list[Group]:
    by: dict[str, list[float]] = defaultdict(list)
    for e in evs:
        by[key(e)].append(float(e.score or 0))
    return [Group(k, len(v), round(mean(v), 1)) for k, v in sorted(by.items())]


def _marks(e: Evaluation, kind: str) -> dict[str, Mark]:
    return {c: Mark.from_json(m) for c, m in e.marks.get(kind, {}).items()}


def figures(period: str, evs: list[Evaluation], card: Callable[[str, int], Card],
            team_of: Callable[[str], str]) -> QaFigures:
    """The figures of ``evs`` (already filtered to the period, team or agent asked for).
    ``card(name, version)`` gives a stored card version; ``team_of(agent)`` the agent's team."""
    done = scored(evs)
    lost: dict[tuple[str, str], list[float]] = defaultdict(list)
    labels: dict[tuple[str, str], str] = {}
    attitude_ok = 0
    for e in done:
        clean = True
        for kind, name, version in (("call", e.call_card, e.call_card_version),
                                    ("ticket", e.ticket_card, e.ticket_card_version)):
            if not name or kind not in e.marks:
                continue
            c = card(name, version)
            marks = _marks(e, kind)
            attitude = {i.code for s in c.sections if s.attitude for i in s.items}
            for code, pts in deductions(c, marks).items():
                lost[(kind, code)].append(pts)
                it = c.item(code)
                labels[(kind, code)] = it.label if it else code
                if code in attitude:
                    clean = False
        attitude_ok += clean
    ded = sorted((Deduction(k, i, labels[(k, i)], round(sum(v), 1), len(v)) for (k, i), v in lost.items()),
                 key=lambda d: (-d.points_lost, d.kind, d.item))
    # calibration: every submitted evaluation of a call scored by two or more inspectors
    per_call: dict[str, dict[str, float]] = defaultdict(dict)
    for e in evs:
        if e.state in SCORED and e.score is not None:
            per_call[e.call_key][e.inspector] = float(e.score)
    cal = [Calibration(k, v, round(max(v.values()) - min(v.values()), 1)) for k, v in sorted(per_call.items())
           if len(v) >= 2]
    dev: dict[str, list[float]] = defaultdict(list)
    for cc in cal:
        m = mean(cc.scores.values())
        for who, s in cc.scores.items():
            dev[who].append(s - m)
    return QaFigures(
        period, len(done), round(mean(float(e.score or 0) for e in done), 1) if done else None,
        _groups(done, lambda e: e.agent), _groups(done, lambda e: team_of(e.agent) or "—"),
        _groups(done, lambda e: e.period), ded, attitude_ok,
        round(attitude_ok / len(done), 4) if done else None, cal,
        round(mean(x.spread for x in cal), 1) if cal else None,
        {k: round(mean(v), 1) for k, v in sorted(dev.items())})
