"""Spreadsheets: Excel workbooks (.xlsx/.xlsm) with openpyxl, and CSV/TSV files with the standard csv module.

Each sheet's first non-empty row is its column headers and its first column the row labels, so every row is
labelled like a PDF table row ("North: Q1: 120; Q2: 135"). Rows are cited in blocks of `ROWS_PER_UNIT`, each a
unit with its own place ("sheet Revenue, rows 2–51"; for CSV "rows 2–51"), every block repeating the headers.

Workbooks are opened read-only with cached values (`data_only`): formulas are never evaluated and macros
(.xlsm) never run or even loaded. A file larger than `MAX_TABLE_ROWS` rows is read up to that cap, streaming,
and the report says what was cut; a 1 GB CSV never sits in memory.

Hands on: `Page`s (number = the block's ordinal in the file, place, one table each) to the dispatcher.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

from rag.ingest.formats.common import (MAX_COLUMNS, MAX_TABLE_ROWS, ROWS_PER_UNIT, binary, cell_text, encoding_of,
                                       flat_rows, grid_table, need)
from rag.ingest.pdf import Page, ParsedDocument

SNIFF_BYTES = 64 * 1024


def read_workbook(source: Path | bytes, tables: bool = True) -> ParsedDocument:
    openpyxl = need("openpyxl", "openpyxl")
    result = ParsedDocument(kind="xlsx")
    with binary(source) as handle:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True, keep_vba=False, keep_links=False)
        try:
            budget = [MAX_TABLE_ROWS]
            for sheet in workbook.worksheets:
                if not hasattr(sheet, "iter_rows"):  # a chart sheet
                    continue
                rows = ((number, [cell_text(value) for value in row[:MAX_COLUMNS]])
                        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1))
                _add_blocks(result, _capped(rows, budget), f"sheet {sheet.title}, ", sheet.title, tables)
                if budget[0] <= 0:
                    result.problems.append(f"read the first {MAX_TABLE_ROWS:,} rows (up to sheet {sheet.title}); "
                                           "the rest was not indexed")
                    break
        finally:
            workbook.close()
    result.page_count = len(result.pages)
    return result


def read_delimited(source: Path | bytes, tab: bool = False, tables: bool = True, name: str = "") -> ParsedDocument:
    result = ParsedDocument(kind="tsv" if tab else "csv")
    with binary(source) as handle:
        head = handle.read(SNIFF_BYTES)
        handle.seek(0)
        encoding = encoding_of(head)
        delimiter = "\t" if tab else _sniff(head.decode(encoding, "replace"))
        text = io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="")
        budget = [MAX_TABLE_ROWS]
        reader = csv.reader(text, delimiter=delimiter)
        rows = ((reader.line_num, [cell_text(cell) for cell in row[:MAX_COLUMNS]]) for row in reader)
        try:
            _add_blocks(result, _capped(rows, budget), "", name, tables)
        except csv.Error as exc:
            result.problems.append(f"stopped at line {reader.line_num:,}: {exc}; the rest was not indexed")
        if budget[0] <= 0:
            read = handle.tell() if not handle.closed else 0
            size = len(source) if isinstance(source, bytes) else source.stat().st_size
            result.problems.append(f"read the first {MAX_TABLE_ROWS:,} rows ({read / 2**20:,.1f} MB of "
                                   f"{size / 2**20:,.1f} MB); the rest was not indexed")
        text.detach()
    result.page_count = len(result.pages)
    return result


def _sniff(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample[: SNIFF_BYTES // 2], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _capped(rows: Iterable[tuple[int, list[str]]], budget: list[int]) -> Iterator[tuple[int, list[str]]]:
    for number, cells in rows:
        if budget[0] <= 0:
            return
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            budget[0] -= 1
            yield number, cells


def _add_blocks(result: ParsedDocument, rows: Iterator[tuple[int, list[str]]], prefix: str, caption: str,
                tables: bool) -> None:
    """Append one unit per block of data rows, each with the sheet's header row."""
    header = None
    block: list[tuple[int, list[str]]] = []
    before = len(result.pages)

    def close() -> None:
        if not block:
            return
        first, last = block[0][0], block[-1][0]
        number = len(result.pages) + 1
        grid = ([header[1]] if header else []) + [cells for _, cells in block]
        names = ([f"row {header[0]}"] if header else []) + [f"row {row}" for row, _ in block]
        table = grid_table(grid, caption=caption, header_rows=1 if header else 0, page=number,
                           row_names=names) if tables else None
        text = table.text() if table is not None else flat_rows(grid)
        rows = f"row {first}" if first == last else f"rows {first}–{last}"
        result.pages.append(Page(number=number, text=text, place=f"{prefix}{rows}",
                                 tables=[table] if table is not None else []))
        block.clear()

    for number, cells in rows:
        if header is None:
            header = (number, cells)
            continue
        block.append((number, cells))
        if len(block) == ROWS_PER_UNIT:
            close()
    if header is not None and not block and len(result.pages) == before:
        block.append(header)  # a sheet of one row: the row itself
        header = None
    close()

