"""staffing_many (hotline_tui/erlang.py): the queue-interval report's Erlang searches side by side
give the same agents as staffing() one by one (what `hotline staffing` prints)."""

from __future__ import annotations

import math
import random

import pytest

from hotline_tui.erlang import _levels_a, erlang_a, staffing, staffing_many
from hotline_tui.errors import ValidationError


def _one(cph, aht, target, within, pat, hint, max_agents=2000):
    try:
        return staffing(cph, aht, target, within, pat, max_agents, hint).agents
    except ValidationError:
        return None


def _grid(seed: int, n: int):
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        cph = rng.choice([rng.uniform(0.5, 20), rng.uniform(20, 400), rng.uniform(400, 1500)])
        aht = rng.uniform(20, 600)
        pat = rng.choice([None, math.inf, 1.0, rng.uniform(5, 60), rng.uniform(60, 400), rng.uniform(400, 3000)])
        hint = rng.choice([None, 1, rng.randint(1, 80), 5000])
        rows.append((round(cph, 3), round(aht, 1), pat, hint))
    return rows


@pytest.mark.parametrize("target,within", [(0.8, 20.0), (0.9, 15.0), (0.5, 60.0), (0.8, 0.0), (0.95, 5.0)])
def test_same_answers_as_staffing(target, within):
    rows = _grid(int(target * 100 + within), 300)
    assert staffing_many(rows, target, within) == [_one(c, a, target, within, p, h) for c, a, p, h in rows]


def test_unreachable_invalid_and_empty():
    rows = [(300.0, 180.0, 120.0, None), (300.0, 180.0, None, None), (0.0, 180.0, 60.0, None),
            (10.0, -1.0, 60.0, None), (10.0, 60.0, 0.0, None), (10.0, 60.0, float("nan"), None)]
    # too few agents allowed: None (staffing raises), as for the bad inputs
    assert staffing_many(rows, 0.8, 20.0, max_agents=3) == [_one(c, a, 0.8, 20.0, p, h, 3) for c, a, p, h in rows]
    assert staffing_many(rows, 0.8, 20.0) == [_one(c, a, 0.8, 20.0, p, h) for c, a, p, h in rows]
    assert staffing_many(rows, 1.0, 20.0) == [None] * len(rows)
    assert staffing_many([], 0.8, 20.0) == []


def test_vectorised_levels_agree_with_erlang_a():
    rng = random.Random(7)
    cases = [(rng.randint(1, 60), rng.uniform(1, 900), rng.uniform(30, 600), rng.uniform(5, 3000)) for _ in range(400)]
    for within in (20.0, 0.0):
        fast = _levels_a([n for n, *_ in cases], [c / 3600 for _, c, _, _ in cases], [1 / a for *_, a, _ in cases],
                         [1 / p for *_, p in cases], within)
        for (n, c, a, p), v in zip(cases, fast):
            exact = erlang_a(n, c, a, p, within).service_level
            assert v is not None and abs(v - exact) < 1e-11, (n, c, a, p, within, v, exact)
