"""Tables whose cells are words, not figures: lists of records (a layoff register: dates, company, city, count,
kind) read as rows that cannot be misaligned.

`rag.ingest.tables` finds tables by their columns of right-aligned figures, which a register of names and dates
does not have; pypdf then writes such a page column by column, so no line holds one record. Here a run of lines
whose cells start at the same places (three columns or more, in most lines) is a grid: its columns are those
places (left edges, or right edges for right-aligned figures), its headers the line just above (each header cell
heads the column its middle stands over), and its label the first column of words (the company, not a date). A
grid at the top of a page with no header line takes the headers of the grid on the page before when its columns
stand at the same places (`rag.ingest.tables.continues`).

Each record is written `label: header: value; header: value; ...` ("Toyota Motor North America: Notice Date:
07/20/2015; ...; City: Torrance; No. Of: 3000; Layoff/Closure: Closure Permanent").

Hands on `Table`s, like `rag.ingest.tables.find_tables`, for the page's other tables.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence

from rag.ingest.table_rows import line_numbers
from rag.ingest.table_words import LEADER_RE, Cell, Line, Word, group_lines, is_figure
from rag.ingest.tables import Table, continues, take_headers

MIN_COLUMNS = 3
MIN_RECORDS = 3
SHARE_IN_LINE = 0.6  # of a column's lines that must have a cell there, for it to be a column
MAX_LONG_CELL_WORDS = 12  # no record's cell is longer (a company name may run to nine words)
_BULLET_RE = re.compile("[\u2022\uf0b7\u25aa\u25cf]")
MAX_CELL_WORDS = 3  # the median words of a record's cell; prose in columns has more
RUN_GAP = 1.5  # line heights between two lines that part two grids
MAX_ASTRAY = 0.2  # share of lines that may have a cell off every column
ALIGN = 4.0  # points within which cells' edges stand at the same place
_DATE_RE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$")


def find_grids(words: Sequence[Word], page: int = 0, taken: Sequence[tuple[float, float, float, float]] = ()
               ) -> list[Table]:
    """The word tables among a page's words, outside the boxes `taken` by its tables of figures."""
    lines = _fold_wrapped([line for line in group_lines(words) if not any(_inside(line, box) for box in taken)])
    grids = []
    for start, end in _runs(lines):
        grid = _grid(lines, start, end, grids[-1] if grids else None)
        if grid is not None:
            grid.page = page
            if grids and continues(grid, grids[-1]):  # the same register after a wrapped line or a gap
                take_headers(grid, grids[-1])
            grids.append(grid)
    return grids


