"""recall@k and MRR@k used by scripts/bench/kb_quality.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts" / "bench"))

from _ranking import recall_at, reciprocal_rank_at, summarise  # noqa: E402


def test_recall_counts_every_expected_title_in_the_top_k():
    ranked = ["a", "b", "c", "d", "e", "f"]
    assert recall_at(ranked, ["c"], 5) == 1.0
    assert recall_at(ranked, ["f"], 5) == 0.0          # rank 6 is outside the top 5
    assert recall_at(ranked, ["a", "f"], 5) == 0.5     # one of two right answers
    assert recall_at(ranked, ["a", "f"], 6) == 1.0
    assert recall_at([], ["a"], 5) == 0.0
    assert recall_at(["a", "a"], ["a"], 5) == 1.0       # duplicates are not double-counted


def test_reciprocal_rank_is_one_over_the_first_hit_within_k():
    ranked = ["x", "y", "z", "a"]
    assert reciprocal_rank_at(ranked, ["x"], 10) == 1.0
    assert reciprocal_rank_at(ranked, ["z", "a"], 10) == pytest.approx(1 / 3)
    assert reciprocal_rank_at(ranked, ["a"], 3) == 0.0   # rank 4 is beyond k
    assert reciprocal_rank_at(ranked, ["q"], 10) == 0.0


def test_bad_labels_and_k_are_refused():
    with pytest.raises(ValueError):
        recall_at(["a"], [], 5)
    with pytest.raises(ValueError):
        reciprocal_rank_at(["a"], ["a"], 0)


def test_summarise_averages_per_kind_and_overall():
    rows = [
        ("pinyin", ["a", "b"], ["a"]),          # recall 1, rr 1
        ("pinyin", ["b", "a"], ["a"]),          # recall 1, rr 0.5
        ("typo", ["b", "c"], ["a"]),            # recall 0, rr 0
    ]
    s = summarise(rows)
    assert list(s) == ["pinyin", "typo", "all"]
    assert s["pinyin"] == {"n": 2, "recall": 1.0, "mrr": 0.75}
    assert s["typo"] == {"n": 1, "recall": 0.0, "mrr": 0.0}
    assert s["all"]["n"] == 3
    assert s["all"]["recall"] == pytest.approx(2 / 3)
    assert s["all"]["mrr"] == pytest.approx(0.5)
