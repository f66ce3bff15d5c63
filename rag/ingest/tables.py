"""Find the tables on a page from its words' positions and write each row so it cannot be misread.

A PDF keeps no table structure: pypdf flattens a row of a financial statement to "Broadcasting revenue 214,847
254,815 140,203" with the column headers ("2022 2021 2020", "(£'000)") lines away. Here the page's words come with
their boxes (pypdfium2's character boxes for a text layer, Tesseract's word boxes for OCR), are grouped into
lines and cells by the gaps between them, and a run of lines whose figures line up in columns is a table: its
columns are found by clustering the right edges of the figures (figures are right-aligned), its headers are the
lines above the first row of figures, joined per column (multi-level headers are joined top to bottom), its unit
("(£'000)", "in millions") and caption (the nearest heading above) are kept with it.

Each row is then written as `label (unit): header: value; header: value; ...`, so the reader, the keyword index
and the embedder see each figure beside its row and column. Borderless tables are the common case and the one
handled; ruled tables are found the same way (their lines are not needed).

Hands on `Table`s (caption, unit, headers, rows, the words' character indices) to `rag.ingest.pdf`, which puts
the labelled rows in place of the table's text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rag.ingest.cleaning import LEADERS_RE
from rag.ingest.table_headers import (caption_and_unit, column_headers, common_suffix, header_lines_above, is_year_row,
                                     where_labels_end)
from rag.ingest.table_rows import (MARKERS_RE, MIN_ROWS, PARENT_MARK, axis_ticks, clean_value, label_continues,
                                   label_goes_on, label_totals, labels_in_first_column, left_of_labels, line_numbers,
                                   parent_labels, spanned_groups)
from rag.ingest.table_units import is_unit, row_unit, scale_of, with_scale
from rag.ingest.table_words import (Line, Word, column_of, group_lines, is_figure, is_row, is_year, line_cells,
                                    value_columns)
from rag.text import has_cjk

SHORT_TABLE_YEARS = 3  # a row of this many years heads a table of one or two rows
WIDE_ROW_FIGURES = 4  # two rows of this many figures each are a table (this period and the last)

_EXCEPT_PER_RE = re.compile(r"\bexcept\b[^)]*\bper\b", re.IGNORECASE)
# "% of those", also "% ofthose"; "(Percent of net sales)"
_PERCENT_OF_RE = re.compile(r"(?:^|[,;:(]\s*|\s)(?:%|percent(?:age)?)\s?of", re.IGNORECASE)
# a column of percentages, or of amounts per something: its values take no "in thousands"
_OWN_HEAD_RE = re.compile(r"%|\bper\s?cent(?:age)?\b|\bpct\b|\bper\s+(?!cent)[a-z]|\bprices?\b"
                          r"|\b(?:average|grant[- ]date)\b.*\bfair\b"  # a unit's fair value, not a holding's
                          r"|\bcontractual\s+(?:term|life)\b", re.IGNORECASE)
_MONEY_RE = re.compile(r"[$£€¥]|\b(?:usd|eur|gbp|dollars?|euros?|ecu)\b", re.IGNORECASE)
_PERCENT_UNIT_RE = re.compile(r"(?:in\s+)?(?:%|per\s?cent)", re.IGNORECASE)
_COUNT_HEAD_RE = re.compile(r"\b(?:number|count|n)\b", re.IGNORECASE)
_PLAIN_NUMBER_RE = re.compile(r"^(\(?-?\d+(?:\.\d+)?\)?)(?=$|\s\()")  # "53", "(0.3)", "65 (bcd)": no unit
# A Chinese/Japanese column or row with a unit of its own: "従業員数（名）", "持股比例（%）", "基本每股收益（元/股）", a
# rate ("増減率", "经常收支比率": a table "単位：百万円、％" scales its amounts, not its rates)
_CJK_OWN_UNIT_RE = re.compile(r"[（(]\s*(?:名|人|户|戸|股|株|件|家|个|個|%|％|倍|元/股|円/株|[^()（）]*比例)\s*[）)]|比例|比率"
                              r"|(?<=[\u3040-\u30ff\u4e00-\u9fff])率")
_PER_SHARE = r"\bper (?:common |ordinary )?share\b"
_OWN_UNIT_RE = re.compile(r"\((?:[^()]*\b(?:thousands|millions|billions|pence|cents|per share|%|percent|number)\b[^()]*)\)"
                          rf"|{_PER_SHARE}|\bratio\b|(?<![\d.]\s)(?<![\d.])%",  # not "1.200% Notes due 2027"
                          re.IGNORECASE)
_PER_SHARE_RE = re.compile(_PER_SHARE, re.IGNORECASE)
_SCALE = r"\((?:[$£€¥]\s?)?{}(?:thousands|millions|billions)\)"
_LABEL_SCALE_RE = re.compile(_SCALE.format(r"(?:in\s+)?"), re.IGNORECASE)  # a row's own scale: "Net sales (millions)"
_HEAD_SCALE_RE = re.compile(_SCALE.format(r"in\s+"), re.IGNORECASE)  # a column's: "Number of Shares (in thousands)"
_TITLE_RE = re.compile(r"\b(?:statements?|balance sheets?|consolidated|schedule|summary)\b", re.IGNORECASE)


@dataclass
class Table:
    headers: list[str]  # one per value column ("2022", "Year ended 30 June 2022"), "" when none was found
    rows: list[tuple[str, list[str]]]  # (row label, one value per column, "" for an empty cell)
    caption: str = ""
    unit: str = ""
    page: int = 0
    chars: list[tuple[int, int]] = field(default_factory=list)  # the character ranges of the table's words
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # x0, top, x1, bottom of the table on the page
    continued: bool = False  # its headers were taken from the table above it (one running over two pages)
    qualifier: str = ""  # header text over every column ("Year ended 30 June"): in the table's header line
    edges: list[float] = field(default_factory=list)  # the value columns' right edges, to match a continuation
    parents: dict[int, str] = field(default_factory=dict)  # by row index, the labels of the rows it is indented
    # under ("With a disability" over "Employed"), outermost first, joined by PARENT_MARK

    def row_texts(self) -> list[str]:
        """Each row as `label (unit): header: value; ...`; a row with no figures (a section title) as its label."""
        out = []
        section = ""  # the title of the rows under way: "Earnings per common share:" over "Diluted"
        for index, (label, values) in enumerate(self.rows):
            pairs = [(head, value) for head, value in zip(self.headers, values) if value]
            if not pairs:
                out.append(label)
                section = label
                continue
            name = label or "(no label)"
            if index in self.parents:
                name = f"{self.parents[index]}{PARENT_MARK}{name}"
            own = bool(_OWN_UNIT_RE.search(label) or _CJK_OWN_UNIT_RE.search(label)
                       or _PER_SHARE_RE.search(section)
                       or re.search(r"\bper\b", label, re.IGNORECASE) and _EXCEPT_PER_RE.search(self.unit))
            # "(in thousands, except revenue per membership data)": "Average revenue per paying membership: $8.50"
            scale = None if own else scale_of(self.unit)
            if (label_scale := _LABEL_SCALE_RE.search(label)) is not None:  # "Net sales (millions)": the row's own
                own, scale = False, scale_of(label_scale.group())  # scale ("$2,453 million")
            if scale is not None:  # each value carries the table's unit: "£214,847 thousand", never a bare 214,847
                pairs = [(head, value if own_column(head, self.unit) else with_scale(value, *scale))
                         for head, value in pairs]
            elif not own and any(_HEAD_SCALE_RE.search(head) for head, _ in pairs):  # "Number of Shares (in
                pairs = [(head, with_scale(value, *scale_of(head)) if _HEAD_SCALE_RE.search(head) else value)
                         for head, value in pairs]  # thousands)": "(2,852 thousand)"
            elif not own and self.in_percent():  # "% of those 65 and older ...": 53 is 53%
                pairs = [(head, value if _COUNT_HEAD_RE.search(head) else _PLAIN_NUMBER_RE.sub(r"\1%", value))
                         for head, value in pairs]  # a "Number" column of a table "(in %)" counts
            unit = f" ({row_unit(self.unit)})" if self.unit and not own and scale is None and not (
                _PERCENT_UNIT_RE.fullmatch(self.unit.strip())) else ""  # "59%" needs no "(%)" beside it
            cells = "; ".join(f"{head}: {value}" if head else value for head, value in pairs)
            out.append(f"{name}{unit}: {cells}")
        return out

    def in_percent(self) -> bool:
        """Whether the caption or unit says the values are percentages ("Broadband adoption, % of those 65 and
        older", "(in %)")."""
        return bool(_PERCENT_OF_RE.search(" ".join([self.caption, self.qualifier, self.unit]))
                    or _PERCENT_UNIT_RE.fullmatch(self.unit.strip()))

    def header_text(self) -> str:
        """The line that opens the table and every chunk of it: caption, unit and column headers."""
        parts = [f"Table: {self.caption}" if self.caption else "Table"]
        if self.continued:
            parts.append("(continued)")
        if self.qualifier or self.unit:
            parts.append("(" + ", ".join(part for part in (self.qualifier, self.unit) if part) + ")")
        heads = [h for h in self.headers if h]
        if heads:
            parts.append("columns: " + " | ".join(heads))
        return " ".join(parts)

    def text(self) -> str:
        return "\n".join([self.header_text(), *self.row_texts()])

    def to_dict(self) -> dict:
        return {"caption": self.caption, "unit": ", ".join(p for p in (self.qualifier, self.unit) if p),
                "headers": list(self.headers), "page": self.page,
                "rows": [[label, *values] for label, values in self.rows]}


def own_column(head: str, unit: str) -> bool:
    """Whether a column's values keep their own unit, not the table's scale: percentages ("Percent: 18.7"), amounts
    per something ("Current expenditure per pupil: 9,145"), a share's price, average or grant-date fair value or term
    beside share counts
    in thousands ("Weighted Average Exercise Price: $51.06"), and what the unit excepts ("In thousands, except
    weighted average exercise price")."""
    if _CJK_OWN_UNIT_RE.search(head) or _OWN_HEAD_RE.search(head):
        return True
    excepted = re.search(r"\b(?:except|unless|other than)([^)|]*)", unit, re.IGNORECASE)  # to the unit's end
    named = {word for word in re.findall(r"[a-z]{4,}", excepted.group(1).lower())} - {"data", "amounts", "otherwise"} \
        if excepted else set()
    return len(named & set(re.findall(r"[a-z]{4,}", head.lower()))) >= 2


def find_tables(words: Sequence[Word], page: int = 0) -> list[Table]:
    """The tables among a page's words (see the module docstring)."""
    lines = group_lines(words)
    tables: list[Table] = []
    for region in _table_regions(lines):
        for part, start, end in _side_by_side(lines, *region):
            table = _build_table(part, start, end)
            if table is not None:
                table.page = page
                if tables and continues(table, tables[-1]):
                    take_headers(table, tables[-1])
                elif tables and under_headers(table, tables[-1]):
                    take_column_headers(table, tables[-1])
                elif tables and _same_kind(table, tables[-1]):
                    table.unit = tables[-1].unit
                tables.append(table)
    return tables


SIDE_BY_SIDE_ROWS = 0.6  # share of a region's rows with a label after figures, and figures after it, to split it


def _side_by_side(lines: list[Line], start: int, end: int) -> list[tuple[list[Line], int, int]]:
    """The region as one table, or as several standing side by side ("Spain 268 | Spain 153 | Germany 91"): where
    most rows have a label after their figures and figures after that label, the page's lines are cut there
    into parts, each (its lines, the region's start and end in them)."""
    rows = [line for line in lines[start:end] if line.figures()]
    starts: list[tuple[float, str]] = []  # where a label after figures starts, and the figure before it
    for line in rows:
        before = ""
        for i, cell in enumerate(line.cells):
            if cell.figure:
                before = cell.text
            elif before and any(c.figure for c in line.cells[i + 1:]):
                starts.append((cell.x0, before))
                before = ""
    cuts: list[float] = []
    for x, _ in sorted(starts):
        near = [(other, figure) for other, figure in starts if abs(other - x) <= 15]
        if len(near) >= SIDE_BY_SIDE_ROWS * len(rows) and not any(abs(x - cut) <= 15 for cut in cuts) and \
                not _numbered([figure for _, figure in near]):
            cuts.append(min(other for other, _ in near) - 2)
    if not cuts:
        return [(lines, start, end)]
    bounds = [float("-inf")] + cuts + [float("inf")]
    parts = []
    for left, right in zip(bounds, bounds[1:]):
        kept: list[tuple[int, Line]] = []
        for index, line in enumerate(lines):
            words = [w for w in line.words if left <= w.x0 < right]
            if words:
                part = Line(words)
                part.cells = line_cells(part)
                kept.append((index, part))
        inside = [i for i, (index, _) in enumerate(kept) if start <= index < end]
        if not inside:
            continue
        part_lines = [line for _, line in kept]  # the part's own rows: a row cut short by what stood beside it
        parts += [(part_lines, a, b) for a, b in _table_regions(part_lines)  # ("Spain 268 ... Unspecified") is one
                  if a <= inside[-1] and b > inside[0]]
    return parts


def _marked_headers(line: Line) -> bool:
    """A line of headers whose only figures are footnote marks: "Segment | Footage (1) | (1)"."""
    figures = line.figures()
    return bool(figures) and len(figures) < len(line.cells) and all(
        re.fullmatch(r"\(\d{1,2}\)|\*{1,3}", cell.text.strip()) for cell in figures)


def _same_kind(table: Table, before: Table) -> bool:
    """Whether a table with no unit of its own repeats the one above it for another period (a quarterly table's
    second year under its own heading): the same number of columns, and most of its row labels the same."""
    labels = {label for label, values in table.rows if values}
    above = {label for label, values in before.rows if values}
    return (not table.unit and bool(before.unit) and len(table.headers) == len(before.headers)
            and len(labels & above) >= max(2, 0.6 * len(labels)))


def continues(table: Table, before: Table) -> bool:
    """Whether `table`, with no headers of its own, is the rest of `before` (same value columns)."""
    return (not any(table.headers) and any(before.headers) and len(table.edges) == len(before.edges)
            and all(abs(a - b) <= 8 for a, b in zip(table.edges, before.edges)))


def under_headers(table: Table, before: Table) -> bool:
    """Whether `table`, with no headers of its own, stands under some of `before`'s value columns: a page's years
    ("2022 2021 2020") printed once over tables of two of them ("Inventories", "Accounts payable ...")."""
    return (not any(table.headers) and any(before.headers) and len(table.edges) < len(before.edges)
            and all(any(abs(edge - other) <= 8 for other in before.edges) for edge in table.edges))


def take_column_headers(table: Table, before: Table) -> None:
    """The headers of the columns of `before` that `table`'s stand under, and its unit when `table` states none."""
    table.headers = [before.headers[min(range(len(before.edges)), key=lambda i: abs(before.edges[i] - edge))]
                     for edge in table.edges]
    table.unit = table.unit or before.unit


def take_headers(table: Table, before: Table) -> None:
    table.headers, table.caption, table.unit = list(before.headers), before.caption, before.unit
    table.qualifier = before.qualifier
    table.continued = True


def _is_prose(line: Line, width: float) -> bool:
    words = sum(len(cell.text.split()) for cell in line.cells)
    return len(line.cells) <= 2 and words >= 10 and (line.words[-1].x1 - line.words[0].x0) > 0.6 * width


MAX_ITEM_CHARS = 30


def _empty_item(line: Line, rows: Sequence[Line]) -> bool:
    """A Chinese or Japanese line item with no figures, in the rows' label column (ending before their figures), or
    a line of a long item's label: statements in those languages list every standard item, most of them empty, so
    runs of them do not end the table."""
    if len(line.cells) != 1 or not has_cjk(line.text) or len(line.text) > MAX_ITEM_CHARS:
        return False
    figures = _figures_start(rows)
    return figures is not None and line.words[-1].x1 < figures


def _cjk_heading(line: Line, rows: Sequence[Line]) -> bool:
    """A Chinese or Japanese line of words reaching over the rows' figures: a unit or column headers, which begin
    another table rather than going on with this one."""
    if not has_cjk(line.text) or line.figures():
        return False
    figures = _figures_start(rows)
    return figures is not None and any(cell.x0 >= figures - 20 for cell in line.cells)


def _figures_start(rows: Sequence[Line]) -> float | None:
    """Where the rows' figures begin (a page number, a lone figure without a label, is no row's)."""
    starts = [cell.x0 for row in rows if row.label() or len(row.figures()) > 1 for cell in row.figures()]
    return min(starts) if starts else None


def _items_above(lines: list[Line], start: int, last_row: int) -> int:
    """Where a region begins once the empty line items just above its first row are taken in (the top of a Chinese
    statement continued from the page before: "在建工程 / 工程物资 / ..." before its first figures)."""
    while start > 0 and _empty_item(lines[start - 1], lines[start:last_row + 1]) and \
            lines[start].top - lines[start - 1].bottom <= 4 * lines[start].height:
        start -= 1
    return start


def _table_regions(lines: list[Line]) -> list[tuple[int, int]]:
    """Runs of lines [start, end) holding at least MIN_ROWS rows of figures, broken by prose or wide gaps."""
    if not lines:
        return []
    width = max(w.x1 for line in lines for w in line.words) - min(w.x0 for line in lines for w in line.words)
    regions = []
    start = None
    rows = 0
    last_row = None
    last_item = None  # the last row, or the last empty line item after it (a Chinese statement's "应收保费")
    for i, line in enumerate(lines):
        row = is_row(line)
        if start is not None and not row and _empty_item(line, lines[start:last_row + 1]):
            last_item = i
            continue
        if start is not None and not row and _cjk_heading(line, lines[start:last_row + 1]):
            if _enough(lines[start:last_row + 1], rows):  # the next statement's "单位：元" or "项目 本期发生额 上期发生额"
                regions.append((_items_above(lines, start, last_row), last_row + 1))
            start, rows, last_row = None, 0, None
            continue
        gap_break = last_row is not None and line.top - lines[max(last_row, last_item or 0)].bottom > 4 * line.height
        # a row of years below rows of figures heads a new table (a five-year summary's "As of 30 June" part),
        # whose columns may sit elsewhere
        new_header = row and start is not None and rows >= MIN_ROWS and is_year_row(line) and not is_year_row(
            lines[last_row])
        if new_header:
            regions.append((_items_above(lines, start, last_row), last_row + 1))
            start, rows, last_row, gap_break = None, 0, None, False
        if row and not gap_break:
            if start is None:
                start, rows = i, 0
            rows += 1
            last_row = last_item = i
            continue
        if start is not None and (gap_break or _is_prose(line, width) or i - max(last_row, last_item or 0) > 3):
            if _enough(lines[start:last_row + 1], rows):
                regions.append((_items_above(lines, start, last_row), last_row + 1))
            start, rows, last_row = None, 0, None
            if row:
                start, rows, last_row = i, 1, i
    if start is not None and _enough(lines[start:last_row + 1], rows):
        regions.append((_items_above(lines, start, last_row), last_row + 1))
    return regions


def _enough(region: list[Line], rows: int) -> bool:
    """Whether a run of lines with `rows` rows of figures is a table: MIN_ROWS rows, or fewer under a row of years
    that heads their figures (a 10-K's "2023 2024 2025 2026 2027" over "Estimated amortization expense $234 $219
    ...", one row)."""
    return rows >= MIN_ROWS or _year_headed(region) or _wide_pair(region)


def _wide_pair(region: Sequence[Line]) -> bool:
    """Two rows of at least WIDE_ROW_FIGURES figures each, as many in both, below a label: a results summary of
    this period and the last (決算短信: "2025年3月期 84,362 6.8 5,127 12.4 5,398 10.9 3,482 15.3" over the year
    before's)."""
    body = [line for line in region if line.figures()]
    counts = {len(line.figures()) for line in body}
    return len(body) == MIN_ROWS - 1 and len(counts) == 1 and min(counts) >= WIDE_ROW_FIGURES \
        and all(line.cells and not line.cells[0].figure for line in body)


def _clean_pair(headers: Sequence[str], rows: Sequence[tuple[str, list[str]]]) -> bool:
    """Whether a table of fewer than MIN_ROWS rows read cleanly: a header over every column, with no figure in a
    header or a label ("Cost of sales $63,106 $59,269 ..." is a flattened table, "$— (60)" a figure taken for a
    header). Two rows cannot outvote a misread the way a longer table's rows do."""
    texts = [*headers, *(label for label, _ in rows)]
    return all(headers) and not any(is_figure(word) and not is_year(word) and not _FOOTNOTE_RE.match(word)
                                          for text in texts for word in text.split())


_FOOTNOTE_RE = re.compile(r"^\(\w{1,2}\)$")  # "(1)", "(a)": a footnote's mark, not a figure


def _year_headed(region: Sequence[Line]) -> bool:
    """A row of at least SHORT_TABLE_YEARS years with one or two rows under it, each with a figure below every
    year."""
    if not region or not is_year_row(region[0]):
        return False
    years = region[0].figures()
    body = [line for line in region[1:] if line.figures()]
    return (len(years) >= SHORT_TABLE_YEARS and 1 <= len(body) < MIN_ROWS
            and all(len(line.figures()) >= len(years) and not is_year_row(line) for line in body))


def _build_table(lines: list[Line], start: int, end: int) -> Table | None:
    body = lines[start:end]
    columns = value_columns(body)
    if not columns:
        return None
    # leading rows of years ("2022 2021 2020", "(£'000) 2022 2021") or of headers with footnote marks ("Segment
    # Footage (1) (1)") are the header, not data
    header_lines: list[Line] = []
    first = 0
    while first < len(body) and (is_year_row(body[first]) or header_lines and not body[first].figures()
                                 or _marked_headers(body[first])):
        header_lines.append(body[first])
        first += 1
    body_rows = body[first:]
    pair_only = sum(1 for line in body_rows if line.figures()) < MIN_ROWS and not _year_headed(body)
    if pair_only and not _wide_pair(body_rows):
        return None
    groups: dict[int, str] = {}  # a line's group label printed once beside another line of its group
    left_labels = left_of_labels(body_rows, columns)
    if left_labels:
        groups = spanned_groups(body_rows, columns[0])
        columns = columns[1:]
    elif labels_in_first_column(body_rows, columns):
        columns = columns[1:]
    labels_end = where_labels_end(body_rows, columns)
    above = header_lines_above(lines, start, columns)
    header_lines = above + header_lines
    headers, spanning = column_headers(header_lines, columns, labels_end)
    headers, header_unit = common_suffix(headers)
    label_right = min(col.x0 for col in columns)
    # header lines with nothing over the value columns are section titles ("ASSETS") above the first row
    rows: list[tuple[str, list[str]]] = [(line.text, []) for line in header_lines
                                         if line.cells and all(cell.x1 <= label_right - 15 for cell in line.cells)
                                         and not is_unit(line.text)]
    pending_label, pending_start = "", None
    # the right edge of the label column: a Chinese or Japanese label reaching it was wrapped onto the next line
    labels_right = max((cell.x1 for line in body_rows for cell in line.cells if not cell.figure
                        and cell.x1 <= label_right), default=0.0)
    last_label_end = 0.0
    starts: dict[int, tuple[float, float]] = {}  # where each row's label starts and ends, by the row's index
    chars: list[tuple[int, int]] = [w.chars for line in body + above for w in line.words]
    previous: Line | None = None
    for number, line in enumerate(body_rows):
        after, previous = previous, line
        values = [""] * len(columns)
        label_parts = [groups[number]] if number in groups else []
        label_start: float | None = None
        label_end = 0.0
        for cell in line.cells:
            index = column_of(cell, columns) if cell.figure and cell.x1 > label_right or cell.x0 > label_right \
                else None
            if index is None:
                label_parts.append(cell.text)
                label_start = cell.x0 if label_start is None else label_start
                label_end = cell.x1
            else:
                values[index] = f"{values[index]} {cell.text}".strip()
        label = " ".join(label_parts)
        if any(values) and all(not value or MARKERS_RE.fullmatch(value.strip()) for value in values):
            label, values = f"{label.rstrip(' :')} {' '.join(v for v in values if v)}", [""] * len(columns)  # "Generic
            # dispensing rate (6)(7)": footnote marks over the columns make no row of values but a title
        if not any(values):
            # a label on its own line: the rest of the row above's label, a section title, or the first line of
            # a label wrapped onto the next
            wrapped = _cjk_wrapped(label, pending_label or (rows[-1][0] if rows else ""), last_label_end,
                                   labels_right, line.height)
            last_label_end = label_end
            if not pending_label and rows and rows[-1][1] and after is not None and (wrapped or label_goes_on(
                    rows[-1][0], label, line.top - after.bottom, line.height)):
                rows[-1] = (_joined(rows[-1][0], label), rows[-1][1])
                continue
            if pending_label and (wrapped or label_continues(label)):
                pending_label = _joined(pending_label, label)
                continue
            if pending_label:
                rows.append((pending_label, []))
            pending_label, pending_start = label, label_start
            continue
        if pending_label and (label_continues(label) or _cjk_wrapped(label, pending_label, last_label_end,
                                                                      labels_right, line.height)):
            label, label_start = _joined(pending_label, label), pending_start
            pending_label = ""
        elif pending_label:
            rows.append((pending_label, []))
        pending_label = ""
        last_label_end = label_end or last_label_end
        if label_start is not None and not left_labels:
            starts[len(rows)] = (label_start, label_end)
        rows.append((label.rstrip(" .:").strip(), [clean_value(v) for v in values]))
    if pending_label:
        rows.append((pending_label, []))
    if axis_ticks(rows) or line_numbers(rows):
        return None
    rows = label_totals(rows)
    caption, unit = caption_and_unit(lines, start - len(above), header_lines)
    money = bool(_MONEY_RE.search(" ".join([unit, header_unit, *headers, *(v for _, vs in rows for v in vs)])))
    parents = parent_labels(rows, starts, money)
    unit = unit or header_unit
    if spanning and (not caption or _TITLE_RE.search(spanning[0]) or spanning[0].isupper()):
        caption = ", ".join(part for part in (spanning.pop(0), caption) if part)  # the page's title, centred
    qualifier = ", ".join(part for part in spanning if part not in caption)
    region = [w for line in above + body for w in line.words]
    box = (min(w.x0 for w in region), min(w.top for w in region), max(w.x1 for w in region),
           max(w.bottom for w in region))
    headers = [_glued(header) for header in headers]
    rows = [(_glued(label), values) for label, values in rows]
    if pair_only and not _clean_pair(headers, rows):
        return None
    return Table(headers=headers, rows=rows, caption=_glued(caption), unit=unit, chars=chars, box=box,
                 qualifier=qualifier, edges=[round(col.x1, 1) for col in columns], parents=parents)


def _cjk_wrapped(label: str, previous: str, previous_end: float, labels_right: float, height: float) -> bool:
    """Whether a Chinese or Japanese label goes on from the line above, whose label reached the label column's right
    edge ("销售商品、提供劳务收到的现" / "金"); a title ending in a colon, or a label closing its bracket, does not."""
    return has_cjk(label) and has_cjk(previous) and not previous.endswith(("：", ":", "）", ")")) and \
        previous_end >= labels_right - 0.8 * height


def _joined(label: str, more: str) -> str:
    """A label and its next line: Chinese and Japanese run on without a space."""
    if not more:
        return label
    return f"{label}{more}" if has_cjk(label[-1:]) and has_cjk(more[:1]) or has_cjk(more[:1]) and label[-1:] in "“”（）" \
        else f"{label} {more}"


_LINE_END_HYPHEN_RE = re.compile(r"(?<=[^\W\d_])- (?=[^\W\d_])")


def _glued(text: str) -> str:
    """A header, label or caption as the page's cleaned text holds it (`rag.ingest.cleaning`: single spaces, no
    dotted leaders: "Depreciation . . . . 13, 14, 15" is "Depreciation 13, 14, 15"), and
    whole where a line's end broke a word: "Non- reportable segments" -> "Non-reportable segments" (the hyphen
    kept: the word may be a compound)."""
    return _LINE_END_HYPHEN_RE.sub("-", " ".join(LEADERS_RE.sub(" ", text).split()))


def _numbered(figures: Sequence[str]) -> bool:
    """Whether figures down a page count 1, 2, 3 ...: a form's line numbers, not a table's values."""
    return all(f.isdigit() for f in figures) and all(int(b) == int(a) + 1 for a, b in zip(figures, figures[1:]))
