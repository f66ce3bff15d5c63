"""`python -m rag.bench tables [--gold FILE | --icdar DIR] [--candidates ours,pdfplumber,camelot] [--verbose]`:
table extractors' cell accuracy on a hand-checked gold set (or on the ICDAR 2013 ground truth, `rag.bench.icdar`).

The gold (`tests/data/tables_gold.jsonl`, one table a line) gives, per table, its PDF (relative to the shared data
folder), 1-based page, caption and a few cells, each `{"row", "column", "value"}` as the page prints them. Every
candidate extracts the tables of each gold page once (timed from opening the file to its tables) and a gold cell
is right when one of the page's tables has a row whose label matches the gold row and, in the column whose header
matches the gold column, the gold value:

- labels and headers are compared without case, spaces, punctuation, dotted leaders or footnote markers ("(1)",
  "(a)"); a header matches when it equals the gold column, else ends with it, else contains it ("Year ended 30 June
  2022" has "2022"), the shortest such header winning (ties: any of them); an empty gold column is any column;
- values are compared without spaces or currency signs, with every kind of dash as "-".

Candidates: `ours` (`rag.ingest.pdf_words.page_layout` + `rag.ingest.tables.find_tables`: column clustering of the
words' positions), `pdfplumber` (its text strategies, tuned) and `camelot` (stream mode). The last two are optional
imports (not project dependencies: install them into the venv to measure) and are read through one small generic
adapter, `from_rows`: rows of cells -> header rows + (label, values). Prints per candidate: cells right, tables
fully right, median and total seconds per page; `--verbose` adds each table's wrong cells and what was found.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rag.bench.common import load_average, print_table
from rag.bench.icdar import load_icdar
from rag.errors import UserError

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "tests" / "data" / "tables_gold.jsonl"
CANDIDATES = ("ours", "pdfplumber", "camelot")
# the best of four text-strategy settings tried on the gold set (docs/tables.md): 72 cells right, against 63 with
# text_x_tolerance 2 and pdfplumber's default minimum words per row and column, 51-52 with the others
PDFPLUMBER_SETTINGS = {"vertical_strategy": "text", "horizontal_strategy": "text", "snap_tolerance": 3,
                       "join_tolerance": 3, "intersection_tolerance": 5, "text_x_tolerance": 3,
                       "min_words_vertical": 2, "min_words_horizontal": 1}


def shared_data() -> Path:
    """../shared/data beside the repository, or $DOCQA_SHARED_DATA."""
    return Path(os.environ.get("DOCQA_SHARED_DATA", REPO.parent / "shared" / "data"))


# ---------------------------------------------------------------- gold and extracted tables


@dataclass
class GoldTable:
    file: str  # relative to the shared data folder
    page: int  # 1-based
    caption: str
    cells: list[dict]  # {"row", "column", "value"} as printed


@dataclass
class Extracted:
    """A candidate's table in the shape of `rag.ingest.tables.Table`: one header per value column, (label, values)."""

    headers: list[str]
    rows: list[tuple[str, list[str]]]


@dataclass
class CellResult:
    cell: dict
    right: bool
    found: str  # what the candidate had there, for --verbose


@dataclass
class TableResult:
    gold: GoldTable
    cells: list[CellResult] = field(default_factory=list)

    @property
    def right(self) -> int:
        return sum(c.right for c in self.cells)


def load_gold(path: Path) -> list[GoldTable]:
    if not path.is_file():
        raise UserError(f"{path}: no such gold file")
    tables = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            tables.append(GoldTable(item["file"], int(item["page"]), item.get("caption", ""), list(item["cells"])))
        except (ValueError, KeyError, TypeError) as error:
            raise UserError(f"{path}:{number}: not a gold table ({error})") from None
    return tables


# ---------------------------------------------------------------- normalising and matching

_FOOTNOTE = re.compile(r"\((?:\d{1,2}|[a-z])\)|[¹²³⁴⁵⁶⁷⁸⁹⁰]", re.IGNORECASE)
_LEADERS = re.compile(r"(?:\.\s?){2,}|…+|_{2,}")
_DASHES = re.compile(r"[‐‑‒–—―−]+|-{1,2}")


def norm_text(text: str) -> str:
    """A label or header for comparison: no footnote markers, leaders, case, spaces or punctuation."""
    text = _LEADERS.sub(" ", _FOOTNOTE.sub(" ", text or ""))
    return re.sub(r"[\W_]+", "", text.lower())


def norm_value(text: str) -> str:
    """A value for comparison: no spaces or currency signs, every dash as "-"."""
    text = re.sub(r"\s+|[$£€¥]", "", text or "")
    return _DASHES.sub("-", text)


