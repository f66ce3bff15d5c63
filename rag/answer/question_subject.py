"""What a question asks about, for the verifier: its subject words (less instructions and the document's own name),
the identifiers and period-end words it names, whether it asks a yes/no, a quantity or a name, and whether a unit's
words state that subject.

Hands on word sets and tests to `rag.answer.verify`, `rag.answer.cell` and the answerer.
"""

from __future__ import annotations

import math
import re

from rag.answer.grounding import Claim, _fold, names
from rag.query.terms import latin_names
from rag.text import tokenize


_YES_NO_RE = re.compile(r"(?:is|are|was|were|does|do|did|has|have|had|can|could|will|would|should)\b", re.IGNORECASE)


_QUANTITY_RE = re.compile(r"\bhow (?:much|many|long|old)\b|\b(?:amount|number|percentage|ratio|rate|total|value)\b"
                          r"|\bin (?:usd |us\$ )?(?:millions|thousands|billions)\b|\banswer in\b", re.IGNORECASE)


# words of a question's instructions, not of its subject ("Answer in USD millions", "based on the cash flow statement")
INSTRUCTION_WORDS = frozenset(tokenize(
    "what how much many is was were amount value figure reported report according answer respond response "
    "question relying details shown shows show statement statements provide primarily information round decimal "
    "place places unit units usd dollar dollars million millions billion billions thousand thousands percent "
    "percentage calculate calculated assume analyst public equities year years fiscal fy end ending ended as of "
    "company company's document documents state stated give tell list name does did do has have had "
    # a month qualifies the period (checked through the year), it does not name what is asked
    "january february march april may june july august september october november december"))


SUBJECT_SHARE = 0.4  # a sentence states the asked value when it holds this share of the subject words (two at least)


# Chinese/Japanese character pairs of a question's grammar, not of its subject: any pair with hiragana (Japanese
# particles and endings: "の", "は", "ですか"), with a Chinese function character, or a question word
_HIRAGANA_RE = re.compile("[\u3040-\u309f]")
_CJK_FUNCTION_CHARS = frozenset("的是了吗呢么哪请问")
_CJK_QUESTION_PAIRS = frozenset("多少 几个 如何 怎样 怎么 何か 何で".split())
# a Chinese/Japanese year, checked through `years` ("2025年3月期", "2024年度"); a quarter ("第四季度") names a column
_CJK_PERIOD_RE = re.compile(r"\d+\s*年(?:度)?(?:\s*\d+\s*月期?)?|\d+\s*月期")


def subject_words(question: str, file: str = "") -> set[str]:
    """The question's content words, less instruction words, years, figures, the document's own name and the
    character pairs of a Chinese or Japanese question's grammar."""
    own = own_name(file, question)
    return {t for t in tokenize(_CJK_PERIOD_RE.sub(" ", question)) if t not in INSTRUCTION_WORDS and t not in own
            and t.isalpha() and len(t) > 1 and not grammar_pair(t)} | ampersand_words(question)


def grammar_pair(token: str) -> bool:
    """Whether a character pair is of the question's grammar ("のサ", "すか", "是多", "多少"), not of its subject."""
    return bool(_HIRAGANA_RE.search(token)) or bool(_CJK_FUNCTION_CHARS & set(token)) or token in _CJK_QUESTION_PAIRS


_PERIOD_CODE_RE = re.compile(r"(?:fy|q|h)\d+|\d+(?:q|h|st|nd|rd|th)")  # "fy2021", "q3", "2q", "1st": periods


def asked_codes(question: str) -> set[str]:
    """Identifiers the question names, mixing letters and digits ("i386", "libc6", "ms700" is "ms" and "700"): a
    sentence stating the answer must name them too."""
    return {t for t in tokenize(question) if len(t) >= 4 and any(c.isdigit() for c in t)
            and any(c.isalpha() for c in t) and not _PERIOD_CODE_RE.fullmatch(t)}


