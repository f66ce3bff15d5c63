"""Ranking the rows of a FAISS index (`rag.index.store.IndexData`) in this process.

A flat index is searched as a matrix product over its vectors copied into numpy (exact, and fast up to a few
hundred thousand chunks). An approximate (IVF) index, written above `faiss_approximate_above` chunks, is searched
in place with `nprobe` lists and its vectors are never copied; a search limited to the files a question names is
exact over those files' rows. Keyword ranking is the BM25 index beside the vectors (`rag.index.bm25`).
"""

from __future__ import annotations

from collections.abc import Iterable

import faiss
import numpy as np

from rag.index.base import Cosines, derived, top_rows


def is_approximate(faiss_index) -> bool:
    return faiss_index is not None and not isinstance(faiss_index, faiss.IndexFlat)


class FaissSearch:
    def __init__(self, index, nprobe: int = 32):
        self.index = index
        self.nprobe = nprobe
        self.approximate = is_approximate(index.faiss_index)
        self._sources = derived(index, "faiss.sources",
                                lambda: np.array([doc.metadata["source"] for doc in index.chunks], dtype=object))
        self._last: tuple[object, np.ndarray | None] = (None, None)

    # -------------------------------------------------------- dense

    def cosines(self, query_vector: np.ndarray) -> Cosines:
        if not self.approximate:
            self._last = (query_vector, self.index.get_vectors() @ query_vector)  # dense() reuses it
            return Cosines(array=self._last[1])
        return Cosines(fetch=lambda rows: dict(zip(rows, self._vectors_of(rows) @ query_vector)))

    def dense(self, query_vector: np.ndarray, sources: set[str] | None, limit: int) -> tuple[list[int], list[float]]:
        allowed = self.allowed(sources)
        if not self.approximate:
            last_query, cosine = self._last
            if last_query is not query_vector:
                cosine = self.index.get_vectors() @ query_vector
            rows = top_rows(cosine, allowed, limit)
            return rows.tolist(), cosine[rows].tolist()
        if allowed is not None:  # exact over the named files' rows
            candidates = np.flatnonzero(allowed)
            scores = self._vectors_of(candidates.tolist()) @ query_vector
            best = np.argsort(-scores, kind="stable")[:limit]
            return candidates[best].tolist(), scores[best].tolist()
        params = faiss.SearchParametersIVF(nprobe=self.nprobe)
        scores, rows = self.index.faiss_index.search(query_vector.reshape(1, -1), limit, params=params)
        keep = rows[0] >= 0
        return rows[0][keep].tolist(), scores[0][keep].tolist()

    def _vectors_of(self, rows: list[int]) -> np.ndarray:
        if not rows:
            return np.zeros((0, self.index.manifest.embedding.dimension), dtype=np.float32)
        return self.index.faiss_index.reconstruct_batch(np.asarray(rows, dtype=np.int64))

    # -------------------------------------------------------- keyword

    def keyword(self, query: str, sources: set[str] | None, limit: int) -> list[int]:
        scores = self.index.get_bm25().scores(query)
        return top_rows(scores, self.allowed(sources), limit, positive_only=True).tolist()

    def files_with(self, tokens: Iterable[str]) -> set[str]:
        files_of_token = derived(self.index, "faiss.files_of_token", self._files_of_token)
        return set().union(*(files_of_token.get(token, set()) for token in tokens))

    def file_counts(self, tokens: Iterable[str]) -> dict[str, int]:
        files_of_token = derived(self.index, "faiss.files_of_token", self._files_of_token)
        return {token: len(files_of_token.get(token, ())) for token in set(tokens)}

    def _files_of_token(self) -> dict[str, set[str]]:
        """Every indexed word and the files whose chunks hold it."""
        keyword = self.index.get_bm25()
        names = keyword.token_names
        files: dict[str, set[str]] = {}
        for row, doc in enumerate(self.index.chunks):
            source = doc.metadata["source"]
            for token_id in set(keyword.token_ids[row].tolist()):
                files.setdefault(names[token_id], set()).add(source)
        return files

    def allowed(self, sources: set[str] | None) -> np.ndarray | None:
        return np.isin(self._sources, list(sources)) if sources else None
