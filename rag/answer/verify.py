"""Relational verification: does one sentence or table row state the answer's value *for what was asked*?

The grounding check (`rag.answer.grounding`) asks whether the answer's figures, dates and names occur somewhere in
the passages. That passes a figure stated for another year, and an invented "version 4" because some passage holds
a 4. Here every passage is cut into evidence units (sentences, and the labelled table rows of `rag.ingest.tables`:
"Broadcasting revenue (£'000): 2022: 214,847; 2021: 254,815"), and each claim of the answer is looked for in a
unit that also states the question's subject and qualifiers:

- the period: the year the answer gives for the value, else the years the question asks about. In a table row the
  value's column header must be that year; in a sentence the year written nearest the value must be;
- the measure: the unit shares the question's subject words (its content words, less the document's own name and
  the words of a question's instructions). A row's label must be mostly made of question words or share two.

Verdicts:
- `verified`: every claim is stated by such a unit (shown with its page);
- `contradicted`: a unit states the asked measure for the asked period with another value ("page 7 gives 214,847
  for 2022; the answer's 254,815 is the 2021 figure");
- `unsupported`: no unit states it; the closest unit is shown so a person can check.

An answer with no figure, date or name is verified when one unit holds the answer's own words (those not copied
from the question) and shares the question's subject; otherwise it is unsupported.

Hands on a `Verdict` to the answer (`rag.answer.answerer.Answer.verdict`), shown by the CLI, web UI, API and eval.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from rag.answer.asked_kind import missing_kind
from rag.answer.binding import bound_elsewhere, counted_otherwise, other_amount
from rag.answer.change_figure import asks_change, asks_difference, change_column, stated_as_change
from rag.answer.closer_unit import closer_unit
from rag.answer.columns import (FISCAL_LABEL_RE, GENERIC, HOW_MANY_RE, asked_cells, asks_by_date,
                                column_years, count_column, estimates, header_words, named_column, with_header_words,
                                years)
from rag.answer.grounding import (Claim, Figure, Passage, _date_supported, _fold, _name_supported, answer_claims,
                                  dates, figures)
from rag.answer.months import asked_months, month_of, names_month
from rag.answer.period_span import QUARTER, YEAR, asked_span, claim_span, other_span, span
from rag.answer.question_subject import (ASKS_NAME_RE, ampersand_words, asked_codes, asks_quantity, asks_yes_no,
                                         extends_asked_name, generic_name, names_codes, names_subject, own_name,
                                         grammar_pair, period_end_words, rows_naming_latin_names, shares_subject,
                                         subject_words)
from rag.answer.row_scope import (NO_LATEST, QUALIFIER_RE, asked_days, asked_segments, day_column, latest_years,
                                  naming_what_is_asked, not_of_years, of_latest_year, of_named_statement, other_period,
                                  segment_rows, unasked_connector, year_rows)
from rag.answer.sentence_years import is_year_figure, value_spans, year_near_value
from rag.answer.units import OPERATOR, Unit, passage_units, table_caption
from rag.answer.verdict import CONTRADICTED, UNSUPPORTED, VERIFIED, Verdict
from rag.answer.word_answers import subject_beside, subject_weights, verify_words
from rag.ingest.tables import own_column
from rag.query.aliases import alias_tokens
from rag.text import tokenize

_PER_UNIT = r"per (?:common |ordinary )?share|%|percent|ratio|\(pence\)|\(cents\)"  # no scale goes with these
_PER_UNIT_RE = re.compile(_PER_UNIT, re.IGNORECASE)
_OWN_UNIT_RE = re.compile(rf"{_PER_UNIT}|\bnumber\b|\bshares\b|\(thousands\)|\bmembers\b|\bemployees\b|\bstores\b",
                          re.IGNORECASE)  # counts may be in thousands or millions where their cells say so
_SCALE_WORD_RE = re.compile(r"\b(?:thousand|million|billion)s?\b", re.IGNORECASE)
_STATED_SCALE_RE = re.compile(r"\((?:dollars |amounts |figures )?in (?:thousands|millions|billions)\b", re.IGNORECASE)


# ---------------------------------------------------------------- units


# ---------------------------------------------------------------- the question's subject and period


def column_named(cells: Sequence[tuple[str, str]], asked_words: set[str], order: Sequence[str], file: str,
                 segment: set[str] = frozenset()) -> tuple[str, str] | None:
    """The cell whose column the question names (`named_column`): by the words of the segment it names, if any
    ("the Blizzard segment"), then by its words other than the document's own name ("Activision Blizzard's King
    segment" names the column King, though the company's name also names the columns Activision and Blizzard)."""
    return segment and named_column(cells, segment, order) \
        or named_column(cells, asked_words - own_name(file, " ".join(order)), order) \
        or named_column(cells, asked_words, order)


# ---------------------------------------------------------------- the check


