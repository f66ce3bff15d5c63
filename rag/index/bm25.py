"""Keyword search over the chunks: a BM25 index (bm25s) kept in the index version folder, without pickle.

Each chunk is indexed with its document's name in front of its text, so a question that names the file
("Best Buy", "STEPBACK") finds its chunks. Files written beside the vectors (bm25s's own format: JSON, and
.npy arrays that are read back with `allow_pickle=False`):

    bm25.params.json, bm25.vocab.json        BM25 parameters, token -> column
    bm25.data.npy, bm25.indices.npy, ...     the precomputed BM25 score matrix (sparse, CSC)
    bm25.tokens.npz                          every chunk's tokens as column ids (flat array + offsets)

The tokens let the next ingest tokenize only new chunks: BM25 weights depend on the whole corpus (IDF,
average length), so the matrix itself is recomputed from all tokens at every write, which takes about a
second per 15,000 chunks.

Hands on BM25 scores per chunk row to the searchers (`rag.index.faiss_search`), and a file's searchable name
(`document_title`, `chunk_search_text`) to query analysis and the relevance check.
"""

from __future__ import annotations

import importlib.abc
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher, get_close_matches
from functools import cached_property
from pathlib import Path

import numpy as np
from langchain_core.documents import Document

from rag.text import STOPWORDS, has_cjk, join_thousands, normalize, stem, tokenize  # noqa: F401 - re-exported

PREFIX = "bm25."
PARAMS = PREFIX + "params.json"
VOCAB = PREFIX + "vocab.json"
TOKENS = PREFIX + "tokens.npz"
_ARRAYS = {"data_name": PREFIX + "data.npy", "indices_name": PREFIX + "indices.npy",
           "indptr_name": PREFIX + "indptr.npy", "nnoc_name": PREFIX + "nonoccurrence.npy"}

MIN_SPELLING_LENGTH = 6  # shorter words are too often other real words one letter away
SPELLING_MATCH = 0.85  # "advertsing" -> "advertising" (0.95); "accrual" -> "accrued" (0.71) is not a misspelling


def document_title(source: str) -> str:
    """The searchable name of a file: its name without folder and extension, separators as spaces."""
    stem_name = Path(source).stem
    return re.sub(r"[_\-.]+", " ", stem_name).strip()


def chunk_search_text(doc: Document) -> str:
    return f"{document_title(doc.metadata['source'])}\n{doc.page_content}"


def token_key(doc: Document) -> str:
    """What a chunk's tokens depend on: its file name and its text."""
    return f"{doc.metadata['source']}\n{doc.metadata.get('hash') or doc.page_content}"


@dataclass
class BM25Index:
    """BM25 scores for every chunk of an index, row for row with chunks.jsonl."""

    model: object  # bm25s.BM25
    vocab: dict[str, int]
    token_ids: list[np.ndarray]  # each chunk's tokens as vocab ids

    @property
    def size(self) -> int:
        return len(self.token_ids)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for `query` (zeros when no query word is in the index).

        A query word that is in no chunk is searched as its closest indexed word: a misspelling ("advertsing") as
        the word, a derived form ("cyclicality") as the indexed word it starts with ("cyclical").
        """
        ids = [self.vocab[found] for found in map(self.spelled, tokenize(query)) if found]
        if not ids or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.model.get_scores_from_ids(ids), dtype=np.float32)

    def spelled(self, token: str) -> str | None:
        """`token` if indexed, else the closest indexed word for a long enough alphabetic one, else None."""
        if token in self.vocab:
            return token
        if len(token) < MIN_SPELLING_LENGTH or not token.isalpha():
            return None
        close = get_close_matches(token, self._words_by_length.get(len(token), []), n=1, cutoff=SPELLING_MATCH)
        for length in (len(token) - 1, len(token) + 1):
            close += get_close_matches(token, self._words_by_length.get(length, []), n=1, cutoff=SPELLING_MATCH)
        if close:
            return max(close, key=lambda word: SequenceMatcher(None, token, word).ratio())
        return self._indexed_prefix(token)

    def _indexed_prefix(self, token: str) -> str | None:
        """The longest indexed word the token starts with ("cyclicality" -> "cyclical", "liabilitiesfor" ->
        "liability"), at least MIN_SPELLING_LENGTH letters long."""
        for cut in range(len(token) - 1, MIN_SPELLING_LENGTH - 1, -1):
            word = stem(token[:cut])
            if word in self.vocab:
                return word
        return None

    @cached_property
    def _words_by_length(self) -> dict[int, list[str]]:
        by_length: dict[int, list[str]] = {}
        for word in self.vocab:
            if word.isalpha():
                by_length.setdefault(len(word), []).append(word)
        return by_length

    def save(self, folder: Path) -> None:
        """Write the index files into `folder`; an empty index writes none (it is rebuilt, empty, on load)."""
        if not self.size:
            return
        self.model.save(str(folder), vocab_name=VOCAB, params_name=PARAMS, show_progress=False, **_ARRAYS)
        lengths = np.array([len(ids) for ids in self.token_ids], dtype=np.int64)
        flat = np.concatenate(self.token_ids) if self.token_ids else np.zeros(0, dtype=np.int32)
        np.savez(folder / TOKENS, ids=flat.astype(np.int32), offsets=np.concatenate([[0], np.cumsum(lengths)]))

    def tokens_of(self, row: int) -> list[str]:
        return [self.token_names[i] for i in self.token_ids[row]]

    @cached_property
    def token_names(self) -> list[str]:
        """Indexed words by column id."""
        names = [""] * (max(self.vocab.values(), default=-1) + 1)
        for token, index in self.vocab.items():
            names[index] = token
        return names


class _NoScipyForBm25s(importlib.abc.MetaPathFinder):
    """Refuses scipy to bm25s's own import of it, and to nothing else (another thread may import scipy meanwhile)."""

    def find_spec(self, name, path, target=None):
        if name.partition(".")[0] == "scipy":
            frame = sys._getframe(1)
            while frame is not None:
                if frame.f_globals.get("__name__", "").partition(".")[0] == "bm25s":
                    raise ModuleNotFoundError(f"No module named {name!r} (not needed by docqa's bm25s)", name=name)
                frame = frame.f_back
        return None


