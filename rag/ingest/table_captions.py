"""A table's numbered caption printed below it ("Table 11.1: テキストデーター変換ツールのリスト", "表3 主要产品产量").

Books typeset with DocBook or LaTeX (the Debian Reference, most manuals) put "Table N.M: …" under the table, where
`rag.ingest.table_headers` (which reads the lines above) does not look. A table with no caption of its own takes
the first line below it when that line is a numbered caption close under its last row and no other table starts
right under that line (then the caption is that table's, printed above it).

Hands on `take_captions_below`, which sets `Table.caption` in place, to `rag.ingest.pdf_tables`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.ingest.table_words import Line

NUMBERED_CAPTION_RE = re.compile(r"^(?:table|tab\.|表)\s*[\dA-Z]+(?:[.\-－][\dA-Z]+)*\s*[:：.．]?\s*\S",
                                 re.IGNORECASE)
REACH = 3.0  # line heights between a table's last row and its caption below


def take_captions_below(tables: Sequence, lines: Sequence[Line]) -> None:
    """Give each table without a caption the numbered caption printed just below it (see the module's notes)."""
    for table in tables:
        if table.caption:
            continue
        line = _line_below(table.box, lines)
        if line is None or not NUMBERED_CAPTION_RE.match(_text(line)):
            continue
        if any(other is not table and 0 <= other.box[1] - line.bottom <= REACH * line.height for other in tables):
            continue  # the caption of the table under it
        table.caption = _text(line)


def _line_below(box: tuple[float, float, float, float], lines: Sequence[Line]) -> Line | None:
    """The first line starting below the box, if it starts within REACH line heights of its bottom."""
    below = [line for line in lines if line.top >= box[3] - 0.5]
    if not below:
        return None
    line = min(below, key=lambda line: line.top)
    return line if line.top - box[3] <= REACH * line.height else None


def _text(line: Line) -> str:
    return " ".join(word.text for word in sorted(line.words, key=lambda word: word.x0)).strip()
