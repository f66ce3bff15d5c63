"""Focused context: the sentences and table rows of the retrieved passages that bear on the question, within a budget.

A small reader spends most of its time to first token reading the prompt (about 110-160 tokens/s for the 0.5B reader
on two cores), and it is misled by text next to the answer that is about something else. So before the prompt is
built, each passage is cut into units (sentences, or lines where the text is a table or a list) and the units are
scored by the question's search words they share, each word weighted by how few units hold it (a word every unit
holds, like the company's name, counts for little). The best units are taken with the unit before and after them,
best first across all passages, until `budget` characters are used; what a passage keeps stays in reading order,
with "…" where text was left out. A passage none of whose units shares a word with the question is left out.

Hands on the focused passages to the prompt builder: LangChain `Document`s with the original metadata and
`focused_from`, the position of the passage they were cut from (so the sources shown are the whole passages).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from langchain_core.documents import Document

from rag.text import tokenize

GAP = " … "
MIN_WINDOW = 200  # characters: a chosen unit shorter than this takes in its neighbours, so a figure keeps its label
# A sentence ends at . ! ? before a space and a word that does not start in lower case: "1.5" and "the U.S. dollar"
# do not end one. Chinese/Japanese full stops end one wherever they stand.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)]*(?=\s+[^\sa-z]|\s*$)|[。！？]+[」』”）)]*")
MAX_UNIT = 400  # characters: a longer "sentence" (a paragraph without full stops) is cut at its line breaks
_HARD_LINE_END = re.compile(r"[\d%):;]\s*$")  # a table row, a heading with a colon, a figure: the line is a unit


def units(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, or line where the line is a unit of its own: a table row or a line
    much shorter than the text's longest (a heading, a list item). Other line breaks are wraps inside a sentence."""
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    width = max((e - s for s, e in lines), default=0)
    spans: list[tuple[int, int]] = []
    start = None
    for s, e in lines:
        start = s if start is None else start
        line = text[s:e]
        for end in _SENTENCE_END.finditer(line):
            spans.append((start, s + end.end()))
            start = s + end.end()
        if _HARD_LINE_END.search(line) or e - s < 0.6 * width:
            spans.append((start, e))
            start = None
    if start is not None:
        spans.append((start, lines[-1][1]))
    spans = [piece for span in spans for piece in _cut_long(text, span)]
    return [(s, e) for s, e in ((_lstrip(text, s), e) for s, e in spans) if text[s:e].strip()]


def _cut_long(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """A span longer than MAX_UNIT as pieces ending at its line breaks (each piece at most one line past the cap)."""
    start, end = span
    if end - start <= MAX_UNIT:
        return [span]
    pieces, piece_start = [], start
    for newline in re.finditer(r"\n", text[start:end]):
        at = start + newline.end()
        if at - piece_start >= MAX_UNIT // 2:
            pieces.append((piece_start, at))
            piece_start = at
    pieces.append((piece_start, end))
    return [piece for piece in pieces if piece[1] > piece[0]]


def _lstrip(text: str, start: int) -> int:
    while start < len(text) and text[start].isspace():
        start += 1
    return start


def focus_passages(docs: Sequence[Document], wanted: Iterable[str], budget: int) -> list[Document]:
    """The parts of `docs` (ranked passages) that bear on a question with search tokens `wanted`, in at most about
    `budget` characters. `budget` 0 or passages already within it: the passages unchanged."""
    wanted = set(wanted)
    if budget <= 0 or sum(len(d.page_content) for d in docs) <= budget or not wanted:
        return list(docs)
    spans = [units(d.page_content) for d in docs]
    tokens = [[set(tokenize(d.page_content[s:e])) & wanted for s, e in doc_spans]
              for d, doc_spans in zip(docs, spans)]
    weight = _rarity(tokens)
    candidates = sorted(((sum(weight[t] for t in found), -p, -u) for p, doc in enumerate(tokens)
                         for u, found in enumerate(doc) if found), reverse=True)
    chosen: list[set[int]] = [set() for _ in docs]
    used = 0
    for _score, p, u in candidates:
        p, u = -p, -u
        window = [i for i in _window(spans[p], u) if i not in chosen[p]]
        cost = sum(spans[p][i][1] - spans[p][i][0] for i in window)
        if used + cost > budget:
            if u in chosen[p]:
                continue
            window, cost = [u], spans[p][u][1] - spans[p][u][0]  # the unit alone, when its neighbours do not fit
            if used + cost > budget:
                continue
        chosen[p].update(window)
        used += cost
    focused = [Document(page_content=_excerpt(doc.page_content, spans[p], sorted(chosen[p])),
                        metadata={**doc.metadata, "focused_from": p})
               for p, doc in enumerate(docs) if chosen[p]]
    return focused or list(docs)


def _window(spans: list[tuple[int, int]], unit: int) -> list[int]:
    """`unit` and, while together they are shorter than MIN_WINDOW, the units before and after it in turn."""
    first = last = unit
    while spans[last][1] - spans[first][0] < MIN_WINDOW and (first > 0 or last < len(spans) - 1):
        if first > 0:
            first -= 1
        if last < len(spans) - 1 and spans[last][1] - spans[first][0] < MIN_WINDOW:
            last += 1
    return list(range(first, last + 1))


def _rarity(tokens: list[list[set[str]]]) -> dict[str, float]:
    """Each question word's weight: log(1 + units / units holding it)."""
    counts = Counter(t for doc in tokens for found in doc for t in found)
    total = sum(len(doc) for doc in tokens)
    return {t: math.log(1 + total / n) for t, n in counts.items()}


def _excerpt(text: str, spans: list[tuple[int, int]], chosen: list[int]) -> str:
    """The chosen units of `text` in order: neighbouring units as the text has them, others joined by `GAP`."""
    pieces: list[str] = []
    run_start = previous = None
    for i in chosen:
        if previous is not None and i == previous + 1:
            previous = i
            continue
        if run_start is not None:
            pieces.append(text[spans[run_start][0]:spans[previous][1]].strip())
        run_start = previous = i
    if run_start is not None:
        pieces.append(text[spans[run_start][0]:spans[previous][1]].strip())
    prefix = GAP.lstrip() if chosen and chosen[0] > 0 else ""
    suffix = GAP.rstrip() if chosen and chosen[-1] < len(spans) - 1 else ""
    return prefix + GAP.join(pieces) + suffix
