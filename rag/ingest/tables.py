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
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

_FIGURE_RE = re.compile(
    r"^\*{0,3}[(\[]?[-–—−]?[$£€¥]?\s?[(]?[-–—−]?(?:\d{1,3}(?:[,.\s]\d{3})+|\d+)(?:[.,]\d+)?\s?[)]?\s?(?:%|pts?|x|bps)?"
    # a footnote or significance letters ("(a)", "73ab"), a spread ("35.5% (3%)", "0.71 ± 0.02")
    r"[)\]]?\*?(?:\(\w\)|(?<=\d)[a-e]{1,4})?(?:\s?(?:\(\s?±?\d+(?:\.\d+)?\s?%?\)|±\s?\d+(?:\.\d+)?%?))?$",
    re.IGNORECASE,
)
_DASHES = {"-", "–", "—", "−", "--", "n/a", "N/A", "n.a.", "N.A.", "nm", "NM", "n.m.", "n/m", "*", "#", "##", "—%",
           "-%",
           # statistical agencies' marks for a value not given: not applicable, not available, suppressed, ...
           "(X)", "(NA)", "NA", "N.A", "(S)", "(Z)", "(D)", "(B)", ":", "..", "...", "x", "X", "***", "****", "*****"}
_YEAR_RE = re.compile(r"^(?:FY\s?|fiscal\s)?(?:19|20)\d{2}[A-Za-z]?$", re.IGNORECASE)
# Chinese/Japanese: "单位：万元", "（単位：百万円）", "單位：人民幣千元", "单位：股" (the scale characters 千 万 百万 亿
# and the currency 元 円 before a count word are optional)
CJK_UNIT = (r"[（(]?\s*(?:单位|單位|単位)\s*[:：]\s*(?:人民币|人民幣|美元|港元|日元)?\s*"
            r"(?:千|万|萬|百万|百萬|千万|亿|億)?\s*(?:元|円|圆|股|人|户|名|%|％)?\s*[）)]?")
_UNIT_RE = re.compile(
    r"\((?:[^()]*(?:\b(?:in\s+)?(?:thousands|millions|billions)|(?<![\d,.])['’]?000s?)\b[^()]*|[£$€¥]\s?'?000s?|[£$€¥]m|[£$€¥]bn"
    r"|\s*(?:in\s+)?%\s*|in\s+[£$€¥][^()]*|millions|thousands|(?:percent(?:age)?|%)\s+of\s[^()]*)\)"
    r"|\b(?:in|amounts in|dollars in|\$ in)\s+(?:thousands|millions|billions)\b[^.;]{0,40}"
    r"|[£$€¥]\s?'000s?"
    rf"|{CJK_UNIT}",
    re.IGNORECASE,
)

_MARKERS_RE = re.compile(r"(?:\(\d{1,2}\)){2,}|\*+")  # "(6)(7)": footnote marks alone ("(4)" alone is a negative four)
_LINE_NUMBER_RE = re.compile(r"(\d{1,3})\s?(?:[a-e]|\([a-e]\))?")  # a form's line number: "9a", "76 (b)"
_EXCEPT_PER_RE = re.compile(r"\bexcept\b[^)]*\bper\b", re.IGNORECASE)
# "% of those", also "% ofthose"; "(Percent of net sales)"
_PERCENT_OF_RE = re.compile(r"(?:^|[,;:(]\s*|\s)(?:%|percent(?:age)?)\s?of", re.IGNORECASE)
# a column of percentages, or of amounts per something: its values take no "in thousands"
_OWN_HEAD_RE = re.compile(r"%|\bper\s?cent(?:age)?\b|\bpct\b|\bper\s+(?!cent)[a-z]", re.IGNORECASE)
_TOTAL_LABEL_RE = re.compile(r"(?:total|net|less|add|sub-?total)\b", re.IGNORECASE)
# a row that is a period's balance, whose indented rows are its movements, not its parts
_PERIOD_LABEL_RE = re.compile(r"\b(?:19|20)\d\d\b|\b(?:balances?|outstanding|beginning|nonvested|unvested|as of)\b"
                              r"|\b(?:january|february|march|april|may|june|july|august|september|october|november|"
                              r"december)\b", re.IGNORECASE)
_MONEY_RE = re.compile(r"[$£€¥]|\b(?:usd|eur|gbp|dollars?|euros?|ecu)\b", re.IGNORECASE)
_PERCENT_ROW_RE = re.compile(r"(?:%|percent(?:age)?)\b", re.IGNORECASE)  # "Percent of sales" under its amount
_PERCENT_UNIT_RE = re.compile(r"(?:in\s+)?(?:%|per\s?cent)", re.IGNORECASE)
_COUNT_HEAD_RE = re.compile(r"\b(?:number|count|n)\b", re.IGNORECASE)
_PLAIN_NUMBER_RE = re.compile(r"^(\(?-?\d+(?:\.\d+)?\)?)(?=$|\s\()")  # "53", "(0.3)", "65 (bcd)": no unit
# a value and its marker: "1,234(a)", "73ab"
_FOOTNOTE_RE = re.compile(r"^(.*?[\d)%])\s?(\(\w\)|\*+|[¹²³⁴⁵⁶⁷⁸⁹]|(?<=\d)[a-e]{1,4})$")
_CURRENCIES = ("$", "£", "€", "¥", "US$", "C$", "A$", "HK$", "RMB", "¥")
_BROKEN_OFF_RE = re.compile(r"(?:,|\b(?:and|or|of|for|the|to|in|by|with))$", re.IGNORECASE)
_ROW_NUMBER_RE = re.compile(r"\d{1,4}")  # a year or a small whole number as a row's label
_CAPTION_START_RE = re.compile(r"^(?:table|exhibit|chart|figure)\s+[\dA-Z][\w.]*\b", re.IGNORECASE)
_NOT_CAPTION_RE = re.compile(r"^(?:table of contents|index|page \d+|\d+|continued)$", re.IGNORECASE)
LEADER_RE = re.compile(r"(?:\. ?){3,}|…+|_{3,}")
# A Chinese/Japanese column or row with a unit of its own: "従業員数（名）", "持股比例（%）", "基本每股收益（元/股）"
_CJK_OWN_UNIT_RE = re.compile(r"[（(]\s*(?:名|人|户|戸|股|株|件|家|个|個|%|％|倍|元/股|円/株|[^()（）]*比例)\s*[）)]|比例|比率")
_PER_SHARE = r"\bper (?:common |ordinary )?share\b"
_OWN_UNIT_RE = re.compile(r"\((?:[^()]*\b(?:thousands|millions|billions|pence|cents|per share|%|percent|number)\b[^()]*)\)"
                          rf"|{_PER_SHARE}|\bratio\b|%", re.IGNORECASE)
