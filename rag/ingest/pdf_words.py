"""A text-layer page's characters with their boxes, read with pypdfium2, for finding tables and placing text.

`page_layout` hands on the page's text in content order (what pdfium extracts, with its own spaces and line breaks)
and its words, each with its box in points from the top-left corner and the range of characters it covers in that
text, so a table found among the words can be cut out of the text and written back labelled (`rag.ingest.tables`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.ingest.tables import Word


@dataclass
class PageLayout:
    text: str  # the page's characters in content order (index i is character i)
    words: list[Word]
    width: float
    height: float


def page_layout(page) -> PageLayout:
    """The text and words of a `pypdfium2.PdfPage`."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        width, height = page.get_size()
        count = textpage.count_chars()
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
            chars.append(ch)
            if not ch or ch.isspace() or ch == "\ufffe" or pdfium_c.FPDFText_IsGenerated(textpage, index) == 1:
                close()
                continue
            box = textpage.get_charbox(index, loose=True)
            if current:
                last = current[-1][2]
                size = max(last[3] - last[1], box[3] - box[1], 1.0)
                if box[0] - last[2] > 0.6 * size or abs(box[1] - last[1]) > 0.5 * size or box[0] < last[0] - 1:
                    close()
            current.append((index, ch, box))
        close()
        return PageLayout("".join(chars), words, width, height)
    finally:
        textpage.close()
