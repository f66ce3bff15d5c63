"""What every index store offers retrieval: the `Searcher` interface, `Cosines`, and data derived from an index.

A loaded index (`rag.index.store.IndexData` for FAISS, `rag.index.pgvector.PgIndex` for PostgreSQL) holds the
chunks and the manifest; the store's searcher ranks its rows for a question:

- `dense(query_vector, sources, limit)`: the best rows by cosine similarity (only rows of `sources` when given),
- `keyword(query, sources, limit)`: the best rows by BM25 (positive scores only),
- `cosines(query_vector)`: a `Cosines` from which the cosine of any row can be read (fetched in batches),
- `files_with(tokens)`: the files whose chunks hold any of these search tokens.

FAISS does this in this process; pgvector on the database server, so no question pulls the table into Python.
`derived(index, key, build)` keeps what later stages compute from a loaded index (file names, page layouts, the
token-to-file map) on the index object itself: built once per index version, shared by every caller (CLI, web UI,
server, evaluation). Opening the configured store is `rag.index.live`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

import numpy as np

T = TypeVar("T")
_DERIVED_LOCK = threading.RLock()


class Cosines:
    """Cosine similarity of the question with index rows: a full array, or values fetched for the rows asked for."""

    def __init__(self, array: np.ndarray | None = None, fetch: Callable[[list[int]], dict[int, float]] | None = None):
        self.array = array
        self._fetch = fetch
        self.values: dict[int, float] = {}

    def fetch(self, rows: Iterable[int]) -> None:
        """Make sure the cosines of `rows` are known (one round trip for all the missing ones)."""
        if self.array is not None or self._fetch is None:
            return
        missing = sorted({int(row) for row in rows} - self.values.keys())
        if missing:
            found = self._fetch(missing)
            self.values.update({row: float(found.get(row, 0.0)) for row in missing})

    def known(self, rows: Sequence[int], values: Sequence[float]) -> None:
        for row, value in zip(rows, values):
            self.values[int(row)] = float(value)

    def __getitem__(self, row: int) -> float:
        row = int(row)
        if row in self.values:
            return self.values[row]
        if self.array is not None:
            return float(self.array[row])
        self.fetch([row])
        return self.values[row]

    def with_values(self, rows: Sequence[int], values: Sequence[float]) -> "Cosines":
        """A copy where `rows` have these values instead."""
        copy = Cosines(self.array, self._fetch)
        copy.values = dict(self.values)
        copy.known(rows, values)
        return copy


class Searcher(Protocol):
    def dense(self, query_vector: np.ndarray, sources: set[str] | None, limit: int
              ) -> tuple[list[int], list[float]]: ...

    def keyword(self, query: str, sources: set[str] | None, limit: int) -> list[int]: ...

    def cosines(self, query_vector: np.ndarray) -> Cosines: ...

    def files_with(self, tokens: Iterable[str]) -> set[str]: ...

    def file_counts(self, tokens: Iterable[str]) -> dict[str, int]: ...  # how many files hold each token


def top_rows(scores: np.ndarray, allowed: np.ndarray | None, limit: int, positive_only: bool = False) -> np.ndarray:
    """Rows of the `limit` highest scores (best first), among `allowed` rows when given."""
    candidates = np.flatnonzero(allowed) if allowed is not None else np.arange(len(scores))
    if positive_only:
        candidates = candidates[scores[candidates] > 0]
    if len(candidates) > limit:
        candidates = candidates[np.argpartition(-scores[candidates], limit - 1)[:limit]]
    return candidates[np.argsort(-scores[candidates], kind="stable")]


def derived(index: Any, key: Hashable, build: Callable[[], T]) -> T:
    """What `build()` computes from the loaded `index`, computed once and kept on the index object.

    A loaded index is one index version (a new version is a new object), so the value is built once per version
    and shared by everything holding that index: the retrievers of every `k` in the web UI, the server's requests,
    an evaluation's presets. `build` must depend on the index alone, never on settings or a question.
    """
    cache = getattr(index, "derived", None)
    if cache is None:
        raise TypeError(f"{type(index).__name__} keeps no derived data (it needs a `derived` dict)")
    try:
        return cache[key]
    except KeyError:
        pass
    with _DERIVED_LOCK:  # two threads asking at once build it once
        if key not in cache:
            cache[key] = build()
        return cache[key]
