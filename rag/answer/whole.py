"""The passages for a question about a whole document: excerpts from every section, not the five nearest pages.

A summary, "the main risks" or "list all …" needs the whole document, which a small CPU reader cannot read. The
ingest keeps an overview of each file (`rag.ingest.overview`: its outline and, per section, its most central
sentences). Here the excerpts for one question are chosen from it (`document_passages`):

- a plain summary ("Summarise this report") takes sentences section by section, larger sections first, so every
  part of the document is represented within the budget;
- a question with a topic ("the main risks", "list all subsidiaries") also draws on the sentences of the passages
  retrieved in that document that hold its words, and picks the ones most like the question, still spread over the
  sections (maximal marginal relevance with one sentence per section per round).

The excerpts are grouped by page into passages (`Document`s with the page and the section title), so the reader
cites them as usual and every source links to its page. `target_document` picks the document; `coverage` says what
the answer was drawn from ("from 14 of the 39 sections of …").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.documents import Document

from rag.query.analysis import QueryAnalysis
from rag.text import STOPWORDS, stem, tokenize

SECTION_CAP = 5  # excerpts from one section for a question with a topic ("the main risks")
DOCUMENT_CHARS = 2000  # excerpts given to the reader for a whole-document question (a prompt of ~700 tokens)
# Words that ask for a summary rather than name what it is about.
_CUE_WORDS = {stem(w) for w in (
    "summarise summarize summary summaries overview outline main key major principal important points point "
    "themes theme topics topic ideas findings takeaways conclusions messages issues sections section list all "
    "every each document documents report reports filing filings paper file book manual chapter chapters gist "
    "give describe what which are is the this these about of in does do company companies tl dr brief briefly "
    "short lists listed mention mentions mentioned discuss discussed cover covers").split()}
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")


@dataclass
class WholeDocument:
    """The excerpts chosen for a whole-document question, and what they cover."""

    source: str
    passages: list[Document]
    drawn: int  # sections the excerpts come from
    sections: int  # sections of the document
    topic: bool  # the question names what it is about ("the main risks"), not only "summarise"


@dataclass
class Excerpt:
    page: int
    section: str
    text: str
    order: int  # place in the document, for reading order
    priority: float = 1.0  # for a plain summary, lower first (rag.answer.whole.overview_excerpts)


def target_document(analysis: QueryAnalysis, retrieved: Sequence[Document], files: Sequence[str]) -> str | None:
    """The document a whole-document question is about: the one it names, the only one, or the best passage's."""
    named = sorted(analysis.named_files)
    if len(named) == 1:
        return named[0]
    if len(files) == 1:
        return files[0]
    for doc in retrieved:
        if not named or doc.metadata.get("source") in named:
            return doc.metadata.get("source")
    return None


def overview_of(index, source: str) -> dict | None:
    """The overview the ingest kept for `source`; for a file indexed before overviews existed, one built now from
    its chunks (and their vectors where the index holds them in memory), once per index version."""
    from rag.index.base import derived
    from rag.ingest.overview import build_overview

    entry = index.manifest.files.get(source)
    if entry is None:
        return None
    if entry.overview is not None:
        return entry.overview

    def build() -> dict:
        rows = [i for i, doc in enumerate(index.chunks) if doc.metadata.get("source") == source]
        vectors = index.get_vectors()[rows] if hasattr(index, "get_vectors") else np.zeros((len(rows), 1))
        return build_overview([index.chunks[i] for i in rows], vectors, name=source)

    return derived(index, ("overview", source), build)


def topic_tokens(analysis: QueryAnalysis, source: str, common: set[str] = frozenset()) -> set[str]:
    """The question's search words less those that only ask for a summary, those of the document's name and those
    `common` in it (its own name, "Manchester United", is on most pages and says nothing of the topic)."""
    name_words = set(tokenize(re.sub(r"[_\-.]+", " ", source)))
    return {t for t in tokenize(analysis.question) if t not in _CUE_WORDS and t not in name_words
            and t not in STOPWORDS and not t.isdigit() and t not in common}


def common_words(index, source: str, share: float = 0.3) -> set[str]:
    """The words on more than `share` of a document's chunks, once per index version."""
    from rag.index.base import derived

    def build() -> set[str]:
        docs = [doc for doc in index.chunks if doc.metadata.get("source") == source]
        counts: dict[str, int] = {}
        for doc in docs:
            for token in set(tokenize(doc.page_content)):
                counts[token] = counts.get(token, 0) + 1
        return {token for token, n in counts.items() if n > share * len(docs)}

    return derived(index, ("common_words", source), build)


def overview_excerpts(overview: dict) -> list[Excerpt]:
    excerpts = []
    for section in overview.get("sections", []):
        pages = section["last_page"] - section["page"] + 1
        for sentence in section.get("sentences", []):
            # a summary takes more sentences from larger sections: the n-th sentence of a section waits (n+1)/pages
            priority = (sentence.get("rank", 0) + 1) / pages
            excerpts.append(Excerpt(sentence["page"], section["title"], sentence["text"], sentence["page"], priority))
    return excerpts