def verify(answer: str, passages: Sequence[Passage], question: str) -> Verdict:
    """The verdict on `answer` to `question` given the passages it was read from (see the module docstring)."""
    units = [unit for passage in passages for unit in passage_units(passage)]
    claims = [claim for claim in answer_claims(answer, question)
              if (claim.kind != "name" or not generic_name(claim.text) and not extends_asked_name(claim, question))
              and not _compound(answer, claim)]
    file = passages[0].file if passages else ""
    subject = subject_words(question, file)
    asked_years = years(question)
    closest = _closest(units, subject, asked_years)
    if not units:
        return Verdict(UNSUPPORTED, None, "no passage to check the answer against")
    row_subject = subject | alias_tokens(question)  # a row's label may use the line item's statement name
    figure_row = _row_naming(units, row_subject)
    if figure_row is not None and not any(claim.kind in ("figure", "date") for claim in claims) \
            and not ASKS_NAME_RE.match(question):  # "Which bank is the lender under the term loan?" asks no figure
        return Verdict(UNSUPPORTED, figure_row, f"{figure_row.where} gives a figure for {figure_row.label}; "
                                                "the answer gives none", [claim.text for claim in claims])
    wanted = missing_kind(question, answer, claims)
    if wanted:
        return Verdict(UNSUPPORTED, closest, f"the question asks for {wanted}; the answer gives none",
                       [claim.text for claim in claims])
    if not claims:
        if asks_quantity(question):
            return Verdict(UNSUPPORTED, closest, "the question asks for a figure and the answer gives none")
        if asks_yes_no(question):
            return Verdict(UNSUPPORTED, closest, "a yes or no is not stated as such in the passages; check the "
                                                 "pages below")
        return verify_words(answer, question, units, subject, closest)
    checked = [claim.text for claim in claims]
    verified_by: list[Unit] = []
    by_figure: list[Unit] = []  # the evidence shown is the unit stating the answer's first figure, if it has one
    spans: list[Unit] | None = None
    for claim in claims:
        period = _claim_years(answer, claim) or asked_years
        found, against = _find(claim, units, subject, period, row_subject, question)
        if found is None and against is not None:
            return Verdict(CONTRADICTED, against[0], against[1], checked)
        if found is None:  # stated across two or three sentences ("The flightcrew on Lion Air Flight 043 ... landed
            if spans is None:  # at their planned destination airport in Jakarta")
                spans, weights = _spans(units), subject_weights(units, subject)
            found, _ = _find(claim, spans, subject, period, row_subject, question)
            if found is not None and not subject_beside(claim.text, found.text, subject, weights):
                found = None  # a longer text shares more words by chance: the subject must be right beside the claim
        if found is None:
            if claim.kind == "name" and any(_supports(claim, u) for u in units) and len(claims) > 1:
                continue  # a name beside a verified figure ("the Consolidated Statement of Cash Flows")
            what = f"“{claim.text}”"
            return Verdict(UNSUPPORTED, closest, f"no sentence or table row states {what} for what was asked; "
                                                 "check the pages below", checked)
        verified_by.append(found)
        if claim.kind == "figure":
            by_figure.append(found)
    if not verified_by:  # only names found somewhere, none stated for what was asked
        return Verdict(UNSUPPORTED, closest, "no sentence or table row states the answer for what was asked; "
                                             "check the pages below", checked)
    best = by_figure[0] if by_figure else max(verified_by, key=lambda unit: verified_by.count(unit))
    months = asked_months(question)
    if months and not any(names_month(" ".join((u.text, u.label, u.section, u.context)), months)
                          for u in verified_by):  # the year's average for one month's repurchases
        return Verdict(UNSUPPORTED, best, f"{best.where} states {checked[0]} without naming the month asked; "
                                          "check the pages below", checked)
    stated = _other_state(question, best)
    if stated:
        asked = " or ".join(sorted(share_states(question)))
        return Verdict(UNSUPPORTED, best, f"{best.where} states {checked[0]} for what is {stated}, not {asked}; "
                                          "check the pages below", checked)
    most = _SUPERLATIVE_RE.search(question)
    if most and best.kind == "row" and _TOTAL_RE.search(best.label) and not _TOTAL_RE.search(question):
        return Verdict(UNSUPPORTED, best, f"{best.where} gives the total ({best.label}), not the {most.group().lower()}"
                                          " of its items; check the pages below", checked)
    return Verdict(VERIFIED, best, f"stated on {best.where} of {best.file}", checked)


# what a count of shares or awards is: shares authorized are not shares issued, options granted not exercised
_STATE_RE = re.compile(r"\b(issued|authori[sz]ed|outstanding|reserved|repurchased|granted|vested|exercised|forfeited|"
                       r"cancell?ed|expired)\b", re.IGNORECASE)


def share_states(text: str) -> set[str]:
    return {word.casefold().replace("authorised", "authorized").replace("cancelled", "canceled")
            for word in _STATE_RE.findall(text)}


def _other_state(question: str, unit: Unit) -> str:
    """The states the evidence names ("authorized") when the question asks for others only ("issued"), else ""."""
    asked = share_states(question)
    stated = share_states(f"{unit.label} {' '.join(head for head, _ in unit.cells)} {unit.section}"
                          if unit.kind == "row" else unit.text)
    return " and ".join(sorted(stated)) if asked and stated and not asked & stated else ""


# "What was the largest liability on the balance sheet?" asks for one item: a "Total …" row sums them
_SUPERLATIVE_RE = re.compile(r"\b(?:largest|biggest|highest|greatest|smallest|lowest)\b", re.IGNORECASE)
_TOTAL_RE = re.compile(r"\btotal\b", re.IGNORECASE)


SPAN_UNITS = 3  # evidence may run over this many consecutive sentences of one passage
SPAN_MIN_WORDS = 3


