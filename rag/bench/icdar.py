"""The ICDAR 2013 Table Competition's ground truth as gold tables for `rag.bench tables --icdar DIR`.

The competition dataset (Göbel et al., 2013: 67 EU and US government PDFs; camelot ships it under
`tests/files/tabula/icdar2013-dataset`) gives for each `X.pdf` an `X-str.xml`: tables, their regions (1-based page)
and cells by row and column. Those cells were drawn by other people from documents no rule here was written from,
so they measure table reading out of sample. Each region becomes one gold table of labelled cells (`rag.bench.tables`
makes them `GoldTable`s):

- header rows are the region's rows above its first data row (a row with a stub label and a figure that is not a
  year in another column); a column's header is its header cells top to bottom, spanning cells included, and its
  `leaf` the lowest of them (`rag.bench.tables.score_cell` falls back to it when it names one column alone);
- every other row with a stub label gives one gold cell per single-column cell holding a figure;
- regions without header rows (a table's continuation on the next page) and tables without figures are left out
  and counted, so the figure says what it covers.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from rag.errors import UserError

_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"^\s*(?:19|20)\d{2}\s*$")


@dataclass
class IcdarGold:
    tables: list[tuple[str, int, str, list[dict]]]  # (file relative to the folder, 1-based page, caption, cells)
    skipped_regions: int  # continuations without headers, tables without figures


def _text(cell: ET.Element) -> str:
    return " ".join((cell.findtext("content") or "").split())


def _grid(region: ET.Element) -> dict[tuple[int, int], tuple[str, int]]:
    """(row, column) -> (text, columns spanned) for the cell starting there."""
    grid = {}
    for cell in region.iter("cell"):
        row, column = int(cell.get("start-row", 0)), int(cell.get("start-col", 0))
        end = int(cell.get("end-col", column))
        grid[(row, column)] = (_text(cell), end - column + 1)
    return grid


def _is_data_row(grid: dict, row: int, columns: int) -> bool:
    label = grid.get((row, 0), ("", 1))[0]
    return bool(label) and any(
        _DIGIT.search(grid.get((row, c), ("", 1))[0]) and not _YEAR.match(grid[(row, c)][0])
        for c in range(1, columns))


def _headers(grid: dict, header_rows: range, columns: int) -> list[list[str]]:
    """Each column's header cells, top to bottom."""
    headers = []
    for column in range(columns):
        parts: list[str] = []
        for row in header_rows:
            for start in range(column, -1, -1):  # the cell covering this column, spanning ones included
                text, span = grid.get((row, start), ("", 1))
                if (row, start) in grid:
                    if start + span > column and text and text not in parts:
                        parts.append(text)
                    break
        headers.append(parts)
    return headers


def region_cells(region: ET.Element) -> list[dict] | None:
    """A region's gold cells ({"row", "column", "value"}), or None when it has no header rows or no figures."""
    grid = _grid(region)
    if not grid:
        return None
    rows = 1 + max(r for r, _ in grid)
    columns = max(c + span for (_, c), (_, span) in grid.items())
    first_data = next((r for r in range(rows) if _is_data_row(grid, r, columns)), None)
    if not first_data:  # None: no figures; 0: no header rows
        return None
    headers = _headers(grid, range(first_data), columns)
    cells = []
    for row in range(first_data, rows):
        label = grid.get((row, 0), ("", 1))[0]
        if not label:
            continue
        for column in range(1, columns):
            text, span = grid.get((row, column), ("", 1))
            if span == 1 and _DIGIT.search(text):
                cells.append({"row": label, "column": " ".join(headers[column]), "value": text,
                              "leaf": headers[column][-1] if headers[column] else ""})
    return cells or None


def load_icdar(folder: Path) -> IcdarGold:
    """Gold tables from every `X-str.xml` under `folder` whose `X.pdf` is under it too (paths relative to `folder`)."""
    files = sorted(folder.rglob("*-str.xml"))
    if not files:
        raise UserError(f"{folder}: no ICDAR 2013 ground truth (*-str.xml) here; pass the dataset's folder")
    pdfs = {pdf.stem: pdf for pdf in folder.rglob("*.pdf")}
    tables, skipped = [], 0
    for path in files:
        pdf = pdfs.get(path.name[: -len("-str.xml")])
        if pdf is None:
            continue
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as error:
            raise UserError(f"{path}: not readable XML ({error})") from None
        for number, table in enumerate(root.iter("table"), 1):
            for region in table.iter("region"):
                cells = region_cells(region)
                if cells is None:
                    skipped += 1
                    continue
                tables.append((str(pdf.relative_to(folder)), int(region.get("page", 1)), f"table {number}", cells))
    return IcdarGold(tables, skipped)
