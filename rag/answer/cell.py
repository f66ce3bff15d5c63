"""The table cell a question asks for, read from its labelled row without the reader.

A question like "What is the FY2018 capital expenditure amount for 3M?" asks for one cell: the row the question
names (here by its statement name, "Purchases of property, plant and equipment") in the column of the asked year.
The ingest writes every table row with its labels (`rag.ingest.tables`: "Purchases of property, plant and equipment
(PP&E): 2018: (1,577 million); 2017: (1,373 million)"), so that cell can be read exactly; a 0.5B reader given the
same rows still picks a neighbouring row or year about half the time. When the passages hold such a cell and nothing
makes it doubtful, it is the answer, quoted as printed with its row, column and page:
- when the row's label holds every word of the question's subject (`Cell.exact`), the reader is not asked;
- when it holds most of them (at least `COVERAGE`: "Secured term loan facility" for "the outstanding principal of
  the secured term loan facility"), the reader answers first, and the cell replaces its answer only when a row
  contradicts that answer or it was withdrawn as invented (`rag.answer.verify`, `rag.answer.settle`).

It is doubtful, and the reader answers as before, when:
- the question asks for arithmetic (an average, a change, a ratio it defines), a share no table prints as a
  percentage, a yes or no, or a list;
- no row's label is made only of the question's subject words (or of its line item's usual statement names,
  `rag.query.aliases`) and holds enough of them (`COVERAGE`); "Total" alone names nothing;
- the rows that name it best state different values in the asked column (two segments' "Revenue"; the same figure
  rounded differently, "$4,795.5 million" and "4,795,511 thousand", agrees);
- no row naming it has the asked year's column (a column headed by two years, "% Change 2015-2014", is not it),
  or, with no year asked, a single value column.

A year's row ("2005: EU-25 Female: 56.3%") is named by the column the question names; a row indented under others
("West › Utah") by its own label, the others its title. A cell the question names that the table prints as not
given (":", "(X)", "n/a") is handed on too, `Cell.given` false: the answerer then says the table gives no figure.

Hands on a `Cell` (the row `Unit`, its column header and value) and the answer text built from it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answer.asked_kind import money_for_a_count
from rag.answer.grounding import Figure, Passage, figures
from rag.answer.period_span import other_span, span
from rag.answer.settle import OTHER_ITEM_END, UNFOUND_REASON
from rag.answer.columns import (GENERIC, MONTHS, asked_cells, asks_by_date, column_years, count_column, estimates,
                                header_words, ordinal_periods, period_column_named, with_header_words, years)
from rag.answer.months import asked_months
from rag.answer.row_scope import (NO_LATEST, LatestYears, asked_days, asked_segments, day_column, latest_years,
                                  naming_what_is_asked, of_latest_year, of_named_statement, other_period,
                                  other_years_row, segment_rows, year_rows)
from rag.answer.units import Unit, passage_units, table_caption
from rag.answer.question_subject import (ampersand_words, asks_quantity, asks_yes_no, own_name, period_end_words,
                                         rows_naming_latin_names, subject_words)
from rag.answer.verdict import CONTRADICTED, VERIFIED
from rag.answer.verify import column_name, column_named, label_words, qualified, row_scale
from rag.query.aliases import alias_readings
from rag.text import tokenize

COVERAGE = 0.6  # a row's label must hold this share of the question's subject words (in one of its readings)
NAMED_COVERAGE = 0.4  # the same, for a row whose column the question names by its words (not by a year)
FRAGMENT = 0.5  # a label covering less of the subject than this is a fragment of a name ("Diluted")
STRONG_FIT = 0.8  # a cell covering this share replaces a reader's answer that no passage verifies
QUALIFIED_FIT = 0.95  # the most a label with a qualifying clause (", including …") covers: a partial fit
LEGAL_FORMS = frozenset(tokenize("inc incorporated llc ltd limited corp corporation co company plc"))
# where the question says to look, not what it asks for ("using the balance sheet", "in the cash flow statement")
_STATEMENT_RE = re.compile(r"\bconsolidated\b|\b(?:balance sheets?|(?:income|cash flows?) statements?|statements? of "
                           r"(?:cash flows?|income|operations|earnings|financial position))\b", re.IGNORECASE)
_PERIOD_WORDS_RE = re.compile(r"\b(?:first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:fiscal\s+)?quarter\b|\bq[1-4]\b",
                              re.IGNORECASE)
_NEGATED_RE = re.compile(r"\bnon[-\s]?\w+", re.IGNORECASE)  # "Non-operating income" names no operating item
_PERCENT_ASKED_RE = re.compile(r"%|\bpercent|\bmargin|\brate\b|\bshare of\b|\bproportion\b", re.IGNORECASE)
_PERCENT_HEADER_RE = re.compile(r"%|\bper\s?cent(?:age)?\b|\bpct\b|\bshare\b", re.IGNORECASE)
# a value a table does not give: not available (":", "..", "n/a"), not applicable ("(X)"), suppressed ("(D)", "(S)");
# not a dash, which many tables print for zero
NOT_GIVEN_RE = re.compile(r":|\.\.\.?|\((?:X|NA|S|D)\)|n/a|n\.a\.|N/A|N\.A\.|NA|x|X")
_FOOTNOTE_MARK_RE = re.compile(r"\s*\(\d{1,2}\)(?=\s|$)|\*+$")
_STATEMENT_TITLE_RE = re.compile(r"\b(?:consolidated\s+)?(?:statements?\s+of\s+(?:comprehensive\s+)?[\w’']+"
                                 r"(?:\s+flows?|\s+position)?|balance\s+sheets?)\b", re.IGNORECASE)

# questions that ask for more than one printed cell: a computation, a comparison, a trend, a list
_ARITHMETIC_RE = re.compile(
    r"\b(?:defined as|define|calculate|calculated|compute|computed|changing|grow|difference|differ|compare[sd]?|"
    r"comparison|versus|vs\.?|between|trend|cagr|yoy|year[- ]over[- ]year|sum of|combined|ratio of|"
    r"from (?:fy)?\s?\d{2,4} to|which|list|each|all)\b", re.IGNORECASE)
# Chinese/Japanese words for a change, any of which a column headed "同比增减(%)" or "増減率" prints, and for an average
_CJK_CHANGE = frozenset("增长 增加 减少 下降 增减 变动 増加 減少 増減 変動".split())
_CJK_MEASURE_WORDS = _CJK_CHANGE | {"平均"}
# words that ask for a computation unless a table prints the measure under that name ("Average monthly number of
# employees", "Growth rate", "Net increase in cash"): then the row's label, its title or the column holds the word
_MEASURE_WORD_RE = re.compile(r"\b(?:average|mean|median|changes?|changed|growth|grew|increases?|increased|"
                              r"decreases?|decreased|declines?|declined)\b|" + "|".join(sorted(_CJK_MEASURE_WORDS)),
                              re.IGNORECASE)
# a second question in the same one: "How many options were granted, and at what exercise price?"
_TWO_ASKS_RE = re.compile(r",?\s+and\s+(?:at\s+|in\s+|by\s+)?(?:what|how|which|when|where|who)\b", re.IGNORECASE)
# a share asked: computed from two amounts, unless a table prints it ("What percentage of employed women worked in
# services?" of a table of percentages)
_SHARE_RE = re.compile(r"\b(?:proportion|share of|percent(?:age)? of|per cent of)\b|% of", re.IGNORECASE)


@dataclass
class Cell:
    row: Unit
    header: str
    value: str
    exact: bool = False  # the row's label holds every subject word (of one reading): the question names this row
    strong: bool = False  # the question names its row and column well (`STRONG_FIT`, or a column named by words)

    @property
    def given(self) -> bool:
        """Whether the cell holds a figure, not a statistical agency's mark for a value not given (":", "(X)")."""
        return not NOT_GIVEN_RE.fullmatch(self.value.strip())

    def not_given(self) -> str:
        """Why the question has no answer: the cell it names is printed as not given."""
        column = f", {self.header}" if self.header else ""
        return (f"{self.row.where} prints “{self.value.strip()}” for {self.row.parents}{self.row.label}{column}: "
                "the table gives no figure there")

    def answer(self) -> str:
        """The cell as printed, with its row, column and passage: "Purchases of …, 2018: (1,577 million) [1]"; a
        footnote's mark in the column's header ("Operating Leases (1)") is left out, as no figure of the answer."""
        header = _FOOTNOTE_MARK_RE.sub("", self.header)
        column = f", {header}" if header else ""
        label = _FOOTNOTE_MARK_RE.sub("", self.row.label)  # "securities(1)": no figure "1" of the answer
        return f"{self.row.parents}{label}{column}: {self.value} [{self.row.source}]."


