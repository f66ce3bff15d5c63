"""Put the tables of a parsed PDF's pages in as labelled rows (see `rag.ingest.tables`).

Only pages whose extracted text looks tabular (several lines ending in two or more figures) are read again with
pypdfium2, so prose pages cost nothing. On such a page the text becomes pdfium's text in content order with each
table's words cut out and its labelled rows put where the table began. Any failure leaves the page's pypdf text as
it was and is counted in `ParsedPdf.table_failures` (shown in the ingest report).

Hands on the same `ParsedPdf`, its pages' `text` and `tables` updated.
"""

from __future__ import annotations

import re
from pathlib import Path

from rag.ingest.cleaning import MIN_PAGE_CHARS, clean_text
from rag.ingest.table_captions import take_captions_below
from rag.ingest.table_words import group_lines
from rag.ingest.tables import Table, continues, find_tables, take_headers
from rag.ingest.text_grids import find_grids

_FIGURE = r"[$£€]?\s?\(?-?\d[\d,.]*%?\s?\)?%?"  # "38.7%", "(3.2%)", "$ 2,535", "(1,373 )"
_FIGURE_TAIL = re.compile(rf"(?:{_FIGURE}\s+){{1,}}{_FIGURE}\s*$")
# three figures in a row inside a line: pypdf glues a row's label to the next row's figures ("operations998 (2,562 )
# 1,390 (422 ) (596 ) Net income")
_FIGURE_RUN = re.compile(rf"(?<![\w,.])(?:{_FIGURE}\s+){{2}}{_FIGURE}(?![\w,.])")
# pypdf writes some statements value-first: "$ 19,334 $ 20,522 Marketable securities" (a row's figures, then the
# next row's label)
_FIGURE_HEAD = re.compile(r"^\s*(?:[$£€]?\s?\(?-?\d[\d,.]*\s?\)?%?\s+){2,}(?=[^\d\s$£€(])")
# tables side by side, one figure each, as pypdf runs them together: "Spain 268 Spain 153 Germany 91"
_LABEL_FIGURE_PAIRS = re.compile(r"^(?:\s*[A-Z][^\d\n]{0,40}?\s[$£€(]?-?\d[\d,.]*\)?%?){2,}\s*$")
_LONE_FIGURE = re.compile(r"^\s*(?:[$£€(]?-?\d[\d,.]*\)?%?|\d{1,2}/\d{1,2}/\d{2,4})\s*$")  # a figure or a date
_YEARS = re.compile(r"^\s*(?:(?:19|20)\d{2}\s+){2,}(?:19|20)\d{2}\s*$")  # "2023 2024 2025 2026 2027"
_TOKEN_FIGURE = re.compile(r"^\(?-?\d[\d,.]*\)?%?$")
MIN_TABULAR_LINES = 3
MIN_LONE_FIGURES = 12
MIN_RECORD_LINES = 4  # lines in a row holding a figure at the same word place: records with a text column after it


def looks_tabular(text: str) -> bool:
    """At least MIN_TABULAR_LINES lines ending (or starting) with two or more figures, holding three in a row, or
    made of label-and-figure pairs (tables side by side), or MIN_LONE_FIGURES lines holding one figure alone (pypdf
    writes some tables a cell a line), or a row of three or more years over a line of figures."""
    rows = lone = 0
    years = False  # the line before was a row of years
    for line in text.splitlines():
        if _FIGURE_TAIL.search(line) or _FIGURE_HEAD.search(line) or _LABEL_FIGURE_PAIRS.match(line) \
                or _FIGURE_RUN.search(line):
            rows += 1
            if years and not _YEARS.match(line):  # a schedule of one row: "2023 2024 2025" over "$234 $219 $194"
                return True
        elif _LONE_FIGURE.match(line):
            lone += 1
        if rows >= MIN_TABULAR_LINES or lone >= MIN_LONE_FIGURES:
            return True
        years = bool(_YEARS.match(line))
    return False


def looks_like_records(text: str) -> bool:
    """MIN_RECORD_LINES lines in a row with a figure at the same word place, words on both sides of it
    ("btrfs-progs V:43,I:72 4281 Btrfs 文件系统工具": a package table whose last column is a description; a table
    of contents' page numbers end their lines). Such a page is searched for tables of words only."""
    places: set[int] = set()  # word places holding a figure in every line of the current run
    run = 0
    for line in text.splitlines():
        tokens = line.split()
        here = {i for i, token in enumerate(tokens[:-1]) if i and _TOKEN_FIGURE.match(token)}
        places, run = (places & here, run + 1) if run and places & here else (here, 1 if here else 0)
        if run >= MIN_RECORD_LINES:
            return True
    return False