def matching_columns(headers: Sequence[str], column: str) -> list[int]:
    """The columns whose header matches the gold column: equal, else ending with it, else containing it; the
    shortest headers of the first tier that has any. An empty gold column matches every column."""
    if not norm_text(column):
        return list(range(len(headers)))
    wanted = norm_text(column)
    normed = [norm_text(h) for h in headers]
    for test in (str.__eq__, str.endswith, str.__contains__):
        hits = [i for i, h in enumerate(normed) if h and test(h, wanted)]
        if hits:
            shortest = min(len(normed[i]) for i in hits)
            return [i for i in hits if len(normed[i]) == shortest]
    return []


def score_cell(tables: Sequence[Extracted], cell: dict) -> CellResult:
    label, value = norm_text(cell["row"]), norm_value(cell["value"])
    seen: list[str] = []
    row_found = column_found = False
    for table in tables:
        columns = matching_columns(table.headers, cell.get("column", ""))
        if not columns and cell.get("leaf"):  # a multi-level header read without its upper level, if unambiguous
            columns = [i for i, h in enumerate(table.headers) if norm_text(h) == norm_text(cell["leaf"])]
            columns = columns if len(columns) == 1 else []
        for row_label, values in table.rows:
            if norm_text(row_label) != label:
                continue
            row_found = True
            if not columns:
                continue
            column_found = True
            got = [values[i] for i in columns if i < len(values)]
            if any(norm_value(v) == value for v in got):
                return CellResult(cell, True, cell["value"])
            seen += [v for v in got if v] or ["(empty)"]
    if not row_found:
        found = "row not found"
    elif not column_found:
        found = "column not found"
    else:
        found = "got " + " / ".join(dict.fromkeys(seen))
    return CellResult(cell, False, found)


def score_table(tables: Sequence[Extracted], gold: GoldTable) -> TableResult:
    return TableResult(gold, [score_cell(tables, cell) for cell in gold.cells])


# ---------------------------------------------------------------- the generic adapter for row-of-cells extractors

_FIGURE = re.compile(r"^\(?[-–—−]?[$£€]?\s?\(?[-–—−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
                     r"\s?\)?\s?%?\)?\s?%?$")
_YEAR = re.compile(r"^(?:19|20)\d{2}$")


def _figure(text: str) -> bool:
    text = text.replace("$", "").strip()
    return bool(_FIGURE.match(text)) or text in {"-", "–", "—", "−", "n/a", "nm"}


def from_rows(rows: Sequence[Sequence[str | None]]) -> Extracted | None:
    """Rows of cells (pdfplumber, camelot) as a table: columns mostly of figures are value columns, the others make
    the row's label; the rows above the first row of figures (up to four) are joined per value column as its header
    (a row with as many header cells as value columns gives them in order, else a cell goes to its own column or the
    next value column to its right: headers centred over "$ 1,234" land left of the figures); a label on its own
    line followed by one starting in lower case is one wrapped label."""
    cells = [[" ".join((c or "").split()) for c in row] for row in rows]
    cells = [[("" if c.strip("$ ") == "" else c) for c in row] for row in cells]
    cells = [row for row in cells if any(row)]
    if not cells:
        return None
    width = max(len(row) for row in cells)
    cells = [row + [""] * (width - len(row)) for row in cells]

    value_columns = []
    for j in range(1, width):
        filled = [row[j] for row in cells if row[j]]
        figures = sum(1 for c in filled if _figure(c))
        if figures >= 2 and figures >= 0.5 * len(filled):
            value_columns.append(j)
    if not value_columns:
        return None

    def data_row(row: list[str]) -> bool:  # figures that are not all years (a header row of years is a header)
        figs = [row[j] for j in value_columns if row[j] and _figure(row[j])]
        return bool(figs) and not all(_YEAR.match(c.replace("$", "").strip()) for c in figs)

    first = next((i for i, row in enumerate(cells) if data_row(row)), None)
    if first is None:
        return None
    body = cells[first:]
    parts: list[list[str]] = [[] for _ in value_columns]
    for row in cells[max(0, first - 4):first]:
        filled = [j for j in range(1, width) if row[j]]
        if len(filled) == len(value_columns):  # one header per value column, wherever the extractor put them
            for index, j in enumerate(filled):
                parts[index].append(row[j])
            continue
        for j in filled:  # else each to its own column or the next value column to its right (or the last)
            index = next((i for i, k in enumerate(value_columns) if k >= j), len(value_columns) - 1)
            parts[index].append(row[j])
    headers = [" ".join(p) for p in parts]
    out: list[tuple[str, list[str]]] = []
    pending = ""
    for row in body:
        label = " ".join(row[j] for j in range(width) if j not in value_columns and row[j])
        values = [row[j] for j in value_columns]
        if pending and label[:1].islower():
            label = f"{pending} {label}"
        elif pending:
            out.append((pending, []))
        pending = ""
        if not any(values):
            pending = label
            continue
        out.append((label, values))
    if pending:
        out.append((pending, []))
    return Extracted(headers, out)