def _spans(units: Sequence[Unit]) -> list[Unit]:
    """Runs of two to SPAN_UNITS consecutive sentences of one passage, each as one unit: a title line and the
    sentence under it, a sentence broken by a line end, a name and the address that follows it."""
    spans = []
    for start, first in enumerate(units):
        if first.kind != "sentence":
            continue
        for end in range(start + 2, start + SPAN_UNITS + 1):
            run = units[start:end]
            if end > len(units) or any(u.kind != "sentence" or u.source != first.source
                                       or len(u.text.split()) < SPAN_MIN_WORDS for u in run):
                break  # a heading of a word or two would lend the run its words without stating anything
            spans.append(replace(first, text=" ".join(u.text for u in run)))
    return spans


def _compound(answer: str, claim: Claim) -> bool:
    """A number that is part of a word ("the 10-year agreement", "a 3-for-1 split", "COVID-19") names or describes,
    it is not a value."""
    return claim.kind == "figure" and bool(
        re.search(rf"(?<![\w.]){re.escape(claim.text)}(?:-[a-z]|\([a-z]\))", answer)
        or re.search(rf"[A-Za-z]-{re.escape(claim.text)}(?![\d.,]*\d)", answer)  # "COVID-19", "Form 10-K" kin
        or re.search(rf"\b(?:section|rule|item|note|article|chapter|part|form|schedule)\s+{re.escape(claim.text)}\b",
                     answer, re.IGNORECASE))


_FORMER_RE = re.compile(r"(?:由|从|從|\bfrom)\s*[$£€¥]?\s*$", re.IGNORECASE)


# "changed from 24.6% to 21.6% between FY2021 and FY2022": the first value is the first year's, the second the second's
_FROM_TO_YEARS_RE = re.compile(
    r"\bfrom\s+(?P<first>[^,;]{1,40}?)\s+to\s+(?P<second>[^,;]{1,40}?)\s+(?:between|from|over)\s+"
    r"(?:(?:fiscal|the year|FY)\s?)?(?P<one>(?:19|20)\d\d)\s+(?:and|to)\s+(?:(?:fiscal|FY)\s?)?(?P<two>(?:19|20)\d\d)\b",
    re.IGNORECASE)


def _claim_years(answer: str, claim: Claim) -> set[int]:
    """The year the answer writes with this claim: the nearest year within the claim's clause, or the year a "from X
    to Y between A and B" pairs it with."""
    at = answer.find(claim.text)
    for pair in _FROM_TO_YEARS_RE.finditer(answer):
        for value, year in (("first", "one"), ("second", "two")):
            if at >= 0 and pair.start(value) <= at < pair.end(value):
                return {int(pair.group(year))}
    if at < 0 or _FORMER_RE.search(answer[max(0, at - 8):at]):  # "由14.86元/股调整为14.61元/股", "from $5 to $6": the
        return set()  # former value, whose year the answer does not give
    clause_start = max(answer.rfind(sep, 0, at) for sep in (".", ";", ",", " and ", " while ", " compared", "，", "。",
                                                            "；"))
    clause_end = min([i for i in (answer.find(sep, at + len(claim.text)) for sep in (".", ";", ",", " and ",
                                                                                       " compared", "，", "。", "；"))
                      if i >= 0] or [len(answer)])
    clause = answer[max(clause_start, 0):clause_end]
    own = years(clause.replace(claim.text, " "))
    return {y for y in own if str(y) not in claim.text}


def _supports(claim: Claim, unit: Unit, value: str | None = None, asked_scale: int = 0, header: str = "") -> bool:
    """Whether the unit (or its cell `value`, under `header`) states the claim, scales compared."""
    text = value if value is not None else unit.text
    if claim.kind == "figure":
        mine = figures(claim.text)
        if not mine:
            return False
        claimed = mine[0][1]
        if value is not None and claimed.exponent and (_PER_UNIT_RE.search(f"{unit.label} {unit.section}") or
                                                       _OWN_UNIT_RE.search(unit.label)
                                                       and not _SCALE_WORD_RE.search(value)):
            return False  # "$6.31 million" for a per-share row; a count of shares is "587.6 million" where the
            # table states its counts in millions and the cell says so
        if value is not None and own_column(header, unit.context):  # a share's price beside counts in
            return claimed.exponent == 0 and any(claimed.supported_by(other) for _, other, _ in figures(text))
        scale = (row_scale(unit) or header_scale(header)) if value is not None else 0  # thousands: no scale
        if value is None and claimed.exponent == 0 and not claimed.percent and not asked_scale \
                and _STATED_SCALE_RE.search(text):
            return False  # "$6,779,511" from a flattened table "(in thousands, ...)": the answer dropped its unit
        if not scale:
            return any(claimed.supported_by(other) for _, other, _ in figures(text) if not is_year_figure(other, text))
        if claimed.exponent == 0 and not claimed.percent:
            if not asked_scale:
                return False  # "£384,141" for a row in £'000: the answer dropped the row's unit
            claimed = replace(claimed, exponent=asked_scale)  # "Answer in millions": a bare figure is in millions
        return any(claimed.supported_by(_scaled(other, scale)) for _, other, _ in figures(text)
                   if not is_year_figure(other, text))
    if claim.kind == "date":
        mine = dates(claim.text)
        return bool(mine) and _date_supported(mine[0][1], [d for _, d, _ in dates(text)], text)
    folded = _fold(text)
    return _name_supported(claim.text, folded, folded.replace(" ", ""))


