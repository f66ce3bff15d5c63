"""Fusing best-first rankings into one: reciprocal rank fusion (RRF).

Each ranking (dense, BM25, statement pages, contact chunks, named pages) is a list of index rows with a weight; a
row scores the sum of weight / (constant + rank) over the rankings that hold it. Hands on the fused order, best
first, from which `rag.retrieve.passages` builds the passages.
"""

from __future__ import annotations

from collections.abc import Sequence


def reciprocal_rank_fusion(rankings: Sequence[tuple[Sequence[int], float]], constant: int = 60) -> list[tuple[int, float]]:
    """Items of several best-first rankings ordered by sum of weight / (constant + rank); ties keep first-seen order."""
    fused: dict[int, float] = {}
    for ranking, weight in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[int(item)] = fused.get(int(item), 0.0) + weight / (constant + rank)
    return sorted(fused.items(), key=lambda pair: -pair[1])
