"""The specific things a question names: figures, names and acronyms, organisations, quarters, and its content words.

Retrieval uses `key_terms` to find a file by a name only its text holds ("ADBE"); the relevance check
(`rag.answer.answerability`) refuses passages that never mention a figure, acronym, organisation or quarter the
question names. Each function reads the question alone; `QueryAnalysis` (`rag.query.analysis`) calls them once per
question and hands the results on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.query.page_refs import NUMBER_WORDS, ORDINAL_WORDS
from rag.text import CJK_CHARS, STOPWORDS, has_cjk, join_thousands, normalize, stem, tokenize

# Abbreviations that are ordinary vocabulary in business documents; a question may use one the text spells out.
GENERAL_ABBREVIATIONS = frozenset("""
    fy ytd ttm ltm yoy qoq mom usd eur gbp jpy cny rmb inr chf cad aud us usa uk eu un
    ebit ebitda ebitdar eps dps roa roe roi roic roce cogs sga opex capex fcf ppe ppne nopat wacc npv irr
    dpo dso dio ccc gaap ifrs sec kpi ceo cfo coo cto cio evp svp vp ipo m&a r&d sg&a pp&e q&a faq id no
""".split())

# Words that frame a question rather than say what it is about.
QUESTION_WORDS = frozenset(tokenize("""
    what which who whom whose when where why how much many number total amount percentage percent value name names
    list give write answer format integer float decimal decimals ascending descending order example according
    document report page pages shown show figure table chart section based mentioned stated company year years
    fiscal respectively compared difference gap higher lower lowest highest largest smallest ratio rate change
    please calculate round nearest top
