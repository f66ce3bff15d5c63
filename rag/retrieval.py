"""Finding the passages that answer a question: LangChain retrievers over the project's own index.

- `HybridRetriever`: BM25 keyword search and dense search fused by reciprocal rank fusion, limited to the files
  a question names, with small chunks of one page returned together as one passage; a question about a financial
  statement or its line items also ranks those statement pages (`rag.statements`), and one asking for a telephone
  number, e-mail or web address ranks the chunks that hold one (`rag.contacts`), and one naming a page ("on page
  14", "the last page") ranks that page's chunks (`rag.page_refs`).

A plain object rather than a LangChain `BaseRetriever`, so the question path never imports LangChain's runnable and
tracing machinery (about 2 s of start-up); `rag.lcel.as_langchain_retriever` wraps it for LCEL chains.

Every returned passage carries as `score` the cosine similarity between the question and the text of its best
chunk (0..1, higher is better), for display and the relevance check; the fused rank information sits in other
metadata keys (`fused`, `dense_rank`, `bm25_rank`). Whether the passages can answer at all is `rag.answerability`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from difflib import SequenceMatcher
from typing import Any

import numpy as np
from langchain_core.documents import Document
from pydantic import BaseModel, ConfigDict, Field

from rag import bm25 as lexical
from rag import contacts, page_refs, statements
from rag.chunking import NO_CONTEXT
from rag.index.base import Cosines
from rag.text import has_cjk, without_control_characters

STATEMENT_DOCUMENTS = 5  # with no file named, statement and contact chunks come from the files of the top fused chunks
FUZZY_NAME_MATCH = 0.85  # "Neflix" finds NETFLIX_2015_10K.pdf, "Being" never finds Boeing (a stopword)
MIN_FUZZY_LENGTH = 4
_LAST_WORD_RE = re.compile(r"([^\W\d_][^\W_]*)[ \t]+$")  # the word just before a position, on the same line
ORDINARY_WORD_SHARE = 0.25  # a file-name word that a quarter of the other files use is an ordinary word, not a name
ORDINARY_WORD_MIN_FILES = 4  # ... judged only when there are this many other files to judge by
MIN_LOWERCASE_NAME = 5  # a lowercase word names a file only if this long: "long" must not name "acl-long.pdf"


# ---------------------------------------------------------------- files named in a question


class DocumentNames:
    """Which indexed files a question names, from the words of their file names ("Best Buy" -> BESTBUY_2023_10K.pdf)."""

    def __init__(self, sources: Iterable[str]):
        self.sources = sorted(set(sources))
        by_word: dict[str, set[str]] = {}
        for source in self.sources:
            for word in name_words(source):
                by_word.setdefault(word, set()).add(source)
        # A word shared by many names ("10k", "annual") names none of them.
        limit = max(2, len(self.sources) // 3)
        self.by_word = {word: found for word, found in by_word.items() if len(found) <= limit}

    def named_in(self, question: str, ordinary: Callable[[str, set[str]], bool] | None = None
                 ) -> tuple[set[str], set[str]]:
        """The files the question names, and the question words (case-folded) that named them.

        `ordinary(word, files)` says whether a single word that matches `files`' names is an ordinary word of the
        documents rather than a name ("tables" in chinese_tables_bond_prospectus.pdf); such a word names nothing."""
        files: set[str] = set()
        words: set[str] = set()
        for candidate, parts in _name_candidates(question):
            found = self._lookup(candidate)
            if found and not (len(parts) == 1 and ordinary and ordinary(candidate, found)):
                files |= found
                words |= parts
        for word in {lexical.normalize(word) for word in re.findall(r"[^\W_]+", question) if word.islower()}:
            if len(word) >= MIN_LOWERCASE_NAME and word in self.by_word:  # "for costco": exact only, never fuzzy
                if not (ordinary and ordinary(word, self.by_word[word])):
                    files |= self.by_word[word]
                    words.add(word)
        return files, words

    def _lookup(self, candidate: str) -> set[str]:
        if candidate in self.by_word:
            return self.by_word[candidate]
        if len(candidate) < MIN_FUZZY_LENGTH:
            return set()
        found: set[str] = set()
        for word, sources in self.by_word.items():
            if len(word) >= MIN_FUZZY_LENGTH and SequenceMatcher(None, candidate, word).ratio() >= FUZZY_NAME_MATCH:
                found |= sources
        return found


def name_words(source: str) -> set[str]:
    """Words of a file name that could name it: not numbers, stopwords or hash-like strings."""
    words = set()
    for word in re.split(r"[^0-9a-z]+", lexical.normalize(lexical.document_title(source))):
        digits = sum(ch.isdigit() for ch in word)
        mostly_letters = digits < len(word) and (digits * 2 <= len(word) or len(word) <= 3)  # "3m", not "040314"
        if len(word) >= 2 and word not in lexical.STOPWORDS and mostly_letters and len(word) <= 20:
            words.add(word)
    return words


def _name_candidates(question: str) -> list[tuple[str, set[str]]]:
    """Capitalised words of the question ("Netflix", "COSTCO", "3M"), alone and run together with the next one or
    two ("Best Buy" -> "bestbuy", "Step-Back" -> "stepback"), each with the words it is made of."""
    words = re.findall(r"[^\W_]+", question)
    candidates = []
    for start in range(len(words)):
        for width in (1, 2, 3):
            group = words[start:start + width]
            if len(group) < width or not any(ch.isupper() for ch in group[0]):
                break
            folded = [lexical.normalize(word) for word in group]
            if width == 1 and folded[0] in lexical.STOPWORDS:
                break
            candidates.append(("".join(folded), set(folded)))
    return candidates


# ---------------------------------------------------------------- fusion


def top_rows(scores: np.ndarray, allowed: np.ndarray | None, limit: int, positive_only: bool = False) -> np.ndarray:
    """Rows of the `limit` highest scores (best first), among `allowed` rows when given."""
    candidates = np.flatnonzero(allowed) if allowed is not None else np.arange(len(scores))
    if positive_only:
        candidates = candidates[scores[candidates] > 0]
    if len(candidates) > limit:
        candidates = candidates[np.argpartition(-scores[candidates], limit - 1)[:limit]]
    return candidates[np.argsort(-scores[candidates], kind="stable")]


def reciprocal_rank_fusion(rankings: Sequence[tuple[Sequence[int], float]], constant: int = 60) -> list[tuple[int, float]]:
    """Items of several best-first rankings ordered by sum of weight / (constant + rank); ties keep first-seen order."""
    fused: dict[int, float] = {}
    for ranking, weight in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[int(item)] = fused.get(int(item), 0.0) + weight / (constant + rank)
    return sorted(fused.items(), key=lambda pair: -pair[1])


# ---------------------------------------------------------------- passages


def join_overlapping(texts: Sequence[str], max_overlap: int = 200) -> str:
    """Consecutive chunk texts as one text, without repeating the overlap the splitter put between them."""
    joined = texts[0] if texts else ""
    for text in texts[1:]:
        overlap = next((size for size in range(min(max_overlap, len(joined), len(text)), 0, -1)
                        if joined.endswith(text[:size])), 0)
        joined += ("" if overlap else "\n") + text[overlap:]
    return joined


class PageChunks:
    """Where each chunk sits: rows of the same page in chunk order, so neighbours can be found."""

    def __init__(self, chunks: Sequence[Document]):
        self.chunks = chunks
        self.rows_of_page: dict[tuple[str, int], list[int]] = {}
        for row, doc in enumerate(chunks):
            self.rows_of_page.setdefault(_page_key(doc), []).append(row)
        for rows in self.rows_of_page.values():
            rows.sort(key=lambda row: chunks[row].metadata.get("chunk", row))
        self.statements: dict[str, list[int]] = {}  # statement kind -> first chunk row of each such page
        for rows in self.rows_of_page.values():  # the title is in the first chunk; figures are counted in all
            figures = sum(statements.count_figures(chunks[row].page_content) for row in rows)
            kind = statements.statement_kind(chunks[rows[0]].page_content, figures)
            if kind:
                self.statements.setdefault(kind, []).append(rows[0])
        self.last_page: dict[str, int] = {}  # file -> its last page with text
        self.labels: dict[str, dict[str, list[int]]] = {}  # file -> printed page label -> pages
        for (source, page), rows in self.rows_of_page.items():
            self.last_page[source] = max(page, self.last_page.get(source, 0))
            label = chunks[rows[0]].metadata.get("page_label")
            if label:
                self.labels.setdefault(source, {}).setdefault(str(label), []).append(page)

    def layout(self, source: str) -> tuple[int, dict[str, list[int]]]:
        """A file's last page with text, and its printed page labels (label -> pages)."""
        return self.last_page.get(source, 0), self.labels.get(source, {})

    def passage_rows(self, best: int, budget: int) -> list[int]:
        """`best` and its neighbours on the same page, nearest first, while the text stays within `budget` chars."""
        rows = self.rows_of_page[_page_key(self.chunks[best])]
        at = rows.index(best)
        chosen, size = [best], len(self.chunks[best].page_content)
        for offset in range(1, len(rows)):
            grew = False
            for position in (at - offset, at + offset):
                if 0 <= position < len(rows):
                    length = len(self.chunks[rows[position]].page_content)
                    if size + length <= budget:
                        chosen.append(rows[position])
                        size, grew = size + length, True
            if not grew:
                break
        return sorted(chosen, key=lambda row: rows.index(row))


