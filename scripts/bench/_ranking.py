"""Ranking-quality metrics for the knowledge-base quality script (pure; no I/O).

``ranked`` is the list of result titles best first; ``expected`` the titles judged correct.
recall@k  = |expected ∩ top k| / |expected|   (so a query with two right answers needs both)
MRR@k     = 1 / rank of the first expected title within the top k, else 0
Both are averaged over queries by ``summarise``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def recall_at(ranked: Sequence[str], expected: Iterable[str], k: int) -> float:
    """Share of ``expected`` found in the first ``k`` of ``ranked``. Raises ValueError when
    nothing is expected or k < 1 (a labelled query must name at least one answer)."""
    want = set(expected)
    if not want:
        raise ValueError("a labelled query needs at least one expected title")
    if k < 1:
        raise ValueError("k must be at least 1")
    return len(want & set(ranked[:k])) / len(want)


def reciprocal_rank_at(ranked: Sequence[str], expected: Iterable[str], k: int) -> float:
    """1/rank (1-based) of the first expected title in the first ``k`` results, else 0.0."""
    want = set(expected)
    if not want:
        raise ValueError("a labelled query needs at least one expected title")
    if k < 1:
        raise ValueError("k must be at least 1")
    for i, title in enumerate(ranked[:k], 1):
        if title in want:
            return 1.0 / i
    return 0.0


def summarise(rows: Iterable[tuple[str, Sequence[str], Sequence[str]]], *, k_recall: int = 5,
              k_mrr: int = 10) -> dict[str, dict[str, float]]:
    """rows: (kind, ranked titles, expected titles). Returns {kind: {n, recall, mrr}} plus
    "all" over every row; kinds appear in first-seen order, "all" last."""
    acc: dict[str, list[float]] = {}
    for kind, ranked, expected in rows:
        r = recall_at(ranked, expected, k_recall)
        m = reciprocal_rank_at(ranked, expected, k_mrr)
        for key in (kind, "all"):
            bucket = acc.setdefault(key, [0.0, 0.0, 0.0])
            bucket[0] += 1
            bucket[1] += r
            bucket[2] += m
    out = {key: {"n": int(n), "recall": r / n, "mrr": m / n} for key, (n, r, m) in acc.items() if key != "all"}
    if "all" in acc:
        n, r, m = acc["all"]
        out["all"] = {"n": int(n), "recall": r / n, "mrr": m / n}
    return out
