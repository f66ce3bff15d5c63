"""Which value of a sentence listing several goes with the question's subject.

A sentence often lists values side by side, each with its own qualifier: "approximately 75 million connections on
our Facebook page, over 58.8 million followers on Instagram and over 36.2 million followers to our Twitter
accounts". That the sentence holds the question's words ("Instagram", "followers") and the answer's figure (36.2
million) does not make 36.2 million the Instagram figure. The sentence is cut into its clauses (at commas,
semicolons, "and", "while", "whereas"); a value belongs to its clause. The answer's value is bound to another
subject when another value's clause holds a subject word that the answer's clause lacks, and the answer's clause
names something of its own that the other does not ("Twitter accounts").

Words of comparison ("up from £4m in 2021") are not a qualifier of their own: a year is checked by the verifier's
period rule, not here.

A count is bound to the noun written right after it: "4 errors were due to multiple basic patterns" counts errors, so
it does not answer "How many basic patterns were obtained?" (`counted_otherwise`).

Hands on `bound_elsewhere` and `counted_otherwise` to the verifier (`rag.answer.verify`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.columns import HOW_MANY_RE
from rag.answer.grounding import Figure, dates, figures
from rag.text import STOPWORDS, tokenize

_CLAUSE_RE = re.compile(r"[,;:]\s+|\s+(?:and|while|whereas|but|versus|vs\.?)\s+", re.IGNORECASE)
_NOT_QUALIFIERS = frozenset(tokenize(
    "approximately about around nearly almost over under more less than least most some up down from compared "
    "prior previous last year years respectively total including included each per cent million millions billion "
    "billions thousand thousands bn"))


@dataclass
class Binding:
    value: str  # the other value, as written
    words: list[str]  # the subject words its clause holds


def bound_elsewhere(text: str, claimed: Figure, subject: set[str], question: str = "") -> Binding | None:
    """The value of `text` that its clause binds to the subject, when the claimed figure's clause names another
    thing (see the module docstring); None when the claim's own clause is as good as any. A value the question
    itself writes ("Of the 10 rows reviewed, how many ...") is a given, not another answer."""
    given = [figure for _, figure, _ in figures(question)]
    clauses = [(words, [(written, figure) for written, figure in values
                        if not any(figure.supported_by(g) or g.supported_by(figure) for g in given)])
               for words, values in _value_clauses(text)]
    clauses = [(words, values) for words, values in clauses if values]
    if len(clauses) < 2:
        return None
    mine = [words for words, values in clauses if any(claimed.supported_by(figure) for _, figure in values)]
    if len(mine) != 1:
        return None
    own = mine[0]
    own_qualifiers = {w for w in own if w not in subject}
    for words, values in clauses:
        if words is own or any(claimed.supported_by(figure) for _, figure in values):
            continue
        taken = (words & subject) - own
        if taken and own_qualifiers - words:
            return Binding(values[0][0], sorted(taken))
    return None


def _value_clauses(text: str) -> list[tuple[set[str], list[tuple[str, Figure]]]]:
    """The clauses of `text` holding a value (not a year, not part of a date): their qualifying words and values."""
    in_dates = [span for _, _, span in dates(text)]
    clauses = []
    start = 0
    for cut in [*(m.start() for m in _CLAUSE_RE.finditer(text)), len(text)]:
        piece = text[start:cut]
        offset = start
        start = cut
        values = [(written, figure) for written, figure, (a, _b) in figures(piece)
                  if not _is_year(figure) and not any(s <= a + offset < e for s, e in in_dates)]
        if not values:
            continue
        words = {t for t in tokenize(piece) if t.isalpha() and t not in STOPWORDS and t not in _NOT_QUALIFIERS
                 and len(t) > 1}
        clauses.append((words, values))
    return clauses


def _is_year(figure: Figure) -> bool:
    return figure.exponent == 0 and not figure.percent and figure.decimals == 0 and 1900 <= figure.value <= 2099


_AMOUNT_RE = re.compile(r"[£$€¥]\s?\d[\d,.]*")


def _amounts(text: str) -> set:
    return {figure.scaled for written, figure, _ in figures(text) if _AMOUNT_RE.match(written)}


def other_amount(text: str, value: Figure, question: str) -> str | None:
    """Where a sentence qualifies its values by when the question qualifies by other amounts: "seniors with a
    household income of $75,000 or more ... 82% have broadband" does not state 82% for an income "between $50,000
    and $74,999": "$75,000, not for $50,000 or $74,999". None when the question names no amount, or the sentence
    names one of the question's."""
    asked = _amounts(question)
    if not asked:
        return None
    stated = {written for written, figure, _ in figures(text)
              if _AMOUNT_RE.match(written) and figure.scaled != value.scaled}
    if not stated or _amounts(text) & asked:
        return None
    named = [written for written, _, _ in figures(question) if _AMOUNT_RE.match(written)]
    return f"{sorted(stated)[0]}, not for {' or '.join(named)}"


_COUNTED_RE = re.compile(r"\s*(?:[-–]?\s*)?([A-Za-z][\w’'-]*)")


def counted_otherwise(after: str, question: str) -> str | None:
    """The noun a count is of, read from the text right `after` it, when the question asks how many of something
    else: "4 errors were due to ... basic patterns" for "How many basic patterns ...?" gives "errors". None when
    the question asks no "how many", or the count is followed by no word (a table cell, the end of a sentence), by
    a scale or a function word, or by one of the question's words (singular or plural)."""
    match = _COUNTED_RE.match(after) if HOW_MANY_RE.search(question) else None
    if not match:
        return None
    word = match.group(1).casefold()
    if word in STOPWORDS or word in _NOT_QUALIFIERS or len(word) < 3:
        return None
    return None if _singular(word) in {_singular(w) for w in tokenize(question)} else word


def _singular(word: str) -> str:
    return word[:-3] + "y" if word.endswith("ies") else word[:-1] if word.endswith("s") and len(word) > 3 else word