def rows_naming_latin_names(rows: list, question: str) -> list:
    """The table rows whose label, cells, caption or title hold every Latin name of a Chinese or Japanese question
    (`rag.query.terms.latin_names`) but an acronym, which names a kind ("GUI"): "fcitx5" asked in "IBus
    輸入法相關的軟體包列表", the row of "ibus" does not state its size. All rows for other questions."""
    names = [tokenize(name) for name in latin_names(question) if not name.isupper()]  # "GUI": a kind, not an item
    if not names:
        return rows
    return [row for row in rows if row.kind != "row" or all(
        set(name) <= set(tokenize(f"{row.text} {row.context} {row.section}")) for name in names)]


def names_codes(codes: set[str], words: set[str]) -> bool:
    """Whether `words` hold each code, whole or written apart ("Llama 2" for "llama2")."""
    return all(code in words or set(re.findall(r"[^\W\d_]+|\d+", code)) <= words for code in codes)


_END_OF_RE = re.compile(r"\b(?:at|as of) the end of\b", re.IGNORECASE)


_PERIOD_END = frozenset(tokenize("end period"))


def period_end_words(question: str) -> frozenset[str]:
    """The words of a label's "at end of period" when the question asks for "the end of" a year: the period is the
    one asked, not part of the row's name ("Paid memberships at end of period" for "at the end of 2014")."""
    return _PERIOD_END if _END_OF_RE.search(question) else frozenset()


def own_name(file: str, question: str = "") -> set[str]:
    """The tokens of the document's own name: its file name's words, and the question's words that spell part of
    it ("AMERICANEXPRESS_2022_10K": "american" and "express"; "BESTBUY_2023_10K": "best buy" as two words)."""
    own = set(tokenize(re.sub(r"[_\-.]", " ", file)))
    squeezed = "".join(own)
    words = re.findall(r"[a-z]+", question.casefold())
    for pair in zip(words, words[1:]):
        if len("".join(pair)) >= 6 and "".join(pair) in squeezed:
            own.update(tokenize(" ".join(pair)))
    return own | {t for t in tokenize(question) if len(t) >= 4 and t in squeezed}


ASKS_NAME_RE = re.compile(r"\s*(?:who|whom|whose|where|which\s+(?!years?\b|quarters?\b|months?\b|periods?\b|dates?\b)"
                           r"[a-z]+\s+(?:is|was|are|were)\b)", re.IGNORECASE)


def asks_yes_no(question: str) -> bool:
    return bool(_YES_NO_RE.match(question.strip()))


def asks_quantity(question: str) -> bool:
    return bool(_QUANTITY_RE.search(question))


def names_subject(unit_words: set[str], subject: set[str]) -> bool:
    """A stricter test, for names and words that are not figures: at least half the subject words (two or more)."""
    common = unit_words & subject
    return len(common) >= min(2, len(subject)) and len(common) >= 0.5 * len(subject)


def shares_subject(unit_words: set[str], subject: set[str], label: set[str] | None = None) -> bool:
    common = unit_words & subject
    if label is not None:  # a row: its label is the measure
        label_common = label & subject
        return bool(label_common) and (len(label_common) >= 2 or len(label_common) >= 0.5 * len(label)
                                       or len(label_common) >= 0.5 * len(subject))
    return bool(common) and len(common) >= min(len(subject), max(2, math.ceil(SUBJECT_SHARE * len(subject))))


_AMPERSAND_RE = re.compile(r"\b[A-Za-z]{1,3}&[A-Za-z]{1,3}\b")


def ampersand_words(text: str) -> set[str]:
    """Abbreviations joined by "&" ("R&D", "S&P", "M&A"), which the search tokens split into letters they drop."""
    return {match.lower() for match in _AMPERSAND_RE.findall(text)}


def extends_asked_name(claim: Claim, question: str) -> bool:
    """A name that only lengthens one the question names ("Manchester United Football Club" for a question about
    Manchester United) says who, not what was asked."""
    asked = {_fold(name) for name, _ in names(question)}
    folded = _fold(claim.text)
    return any(name and folded.startswith(name + " ") for name in asked)


def generic_name(name: str) -> bool:
    return not (set(tokenize(name)) - INSTRUCTION_WORDS)