# ---------------------------------------------------------------- candidates: (path, 1-based page) -> tables


def extract_ours(path: Path, page: int) -> list[Extracted]:
    import pypdfium2 as pdfium

    from rag.ingest.pdf_words import page_layout
    from rag.ingest.tables import find_tables

    document = pdfium.PdfDocument(str(path))
    try:
        tables = find_tables(page_layout(document[page - 1]).words, page)
    finally:
        document.close()
    return [Extracted(list(t.headers), [(label, list(values)) for label, values in t.rows]) for t in tables]


def extract_pdfplumber(path: Path, page: int) -> list[Extracted]:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        rows = pdf.pages[page - 1].extract_tables(PDFPLUMBER_SETTINGS)
    return [t for t in (from_rows(table) for table in rows) if t is not None]


def extract_camelot(path: Path, page: int) -> list[Extracted]:
    import warnings

    import camelot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "No tables found in table area ..."
        found = camelot.read_pdf(str(path), pages=str(page), flavor="stream")
    return [t for t in (from_rows(table.df.values.tolist()) for table in found) if t is not None]


EXTRACTORS: dict[str, tuple[str | None, Callable[[Path, int], list[Extracted]]]] = {
    "ours": (None, extract_ours),
    "pdfplumber": ("pdfplumber", extract_pdfplumber),
    "camelot": ("camelot", extract_camelot),
}


def available(name: str) -> str | None:
    """None when the candidate can run, else why not (one line)."""
    module = EXTRACTORS[name][0]
    if module is None:
        return None
    try:
        __import__(module)
    except Exception as error:  # noqa: BLE001 - any import failure means: not measurable here
        return f"{name}: not installed ({type(error).__name__}: {error}); skipped"
    return None


# ---------------------------------------------------------------- running a candidate


@dataclass
class CandidateResult:
    name: str
    tables: list[TableResult]
    seconds: list[float]  # one per page extracted
    errors: list[str] = field(default_factory=list)

    @property
    def cells(self) -> int:
        return sum(len(t.cells) for t in self.tables)

    @property
    def right(self) -> int:
        return sum(t.right for t in self.tables)

    @property
    def tables_right(self) -> int:
        return sum(1 for t in self.tables if t.right == len(t.cells))


def run_candidate(name: str, gold: Sequence[GoldTable], data: Path) -> CandidateResult:
    extract = EXTRACTORS[name][1]
    pages: dict[tuple[str, int], list[Extracted]] = {}
    seconds: list[float] = []
    errors: list[str] = []
    if gold:  # imports and first-call set-up are not parse time: one untimed page first
        try:
            extract(data / gold[0].file, gold[0].page)
        except Exception:  # noqa: BLE001 - counted when the page is timed below
            pass
    for table in gold:
        key = (table.file, table.page)
        if key in pages:
            continue
        started = time.perf_counter()
        try:
            pages[key] = extract(data / table.file, table.page)
        except Exception as error:  # noqa: BLE001 - a candidate failing on a page scores nothing there
            pages[key] = []
            errors.append(f"{table.file} p{table.page}: {type(error).__name__}: {error}")
        seconds.append(time.perf_counter() - started)
    return CandidateResult(name, [score_table(pages[(t.file, t.page)], t) for t in gold], seconds, errors)


def summary_row(result: CandidateResult) -> dict:
    return {
        "candidate": result.name,
        "cells": f"{result.right}/{result.cells} ({100 * result.right / max(result.cells, 1):.1f}%)",
        "tables": f"{result.tables_right}/{len(result.tables)}",
        "median": statistics.median(result.seconds) if result.seconds else 0.0,
        "total": sum(result.seconds),
    }


def print_failures(result: CandidateResult) -> None:
    print(f"\n{result.name}: wrong cells")
    for table in result.tables:
        wrong = [c for c in table.cells if not c.right]
        if not wrong:
            continue
        print(f"  {table.gold.file} p{table.gold.page} {table.gold.caption!r}: {table.right}/{len(table.cells)}")
        for c in wrong:
            print(f"    {c.cell['row']!r} | {c.cell.get('column', '')!r} = {c.cell['value']!r}: {c.found}")
    for error in result.errors:
        print(f"  error: {error}")