def _page_key(doc: Document) -> tuple[str, int]:
    return doc.metadata["source"], doc.metadata["page"]


# ---------------------------------------------------------------- the hybrid retriever


def mostly_cjk(text: str) -> bool:
    """Whether most letters of `text` are Chinese/Japanese characters (its keyword ranking then weighs more)."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(has_cjk(ch) for ch in letters) * 2 >= len(letters)


class HybridRetriever(BaseModel):
    """BM25 and dense rankings fused by reciprocal rank fusion; one passage per page; files named in the question first.

    `mode` "dense" or "bm25" uses one ranking alone; "dense" without file matching and with `passage_chars` 0 is
    the reference article's retrieval (top-k chunks by cosine). The cosine `score` of a passage is the best cosine
    similarity among its chunks.
    """

    index: Any  # rag.store.IndexData
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
    names: Any = None
    pages: Any = None
    files_of_token: Any = None
    contact_rows: Any = None
    lowercase_words: dict = Field(default_factory=dict)  # word -> whether the documents mostly write it in lower case (`_mostly_lowercase`)
    faiss_nprobe: int = 32
    search: Any = None  # rag.index.base.Searcher: ranks rows here (FAISS) or on the database server (pgvector)

    model_config = ConfigDict(arbitrary_types_allowed=True)

    def model_post_init(self, context: Any) -> None:
        from rag.index.base import searcher_for

        self.names = DocumentNames(doc.metadata["source"] for doc in self.index.chunks)
        self.pages = PageChunks(self.index.chunks)
        self.search = searcher_for(self.index, self)
        if self.mode != "dense" and hasattr(self.index, "get_bm25"):
            self.index.get_bm25()

    def invoke(self, query: str) -> list[Document]:
        """The top `k` passages for `query`, best first (`rag.lcel` makes this a LangChain retriever)."""
        query_vector = np.asarray(self.embeddings.embed_query(query), dtype=np.float32)
        cosine = self.search.cosines(query_vector)
        named = self._named_files(query) if self.match_documents else set()
        rankings = []
        if self.mode in ("hybrid", "dense"):
            rows, values = self.search.dense(query_vector, named or None, self.candidates)
            cosine.known(rows, values)
            rankings.append((rows, self.dense_weight))
        if self.mode in ("hybrid", "bm25"):
            weight = self.cjk_bm25_weight if mostly_cjk(query) else self.bm25_weight
            rankings.append((self.search.keyword(query, named or None, self.candidates), weight))
        fused = reciprocal_rank_fusion(rankings, self.rank_constant)
        # Without a file named, "page 14" means a page of the file of the best chunk.
        pages = self._named_pages(query, named or self._top_files(fused, 1))
        if self.mode == "hybrid":
            files = named or self._top_files(fused)
            extra = [ranking for ranking in (self._statement_ranking(query, files, cosine),
                                             self._contact_ranking(query, files, cosine),
                                             self._page_ranking(pages, cosine)) if ranking]
            if extra:
                fused = reciprocal_rank_fusion([*rankings, *extra], self.rank_constant)
        ranks = [{int(row): rank for rank, row in enumerate(ranking, start=1)} for ranking, _weight in rankings]
        plan = self._passage_plan(fused)
        scores = self._text_cosine(plan, cosine, query_vector)
        passages = [self._passage(best, rows, fused_score, scores, ranks, named, query)
                    for best, rows, fused_score in plan]
        for passage in passages:
            if _page_key(passage) in pages:
                passage.metadata["named_page"] = True
        return passages

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
        vectors = np.asarray(self.embeddings.embed_documents([self.index.chunks[row].page_content for row in rows]),
                             dtype=np.float32)
        return cosine.with_values(rows, (vectors @ query_vector).tolist())

    def _top_files(self, fused: list[tuple[int, float]], count: int = STATEMENT_DOCUMENTS) -> set[str]:
        return {self.index.chunks[row].metadata["source"] for row, _score in fused[:count]}

    def _statement_ranking(self, query: str, files: set[str], cosine: Cosines) -> tuple[list[int], float] | None:
        """The statement pages of `files` the question asks about, best cosine first, with their fusion weight;
        None if none."""
        kinds, explicit = statements.asked_statements(query)
        weight = self.statement_weight if explicit else self.line_item_weight
        if not kinds or not weight:
            return None
        rows = [row for kind in sorted(kinds) for row in self.pages.statements.get(kind, [])]
        return self._ranked_in(rows, files, cosine, weight)

    def _contact_ranking(self, query: str, files: set[str], cosine: Cosines) -> tuple[list[int], float] | None:
        """The chunks of `files` holding the contact detail the question asks for, best cosine first; None if none."""
        kinds = contacts.asked_contacts(query)
        if not kinds or not self.contact_weight:
            return None
        if self.contact_rows is None:
            self.contact_rows = {}
        for kind in kinds - self.contact_rows.keys():
            self.contact_rows[kind] = [row for row, doc in enumerate(self.index.chunks)
                                       if contacts.holds(kind, doc.page_content)]
        rows = [row for kind in sorted(kinds) for row in self.contact_rows[kind]]
        return self._ranked_in(rows, files, cosine, self.contact_weight)

    def _named_pages(self, query: str, files: set[str]) -> set[tuple[str, int]]:
        """The (file, page) pairs of `files` that the question names ("page 14", "the first page")."""
        numbers = page_refs.named_pages(query)
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

    def _named_files(self, query: str) -> set[str]:
        """The files the question names: by their file names ("Best Buy"), or else by a name or acronym of the
        question that only one file's text contains ("ADBE", "AMEX")."""
        named, words = self.names.named_in(query, self._ordinary_word)
        if named:
            return named
        for term in key_terms(query, words):
            if not any(ch.isdigit() for ch in term[0]):
                found = self.search.files_with(term)
                if len(found) == 1:
                    named |= found
        return named

    def _ordinary_word(self, word: str, files: set[str]) -> bool:
        """A word of some file names that many other files' text uses too, and mostly in lower case ("tables",
        "pages", "report"), is a word of the documents, not a name. A name is rare outside its own files
        ("costco"), or written capitalised where others mention it ("Amazon" in a competitor's 10-K)."""
        others = len(self.names.sources) - len(files)
        if others < ORDINARY_WORD_MIN_FILES:
            return False
        whole = lexical.tokenize(word)[:1]  # "10k" as one token, not its parts "10" and "k"
        using = self.search.files_with(whole) - files
        return len(using) >= ORDINARY_WORD_SHARE * others and self._mostly_lowercase(word)

    def _mostly_lowercase(self, word: str) -> bool:
        """Whether the documents write `word` in lower case at least as often as capitalised after a lower-case
        word ("such as Amazon": a name; "Annual Report" in a heading says nothing), over its first 200 uses."""
        if word not in self.lowercase_words:
            pattern = re.compile(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", re.IGNORECASE)
            lower = proper = 0
            for doc in self.index.chunks:
                text = doc.page_content
                for found in pattern.finditer(text):
                    if found.group()[0].islower():
                        lower += 1
                    else:
                        before = _LAST_WORD_RE.search(text, max(0, found.start() - 40), found.start())
                        proper += bool(before and before.group(1)[0].islower())
                if lower + proper >= 200:
                    break
            self.lowercase_words[word] = lower >= proper
        return self.lowercase_words[word]

    def _passage_plan(self, fused: list[tuple[int, float]]) -> list[tuple[int, list[int], float]]:
        """The top k passages as (best chunk row, rows of the passage, fused score): one per page unless
        `passage_chars` is 0."""
        plan, seen_pages = [], set()
        for row, fused_score in fused:
            page = _page_key(self.index.chunks[row])
            if self.passage_chars and page in seen_pages:
                continue
            seen_pages.add(page)
            rows = self.pages.passage_rows(row, self.passage_chars) if self.passage_chars else [row]
            plan.append((row, rows, fused_score))
            if len(plan) == self.k:
                break
        return plan

    def _passage(self, best: int, rows: list[int], fused_score: float, cosine: Cosines,
                 ranks: list[dict[int, int]], named: set[str], query: str = "") -> Document:
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
        metadata["match_start"] = best_sentence_start(text, query)
        return Document(id=chunks[best].id, page_content=text, metadata=metadata)

    def _ranking_names(self) -> list[str]:
        return {"hybrid": ["dense", "bm25"], "dense": ["dense"], "bm25": ["bm25"]}[self.mode]


def best_sentence_start(text: str, query: str) -> int:
    """Where the sentence (or line) of `text` sharing the most search words with `query` starts; 0 if none does."""
    wanted = set(lexical.tokenize(query))
    best, best_shared = 0, 0
    for match in _SENTENCE_RE.finditer(text):
        shared = len(wanted.intersection(lexical.tokenize(match.group())))
        if shared > best_shared:
            best, best_shared = match.start(), shared
    return best


_SENTENCE_RE = re.compile(r"[^\n.!?]+(?:[.!?](?!\d)|\n|$)")  # "1.5" does not end a sentence


def build_retriever(settings, index, embeddings) -> HybridRetriever:
    """The retriever the settings describe, over a loaded index (`rag.store.IndexData`)."""
    return HybridRetriever(
        index=index, embeddings=embeddings, k=settings.k, mode=settings.retrieval,
        candidates=settings.fusion_candidates, dense_weight=settings.dense_weight, bm25_weight=settings.bm25_weight,
        rank_constant=settings.rank_constant, match_documents=settings.match_documents,
        cjk_bm25_weight=settings.cjk_bm25_weight,
        passage_chars=settings.passage_chars, statement_weight=settings.statement_weight,
        line_item_weight=settings.line_item_weight, contact_weight=settings.contact_weight,
        page_weight=settings.page_weight, faiss_nprobe=settings.faiss_nprobe,
    )


# ---------------------------------------------------------------- the terms a question names (also `rag.answerability`)


_SENTENCE_END_RE = re.compile(r"(?<=[.?!])\s+")
_WORD_RE = re.compile(r"[^\W_]+")


def key_terms(question: str, ignore: Iterable[str] = ()) -> list[tuple[str, ...]]:
    """The question's specific terms: numbers, and names or acronyms (capitalised words not starting a sentence).

    Each term is given as the search tokens that stand for it ("FY2018": "fy2018" or "2018"); words in `ignore`
    (those that named a file) are left out.
    """
    ignore = set(ignore)
    terms: list[tuple[str, ...]] = []
    for sentence in _SENTENCE_END_RE.split(lexical.join_thousands(question)):
        for position, word in enumerate(_WORD_RE.findall(sentence)):
            named = position > 0 and any(ch.isupper() for ch in word)
            if not (named or any(ch.isdigit() for ch in word)) or lexical.normalize(word) in ignore:
                continue
            tokens = _term_tokens(lexical.normalize(word))
            if tokens and tokens not in terms:
                terms.append(tokens)
    return terms


def _term_tokens(word: str) -> tuple[str, ...]:
    if word.isalpha():
        return () if word in lexical.STOPWORDS or len(word) < 2 else (lexical.stem(word),)
    if word.isdigit():
        return (word,)
    return (word, *re.findall(r"\d{3,}", word))  # "fy2018" is there when "2018" is; "4o" only as itself