def table_cell(question: str, passages: Sequence[Passage], names: set[str] = frozenset()) -> Cell | None:
    """The one cell of a labelled row that answers `question`, or None when the question or the rows leave doubt.
    `names`: more words naming the document itself ("Manchester United" for manu-20f.pdf), no subject words."""
    if _ARITHMETIC_RE.search(question) or _TWO_ASKS_RE.search(question) or asks_yes_no(question):
        return None
    measure_words = {_stem(word) for word in _MEASURE_WORD_RE.findall(question)}
    rows = of_named_statement(naming_what_is_asked(rows_naming_latin_names(
        [unit for passage in passages for unit in passage_units(passage) if unit.kind == "row"], question), question),
        question)
    if not rows:
        return None
    file = passages[0].file
    period = years(question)
    by_date = asks_by_date(question)
    percent_asked = bool(_PERCENT_ASKED_RE.search(question))
    order = tokenize(question)
    asked_words = with_header_words(set(order))
    count_asked = asks_quantity(question) and not percent_asked
    segment = set().union(*asked_segments(question))  # "the Blizzard segment": its column first
    latest = NO_LATEST if asked_months(question) else latest_years(rows)  # a month asked: an undated row is no month's
    values = {id(row): value for row in rows
              if (value := _asked_value(row, period, by_date, percent_asked, asked_words, count_asked, order, segment,
                                        latest, asked_days(question), ordinal_periods(question)))
              and not other_span(span(value[0]) or span(row.context), question)  # a quarter's row for a
              and not other_period(question, asked_words, row)}  # year asked ("13 Weeks Ended", "Second
    # Quarter 2017"), or the other way round; another month's report
    kept = {id(row) for row in segment_rows(year_rows([row for row in rows if id(row) in values], period), question)}
    values = {key: value for key, value in values.items() if key in kept}  # a schedule's year asked
    values = {key: value for key, value in values.items() if not money_for_a_count(question, value[1])}
    if not percent_asked and any("%" not in value for _, value in values.values()):
        values = {key: value for key, value in values.items() if "%" not in value[1]}  # an amount asked: the
        # rows giving its change or share in percent ("Front Store: 2016: 0.3%") are no candidates
    present = {token for passage in passages for token in [*tokenize(passage.text), *ampersand_words(passage.text)]}
    subject = subject_words(_PERIOD_WORDS_RE.sub(" ", _STATEMENT_RE.sub(" ", question)), file) - names  # months,
    # quarters and instructions left out (the period is checked apart)
    present_forms = _verb_forms(present)
    readings = [{word for word in with_header_words(reading & subject) if _verb_forms({word}) <= present_forms}
                | (reading - subject)  # a misspelt word of the question names no row; a line item's usual name
                for reading in alias_readings(question, subject)]  # does ("reacquire" stays: "Reacquired")
    named = {id(row): header_words(values[id(row)][0], asked_words) for row in rows if id(row) in values}
    also = {id(row): named[id(row)] | _record_words(row) for row in rows if id(row) in values}
    naming, (strict, loose, titled, distinct) = _rows_naming([row for row in rows if id(row) in values], readings,
                                                            also, period_end_words(question),
                                                            frozenset(t for t in order if t.isdigit()))
    # strong: the label and column name it, or a fragment of a label ("Diluted") under the title naming the rest
    # ("Earnings per common share"); not a label naming a measure of its own ("Net income" under "Operating
    # activities" for operating income); or most of the label and the table's caption name all of it ("Forward
    # loss recognition" in "Accrued liabilities ... consisted of the following")
    strong = strict >= STRONG_FIT or strict < FRAGMENT and titled >= STRONG_FIT or (
        strict > FRAGMENT or distinct == 1.0) and loose == 1.0  # (the label names all its table does not: "R&D
    # credits" in "The components of deferred tax assets")
    cells = [Cell(row, *values[id(row)], exact=strict == 1.0, strong=strong or bool(named[id(row)]))
             for row in naming if measure_words <= _printed_words(row, values[id(row)][0])]
    if cells and not all(cell.given for cell in cells):
        return cells[0] if not any(cell.given for cell in cells) else None  # printed as not given, or in doubt
    if cells and not _agree([_amount(cell) for cell in cells]):  # a statement "in millions" over a table stating
        cells = _with_unit(cells)  # no unit ("Total liabilities: ($141)" of a fair-value note)
    if cells and not _agree([_amount(cell) for cell in cells]):
        cells = _in_statements(cells)
    if not cells or not _agree([_amount(cell) for cell in cells]):
        return None  # rows naming the subject equally well disagree
    if _SHARE_RE.search(question) and not _in_percent(cells[0].header, cells[0].value):
        return None  # a share of amounts, to be computed
    return cells[0]


