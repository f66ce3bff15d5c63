"""Whether a table row is of what a question asks, besides its label: its period, its segment, the names it must
hold.

A row may name the asked measure and still be another period's (a month's, a quarter's, another year's balance),
another part's (a segment's table for a question about the company) or another statement's (the cash flow
statement's "Stock-based compensation" for a question about the statement of equity). These checks are shared by the cell step
(`rag.answer.cell`) and the verifier (`rag.answer.verify`), so that a cell one would not answer with is not one
that verifies the reader's answer either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from rag.answer.columns import MONTHS, column_years, years
from rag.answer.grounding import dates
from rag.answer.units import Unit, table_caption
from rag.query.statements import asked_statements, caption_statement
from rag.text import tokenize


def other_month(asked_words: set[str], context: str) -> bool:
    """Whether a table's caption and headers name months and none the question names (a monthly report for
    November, October asked); "may" is too common a word to count."""
    asked = asked_words & MONTHS
    stated = set(tokenize(context)) & MONTHS
    return bool(asked and stated and not asked & stated)


_SEGMENT_RE = re.compile(r"\b((?:[A-Z][\w&.-]*\s+){0,3}(?!(?i:of|and|the|continuing|discontinued)\b)[A-Z][\w&.-]*)"
                         r"\s+(?i:segments?|divisions?|operations|business(?:es)?)\b")  # "Domestic Segment",
# "Canadian Operations", "3M's Consumer business"; not "Statements of Operations", "Discontinued Operations"


_HEAD_OF_RE = re.compile(r"\b(costs?|proceeds|amortization|depreciation|impairments?|gains?|loss(?:es)?|allowances?)\s+"
                         r"(?:of|on|from)\s+(?:the\s+)?([A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?)", re.IGNORECASE)


def without_measure_head(units: Sequence[Unit], question: str) -> list[Unit]:
    """The units less the rows labelled by what the question's measure is of, without the measure itself: "Revenue"
    for "the cost of revenue", "Goodwill" for "the impairment of goodwill", "Net sales" for "cost of sales"."""
    heads = [(set(tokenize(match.group(1))), set(tokenize(match.group(2)))) for match in _HEAD_OF_RE.finditer(question)]
    if not heads:
        return list(units)

    def headless(unit: Unit) -> bool:
        label = set(tokenize(unit.label))
        return any(label & of and not label & head for head, of in heads)

    return [unit for unit in units if unit.kind != "row" or not headless(unit)]


_CONNECTOR_RE = re.compile(r"\b(?:after|before|excluding|exclusive of|less|prior to)\b", re.IGNORECASE)
# a clause qualifying a label's line item (", net of tax", ", including restricted"): still that item
QUALIFIER_RE = re.compile(r",\s*(?:including|excluding|inclusive of|exclusive of|net of)\b[^,]*", re.IGNORECASE)


def unasked_connector(label: str, question: str) -> bool:
    """Whether a label names its measure after or before something the question does not ("Net deferred tax assets
    after valuation allowance" is not the valuation allowance; "Income before income taxes" is not income taxes):
    the words on both sides are the question's, the measure is another. A label opening with one ("Less: Current
    portion of long-term debt") only says how the row is summed."""
    asked = {match.casefold() for match in _CONNECTOR_RE.findall(question)}
    label = QUALIFIER_RE.sub(" ", _outside_brackets(label)).strip()
    return any(match.group().casefold() not in asked for match in _CONNECTOR_RE.finditer(label) if match.start() > 0)


_OTHER_RE = re.compile(r"\bother\b", re.IGNORECASE)


def unasked_other(label: str, question: str) -> bool:
    """Whether a label names the "other" items of a kind and the question does not: "Total other comprehensive
    income" is a part of total comprehensive income, "Purchased and other intangible assets" more than the
    purchased technology asked ("other" is a stop word, so the label's words alone cannot tell)."""
    return bool(_OTHER_RE.search(_outside_brackets(label))) and not _OTHER_RE.search(question)


def _outside_brackets(label: str) -> str:
    """A label less what it has in parentheses ("Income (loss) before taxes")."""
    return re.sub(r"\([^)]*\)", " ", label)


def naming_what_is_asked(units: Sequence[Unit], question: str) -> list[Unit]:
    """The units that name the model numbers and the segment the question names, where their value is stated
    ("Boeing's 787 program", "the Blizzard segment": a row of the consolidated figures by year names neither), and
    rows with words in their cells that hold the place the question names (`names_asked_place`); not rows naming
    their measure after or before something the question does not (`unasked_connector`), nor its "other" items
    (`unasked_other`)."""
    models = model_numbers(question)
    segments = asked_segments(question)
    places = asked_places(question)
    units = without_measure_head(units, question)
    return [unit for unit in units if models <= set(re.findall(r"\d+", f"{unit.text} {unit.context}"))
            and (not segments or any(words <= set(tokenize(f"{unit.text} {unit.context} {unit.section}"))
                                     for words in segments))
            and names_asked_place(unit, places)
            and not (unit.kind == "row" and (unasked_connector(unit.label, question)
                                             or unasked_other(unit.label, question)))]


# "the closure in Pasadena", "workers at Thousand Oaks": a place the question names after "in" or "at"
_PLACE_RE = re.compile(r"\b(?:in|at)\s+((?:[A-Z][a-z][\w'’.&-]*)(?:\s+[A-Z][a-z][\w'’.&-]*){0,2})")
_NOT_PLACES = MONTHS | {"fiscal", "fy", "note", "notes", "item", "part", "table", "exhibit", "section", "schedule"}


def asked_places(question: str) -> list[set[str]]:
    """The places the question names after "in"/"at" ("Pasadena", "Thousand Oaks"), as word sets."""
    places = []
    for match in _PLACE_RE.finditer(question):
        words = set(tokenize(match.group(1)))
        if words and not words & _NOT_PLACES:
            places.append(words)
    return places


def names_asked_place(unit: Unit, places: list[set[str]]) -> bool:
    """Whether a row whose cells hold words (a WARN notice's "City: Woodland Hills") holds each place the question
    names, in its label or cells: a Pinecrest Schools row in Woodland Hills is not the closure in Pasadena. Rows of
    figures only, and sentences, are not judged so (a place is named in their caption or the text around them)."""
    if unit.kind != "row" or not places or not any(_words_only(value) for _header, value in unit.cells):
        return True
    held = set(tokenize(" ".join([unit.label, *(value for _header, value in unit.cells)])))
    return all(place <= held for place in places)


def _words_only(value: str) -> bool:
    return bool(re.search(r"[A-Za-z]{3,}", value)) and not re.search(r"\d", value)


def of_named_statement(units: Sequence[Unit], question: str) -> list[Unit]:
    """The units less the rows of a financial statement other than the one the question names ("In Costco's
    consolidated statements of equity, how much stock-based compensation ...": not the cash flow statement's row of
    that name), and less the rows of the parent company's own statements unless the question asks for those (the
    20-F's "Condensed balance sheet of the Company" holds £131 thousand of the group's £121 million cash); rows of
    other tables (notes, schedules) stay."""
    if not _PARENT_ASKED_RE.search(question):
        units = [unit for unit in units if unit.kind != "row" or not parent_only(unit.context)]
    statements, named = asked_statements(question)
    if not named:
        return list(units)
    return [unit for unit in units if unit.kind != "row" or caption_statement(unit.context) in {None, *statements}]


_PARENT_RE = re.compile(r"\bparent\s+company\b|\bcompany[\s-]+only\b|\bof (?:the )?registrant\b"
                        r"|\bregistrant[\s-]+only\b|\bcondensed\b[^.;]{0,60}\bof the company\b|\(parent\)",
                        re.IGNORECASE)  # not "Market for
# Registrant's Common Equity", Item 5's share prices
_PARENT_ASKED_RE = re.compile(r"\bparent\b|\bcompany[\s-]+only\b|\bregistrant\b|\bstand-?alone\b|\bholding company\b",
                              re.IGNORECASE)


def parent_only(context: str) -> bool:
    """Whether a row's table is the parent company's own statement ("Condensed balance sheet of the Company",
    "Schedule I – Condensed Financial Information of Registrant"), not the group's consolidated one."""
    caption = table_caption(context)
    return bool(_PARENT_RE.search(caption)) and not re.search(r"\bconsolidated\b", caption, re.IGNORECASE)


def segment_rows(rows: Sequence[Unit], question: str) -> list[Unit]:
    """The rows but those of a table naming segments the question does not: "What was Best Buy's operating
    income?" asks the consolidated figure, not the Domestic segment's, even when only that segment's table was
    found ("What was Nike's Greater China revenue?" keeps the "Greater China segment" table's)."""
    asked = set(tokenize(question))
    return [unit for unit in rows if not _unasked_segment(unit, asked)]


def _unasked_segment(unit: Unit, asked: set[str]) -> bool:
    names = [name for part in (unit.context, unit.section, unit.label) for name in _SEGMENT_RE.findall(part)]  # each
    # apart: the last column "Total" and the label "Segment operating income" are no "Total Segment"
    return bool(names) and not any(set(tokenize(name)) <= asked for name in names)


def other_period(question: str, asked_words: set[str], unit: Unit) -> bool:
    """Whether a row is of another period than the one asked: its table, the title it stands under or its own
    label name months and none the question names ("November 1-30, 2022" over the row, December asked), or the
    question asks for the days between two dates ("from November 27, 2022 through December 31, 2022") and the
    row names neither (a whole year's column)."""
    named = f"{unit.context} {unit.section} {unit.label}"
    if other_month(asked_words, named):
        return True
    days = {(month, day) for _, (_, month, day), _ in dates(question) if month and day}
    if len(days) < 2:
        return False
    stated = {(month, day) for _, (_, month, day), _ in dates(f"{named} {' '.join(h for h, _ in unit.cells)}")}
    return not days & stated


def not_of_years(unit: Unit, period: set[int]) -> bool:
    """Whether a row of undated columns is of none of the years asked: neither its label, its table nor the title of
    its rows names one ("Total future lease payments" of a schedule "as of December 31, 2018", 2022 asked), or it
    states a year of its own that is not asked (`other_years_row`)."""
    return not years(f"{unit.label} {unit.context} {unit.section} {unit.period}") & period or \
        other_years_row(unit, period)


def asked_days(question: str) -> set[tuple[int, int]]:
    """The (month, day) dates the question names: "the quarter ended June 30, 2015"."""
    return {(month, day) for _, (_, month, day), _ in dates(question) if month and day}


def day_column(cells: Sequence[tuple[str, str]], days: set[tuple[int, int]]) -> tuple[str, str] | None:
    """The one cell whose column header is headed by a date the question names, the year set apart: a quarterly
    table's "June 30" column under "2015", for "the quarter ended June 30, 2015"."""
    found = [(head, value) for head, value in cells
             if {(month, day) for _, (_, month, day), _ in dates(head) if month and day} & days]
    return found[0] if len(found) == 1 else None


class LatestYears(NamedTuple):
    """Per file, the latest year its rows' columns are headed by (the year a filing reports on), and the tables
    some of whose rows name a year in their label or the title they stand under (their captions)."""

    years: dict[str, int]
    dated: frozenset[str]


NO_LATEST = LatestYears({}, frozenset())


def latest_years(rows: Sequence[Unit]) -> LatestYears:
    latest: dict[str, int] = {}
    for row in rows:
        for head, _ in row.cells:
            for year in column_years(head):
                latest[row.file] = max(latest.get(row.file, year), year)
    return LatestYears(latest, frozenset(row.context for row in rows
                                         if years(f"{row.label} {row.section} {row.period}")))


def of_latest_year(unit: Unit, period: set[int], latest: LatestYears) -> bool:
    """Whether a row whose table names no year at all is asked for its document's latest year: a 2017 filing's
    table of square footage by segment, "as of December 31, 2017" said only in the sentence before it. Not a
    financial statement's row, nor one of a table whose other rows name their periods (a repurchase table's rows
    under "Total" beside those under "November 1-30, 2022"): its years stand in its columns or over its parts."""
    return bool(period) and period == {latest.years.get(unit.file)} and unit.context not in latest.dated and \
        not caption_statement(unit.context) and \
        not years(f"{unit.label} {unit.context} {unit.section} {unit.period}") and not other_years_row(unit, period)


def year_rows(rows: Sequence[Unit], period: set[int]) -> list[Unit]:
    """Of rows of a question naming two years or more, those labelled by one of them when some are: "as of December
    31, 2018, how much is due in 2022?" asks for the schedule's "2022" row, not its total, dated by the other."""
    labelled = [unit for unit in rows if years(unit.label) & period]
    return labelled if len(period) > 1 and labelled else list(rows)


def other_years_row(unit: Unit, period: set[int]) -> bool:
    """Whether a row of undated columns states a year of its own, in its label or as its first value (a group of
    rows' year down the left), and not the asked one: "Women: gender (in %): 1991; Services: 77.4" is 1991's row,
    whatever years its caption names. (A year further along the row, a debt's maturity, says nothing of it.)"""
    first = unit.cells[0][1] if unit.cells else ""
    own = years(unit.label) | (years(first) if re.fullmatch(r"\s*(?:19|20)\d{2}\s*", first) else set())
    own = own or years(unit.period) or years(unit.section)  # a roll-forward's movement's year, the year titling
    return bool(own) and not own & period  # its rows ("2018:" over a quarterly table's rows)


_MODEL_NUMBER_RE = re.compile(r"(?:['’]s|\bthe|\bits|\btheir)\s+(\d{3,4})\s+(?!(?:million|billion|thousand|percent|"
                              r"per|shares|employees|people|units|times|days|years|months|hours)\b)[A-Za-z]",
                              re.IGNORECASE)


def model_numbers(question: str) -> set[str]:
    """The numbers the question uses as names ("Boeing's 787 program", "the 737 MAX"), not as amounts or years: the
    passage that answers must name them too."""
    return {number for number in _MODEL_NUMBER_RE.findall(question) if not 1900 <= int(number) <= 2100}


def asked_segments(question: str) -> list[set[str]]:
    """The words of each segment the question names ("the Greater China segment": {"greater", "china"})."""
    return [set(tokenize(name)) for name in _SEGMENT_RE.findall(question)]