_PER_SHARE_RE = re.compile(_PER_SHARE, re.IGNORECASE)
_PERIOD_RE = re.compile(r"\b(?:years?|months?|quarters?|weeks?)\s+ended\b|\bas of\b|\bfiscal\b|\bended\b"
                        r"|\b(?:january|february|march|april|may|june|july|august|september|october|november|"
                        r"december)\b", re.IGNORECASE)
_TITLE_RE = re.compile(r"\b(?:statements?|balance sheets?|consolidated|schedule|summary)\b", re.IGNORECASE)
SPLIT_FIGURES_GAP = 0.35  # line heights between two figures that makes them two cells
MIN_ROWS = 3  # rows with figures a table must have
PARENT_MARK = " › "  # between a row's label and those of the rows it is indented under
INDENT = 3.0  # points a label must start right of the one above to stand under it
MAX_CELL_WORD_GAP = 0.9  # words closer than this many line heights are one cell ("Net income", "$ 5,363")


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float  # distance from the top of the page, growing downwards
    bottom: float
    chars: tuple[int, int] = (0, 0)  # character index range on the page (text layer), for removing the table

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)


@dataclass
class Cell:
    text: str
    x0: float
    x1: float
    words: list[Word]

    @property
    def figure(self) -> bool:
        return is_figure(self.text)