def _stem(word: str) -> str:
    """A measure word's stem: "increased", "increases" → "increas"; "grew" → "grow"."""
    word = word.lower()
    return "grow" if word == "grew" else re.sub(r"(?:e[sd]?|s|th)$", "", word)


def _printed_words(row: Unit, header: str) -> set[str]:
    """The stems of the words naming a cell: its row's label, the rows it stands under, its column, its table's
    caption; a measure word the question uses is printed there or asks for a computation."""
    text = f"{row.parents} {row.label} {row.section} {header} {caption(row.context)}"
    printed = {_stem(word) for word in re.findall(r"[a-z]+", text.lower())}
    printed |= {word for word in _CJK_MEASURE_WORDS if word in text}
    return printed | _CJK_CHANGE if printed & _CJK_CHANGE else printed


def _in_statements(cells: list[Cell]) -> list[Cell]:
    """Of cells that disagree, those of a financial statement ("Consolidated Statement of Income"), when only some
    are: a line item's amount is the statement's; a note's row of the same name is a part of another measure
    ("Research, development and related expenses" in "Stock-Based Compensation Expense")."""
    stated = [cell for cell in cells if _STATEMENT_TITLE_RE.search(table_caption(cell.row.context))]
    return stated if 0 < len(stated) < len(cells) else cells


