"""One interface over the index stores, for retrieval and for the commands that open an index.

A loaded index (`rag.store.IndexData` for FAISS, `rag.index.pgvector.PgIndex` for PostgreSQL) holds the chunks
and the manifest; `searcher_for(index)` gives what ranks its rows for a question:

- `dense(query_vector, sources, limit)`: the best rows by cosine similarity (only rows of `sources` when given),
- `keyword(query, sources, limit)`: the best rows by BM25 (positive scores only),
- `cosines(query_vector)`: a `Cosines` from which the cosine of any row can be read (fetched in batches),
- `files_with(tokens)`: the files whose chunks hold any of these search tokens.

FAISS does this in this process; pgvector on the database server, so no question pulls the table into Python.
`load_live(settings)` opens the configured store's live index, `index_label(settings)` names it in messages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np


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


def searcher_for(index, settings=None) -> Searcher:
    """What ranks the rows of a loaded index: the index itself when it searches on a server, else FAISS/numpy."""
    if hasattr(index, "searcher"):
        return index.searcher()
    from rag.index.faiss_search import FaissSearch

    return FaissSearch(index, nprobe=getattr(settings, "faiss_nprobe", 32))


def load_live(settings):
    """The live index of the configured store, or None when there is none yet."""
    if settings.store == "pgvector":
        from rag.index.pgvector import PgStore

        return PgStore(settings).load()
    from rag.store import load_index

    return load_index(settings.index_dir)


def live_version(settings) -> str | None:
    """A name for the live index version, cheap to read, that changes with every ingest that changes the index
    (the FAISS version folder `CURRENT` names; pgvector's generation counter); None while there is no index.
    Long-running processes (web UI, HTTP API) compare it to reload after another process's ingest."""
    if settings.store == "pgvector":
        from rag.index.pgvector import PgStore

        return PgStore(settings).generation()
    from rag.store import current_version

    version = current_version(settings.index_dir)
    return version.name if version is not None else None


def has_index(settings) -> bool:
    if settings.store == "pgvector":
        from rag.index.pgvector import PgStore

        return PgStore(settings).has_index()
    from rag.store import current_version

    return current_version(settings.index_dir) is not None


def index_label(settings) -> str:
    """How messages name the index: its folder, or the PostgreSQL database and schema (never the password)."""
    if settings.store == "pgvector":
        from rag.index.pgvector import describe_dsn

        return f"{describe_dsn(settings.pg_dsn)} schema {settings.pg_schema}"
    return str(settings.index_dir)


def check_compatible(manifest, settings, embedding_model: str) -> None:
    """`rag.store.check_compatible` with messages naming the configured store."""
    from rag.store import check_compatible as check

    check(manifest, settings.model_copy(update={"index_dir": Path(index_label(settings))}), embedding_model)