def add_parser(sub) -> None:
    parser = sub.add_parser("tables", help="table extractors' cell accuracy and speed on hand-checked tables")
    parser.add_argument("--gold", type=Path, default=GOLD, help="gold tables, JSON lines (default %(default)s)")
    parser.add_argument("--candidates", default=",".join(CANDIDATES),
                        help=f"comma-separated, of {', '.join(CANDIDATES)} (default all)")
    parser.add_argument("--data", type=Path, default=None,
                        help="folder the gold's file paths are relative to (default ../shared/data)")
    parser.add_argument("--icdar", type=Path, metavar="DIR",
                        help="instead of --gold: the ICDAR 2013 Table Competition's ground truth (*-str.xml beside "
                             "each PDF) under DIR, every labelled figure cell (rag.bench.icdar)")
    parser.add_argument("--json", type=Path, help="also write every cell's result here")
    parser.add_argument("--verbose", "-v", action="store_true", help="list each candidate's wrong cells")
    parser.add_argument("--parse", nargs="+", type=Path, metavar="PATH",
                        help="instead: time the ingest's parse stage on these PDFs or folders with tables off and on "
                             "(alternating, --runs times each; median seconds and their ratio)")
    parser.add_argument("--runs", type=int, default=3, help="with --parse: runs of each (default 3)")
    parser.set_defaults(run=run)


def parse_compare(paths: Sequence[Path], runs: int) -> dict:
    """The parse stage (`rag.ingest.pipeline.parse_files`, all cores) with tables off and on, alternating."""
    from rag.ingest.pipeline import parse_files

    files = sorted(p for path in paths for p in ([path] if path.is_file() else path.rglob("*.pdf")))
    if not files:
        raise UserError(f"{', '.join(map(str, paths))}: no PDFs to parse")
    times: dict[bool, list[float]] = {False: [], True: []}
    tables = pages = 0
    for _ in range(max(runs, 1)):
        for on in (False, True):
            started = time.perf_counter()
            parsed = parse_files(files, None, os.cpu_count() or 1, progress=False, tables=on)
            times[on].append(time.perf_counter() - started)
            if on:
                pages = sum(len(result.pages) for result in parsed)
                tables = sum(len(page.tables) for result in parsed for page in result.pages)
    off, on = statistics.median(times[False]), statistics.median(times[True])
    return {"files": len(files), "pages": pages, "tables": tables, "off_s": off, "on_s": on, "ratio": on / off,
            "runs": runs, "load": load_average()}


def run(args: argparse.Namespace) -> int:
    if args.parse:
        result = parse_compare(args.parse, args.runs)
        print(f"Parse stage, tables off vs on: {result['files']} files, {result['pages']} pages, {result['tables']} "
              f"tables; median of {result['runs']} runs each: off {result['off_s']:.1f} s, on {result['on_s']:.1f} s, "
              f"ratio {result['ratio']:.2f} ({result['load']})")
        return 0
    names = [n.strip() for n in args.candidates.split(",") if n.strip()]
    unknown = [n for n in names if n not in EXTRACTORS]
    if unknown:
        raise UserError(f"--candidates: unknown {', '.join(unknown)} (known: {', '.join(CANDIDATES)})", exit_code=2)
    if args.icdar:
        icdar = load_icdar(args.icdar)
        data, gold = args.icdar, [GoldTable(*table) for table in icdar.tables]
        print(f"ICDAR 2013 ground truth: {icdar.skipped_regions} region(s) left out (continuations without headers, "
              "tables without figures)")
    else:
        data, gold = args.data or shared_data(), load_gold(args.gold)
    missing = sorted({t.file for t in gold if not (data / t.file).is_file()})
    if missing:
        raise UserError(f"{data}: {len(missing)} gold file(s) missing ({missing[0]}, ...); "
                        "pass --data with the shared data folder")
    print(f"{len(gold)} tables, {sum(len(t.cells) for t in gold)} cells, "
          f"{len({(t.file, t.page) for t in gold})} pages; before: {load_average()}")
    results = []
    for name in names:
        why = available(name)
        if why:
            print(why)
            continue
        results.append(run_candidate(name, gold, data))
    print(f"after: {load_average()}\n")
    print_table([summary_row(r) for r in results], [
        ("candidate", "candidate", ""), ("cells", "cells right", ""), ("tables", "tables fully right", ""),
        ("median", "median s/page", ".3f"), ("total", "total s", ".2f")])
    for result in results:
        if result.errors:
            print(f"{result.name}: {len(result.errors)} page(s) failed (see --verbose)")
    if args.verbose:
        for result in results:
            print_failures(result)
    if args.json:
        args.json.write_text(json.dumps([{
            "candidate": r.name, "seconds": r.seconds, "errors": r.errors,
            "tables": [{"file": t.gold.file, "page": t.gold.page, "caption": t.gold.caption,
                        "cells": [{**c.cell, "right": c.right, "found": c.found} for c in t.cells]}
                       for t in r.tables]} for r in results], indent=1, ensure_ascii=False), encoding="utf-8")
    return 0
