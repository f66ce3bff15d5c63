"""The month a question asks about, and whether the evidence for an answer names it.

"What average price did Costco pay for shares repurchased during the July 5 to August 1, 2021 period?" asks for one
row of a monthly repurchase table; "we repurchased 1,358,000 shares at an average price of $364.39" states the year's
average, in a sentence of the right year. Years alone cannot tell them apart: a month the question names must be
named where the answer's figure is stated (its sentence, or its row with the table's caption and headers). A month
that only closes a longer period ("the year ended May 31, 2021", "as of December 31") asks for no month.

Hands `asked_months` and `names_month` to the verifier (`rag.answer.verify`).
"""

from __future__ import annotations

import re

from rag.answer.grounding import MONTH_NUMBERS

_MONTH_RE = re.compile(r"\b(?:" + "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True)) + r")\.?(?!\w)", re.IGNORECASE)
# "year ended May 31", "as of December 31", "at 30 June", "end-March": the end of a longer period, not a month asked
_CLOSES_RE = re.compile(r"\b(?:ended|ending|ends|end of|end-|as of|as at|at|on|dated|since|before|after|by"
                        r"|due|maturing|(?:year|period|months|weeks) to)\s*(?:\d{1,2}(?:st|nd|rd|th)?\s+)?$",
                        re.IGNORECASE)
_NUMERIC_DATE_RE = re.compile(r"\b(0?[1-9]|1[0-2])/\d{1,2}/(?:19|20)?\d\d\b")  # "09/30/2015"


def month_of(word: str) -> int | None:
    """The month (1-12) a word names in full or by its abbreviation ("Sept."), else None."""
    return MONTH_NUMBERS.get(word.lower().rstrip("."))


def asked_months(question: str) -> set[int]:
    """The months (1-12) the question asks about: "in May 2018", "July 5 to August 1, 2021", "the November 2015
    report"; none for a month that closes a year, a quarter or a balance ("the year ended May 31")."""
    found = set()
    for match in _MONTH_RE.finditer(question):
        if match.group().lower() == "may" and not re.match(r"\s+\d", question[match.end():]) \
                and not re.search(r"\bin\s+$", question[:match.start()], re.IGNORECASE):
            continue  # "may" the verb: "shares that may yet be purchased"
        if not _CLOSES_RE.search(question[:match.start()]):
            found.add(month_of(match.group()))
    found.discard(None)
    return found


def names_month(text: str, months: set[int]) -> bool:
    """Whether `text` names one of `months`, by name, abbreviation or as a numeric date ("09/30/2015")."""
    named = {month_of(match.group()) for match in _MONTH_RE.finditer(text)}
    named |= {int(match.group(1)) for match in _NUMERIC_DATE_RE.finditer(text)}
    return bool(named & months)
