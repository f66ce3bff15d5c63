"""Answers with no figure, date or name ("The X option controls the anchor"): verified where one sentence holds
the answer's own words and the question's subject; a one-word answer where the subject is stated right beside it.

Hands on a `Verdict` to `rag.answer.verify`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rag.answer.grounding import Claim, names
from rag.answer.question_subject import INSTRUCTION_WORDS, extends_asked_name, names_subject
from rag.answer.units import Unit
from rag.answer.verdict import UNSUPPORTED, VERIFIED, Verdict
from rag.text import STOPWORDS, tokenize


def verify_words(answer: str, question: str, units: Sequence[Unit], subject: set[str], closest: Unit | None
                  ) -> Verdict:
    """An answer with no figure, date or name: one unit must hold its own words and the question's subject."""
    asked = set(tokenize(question))
    for name, _span in names(answer):  # "Manchester United Football Club" for a question about Manchester United
        if extends_asked_name(Claim(name, "name"), question):  # names the asked subject, not an answer
            asked.update(tokenize(name))
    own = {t for t in tokenize(answer) if t not in asked and t not in STOPWORDS and t not in INSTRUCTION_WORDS
           and len(t) > 2}
    if len(own - _VAGUE) == 1:
        return _verify_one_word(next(iter(own - _VAGUE)), units, subject, closest)
    if own and own <= _VAGUE:
        return Verdict(UNSUPPORTED, closest, "the answer is too vague to check")
    if len(own) < 2:
        return Verdict(UNSUPPORTED, closest, "the answer states too little beyond the question to check")
    best, best_score = None, 0.0
    for unit in units:
        words = set(tokenize(unit.text))
        score = len(own & words) / len(own)
        if score > best_score and names_subject(words, subject):
            best, best_score = unit, score
    if best is not None and best_score >= 0.8:
        return Verdict(VERIFIED, best, f"stated on {best.where} of {best.file}")
    return Verdict(UNSUPPORTED, best or closest, "no sentence states the answer in these words; check the pages below")


_VAGUE = frozenset(tokenize("multiple various several many numerous different other certain some diverse "
                            "variety range number"))


ONE_WORD_REACH = 8  # tokens either side of a one-word answer where the question's subject must be stated


def subject_weights(units: Sequence[Unit], subject: set[str]) -> dict[str, float]:
    """How telling each subject word is among these passages: rarer words weigh more ("farm" beside "schedule" and
    "income" on a tax form), as inverse document frequency over the units."""
    seen = [set(tokenize(unit.text)) & subject for unit in units]
    return {word: math.log((len(seen) + 1) / (1 + sum(word in words for words in seen))) + 1.0 for word in subject}


def subject_beside(phrase: str, text: str, subject: set[str], weights: dict[str, float]) -> bool:
    """Whether the subject is stated within ONE_WORD_REACH tokens of `phrase`: two words or more, carrying at least
    half the subject's weight."""
    wanted = tokenize(phrase)
    tokens = tokenize(text)
    total = sum(weights.get(word, 1.0) for word in subject)
    for at in range(len(tokens) - len(wanted) + 1):
        if wanted and tokens[at:at + len(wanted)] == wanted:
            near = set(tokens[max(0, at - ONE_WORD_REACH):at + len(wanted) + ONE_WORD_REACH]) & subject
            if len(near) >= min(2, len(subject)) and sum(weights.get(w, 1.0) for w in near) >= 0.5 * total:
                return True
    return False


def _verify_one_word(word: str, units: Sequence[Unit], subject: set[str], closest: Unit | None) -> Verdict:
    """A one-word answer ("lookup", "Johnston") is verified where the subject is stated right beside that word:
    "lookup Indicates that the call will return a borrowed pointer", not "In contrast to 'find' described above"
    a clause away from it."""
    weights = subject_weights(units, subject)
    for unit in units:
        if subject_beside(word, unit.text, subject, weights):
            return Verdict(VERIFIED, unit, f"stated on {unit.where} of {unit.file}")
    return Verdict(UNSUPPORTED, closest, "no sentence states the answer beside what was asked; check the pages below")
