"""Table columns and the years they name: which column of a labelled row a question asks for.

A row written at ingest as "Label: 2022: 214,847; 2021: 254,815" has its cells as (column header, value) pairs
(`rag.answer.verify.parse_row`). This module reads the headers: the years a header names (`column_years`, a fiscal
year as the document names it), the asked year's cells (`asked_cells`), the column a question names by its words
(`named_column`, `header_words`), the columns that are an estimate's margin of error (`estimates`), and the sex a
question's words name ("women": "Female"). Used by the verifier and the cell step.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Protocol

from rag.ingest.fiscal_years import early_year
from rag.text import has_cjk, tokenize

YEAR_RE = re.compile(r"(?<![\d,.])(?:FY\s?|fiscal\s(?:year\s)?)?((?:19|20)\d{2})(?!\d|,\d)|\bFY\s?'?(\d{2})\b",
                     re.IGNORECASE)
MONTHS = frozenset(tokenize("january february march april june july august september october november december"))
# words that name no measure on their own ("Total" of what?)
GENERIC = frozenset(tokenize("total net other consolidated"))
_PERIOD_TERMS = frozenset(tokenize("fiscal year years ended ending weeks week months month quarter quarters "
                                   "unaudited audited"))  # a header's period words, checked apart from its name


def _header_terms(header: str) -> set[str]:
    """A column header's naming words: not its date or period ("30 June 2022", "52 Weeks Ended (fiscal 2022)"
    name a period, checked apart), not "total"."""
    words = set(tokenize(header)) - GENERIC - _PERIOD_TERMS or set(tokenize(header))  # "Totals" alone names its
    # column
    if words & MONTHS:
        return {word for word in words if not word.isdigit() and word not in MONTHS}
    return {word for word in words if not (word.isdigit() and len(word) == 4)}  # "3" of "HOVER (3-hop)" stays


def years(text: str) -> set[int]:
    """The years written in `text` ("2022", "FY2021", "FY22")."""
    found = set()
    for match in YEAR_RE.finditer(text):
        if match.group(1):
            found.add(int(match.group(1)))
        elif match.group(2):
            found.add(2000 + int(match.group(2)))
    return found


FISCAL_LABEL_RE = re.compile(r"\(fiscal ((?:19|20)\d{2})\)")
_CHANGE_COLUMN_RE = re.compile(r"\b(?:change|vs\.?|versus|variance|increase|decrease)\b", re.IGNORECASE)


_ASKS_FISCAL_RE = re.compile(r"\bfiscal\b|\bFY\s?'?\d", re.IGNORECASE)
_EARLY_DATE_RE = re.compile(r"\b(?:january|february|jan\.?|feb\.?)\s+\d{1,2},?\s+(?:19|20)\d{2}\b", re.IGNORECASE)


def unstated_fiscal_years(question: str, texts: Sequence[str]) -> list[int]:
    """The years the question asks that `texts` never state, where their year ends early in the next year: the
    tables name their January and February columns' fiscal years ("January 28, 2023 (fiscal 2022)", learned at
    ingest), so "2023" in such a date is no statement about fiscal 2023. [] for a question that names no fiscal
    year ("in 2023" may mean the year ended January 2023) or names the day, and for texts without those names."""
    if not _ASKS_FISCAL_RE.search(question) or asks_by_date(question) \
            or not any(FISCAL_LABEL_RE.search(text) for text in texts):
        return []
    stated = set().union(*(years(_EARLY_DATE_RE.sub(" ", text)) for text in texts))
    return sorted(years(question) - stated)


def column_years(header: str, by_date: bool = False) -> set[int]:
    """The years a column header names. A column dated in January or February names no fiscal year unless the
    ingest learned which one from the document ("January 29, 2022 (fiscal 2021)", `rag.ingest.fiscal_years`):
    companies name that year either way."""
    if _CHANGE_COLUMN_RE.search(header):
        return set()  # "Change 2015 vs. 2014" holds a difference, not a year's value
    label = FISCAL_LABEL_RE.search(header)
    if label:
        return {int(label.group(1))} | (years(header) if by_date else set())
    if early_year(header) and not by_date:
        return set()
    return years(header)


def asks_by_date(question: str) -> bool:
    """Whether the question names a day in January or February ("at January 28, 2023", "Feb. 1, 2020")."""
    return bool(re.search(r"\b(?:january|february|jan\.?|feb\.?)\s+\d{1,2}\b", question, re.IGNORECASE))


class Row(Protocol):
    cells: list[tuple[str, str]]  # (column header, value), as `rag.answer.verify.Unit` holds them


def asked_cells(unit: Row, period: set[int], by_date: bool = False) -> list[tuple[str, str]]:
    """A row's cells for the asked years (for a span of years asked, "1951-1961", the column of that span when
    there is one); with no year asked, its only cell (a one-value row). `by_date`: the question names the day ("as
    of January 28, 2023"), so a column dated in January or February is that date's."""
    if period:
        cells = [(head, value) for head, value in unit.cells if column_years(head, by_date) & period]
        spans = [(head, value) for head, value in cells if column_years(head, by_date) == period]
        return spans if len(period) > 1 and spans else cells  # "1951-1961" asked: that column, not "1961-1971"
    return list(unit.cells) if len(unit.cells) == 1 else []


def header_words(header: str, asked_words: set[str], common: set[str] = frozenset()) -> set[str]:
    """The words of a column header (less years and generic words, and the `common` words all its row's headers
    hold) the question names, when it names at least half of them ("Retail/LTC" of "Health Care Retail/LTC")."""
    words = _header_terms(header) - common or _header_terms(header)
    named = words & asked_words
    return named if named and len(named) >= 0.5 * len(words) else set()


def named_column(cells: Sequence[tuple[str, str]], asked_words: set[str], order: Sequence[str] = ()
                 ) -> tuple[str, str] | None:
    """The (header, value) whose header the question names: more of its words than any other header, then more of
    its word pairs in the question's order (`order`, its tokens: "EU-25 Female" over "EU-15 Female" for "women
    aged 15 to 64 across the EU-25"), then the one named most wholly ("Redemption Long Gun" over "Long Gun" for
    "long gun redemption checks", "Handgun" over "Redemption Handgun" for "handgun checks"); None when none is
    named or two equally."""
    pairs = set(zip(order, order[1:]))
    # Chinese/Japanese headers share their measure's characters ("本期发生额", "上期发生额"): the pairs all of them hold
    # name no column, and the rest must be named
    common = set.intersection(*(_header_terms(head) for head, _ in cells)) \
        if len(cells) > 1 and all(has_cjk(head) for head, _ in cells) else set()

    def score(head: str) -> tuple[int, int, float]:
        named = header_words(head, asked_words, common)
        words = _header_terms(head) - common or _header_terms(head)
        tokens = tokenize(head)
        in_order = sum(pair in pairs for pair in zip(tokens, tokens[1:])) if named else 0
        return len(named), in_order, len(named) / len(words) if words else 0.0

    scored = sorted(((score(head), head, value) for head, value in cells), reverse=True)
    if not scored or scored[0][0][0] == 0 or len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1], scored[0][2]


