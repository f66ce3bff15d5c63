"""A figure a sentence states as a change does not answer a question about a level.

"STEP-BACK PROMPTING improves PaLM-2L performance on MMLU Physics and Chemistry by 7% and 11%" states 7% as an
improvement; "What score did PaLM-2L + Step-Back achieve in MMLU Physics?" asks for the score (73.2%). Likewise "Net
sales increased 18.3% to $10.2 billion": 18.3% is the change, $10.2 billion the level. A figure is stated as a
change when, in its sentence, it follows a verb of change directly ("increased 18.3%", "up 5%") or after "by" or a
colon ("improves … by 7%", "improves the performance across the board: 7% and 11%"), alone or in a list. A question asks for a
change when it names one (increase, growth, improvement, decline, "by how much", difference, …); then any figure
may answer it.

A question asking for a difference ("how much higher ... than", "difference between") is the stricter case: a
level in a row or sentence does not answer it, only a change column or a figure stated as a change.

Hands `asks_change`, `asks_difference`, `change_column` and `stated_as_change` to the verifier
(`rag.answer.verify`).
"""

from __future__ import annotations

import re

from rag.answer.period_span import sentence_start

_VERB = (r"(?:increas|decreas|improv|grew|grow|rose|rise|risen|declin|fell|fall|dropp?|reduc|gain|boost|outperform|"
         r"surpass|exceed|lower|rais|cut|expand|shr[ai]nk|slid|jump|climb)\w*")
_QUALIFIER = r"(?:(?:approximately|about|nearly|almost|over|some|roughly|around)\s+)?"
_LISTED = (r"(?:[$£€]?\s?\d[\d.,]*\s*%?\s*(?:million|billion|thousand|points?|percentage points|basis points)?"
           r"\s*(?:,\s*and|,|and)\s+)*")  # earlier figures of a list: "by 7% and " before 11%
_CURRENCY_WORD = r"(?:(?:inr|usd|eur|gbp|rmb)\s)?"  # "by USD 245.27"
_BY_RE = re.compile(rf"\b{_VERB}\b[^.;!?]*(?:\bby|:)\s+{_QUALIFIER}{_LISTED}{_CURRENCY_WORD}$", re.IGNORECASE)
_DIRECT_RE = re.compile(rf"\b(?:{_VERB}|up|down)\s+{_QUALIFIER}{_LISTED}{_CURRENCY_WORD}$", re.IGNORECASE)
_ASKS_CHANGE_RE = re.compile(
    r"\b(?:increas|decreas|improv|growth|grow|grew|change|gain|declin|drop|rise|rose|fell|fall|boost|uplift|delta|"
    r"reduc|differen|by how much|how much (?:more|less|higher|lower)|compared?)\w*", re.IGNORECASE)


_ASKS_DIFFERENCE_RE = re.compile(r"\bhow much (?:more|less|higher|lower|greater|smaller)\b|\bdifference (?:between|in)\b|"
                                 r"\bby how much\b", re.IGNORECASE)
_CHANGE_HEADER_RE = re.compile(r"\b(?:change|increase|decrease|difference|growth|variance)\b|%\s*chg|\bvs\.?\b",
                               re.IGNORECASE)


def asks_difference(question: str) -> bool:
    """Whether the question asks how far apart two values are ("How much higher was the dividend paid in 2003
    compared to 2002?"): a row's or sentence's level answers it only where it is stated as that difference."""
    return bool(_ASKS_DIFFERENCE_RE.search(question))


def change_column(header: str) -> bool:
    """Whether a table column holds changes ("% Change", "Increase (decrease)", "2022 vs 2021")."""
    return bool(_CHANGE_HEADER_RE.search(header))


def asks_change(question: str) -> bool:
    """Whether the question asks for a change (an increase, growth, a difference), which any figure may state."""
    return bool(_ASKS_CHANGE_RE.search(question))


def stated_as_change(text: str, start: int) -> bool:
    """Whether the figure at `start` in `text` is stated as a change in its sentence."""
    before = re.sub(r"[$£€¥]\s?$", "", text[sentence_start(text, start):start])  # "increased $126.3 million"
    return bool(_DIRECT_RE.search(before) or _BY_RE.search(before))
