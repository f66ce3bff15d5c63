"""Passages: one per page, grown from the best chunk with its neighbours, and where in it the answer starts.

`PageChunks` is the page layout of an index (rows of each page in order, statement pages, last pages and printed
page labels); like the rows holding contact details, it is derived once per index version and shared
(`rag.index.base.derived`). Hands on passages as LangChain `Document`s whose text is the joined chunks
(`join_overlapping`) and whose `match_start` is where the sentence most like the question starts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from langchain_core.documents import Document

from rag.index.base import derived
from rag.query import contacts, statements
from rag.text import tokenize


def join_overlapping(texts: Sequence[str], max_overlap: int = 200) -> str:
    """Consecutive chunk texts as one text, without repeating the overlap the splitter put between them."""
    joined = texts[0] if texts else ""
    for text in texts[1:]:
        overlap = next((size for size in range(min(max_overlap, len(joined), len(text)), 0, -1)
                        if joined.endswith(text[:size])), 0)
        joined += ("" if overlap else "\n") + text[overlap:]
    return joined


class PageChunks:
    """Where each chunk sits: rows of the same page in chunk order, so neighbours can be found; which pages are
    financial statements; each file's last page and printed page labels (`page_chunks(index)`: once per version)."""

    def __init__(self, chunks: Sequence[Document]):
        self.chunks = chunks
        self.rows_of_page: dict[tuple[str, int], list[int]] = {}
        for row, doc in enumerate(chunks):
            self.rows_of_page.setdefault(page_key(doc), []).append(row)
        for rows in self.rows_of_page.values():
            rows.sort(key=lambda row: chunks[row].metadata.get("chunk", row))
        self.statements: dict[str, list[int]] = {}  # statement kind -> first chunk row of each such page
        for rows in self.rows_of_page.values():  # the title is in the first chunks; figures are counted in all
            figures = sum(statements.count_figures(chunks[row].page_content) for row in rows)
            kind = statements.statement_kind(_top_of_page(chunks, rows), figures)
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

    def passage_rows(self, best: int, budget: int, wanted: set[str] = frozenset()) -> list[int]:
        """`best` and its neighbours on the same page, nearest first, while the text stays within `budget` chars.

        On a table page the rows a question asks about may be chunks away from the best chunk (a statement's
        title and first rows rank best; "Purchases of property, plant and equipment" is further down), so the
        table chunks sharing the most of the `wanted` tokens come first, then the neighbours."""
        rows = self.rows_of_page[page_key(self.chunks[best])]
        at = rows.index(best)
        chosen, size = [best], len(self.chunks[best].page_content)
        for row in self._table_rows_wanted(rows, best, wanted):
            length = len(self.chunks[row].page_content)
            if size + length <= budget:
                chosen.append(row)
                size += length
        for offset in range(1, len(rows)):
            grew = False
            for position in (at - offset, at + offset):
                if 0 <= position < len(rows) and rows[position] in chosen:
                    grew = True
                elif 0 <= position < len(rows):
                    length = len(self.chunks[rows[position]].page_content)
                    if size + length <= budget:
                        chosen.append(rows[position])
                        size, grew = size + length, True
            if not grew:
                break
        return sorted(chosen, key=lambda row: rows.index(row))

    def _table_rows_wanted(self, rows: list[int], best: int, wanted: set[str]) -> list[int]:
        """The page's other table chunks that share at least two of `wanted`, most shared first."""
        if not wanted:
            return []
        scored = []
        for row in rows:
            if row == best or "table" not in self.chunks[row].metadata:
                continue
            shared = len(wanted.intersection(tokenize(self.chunks[row].page_content)))
            if shared >= 2:
                scored.append((-shared, abs(rows.index(row) - rows.index(best)), row))
        return [row for _, _, row in sorted(scored)]


def merged_table(tables: Sequence[dict | None]) -> dict | None:
    """The cells of a passage's table rows: the first table's, with the rows of the chunks after it that continue
    the same table (same caption and headers) added."""
    found = [table for table in tables if table]
    if not found:
        return None
    first = found[0]
    rows = [row for table in found if (table.get("caption"), table.get("headers")) ==
            (first.get("caption"), first.get("headers")) for row in table.get("rows", [])]
    return {**first, "rows": rows}


def _top_of_page(chunks: Sequence[Document], rows: Sequence[int], chars: int = 300) -> str:
    """The first chunks of a page, at least `chars` long: a short first chunk ("Table of Contents" before a table)
    does not hide the title in the next one."""
    texts: list[str] = []
    for row in rows:
        texts.append(chunks[row].page_content)
        if sum(len(text) for text in texts) >= chars:
            break
    return "\n".join(texts)


def page_key(doc: Document) -> tuple[str, int]:
    return doc.metadata["source"], doc.metadata["page"]


def page_chunks(index) -> PageChunks:
    """The page layout of a loaded index, built once per index version and shared by every caller."""
    return derived(index, "retrieve.page_chunks", lambda: PageChunks(index.chunks))


def with_page_tables(index, passage: Document) -> Document:
    """`passage` with the table chunks of its page it does not hold added at its end: a statement's rows beyond the
    passage's budget ("Total assets" several chunks below the title), for reading one cell exactly."""
    chunks = [index.chunks[row] for row in page_chunks(index).rows_of_page.get(page_key(passage), ())]
    extra = [chunk.page_content for chunk in chunks if "table" in chunk.metadata
             and chunk.page_content not in passage.page_content]
    if not extra:
        return passage
    return Document("\n".join([passage.page_content, *extra]), metadata=passage.metadata)


def contact_rows(index, kind: str) -> list[int]:
    """The rows of a loaded index whose chunk holds a contact detail of `kind` (found once per version and kind)."""
    return derived(index, ("retrieve.contact_rows", kind),
                   lambda: [row for row, doc in enumerate(index.chunks) if contacts.holds(kind, doc.page_content)])


def best_sentence_start(text: str, query: str, wanted: set[str] | None = None) -> int:
    """Where the sentence (or line) of `text` sharing the most search words with `query` starts; 0 if none does.

    `wanted`: the question's search tokens when already known (`QueryAnalysis.search_tokens`)."""
    wanted = set(tokenize(query)) if wanted is None else wanted
    best, best_shared = 0, 0
    for match in _SENTENCE_RE.finditer(text):
        shared = len(wanted.intersection(tokenize(match.group())))
        if shared > best_shared:
            best, best_shared = match.start(), shared
    return best


_SENTENCE_RE = re.compile(r"[^\n.!?]+(?:[.!?](?!\d)|\n|$)")  # "1.5" does not end a sentence