def _with_unit(cells: list[Cell]) -> list[Cell]:
    """Of cells that disagree, those whose table states its scale or whose value carries a unit, when only some
    do: a figure of a table whose unit was not read is the weaker reading."""
    stated = [cell for cell in cells if row_scale(cell.row) or re.search(r"thousand|million|billion|%", cell.value)]
    return stated if 0 < len(stated) < len(cells) else cells


def title_names(question: str, title: set[str]) -> set[str]:
    """The words of the names the question writes (two or more capitalised words in a row) that the document's
    first page holds (`title`, its words): the company or body the document is about, "Manchester United" in a
    question on manu-20f.pdf, which no row label repeats."""
    names: set[str] = set()
    run: list[list[str]] = []
    for word in [*question.split(), ""]:  # the "" ends the last run; "+" or "and" between two words ends one
        word = re.sub(r"^\W+|(?:['’]s)?\W*$", "", word)
        tokens = tokenize(word)
        if word[:1].isupper() and tokens and set(tokens) <= title:
            run.append(tokens)
            continue
        if len(run) >= 2:  # two capitalised words or more in a row: a name ("June" or "PaLM-2L" alone is none)
            names.update(token for tokens in run for token in tokens)
        run = []
    return names


def _record_words(row: Unit) -> set[str]:
    """The words of a record's cells that are words (a layoff's city and kind: "Torrance", "Closure"), which tell
    one record of a company from its others; none for a row of figures."""
    if any(column_years(head) for head, _ in row.cells):
        return set()
    return {word for _, value in row.cells if not figures(value) for word in tokenize(value) if word.isalpha()}


def _asked_value(row: Unit, period: set[int], by_date: bool = False, percent_asked: bool = False,
                 asked_words: set[str] = frozenset(), count_asked: bool = False, order: Sequence[str] = (),
                 segment: set[str] = frozenset(), latest: LatestYears = NO_LATEST,
                 days: set[tuple[int, int]] = frozenset(), ordinals: set[int] = frozenset()
                 ) -> tuple[str, str] | None:
    """The row's (header, value) in the asked year's column, or its only value when no year is asked; None when it
    has no such column or more than one. A column headed by two years ("% Change 2015-2014") is not a year's.
    Where the columns are not years (models, benchmarks, kinds: "Permit", "HOVER (3-hop) Open"), or several
    columns are the asked year's ("Domestic 2022", "International 2022"), the column whose header the question
    names best (`named_column`)."""
    dated = any(column_years(head, by_date) for head, _ in row.cells)
    if not dated and period and not of_latest_year(row, period, latest) \
            and not period_column_named(row.cells, asked_words) and (
            not years(f"{row.label} {row.context} {row.section} {row.period}") & period
            or other_years_row(row, period)):
        return None  # columns of segments or kinds: the year asked must be the row's ("Balance at December 31,
        # 2017") or its table's ("NICS checks, November 2015"), not another's or none
    asked = asked_cells(row, period, by_date) if dated or not period else []
    if not asked and dated and not period and ordinals:  # "第78期" asked of columns headed "第78期 2025年3月"
        asked = [(head, value) for head, value in row.cells if ordinal_periods(head) & ordinals]
    if len(asked) > 1:
        asked = [(head, value) for head, value in asked if len(column_years(head, by_date)) <= 1]
    asked = estimates(asked, asked_words)
    if len(asked) > 1:  # "Net sales: 2023: $3,226,773 thousand; 2023: 100.0%": the kind asked, amount or percent
        kind = [(head, value) for head, value in asked if _in_percent(head, value) == percent_asked]
        asked = kind or asked
    if len(asked) > 1 or not asked and not dated and len(row.cells) > 1:
        candidates = [cell for cell in asked or row.cells
                      if figures(cell[1]) or NOT_GIVEN_RE.fullmatch(cell[1].strip())]
        column = column_named(candidates, asked_words, order, row.file, segment) or day_column(candidates, days)
        asked = [column] if column else []
        if not asked and count_asked:
            counted = count_column(row.cells)
            asked = [counted] if counted else []
    return asked[0] if len(asked) == 1 and (figures(asked[0][1]) or NOT_GIVEN_RE.fullmatch(asked[0][1].strip())) \
        else None


