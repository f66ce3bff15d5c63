"""A table's column headers, caption and unit, from the lines above its first row of figures.

Headers are joined per column top to bottom (a group header over some columns heads each of them); one header over
every column ("Year ended 30 June") is the table's qualifier; the caption is the nearest title above ("Table 4:
Employment rates ..."), over two lines when it breaks off.

Hands on `header_lines_above`, `column_headers`, `common_suffix` and `caption_and_unit` to `rag.ingest.tables`.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence

from rag.ingest.table_rows import BROKEN_OFF_RE
from rag.ingest.table_units import CJK_UNIT_RE, UNIT_RE, is_unit, short_unit
from rag.ingest.table_words import Cell, Column, Line, Word, is_row, is_year
from rag.text import has_cjk


_CAPTION_START_RE = re.compile(r"^(?:table|exhibit|chart|figure)\s+[\dA-Z][\w.]*\b", re.IGNORECASE)
_NOT_CAPTION_RE = re.compile(r"^(?:table of contents|index|page \d+|\d+|continued)$", re.IGNORECASE)
_PERIOD_RE = re.compile(r"\b(?:years?|months?|quarters?|weeks?)\s+ended\b|\bas of\b|\bfiscal\b|\bended\b"
                        r"|\b(?:january|february|march|april|may|june|july|august|september|october|november|"
                        r"december)\b", re.IGNORECASE)


def common_suffix(headers: list[str]) -> tuple[list[str], str]:
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


def is_year_row(line: Line) -> bool:
    """A header row of years: its figures all years, its label nothing, a unit or a period ("Years ended
    December 31,")."""
    figs = line.figures()
    label = line.label().strip()
    return bool(figs) and all(is_year(c.text) for c in figs) and (
        not label or bool(UNIT_RE.fullmatch(label)) or bool(_PERIOD_RE.search(label)) or len(figs) >= 2)


def where_labels_end(rows: Sequence[Line], columns: Sequence[Column]) -> float:
    """Where every row's label has ended: a header cell starting right of it heads a value column even when it
    stands left of that column's right-aligned figures ("Male" over "25")."""
    first = min(col.x0 for col in columns)
    labels = [cell.x1 for line in rows for cell in line.cells if not cell.figure and cell.x1 < first]
    return max(labels) + 3 if labels else first - 15


def header_lines_above(lines: list[Line], start: int, columns: Sequence[Column]) -> list[Line]:
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
        if not over_columns and out and i > 0 and _label_head(line, lines[i - 1], out[0], left):
            i -= 1  # the label column's header ("指标"), centred between two lines of column headers
            continue
        if not over_columns:
            if out or len(skipped) >= 2 or len(line.text) > 100 or line.text.rstrip().endswith("."):
                break  # (a section title: "Child feeding practices (based on last-born child in the ...) (%)")
            skipped.insert(0, line)
            i -= 1
            continue
        if len(over_columns) < len(line.cells) and sum(len(c.text) for c in line.cells) > 120 and \
                len(over_columns) < max(3, len(columns) // 2):  # a long line of few cells: prose, not headers
            break
        if any(cell.x0 < left and (len(cell.text.split()) >= 8 or has_cjk(cell.text) and len(cell.text) >= 16)
               for cell in over_columns):
            break  # a sentence running across the page (or the page's running title), not a header
        if is_row(line) and not is_year_row(line) or _CAPTION_START_RE.match(line.text):
            break  # a row of another table, or the table's caption ("Table 3 - European ABCP issuance")
        if i > 0 and _caption_goes_on(lines[i - 1], line):
            break  # the caption's second line ("Table 4: Employment rates ... by gender in" / "2005 (in %)")
        out.insert(0, line)
        i -= 1
    return out + skipped if out else []


def _label_head(line: Line, above: Line, below: Line, left: float) -> bool:
    """Whether `line` is a short header over the row labels standing between two lines of column headers, the
    upper of group headers (its band overlapping or touching both): the headers go on above it."""
    return len(line.cells) == 1 and len(line.text) <= 12 and sum(cell.x1 > left for cell in above.cells) >= 2 \
        and not is_row(above) and line.top - above.bottom <= 0.5 * line.height \
        and below.top - line.bottom <= 0.5 * line.height


def _caption_goes_on(caption: Line, line: Line) -> bool:
    """Whether a line of one cell goes on with the caption above it: the caption breaks off ("... with breakdown
    by"), or the line starts where the caption's words start after its number ("Table 4:" | "Employment rates")."""
    if not _CAPTION_START_RE.match(caption.text) or len(line.cells) != 1:
        return False  # headers are several cells; a caption's line one run of words
    starts = [cell.x0 for cell in caption.cells[1:2]] or [caption.cells[0].x0]
    return bool(BROKEN_OFF_RE.search(caption.text)) or any(abs(line.cells[0].x0 - x0) <= 2 for x0 in starts)


def column_headers(header_lines: Sequence[Line], columns: Sequence[Column],
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
        cells = [cell for cell in line.cells if (cell.x1 > left or cell.x0 > labels_end) and not is_unit(cell.text)]
        stacked = 2 * len(cells) > len(columns)  # a line of headers over a column each, not of group headers
        over = [part for cell in cells for part in _split_spread(cell, columns, stacked)]
        if len(over) == 1 and len(columns) > 1 and not is_year(over[0].text) and _centred(over[0], columns) \
                and not _own_word(over[0], columns):
            spanning.append(over[0].text)  # one header over all the columns: "Year ended 30 June"
            continue
        # group headers ("Domestic", "International"; not headers each right-aligned over its own column): each
        # column takes the nearest one, when within half the way to the next group's
        if 1 < len(over) < len(columns) and not _mostly_at_edges(over, columns) \
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


EDGE = 5.5  # points a right-aligned header line's cells may end past their columns' figures (a comma, a bracket)


def _own_word(cell: Cell, columns: Sequence[Column]) -> bool:
    """Whether a lone header cell near the middle of three columns or more is the top of one column's header
    ("Other" over "International Operations"), not a title over them all: it stands over that column alone and
    names no period ("Year ended", "December 31,"), and is a word or two no wider than that column."""
    covered = _covered(cell, columns)
    return (len(columns) >= 3 and len(covered) == 1 and len(cell.text) <= 25 and not _PERIOD_RE.search(cell.text)
            and cell.x1 - cell.x0 <= 1.5 * (columns[covered[0]].x1 - columns[covered[0]].x0) + 10)


def _mostly_at_edges(cells: Sequence[Cell], columns: Sequence[Column]) -> bool:
    """Whether a line's header cells are right-aligned over their columns, as all but one in four of them end where
    a column's figures end (a stacked header "DIVISIONS" may overhang its column's dashes): headers of their own
    columns, not group headers."""
    return sum(_ends_at_edge(cell, columns, EDGE) for cell in cells) >= 0.75 * len(cells)


def _ends_at_edge(cell: Cell | Word, columns: Sequence[Column], within: float = 2.0) -> bool:
    """Whether a header cell ends where one column's figures end (`within` points): right-aligned over that column,
    its own header ("Percentage of" atop "international desired population coverage"), not a group's. Words are
    cut at such an edge only when they end within 2 points ("DLHS-4 (2012-13)" over two columns stays whole)."""
    return any(abs(cell.x1 - col.x1) <= within for col in columns)


def _covered(cell: Cell, columns: Sequence[Column]) -> list[int]:
    """The columns a header cell stands over (its span and their figures' overlap, within 2 points); a header no
    wider than a column and right-aligned over it (ending at its figures' edge) heads that one alone, however near
    the next column starts ("EUROPE," over "$6,293", columns 5 points apart)."""
    aligned = [i for i, col in enumerate(columns) if abs(cell.x1 - col.x1) <= EDGE
               and cell.x1 - cell.x0 <= col.x1 - col.x0 + 15]
    if len(aligned) == 1:
        return aligned
    return [i for i, col in enumerate(columns) if min(cell.x1, col.x1) - max(cell.x0, col.x0) > -2]


def _split_spread(cell: Cell, columns: Sequence[Column], stacked: bool = False) -> list[Cell]:
    """A header cell over several columns, ending where a column's figures end, cut after each word ending at such
    an edge too (right-aligned headers run together: "exclusion rate before substitution" heads two columns),
    else where its words stand clearly further apart than elsewhere in it: "HOVER (2-hop)  HOVER (3-hop)
    FEVEROUS-S" heads three groups of columns; "Year ended 30 June" stays whole."""
    words = cell.words
    covered = sum(1 for col in columns if min(cell.x1, col.x1) - max(cell.x0, col.x0) > 0)
    edges = [i for i, word in enumerate(words[:-1], 1) if _ends_at_edge(word, columns)
             and not words[i].text.startswith("(")]  # "DLHS-3 (2007-08)": a bracket qualifies the word before it
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


def _within_next(words: Sequence[Word], columns: Sequence[Column]) -> bool:
    """Whether words lie over one column only, past the right edge of the column before it."""
    return any(words[0].x0 > before.x1 and words[-1].x1 <= col.x1 + 5
               for before, col in zip(columns, columns[1:]))


def _header_centres(header_lines: Sequence[Line], columns: Sequence[Column]) -> list[float]:
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


def _centred(cell: Cell, columns: Sequence[Column]) -> bool:
    """Whether a cell sits over the middle of the value columns (or covers most of them)."""
    left, right = columns[0].x0, columns[-1].x1
    middle = (cell.x0 + cell.x1) / 2
    return abs(middle - (left + right) / 2) <= 0.2 * (right - left) or cell.x1 - cell.x0 >= 0.6 * (right - left)


# a sentence that says what the table below it gives: its caption, though it ends in a full stop
_INTRODUCES_RE = re.compile(r"\bfollowing (?:table|schedule|summary)\b|\btables? below\b"
                            r"|\b(?:is|are|was|were) as follows\b"
                            r"|\b(?:summarized|presented|shown|set forth|detailed|provided)"
                            r" (?:below|in the following)\b",
                            re.IGNORECASE)


def _last_sentence(text: str) -> str:
    return re.split(r"(?<=[a-z0-9)%][.;]) (?=[A-Z])", text)[-1]


def _introducing_sentence(text: str, above: Line | None) -> str:
    """The sentence ending `text` when it says what the table below gives, with its start on the line above if it
    began there; else ""."""
    sentence = _last_sentence(text)
    if sentence[:1].islower() and above is not None and not is_row(above) and not above.text.strip().endswith("."):
        sentence = _last_sentence(f"{above.text.strip()} {sentence}")
    if re.search(r"\b(?:is|are)\s*\.$", sentence):
        return ""  # "All amounts set forth in the following tables are [in millions]." gives only the unit
    return sentence if _INTRODUCES_RE.search(sentence) and len(sentence) <= 300 else ""


def caption_and_unit(lines: list[Line], top_index: int, header_lines: Sequence[Line]) -> tuple[str, str]:
    unit = ""
    for line in header_lines:
        match = UNIT_RE.search(line.text)
        if match:
            unit = short_unit(match.group())
            break
    captions: list[str] = []
    first = max(0, top_index - 4)
    for index in range(top_index - 1, first - 1, -1):
        line = lines[index]
        text = line.text.strip()
        if not unit or unit in ("%", "％") and CJK_UNIT_RE.search(text):  # "同比增减(%)" is a column's own unit,
            # "单位：万元" over the table the table's
            match = UNIT_RE.search(text) if not unit else CJK_UNIT_RE.search(text)
            if match:
                unit = short_unit(match.group())
                text = text.replace(match.group(), "").strip(" ,;")
        if not text or _NOT_CAPTION_RE.match(text):
            continue
        if captions and captions[0].endswith(":") and captions[0][:1].islower() and not text.endswith(".") \
                and len(text) + len(captions[0]) <= 300:  # the sentence introducing the table began a line higher
            start = text.rfind(". ")  # ("The aggregate annual maturities on long-term debt ... were as" / "follows:")
            captions[0] = f"{text[start + 2:] if start >= 0 else text} {captions[0]}"
            continue
        if text.endswith(".") and not captions:
            introducing = _introducing_sentence(text, lines[index - 1] if index > first else None)
            if introducing:  # "The following table summarizes product warranty activity ... 2022 and 2021."
                captions.insert(0, introducing)
                break
        if text.endswith(":") and not captions and not _CAPTION_START_RE.match(text):  # "$241 and $284. Estimated
            # amortization expense for the five succeeding years is as follows:":
            text = _last_sentence(text)  # the sentence introducing the table
        numbered = bool(_CAPTION_START_RE.match(text))  # "Table 324. Arrests by Sex and Age: 2009" is no row
        long = len(text) > 100 and not text.endswith(":")  # a sentence, not one that introduces the table
        # (Chinese and Japanese lines are short: the paragraph introducing the table takes three)
        most = 3 if has_cjk(text) else 2
        if long or is_row(line) and not numbered or text.endswith(".") or len(captions) >= most and not numbered:
            break  # (a numbered title over two short lines still heads it: "TABLE 125: ... - 1997" over "(As at
            # end-March)" and the unit)
        captions.insert(0, text)
        if numbered:
            break
    joined = " ".join(captions[:1])
    for part in captions[1:]:  # a caption's broken-off line goes on in the next ("... with breakdown by" / "gender")
        joined += (" " if BROKEN_OFF_RE.search(joined) else ", ") + part
    return joined, unit
