"""Chinese and Japanese amounts for a reader answering in English: glossed in its passages, restored in its answer.

A small reader reads 亿 (10^8) as "million" and 百万円 as "yen", so the passages it is given for an English question
about a Chinese or Japanese document carry each scaled amount in English words first, the document's own writing
after it (`gloss_amounts`: "372.53亿元" -> "37.253 billion yuan (372.53亿元)"). The reader then answers with the
English figure, right, and usually copies the bracket after it, often mangled ("(372,53 亿元)", "(18, 420百万円)",
"(252.06 billion yuan)"), which no passage holds. `restore_amounts` puts the document's writing back in that bracket
when the English figure before it is one of the glossed amounts, so the answer quotes figures as the document writes
them and is checked on what it states. Hands on plain strings; the sources keep the text as extracted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rag.answer.grounding import CJK_SCALES, figures

_SCALE_WORDS = "万亿|萬億|千万|千萬|百万|百萬|亿|億|万|萬|千"
_NUMBER = r"(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:[.．]\d+)?"
_CJK_PART_RE = re.compile(rf"({_NUMBER})\s*({_SCALE_WORDS})")
_CJK_AMOUNT_RE = re.compile(rf"(?<![\d.,，．(])(?<![\d.,，．]\s)(?:{_NUMBER}\s*(?:{_SCALE_WORDS})\s*)+(元|円|圆)?"
                            r"(?![元円圆])(?!\s*\))")
_CURRENCY_WORDS = {"元": "yuan", "圆": "yuan", "円": "yen"}
_ENGLISH_SCALES = (("trillion", 1e12), ("billion", 1e9), ("million", 1e6), ("thousand", 1e3))
# An English figure with its scale, an optional currency word, then a bracket holding a figure: the reader's copy of
# a gloss ("37.253 billion yuan (372,53 亿元)")
_GLOSS_COPY_RE = re.compile(r"(?P<english>\d[\d,]*(?:\.\d+)?\s+(?:trillion|billion|million|thousand))"
                            r"(?P<currency>\s+(?:yuan|yen|RMB|CNY|JPY))?\s*[(（](?P<inner>[^()（）]*\d[^()（）]*)[)）]",
                            re.IGNORECASE)


def _value(amount: str) -> float:
    """The value of a written amount: "2億1千万円" is 210 million."""
    return sum(float(unicodedata.normalize("NFKC", number).replace(",", "")) * 10 ** CJK_SCALES[scale]
               for number, scale in _CJK_PART_RE.findall(amount))


def _english(value: float, currency_mark: str) -> str:
    word, size = next(((w, n) for w, n in _ENGLISH_SCALES if value >= n), ("", 1))
    number = f"{value / size:,.6f}".rstrip("0").rstrip(".")
    return " ".join(part for part in (number, word, _CURRENCY_WORDS.get(currency_mark, "")) if part)


def gloss_amounts(text: str) -> str:
    """Chinese and Japanese amounts written in English words, the document's own writing after them, for a reader
    answering in English: "372.53亿元" -> "37.253 billion yuan (372.53亿元)", "１８，４２０百万円" -> "18.42 billion yen
    (１８，４２０百万円)". Only the reader's passages are glossed; sources keep the text."""
    return _CJK_AMOUNT_RE.sub(lambda m: f"{_english(_value(m.group(0)), m.group(1) or '')} ({m.group(0).rstrip()})",
                              text)


def written_amounts(texts: Iterable[str]) -> dict[float, str]:
    """The scaled amounts of `texts` by value, as the documents write them ("372.53亿元" under 37253000000.0)."""
    return {_value(m.group(0)): unicodedata.normalize("NFKC", m.group(0).strip())
            for text in texts for m in _CJK_AMOUNT_RE.finditer(text)}


def restore_amounts(answer: str, written: dict[float, str]) -> str:
    """`answer` with the bracket after each English figure of a glossed amount holding that amount as the document
    writes it ("37.253 billion yuan (372,53 亿元)" -> "37.253 billion yuan (372.53亿元)"); other brackets unchanged."""
    def restored(match: re.Match) -> str:
        english = figures(match.group("english"))
        value = float(english[0][1].scaled) if english else None
        original = next((text for amount, text in written.items()
                         if value is not None and abs(amount - value) <= 1e-9 * max(amount, 1)), None)
        if original is None:
            return match.group(0)
        return f"{match.group('english')}{match.group('currency') or ''} ({original})"

    return _GLOSS_COPY_RE.sub(restored, answer)


# A figure a reader copied with a space after its separator ("18, 420", "8. 5%" for "１８，４２０", "８．５％")
_SPLIT_FIGURE_RE = re.compile(r"(?<![\d.,])(?P<head>\d{1,3})(?P<mark>[.,])\s+(?P<tail>\d+)")


def join_split_figures(answer: str, passages: Iterable[str]) -> str:
    """`answer` with a figure split by a space after its separator joined again where the passages print it whole
    ("8. 5％" -> "8.5％" when a passage holds "８．５％"); a split no passage holds as one figure is left alone."""
    if not _SPLIT_FIGURE_RE.search(answer):
        return answer  # (most answers: the passages' figures are not read)
    printed = {figure.value for text in passages for _raw, figure, _span in figures(text)}  # "18,420" of 18,420百万

    def joined(match: re.Match) -> str:
        whole = f"{match.group('head')}{match.group('mark')}{match.group('tail')}"
        found = figures(whole)
        if found and found[0][0] == whole and found[0][1].value in printed:
            return whole
        return match.group(0)

    return _SPLIT_FIGURE_RE.sub(joined, answer)


def as_written(answer: str, passages: Iterable[str]) -> str:
    """The reader's figures as the passages write them: split figures joined, glossed amounts restored."""
    passages = list(passages)
    answer = join_split_figures(answer, passages)
    return restore_amounts(answer, written_amounts(passages)) if _GLOSS_COPY_RE.search(answer) else answer
