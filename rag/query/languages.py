"""Which language a question or a document is written in, by script, and which languages to translate a question
into so that it can find documents written in another script (`rag.answer.translate` does the translating).

"en" stands for any Latin-script language; "zh" for text mostly in Han characters; "ja" for text with kana.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.text import has_cjk

LANGUAGE_NAMES = {"en": "English", "zh": "Simplified Chinese", "ja": "Japanese"}
_KANA_RE = re.compile("[\u3040-\u30ff\u31f0-\u31ff]")


def language_of(text: str) -> str:
    """"ja" for text with kana, "zh" for text mostly in Han characters, else "en" (any Latin-script language).

    The share is of letters: a Chinese question with "AA+" or "H股" is still Chinese."""
    letters = [ch for ch in text if ch.isalpha()]
    cjk = sum(has_cjk(ch) for ch in letters)
    if not letters or cjk * 2 < len(letters):
        return "en"
    kana = len(_KANA_RE.findall(text))
    return "ja" if kana and kana * 20 >= cjk else "zh"


def document_languages(texts_by_source: dict[str, Iterable[str]]) -> dict[str, str]:
    """The language of each file (`language_of` over a sample of its chunk texts)."""
    found = {}
    for source, texts in texts_by_source.items():
        sample = "".join(text for _i, text in zip(range(40), texts))
        found[source] = language_of(sample)
    return found


def targets(question_language: str, document_languages: Iterable[str]) -> list[str]:
    """The languages to translate a question into: those of the documents written in another script.

    English ↔ Chinese/Japanese only: Chinese and Japanese share Han characters, which the keyword index already
    matches (bigrams), so a Chinese question about a Japanese document is not translated."""
    languages = set(document_languages)
    if question_language == "en":
        return sorted(languages & {"zh", "ja"})
    return ["en"] if "en" in languages else []
