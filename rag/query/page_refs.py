"""Pages a question names ("on page 14", "page fourteen", "the first page", "the last page"), and which pages of a
file they may mean: the PDF page with that number, and the page printed with that number (its page label, so
"page 6985" of a paper in conference proceedings is found).

Hands on page numbers (to `QueryAnalysis`) and the pages of a file they may mean (to the retriever).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

LAST = -1  # "the last page"

NUMBER_WORDS = {word: value for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty".split())}
ORDINAL_WORDS = {word: value for value, word in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth".split())}
ORDINAL_WORDS["last"] = LAST
_NUMBER = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_ORDINAL = "|".join(ORDINAL_WORDS)
_PAGE_RE = re.compile(
    rf"\bpages?\s+(?:no\.?\s*|number\s+)?(\d{{1,5}}|{_NUMBER})\b(?!\s*(?:%|percent))"
    rf"|\b({_ORDINAL}|\d{{1,3}}(?:st|nd|rd|th))\s+page\b"
    r"|\bp\.\s*(\d{1,5})\b",
    re.IGNORECASE,
)


def named_pages(question: str) -> list[int]:
    """The page numbers the question names, in order; `LAST` for "the last page"."""
    found: list[int] = []
    for match in _PAGE_RE.finditer(question):
        word = next(group for group in match.groups() if group).casefold()
        if word.isdigit():
            number = int(word)
        elif word in NUMBER_WORDS:
            number = NUMBER_WORDS[word]
        elif word in ORDINAL_WORDS:
            number = ORDINAL_WORDS[word]
        else:
            number = int(re.match(r"\d+", word).group())
        if number and number not in found:
            found.append(number)
    return found


def pages_meant(number: int, page_count: int, labels: Mapping[str, list[int]]) -> set[int]:
    """The 1-based pages of a file of `page_count` pages that "page `number`" may mean, given its printed page
    labels (label -> pages)."""
    if number == LAST:
        return {page_count} if page_count else set()
    pages = set(labels.get(str(number), []))
    if 1 <= number <= page_count:
        pages.add(number)
    return pages
