"""Plain text (.txt and any text file of no other kind): cited by lines, `LINES_PER_UNIT` lines to a unit.

Hands on: `Page`s (number = the block's ordinal, place "lines a–b", counted as the file's lines) to the dispatcher.
"""

from __future__ import annotations

from pathlib import Path

from rag.ingest.cleaning import clean_text
from rag.ingest.formats.common import LINES_PER_UNIT, cut_note, decode, read_capped
from rag.ingest.pdf import Page, ParsedDocument


def read(source: Path | bytes, tables: bool = True) -> ParsedDocument:  # noqa: ARG001 - same signature as the others
    data, size = read_capped(source)
    result = read_text(decode(data))
    if size > len(data):
        result.problems.append(cut_note(len(data), size))
    return result


def read_text(text: str, kind: str = "text") -> ParsedDocument:
    lines = text.splitlines()
    result = ParsedDocument(kind=kind)
    for start in range(0, len(lines), LINES_PER_UNIT):
        block = clean_text("\n".join(lines[start:start + LINES_PER_UNIT]))
        if not block:
            continue
        last = min(start + LINES_PER_UNIT, len(lines))
        while last > start + 1 and not lines[last - 1].strip():
            last -= 1
        first = start + 1
        while first < last and not lines[first - 1].strip():
            first += 1
        place = f"line {first}" if first == last else f"lines {first}–{last}"
        result.pages.append(Page(number=len(result.pages) + 1, text=block, place=place))
    result.page_count = len(result.pages)
    return result
