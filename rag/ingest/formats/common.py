"""What the format readers share: lazy imports of optional libraries, tables built from cell grids, sections by
heading path, and the limits that keep a huge file from swallowing an ingest.

Hands on `Page`s (a unit's number, text, place, tables) that each reader puts in its `ParsedDocument`.
"""

from __future__ import annotations

import importlib
import io
import re
from pathlib import Path

from rag.ingest.cleaning import clean_text
from rag.ingest.pdf import Page
from rag.ingest.table_words import is_figure
from rag.ingest.tables import Table

EXTRA = "formats"  # the optional-dependency group that installs the readers' libraries
MAX_TABLE_ROWS = 50_000  # rows read from one spreadsheet or CSV; the rest is reported as cut
MAX_TEXT_BYTES = 64 * 2**20  # characters read from one text, Markdown or HTML file
MAX_COLUMNS = 200
ROWS_PER_UNIT = 50  # a sheet's rows are cited in blocks of this many ("sheet Q1, rows 2–51")
LINES_PER_UNIT = 40  # a text file's lines likewise ("lines 1–40")
PATH_SEPARATOR = " › "
# A heading that is only an identifier (a GUID or hash left by a converter) names nothing a person can find.
_IDENTIFIER_RE = re.compile(r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,})$",
                            re.IGNORECASE)


class MissingLibrary(Exception):
    """An optional reader library is not installed; the message names the extra that installs it."""


def need(module: str, package: str):
    """Import `module` (from PyPI package `package`) or raise MissingLibrary with the install line."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingLibrary(f"reading this format needs {package}: pip install -e '.[{EXTRA}]' "
                             f"(or make setup)") from None


def binary(source: Path | bytes):
    """A binary file object over a path or bytes."""
    return open(source, "rb") if isinstance(source, Path) else io.BytesIO(source)


def read_capped(source: Path | bytes, limit: int = MAX_TEXT_BYTES) -> tuple[bytes, int]:
    """At most `limit` bytes of the source, and its full size."""
    if isinstance(source, Path):
        size = source.stat().st_size
        with open(source, "rb") as handle:
            return handle.read(limit), size
    return source[:limit], len(source)


def encoding_of(data: bytes) -> str:
    """The text encoding of `data` (a sample): a BOM's, UTF-8 when it decodes, else what charset-normalizer finds
    (Shift-JIS, GB18030, Windows-1251, ...), else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8-sig")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:  # a multi-byte character cut at the end of the sample
            return "utf-8-sig"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:256 * 1024]).best()
        if best is not None and best.encoding:
            return best.encoding
    except ImportError:
        pass
    return "cp1252"


def decode(data: bytes) -> str:
    """Text from bytes in their own encoding (`encoding_of`); undecodable bytes become U+FFFD."""
    return data.decode(encoding_of(data), "replace")


def cut_note(read: int, size: int) -> str:
    return f"read the first {read / 2**20:,.1f} MB of {size / 2**20:,.1f} MB; the rest was not indexed"


def cell_text(value) -> str:
    """A cell's value as text: whole floats without ".0", dates as ISO dates, whitespace folded."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        value = text[:10] if text.endswith("T00:00:00") else text
    return re.sub(r"\s+", " ", str(value)).strip()


def grid_table(grid: list[list[str]], caption: str = "", header_rows: int = 1, page: int = 0,
               row_names: list[str] | None = None, label_column: bool = False) -> Table | None:
    """A `Table` from rows of cells: the first `header_rows` rows are the column headers (joined top to bottom),
    the first column the row labels; labelled and chunked exactly like a PDF table. When the first column holds
    figures (an id, a year, a measurement) and `label_column` is not set, every column is a value column and each row is named by `row_names`
    (a sheet's "row 57") or its ordinal. None when there is no data."""
    grid = [[clean_text(cell).replace("\n", " ") for cell in row[:MAX_COLUMNS]] for row in grid]
    keep = [i for i, row in enumerate(grid) if any(row)]
    grid = [grid[i] for i in keep]
    if not grid:
        return None
    width = max(len(row) for row in grid)
    grid = [row + [""] * (width - len(row)) for row in grid]
    if width < 2:  # one column: a list, not a table
        return None
    heads = grid[:header_rows] if len(grid) > header_rows else []
    body = grid[len(heads):]
    firsts = [row[0] for row in body if row[0]]
    if not label_column and firsts and sum(is_figure(cell) for cell in firsts) >= 0.8 * len(firsts):
        names = [row_names[i] for i in keep[len(heads):]] if row_names and len(row_names) == len(keep) else \
            [f"row {n}" for n in range(1, len(body) + 1)]
        headers = [" ".join(dict.fromkeys(row[col] for row in heads if row[col])) for col in range(width)]
        return Table(headers=headers, rows=list(zip(names, body)), caption=caption, page=page)
    headers = [" ".join(dict.fromkeys(row[col] for row in heads if row[col])) for col in range(1, width)]
    rows = [(row[0], row[1:]) for row in body]
    return Table(headers=headers, rows=rows, caption=caption, page=page)


def flat_rows(grid: list[list[str]]) -> str:
    """Rows as plain lines of cells (setting tables = "off")."""
    return "\n".join(" | ".join(cell for cell in row) for row in grid if any(row))


class Sections:
    """Text and tables collected under a heading path; each heading starts a new unit (a `Page`)."""

    def __init__(self, tables: bool = True, before_first: str = "start of the document"):
        self.tables = tables
        self.before_first = before_first
        self.path: list[tuple[int, str]] = []  # (level, heading)
        self.pages: list[Page] = []
        self._parts: list[str] = []
        self._tables: list[Table] = []
        self._place: str | None = None
        self._body = False  # text or a table under the current heading (a bare heading joins the next section)

    def heading(self, level: int, text: str) -> None:
        text = re.sub(r"\s+", " ", clean_text(text.replace("\u200b", "").replace("\ufeff", ""))).strip()
        if not text or _IDENTIFIER_RE.match(text):
            return
        self.flush()
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        self.path.append((level, text))
        self._place = PATH_SEPARATOR.join(heading for _, heading in self.path)
        self._parts.append(text)

    def text(self, text: str) -> None:
        text = clean_text(text or "")
        if text:
            self._parts.append(text)
            self._body = True

    def table(self, grid: list[list[str]], header_rows: int = 1) -> None:
        table = grid_table(grid, caption=self._place or "", header_rows=header_rows) if self.tables else None
        if table is None:
            self.text(flat_rows(grid))
            return
        self._tables.append(table)
        self._parts.append(table.text())
        self._body = True

    def flush(self, last: bool = False) -> None:
        if not self._body and not last:
            return  # only headings so far: they open the next section ("Usage" then "Usage › Command-Line")
        text = "\n".join(self._parts)
        if text.strip():
            number = len(self.pages) + 1
            for table in self._tables:
                table.page = number
            tables = [table for table in self._tables if table.text() in text]
            self.pages.append(Page(number=number, text=text, place=self._place or self.before_first, tables=tables))
        self._parts, self._tables, self._body = [], [], False

    def done(self) -> list[Page]:
        self.flush(last=True)
        return self.pages
