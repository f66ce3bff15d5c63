"""A quarter's figure or a whole year's: which one a question asks for, and which one a sentence or table states.

An earnings release states both side by side: "Net income increased 17.8% to $340.8 million … in the fourth quarter"
and, a paragraph on, "For the Full Year of Fiscal 2022 Net sales increased 18.3% to $10.2 billion"; its statements
come as a "13 Weeks Ended" and a "52 Weeks Ended" table with the same rows and the same dated columns. The year in
the question cannot tell them apart; the length of the period can. A text names a span when it says quarter, Q1-Q4,
three months or 13/14 weeks ("quarter"), or full year, twelve months, 52/53 weeks, year ended or fiscal year
("year"); a question asks for a quarter when it names one and for a year otherwise, unless it names some other
length ("six months", "first half"), which this module leaves alone.

Hands `asked_span`, `span` and `claim_span` to the cell step and the verifier, which keep a figure of the other span
from answering or verifying.
"""

from __future__ import annotations

import re

QUARTER = "quarter"
YEAR = "year"
_QUARTER_RE = re.compile(r"\b(?:quarters?|q[1-4]|three months|(?:13|14|thirteen|fourteen)[ -]weeks?)\b", re.IGNORECASE)
_YEAR_RE = re.compile(r"\b(?:full[ -]year|(?:52|53|fifty-two|fifty-three)[ -]weeks?|twelve months|years? ended|"
                      r"fiscal years?)\b", re.IGNORECASE)
_OTHER_RE = re.compile(r"\b(?:six|nine|6|9)[ -]months?|\b(?:26|39)[ -]weeks?|\bhalf\b|\bh[12]\b|\byear[- ]to[- ]date\b|"
                       r"\bytd\b", re.IGNORECASE)
_KINDS = ((QUARTER, _QUARTER_RE), (YEAR, _YEAR_RE), (None, _OTHER_RE))
# "the fourth quarter of the fiscal year ended …" states a quarter
_QUARTER_OF_YEAR_RE = re.compile(r"\b(quarters?)\s+(?:of|in)\s+(?:the\s+)?(?:fiscal\s+)?years?(?:\s+ended)?",
                                 re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"[.!?;]\s")


def asked_span(question: str) -> str | None:
    """"quarter" when the question names one, None when it names another length of period, else "year"."""
    if _OTHER_RE.search(question):
        return None
    return QUARTER if _QUARTER_RE.search(question) else YEAR


def span(text: str) -> str | None:
    """The one span a caption or column header names; None when it names none or both."""
    kinds = {kind for kind, pattern in _KINDS[:2] if pattern.search(text)}
    return kinds.pop() if len(kinds) == 1 and not _OTHER_RE.search(text) else None


def claim_span(text: str, start: int) -> str | None:
    """The span the sentence holding position `start` gives its figure: the nearest mention before it in the same
    sentence, else the first after it; None when the sentence names none."""
    text = _QUARTER_OF_YEAR_RE.sub(lambda match: match.group(1).ljust(len(match.group())), text)
    begin = sentence_start(text, start)
    after = _SENTENCE_END_RE.search(text, start)
    before = _mentions(text[begin:start])
    if before:
        return before[-1][1]
    following = _mentions(text[start:after.start() if after else len(text)])
    return following[0][1] if following else None


def sentence_start(text: str, position: int) -> int:
    """Where the sentence holding `position` begins (a ";" ends a clause as a sentence would)."""
    return max((match.end() for match in _SENTENCE_END_RE.finditer(text, 0, position)), default=0)


def _mentions(text: str) -> list[tuple[int, str | None]]:
    return sorted(((match.start(), kind) for kind, pattern in _KINDS for match in pattern.finditer(text)),
                  key=lambda found: found[0])


def other_span(stated: str | None, question: str) -> bool:
    """Whether a figure stated for `stated` (a span or None) answers a question asking for the other span."""
    asked = asked_span(question)
    return stated is not None and asked is not None and stated != asked