def _bm25s():
    """bm25s, imported without scipy when scipy is not loaded yet. bm25s imports scipy.sparse whenever it is
    installed, but docqa uses only its numpy backend; scipy (and the numpy.f2py it pulls in) cost ~0.1 s of every
    cold question."""
    if "bm25s" in sys.modules or "scipy" in sys.modules:
        import bm25s

        return bm25s
    finder = _NoScipyForBm25s()
    sys.meta_path.insert(0, finder)
    try:
        import bm25s
    finally:
        sys.meta_path.remove(finder)
    return bm25s


def build(token_lists: Sequence[list[str]]) -> BM25Index:
    """A BM25 index over chunks given as token lists."""
    bm25s = _bm25s()

    vocab: dict[str, int] = {"": 0}  # bm25s scores queries with no known word against the empty token
    ids = [np.array([vocab.setdefault(token, len(vocab)) for token in tokens], dtype=np.int32)
           for tokens in token_lists]
    model = bm25s.BM25()
    if ids:
        model.index(([row.tolist() or [0] for row in ids], vocab), create_empty_token=False, show_progress=False)
    return BM25Index(model=model, vocab=vocab, token_ids=ids)


def build_for_chunks(chunks: Sequence[Document], reuse: Callable[[Document], list[str] | None] | None = None
                     ) -> tuple[BM25Index, int]:
    """The index for `chunks`, taking tokens from `reuse` when it knows a chunk; also how many were tokenized."""
    token_lists, tokenized = [], 0
    for doc in chunks:
        text = chunk_search_text(doc)
        # Chinese/Japanese chunks are always tokenized again: indexes before CJK bigrams hold them as whole runs.
        tokens = reuse(doc) if reuse and not has_cjk(text) else None
        if tokens is None:
            tokens, tokenized = tokenize(text), tokenized + 1
        token_lists.append(tokens)
    return build(token_lists), tokenized


def exists(folder: Path) -> bool:
    return all((folder / name).is_file() for name in (PARAMS, VOCAB, TOKENS))


def load(folder: Path, rows: int) -> BM25Index:
    """The BM25 index saved in an index version folder; `rows` is the number of chunks it must cover."""
    bm25s = _bm25s()

    model = bm25s.BM25.load(str(folder), vocab_name=VOCAB, params_name=PARAMS, allow_pickle=False,
                            show_progress=False, **_ARRAYS)
    vocab = json.loads((folder / VOCAB).read_text(encoding="utf-8"))
    with np.load(folder / TOKENS, allow_pickle=False) as saved:
        flat, offsets = saved["ids"], saved["offsets"]
    token_ids = [flat[offsets[i]:offsets[i + 1]] for i in range(len(offsets) - 1)]
    if len(token_ids) != rows:
        raise ValueError(f"{folder}: BM25 index covers {len(token_ids)} chunks, the index has {rows}")
    return BM25Index(model=model, vocab=vocab, token_ids=token_ids)