def _in_percent(header: str, value: str) -> bool:
    """Whether a cell is a percentage: "%" in its value, or its column headed "%", "Percent", "Pct" or "Share"."""
    return "%" in value or bool(_PERCENT_HEADER_RE.search(header))


def _agree(amounts: list[tuple[float, int] | None]) -> bool:
    """The same figure, allowing for rounding ($4,795.5 million and 4,795,511 thousand): within 0.1%."""
    if any(amount is None for amount in amounts):
        return False
    first, percent = amounts[0]
    return all(other_percent == percent and abs(other - first) <= 0.001 * max(abs(first), abs(other))
               for other, other_percent in amounts[1:])


def _rows_naming(rows: Sequence[Unit], readings: list[set[str]], named: dict[int, set[str]] | None = None,
                 ends: frozenset[str] = frozenset(), numbers: frozenset[str] = frozenset()
                 ) -> tuple[list[Unit], tuple[float, float]]:
    """The rows whose label (less what it has in parentheses and the document's own name) is made only of the
    words of one reading of the subject (and "total" or "net") and names a measure, with how much of that
    reading (the words the passages hold) they cover: strictly, by the label and the words of the column the
    question names (`named`, by row); loosely, also by the title of the rows it stands under ("Broadcasting" over
    "European competitions") and its table's caption ("Retail/LTC Segment"). Loosely at least COVERAGE, or
    NAMED_COVERAGE for a row whose column the question names by its words ("MULTIVERS" and "HOVER (3-hop) Open"
    for "What macro-F1 did MULTIVERS score on HOVER 3-hop claims in the open-book setting?"). A year's row
    ("2005") is named by the words of that column alone. Of them, those covering most of the words their table's
    caption and title leave to the label ("R&D credits" before "Total deferred tax assets" in "The components of
    deferred tax assets", R&D credits asked), then most strictly, then most loosely: "Operating income" before "Net
    income" under "Operating activities". Returns the rows and their (strict, loose, titled, left to the label)."""
    named = named or {}
    readings = [_verb_forms(reading) for reading in readings]  # "reacquire" asked, "Reacquired stock" printed
    fits: list[tuple[tuple[float, float, float, float], Unit]] = []
    for row in rows:
        label = _undated(label_words(row.label) - own_name(row.file) - ends) - numbers  # ("at end of period",
        # end asked; "1株当たり" asked: the "1" of the label)
        column = named.get(id(row), set())
        if not label - GENERIC and years(row.label):  # a year's row ("2005: EU-25 Female: 56.3%"): the
            label = column_name(row, column)  # column the question names names its measure
        if not label - GENERIC:
            continue
        label, column = _verb_forms(label), _verb_forms(column)
        title = _verb_forms(label_words(_NEGATED_RE.sub(" ", row.section)))
        around = title | _verb_forms(label_words(_NEGATED_RE.sub(" ", caption(row.context))))
        fit = max(((_share(label | column, reading - around) if reading - around else
                    _share(label | column, reading),  # the words its table and title leave to the label
                    _share(label | column, reading), _share(label | column | around, reading),
                    _share(label | column | title, reading))
                   for reading in readings if reading and label - _GENERIC_FORMS <= reading),
                  default=(0.0, 0.0, 0.0, 0.0))
        if fit[2] >= (NAMED_COVERAGE if column else COVERAGE):
            if qualified(row.label):  # a qualified label ("Cash …, including restricted") never names it exactly
                fit = tuple(min(share, QUALIFIED_FIT) for share in fit)
            fits.append((fit, row))
    best = max((fit for fit, _ in fits), default=(0.0, 0.0, 0.0, 0.0))
    return [row for fit, row in fits if fit == best], (*best[1:], best[0])