def label_tables(path: Path | bytes, password: str | None, result) -> None:
    """Label the tables of `result`'s pages (a `rag.ingest.pdf.ParsedPdf`; `path` may be the PDF's bytes), in place."""
    figures = {page.number for page in result.pages if page.text and not page.ocr and looks_tabular(page.text)}
    candidates = [page for page in result.pages if page.number in figures
                  or page.text and not page.ocr and looks_like_records(page.text)]
    if not candidates:
        return
    try:
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(path if isinstance(path, bytes) else str(path), password=password or None)
    except Exception:  # noqa: BLE001 - pypdf read it; pdfium may not (damaged, odd encryption): keep pypdf's text
        result.table_failures += len(candidates)
        return
    previous: Table | None = None  # the last table of the page before, for a table running over onto the next
    previous_page = None
    try:
        for page in candidates:
            if previous is not None and previous.page != page.number - 1:
                previous = None
            try:
                text, tables = tabled_text(document[page.number - 1], page.number, previous,
                                           words_only=page.number not in figures)
            except Exception:  # noqa: BLE001 - one odd page never costs the file
                result.table_failures += 1
                continue
            if tables and len(text) >= MIN_PAGE_CHARS:
                page.text, page.tables = text, tables
                if previous is not None and previous_page is not None and tables[0].continued:
                    caption_back(previous, tables[0], previous_page)
            previous, previous_page = (tables[-1], page) if tables else (None, None)
    finally:
        document.close()


def caption_back(before: Table, rest: Table, page) -> None:
    """Give a table running over onto the next page the caption printed under its rest ("Table 7.1: ..." below the
    last rows), in its page's text too."""
    if before.caption or not rest.caption:
        return
    old = before.text()
    before.caption = rest.caption
    page.text = page.text.replace(old, before.text(), 1)


def tabled_text(pdf_page, number: int, previous: Table | None = None, words_only: bool = False
                ) -> tuple[str, list[Table]]:
    """The page's text with each table's words replaced by its labelled rows, and the tables. A first table with
    no headers of its own, at the top of the page, continues `previous` (the last table of the page before) when
    it has as many columns: it takes that table's headers, caption and unit. `words_only`: look for tables of
    words (`rag.ingest.text_grids`) only."""
    from rag.ingest.pdf_words import page_layout

    layout = page_layout(pdf_page)
    tables = [] if words_only else find_tables(layout.words, number)
    tables = sorted(tables + find_grids(layout.words, number, [table.box for table in tables]),
                    key=lambda table: table.box[1])
    if not tables:
        return "", []
    first = tables[0]
    if previous is not None and first.box[1] < 0.35 * layout.height and (
            continues(first, previous) or not any(first.headers) and len(first.headers) == len(previous.headers)):
        take_headers(first, previous)
    take_captions_below(tables, group_lines(layout.words))  # after: a table going on keeps its own caption below
    chars = list(layout.text)
    inserts: dict[int, str] = {}
    for table in tables:
        x0, top, x1, bottom = table.box
        inside = [w.chars for w in layout.words  # the table's words and what lies among them (leader dots)
                  if x0 - 1 <= w.x0 and w.x1 <= x1 + 1 and top - 1 <= (w.top + w.bottom) / 2 <= bottom + 1]
        table.chars = sorted(set(table.chars) | set(inside))
        first = min(start for start, _ in table.chars)
        for start, end in table.chars:
            for i in range(start, end):
                chars[i] = ""
        inserts[first] = f"\n\n{table.text()}\n\n"
    for at, text in inserts.items():
        chars[at] = text
    for table in tables:
        table.chars = []  # only needed here; not carried to the workers' callers
    return _clean_keeping_tables("".join(chars)), tables


def _clean_keeping_tables(text: str) -> str:
    """`clean_text` of the page (its tables' lines are already clean), paragraph breaks around tables kept."""
    text = text.encode("utf-8", "replace").decode("utf-8")  # no lone surrogate from a broken font map survives
    blocks = [clean_text(block) for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))]
    return "\n\n".join(block for block in blocks if block)
