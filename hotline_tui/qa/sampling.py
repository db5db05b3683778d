"""The sampling policy (抽检): which calls of a month each agent is evaluated on, by whom.

Deterministic for a seed; stratified (calls whose ticket had an unsatisfied callback, was
returned, or is a complaint are always taken); the rest spread evenly over the days of the
month; inspectors given the evaluations round-robin by their load. Pure; never blocks.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from ..clock import SITE_TZ
from ..tickets.model import Ticket
from .settings import Sampling


@dataclass(frozen=True)
class Candidate:
    call_key: str
    agent: str
    answered_at: float
    ticket: Ticket | None = None


def stratum(c: Candidate, s: Sampling) -> str:
    """Why a call must be sampled (unsatisfied | returned | complaint), or "random"."""
    t = c.ticket
    if t is None:
        return "random"
    if "unsatisfied" in (t.callback_handler, t.callback_result):
        return "unsatisfied"
    if t.returns > 0:
        return "returned"
    if t.category in s.complaint_categories:
        return "complaint"
    return "random"


def quota(n_calls: int, s: Sampling) -> int:
    """Evaluations due for an agent with ``n_calls`` answered calls in the period."""
    want = max(s.minimum, math.ceil(n_calls * s.percent / 100)) if s.percent else s.per_agent
    return min(want, n_calls)


def _day(c: Candidate) -> str:
    return datetime.fromtimestamp(c.answered_at, SITE_TZ).strftime("%Y-%m-%d")


def pick(period: str, agent: str, candidates: list[Candidate], already: set[str], s: Sampling) -> list[tuple[Candidate, str]]:
    """The calls to add for ``agent``: every must-sample call not yet sampled, then random calls
    (one per day in turn, days in a seeded order) until the agent has its quota, counting the
    calls ``already`` sampled. Returns (candidate, stratum)."""
    rng = random.Random(f"{s.seed}:{period}:{agent}")
    mine = sorted((c for c in candidates if c.agent == agent), key=lambda c: (c.answered_at, c.call_key))
    out: list[tuple[Candidate, str]] = []
    have = sum(1 for c in mine if c.call_key in already)
    rest: dict[str, list[Candidate]] = defaultdict(list)
    for c in mine:
        if c.call_key in already:
            continue
        why = stratum(c, s)
        if why != "random":
            out.append((c, why))
        else:
            rest[_day(c)].append(c)
    need = quota(len(mine), s) - have - len(out)
    days = sorted(rest)
    rng.shuffle(days)
    for d in days:
        rng.shuffle(rest[d])
    while need > 0 and any(rest.values()):
        for d in days:
            if need > 0 and rest[d]:
                out.append((rest[d].pop(), "random"))
                need -= 1
    return out


def assign(picks: list[str], inspectors: list[str], load: dict[str, int]) -> list[str]:
    """An inspector for each pick: the least loaded so far (ties by name)."""
    if not inspectors:
        return []
    load = {i: load.get(i, 0) for i in inspectors}
    out = []
    for _ in picks:
        who = min(sorted(inspectors), key=lambda i: load[i])
        load[who] += 1
        out.append(who)
    return out