# a survey estimate's accuracy beside it ("Margin of error (±)", "Standard error"): not the figure asked
ERROR_HEAD_RE = re.compile(r"\berror|\bmoe\b|\bs\.e\.|\bconfidence\b|\bci\b|±", re.IGNORECASE)


def estimates(cells: list[tuple[str, str]], asked_words: set[str]) -> list[tuple[str, str]]:
    """Of several cells, those that are not an estimate's margin of error or standard error, unless the question
    asks for one."""
    if len(cells) < 2 or ERROR_HEAD_RE.search(" ".join(asked_words)):
        return cells
    return [(head, value) for head, value in cells if not ERROR_HEAD_RE.search(head)] or cells


# The word a table heads its column with for a question's word: "Female" for "women"; "Maximum Number of Shares that
# May Yet Be Purchased" for the shares that "could still be purchased" or "remain" under a repurchase program.
_HEADED = {word: head for words, head in ((("women", "woman", "girls", "female"), "female"),
                                          (("men", "man", "boys", "male"), "male"),
                                          (("still", "remaining", "remain", "remained", "left", "yet"), "yet"))
           for word in tokenize(" ".join(words))}


# Chinese statements head their columns 本期发生额 / 上期发生额 and 期末余额 / 期初余额 (or 年初余额): the period a
# question names as 本报告期 / 当期 is 本期, 上年同期 / 去年同期 is 上期 (as character pairs, the search tokens).
_CJK_HEADED = ((("本报", "报告", "告期"), "本期"), (("当期",), "本期"), (("上年", "年同", "同期"), "上期"),
               (("去年", "年同", "同期"), "上期"), (("年初",), "期初"), (("期初",), "年初"))


def with_header_words(words: set[str]) -> set[str]:
    """Words with the one a table heads its column with for what they name ("women": "Female", "still": "Yet",
    本报告期: 本期)."""
    return words | {_HEADED[word] for word in words if word in _HEADED} | {
        head for pairs, head in _CJK_HEADED if set(pairs) <= words}


# columns a Chinese or Japanese statement heads by the period, not its year: "当期" / "前期", "本期" / "上期"
_CJK_PERIOD_HEADS = frozenset("本期 当期 上期 前期 本年 上年 当年".split())


def period_column_named(cells: Sequence[tuple[str, str]], asked_words: set[str]) -> bool:
    """Whether the question names one of the cells' columns by the period word that heads it ("外食事業の当期の
    セグメント利益": "セグメント利益 当期"): the year it also names is that period's, which the table does not print."""
    asked = asked_words & _CJK_PERIOD_HEADS
    return bool(asked) and any(asked & set(tokenize(head)) for head, _ in cells)


_ORDINAL_PERIOD_RE = re.compile(r"第\s*(\d+)\s*期")


def ordinal_periods(text: str) -> set[int]:
    """The fiscal periods a Japanese or Chinese text names by their number ("第78期"), which filings print over each
    year's column ("第78期 2025年3月")."""
    return {int(number) for number in _ORDINAL_PERIOD_RE.findall(unicodedata.normalize("NFKC", text))}


_COUNT_VALUE_RE = re.compile(r"\d{1,3}(?:,\d{3})*|\d+")  # a plain count: "3000", "8,729" (no date, no amount)
_COUNT_HEAD_RE = re.compile(r"(?:number|no\.|count|shares|units)\b", re.IGNORECASE)
HOW_MANY_RE = re.compile(r"\bhow many\b", re.IGNORECASE)


def count_column(cells: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
    """The cell a "how many" question asks of a row of several: its one plain count ("how many ... affected?" of a
    layoff record), else its one column headed as a count ("Number of Shares (in thousands)": "(2,852)")."""
    counts = [cell for cell in cells if _COUNT_VALUE_RE.fullmatch(cell[1].strip())]
    if len(counts) != 1:
        counts = [cell for cell in cells if _COUNT_HEAD_RE.match(cell[0])]
    return counts[0] if len(counts) == 1 else None
