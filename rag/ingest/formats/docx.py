"""Word (.docx) documents with python-docx: paragraphs and tables in reading order, one unit per section.

A heading (a paragraph styled "Heading N") starts a section; its place is the heading path
("Terms › Payment"). Tables are read cell by cell (the first row as column headers, the first column as row labels)
and labelled like PDF tables. Macros and embedded objects are never run or opened; the zip container is checked
for bombs before python-docx opens it (`rag.ingest.formats.read_document`).

Hands on: `Page`s (number = the section's ordinal, place = its heading path, tables) to the dispatcher.
"""

from __future__ import annotations

import re
from pathlib import Path

from rag.ingest.formats.common import Sections, binary, cell_text, need
from rag.ingest.pdf import ParsedDocument

_HEADING_RE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)


def read(source: Path | bytes, tables: bool = True) -> ParsedDocument:
    docx = need("docx", "python-docx")
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    with binary(source) as handle:
        document = docx.Document(handle)
    sections = Sections(tables)
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            level = _heading_level(block)
            if level:
                sections.heading(level, block.text)
            else:
                sections.text(block.text)
        elif isinstance(block, Table):
            sections.table(_grid(block))
    pages = sections.done()
    return ParsedDocument(pages=pages, page_count=len(pages), kind="docx")


def _heading_level(paragraph) -> int:
    try:
        name = paragraph.style.name if paragraph.style is not None else ""
    except (KeyError, ValueError):  # a style id the styles part does not define
        return 0
    match = _HEADING_RE.match(name or "")  # the Title paragraph is text of the first unit, not part of every path
    return int(match.group(1)) if match else 0


def _grid(table) -> list[list[str]]:
    """The table's rows as cell texts; a merged cell's text once per row (python-docx repeats it per grid column)."""
    grid = []
    for row in table.rows:
        cells, previous = [], None
        for cell in row.cells:
            if previous is not None and cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(cell_text(cell.text))
        grid.append(cells)
    return grid