def question_scale(question: str) -> int:
    """The unit a question asks its answer in ("Answer in USD millions": 6), 0 when it names none."""
    match = re.search(r"\bin (?:usd |us\$ |\$ ?)?(thousands?|millions?|billions?)\b", question, re.IGNORECASE)
    return {"thousand": 3, "million": 6, "billion": 9}[match.group(1).lower().rstrip("s")] if match else 0


def row_scale(unit: Unit) -> int:
    """The power of ten a row's values are stated in: 3 for "(£'000)" or "(in thousands)", 6 for millions; 0 for
    a row with a unit of its own (per share, %, a count)."""
    if _OWN_UNIT_RE.search(unit.label) or _PER_UNIT_RE.search(unit.section):  # "Diluted" under "Earnings per
        return 0  # common share"
    context = f"{unit.text[:len(unit.label) + 60]} {unit.context}".casefold()
    if re.search(r"'000|’000|\bthousands?\b", context):
        return 3
    if re.search(r"\bmillions?\b|\$m\b|£m\b", context):
        return 6
    if re.search(r"\bbillions?\b", context):
        return 9
    return 0


def header_scale(header: str) -> int:
    """The power of ten a column's header states its values in: 3 for "12/31/2010 $000's" or "(000s)"."""
    if re.search(r"\$\s?000|\(000s?\)|['’]000|\b000['’]?s\b|\bthousands?\b", header, re.IGNORECASE):
        return 3
    if re.search(r"\bmillions?\b|\$\s?m\b|\bmn\b", header, re.IGNORECASE):
        return 6
    return 0


def _scaled(figure: Figure, exponent: int) -> Figure:
    return figure if figure.exponent or figure.percent else replace(figure, exponent=exponent)


ROW_NAMES_SUBJECT = 1.5  # a row whose label fits the question this well names what it asks for
NEAR_BEST = 0.25  # a row whose label fits the question this much less well than the best row's still counts
DENSE_FIGURES = 4  # a "sentence" with this many figures is a flattened table: each figure goes with its own label
DENSE_WORDS_PER_FIGURE = 4  # ... when it has no more words than this per figure (prose has more)
UNIT_WORDS = 3  # words between two figures that can be their unit ("cd/m² (typ.) Optional for"), not a label
_PARENTHESES_RE = re.compile(r"\([^()]{0,12}\)")
_LETTER_RE = re.compile(r"[^\W\d_]")


def _find(claim: Claim, units: Sequence[Unit], subject: set[str], period: set[int], row_subject: set[str],
          question: str = "") -> tuple[Unit | None, tuple[Unit, str] | None]:
    """The unit stating `claim` for the subject and period, else (None, a unit stating another value for them).
    A row's label is matched against `row_subject`: the subject and the usual statement names of its line item."""
    asked_scale = question_scale(question)
    difference = claim.kind == "figure" and asks_difference(question)  # only a change column or a stated change
    units = [unit for unit in units if unit.kind != "row" or not unasked_connector(unit.label, question)]
    rivals = [unit for unit in units if unit.kind == "row"]  # rows that may name the subject more fully
    units = of_named_statement(naming_what_is_asked(rows_naming_latin_names(units, question), question),
                               question)  # the model and segment asked,
    # named where the value is stated; "In Costco's statements of equity": not a cash flow row
    rows = [unit for unit in units if unit.kind == "row"]
    if difference:  # the years asked are the two compared: the change column is the asked one
        rows = [replace(unit, cells=changes) for unit in rows
                if (changes := [(head, value) for head, value in unit.cells if change_column(head)])]
    found, against = _find_in_rows(claim, rows, row_subject, set() if difference else period, asked_scale,
                                   asks_by_date(question), asked_span(question),
                                   with_header_words(set(tokenize(question))), tokenize(question), question, rivals)
    if found is not None:
        return found, None
    codes = asked_codes(question)
    for unit in units:
        if unit.kind == "row" or not _supports(claim, unit, asked_scale=asked_scale):
            continue
        if not names_codes(codes, set(tokenize(unit.text))):
            continue  # "i386" asked: a sentence about amd64's count states another thing's figure
        if difference and not stated_as_change(unit.text, _claim_start(claim, unit.text)):
            continue  # "the dividend was Rs. 1,645.27" is a level, not how much higher it was
        words = set(tokenize(unit.text))
        if not (names_subject(words, subject) if claim.kind == "name" else shares_subject(words, subject)):
            continue
        if claim.kind == "figure" and not _own_label_fits(unit.text, claim, subject, bool(period)):
            continue
        otherwise = _stated_otherwise(claim, unit, subject, question) if claim.kind == "figure" else None
        if otherwise is not None:
            against = against or (unit, otherwise)
            continue
        if claim.kind != "figure":
            return unit, None
        near = year_near_value(unit.text, claim) if period else None
        if not period or near is None and years(unit.text) & period or near is not None and near in period \
                or near == -1 and years(unit.text) & period:
            if closer_unit(unit, units, subject, period,
                           lambda other: _supports(claim, other, asked_scale=asked_scale)):
                continue  # another row or sentence names the subject more fully and gives another figure
            return unit, None
        if near is not None and near != -1 and against is None:
            asked_years = ", ".join(str(y) for y in sorted(period))
            against = (unit, f"{unit.where} states {claim.text} for {near}, not {asked_years}")
    return None, against


