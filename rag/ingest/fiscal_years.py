"""Which fiscal year a column dated in January or February is, learned from the document itself.

A retailer's year ends late in January: its statements head the columns "January 28, 2023" and "January 29, 2022".
Companies name such a year differently: Best Buy calls the year ended January 28, 2023 "fiscal 2023", Ulta Beauty
calls the same span "fiscal 2022". The column does not say, and "fiscal 2022" read as "the 2022 column" picks the
wrong year for one of them. The document says it in its prose, where a figure of the table is written again with
its fiscal year ("compared to $985.8 million in fiscal 2021" beside the "January 29, 2022" column's 985,837
thousand). Each such match is a vote for how many years the column's date runs ahead of the fiscal year's name (0 or
1); when the votes agree, every such column of the document is headed with its name: "January 29, 2022 (fiscal
2021)". Without votes the headers stay as printed, and the answer stage treats them as not naming a fiscal year.

Hands on the document's tables and page text, their headers labelled in place (called by `rag.ingest.pdf`).
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the answer stage imports `early_year` on every question: the table parser stays unloaded
    from rag.ingest.tables import Table

_EARLY_DATE_RE = re.compile(r"^\s*(?:[\w\s-]{0,30}?\bended\s+)?(?:january|february|jan\.?|feb\.?)\s+\d{1,2},?\s+"
                            r"((?:19|20)\d{2})\b", re.IGNORECASE)
_YEAR_HEAD_RE = re.compile(r"^\s*(?:fiscal\s+(?:year\s+)?|fy\s?)?((?:19|20)\d{2})\s*$", re.IGNORECASE)
_FISCAL_RE = re.compile(r"\bfiscal(?: year)?\s+((?:19|20)\d{2})\b", re.IGNORECASE)
_AMOUNT_RE = re.compile(r"\$\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*(thousand|million|billion)?\b", re.IGNORECASE)
_SCALES = {"thousand": 3, "million": 6, "billion": 9, "": 0}
MIN_DIGITS = 3  # a figure with fewer significant digits matches a cell by chance too often
AGREE = Decimal("0.001")  # the prose's rounded figure and the cell agree within 0.1%


def early_year(header: str) -> int | None:
    """The year of a column headed by a date in January or February ("January 28, 2023 (Unaudited)"), else None."""
    match = _EARLY_DATE_RE.match(header)
    return int(match.group(1)) if match else None


def label_fiscal_years(pages) -> int:
    """Head every January/February-dated column of the document's tables with the fiscal year its prose gives it;
    the pages' text is updated with the tables' new text. The number of columns labelled."""
    tables = [table for page in pages for table in (getattr(page, "tables", None) or [])]
    dated = [table for table in tables if any(early_year(head) for head in table.headers)]
    if not dated:
        return 0
    named = [table for table in tables if any(_YEAR_HEAD_RE.match(head) for head in table.headers)]
    offset = _learned_offset(dated, named, " ".join(page.text or "" for page in pages))
    if offset is None:
        return 0
    labelled = 0
    for page in pages:
        for table in getattr(page, "tables", None) or []:
            before = table.text()
            heads = [f"{head} (fiscal {year - offset})" if (year := early_year(head)) and "fiscal" not in head.lower()
                     else head for head in table.headers]
            if heads == table.headers:
                continue
            labelled += sum(a != b for a, b in zip(heads, table.headers))
            table.headers = heads
            page.text = page.text.replace(before, table.text())
    return labelled


def _learned_offset(tables: list[Table], named: list[Table], prose: str) -> int | None:
    """Years the columns' dates run ahead of the fiscal years' names, by the votes of the prose and of tables
    headed by the fiscal years themselves ("2023 2022 2021"); None without a clear majority."""
    cells = _cells(tables, early_year)
    votes: Counter[int] = Counter()
    for amount, fiscal in _cells(named, _named_year):  # the same figure in a "2022" column and a dated one
        if len(str(int(amount)).strip("0")) >= MIN_DIGITS:
            _vote(amount, fiscal, cells, votes)
    for sentence in re.split(r"(?<=[.;])\s+", prose):
        fiscal_years = {int(y) for y in _FISCAL_RE.findall(sentence)}
        if len(fiscal_years) != 1:
            continue
        fiscal = fiscal_years.pop()
        for amount, digits in _prose_amounts(sentence):
            if digits >= MIN_DIGITS:
                _vote(amount, fiscal, cells, votes)
    if not votes:
        return None
    (best, count), *rest = votes.most_common()
    return best if not rest or count >= 2 * rest[0][1] else None


def _vote(amount: Decimal, fiscal: int, cells: list[tuple[Decimal, int]], votes: Counter[int]) -> None:
    """A vote for each dated cell holding `amount` (within AGREE): its date's year less the fiscal year named."""
    for cell, year in cells:
        if abs(cell - amount) <= AGREE * abs(cell) and year - fiscal in (0, 1):
            votes[year - fiscal] += 1


def _cells(tables: list[Table], year_of) -> list[tuple[Decimal, int]]:
    """(amount, year) of every value in a column whose header `year_of` reads a year from."""
    found = [(_cell_amount(value, table), year) for table in tables for _label, values in table.rows
             for head, value in zip(table.headers, values) if (year := year_of(head))]
    return [(amount, year) for amount, year in found if amount]


def _named_year(header: str) -> int | None:
    match = _YEAR_HEAD_RE.match(header)
    return int(match.group(1)) if match else None


def _prose_amounts(sentence: str) -> list[tuple[Decimal, int]]:
    out = []
    for whole, decimals, word in _AMOUNT_RE.findall(sentence):
        digits = whole.replace(",", "") + (decimals or "")
        try:
            value = Decimal(f"{whole.replace(',', '')}.{decimals or 0}").scaleb(_SCALES[word.lower()])
        except InvalidOperation:
            continue
        if value:
            out.append((value, len(digits.lstrip("0"))))
    return out


def _cell_amount(value: str, table: Table) -> Decimal | None:
    from rag.ingest.table_units import scale_of

    match = re.search(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", value)
    if not match or "%" in value:
        return None
    scale = scale_of(table.unit)
    exponent = _SCALES.get(scale[1], 0) if scale else 0
    return Decimal(match.group().replace(",", "")).scaleb(exponent)
