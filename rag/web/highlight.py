"""Where a quote sits on its page: the boxes to highlight over the rendered page (`highlight_boxes`).

The quote is an evidence unit as the answer stage holds it: a sentence with its spaces collapsed, or a table row
rewritten with its labels ("Broadcasting revenue: 2022: £214,847 thousand; 2021: …"), so it is rarely the page's
text character for character. It is placed by its words instead: the run of page words (in reading order) that
holds the most of the quote's distinct words, no longer than the quote allows, and those words' boxes merged line
by line. Hands on boxes as fractions of the page's width and height, so they scale with the image they cover.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_EDGE = re.compile(r"^[^\w£$€¥%]+|[^\w%]+$")
_CURRENCY = re.compile(r"^[£$€¥]+")
MIN_SHARE = 0.5  # at least half the quote's distinct words must be found together, else nothing is highlighted


@dataclass(frozen=True)
class Box:
    """A rectangle as fractions of the page (0..1 from the top-left corner)."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom


@dataclass(frozen=True)
class PlacedWord:
    text: str
    box: Box


def word_key(text: str) -> str:
    """A word as compared: lower case, without surrounding punctuation or a leading currency sign."""
    return _CURRENCY.sub("", _EDGE.sub("", text.lower()))


def quote_words(quote: str) -> list[str]:
    keys = [word_key(word) for word in quote.replace("…", " ").split()]
    return [key for key in keys if key]


def highlight_boxes(words: Sequence[PlacedWord], quote: str) -> list[Box]:
    """The boxes covering `quote` on a page of `words` (in reading order); [] when it cannot be placed."""
    wanted = set(quote_words(quote))
    keys = [word_key(word.text) for word in words]
    placed = place(keys, wanted)
    if placed is None:
        return []
    start, end = placed
    return merge_lines([words[i].box for i in range(start, end + 1) if keys[i] in wanted])


def place(keys: Sequence[str], wanted: set[str]) -> tuple[int, int] | None:
    """(first, last) of the words (`keys`, compared as `word_key`) where a quote of `wanted` words sits: the best
    window, holding at least MIN_SHARE of them; None when there is none."""
    best = best_window(keys, wanted, max(2 * len(wanted), len(wanted) + 8)) if wanted else None
    if best is None or best[2] < max(1, MIN_SHARE * len(wanted)):
        return None
    return best[0], best[1]


def best_window(keys: Sequence[str], wanted: set[str], span: int) -> tuple[int, int, int] | None:
    """(first, last, distinct wanted words) of the window of at most `span` words holding the most of `wanted`,
    the shortest such; None when no word is wanted."""
    hits = [i for i, key in enumerate(keys) if key in wanted]
    best: tuple[int, int, int] | None = None
    for at, first in enumerate(hits):
        seen: set[str] = set()
        last = first
        for i in hits[at:]:
            if i - first >= span:
                break
            seen.add(keys[i])
            last = i
            if best is None or len(seen) > best[2] or (len(seen) == best[2] and last - first < best[1] - best[0]):
                best = (first, last, len(seen))
    if best is not None:  # words the quote repeats ("in May" after "in Porto") right beside the window belong to it
        first, last, found = best
        while first > 0 and keys[first - 1] in wanted:
            first -= 1
        while last + 1 < len(keys) and keys[last + 1] in wanted:
            last += 1
        best = (first, last, found)
    return best


def mark_quote(text: str, quote: str) -> str | None:
    """`text` as escaped HTML with the stretch holding `quote` (placed by its words, as on a page) in a <mark>;
    None when the quote cannot be placed in it."""
    from html import escape

    words = list(re.finditer(r"\S+", text))
    placed = place([word_key(m.group()) for m in words], set(quote_words(quote)))
    if placed is None:
        return None
    start, end = words[placed[0]].start(), words[placed[1]].end()
    return f"{escape(text[:start])}<mark id=\"hl\">{escape(text[start:end])}</mark>{escape(text[end:])}"


def merge_lines(boxes: Sequence[Box]) -> list[Box]:
    """One box per line: boxes whose vertical middles lie within the other's height are joined."""
    lines: list[Box] = []
    for box in sorted(boxes, key=lambda b: (b.top, b.left)):
        middle = (box.top + box.bottom) / 2
        for n, line in enumerate(lines):
            if line.top <= middle <= line.bottom:
                lines[n] = Box(min(line.left, box.left), min(line.top, box.top),
                               max(line.right, box.right), max(line.bottom, box.bottom))
                break
        else:
            lines.append(box)
    return lines