def _naming_words(row: Unit, asked_words: set[str], order: Sequence[str] = (), period: set[int] = frozenset(),
                  months: set[int] = frozenset(), ends: frozenset[str] = frozenset()) -> set[str]:
    """The words naming what a row gives: its label's, and for the asked year's or month's row ("2005: EU-25
    Female: 56.3%", "April 1 — April 30, 2021: ...; Average Price Paid per Share: $130.82") those of the column the
    question names (`named_column`)."""
    words = label_words(row.label) - ends
    if (years(row.label) & period or months and names_month(row.label, months)) \
            and all(word.isdigit() or month_of(word) for word in words):
        column = named_column([cell for cell in row.cells if figures(cell[1])], asked_words, order)
        named = column_name(row, header_words(column[0], asked_words)) if column else set()
        return named or words  # (the year is checked apart)
    return words - {str(year) for year in period} or words  # "1996 Women" names women in 1996 when 1996 is asked


def column_name(row: Unit, column_words: set[str]) -> set[str]:
    """What names a year's row: the words of its column the question names, less numbers and the document's own
    name ("EU-25 Female" named by "women ... EU-25": "female", "eu")."""
    return {word for word in column_words if word.isalpha()} - own_name(row.file)


def _stated_otherwise(claim: Claim, unit: Unit, subject: set[str], question: str) -> str | None:
    """Why a sentence holding the answer's figure states it for something other than what was asked, or None: for
    another subject listed beside it, as a change, or for the other span (a quarter's or the full year's)."""
    other = None if _flattened_table(unit.text) else bound_elsewhere(unit.text, figures(claim.text)[0][1], subject,
                                                                     question)
    if other is not None:  # "58.8 million followers on Instagram and 36.2 million ... Twitter"
        return (f"{unit.where} gives {other.value} for {' '.join(other.words)}; the answer's {claim.text} is stated "
                "there for something else")
    amount = other_amount(unit.text, figures(claim.text)[0][1], question)
    if amount is not None:
        return f"{unit.where} gives {claim.text} for {amount}"
    written = _claim_span(claim, unit.text)
    counted = None if _flattened_table(unit.text) or written is None else \
        counted_otherwise(unit.text[written[1]:], question)
    if counted is not None:  # "4 errors were due to ... basic patterns" for "how many basic patterns"
        return f"{unit.where} gives {claim.text} {counted}, not the count asked for"
    start = _claim_start(claim, unit.text)
    if stated_as_change(unit.text, start) and not asks_change(question):  # "improves … by 7%" for the score
        return f"{unit.where} gives {claim.text} as a change, not the figure asked for"
    stated = claim_span(unit.text, start)
    if other_span(stated, question):  # "For the Full Year … $10.2 billion" for a quarter's net sales
        return f"{unit.where} states {claim.text} for {_SPAN_NAMES[stated]}, not {_SPAN_NAMES[asked_span(question)]}"
    return None


