"""A sentence or a table row does not verify a figure when another unit of the passages names the question's subject
more fully and does not state that figure: the sentence or row is about something broader or beside it.

"The carrying value of indefinite-lived intangible assets as of December 31, 2022 was $32.5 billion" shares four of
the words of "What was the book value of PepsiCo's Europe brands (indefinite-lived intangible assets) at the end of
2022?"; the row "Europe › Brands" of the table "The change in the book value of indefinite-lived intangible assets"
shares seven and gives $1,664 million. The sentence's figure is the total, not Europe's brands. A row is named by its
label, its section, its parents and its table's caption; a rival must cover the asked year (a row, by a cell of
that year or, when its columns name no year, by its caption; a sentence, by writing the year) when a year is asked,
and must name at least two subject words the sentence lacks, so one chance word does not overrule a sentence.
Blizzard's "Segment net revenues: $2,291 million" does not give its PC revenue "by platform" where the platform
table's row PC is among the passages.

Hands on `closer_unit` to the verifier (`rag.answer.verify`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rag.answer.columns import asked_cells, years
from rag.answer.grounding import figures
from rag.answer.row_scope import not_of_years
from rag.answer.units import Unit
from rag.text import tokenize

MIN_MORE = 2  # subject words a rival must name that the sentence does not


def naming_words(unit: Unit) -> set[str]:
    """The words that say what a unit's figures are of: a sentence's own, a row's label, section and caption."""
    if unit.kind == "row":
        return set(tokenize(f"{unit.label} {unit.section} {unit.parents} {unit.context}"))
    return set(tokenize(unit.text))


def covers(unit: Unit, period: set[int]) -> bool:
    """Whether a unit states a figure for an asked year: a sentence by writing it; a row by a cell of that year, or,
    when its columns name no year, by its table's caption or the title of its rows ("Year Ended December 31, 2018")."""
    if unit.kind != "row":
        return bool(years(unit.text) & period)
    if asked_cells(unit, period):
        return True
    return not any(years(head) for head, _ in unit.cells) and not not_of_years(unit, period)


def closer_unit(sentence: Unit, units: Sequence[Unit], subject: set[str], period: set[int],
                states_claim: Callable[[Unit], bool], also_named: set[str] = frozenset()) -> Unit | None:
    """The unit naming `subject` more fully than `sentence` that does not state the claim (`states_claim`), or None.
    `also_named`: more words naming the claim where `sentence` states it (a row's: the header of its column)."""
    named = (naming_words(sentence) | also_named) & subject
    closer = []
    for unit in units:
        if unit is sentence or not figures(unit.text):
            continue
        words = naming_words(unit) & subject
        if len(words - named) < MIN_MORE or len(words) <= len(named):
            continue
        if period and not covers(unit, period):
            continue
        closer.append((len(words), unit))
    if not closer or any(states_claim(unit) for _, unit in closer):
        return None  # a closer unit states the figure too: the sentence agrees with it
    return max(closer, key=lambda pair: pair[0])[1]
