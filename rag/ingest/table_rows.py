"""A table's rows: their labels, the groups and parents they stand under, and what makes lines no table at all.

A row's label may wrap onto the next line or go on from the one above; a group's label may be printed once, left of
its rows ("1996 | Women | 5.3 13.9 80.9"); a row set in under another is a part of it ("Severe disability" over
"Employed"); a row of figures without a label that sums those above is their "Total". A chart's axis and a form's
numbered lines look like tables and are none.

Hands on these row readings (`parent_labels`, `spanned_groups`, `label_totals`, `clean_value`, ...) to
`rag.ingest.tables`, which builds the `Table`.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence

from rag.ingest.table_words import Column, Line, column_of

MARKERS_RE = re.compile(r"(?:\(\d{1,2}\)){2,}|\*+")  # "(6)(7)": footnote marks alone ("(4)" alone is a negative four)
_LINE_NUMBER_RE = re.compile(r"(\d{1,3})\s?(?:[a-e]|\([a-e]\))?")  # a form's line number: "9a", "76 (b)"
_TOTAL_LABEL_RE = re.compile(r"(?:total|net|less|add|sub-?total)\b", re.IGNORECASE)
# a row that is a period's balance, whose indented rows are its movements, not its parts
_PERIOD_LABEL_RE = re.compile(r"\b(?:19|20)\d\d\b|\b(?:balances?|outstanding|beginning|nonvested|unvested|as of)\b"
                              r"|\b(?:january|february|march|april|may|june|july|august|september|october|november|"
                              r"december)\b", re.IGNORECASE)
_PERCENT_ROW_RE = re.compile(r"(?:%|percent(?:age)?)\b", re.IGNORECASE)  # "Percent of sales" under its amount
# a value and its marker: "1,234(a)", "73ab"
_FOOTNOTE_RE = re.compile(r"^(.*?[\d)%])\s?(\(\w\)|\*+|[¹²³⁴⁵⁶⁷⁸⁹]|(?<=\d)[a-e]{1,4})$")
BROKEN_OFF_RE = re.compile(r"(?:,|\b(?:and|or|of|for|the|to|in|by|with))$", re.IGNORECASE)
_ROW_NUMBER_RE = re.compile(r"\d{1,4}")  # a year or a small whole number as a row's label
MIN_ROWS = 3  # rows with figures a table must have
PARENT_MARK = " › "  # between a row's label and those of the rows it is indented under
INDENT = 3.0  # points a label must start right of the one above to stand under it


def labels_in_first_column(rows: Sequence[Line], columns: Sequence[Column]) -> bool:
    """Whether the first column of figures is the rows' labels: that column holds a different year or small whole
    number in each row that has no label of words ("2004 34.7 36.2", "0 138 6.9": years, or a count of answers,
    down the left); rows labelled in words may only follow them, with nothing in that column (a schedule's
    "2019 ... 2023", then "Thereafter" and "Total")."""
    if len(columns) < 3:
        return False
    firsts = []
    worded = False
    for line in rows:
        if not line.figures():
            continue
        first = line.cells[0]
        if line.label().strip() and firsts:
            worded = True
            if any(cell.figure and column_of(cell, columns) == 0 for cell in line.cells):
                return False
            continue
        if worded or line.label().strip() or column_of(first, columns) != 0 or \
                not _ROW_NUMBER_RE.fullmatch(first.text):
            return False
        firsts.append(first.text)
    return len(firsts) >= MIN_ROWS and len(set(firsts)) == len(firsts)


def left_of_labels(rows: Sequence[Line], columns: Sequence[Column]) -> bool:
    """Whether the first column of figures stands left of the rows' labels: years or small whole numbers, each
    followed on its line by a label of words before the next column ("1996 | Women | 5.3 13.9 80.9": a year
    heading a group of rows, printed once beside its middle row). Figures never come before a row's label."""
    if len(columns) < 2:
        return False
    first, second = columns[0], columns[1]
    held = 0
    for line in rows:
        cells = [cell for cell in line.cells if cell.figure and column_of(cell, columns) == 0]
        if not cells:
            continue
        words = [cell for cell in line.cells if not cell.figure and cell.x0 > first.x1 and cell.x1 < second.x0]
        if len(cells) > 1 or not _ROW_NUMBER_RE.fullmatch(cells[0].text) or not words:
            return False
        held += 1
    return held >= 2


