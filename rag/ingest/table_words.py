"""A page's words grouped into lines, cells and value columns: the geometry a table is found from.

Words come with their boxes (pypdfium2's character boxes for a text layer, Tesseract's word boxes for OCR). Words on
one band are a `Line`; words less than about a space and a half apart are one `Cell` ("Net income", "$ 5,363"); the
figures of many lines clustered by their right edges (figures are right-aligned) are the value `Column`s.

Hands on `Word`, `Cell`, `Line`, `Column` and the tests of a cell's text (`is_figure`, `is_year`) to
`rag.ingest.tables` and the modules that read a table's rows and headers.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field


_FIGURE_RE = re.compile(
    # "△3.2" / "▲3.2": the minus of Japanese and Chinese statements
    r"^\*{0,3}[(\[]?[-–—−△▲]?[$£€¥]?\s?[(]?[-–—−]?(?:\d{1,3}(?:[,.\s]\d{3})+|\d+)(?:[.,]\d+)?\s?[)]?\s?(?:[%％]|pts?|x|bps)?"
    # a footnote or significance letters ("(a)", "73ab"), a spread ("35.5% (3%)", "0.71 ± 0.02")
    r"[)\]]?\*?(?:\(\w\)|(?<=\d)[a-e]{1,4})?(?:\s?(?:\(\s?±?\d+(?:\.\d+)?\s?%?\)|±\s?\d+(?:\.\d+)?%?))?$",
    re.IGNORECASE,
)
_DASHES = {"-", "–", "—", "−", "--", "－", "n/a", "N/A", "n.a.", "N.A.", "nm", "NM", "n.m.", "n/m", "*", "#", "##", "—%",
           "-%",
           # statistical agencies' marks for a value not given: not applicable, not available, suppressed, ...
           "(X)", "(NA)", "NA", "N.A", "(S)", "(Z)", "(D)", "(B)", ":", "..", "...", "x", "X", "***", "****", "*****"}
_YEAR_RE = re.compile(r"^(?:FY\s?|fiscal\s)?(?:19|20)\d{2}[A-Za-z]?$", re.IGNORECASE)
_CURRENCIES = ("$", "£", "€", "¥", "US$", "C$", "A$", "HK$", "RMB", "¥")
LEADER_RE = re.compile(r"(?:\. ?){3,}|…+|_{3,}")
SPLIT_FIGURES_GAP = 0.35  # line heights between two figures that makes them two cells
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


def is_figure(text: str) -> bool:
    text = text.strip()
    return bool(_FIGURE_RE.match(text)) or text in _DASHES


def is_year(text: str) -> bool:
    return bool(_YEAR_RE.match(text.strip()))


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
        line.cells = line_cells(line)
    return lines


def line_cells(line: Line) -> list[Cell]:
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


@dataclass
class Column:
    x0: float
    x1: float
    members: int = 0


def is_row(line: Line) -> bool:
    """A line with figures after its label (or figures alone), not a sentence that happens to hold numbers."""
    figs = line.figures()
    if not figs:
        return False
    # the figures must be the line's last cells: "Revenue rose 12% to 214,847 in 2022" is prose
    last_text = next((i for i in range(len(line.cells) - 1, -1, -1) if not line.cells[i].figure), -1)
    return last_text < len(line.cells) - 1 and all(cell.figure for cell in line.cells[last_text + 1:]) and (
        len(line.cells) - 1 - last_text >= 1) and len(line.label()) <= 160


def value_columns(lines: Sequence[Line]) -> list[Column]:
    """Value columns: figures clustered by their right edge (right-aligned), left to right."""
    spans = sorted(((cell.x0, cell.x1) for line in lines for cell in line.figures()), key=lambda s: s[1])
    columns: list[Column] = []
    for x0, x1 in spans:
        if columns and x1 - columns[-1].x1 <= max(6.0, 0.25 * (columns[-1].x1 - columns[-1].x0)):
            col = columns[-1]
            col.x0, col.x1, col.members = min(col.x0, x0), max(col.x1, x1), col.members + 1
        else:
            columns.append(Column(x0, x1, 1))
    rows = sum(1 for line in lines if line.figures())
    keep = [col for col in columns if col.members >= max(2, rows // 4)]
    # columns whose spans overlap are one column (a wide figure and a narrow one, both right-aligned)
    merged: list[Column] = []
    for col in sorted(keep, key=lambda c: c.x0):
        if merged and col.x0 < merged[-1].x1 - 1:
            last = merged[-1]
            last.x0, last.x1, last.members = min(last.x0, col.x0), max(last.x1, col.x1), last.members + col.members
        else:
            merged.append(col)
    return merged


def column_of(cell: Cell, columns: Sequence[Column]) -> int | None:
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