def _verb_forms(words: set[str]) -> set[str]:
    """Words of five letters or more without a verb's ending ("reacquired", "reacquire" -> "reacquir"; "issued",
    "issue" -> "issu"), so a label and a question that inflect a word differently name the same thing."""
    return {re.sub(r"(?:ing|ed|e)$", "", word) if len(word) >= 5 and word.isalpha() else word for word in words}


_GENERIC_FORMS = _verb_forms(GENERIC)


def _share(words: set[str], reading: set[str]) -> float:
    return len(words & reading) / len(reading)


def caption(context: str) -> str:
    """A table's caption from its opening line ("Table: Retail/LTC Segment (in millions) columns: ..."), less a
    statement's title, whose words name no row ("Consolidated Statements of Operations" is no "operating")."""
    return _STATEMENT_TITLE_RE.sub(" ", table_caption(context))


def _undated(label: set[str]) -> set[str]:
    """A label's words less the date it may give ("Balance at December 31, 2017": the year is checked apart, and
    a date names no measure) and a company's legal form ("Cisco Systems, Inc."); other numbers stay ("Level 3
    assets" is not "Level 1 assets")."""
    label = label - LEGAL_FORMS
    if label & MONTHS:
        return {word for word in label if not word.isdigit() and word not in MONTHS}
    return {word for word in label if not re.fullmatch(r"(?:19|20)\d\d", word)}


def _amount(cell: Cell) -> tuple[float, int] | None:
    """The cell's value as a comparable amount: its first figure, scaled by the row's unit."""
    found = figures(cell.value)
    if not found:
        return None
    figure = found[0][1]
    exponent = figure.exponent or (0 if figure.percent else row_scale(cell.row))
    return float(figure.value.scaleb(exponent)), int(figure.percent)


def disproved_answer(result, cell: Cell | None = None) -> bool:
    """A settled answer (`rag.answer.result.Answer`) that a cell of partial fit may replace: one a unit contradicts,
    one withdrawn for stating what no passage holds or what the tables state for other items, one giving another
    column's value of the cell's own row (the reader's usual slip: the year beside the asked one), one giving no
    figure or only a percentage for an amount, and, for a `strong` cell, one no passage verifies. Else an
    answer merely unsupported stands (the sentence that states it may use the question's words the row lacks: "the
    outstanding principal of the loan facility"), and so does the reader's own "no answer"."""
    if cell is not None and not cell.given:
        return False  # nothing to answer with
    if result.abstained:  # withdrawn as invented, or as another item's figure
        return result.abstain_reason.startswith(UNFOUND_REASON) or result.abstain_reason.endswith(OTHER_ITEM_END)
    if result.verdict is not None and result.verdict.verdict == CONTRADICTED:
        return True
    if cell is None or _states(result.answer, cell.value):
        return False
    if any(_states(result.answer, value) for head, value in cell.row.cells if head != cell.header):
        return True
    given = _given_figures(result.answer, result.question)
    if not given:
        return True  # no figure at all for a figure asked ("Pharmacy revenues were about three-fourths ...")
    if all(figure.percent for figure in given) and "%" not in cell.value \
            and not _PERCENT_ASKED_RE.search(result.question):
        return True  # "25.0% of segment revenues" for the revenue asked
    return cell.strong and (result.verdict is None or result.verdict.verdict != VERIFIED)


def _given_figures(answer: str, question: str = "") -> list[Figure]:
    """The figures an answer gives: not the years it names ("25.0% ... in 2018, 2017"), nor those it repeats from
    the question ("41.1% of those aged 21 to 64")."""
    echoed = {figure.value for _, figure, _ in figures(question)}
    return [figure for _, figure, _ in figures(answer)
            if not (figure.exponent == 0 and not figure.percent and figure.decimals == 0
                    and 1900 <= figure.value <= 2100) and figure.value not in echoed]


def _states(answer: str, value: str) -> bool:
    """Whether the answer gives the value's first figure (its digits, whatever scale word follows)."""
    found = figures(value)
    return bool(found) and any(figure.value == found[0][1].value for _, figure, _ in figures(answer))
