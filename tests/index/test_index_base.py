"""The index's shared pieces: search tokens and the BM25 keyword index, row ranking, and data derived from an index
once per version."""

from __future__ import annotations

import threading

import numpy as np
from langchain_core.documents import Document

from rag.index import bm25
from rag.index.base import derived, top_rows
from rag.index.store import IndexData, Manifest


def chunk(text: str, source: str = "a.pdf", page: int = 1, number: int = 0, score: float = 0.5) -> Document:
    return Document(page_content=text, metadata={"source": source, "page": page, "chunk": number, "score": score})


# ---------------------------------------------------------------- tokens


def test_tokens_match_years_figures_and_plurals():
    tokens = bm25.tokenize("What were the FY2021 capital expenditures of 3M: $1,577 million?")
    assert {"fy2021", "2021", "capital", "expenditure", "3m", "1577", "million"} <= set(tokens)
    assert not {"what", "were", "the", "of"} & set(tokens)
    assert bm25.tokenize("Net sales increased") == ["net", "sale", "increased"]


def test_bm25_ranks_the_exact_line_item_first_and_finds_file_names():
    chunks = [chunk("Total current assets were 8,802 million.", "BESTBUY_2023_10K.pdf"),
              chunk("Current liabilities and other assets.", "other.pdf"),
              chunk("Nothing relevant here at all.", "other.pdf")]
    index, tokenized = bm25.build_for_chunks(chunks)
    assert tokenized == 3
    scores = index.scores("total current assets 8802")
    assert scores.argmax() == 0 and scores[2] == 0
    assert index.scores("bestbuy").argmax() == 0  # the file name is searchable
    assert not index.scores("zebra").any()


# ---------------------------------------------------------------- ranking rows


def test_top_rows_respects_the_allowed_rows_and_positive_scores():
    scores = np.array([0.1, 0.9, 0.0, 0.5, 0.7], dtype=np.float32)
    assert top_rows(scores, None, 3).tolist() == [1, 4, 3]
    allowed = np.array([True, False, True, True, False])
    assert top_rows(scores, allowed, 5).tolist() == [3, 0, 2]
    assert top_rows(scores, allowed, 5, positive_only=True).tolist() == [3, 0]


# ---------------------------------------------------------------- derived data


def test_derived_data_is_built_once_per_index_object_even_when_asked_at_once():
    manifest = Manifest.model_validate({"embedding": {"model": "m", "dimension": 2},
                                        "chunking": {"splitter": "s", "chunk_size": 500, "chunk_overlap": 50}})
    index, other = IndexData(manifest=manifest), IndexData(manifest=manifest)
    builds = []

    def build():
        builds.append(1)
        return object()

    found = []
    threads = [threading.Thread(target=lambda: found.append(derived(index, "key", build))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds) == 1 and all(value is found[0] for value in found)
    assert derived(other, "key", build) is not found[0] and len(builds) == 2  # another version: its own