def _find_in_rows(claim: Claim, rows: Sequence[Unit], subject: set[str], period: set[int], asked_scale: int = 0,
                  by_date: bool = False, period_span: str | None = None, asked_words: set[str] = frozenset(),
                  order: Sequence[str] = (), question: str = "", rivals: Sequence[Unit] = ()
                  ) -> tuple[Unit | None, tuple[Unit, str] | None]:
    """A table row stating `claim` in the asked column whose label fits the question about as well as the best
    row's, in a table of the asked span (`period_span`: a quarter's or a year's); else a contradiction: the same
    row's asked column, or the best row, states another value. Where a row's columns are not years, the asked
    column is the one whose header the question names by its words (`named_column`, e.g. a monitor model)."""
    subject = with_header_words(subject)
    segment = set().union(*asked_segments(question))  # the column of the segment the question names, if any
    rows = [row for row in segment_rows(year_rows(rows, period), question) if _names_measure(row, subject)]
    months = asked_months(question)
    latest = NO_LATEST if months else latest_years(rivals or rows)  # a month asked: an undated row is no month's
    days = asked_days(question)
    ends = period_end_words(question)
    naming = {id(unit): _naming_words(unit, asked_words, order, period, months, ends) for unit in rows}
    fits = {id(unit): _row_fit(naming[id(unit)], subject) for unit in rows
            if shares_subject(set(), subject, naming[id(unit)])}
    if not fits:
        return None, None
    best_fit = max(fits.values())
    best_rows = [unit for unit in rows if fits.get(id(unit)) == best_fit]
    against: tuple[Unit, str] | None = None
    for unit in rows:
        if id(unit) not in fits:
            continue
        holding = [(head, value) for head, value in unit.cells if _supports(claim, unit, value, asked_scale, head)]
        if claim.kind != "figure":
            if holding or _supports(claim, unit):
                return unit, None
            continue
        asked = estimates(asked_cells(unit, period, by_date), asked_words)
        dated = any(years(head) for head, _ in unit.cells)  # its columns name years: the caption's do not count
        named = (column_named([cell for cell in unit.cells if figures(cell[1])], asked_words, order, unit.file,
                              segment) or day_column([cell for cell in unit.cells if figures(cell[1])], days)) \
            if not dated and len(unit.cells) > 1 else None  # a record's words ("Closure Permanent") are no figure
        if named is None and not dated and len(unit.cells) > 1 and HOW_MANY_RE.search(question):
            named = count_column(unit.cells)  # "how many ... forfeited?": the "Number of Shares" column
        if dated and len(asked) > 1:  # several columns of the asked year: the one the question names by a
            named = segment and named_column(asked, segment, order) \
                or named_column(asked, asked_words, order)  # word, if any ("of franchisees 1994"; not "31"),
            # the segment's first ("Activision Blizzard's Blizzard segment": the company's name names two columns)
            named = named if named and any(word.isalpha() for word in header_words(named[0], asked_words)) else None
        if named:
            asked = [named]
        if other_period(question, asked_words, unit):
            continue  # another month's report or row
        in_asked = (any(h in asked for h in holding) and not (not named and _asked_apart(asked, holding, by_date))
                    or bool(holding) and not asked and not dated and not _columns_apart(claim, unit)) \
            and not (period and not dated and not_of_years(unit, period) and not of_latest_year(unit, period, latest))
        near_best = fits[id(unit)] >= best_fit - NEAR_BEST
        dates_asked = {str(year) for year in period} | (label_words(unit.label) if months and names_month(
            unit.label, months) else set())  # "1996 Women": the year asked; "April 1 — April 30": the month
        if in_asked and near_best and _label_within(unit.label, subject | dates_asked | ends, own_name(unit.file)):
            stated = span(holding[0][0]) or span(unit.context)
            if (stated is None or period_span is None or stated == period_span) and not _particular_table(
                    claim, unit, rows, period, by_date, asked_words, asked_scale) \
                    and not closer_unit(unit, rivals or rows, subject, period, lambda other: _supports(claim, other),
                                        set(tokenize(" ".join(head for head, _ in holding)))):
                return unit, None
            continue  # a "13 Weeks Ended" row for the year's figure
        if in_asked and len(best_rows) == 1 and against is None:
            best = best_rows[0]
            value = asked_cells(best, period, by_date)
            if value and not _supports(claim, best, value[0][1], asked_scale, value[0][0]) \
                    and _same_kind(claim, value[0][1]):
                against = (best, f"{best.where} gives {value[0][1]} for {best.label}"
                                 + (f" ({value[0][0]})" if value[0][0] else "")
                                 + f"; the answer's {claim.text} is {unit.label}")
        elif holding and asked and period and len(best_rows) == 1 and best_rows[0] is unit and against is None:
            other = ", ".join(sorted({str(y) for head, _ in holding for y in column_years(head, by_date)}))
            if not figures(asked[0][1]):  # "-", "n/a": the asked period's cell states nothing
                against = (unit, f"{unit.where} gives {claim.text} for {other or holding[0][0]} ({unit.label})"
                                 f"{NO_FIGURE}{asked[0][0]} (“{asked[0][1]}”)")
            elif not _supports(claim, unit, asked[0][1], asked_scale, asked[0][0]):
                against = (unit, f"{unit.where} gives {asked[0][1]} for {asked[0][0]} ({unit.label})"
                                 + (f"; the answer's {claim.text} is the {other} figure" if other else
                                    f", not {claim.text}"))
            else:  # the asked cell is the answer's own figure, in a row of another year ("2017:" over it)
                against = _other_year(claim, unit, holding, period, by_date, best_rows)
        elif holding and named and near_best and against is None and _label_within(unit.label, subject,
                                                                                    own_name(unit.file)):
            if period and not dated and not_of_years(unit, period) and named in holding:  # another year's table
                table_years = ", ".join(map(str, sorted(years(table_caption(unit.context)) - period)))
                against = _other_year(claim, unit, holding, period, by_date, best_rows) or (
                    unit, f"{unit.where} gives {claim.text} for {named[0]} ({unit.label}) in its table of "
                          f"{table_years or 'another year'}, not {', '.join(map(str, sorted(period)))}")
            else:
                against = (unit, f"{unit.where} gives {named[1]} for {named[0]} ({unit.label}); the answer's "
                                 f"{claim.text} is the {holding[0][0] or 'other'} figure")
        elif (holding or (holding := _same_digits(claim, unit))) and not asked and period and against is None \
                and any(row is unit for row in best_rows):  # (another year's "4,787 thousand" given as "4,787")
            against = _other_year(claim, unit, holding, period, by_date, best_rows)
    return None, against


def _same_kind(claim: Claim, value: str) -> bool:
    """Whether the claim and a cell are both percentages or both not: "5% of total revenue" is no rival of the
    total revenue's amount."""
    mine, theirs = figures(claim.text), figures(value)
    return not mine or not theirs or mine[0][1].percent == theirs[0][1].percent


def _same_digits(claim: Claim, unit: Unit) -> list[tuple[str, str]]:
    """The row's cells writing the answer's figure digit for digit, whatever its scale: "4,787" for the row's
    "4,787 thousand" is that cell read without its unit, so still that year's figure, not the asked year's."""
    digits = re.sub(r"\D", "", claim.text)
    return [(head, value) for head, value in unit.cells
            if len(digits) >= 3 and re.sub(r"\D", "", value) == digits] if claim.kind == "figure" else []