@dataclass
class Line:
    words: list[Word]
    cells: list[Cell] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def height(self) -> float:
        return statistics.median(w.height for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(cell.text for cell in self.cells)

    def figures(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.figure]

    def label(self) -> str:
        """The text before the first figure (the row's label)."""
        out = []
        for cell in self.cells:
            if cell.figure:
                break
            out.append(cell.text)
        return " ".join(out)


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
            scale = None if own else _scale_of(self.unit)
            if scale is not None:  # each value carries the table's unit: "£214,847 thousand", never a bare 214,847
                pairs = [(head, value if _CJK_OWN_UNIT_RE.search(head) or _OWN_HEAD_RE.search(head)
                          else _with_scale(value, *scale)) for head, value in pairs]  # "Percent: 18.7" and
                # "Current expenditure per pupil: 9,145" keep their own units
            elif not own and self.in_percent():  # "% of those 65 and older ...": 53 is 53%
                pairs = [(head, value if _COUNT_HEAD_RE.search(head) else _PLAIN_NUMBER_RE.sub(r"\1%", value))
                         for head, value in pairs]  # a "Number" column of a table "(in %)" counts
            unit = f" ({_row_unit(self.unit)})" if self.unit and not own and scale is None and not (
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


def is_figure(text: str) -> bool:
    text = text.strip()
    return bool(_FIGURE_RE.match(text)) or text in _DASHES


def is_year(text: str) -> bool:
    return bool(_YEAR_RE.match(text.strip()))


# ---------------------------------------------------------------- words → lines → cells


def _without_leaders(words: Sequence[Word]) -> list[Word]:
    """Words with dotted leader runs ("items ........ (667,828)") cut out, so a label never runs into its figure."""
    out = []
    for word in words:
        if not LEADER_RE.search(word.text):
            out.append(word)
            continue
        step = (word.x1 - word.x0) / max(len(word.text), 1)
        at = 0
        for match in LEADER_RE.finditer(word.text):
            if match.start() > at:
                out.append(Word(word.text[at:match.start()], word.x0 + at * step, word.x0 + match.start() * step,
                                word.top, word.bottom, word.chars))
            at = match.end()
        if at < len(word.text):
            out.append(Word(word.text[at:], word.x0 + at * step, word.x1, word.top, word.bottom, word.chars))
    return out


def group_lines(words: Sequence[Word]) -> list[Line]:
    """Words in reading order on lines: a word joins the line whose vertical band its middle falls in."""
    lines: list[Line] = []
    for word in sorted(_without_leaders(words), key=lambda w: (w.top + w.bottom) / 2):
        middle = (word.top + word.bottom) / 2
        if lines:
            last = lines[-1]
            band_top, band_bottom = last.top, last.bottom
            if band_top - 0.5 <= middle <= band_bottom + 0.5 and word.height < 2.5 * last.height:
                last.words.append(word)
                continue
        lines.append(Line([word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
        line.cells = _cells(line)
    return lines


def _cells(line: Line) -> list[Cell]:
    """Words separated by less than about a space and a half form a cell; a currency sign joins its figure."""
    gap_limit = MAX_CELL_WORD_GAP * line.height
    cells: list[Cell] = []
    for word in line.words:
        if cells:
            cell = cells[-1]
            gap = word.x0 - cell.x1
            glued = cell.text in _CURRENCIES + ("(",) or word.text == ")" or word.text == "%" and is_figure(cell.text)
            if cell.text in _CURRENCIES and is_figure(word.text):  # "$      5,363": the sign belongs to the figure
                gap = 0.0
            # two figures a word space apart are prose ("sales of 1,419 2,454"), a wider gap is two columns
            split = is_figure(word.text) and is_figure(cell.words[-1].text) and not glued and \
                gap >= SPLIT_FIGURES_GAP * line.height
            if word.text in _CURRENCIES and is_figure(cell.text):  # "9,889  $ 10,123": the next column's sign
                cells.append(Cell(word.text, word.x0, word.x1, [word]))
                continue
            if (gap <= gap_limit or glued and gap <= 4 * gap_limit) and not split:
                cell.text = f"{cell.text}{word.text}" if glued or gap < 0.1 * line.height else f"{cell.text} {word.text}"
                cell.x1 = max(cell.x1, word.x1)
                cell.words.append(word)
                continue
        cells.append(Cell(word.text, word.x0, word.x1, [word]))
    return cells


# ---------------------------------------------------------------- lines → tables


@dataclass
class _Column:
    x0: float
    x1: float
    members: int = 0


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
                part.cells = _cells(part)
                kept.append((index, part))
        inside = [i for i, (index, _) in enumerate(kept) if start <= index < end]
        if not inside:
            continue
        part_lines = [line for _, line in kept]  # the part's own rows: a row cut short by what stood beside it
        parts += [(part_lines, a, b) for a, b in _table_regions(part_lines)  # ("Spain 268 ... Unspecified") is one
                  if a <= inside[-1] and b > inside[0]]
    return parts


def continues(table: Table, before: Table) -> bool:
    """Whether `table`, with no headers of its own, is the rest of `before` (same value columns)."""
    return (not any(table.headers) and any(before.headers) and len(table.edges) == len(before.edges)
            and all(abs(a - b) <= 8 for a, b in zip(table.edges, before.edges)))


def take_headers(table: Table, before: Table) -> None:
    table.headers, table.caption, table.unit = list(before.headers), before.caption, before.unit
    table.qualifier = before.qualifier
    table.continued = True


def _is_row(line: Line) -> bool:
    """A line with figures after its label (or figures alone), not a sentence that happens to hold numbers."""
    figs = line.figures()
    if not figs:
        return False
    # the figures must be the line's last cells: "Revenue rose 12% to 214,847 in 2022" is prose
    last_text = next((i for i in range(len(line.cells) - 1, -1, -1) if not line.cells[i].figure), -1)
    return last_text < len(line.cells) - 1 and all(cell.figure for cell in line.cells[last_text + 1:]) and (
        len(line.cells) - 1 - last_text >= 1) and len(line.label()) <= 160


def _is_prose(line: Line, width: float) -> bool:
    words = sum(len(cell.text.split()) for cell in line.cells)
    return len(line.cells) <= 2 and words >= 10 and (line.words[-1].x1 - line.words[0].x0) > 0.6 * width


def _table_regions(lines: list[Line]) -> list[tuple[int, int]]:
    """Runs of lines [start, end) holding at least MIN_ROWS rows of figures, broken by prose or wide gaps."""
    if not lines:
        return []
    width = max(w.x1 for line in lines for w in line.words) - min(w.x0 for line in lines for w in line.words)
    regions = []
    start = None
    rows = 0
    last_row = None
    for i, line in enumerate(lines):
        row = _is_row(line)
        gap_break = last_row is not None and line.top - lines[last_row].bottom > 4 * line.height
        # a row of years below rows of figures heads a new table (a five-year summary's "As of 30 June" part),
        # whose columns may sit elsewhere
        new_header = row and start is not None and rows >= MIN_ROWS and _is_year_row(line) and not _is_year_row(
            lines[last_row])
        if new_header:
            regions.append((start, last_row + 1))
            start, rows, last_row, gap_break = None, 0, None, False
        if row and not gap_break:
            if start is None:
                start, rows = i, 0
            rows += 1
            last_row = i
            continue
        if start is not None and (gap_break or _is_prose(line, width) or i - last_row > 3):
            if rows >= MIN_ROWS:
                regions.append((start, last_row + 1))
            start, rows, last_row = None, 0, None
            if row:
                start, rows, last_row = i, 1, i
    if start is not None and rows >= MIN_ROWS:
        regions.append((start, last_row + 1))
    return regions


def _columns(lines: Sequence[Line]) -> list[_Column]:
    """Value columns: figures clustered by their right edge (right-aligned), left to right."""
    spans = sorted(((cell.x0, cell.x1) for line in lines for cell in line.figures()), key=lambda s: s[1])
    columns: list[_Column] = []
    for x0, x1 in spans:
        if columns and x1 - columns[-1].x1 <= max(6.0, 0.25 * (columns[-1].x1 - columns[-1].x0)):
            col = columns[-1]
            col.x0, col.x1, col.members = min(col.x0, x0), max(col.x1, x1), col.members + 1
        else:
            columns.append(_Column(x0, x1, 1))
    rows = sum(1 for line in lines if line.figures())
    keep = [col for col in columns if col.members >= max(2, rows // 4)]
    # columns whose spans overlap are one column (a wide figure and a narrow one, both right-aligned)
    merged: list[_Column] = []
    for col in sorted(keep, key=lambda c: c.x0):
        if merged and col.x0 < merged[-1].x1 - 1:
            last = merged[-1]
            last.x0, last.x1, last.members = min(last.x0, col.x0), max(last.x1, col.x1), last.members + col.members
        else:
            merged.append(col)
    return merged


def _column_of(cell: Cell, columns: Sequence[_Column]) -> int | None:
    best, best_overlap = None, 0.0
    for index, col in enumerate(columns):
        overlap = min(cell.x1, col.x1) - max(cell.x0, col.x0)
        if overlap > best_overlap:
            best, best_overlap = index, overlap
    if best is None:  # no overlap: the nearest right edge, when close
        distances = [abs(cell.x1 - col.x1) for col in columns]
        nearest = min(range(len(columns)), key=distances.__getitem__)
        if distances[nearest] <= 12:
            best = nearest
    return best


def _build_table(lines: list[Line], start: int, end: int) -> Table | None:
    body = lines[start:end]
    columns = _columns(body)
    if not columns:
        return None
    # leading rows of years ("2022 2021 2020", "(£'000) 2022 2021") are the header, not data
    header_lines: list[Line] = []
    first = 0
    while first < len(body) and (_is_year_row(body[first]) or header_lines and not body[first].figures()):
        header_lines.append(body[first])
        first += 1
    body_rows = body[first:]
    if sum(1 for line in body_rows if line.figures()) < MIN_ROWS:
        return None
    groups: dict[int, str] = {}  # a line's group label printed once beside another line of its group
    left_labels = _left_of_labels(body_rows, columns)
    if left_labels:
        groups = _spanned_groups(body_rows, columns[0])
        columns = columns[1:]
    elif _labels_in_first_column(body_rows, columns):
        columns = columns[1:]
    labels_end = _labels_end(body_rows, columns)
    above = _header_lines_above(lines, start, columns)
    header_lines = above + header_lines
    headers, spanning = _headers(header_lines, columns, labels_end)
    headers, header_unit = _common_suffix(headers)
    label_right = min(col.x0 for col in columns)
    # header lines with nothing over the value columns are section titles ("ASSETS") above the first row
    rows: list[tuple[str, list[str]]] = [(line.text, []) for line in header_lines
                                         if line.cells and all(cell.x1 <= label_right - 15 for cell in line.cells)
                                         and not _is_unit(line.text)]
    pending_label, pending_start = "", None
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
            index = _column_of(cell, columns) if cell.figure and cell.x1 > label_right or cell.x0 > label_right \
                else None
            if index is None:
                label_parts.append(cell.text)
                label_start = cell.x0 if label_start is None else label_start
                label_end = cell.x1
            else:
                values[index] = f"{values[index]} {cell.text}".strip()
        label = " ".join(label_parts)
        if any(values) and all(not value or _MARKERS_RE.fullmatch(value.strip()) for value in values):
            label, values = f"{label.rstrip(' :')} {' '.join(v for v in values if v)}", [""] * len(columns)  # "Generic
            # dispensing rate (6)(7)": footnote marks over the columns make no row of values but a title
        if not any(values):
            # a label on its own line: the rest of the row above's label, a section title, or the first line of
            # a label wrapped onto the next
            if not pending_label and rows and rows[-1][1] and after is not None and _label_goes_on(
                    rows[-1][0], label, line.top - after.bottom, line.height):
                rows[-1] = (f"{rows[-1][0]} {label}", rows[-1][1])
                continue
            if pending_label and _continues(label):
                pending_label = f"{pending_label} {label}"
                continue
            if pending_label:
                rows.append((pending_label, []))
            pending_label, pending_start = label, label_start
            continue
        if pending_label and _continues(label):
            label, label_start = f"{pending_label} {label}", pending_start
            pending_label = ""
        elif pending_label:
            rows.append((pending_label, []))
        pending_label = ""
        if label_start is not None and not left_labels:
            starts[len(rows)] = (label_start, label_end)
        rows.append((label.rstrip(" .:").strip(), [_clean_value(v) for v in values]))
    if pending_label:
        rows.append((pending_label, []))
    if _axis_ticks(rows) or line_numbers(rows):
        return None
    rows = _label_totals(rows)
    caption, unit = _caption_and_unit(lines, start - len(above), header_lines)
    money = bool(_MONEY_RE.search(" ".join([unit, header_unit, *headers, *(v for _, vs in rows for v in vs)])))
    parents = _parents(rows, starts, money)
    unit = unit or header_unit
    if spanning and (not caption or _TITLE_RE.search(spanning[0]) or spanning[0].isupper()):
        caption = ", ".join(part for part in (spanning.pop(0), caption) if part)  # the page's title, centred
    qualifier = ", ".join(part for part in spanning if part not in caption)
    region = [w for line in above + body for w in line.words]
    box = (min(w.x0 for w in region), min(w.top for w in region), max(w.x1 for w in region),
           max(w.bottom for w in region))
    return Table(headers=headers, rows=rows, caption=caption, unit=unit, chars=chars, box=box, qualifier=qualifier,
                 edges=[round(col.x1, 1) for col in columns], parents=parents)


def _numbered(figures: Sequence[str]) -> bool:
    """Whether figures down a page count 1, 2, 3 ...: a form's line numbers, not a table's values."""
    return all(f.isdigit() for f in figures) and all(int(b) == int(a) + 1 for a, b in zip(figures, figures[1:]))


def _labels_in_first_column(rows: Sequence[Line], columns: Sequence[_Column]) -> bool:
    """Whether the first column of figures is the rows' labels: no row has a label of words, and that column holds
    a different year or small whole number in each row ("2004 34.7 36.2", "0 138 6.9": years, or a count of
    answers, down the left)."""
    if len(columns) < 3:
        return False
    firsts = []
    for line in rows:
        if not line.figures():
            continue
        first = line.cells[0]
        if line.label().strip() or _column_of(first, columns) != 0 or not _ROW_NUMBER_RE.fullmatch(first.text):
            return False
        firsts.append(first.text)
    return len(firsts) >= MIN_ROWS and len(set(firsts)) == len(firsts)


def _left_of_labels(rows: Sequence[Line], columns: Sequence[_Column]) -> bool:
    """Whether the first column of figures stands left of the rows' labels: years or small whole numbers, each
    followed on its line by a label of words before the next column ("1996 | Women | 5.3 13.9 80.9": a year
    heading a group of rows, printed once beside its middle row). Figures never come before a row's label."""
    if len(columns) < 2:
        return False
    first, second = columns[0], columns[1]
    held = 0
    for line in rows:
        cells = [cell for cell in line.cells if cell.figure and _column_of(cell, columns) == 0]
        if not cells:
            continue
        words = [cell for cell in line.cells if not cell.figure and cell.x0 > first.x1 and cell.x1 < second.x0]
        if len(cells) > 1 or not _ROW_NUMBER_RE.fullmatch(cells[0].text) or not words:
            return False
        held += 1
    return held >= 2


def _spanned_groups(rows: Sequence[Line], column: _Column) -> dict[int, str]:
    """For the lines of a group that lack its label, the label printed once beside one of them (`_left_of_labels`),
    by the line's index. Groups are told apart by wider gaps between them when each then holds one label; else
    the label starts its group when the first line has one, and stands beside its group's middle line when not
    (a line as near to two labels is left alone), each group no larger than the first."""
    labelled = {index: cell.text for index, line in enumerate(rows) for cell in line.cells
                if cell.figure and cell.x1 <= column.x1 + 2}
    blocks = _blocks_by_gaps(rows)
    if all(sum(index in labelled for index in block) == 1 for block in blocks):
        return {index: text for block in blocks for text in [next(labelled[i] for i in block if i in labelled)]
                for index in block if index not in labelled}
    marks = sorted(labelled)
    out: dict[int, str] = {}
    if marks[0] == 0:
        size = min(b - a for a, b in zip(marks, marks[1:])) if len(marks) > 1 else len(rows)
        for index in range(len(rows)):
            start = max(mark for mark in marks if mark <= index)
            if index not in labelled and index - start < size:
                out[index] = labelled[start]
        return out
    reach = marks[0]
    for index in range(len(rows)):
        if index in labelled:
            continue
        near = sorted(marks, key=lambda mark: abs(mark - index))
        if abs(near[0] - index) <= reach and (len(near) == 1 or abs(near[1] - index) > abs(near[0] - index)):
            out[index] = labelled[near[0]]
    return out


def _blocks_by_gaps(rows: Sequence[Line]) -> list[list[int]]:
    """The lines' indices in blocks parted by gaps clearly wider than the usual one."""
    gaps = [line.top - above.bottom for above, line in zip(rows, rows[1:])]
    usual = statistics.median(gaps) if gaps else 0.0
    blocks: list[list[int]] = [[0]]
    for index, gap in enumerate(gaps, start=1):
        if gap > max(1.6 * usual, usual + 0.5 * rows[index].height):
            blocks.append([])
        blocks[-1].append(index)
    return blocks


def _parents(rows: Sequence[tuple[str, list[str]]], spans: dict[int, tuple[float, float]],
             money: bool = False) -> dict[int, str]:
    """For each row indented under a row with figures above it ("Severe disability" / "  Employed"), the labels of
    the rows it stands under, outermost first. Only where labels start at a few set indents, each shared by two rows
    or more, and not where two labels end or centre alike (right-aligned or centred labels start anywhere); a
    total ("Total revenue", often set further in), a sentence, and a title row without figures (a part of its own,
    `passage_units` reads it) end the nesting. In a table of money (a financial statement) items are set in under
    the revenue they are no part of, so there only a percentage row stands under its amount ("Percent of sales")."""
    starts = {index: x0 for index, (x0, _) in spans.items()}
    levels: list[list[float]] = []
    for x in sorted(starts.values()):
        if levels and x - levels[-1][-1] <= INDENT - 1:
            levels[-1].append(x)
        else:
            levels.append([x])
    if not 2 <= len(levels) <= 5 or len(levels[0]) < 2 or sum(len(level) < 2 for level in levels) > 1:
        return {}
    out: dict[int, str] = {}
    stack: list[tuple[float, str, int]] = []  # the rows the next may stand under: start, label, index
    for index, (label, values) in enumerate(rows):
        start = starts.get(index)
        if not values or start is None or _TOTAL_LABEL_RE.match(label) or ". " in label:
            stack = []
            continue
        while stack and stack[-1][0] > start - INDENT:
            stack.pop()
        if stack and (_aligned(spans[index], spans[stack[-1][2]]) or _PERIOD_LABEL_RE.search(stack[-1][1])
                      or not (_part_of(values, rows[stack[-1][2]][1]) and not money or _PERCENT_ROW_RE.match(label))):
            stack = []  # no part of the row above: a larger count ("Aged 6 and older" set further in), a movement
            # of a balance ("Balance at January 1, 2022" / "Recoveries"), a result ("Cost of sales" / "Gross profit")
        if stack:
            out[index] = PARENT_MARK.join(parent for _, parent, _ in stack)
        stack.append((start, label, index))
    return out


def _aligned(span: tuple[float, float], other: tuple[float, float]) -> bool:
    """Whether two labels end, or centre, at the same place: set right-aligned or centred, not indented."""
    return abs(span[1] - other[1]) <= 1.5 or abs(sum(span) - sum(other)) <= 3.0


def _part_of(values: Sequence[str], whole: Sequence[str]) -> bool:
    """Whether a row's figures can be a part of those of the row it is indented under, by the first column both
    fill: a count or amount no larger and not negative (not a movement of a balance, "Forfeited (1.1)"), a
    percentage under a percentage, or a row naming its percentage under the amount it is of ("Percent of sales")."""
    for value, total in zip(values, whole):
        if value and total:
            part, of = _amount(value), _amount(total)
            if part is None or of is None:
                return False
            if "%" in value and "%" in total:
                return True
            if "%" in value or "%" in total:
                return False  # (`_parents` lets a row naming its percentage through)
            return 0 <= part <= abs(of)
    return False


def _axis_ticks(rows: list[tuple[str, list[str]]]) -> bool:
    """A chart's axis beside prose, not a table: one value column stepping evenly (0.75, 0.74, 0.73 ...) in all
    its rows but the last two at most (the other axis's labels)."""
    values = [row_values[0] for _, row_values in rows if len(row_values) == 1 and row_values[0]]
    if len(values) < 4 or any(len(row_values) > 1 for _, row_values in rows):
        return False
    amounts = [_amount(value) for value in values]
    steps = [round(b - a, 6) if a is not None and b is not None else None for a, b in zip(amounts, amounts[1:])]
    run = longest = 0
    for before, step in zip([None, *steps], steps):
        run = run + 1 if step is not None and step != 0 and step == before else 1 if step else 0
        longest = max(longest, run)
    return longest + 1 >= max(4, len(values) - 2)


def line_numbers(rows: list[tuple[str, list[str]]]) -> bool:
    """A form's numbered lines, not a table: every value a line number ("8", "9a", "10 (b)") and, row by row, the
    numbers never going back ("8 Wages ... 8", "9a Taxable interest ... 9a")."""
    numbers = []
    for _, values in rows:
        for value in values:
            if not value:
                continue
            match = _LINE_NUMBER_RE.fullmatch(value.strip())
            if not match:
                return False
            numbers.append(int(match.group(1)))
    return len(numbers) >= MIN_ROWS and all(a <= b for a, b in zip(numbers, numbers[1:]))


def _continues(label: str) -> bool:
    """Whether a label goes on from the line above ("provided by operating activities", "(thousands)")."""
    return label[:1].islower() or label[:1] in "(&–-"


def _label_goes_on(label: str, line: str, gap: float, height: float) -> bool:
    """Whether a line of words just below a row (less than half a line's height apart) ends that row's label
    ("Applications and mashups" / "developed by the public and" / "government"; "Budget Coefficient for Coffee," /
    "Tea, Herb Tea"): it starts in lower case, or the label breaks off after a comma or a joining word."""
    return gap < 0.5 * height and ("a" <= line[:1] <= "z" or bool(_BROKEN_OFF_RE.search(label)))


def _amount(value: str) -> float | None:
    text = value.replace(",", "").replace("$", "").replace("£", "").replace("€", "").strip()
    negative = text.startswith("(") and text.endswith(")") or text.startswith(("-", "−", "–"))
    text = text.strip("()-−– ")
    try:
        number = float(text)
    except ValueError:
        return None
    return -number if negative else number


def _label_totals(rows: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """A row with figures and no label that sums the rows above it (since the last section or total) is "Total"."""
    out: list[tuple[str, list[str]]] = []
    block: list[list[str]] = []
    for label, values in rows:
        if not values:
            block = []
            out.append((label, values))
            continue
        if not label and len(block) >= 2 and values and values[0]:
            total, above = _amount(values[0]), [_amount(v[0]) if v else None for v in block]
            if total is not None and None not in above and abs(sum(above) - total) <= 1.0:
                label = "Total"
        out.append((label, values))
        block = [] if label == "Total" else block + [values]
    return out


def _common_suffix(headers: list[str]) -> tuple[list[str], str]:
    """Headers that all end in the same unit ("2022 £'000", "2021 £'000"; "2022 Number") without it, and the unit:
    each value then carries the unit once, in its row, not once per column."""
    named = [head for head in headers if head]
    if len(named) < 2:
        return headers, ""
    tails = {head.split(" ", 1)[1] if " " in head else "" for head in named}
    if len(tails) != 1:
        return headers, ""
    tail = tails.pop()
    if not tail or is_year(tail) or len(tail) > 20 or any(not is_year(head.split(" ", 1)[0]) for head in named):
        return headers, ""
    return [head.split(" ", 1)[0] if head else head for head in headers], tail


def _is_year_row(line: Line) -> bool:
    """A header row of years: its figures all years, its label nothing, a unit or a period ("Years ended
    December 31,")."""
    figs = line.figures()
    label = line.label().strip()
    return bool(figs) and all(is_year(c.text) for c in figs) and (
        not label or bool(_UNIT_RE.fullmatch(label)) or bool(_PERIOD_RE.search(label)) or len(figs) >= 2)


def _clean_value(value: str) -> str:
    """Keep a footnote marker apart from its value: "1,234(a)" -> "1,234 (a)", "73ab" -> "73 (ab)"."""
    value = " ".join(value.split())
    match = _FOOTNOTE_RE.match(value)
    if match and match.group(1) and not re.fullmatch(r"\(\d+\)", value):
        marker = match.group(2)
        return f"{match.group(1)} ({marker})" if marker.isalpha() else f"{match.group(1)} {marker}"
    return value


def _labels_end(rows: Sequence[Line], columns: Sequence[_Column]) -> float:
    """Where every row's label has ended: a header cell starting right of it heads a value column even when it
    stands left of that column's right-aligned figures ("Male" over "25")."""
    first = min(col.x0 for col in columns)
    labels = [cell.x1 for line in rows for cell in line.cells if not cell.figure and cell.x1 < first]
    return max(labels) + 3 if labels else first - 15


def _header_lines_above(lines: list[Line], start: int, columns: Sequence[_Column]) -> list[Line]:
    """Up to four lines just above the table whose text lies over its value columns (and not across the page)."""
    out: list[Line] = []
    skipped: list[Line] = []  # section titles ("ASSETS", "Operating activities:") between headers and rows
    left = min(col.x0 for col in columns) - 15
    i = start - 1
    while i >= 0 and len(out) < 4:
        line = lines[i]
        below = (skipped or out or [lines[start]])[0]
        if below.top - line.bottom > 4 * line.height:
            break
        over_columns = [cell for cell in line.cells if cell.x1 > left]
        if not over_columns:
            if out or len(skipped) >= 2 or len(line.text) > 100 or line.text.rstrip().endswith("."):
                break  # (a section title: "Child feeding practices (based on last-born child in the ...) (%)")
            skipped.insert(0, line)
            i -= 1
            continue
        if len(over_columns) < len(line.cells) and sum(len(c.text) for c in line.cells) > 120 and \
                len(over_columns) < max(3, len(columns) // 2):  # a long line of few cells: prose, not headers
            break
        if any(cell.x0 < left and len(cell.text.split()) >= 8 for cell in over_columns):
            break  # a sentence running across the page, not a header
        if _is_row(line) and not _is_year_row(line) or _CAPTION_START_RE.match(line.text):
            break  # a row of another table, or the table's caption ("Table 3 - European ABCP issuance")
        if i > 0 and _caption_goes_on(lines[i - 1], line):
            break  # the caption's second line ("Table 4: Employment rates ... by gender in" / "2005 (in %)")
        out.insert(0, line)
        i -= 1
    return out + skipped if out else []


def _caption_goes_on(caption: Line, line: Line) -> bool:
    """Whether a line of one cell goes on with the caption above it: the caption breaks off ("... with breakdown
    by"), or the line starts where the caption's words start after its number ("Table 4:" | "Employment rates")."""
    if not _CAPTION_START_RE.match(caption.text) or len(line.cells) != 1:
        return False  # headers are several cells; a caption's line one run of words
    starts = [cell.x0 for cell in caption.cells[1:2]] or [caption.cells[0].x0]
    return bool(_BROKEN_OFF_RE.search(caption.text)) or any(abs(line.cells[0].x0 - x0) <= 2 for x0 in starts)


def _headers(header_lines: Sequence[Line], columns: Sequence[_Column],
             labels_end: float) -> tuple[list[str], list[str]]:
    """Each column's header, the header cells over it joined top to bottom (a cell over some columns heads each
    of them: multi-level headers), and the header cells spanning every column ("Years ended December 31").
    A cell is over the columns when it reaches past 15 points before the first figures or starts after
    `labels_end`."""
    parts: list[list[str]] = [[] for _ in columns]
    spanning: list[str] = []
    left = min(col.x0 for col in columns) - 15
    centres = _header_centres(header_lines, columns)
    for line in header_lines:
        cells = [cell for cell in line.cells if (cell.x1 > left or cell.x0 > labels_end) and not _is_unit(cell.text)]
        stacked = 2 * len(cells) > len(columns)  # a line of headers over a column each, not of group headers
        over = [part for cell in cells for part in _split_spread(cell, columns, stacked)]
        if len(over) == 1 and len(columns) > 1 and not is_year(over[0].text) and _centred(over[0], columns):
            spanning.append(over[0].text)  # one header over all the columns: "Year ended 30 June"
            continue
        # group headers ("Domestic", "International"; not headers each right-aligned over its own column): each
        # column takes the nearest one, when within half the way to the next group's
        if 1 < len(over) < len(columns) and not all(_ends_at_edge(cell, columns) for cell in over) \
                and not (2 * len(over) > len(columns) and 2 * sum(len(_covered(cell, columns)) == 1
                                                                  for cell in over) > len(over)):  # (not a
            # line of stacked headers, most over a column each and some run together: "Number Margin of")
            for i, centre in enumerate(centres):
                nearest = min(over, key=lambda c: max(c.x0 - centre, centre - c.x1, 0.0))
                if _in_group(centre, nearest, over):
                    parts[i].append(nearest.text)
            continue
        headed: set[int] = set()
        astray = []
        for cell in over:
            covered = _covered(cell, columns)
            if not covered:
                astray.append(cell)
            for i in covered:
                parts[i].append(cell.text)
            headed.update(covered)
        for cell in astray:  # over no column: the nearest column's, unless it has a header of its own on this line
            centre = (cell.x0 + cell.x1) / 2  # (a header over a column too sparse to be kept heads nothing)
            nearest = min(range(len(columns)), key=lambda i: abs((columns[i].x0 + columns[i].x1) / 2 - centre))
            if nearest not in headed:
                parts[nearest].append(cell.text)
    return [" ".join(p) for p in parts], spanning


def _ends_at_edge(cell: Cell | Word, columns: Sequence[_Column]) -> bool:
    """Whether a header cell ends where one column's figures end (within 2 points): right-aligned over that column,
    its own header ("Percentage of" atop "international desired population coverage"), not a group's."""
    return any(abs(cell.x1 - col.x1) <= 2 for col in columns)


def _covered(cell: Cell, columns: Sequence[_Column]) -> list[int]:
    """The columns a header cell stands over (its span and their figures' overlap, within 2 points)."""
    return [i for i, col in enumerate(columns) if min(cell.x1, col.x1) - max(cell.x0, col.x0) > -2]


def _split_spread(cell: Cell, columns: Sequence[_Column], stacked: bool = False) -> list[Cell]:
    """A header cell over several columns, ending where a column's figures end, cut after each word ending at such
    an edge too (right-aligned headers run together: "exclusion rate before substitution" heads two columns),
    else where its words stand clearly further apart than elsewhere in it: "HOVER (2-hop)  HOVER (3-hop)
    FEVEROUS-S" heads three groups of columns; "Year ended 30 June" stays whole."""
    words = cell.words
    covered = sum(1 for col in columns if min(cell.x1, col.x1) - max(cell.x0, col.x0) > 0)
    edges = [i for i, word in enumerate(words[:-1], 1) if _ends_at_edge(word, columns)]
    if covered >= 2 and edges and (_ends_at_edge(cell, columns) or stacked and covered == 2 and len(edges) == 1
                                   and _within_next(words[edges[0]:], columns)):  # "exclusion rate" |
        # "before substitution"; on a line of headers over a column each (`stacked`), "Number" | "error (±)",
        # two stacked headers' lines run together (not a group header "DLHS-4 (2012-13)" over two columns)
        return [Cell(" ".join(w.text for w in part), part[0].x0, part[-1].x1, part)
                for part in (words[a:b] for a, b in zip([0] + edges, edges + [len(words)]))]
    if covered < 2 or len(words) < 3:
        return [cell]
    gaps = [b.x0 - a.x1 for a, b in zip(words, words[1:])]
    small, large = min(gaps), max(gaps)
    if large < 3 * max(small, 0.5) or large < 0.3 * statistics.median(w.height for w in words):
        return [cell]
    cut = (small + large) / 2
    parts: list[list[Word]] = [[words[0]]]
    for gap, word in zip(gaps, words[1:]):
        if gap >= cut:
            parts.append([])
        parts[-1].append(word)
    return [Cell(" ".join(w.text for w in part), part[0].x0, part[-1].x1, part) for part in parts]


def _within_next(words: Sequence[Word], columns: Sequence[_Column]) -> bool:
    """Whether words lie over one column only, past the right edge of the column before it."""
    return any(words[0].x0 > before.x1 and words[-1].x1 <= col.x1 + 5
               for before, col in zip(columns, columns[1:]))


def _header_centres(header_lines: Sequence[Line], columns: Sequence[_Column]) -> list[float]:
    """Each column's middle as its lowest own header shows it (headers are centred over a column; its right-aligned
    figures are not), else the middle of its figures."""
    centres = [(col.x0 + col.x1) / 2 for col in columns]
    found = [False] * len(columns)
    for line in reversed(header_lines):
        if len(line.cells) < len(columns) / 2:
            continue
        for i, col in enumerate(columns):
            own = [cell for cell in line.cells if min(cell.x1, col.x1) - max(cell.x0, col.x0) > -2]
            if not found[i] and len(own) == 1 and own[0].x1 - own[0].x0 < 2 * (col.x1 - col.x0) + 40:
                centres[i], found[i] = (own[0].x0 + own[0].x1) / 2, True
    return centres


def _in_group(centre: float, header: Cell, group_headers: Sequence[Cell]) -> bool:
    """Whether a column centred at `centre` lies under a group header: beneath it, or nearer its middle than half
    the distance to the next group header's middle (columns beyond every group, "Permit" before "Pre-Pawn" or
    "Totals" after the last group, have none)."""
    if header.x0 - 2 <= centre <= header.x1 + 2:
        return True
    middle = (header.x0 + header.x1) / 2
    others = [(c.x0 + c.x1) / 2 for c in group_headers if c is not header]
    reach = min(abs(middle - other) for other in others) / 2 if others else float("inf")
    return abs(centre - middle) <= reach


def _scale_of(unit: str) -> tuple[str, str] | None:
    """(currency sign, scale word) of a table's unit: "£’000" -> ("£", "thousand"), "$ in millions" -> ("$",
    "million"), "Millions" -> ("", "million"); None when the unit is not a scale (%, pence, a count)."""
    text = _row_unit(unit).casefold()
    cjk = re.search(r"(?:单位|單位|単位)\s*[:：]\s*(?:人民币|人民幣|美元|港元|日元)?\s*(千|万|萬|百万|百萬|千万|亿|億)\s*(元|円|圆)?",
                    text)
    if cjk:  # "单位：万元": each value reads "302,600.00 万元" (rag.answer.grounding reads the scale back)
        return "", cjk.group(1) + (cjk.group(2) or "")
    if re.search(r"\bthousands?\b|['’]?000s?\b", text):
        word = "thousand"
    elif re.search(r"\bmillions?\b|\bmn\b|[£$€]m\b", text):
        word = "million"
    elif re.search(r"\bbillions?\b|\bbn\b", text):
        word = "billion"
    else:
        return None
    currency = next((sign for sign in ("£", "$", "€", "¥") if sign in text), "")
    if not currency:
        currency = {"usd": "$", "dollars": "$", "gbp": "£", "pounds": "£", "eur": "€", "euros": "€"}.get(
            next((w for w in re.findall(r"[a-z]+", text) if w in ("usd", "dollars", "gbp", "pounds", "eur", "euros")),
                 ""), "")
    return currency, word


def _with_scale(value: str, currency: str, word: str) -> str:
    """"(338,503)" in a £'000 table -> "(£338,503 thousand)"; a dash or a percentage stays as it is."""
    match = re.fullmatch(r"(\()?\s*([$£€¥])?\s*(-?[\d,]+(?:\.\d+)?)\s*(\))?(.*)", value.strip())
    if not match or "%" in value or not any(ch.isdigit() for ch in value):
        return value
    opened, sign, number, closed, rest = match.groups()
    body = f"{sign or currency}{number} {word}"
    return (f"({body})" if opened and closed else body) + (rest or "")


def _row_unit(unit: str) -> str:
    """The unit as each row carries it: the unit proper ("Millions", "£'000"), not its exceptions."""
    return re.split(r",\s*(?:except|unless|other than)\b", unit, maxsplit=1, flags=re.IGNORECASE)[0].strip()


def _is_unit(text: str) -> bool:
    """A cell that only gives the unit: "(£'000)", "(£'000, unless otherwise indicated)", "(in millions)"."""
    text = text.strip()
    match = _UNIT_RE.search(text)
    return bool(match) and (match.group() == text or text.startswith("(") and text.endswith(")"))


def _short_unit(text: str) -> str:
    text = re.sub(r",?\s*unless otherwise (?:indicated|stated|noted)", "", text, flags=re.IGNORECASE)
    return text.strip("()（） ")


def _centred(cell: Cell, columns: Sequence[_Column]) -> bool:
    """Whether a cell sits over the middle of the value columns (or covers most of them)."""
    left, right = columns[0].x0, columns[-1].x1
    middle = (cell.x0 + cell.x1) / 2
    return abs(middle - (left + right) / 2) <= 0.2 * (right - left) or cell.x1 - cell.x0 >= 0.6 * (right - left)


def _caption_and_unit(lines: list[Line], top_index: int, header_lines: Sequence[Line]) -> tuple[str, str]:
    unit = ""
    for line in header_lines:
        match = _UNIT_RE.search(line.text)
        if match:
            unit = _short_unit(match.group())
            break
    captions: list[str] = []
    for line in reversed(lines[max(0, top_index - 4):top_index]):
        text = line.text.strip()
        if not unit:
            match = _UNIT_RE.search(text)
            if match:
                unit = _short_unit(match.group())
                text = text.replace(match.group(), "").strip(" ,;")
        if not text or _NOT_CAPTION_RE.match(text):
            continue
        numbered = bool(_CAPTION_START_RE.match(text))  # "Table 324. Arrests by Sex and Age: 2009" is no row
        if len(text) > 100 or _is_row(line) and not numbered or text.endswith(".") or len(captions) >= 2 and not (
                numbered):
            break  # (a numbered title over two short lines still heads it: "TABLE 125: ... - 1997" over "(As at
            # end-March)" and the unit)
        captions.insert(0, text)
        if numbered:
            break
    joined = " ".join(captions[:1])
    for part in captions[1:]:  # a caption's broken-off line goes on in the next ("... with breakdown by" / "gender")
        joined += (" " if _BROKEN_OFF_RE.search(joined) else ", ") + part
    return joined, unit
