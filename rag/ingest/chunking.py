"""Split page texts into chunks that each belong to exactly one page, and the text each chunk is embedded as.

A chunk is embedded with its context in front (setting `chunk_context`): the document's name and the first headings of its page
("3M 2018 10K. 3M Company and Subsidiaries / Consolidated Statement of Cash Flow"), so a chunk from the middle of a
statement or a note still says what it belongs to. The chunk's own text (what is shown and given to the model)
is unchanged; the headings are kept in its metadata.

A table (`rag.ingest.tables`) is chunked by whole rows: every chunk of it opens with the table's caption, unit
and column headers, and no row is split; its metadata carries the chunk's cells (`table`). The prose around a
table is split as any other text.

Formats without pages (`rag.ingest.formats`) give each unit a `place` ("slide 3", "sheet Q1, rows 2–9", "Terms ›
Payment"), kept in the chunk's metadata (`place`) for citing it.

Hands on chunk `Document`s (source, page, chunk number, hash, headings, place, table cells) and their embedding text to
the pipeline.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from langchain_core.documents import Document

from rag.ingest.broken_words import compounds, mend

if TYPE_CHECKING:  # the question path imports this module for its constants; the splitter is for ingest only
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from rag.ingest.pdf import Page
    from rag.ingest.tables import Table

SPLITTER_NAME = "RecursiveCharacterTextSplitter"
NO_CONTEXT = "none"
PAGE_HEADINGS = 2
_NOT_HEADING_RE = re.compile(r"^(table of contents|index|page \d+|\d+)$", re.I)
_WORD_RE = re.compile(r"[A-Za-z][\w'’-]*")


def make_splitter(chunk_size: int, chunk_overlap: int) -> RecursiveCharacterTextSplitter:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(
        chunk_size=chunk_size,
        chunk_overlap=min(chunk_overlap, chunk_size // 2),
        # Chinese/Japanese sentence ends come before spaces, which those scripts do not use between words.
        separators=["\n\n", "\n", ". ", "。", "！", "？", "；", " ", ""],
    )


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def chunk_pages(
    pages: Iterable[Page], source: str, file_sha256: str, splitter: RecursiveCharacterTextSplitter
) -> list[Document]:
    """Chunks of every page of one file, page by page, so no chunk spans two pages; the prose's broken words mended
    (`rag.ingest.broken_words`)."""
    pages = list(pages)
    keep = compounds(page.text for page in pages)
    chunks: list[Document] = []
    for page in pages:
        headings = page_headings(_captions_in_place(page)) or _section_path(page)
        for text, table in _page_pieces(page, splitter, keep):
            metadata = {
                "source": source,
                "page": page.number,
                "chunk": len(chunks),
                "hash": content_hash(text),
                "file_sha256": file_sha256,
            }
            if page.label:
                metadata["page_label"] = page.label
            if getattr(page, "place", None):
                metadata["place"] = page.place  # "slide 3", "sheet Q1, rows 2–9", "Terms › Payment", ...
            if headings:
                metadata["headings"] = headings
            if page.ocr:
                metadata["ocr"] = True  # recognised text: the sources say so
            if table is not None:
                metadata["table"] = table
            chunks.append(Document(page_content=text, metadata=metadata))
    return chunks


def _section_path(page: Page) -> str:
    """A section's heading path ("Terms › Payment") as its headings, when none was found in its text."""
    place = getattr(page, "place", None) or ""
    return place if "›" in place else ""


TABLE_CHUNK_FACTOR = 1.5  # a table chunk may be this much longer than chunk_size, to keep a few whole rows


def _captions_in_place(page: Page) -> str:
    """The page's text with each table's rows replaced by its caption: what its headings are found in."""
    text = page.text
    for table in getattr(page, "tables", None) or []:
        text = text.replace(table.text(), table.caption, 1)
    return text


def _page_pieces(page: Page, splitter: RecursiveCharacterTextSplitter, keep: set[str] = frozenset()
                 ) -> list[tuple[str, dict | None]]:
    """The page's chunk texts in reading order: prose mended (`keep`: the document's hyphenated words) and split by
    `splitter`, tables by whole rows (with their cells)."""
    pieces: list[tuple[str, dict | None]] = []
    rest = page.text
    for table in getattr(page, "tables", None) or []:
        at = rest.find(table.text())
        if at < 0:
            continue
        pieces.extend((text, None) for text in splitter.split_text(mend(rest[:at], keep)))
        pieces.extend(table_chunks(table, int(splitter._chunk_size * TABLE_CHUNK_FACTOR)))
        rest = rest[at + len(table.text()):]
    pieces.extend((text, None) for text in splitter.split_text(mend(rest, keep)))
    return pieces


def table_chunks(table: Table, size: int) -> list[tuple[str, dict]]:
    """Chunks of whole rows, each opening with the table's header line, with the cells of its rows."""
    head = table.header_text()
    out: list[tuple[str, dict]] = []
    lines: list[str] = []
    rows: list = []

    def close() -> None:
        if lines:
            cells = {**table.to_dict(), "rows": [[label, *values] for label, values in rows]}
            out.append(("\n".join([head, *lines]), cells))
            lines.clear()
            rows.clear()

    section: tuple[str, tuple] | None = None  # the title of the rows under way ("Generic dispensing rate")
    under = 0  # rows under it so far
    for line, row in zip(table.row_texts(), table.rows):
        if lines and len(head) + sum(len(x) + 1 for x in lines) + len(line) > size:
            close()
            if section is not None and any(row[1]):  # the rows going on under it keep their title
                lines.append(section[0])
                rows.append(section[1])
        if not any(row[1]):
            section, under = (line, row), 0
        elif row[0].casefold().startswith("total") and under:
            section = None  # "Total non-operating income" after its rows closes its part of the table
        else:
            under += 1
        lines.append(line)
        rows.append(row)
    close()
    return out


def page_headings(text: str, limit: int = PAGE_HEADINGS) -> str:
    """The first `limit` heading-like lines of a page (short, mostly capitalised, few digits), joined by " / "."""
    found = []
    for line in text.split("\n"):
        line = line.strip()
        if _is_heading(line):
            found.append(line)
            if len(found) == limit:
                break
    return " / ".join(found)


def _is_heading(line: str) -> bool:
    if not 4 <= len(line) <= 70 or _NOT_HEADING_RE.match(line) or line.endswith((",", ";")):
        return False
    if sum(ch.isalpha() for ch in line) < 4 or sum(ch.isdigit() for ch in line) > 4:
        return False
    words = _WORD_RE.findall(line)
    return sum(word[0].isupper() for word in words) >= 0.6 * max(1, len(words))


def embedding_text(doc: Document, context: str) -> str:
    """What a chunk is embedded as: with context "title+headings", its document's name and page headings, then its
    text; with "none", its text alone."""
    from rag.index.bm25 import document_title

    if context == NO_CONTEXT:
        return doc.page_content
    return f"{document_title(doc.metadata['source'])}. {doc.metadata.get('headings', '')}\n{doc.page_content}"