def _particular_table(claim: Claim, unit: Unit, rows: Sequence[Unit], period: set[int], by_date: bool,
                      asked_words: set[str], asked_scale: int) -> bool:
    """Whether a row of another table, labelled alike, gives another value for the asked year, while the question
    names nothing that sets this row's table apart and this table is the more particular of the two by its
    caption's words (a segment's "Marketing: 317,646" beside the consolidated statement's "Marketing: 824,092" for
    "Netflix's marketing expense in 2015"): the question asks for the whole, not the part."""
    mine = _caption_words(unit)
    for other in rows:
        if other.context == unit.context or label_words(other.label) != label_words(unit.label):
            continue
        cells = asked_cells(other, period, by_date)
        if len(cells) != 1 or not figures(cells[0][1]) or _supports(claim, other, cells[0][1], asked_scale,
                                                                    cells[0][0]):
            continue
        theirs = _caption_words(other)
        if not (mine - theirs) & asked_words and len(mine - theirs) > len(theirs - mine):
            return True
    return False


# measures a row names in its label, title or columns when it states them: "How much tax did Adobe record on
# foreign currency translation adjustments?" is not answered by the adjustments' own row
_NAMED_MEASURES = frozenset(tokenize("tax interest depreciation amortization dividend"))


def _names_measure(row: Unit, subject: set[str]) -> bool:
    measures = subject & _NAMED_MEASURES
    if not measures:
        return True
    words = set(tokenize(f"{row.label} {' '.join(head for head, _ in row.cells)}")) | _caption_words(row)
    return measures <= words


def _caption_words(row: Unit) -> set[str]:
    """The words of a row's table caption (its unit in parentheses aside) and of the title it stands under."""
    return label_words(table_caption(row.context)) | label_words(row.section)


def _asked_apart(asked: Sequence[tuple[str, str]], holding: Sequence[tuple[str, str]], by_date: bool = False
                 ) -> bool:
    """Whether the columns of the held value's year give different values of its kind ("Our estimates 1996: 77.9;
    PBUK 1996: 70.5; EH 1996: 93.5", amounts or percentages) and the question names none: which was asked is not
    stated. An amount and its percentage ("12/31/2010 $000's", "12/31/2010 %") are no rivals, nor are the columns
    of other years asked."""
    def percent(head: str, value: str) -> bool:
        return "%" in head + value or bool(re.search(r"\bper\s?cent", head, re.IGNORECASE))

    head, value = holding[0]
    kind, year = percent(head, value), column_years(head, by_date)
    values = {other for column, other in asked if percent(column, other) == kind
              and column_years(column, by_date) == year}
    return len(values) > 1


def _columns_apart(claim: Claim, unit: Unit) -> bool:
    """Whether a row gives different values of the claim's kind (amounts, or percentages) in columns the question
    names none of ("Domestic: Leased Locations: 922; Owned Locations: 24" for "how many Domestic stores"): which
    of them was asked is not stated, so the row verifies none."""
    percent = figures(claim.text)[0][1].percent if figures(claim.text) else False
    single = [found[0][1] for _, value in unit.cells if len(found := figures(value)) == 1 and not dates(value)]
    if percent and not any(figure.percent for figure in single):
        percent = False  # a table of percentages that prints no "%" ("Any method: 78.3; Pill: 9.7")
    values = {figure.scaled for figure in single if figure.percent == percent}  # a record's dates are no rivals
    return len(values) > 1


def _other_year(claim: Claim, unit: Unit, holding: list[tuple[str, str]], period: set[int], by_date: bool,
                best_rows: list[Unit]) -> tuple[Unit, str] | None:
    """The answer's figure is the row's value for another year, and no row naming the subject as well has a column
    for the asked year ("fiscal 2023" asked, the release's tables end at fiscal 2022)."""
    stated = {year for head, _ in holding for year in column_years(head, by_date)} or _row_years(unit)
    if not stated or stated & period or any(asked_cells(row, period, by_date) or _row_years(row) & period
                                            for row in best_rows):
        return None
    fiscal = "fiscal " if any(FISCAL_LABEL_RE.search(head) for head, _ in holding) else ""
    return (unit, f"{unit.where} gives {claim.text} for {fiscal}{', '.join(map(str, sorted(stated)))} ({unit.label})"
                  f"{NO_FIGURE}{fiscal}{', '.join(map(str, sorted(period)))}")


def _row_years(row: Unit) -> set[int]:
    """The years a row states of its own, in its label or the title it stands under ("2017:" over a segment table's
    rows whose columns are segments)."""
    return years(row.label) | years(row.period) | years(row.section)


NO_FIGURE = " and no figure for "  # how `_other_year` ends its reason: the asked period is stated nowhere


def period_absent(verdict: Verdict | None) -> bool:
    """Whether the answer is contradicted because its figure is another period's and the rows naming the subject
    state none for the asked one: the documents do not state what was asked."""
    return verdict is not None and verdict.verdict == CONTRADICTED and NO_FIGURE in verdict.reason


_SPAN_NAMES = {QUARTER: "a quarter", YEAR: "the full year"}


def _claim_span(claim: Claim, text: str) -> tuple[int, int] | None:
    """Where in `text` the figure stating `claim` is written (None when it cannot be placed)."""
    claimed = figures(claim.text)[0][1]
    return next((span_ for _, other, span_ in figures(text) if claimed.supported_by(other)), None)


def _claim_start(claim: Claim, text: str) -> int:
    return (_claim_span(claim, text) or (0, 0))[0]


_OPERATOR_RE = re.compile(rf"^(?i:{OPERATOR}):\s+")  # "Less: Accumulated depreciation" names accumulated depreciation


