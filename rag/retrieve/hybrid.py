"""The hybrid retriever: the passages that may answer a question, over the project's own index.

`HybridRetriever` ranks the index's chunks by BM25 keywords and by dense cosine (`rag.index`), fuses the rankings
by reciprocal rank (`rag.retrieve.fusion`), limited to the files a question names, and returns small chunks of one
page together as one passage (`rag.retrieve.passages`). A question about a financial statement or its line items
also ranks those statement pages, one asking for a telephone number, e-mail or web address ranks the chunks that
hold one, and one naming a page ("on page 14", "the last page") ranks that page's chunks. What the question asks is
read once, in a `QueryAnalysis` (`rag.query.analysis`): `analyse(question)` builds it, `invoke(question,
analysis)` uses it (and builds one when given none).

A plain object rather than a LangChain `BaseRetriever`, so the question path never imports LangChain's runnable and
tracing machinery (about 2 s of start-up); `rag.answer.lcel.as_langchain_retriever` wraps it for LCEL chains.

Hands on passages (LangChain `Document`s) best first. Every passage carries as `score` the cosine similarity
between the question and the text of its best chunk (0..1, higher is better), for display and the relevance
check; the fused rank information sits in other metadata keys (`fused`, `dense_rank`, `bm25_rank`). Whether the
passages can answer at all is `rag.answer.answerability`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np
from langchain_core.documents import Document
from pydantic import BaseModel, ConfigDict, Field

from rag.index.base import Cosines
from rag.ingest.chunking import NO_CONTEXT
from rag.query import page_refs
from rag.query.analysis import QueryAnalysis
from rag.query.names import document_names, is_ordinary_word, mostly_lowercase
from rag.query.languages import document_languages, language_of
from rag.query.scope import FACT
from rag.query.terms import mostly_cjk
from rag.retrieve.fusion import reciprocal_rank_fusion
from rag.retrieve.passages import (best_sentence_start, contact_rows, join_overlapping, merged_table, page_chunks,
                                   page_key)
from rag.retrieve.subject import page_shares, subject_words, title_words, without_subject
from rag.text import without_control_characters

TEXT_VECTOR_CACHE = 20_000  # chunk-text vectors kept between questions (~30 MB at 384 floats)
MAX_SUBJECT_FILES = 3  # a question naming more files than this is searched only as written
STATEMENT_DOCUMENTS = 5  # with no file named, statement and contact chunks come from the files of the top fused chunks


class HybridRetriever(BaseModel):
    """BM25 and dense rankings fused by reciprocal rank fusion; one passage per page; files named in the question first.

    `mode` "dense" or "bm25" uses one ranking alone; "dense" without file matching and with `passage_chars` 0 is
    the reference article's retrieval (top-k chunks by cosine). The cosine `score` of a passage is the best cosine
    similarity among its chunks.
    """

    index: Any  # rag.index.store.IndexData
    embeddings: Any
    k: int = 5
    mode: str = "hybrid"
    candidates: int = 50
    dense_weight: float = 1.0
    bm25_weight: float = 1.0
    cjk_bm25_weight: float = 3.0  # keyword weight for a question written mostly in Chinese/Japanese
    rank_constant: int = 60
    match_documents: bool = True
    passage_chars: int = 1200
    statement_weight: float = 2.0
    line_item_weight: float = 1.5
    contact_weight: float = 2.0
    page_weight: float = 2.0
    subject_weight: float = 0.5  # the question without the words naming the documents' subject (rag.retrieve.subject)
    names: Any = None  # rag.query.names.DocumentNames of the index (shared, built once per index version)
    pages: Any = None  # rag.retrieve.passages.PageChunks of the index (shared, built once per index version)
    faiss_nprobe: int = 32
    search: Any = None  # rag.index.base.Searcher: ranks rows here (FAISS) or on the database server (pgvector)
    text_vectors: dict[str, Any] = Field(default_factory=dict)  # a chunk's text -> its vector, kept between questions
    languages_: dict[str, str] | None = None  # each file's language (rag.query.languages), worked out on first use

    model_config = ConfigDict(arbitrary_types_allowed=True)

    def model_post_init(self, context: Any) -> None:
        from rag.index.live import searcher_for

        self.names = document_names(self.index)
        self.pages = page_chunks(self.index)
        self.search = searcher_for(self.index, self)
        if self.mode != "dense" and hasattr(self.index, "get_bm25"):
            self.index.get_bm25()

    def chunks_with(self, query: str, source: str, limit: int = 40) -> list[Document]:
        """The chunks of one file that best match `query`'s words (BM25), from all its pages: for a question that
        asks for every instance of something in a document ("list all …"), not only the top passages."""
        rows = self.search.keyword(query, {source}, limit)
        return [self.index.chunks[row] for row in rows]

    @property
    def document_languages(self) -> dict[str, str]:
        """Each indexed file's language ("en", "zh", "ja": `rag.query.languages`), from a sample of its chunks."""
        if self.languages_ is None:
            texts: dict[str, list[str]] = {}
            for chunk in self.index.chunks:
                sample = texts.setdefault(chunk.metadata["source"], [])
                if len(sample) < 40:
                    sample.append(chunk.page_content)
            self.languages_ = document_languages(texts)
        return self.languages_

    def analyse(self, query: str) -> QueryAnalysis:
        """What `query` asks, with the files it names among this index's (when `match_documents`): build it once
        per question and pass it to `invoke(query, analysis)` and to the relevance check."""
        if not self.match_documents:
            return QueryAnalysis(query)
        ordinary = partial(is_ordinary_word, self.names, self.search.files_with, partial(mostly_lowercase, self.index))
        return QueryAnalysis(query, names=self.names, files_with=self.search.files_with, ordinary=ordinary)

    def invoke(self, query: str, analysis: QueryAnalysis | None = None, also: Sequence[str] = ()) -> list[Document]:
        """The top `k` passages for `query`, best first (`rag.answer.lcel` makes this a LangChain retriever); what
        the question asks is read from `analysis` (this retriever's `analyse(query)`), or worked out here.

        `also`: the same question in other languages (`rag.answer.translate`), each a text or (text, files): their
        dense and keyword rankings, over those files only (the documents written in that language), are fused with
        the question's, and a passage's `score` is its best cosine with any of them. When some documents are written in
        the question's own language, a translation's two rankings weigh half each, without `cjk_bm25_weight`
        (together as much as one ranking of the question), so that the question's own rankings keep its
        own-language documents first."""
        if analysis is None or analysis.question != query:
            analysis = self.analyse(query)
        query_vector = np.asarray(self.embeddings.embed_query(query), dtype=np.float32)
        cosine = self.search.cosines(query_vector)
        named = analysis.named_files
        rankings = self._rankings(query, query_vector, cosine, named, analysis.mostly_cjk)
        others = []
        asked = language_of(query)
        own_language_files = sum(language == asked for source, language in self.document_languages.items()
                                 if not named or source in named) if also else 0
        for item in also:
            text, files = (item, None) if isinstance(item, str) else item
            if not text or not text.strip() or text == query:
                continue
            within = (named & set(files) if named else set(files)) if files is not None else named
            if files is not None and not within:
                continue
            vector = np.asarray(self.embeddings.embed_query(text), dtype=np.float32)
            other_cosine = self.search.cosines(vector)
            # alone: no document is in the question's own language, so the translation is the real query; in a mixed
            # folder its two rankings together weigh as one, and the question's own ones keep its own documents first
            alone = files is None or own_language_files == 0
            rankings += self._rankings(text, vector, other_cosine, within, mostly_cjk(text) and alone,
                                       scale=1.0 if alone else 0.5)
            others.append((vector, other_cosine))
        fused = reciprocal_rank_fusion(rankings, self.rank_constant)
        # Without a file named, "page 14" means a page of the file of the best chunk.
        pages = self._named_pages(analysis, named or self._top_files(fused, 1))
        if self.mode == "hybrid":
            files = named or self._top_files(fused)
            extra = [ranking for ranking in (self._statement_ranking(analysis, files, cosine),
                                             self._contact_ranking(analysis, files, cosine),
                                             self._page_ranking(pages, cosine),
                                             self._subject_ranking(query, analysis, named or self._top_files(fused, 1)))
                     if ranking]
            if extra:
                fused = reciprocal_rank_fusion([*rankings, *extra], self.rank_constant)
        ranks = [{int(row): rank for rank, row in enumerate(ranking, start=1)} for ranking, _weight in rankings]
        plan = self._passage_plan(fused, analysis.focus_tokens)
        scores = self._text_cosine(plan, cosine, query_vector)
        for vector, other_cosine in others:
            other = self._text_cosine(plan, other_cosine, vector)
            rows = [row for _best, passage_rows, _score in plan for row in passage_rows]
            scores = scores.with_values(rows, [max(scores[row], other[row]) for row in rows])
        passages = [self._passage(best, rows, fused_score, scores, ranks, named, analysis)
                    for best, rows, fused_score in plan]
        for passage in passages:
            if page_key(passage) in pages:
                passage.metadata["named_page"] = True
        return passages

    def _rankings(self, query: str, vector: np.ndarray, cosine: Cosines, named: set[str], cjk: bool,
                  scale: float = 1.0) -> list[tuple[list[int], float]]:
        """The dense and keyword rankings of one query text (as `mode` asks), with their fusion weights (times
        `scale`)."""
        rankings = []
        if self.mode in ("hybrid", "dense"):
            rows, values = self.search.dense(vector, named or None, self.candidates)
            cosine.known(rows, values)
            rankings.append((rows, self.dense_weight * scale))
        if self.mode in ("hybrid", "bm25"):
            weight = self.cjk_bm25_weight if cjk else self.bm25_weight
            rankings.append((self.search.keyword(query, named or None, self.candidates), weight * scale))
        return rankings

    def _text_cosine(self, plan: list[tuple[int, list[int], float]], cosine: Cosines,
                     query_vector: np.ndarray) -> Cosines:
        """Cosine between the question and each chunk's own text, for the chunks of the passages in `plan`.

        The index vectors embed a chunk with its context (document name, page headings) in front, which is good
        for ranking but lifts every chunk of a well-named page; whether a passage is relevant at all is judged on
        what it says. Indexes embedded without context already hold exactly that.
        """
        rows = [row for _best, passage_rows, _score in plan for row in passage_rows]
        if self.index.manifest.chunking.context == NO_CONTEXT or not rows:
            cosine.fetch(rows)
            return cosine
        texts = [self.index.chunks[row].page_content for row in rows]
        missing = list(dict.fromkeys(text for text in texts if text not in self.text_vectors))
        if missing:
            if len(self.text_vectors) > TEXT_VECTOR_CACHE:
                self.text_vectors.clear()
            embedded = self.embeddings.embed_documents(missing)
            self.text_vectors.update(zip(missing, np.asarray(embedded, dtype=np.float32)))
        vectors = np.stack([self.text_vectors[text] for text in texts])
        return cosine.with_values(rows, (vectors @ query_vector).tolist())

    def _top_files(self, fused: list[tuple[int, float]], count: int = STATEMENT_DOCUMENTS) -> set[str]:
        return {self.index.chunks[row].metadata["source"] for row, _score in fused[:count]}

    def _subject_ranking(self, query: str, analysis: QueryAnalysis, files: set[str]
                         ) -> tuple[list[int], float] | None:
        """A dense ranking, within `files`, of the question without the words naming their subject
        (`rag.retrieve.subject`: "How many employees does Manchester United have?" searched as "How many employees
        does have?"), with its weight; None when the question names no subject."""
        if not self.subject_weight or not files or len(files) > MAX_SUBJECT_FILES or analysis.mostly_cjk \
                or analysis.scope != FACT:  # a whole-document question gathers its topic's sentences from everywhere
            return None
        words: set[str] = set()
        for source in files:
            shares = partial(page_shares, self.index, source)  # built (once per index version) only when needed
            words |= subject_words(query, title_words(self.index, source), shares, analysis.file_names[1])
        left = without_subject(query, words)
        if left is None:
            return None
        vector = np.asarray(self.embeddings.embed_query(left), dtype=np.float32)
        rows, _values = self.search.dense(vector, files, self.candidates)
        return rows, self.subject_weight

    def _statement_ranking(self, analysis: QueryAnalysis, files: set[str], cosine: Cosines
                           ) -> tuple[list[int], float] | None:
        """The statement pages of `files` the question asks about, best cosine first, with their fusion weight;
        None if none."""
        kinds, explicit = analysis.statements
        weight = self.statement_weight if explicit else self.line_item_weight
        if not kinds or not weight:
            return None
        rows = [row for kind in sorted(kinds) for row in self.pages.statements.get(kind, [])]
        return self._ranked_in(rows, files, cosine, weight)

    def _contact_ranking(self, analysis: QueryAnalysis, files: set[str], cosine: Cosines
                         ) -> tuple[list[int], float] | None:
        """The chunks of `files` holding the contact detail the question asks for, best cosine first; None if none."""
        kinds = analysis.contacts
        if not kinds or not self.contact_weight:
            return None
        rows = [row for kind in sorted(kinds) for row in contact_rows(self.index, kind)]
        return self._ranked_in(rows, files, cosine, self.contact_weight)

    def _named_pages(self, analysis: QueryAnalysis, files: set[str]) -> set[tuple[str, int]]:
        """The (file, page) pairs of `files` that the question names ("page 14", "the first page")."""
        numbers = analysis.pages
        found = set()
        for source in files if numbers else ():
            page_count, labels = self.pages.layout(source)
            for number in numbers:
                found.update((source, page) for page in page_refs.pages_meant(number, page_count, labels))
        return found

    def _page_ranking(self, pages: set[tuple[str, int]], cosine: Cosines) -> tuple[list[int], float] | None:
        if not pages or not self.page_weight:
            return None
        rows = [row for page in pages for row in self.pages.rows_of_page.get(page, [])]
        return self._ranked_in(rows, {source for source, _page in pages}, cosine, self.page_weight)

    def _ranked_in(self, rows: list[int], files: set[str], cosine: Cosines,
                   weight: float) -> tuple[list[int], float] | None:
        rows = [row for row in set(rows) if self.index.chunks[row].metadata["source"] in files]
        cosine.fetch(rows)
        return (sorted(rows, key=lambda row: -cosine[row]), weight) if rows else None

    def _passage_plan(self, fused: list[tuple[int, float]], wanted: set[str] = frozenset()
                      ) -> list[tuple[int, list[int], float]]:
        """The top k passages as (best chunk row, rows of the passage, fused score): one per page unless
        `passage_chars` is 0. On a page with a table, the table chunks holding the question's words (`wanted`)
        join the passage first."""
        plan, seen_pages = [], set()
        for row, fused_score in fused:
            page = page_key(self.index.chunks[row])
            if self.passage_chars and page in seen_pages:
                continue
            seen_pages.add(page)
            rows = self.pages.passage_rows(row, self.passage_chars, wanted) if self.passage_chars else [row]
            plan.append((row, rows, fused_score))
            if len(plan) == self.k:
                break
        return plan

    def _passage(self, best: int, rows: list[int], fused_score: float, cosine: Cosines,
                 ranks: list[dict[int, int]], named: set[str], analysis: QueryAnalysis) -> Document:
        chunks = self.index.chunks
        metadata = {
            **chunks[best].metadata,
            "score": round(float(max(cosine[row] for row in rows)), 4),
            "fused": round(fused_score, 5),
            "chunks": [chunks[row].metadata.get("chunk") for row in rows],
        }
        for name, found in zip(self._ranking_names(), ranks):
            metadata[f"{name}_rank"] = found.get(best)
        if named:
            metadata["named_file"] = True
        text = without_control_characters(join_overlapping([chunks[row].page_content for row in rows]))
        table = merged_table([chunks[row].metadata.get("table") for row in rows])
        if table:
            metadata["table"] = table
        metadata["match_start"] = best_sentence_start(text, analysis.question, analysis.search_tokens)
        return Document(id=chunks[best].id, page_content=text, metadata=metadata)

    def _ranking_names(self) -> list[str]:
        return {"hybrid": ["dense", "bm25"], "dense": ["dense"], "bm25": ["bm25"]}[self.mode]


def build_retriever(settings, index, embeddings) -> HybridRetriever:
    """The retriever the settings describe, over a loaded index (`rag.index.store.IndexData`)."""
    return HybridRetriever(
        index=index, embeddings=embeddings, k=settings.k, mode=settings.retrieval,
        candidates=settings.fusion_candidates, dense_weight=settings.dense_weight, bm25_weight=settings.bm25_weight,
        rank_constant=settings.rank_constant, match_documents=settings.match_documents,
        cjk_bm25_weight=settings.cjk_bm25_weight,
        passage_chars=settings.passage_chars, statement_weight=settings.statement_weight,
        line_item_weight=settings.line_item_weight, contact_weight=settings.contact_weight,
        page_weight=settings.page_weight, subject_weight=settings.subject_weight,
        faiss_nprobe=settings.faiss_nprobe,
    )
