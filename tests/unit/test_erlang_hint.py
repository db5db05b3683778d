"""``staffing(..., hint=N)`` (the queue-interval report's Erlang A search, started at the Erlang C
answer) gives the same answer as the plain search, wherever the guess is."""

from __future__ import annotations

import random

import pytest

from hotline_tui.erlang import staffing


@pytest.mark.parametrize("seed", range(4))
def test_a_hint_never_changes_the_answer(seed):
    rng = random.Random(seed)
    for _ in range(12):
        cph = rng.choice([3, 20, 120, 500]) * rng.uniform(0.8, 1.2)
        aht, within = rng.uniform(60, 400), rng.choice([0, 20, 30])
        target, patience = rng.choice([0.5, 0.8, 0.95]), rng.choice([None, 30.0, 200.0])
        plain = staffing(cph, aht, target, within, patience)
        c = staffing(cph, aht, target, within).agents
        for hint in (c, c - 1, c + 2, c - 9, c + 9, 1, 1999):
            assert staffing(cph, aht, target, within, patience, hint=hint) == plain, (cph, aht, target, within, patience, hint)


def test_the_early_exit_tail_gives_the_same_decision():
    """``_poisson_sf_below`` (Erlang A's tail scan stops as soon as the tail is plainly not
    negligible) decides as ``_poisson_sf(...) < limit`` does, summed whole."""
    from hotline_tui.erlang import _poisson_sf, _poisson_sf_below

    rng = random.Random(7)
    for _ in range(20000):
        mean = rng.choice([0.0, rng.uniform(0, 5), rng.uniform(0, 50), rng.uniform(0, 500)])
        k, limit = rng.randrange(0, 700), rng.choice([1e-13, 1e-3, 0.5, 1e-300])
        assert (_poisson_sf(mean, k) < limit) == _poisson_sf_below(mean, k, limit), (mean, k, limit)