WRAP_REACH = 3  # lines above and below a wrapped cell's piece where its record's line may be
TIE = 1.5  # points within which two lines are as near to a wrapped piece
START_REACH = 10  # lines above and below a wrapped piece whose cells tell where the columns start
_CJK_END_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]$")
_BROKEN_NAME_RE = re.compile(r"[a-z0-9]-$")  # a package or file name broken after its hyphen
_CJK_START_RE = re.compile(r"^[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


def _fold_wrapped(lines: list[Line]) -> list[Line]:
    """Lines holding only the wrapped pieces of some records' cells, put back into their records' lines: a manual's
    package table whose description runs over two lines, centred on its row ("アクセント付き文字をアクセントの無しの等価文"
    above the row of `unaccent`, "字に置換" on it). A piece is a line of fewer than MIN_COLUMNS cells, none at the
    left edge of the full lines (MIN_COLUMNS cells or more) within WRAP_REACH lines of it, each starting where some
    of their cells start, of words (no figure) and short; it joins the nearest of them, in reading order within
    its cell, unless that cell would grow longer than MAX_LONG_CELL_WORDS (prose beside a table stays a line)."""
    full = [i for i, line in enumerate(lines) if len(line.cells) >= MIN_COLUMNS]
    pieces: dict[int, list[Line]] = {}
    kept = []
    for i, line in enumerate(lines):
        near = [j for j in full if abs(j - i) <= WRAP_REACH and j != i]
        # where cells start: on the full lines near, and for a piece inside a table (full lines above and below)
        # on those a little farther off too: a column whose cells near it are all wrapped (a type "單純的 X 應" /
        # "用" on both sides of two records) still starts there; a title over a table is no piece of it
        inside = any(j < i for j in near) and any(j > i for j in near)
        starts = [cell.x0 for j in full if abs(j - i) <= (START_REACH if inside else WRAP_REACH)
                  for cell in lines[j].cells[1:]]
        home = _home(line, [lines[j] for j in near], starts) if near and len(line.cells) < MIN_COLUMNS else None
        if home is None:
            kept.append(line)
            continue
        fitting = [cell for cell in line.cells if _fits(cell, home)]
        rest = [cell for cell in line.cells if not _fits(cell, home)]
        if fitting:
            pieces.setdefault(id(home), []).append(Line([w for c in fitting for w in c.words], fitting))
        if rest:  # prose beside the table stays a line of its own: no word is lost
            kept.append(Line([w for c in rest for w in c.words], rest))
    for line in kept:
        for piece in pieces.get(id(line), []):
            _join_piece(line, piece)
    return kept


def _home(line: Line, full: list[Line], starts: list[float]) -> Line | None:
    """The full line whose record `line` is a wrapped piece of (or, for a lone label, the record it labels), or None.
    `starts`: where cells start on the full lines around it."""
    left = min(other.cells[0].x0 for other in full)
    middle = (line.top + line.bottom) / 2
    if len(line.cells) == 1 and abs(line.cells[0].x0 - left) <= ALIGN and not _datum(line.cells[0].text):
        return _unlabelled_beside(line, full, left)
    if any(abs(cell.x0 - left) <= ALIGN or not any(abs(cell.x0 - x) <= ALIGN for x in starts) or _datum(cell.text)
           or len(cell.text.split()) > MAX_LONG_CELL_WORDS for cell in line.cells):
        return None  # a row's label, a figure (a chart's), or a line of prose beside the table
    distance = {id(other): abs((other.top + other.bottom) / 2 - middle) for other in full}
    best = min(distance.values())
    # between a line above and one below about as near, the piece goes on the cell above: a header wrapped onto a
    # third line ("軟體" / "包大" / "小") ends under the header line, not on the first record
    nearest = min((other for other in full if distance[id(other)] <= best + TIE), key=lambda other: other.top)
    if distance[id(nearest)] > 2 * nearest.height:
        return None
    return nearest


def _unlabelled_beside(line: Line, full: list[Line], left: float) -> Line | None:
    """The record without a label whose line `line`, a lone label, overlaps: a long package name set a little above
    its row's other cells ("libvirt-clients" over "V:43, I:62 1311 libvirt 的库程序")."""
    middle = (line.top + line.bottom) / 2
    nearest = min(full, key=lambda other: abs((other.top + other.bottom) / 2 - middle))
    overlaps = nearest.top < line.bottom and line.top < nearest.bottom
    return nearest if overlaps and nearest.cells[0].x0 > left + ALIGN else None


def _fits(cell: Cell, line: Line) -> bool:
    """Whether a piece's cell joins its cell of `line` without growing longer than MAX_LONG_CELL_WORDS (longer: prose
    beside the table, left where it is)."""
    return all(len(own.text.split()) + len(cell.text.split()) <= MAX_LONG_CELL_WORDS
               for own in line.cells if abs(own.x0 - cell.x0) <= ALIGN)


def _join_piece(line: Line, piece: Line) -> None:
    """Each cell of `piece` into the cell of `line` starting where it starts (or as a new cell), above or below."""
    for cell in piece.cells:
        own = next((c for c in line.cells if abs(c.x0 - cell.x0) <= ALIGN), None)
        if own is None:
            line.cells.append(cell)
            line.cells.sort(key=lambda c: c.x0)
        else:
            above = min(w.top for w in cell.words) < min(w.top for w in own.words)
            first, second = (cell, own) if above else (own, cell)
            joiner = "" if _runs_on(first.text, second.text) else " "
            own.text = f"{first.text}{joiner}{second.text}"
            own.x0, own.x1, own.words = min(own.x0, cell.x0), max(own.x1, cell.x1), first.words + second.words
    line.words = sorted(line.words + piece.words, key=lambda w: w.x0)


def _runs_on(first: str, second: str) -> bool:
    """Whether a cell's second line goes on without a space: Chinese or Japanese text, or a name broken after its
    hyphen ("fonts-sil-" / "gentiumplus")."""
    return bool(_CJK_END_RE.search(first) and _CJK_START_RE.search(second)
                or _BROKEN_NAME_RE.search(first) and second[:1].isalnum())


def _inside(line: Line, box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    return top - 1 <= (line.top + line.bottom) / 2 <= bottom + 1


def _runs(lines: list[Line]) -> list[tuple[int, int]]:
    """Runs of MIN_RECORDS lines or more, each of MIN_COLUMNS cells or more, close one below the other."""
    runs, start = [], None
    for i, line in enumerate(lines + [None]):
        fits = line is not None and len(line.cells) >= MIN_COLUMNS and (
            start is None or line.top - lines[i - 1].bottom <= RUN_GAP * line.height)
        if fits and start is None:
            start = i
        elif not fits and start is not None:
            if i - start >= MIN_RECORDS:
                runs.append((start, i))
            start = i if line is not None and len(line.cells) >= MIN_COLUMNS else None
    return runs


def _anchors(lines: Sequence[Line]) -> list[tuple[str, float]]:
    """The columns: ("left", x) where cells start in most lines, and ("right", x) where the figures that start
    nowhere in common end in most lines (right-aligned counts)."""
    needed = SHARE_IN_LINE * len(lines)
    left = [("left", x) for x in _clusters([cell.x0 for line in lines for cell in line.cells], needed)]
    loose = [cell.x1 for line in lines for cell in line.cells
             if is_figure(cell.text) and _column_of(cell, left) is None]
    right = [("right", x) for x in _clusters(loose, needed)]
    return sorted(left + right, key=lambda anchor: anchor[1])


def _clusters(edges: list[float], needed: float) -> list[float]:
    """Edges within ALIGN of each other, as the first of them, where at least `needed` stand."""
    groups: list[list[float]] = []
    for x in sorted(edges):
        if groups and x - groups[-1][0] <= ALIGN:
            groups[-1].append(x)
        else:
            groups.append([x])
    return [group[0] for group in groups if len(group) >= needed]


def _column_of(cell: Cell, anchors: Sequence[tuple[str, float]]) -> int | None:
    for index, (side, x) in enumerate(anchors):
        if side == "left" and abs(cell.x0 - x) <= ALIGN or side == "right" and abs(cell.x1 - x) <= ALIGN:
            return index
    return None


def _grid(lines: list[Line], start: int, end: int, before: Table | None = None) -> Table | None:
    """The grid of lines [start, end), or None. `before`: the grid above on the page, which a grid of words only
    whose columns stand where its columns stand goes on (its first line is a record, not headers)."""
    body = lines[start:end]
    first = next((i for i, line in enumerate(body) if any(_datum(c.text) for c in line.cells)), None)
    if first is None:  # words only (sponsors and their products): the first line heads the columns
        edges = [x for _, x in _anchors(body)]
        goes_on = before is not None and len(edges) == len(before.edges) and all(
            abs(x - edge) <= 8 for x, edge in zip(edges, before.edges))
        first = 0 if goes_on else 1
    header_line = body[first - 1] if first else None  # the line above the first record (lines above it: a note)
    body = body[max(first - 1, 0):]
    records = body[1:] if header_line is not None else body
    anchors = _anchors(records)
    if len(anchors) < MIN_COLUMNS or len(records) < MIN_RECORDS:
        return None
    texts = [cell.text for line in records for cell in line.cells]
    if statistics.median(len(text.split()) for text in texts) > MAX_CELL_WORDS or any(
            len(text.split()) > MAX_LONG_CELL_WORDS or _BULLET_RE.search(text) for text in texts):
        return None  # prose set in columns (a three-column register page) or bulleted lists, not records
    rows: list[list[str]] = []
    placed: list[list[Cell | None]] = []
    astray = 0  # lines with a cell off every column (a long name run into the next column's place)
    for line in records:
        values = [""] * len(anchors)
        cells: list[Cell | None] = [None] * len(anchors)
        off = False
        for cell in line.cells:
            index = _column_of(cell, anchors)
            if index is None:
                off = True
                index = max((i for i, (_, x) in enumerate(anchors) if x <= cell.x0 + ALIGN), default=0)
            values[index] = LEADER_RE.sub(" ", f"{values[index]} {cell.text}").strip()  # "Chivas . . . . ."
            cells[index] = cell
        astray += off
        rows.append(values)
        placed.append(cells)
    if astray > MAX_ASTRAY * len(records):
        return None  # not a grid: prose in columns, a form
    if not any(sum(1 for row in rows if _datum(row[i])) >= SHARE_IN_LINE * len(rows) for i in range(len(anchors))) \
            or line_numbers([("", row) for row in rows]):
        return None  # records have a column of dates or counts (not a form's line numbers); words in columns are
        # no register
    headers = _headers(header_line, placed) if header_line is not None else [""] * len(anchors)
    label = _label_column(rows)
    table_rows = [(row[label], [value for i, value in enumerate(row) if i != label]) for row in rows]
    region = [w for line in body for w in line.words]
    return Table(headers=[head for i, head in enumerate(headers) if i != label], rows=table_rows,
                 chars=[w.chars for w in region],
                 box=(min(w.x0 for w in region), min(w.top for w in region), max(w.x1 for w in region),
                      max(w.bottom for w in region)),
                 edges=[round(x, 1) for _, x in anchors])


def _headers(line: Line, rows_cells: list[list[Cell | None]]) -> list[str]:
    """Each column's header: the header cells whose middle stands over the column's cells, else nearest them."""
    extents = []
    for index in range(len(rows_cells[0])):
        cells = [row[index] for row in rows_cells if row[index] is not None]
        extents.append((min(c.x0 for c in cells), max(c.x1 for c in cells)) if cells else (0.0, 0.0))
    heads = [""] * len(extents)
    for cell in line.cells:
        middle = (cell.x0 + cell.x1) / 2
        index = min(range(len(extents)), key=lambda i: max(extents[i][0] - middle, middle - extents[i][1], 0.0))
        heads[index] = f"{heads[index]} {cell.text}".strip()
    return heads


def _datum(text: str) -> bool:
    return is_figure(text) or bool(_DATE_RE.match(text))


def _label_column(rows: list[list[str]]) -> int:
    """The first column of words in most rows (a name, not a date or a count), else the first column."""
    for index in range(len(rows[0])):
        words = sum(1 for row in rows if row[index] and not _datum(row[index]))
        if words >= SHARE_IN_LINE * len(rows):
            return index
    return 0