def label_words(label: str) -> set[str]:
    """The words naming a row's line item: its label less what it has in parentheses and a qualifying clause
    ("Purchases of property and equipment, including internal-use software and website development")."""
    named = QUALIFIER_RE.sub(" ", re.sub(r"\([^)]*\)", " ", _OPERATOR_RE.sub("", label)))
    return {word for word in tokenize(named) if not grammar_pair(word)} | ampersand_words(named)


def qualified(label: str) -> bool:
    """Whether a row's label qualifies its line item (", including restricted"): it may be more than was asked."""
    return bool(QUALIFIER_RE.search(label))


def _label_within(label: str, subject: set[str], own: frozenset[str] | set[str] = frozenset()) -> bool:
    """Whether a row's label names nothing the question does not ("Total current assets" is not "total assets"):
    its words outside parentheses are all subject words, one extra word allowed in a long label. The document's
    own name (`own`: "Net Income Attributable to PepsiCo" in PepsiCo's filing) is not an extra word. (A label naming
    "other" items the question does not ask is no candidate at all: `rag.answer.row_scope.unasked_other`.)"""
    words = label_words(label) - GENERIC - own
    extra = words - subject
    return not extra or len(extra) == 1 and len(words) >= 4


def _own_label_fits(text: str, claim: Claim, subject: set[str], dated: bool = False) -> bool:
    """In a flattened table (a "sentence" with many figures), the words just before the claim's figure must name
    the subject about as well as the words before any other figure do; unless the question asks for a year
    (`dated`: the year check decides), the label must not give several values (`_column_undetermined`)."""
    if not _flattened_table(text):
        return True  # prose: its figures stand in sentences, not in a flattened row
    found = value_spans(text)
    mine = figures(claim.text)
    labels, beside, at, own = [], [], 0, []
    for index, ((start, end), figure) in enumerate(found):
        between = text[at:start]
        label = set(tokenize(between)) - {"s"}
        labels.append(_row_fit(label, subject))
        beside.append(labels[-1] <= 0 and len(_letter_words(between)) <= UNIT_WORDS)
        if mine and mine[0][1].supported_by(figure):
            own.append(index)
        at = end
    if not own or max(labels[i] for i in own) <= 0 or max(labels[i] for i in own) < max(labels) - NEAR_BEST:
        return False
    return dated or not _column_undetermined([figure for _, figure in found], beside, own)


def _letter_words(text: str) -> list[str]:
    """The words with letters outside short parentheses: "cd/m² (typ.) Optional for" has three."""
    return [word for word in _PARENTHESES_RE.sub(" ", text).split() if _LETTER_RE.search(word)]


def _column_undetermined(found: Sequence[Figure], beside: Sequence[bool], own: Sequence[int]) -> bool:
    """Whether the claim's figure is one of several different values side by side under one label ("Pixel Pitch
    155.25 (H) x 155.25 (V) um 184.5 (H) x 184.5 (V) um": one value per model, the column headers lost; `beside`:
    a figure follows the one before it with no label and at most a unit between): which column was asked is then
    not stated in the unit, so the unit cannot verify it."""
    for index in own:
        start = max((i for i in range(index + 1) if not beside[i]), default=0)
        end = next((i for i in range(index + 1, len(found)) if not beside[i]), len(found))
        if len({(figure.value, figure.percent) for figure in found[start:end]}) < 2:
            return False
    return True


def _flattened_table(text: str) -> bool:
    """Whether a "sentence" is a table row flattened to text: many figures, few words between them (words with
    letters, outside parentheses: "300 cd/m² (typ.)" is one figure and its unit)."""
    count = len(value_spans(text))
    return count >= DENSE_FIGURES and len(_letter_words(text)) <= DENSE_WORDS_PER_FIGURE * count


def _row_naming(units: Sequence[Unit], subject: set[str]) -> Unit | None:
    """The table row whose label is the question's subject (all its words subject words, covering at least half
    the subject): the question then asks for its figure."""
    best, best_fit = None, 0.0
    for unit in units:
        if unit.kind != "row":
            continue
        label = label_words(unit.label)
        fit = _row_fit(label, subject)
        if label and label <= subject and fit >= ROW_NAMES_SUBJECT and fit > best_fit:
            best, best_fit = unit, fit
    return best


def _row_fit(label: set[str], subject: set[str]) -> float:
    """How well a row's label names the question's subject: the share of its words that are subject words plus
    the share of the subject it covers."""
    if not label or not subject:
        return 0.0
    common = len(label & subject)
    return common / len(label) + common / len(subject)


def lead_evidence(passages: Sequence[Passage], question: str) -> Unit | None:
    """The unit most likely to hold the answer, known before the reader has read anything: the sentence or table row
    sharing the most of the question's subject words (and its year). Shown first, while the reader works."""
    units = [unit for passage in passages for unit in passage_units(passage)]
    file = passages[0].file if passages else ""
    return _closest(units, subject_words(question, file), years(question))


def _closest(units: Sequence[Unit], subject: set[str], period: set[int]) -> Unit | None:
    """The unit that shares the most subject words (and the asked year), for a person to check."""
    best, best_score = None, 0.0
    for unit in units:
        words = set(tokenize(unit.text))
        score = len(words & subject) + (0.5 if years(unit.text) & period else 0.0)
        if score > best_score:
            best, best_score = unit, score
    return best