def spanned_groups(rows: Sequence[Line], column: Column) -> dict[int, str]:
    """For the lines of a group that lack its label, the label printed once beside one of them (`left_of_labels`),
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


def parent_labels(rows: Sequence[tuple[str, list[str]]], spans: dict[int, tuple[float, float]],
             money: bool = False) -> dict[int, str]:
    """For each row indented under a row with figures above it ("Severe disability" / "  Employed"), the labels of
    the rows it stands under, outermost first. Only where labels start at a few set indents, each shared by two rows
    or more (the outermost may be one row), and not where two labels end or centre alike (right-aligned or centred
    labels start anywhere); a sentence and a title row without figures (a part of its own, `passage_units` reads
    it) end the nesting, and so does a total ("Total revenue", often set further in), which then heads the rows set
    in under it. A row whose figures share no column with the row above stands under it (the measure's minimum
    above, each holder's value below). In a table of money (a financial statement) items are set in under
    the revenue they are no part of, so there only a percentage row stands under its amount ("Percent of sales")."""
    starts = {index: x0 for index, (x0, _) in spans.items()}
    levels: list[list[float]] = []  # the indents of rows with figures (a title row above them stands apart)
    for x in sorted(x0 for index, x0 in starts.items() if index < len(rows) and any(rows[index][1])):
        if levels and x - levels[-1][-1] <= INDENT - 1:
            levels[-1].append(x)
        else:
            levels.append([x])
    if not 2 <= len(levels) <= 5 or len(levels[-1]) < 2 or sum(len(level) < 2 for level in levels) > 1:
        return {}
    out: dict[int, str] = {}
    stack: list[tuple[float, str, int]] = []  # the rows the next may stand under: start, label, index
    for index, (label, values) in enumerate(rows):
        start = starts.get(index)
        if not values or start is None or ". " in label:
            stack = []
            continue
        if _TOTAL_LABEL_RE.match(label):  # a total ends the rows above; rows set in under it are its parts
            stack = [(start, label, index)]  # ("Total" over "American Express Company", "... National Bank")
            continue
        while stack and stack[-1][0] > start - INDENT:
            stack.pop()
        if stack and (_aligned(spans[index], spans[stack[-1][2]]) or _PERIOD_LABEL_RE.search(stack[-1][1])
                      or not (_part_of(values, rows[stack[-1][2]][1]) and not money or _PERCENT_ROW_RE.match(label))):
            stack = []  # no part of the row above: a larger count ("Aged 6 and older" set further in), a movement
            # of a balance ("Balance at January 1, 2022" / "Recoveries"), a result ("Cost of sales" / "Gross profit")
        if stack:
            out[index] = PARENT_MARK.join(parent for _, parent, _ in stack)
        stack.append((_item_start(label, spans[index]), label, index))
    return out


_OF_WHICH_RE = re.compile(r"^(?:其中|うち|of which)\s*[：:]\s*", re.IGNORECASE)


def _item_start(label: str, span: tuple[float, float]) -> float:
    """Where a row's item starts: after "其中：" ("of which:"), whose next rows set in as far are its siblings
    ("其中：教育" / "社会保障和就业"), not its parts."""
    match = _OF_WHICH_RE.match(label)
    if not match or len(label) <= match.end():
        return span[0]
    return span[0] + (span[1] - span[0]) * match.end() / len(label)


def _aligned(span: tuple[float, float], other: tuple[float, float]) -> bool:
    """Whether two labels end, or centre, at the same place: set right-aligned or centred, not indented."""
    return abs(span[1] - other[1]) <= 1.5 or abs(sum(span) - sum(other)) <= 3.0


def _part_of(values: Sequence[str], whole: Sequence[str]) -> bool:
    """Whether a row's figures can be a part of those of the row it is indented under, by the first column both
    fill: a count or amount no larger and not negative (not a movement of a balance, "Forfeited (1.1)"), a
    percentage under a percentage, or a row naming its percentage under the amount it is of ("Percent of sales")."""
    if not any(value and total for value, total in zip(values, whole)):
        return any(values) and any(whole)  # no column in common: the row above gives its measure's benchmark
        # ("Total: Effective Minimum: 10.5"), the rows under it each holder's value ("... National Bank: 13.2")
    for value, total in zip(values, whole):
        if value and total:
            part, of = _amount(value), _amount(total)
            if part is None or of is None:
                return False
            if "%" in value and "%" in total:
                return True
            if "%" in value or "%" in total:
                return False  # (`parent_labels` lets a row naming its percentage through)
            return 0 <= part <= abs(of)
    return False


def axis_ticks(rows: list[tuple[str, list[str]]]) -> bool:
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


def label_continues(label: str) -> bool:
    """Whether a label goes on from the line above ("provided by operating activities", "(thousands)")."""
    return label[:1].islower() or label[:1] in "(&–-"


def label_goes_on(label: str, line: str, gap: float, height: float) -> bool:
    """Whether a line of words just below a row (less than half a line's height apart) ends that row's label
    ("Applications and mashups" / "developed by the public and" / "government"; "Budget Coefficient for Coffee," /
    "Tea, Herb Tea"): it starts in lower case, or the label breaks off after a comma or a joining word."""
    return gap < 0.5 * height and ("a" <= line[:1] <= "z" or bool(BROKEN_OFF_RE.search(label)))


def _amount(value: str) -> float | None:
    text = value.replace(",", "").replace("$", "").replace("£", "").replace("€", "").strip()
    negative = text.startswith("(") and text.endswith(")") or text.startswith(("-", "−", "–"))
    text = text.strip("()-−– ")
    try:
        number = float(text)
    except ValueError:
        return None
    return -number if negative else number


def label_totals(rows: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
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


def clean_value(value: str) -> str:
    """Keep a footnote marker apart from its value: "1,234(a)" -> "1,234 (a)", "73ab" -> "73 (ab)"."""
    value = " ".join(value.split())
    match = _FOOTNOTE_RE.match(value)
    if match and match.group(1) and not re.fullmatch(r"\(\d+\)", value):
        marker = match.group(2)
        return f"{match.group(1)} ({marker})" if marker.isalpha() else f"{match.group(1)} {marker}"
    return value
