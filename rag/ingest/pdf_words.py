"""A text-layer page's characters with their boxes, read with pypdfium2, for finding tables and placing text.

`page_layout` hands on the page's text in content order (what pdfium extracts, with its own spaces and line breaks)
and its words, each with its box in points from the top-left corner (of the frame the page's text is upright in:
a table set sideways is read turned) and the range of characters it covers in that text, so a table found among
the words can be cut out of the text and written back labelled (`rag.ingest.tables`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rag.ingest.table_words import Word


@dataclass
class PageLayout:
    text: str  # the page's characters in content order (index i is character i)
    words: list[Word]
    width: float
    height: float
    turn: int = 0  # degrees the text was turned by: boxes are in its upright frame (`_text_turn`)


def page_layout(page) -> PageLayout:
    """The text and words of a `pypdfium2.PdfPage`."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        width, height = page.get_size()
        count = textpage.count_chars()
        turn = _text_turn(textpage, count)
        upright = _UPRIGHT[turn]
        if turn in (90, 270):
            width, height = height, width
        chars: list[str] = []
        words: list[Word] = []
        current: list[tuple[int, str, tuple[float, float, float, float]]] = []

        def close() -> None:
            if current:
                text = "".join(ch for _, ch, _ in current)
                x0 = min(box[0] for _, _, box in current)
                x1 = max(box[2] for _, _, box in current)
                top = height - max(box[3] for _, _, box in current)
                bottom = height - min(box[1] for _, _, box in current)
                words.append(Word(text, x0, x1, top, bottom, (current[0][0], current[-1][0] + 1)))
                current.clear()

        skip = False
        for index in range(count):
            if skip:  # the second half of a surrogate pair, already joined to the first
                skip = False
                chars.append("")
                continue
            code = pdfium_c.FPDFText_GetUnicode(textpage, index)
            if 0xD800 <= code < 0xDC00 and index + 1 < count:  # pdfium gives UTF-16 units: join a pair
                low = pdfium_c.FPDFText_GetUnicode(textpage, index + 1)
                if 0xDC00 <= low < 0xE000:
                    code, skip = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00), True
            ch = chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else ""
            if ch == "\x02":  # pdfium's mark for a hyphen that ends a line ("Non-" over "reportable")
                ch = "-"
            chars.append(ch)
            if not ch or ch.isspace() or ch < " " or ch == "\ufffe" \
                    or pdfium_c.FPDFText_IsGenerated(textpage, index) == 1:  # (a stray control character: a gap)
                close()
                continue
            box = upright(textpage.get_charbox(index, loose=True), width, height)
            if current:
                last = current[-1][2]
                size = max(last[3] - last[1], box[3] - box[1], 1.0)
                if box[0] - last[2] > 0.6 * size or abs(box[1] - last[1]) > 0.5 * size or box[0] < last[0] - 1:
                    close()
            current.append((index, ch, box))
        close()
        return PageLayout("".join(chars), words, width, height, turn)
    finally:
        textpage.close()


ROTATED_SHARE = 0.6  # the page's text is read turned when this share of its characters is turned alike

# a character's box (left, bottom, right, top; y up) in the frame where text turned by the key's angle (pdfium's,
# clockwise) is upright, given that frame's width and height: text running up the page (270°) reads left to right
# with its lines going down from the page's left edge; text running down (90°), from its right edge
_UPRIGHT = {
    0: lambda box, width, height: box,
    270: lambda box, width, height: (box[1], height - box[2], box[3], height - box[0]),
    90: lambda box, width, height: (width - box[3], box[0], width - box[1], box[2]),
}


def _text_turn(textpage, count: int) -> int:
    """The angle (0, 90 or 270 degrees) most of the page's characters are drawn at, when ROTATED_SHARE of them
    are: tables set sideways on a page are read in their own upright frame (pdfium's boxes are the page's)."""
    import pypdfium2.raw as pdfium_c

    turns = {0: 0, 90: 0, 270: 0}
    for index in range(0, count, max(1, count // 400)):  # a sample is enough to tell
        angle = pdfium_c.FPDFText_GetCharAngle(textpage, index)
        if angle >= 0:
            turn = round(math.degrees(angle) / 90) * 90 % 360
            if turn in turns:
                turns[turn] += 1
    total = sum(turns.values())
    turn = max(turns, key=turns.get)
    return turn if total and turns[turn] >= ROTATED_SHARE * total else 0