""") + [*NUMBER_WORDS, *ORDINAL_WORDS])

# An organisation's name: "Department of Health", "Bank of England" (title case, so only in mixed-case questions).
_ORGANISATION_RE = re.compile(
    r"\b(?:Department|Ministry|Bureau|Office|Board|Commission|Council|Agency|Authority|Institute|University|College"
    r"|School|Division|Society|Association|Federation|Academy|Foundation|Bank|Court|Centre|Center|Hospital)"
    r"\s+of\s+(?:the\s+)?[A-Z][\w'&-]*(?:\s+(?:and\s+|&\s+)?[A-Z][\w'&-]*)*")

_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_ORDINAL = "|".join(_ORDINALS)
# "third quarter", "Fourth-quarter 2018", "third and fourth quarters", "Q3", "3Q", "quarter 3"
_QUARTER_RE = re.compile(
    rf"\b((?:{_ORDINAL})(?:\s*(?:,|and|&|or)\s*(?:{_ORDINAL}))*)[\s-]+(?:fiscal\s+)?quarters?\b"
    r"|\bq([1-4])\b|\b([1-4])q\b|\bquarter\s+([1-4])\b", re.IGNORECASE)

_SENTENCE_END_RE = re.compile(r"(?<=[.?!])\s+|(?<=[。？！；])")
# Chinese "第一季度"/"一季度"/"第1季度" and Japanese "第1四半期"/"第一四半期" (full-width digits are folded before)
_CJK_QUARTER_RE = re.compile(r"第?([1-4一二三四])(?:季度|季|四半期)")
_CJK_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4}
_WORD_RE = re.compile(r"[^\W_]+")
_CJK_RUN_RE = re.compile(f"[{CJK_CHARS}]+")


def key_terms(question: str, ignore: Iterable[str] = ()) -> list[tuple[str, ...]]:
    """The question's specific terms: numbers, and names or acronyms (capitalised words not starting a sentence).

    Each term is given as the search tokens that stand for it ("FY2018": "fy2018" or "2018"); words in `ignore`
    (those that named a file) are left out.
    """
    ignore = set(ignore)
    terms: list[tuple[str, ...]] = []
    for sentence in _SENTENCE_END_RE.split(join_thousands(question)):
        for position, word in enumerate(_words_outside_cjk(sentence)):
            named = position > 0 and any(ch.isupper() for ch in word)
            if not (named or any(ch.isdigit() for ch in word)) or normalize(word) in ignore:
                continue
            tokens = _term_tokens(normalize(word))
            if tokens and tokens not in terms:
                terms.append(tokens)
    return terms


def _words_outside_cjk(sentence: str) -> list[str]:
    """The words of `sentence`, with runs of Chinese/Japanese characters cut out: such a run is a phrase written
    without spaces ("2018年第一季度归属于...的净利润"), not a name; the figures and Latin words around it stay
    ("2018", "ABC")."""
    words = []
    for word in _WORD_RE.findall(sentence):
        words.extend(part for part in _CJK_RUN_RE.split(word) if part) if has_cjk(word) else words.append(word)
    return words


def _term_tokens(word: str) -> tuple[str, ...]:
    if word.isalpha():
        return () if word in STOPWORDS or len(word) < 2 else (stem(word),)
    if word.isdigit():
        return (word,)
    return (word, *re.findall(r"\d{3,}", word))  # "fy2018" is there when "2018" is; "4o" only as itself


def acronyms(question: str, ignore: Iterable[str] = ()) -> list[str]:
    """Words written as acronyms or unusual names: "HAQ", "LLaVa", "GPT-4o", "SituatedQA".

    Common abbreviations and words in `ignore` are left out; so is everything in a question written in capitals.
    """
    if _mostly_capitals(question):
        return []
    ignore = set(ignore)
    found = []
    for word in re.findall(r"[^\W_]+(?:[-&][^\W_]+)*", question):
        capitals = sum(ch.isupper() for ch in word)
        if capitals < 2 and not (capitals and word[0].islower()):
            continue
        if word.lower() in GENERAL_ABBREVIATIONS or re.search(r"\d{3}", word):  # "FY2018" is a number, checked as one
            continue
        tokens = tokenize(word)
        if tokens and normalize(word) not in ignore and not all(
                token in ignore or token in GENERAL_ABBREVIATIONS for token in tokens):
            found.append(word)
    return list(dict.fromkeys(found))


def latin_names(question: str) -> list[str]:
    """The Latin words of a Chinese or Japanese question, which name things (packages, commands, products, codes:
    "nkf", "docker.io", "MS-700"), not units after figures; none for a question mostly in Latin letters."""
    if not mostly_cjk(question):
        return []
    return list(dict.fromkeys(word for word in _LATIN_NAME_RE.findall(question)
                              if word.lower() not in GENERAL_ABBREVIATIONS))


# a Latin word, not glued to a figure before it (a unit: "5.0GiB", "10 MB")
_LATIN_NAME_RE = re.compile(r"(?<![A-Za-z0-9.])(?<!\d\s)[A-Za-z][A-Za-z0-9_.+\-]*[A-Za-z0-9]")


def named_organisations(question: str) -> list[str]:
    """Organisations the question names by their title ("Florida Department of Health"), in a mixed-case question."""
    if _mostly_capitals(question):
        return []
    return list(dict.fromkeys(match.group() for match in _ORGANISATION_RE.finditer(question)))


# Capitalised words in a row, joined by "and", "of", "for" or "&": "CVS Health's", "Godfrey Phillips", "Business
# Management and Entrepreneurship".
_CAPITALISED_RUN_RE = re.compile(r"\b[A-Z0-9][\w&.’'-]*(?:\s+(?:(?:and|of|for|&)\s+)?[A-Z][\w&.’'-]*)+")


def capitalised_runs(text: str) -> list[str]:
    """The runs of two or more capitalised words in `text`: names, as a question writes them."""
    return _CAPITALISED_RUN_RE.findall(text)


def quarters(text: str) -> set[int]:
    """The quarters of a year `text` names: {3, 4} for "the third and fourth quarters" or "Q3 and Q4"; also in
    Chinese ("第一季度", "三季度") and Japanese ("第３四半期")."""
    found: set[int] = set()
    if has_cjk(text):
        for match in _CJK_QUARTER_RE.finditer(normalize(text)):
            found.add(_CJK_NUMERALS.get(match.group(1)) or int(match.group(1)))
    for match in _QUARTER_RE.finditer(text):
        if match.group(1):
            found.update(_ORDINALS[word.casefold()] for word in re.findall(_ORDINAL, match.group(1), re.IGNORECASE))
        else:
            found.add(int(next(group for group in match.groups()[1:] if group)))
    return found


def content_words(question: str) -> list[str]:
    """The search tokens of the question's lower-case words that say what it is about ("market", "open")."""
    words = " ".join(word for word in re.findall(r"[^\W\d_]{4,}", question) if word.islower())
    return list(dict.fromkeys(token for token in tokenize(words) if token not in QUESTION_WORDS))


def mostly_cjk(text: str) -> bool:
    """Whether most letters of `text` are Chinese/Japanese characters (its keyword ranking then weighs more)."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(has_cjk(ch) for ch in letters) * 2 >= len(letters)


def _mostly_capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return sum(ch.isupper() for ch in letters) > len(letters) / 2