def passage_excerpts(passages: Sequence[Document], wanted: set[str], sections: list[dict]) -> list[Excerpt]:
    """The sentences and lines (a table's labelled rows) of retrieved passages that hold a topic word, each under the
    section its page is in."""
    found, seen = [], set()
    for doc in passages:
        page = doc.metadata.get("page", 1)
        title = next((s["title"] for s in sections if s["page"] <= page <= s["last_page"]), "")
        pieces = doc.page_content.splitlines() + _SENTENCE_END.split(" ".join(doc.page_content.split()))
        for piece in (" ".join(p.split()) for p in pieces):
            if 3 <= len(piece.split()) <= 80 and piece not in seen and wanted & set(tokenize(piece)):
                seen.add(piece)
                found.append(Excerpt(page, title, piece, page))
    return found


def spread_by_section(excerpts: list[Excerpt], budget: int) -> list[Excerpt]:
    """For a plain summary: excerpts within `budget` characters, more of them from the larger sections, each
    section's opening sentences before its central ones, so every large part of the document is represented."""
    return _fill(excerpts, sorted(range(len(excerpts)), key=lambda i: excerpts[i].priority), budget)


def best_by_topic(excerpts: list[Excerpt], budget: int, scores: np.ndarray) -> list[Excerpt]:
    """For a question with a topic: the excerpts most like it, at most SECTION_CAP from one section."""
    taken: dict[str, int] = {}

    def order():
        for i in np.argsort(-scores):
            section = excerpts[i].section
            if taken.get(section, 0) < SECTION_CAP:
                taken[section] = taken.get(section, 0) + 1
                yield int(i)

    return _fill(excerpts, order(), budget)


def _fill(excerpts: list[Excerpt], order, budget: int) -> list[Excerpt]:
    chosen, used, seen = [], 0, set()
    for i in order:
        text = excerpts[i].text
        if text in seen or used + len(text) > budget:
            continue
        seen.add(text)
        chosen.append(excerpts[i])
        used += len(text) + 2
    return sorted(chosen, key=lambda e: (e.order, e.page))


def as_passages(excerpts: list[Excerpt], source: str) -> list[Document]:
    """One passage per page, its excerpts joined with "…", with the section title as its heading."""
    pages: dict[int, list[Excerpt]] = {}
    for excerpt in excerpts:
        pages.setdefault(excerpt.page, []).append(excerpt)
    return [Document(EXCERPT_JOIN.join(e.text for e in group),
                     metadata={"source": source, "page": page, "headings": group[0].section, "score": 1.0,
                               "excerpt": True})
            for page, group in sorted(pages.items())]


def document_passages(overview: dict, source: str, analysis: QueryAnalysis, retrieved: Sequence[Document],
                      embed, wanted: set[str], budget: int = DOCUMENT_CHARS) -> tuple[list[Document], int, int]:
    """The passages for a question about the whole of `source` whose topic words are `wanted` (none: a plain
    summary); with the number of sections drawn from and the document's number of sections. `embed(texts)` gives
    unit vectors (the index's embeddings)."""
    sections = overview.get("sections", [])
    excerpts = overview_excerpts(overview)
    scores = None
    if wanted:
        own = [doc for doc in retrieved if doc.metadata.get("source") == source]
        excerpts += passage_excerpts(own, wanted, sections)
        if excerpts:
            vectors = np.asarray(embed([e.text for e in excerpts]), dtype=np.float32)
            question = np.asarray(embed([analysis.question]), dtype=np.float32)[0]
            words = np.array([len(wanted & set(tokenize(e.text))) / len(wanted) for e in excerpts])
            scores = vectors @ question + words
    chosen = best_by_topic(excerpts, budget, scores) if scores is not None else spread_by_section(excerpts, budget)
    return as_passages(chosen, source), len({e.section for e in chosen}), len(sections)


EXCERPT_JOIN = " … "
POINTS_HEADING = "Main points in the document's own words (one or more per section, with their pages):"


def excerpt_points(passages: Sequence[Document]) -> str:
    """The excerpts themselves as a list, each with the number of its passage: what the document says, verbatim,
    under the reader's summary (a small reader's own list leaves most of them out)."""
    lines = [POINTS_HEADING]
    for number, doc in enumerate(passages, start=1):
        for text in doc.page_content.split(EXCERPT_JOIN):
            lines.append(f"- {text.strip()} [{number}]")
    return "\n".join(lines)


def coverage(source: str, drawn: int, total: int, pages: Sequence[int]) -> str:
    shown = ", ".join(str(p) for p in pages[:12]) + (", …" if len(pages) > 12 else "")
    return (f"This question is about the whole of {source}: the answer is drawn from excerpts of {drawn} of its "
            f"{total} sections (pages {shown}), chosen at ingest as the most central sentences of each section, "
            "not from every sentence.")
