"""Each point of a list answer checked against the excerpts it was written from (`check_points`).

A summary or a list answer makes several claims; one verdict for the whole cannot say which of them the documents
support. Each point (a line or sentence of the answer) is supported when one sentence of the passages holds most of
its content words (and every figure it states), and it then points to that passage; a point no sentence supports is
said plainly ("Not supported by the excerpts: …").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from langchain_core.documents import Document

from rag.text import STOPWORDS, tokenize

SUPPORT_SHARE = 0.6  # of a point's content words that one sentence of the passages must hold
PAIR_SHARE = 0.75  # ... or two sentences together
MIN_WORDS = 3  # shorter points (a heading, "Risks:") are not checked
_POINT_SPLIT = re.compile(r"\n+|(?<=[.!?])\s+(?=[A-Z])")
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s*")
_CITATION = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
_FIGURE = re.compile(r"\d[\d,.]*")


@dataclass
class Point:
    text: str
    supported: bool
    source: int | None = None  # the passage number holding the supporting sentence

    def to_dict(self) -> dict:
        return asdict(self)


def _content(text: str) -> set[str]:
    return {t for t in tokenize(_CITATION.sub(" ", text)) if t not in STOPWORDS and len(t) > 1}


def _sentences(passages: Sequence[Document]) -> list[tuple[int, set[str], str]]:
    found = []
    for number, doc in enumerate(passages, start=1):
        for sentence in re.split(r"(?<=[.!?])\s+|\s…\s", " ".join(doc.page_content.split())):
            found.append((number, _content(sentence), sentence))
    return found


def split_points(answer: str) -> list[str]:
    points = []
    for piece in _POINT_SPLIT.split(answer):
        piece = _BULLET.sub("", piece).strip()
        if len(_content(piece)) >= MIN_WORDS:
            points.append(piece)
    return points


def check_points(answer: str, passages: Sequence[Document]) -> list[Point]:
    """Every point of `answer` with whether the passages support it: one sentence holds SUPPORT_SHARE of its content
    words, or two sentences together hold PAIR_SHARE of them (a point that joins two excerpts); a figure the point
    states must be in the supporting sentence."""
    sentences = _sentences(passages)
    checked = []
    for point in split_points(answer):
        words = _content(point)
        figures = {f.rstrip(".,") for f in _FIGURE.findall(_CITATION.sub(" ", point))}
        usable = [(n, held) for n, held, text in sentences if all(f in text for f in figures)]
        ranked = sorted(usable, key=lambda item: -len(words & item[1]))
        best = ranked[0] if ranked else None
        supported = best is not None and len(words & best[1]) >= SUPPORT_SHARE * len(words)
        if not supported and len(ranked) > 1:
            supported = len(words & (ranked[0][1] | ranked[1][1])) >= PAIR_SHARE * len(words)
        checked.append(Point(point, supported, best[0] if supported else None))
    return checked
