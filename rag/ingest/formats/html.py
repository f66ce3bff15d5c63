"""Web pages (.html/.htm) with Beautiful Soup over lxml: the visible text in reading order, one unit per section.

Parsing only: scripts, styles, iframes, objects, forms' hidden parts and comments are dropped unread, images and
links are never fetched (an image's alt text is kept). An h1-h6 heading starts a section whose place is the heading
path ("Terms › Payment"); tables are labelled like PDF tables (a row of `th` cells, or the first row, as headers).

Hands on: `Page`s (number = the section's ordinal, place = its heading path, tables) to the dispatcher and to the
e-mail reader (HTML bodies).
"""

from __future__ import annotations

from pathlib import Path

from rag.ingest.formats.common import Sections, cell_text, cut_note, decode, need, read_capped
from rag.ingest.pdf import ParsedDocument

DROP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "head",
                  "button", "select", "input", "textarea", "audio", "video", "source", "map", "link", "meta"})
BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "pre", "blockquote", "section", "article",
                    "header", "footer", "main", "nav", "aside", "figure", "figcaption", "form", "br", "hr", "tr",
                    "address", "details", "summary", "caption"})
HEADINGS = {f"h{n}": n for n in range(1, 7)}


def read(source: Path | bytes, tables: bool = True) -> ParsedDocument:
    data, size = read_capped(source)
    result = read_text(data, tables)  # bytes: Beautiful Soup honours the page's own <meta charset> and BOM
    if size > len(data):
        result.problems.append(cut_note(len(data), size))
    return result


def read_text(markup: str | bytes, tables: bool = True, kind: str = "html") -> ParsedDocument:
    bs4 = need("bs4", "beautifulsoup4")
    if isinstance(markup, bytes) and not _declares_encoding(markup):
        markup = decode(markup)  # no BOM or <meta charset>: found by content (rag.ingest.formats.common.encoding_of)
    try:
        soup = bs4.BeautifulSoup(markup, "lxml")
    except bs4.FeatureNotFound:
        soup = bs4.BeautifulSoup(markup, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    sections = Sections(tables)
    if title and soup.find("h1") is None:  # the page's name when no heading gives it
        sections.text(title)
    buffer: list[str] = []
    _walk(soup.body or soup, sections, buffer, bs4)
    sections.text("".join(buffer))
    pages = sections.done()
    return ParsedDocument(pages=pages, page_count=len(pages), kind=kind)


def _declares_encoding(data: bytes) -> bool:
    head = data[:4096].lower()
    return data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"charset" in head or b"encoding=" in head


def _walk(node, sections: Sections, buffer: list[str], bs4) -> None:
    for child in node.children:
        if isinstance(child, (bs4.Comment, bs4.Doctype, bs4.CData, bs4.ProcessingInstruction, bs4.Declaration)):
            continue
        if isinstance(child, bs4.NavigableString):
            buffer.append(str(child))
            continue
        name = (child.name or "").lower()
        if name in DROP or child.get("hidden") is not None or child.get("aria-hidden") == "true":
            continue
        if name in HEADINGS:
            _flush(sections, buffer)
            sections.heading(HEADINGS[name], child.get_text(" ", strip=True))
        elif name == "table":
            _flush(sections, buffer)
            grid, header_rows = _grid(child)
            sections.table(grid, header_rows=header_rows)
        elif name == "img":
            alt = (child.get("alt") or "").strip()
            if alt:
                buffer.append(f" {alt} ")
        elif name in BLOCKS:
            buffer.append("\n")
            _walk(child, sections, buffer, bs4)
            buffer.append("\n")
        else:
            _walk(child, sections, buffer, bs4)


def _flush(sections: Sections, buffer: list[str]) -> None:
    sections.text("".join(buffer))
    buffer.clear()


def _grid(table) -> tuple[list[list[str]], int]:
    rows = [row for row in table.find_all("tr") if row.find_parent("table") is table]
    grid, header_rows = [], 0
    for row in rows:
        cells = row.find_all(["th", "td"], recursive=False)
        grid.append([cell_text(cell.get_text(" ", strip=True)) for cell in cells])
        if cells and all(cell.name == "th" for cell in cells) and header_rows == len(grid) - 1:
            header_rows += 1
    return grid, max(header_rows, 1)
