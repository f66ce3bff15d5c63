"""Words a PDF's layout broke, made whole again in its prose before chunking: a word hyphenated at a line's end
("consis-\ntent" -> "consistent") and typographic ligatures ("speciﬁc" -> "specific").

Justified text breaks long words across lines; pypdf keeps the break, so neither the keyword index nor the focus
step (which keeps the sentences sharing the question's words) finds "consistent" in "36 tables were consis-\ntent",
and the reader was never shown the sentence. A line-end hyphen is dropped and the word joined, unless the document
writes the hyphenated word elsewhere within a line ("long-term", "third-party": `compounds`), then the hyphen
stays. Only letters on both sides are joined, the second part lower case ("Non-\nGAAP" and "2021-\n2022" are kept).

Table rows are not touched (chunking finds a table's rows in its page's text verbatim). Hands on the mended text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                           "\ufb05": "st", "\ufb06": "st"})
_HYPHENS = "-\u00ad\u2010"  # hyphen-minus, soft hyphen, hyphen
_BROKEN = re.compile(rf"(?<![^\W\d_])([^\W\d_]+)[{_HYPHENS}][ \t]*\n[ \t]*([^\W\d_]+)")
_COMPOUND = re.compile(r"(?<![^\W\d_])([^\W\d_]+)-([^\W\d_]+)(?![^\W\d_])")


def compounds(texts: Iterable[str]) -> set[str]:
    """The hyphenated words the texts write within a line, lower case ("long-term")."""
    found: set[str] = set()
    for text in texts:
        found.update(match.group().casefold() for match in _COMPOUND.finditer(text.translate(LIGATURES)))
    return found


def mend(text: str, keep: set[str] = frozenset()) -> str:
    """`text` with ligatures spelt out and words broken at a line's end joined (see the module docstring)."""
    text = text.translate(LIGATURES)
    if "\n" not in text:
        return text

    def join(match: re.Match) -> str:
        head, tail = match.group(1), match.group(2)
        if not tail[0].islower():  # "Non-\nGAAP", "Sub-\nSaharan": a compound, kept as printed
            return match.group()
        if f"{head}-{tail}".casefold() in keep:
            return f"{head}-{tail}"
        return head + tail

    return _BROKEN.sub(join, text)  # the two lines become one: the word is whole, the rest of its line follows
