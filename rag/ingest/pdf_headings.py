"""Headings a PDF shows by its fonts: lines set larger or bolder than the document's body text.

Many reports mark their parts only by type ("Main Findings" in 18 pt over 11 pt text, a bold one-sentence headline
over its paragraph), with no numbering or capitals for the text rules of `rag.ingest.overview` to see. The fonts are
read with pypdfium2, a few characters per line (its first, middle and last letter), so a 177-page filing takes a
fraction of a second.

`font_headings` hands on `(title, page, level)` in reading order: a heading's lines joined, the 1-based page, and
its level (1 for the largest heading type, then down by size to 3; bold text of the body's size 5, below a title
line of `rag.ingest.overview`), for the overview's subsections.
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter, defaultdict

MAX_WORDS = 40  # a heading, lines joined, is no longer than this
LARGER_LEVELS = 3  # heading types larger than the body: levels 1 to 3 by size
BOLD_LEVEL = 5  # bold at the body's size: below a title line (4) of rag.ingest.overview, a table's bold header too
PER_PAGE = 6.0  # a type used for more lines than this per page it appears on is body text (a table's bold labels)
RUNNING_PAGES = 3  # a line on this many pages is a running header or footer
_BOLD_NAME = re.compile(r"bold|black|heavy|demi|semibold", re.IGNORECASE)
_FORCE_BOLD = 1 << 18  # the PDF font descriptor's ForceBold flag
_LETTER = re.compile(r"[^\W\d_]")
_UNITS = re.compile(r"[%$£€¥]|\((?:in )?(?:thousands|millions|billions)\b", re.IGNORECASE)


def font_headings(path, password: str | None = None) -> list[tuple[str, int, int]]:
    """(title, 1-based page, level) of the lines set in a heading type; none when the file cannot be read."""
    try:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path), password=password)
    except Exception:  # an unreadable file only costs its font headings
        return []
    try:
        lines = [line for number in range(len(pdf)) for line in _page_lines(pdf, number)]
    except Exception:
        return []
    finally:
        pdf.close()
    return headings_from_lines(lines)


def headings_from_lines(lines: list[tuple[int, str, float, bool, int]]) -> list[tuple[str, int, int]]:
    """The headings among `(page, text, size, bold, letters)` lines, in reading order: the body type is the one
    most letters are set in; a heading type is at least a point larger, or bold where the body is not."""
    if not lines:
        return []
    weight: Counter = Counter()
    for _page, _text, size, bold, letters in lines:
        if size:
            weight[(size, bold)] += letters
    if not weight:
        return []  # no line with a font size (text drawn without one): nothing to tell headings by
    body_size, body_bold = weight.most_common(1)[0][0]
    pages_of = defaultdict(set)
    for page, text, *_ in lines:
        pages_of[text.lower()].add(page)

    def heading_type(size: float, bold: bool) -> bool:
        return size >= body_size + 1 or (bold and not body_bold and size >= body_size - 0.5)

    candidates = [(n, page, text, (size, bold)) for n, (page, text, size, bold, _) in enumerate(lines)
                  if heading_type(size, bold) and len(pages_of[text.lower()]) < RUNNING_PAGES and _worded(text)]
    busy = _body_like_types(candidates)
    joined = _join(candidates, busy)
    larger = sorted({kind for _, _, kind in joined if kind[0] >= body_size + 1},
                    key=lambda kind: (-kind[0], not kind[1]))
    level = {kind: min(LARGER_LEVELS, n + 1) for n, kind in enumerate(larger)}
    return [(text, page, level.get(kind, BOLD_LEVEL)) for page, text, kind in joined
            if len(text.split()) <= MAX_WORDS and not text.endswith(",")  # "Year Ended December 31,": a column
            and not (kind not in level and _UNITS.search(text))]  # "Margin % (per annum)": a bold table header


def _worded(text: str) -> bool:
    """Words, not a figure, a page number or a label of a chart axis."""
    letters = len(_LETTER.findall(text))
    return letters >= 3 and letters >= 0.5 * len(text.replace(" ", ""))


def _body_like_types(candidates) -> set:
    """Heading-looking types used too often to mark headings (a bold table label on every row)."""
    lines, pages = Counter(), defaultdict(set)
    for _n, page, _text, kind in candidates:
        lines[kind] += 1
        pages[kind].add(page)
    return {kind for kind in lines if lines[kind] > PER_PAGE * len(pages[kind])}


def _join(candidates, busy: set) -> list[tuple[int, str, tuple]]:
    """Consecutive lines (`n`, their place among all lines) of one type on one page are one heading ("Six in ten
    seniors now go online, and just" / "under half are broadband adopters")."""
    joined: list[list] = []
    previous = None
    for n, page, text, kind in candidates:
        if kind in busy:
            continue
        if previous == n - 1 and joined[-1][0] == page and joined[-1][2] == kind:
            joined[-1][1] += " " + text
        else:
            joined.append([page, text, kind])
        previous = n
    return [(page, text, kind) for page, text, kind in joined]


def _page_lines(pdf, number: int) -> list[tuple[int, str, float, bool, int]]:
    """(page, text, font size, bold, letters) of each line of one page, the type read at its first, middle and last
    letter; a line set in mixed types (a bold run-in head and its sentence) gets size 0 (never a heading)."""
    import pypdfium2.raw as pdfium_c

    page = pdf[number]
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        found, start = [], 0
        name = ctypes.create_string_buffer(128)
        flags = ctypes.c_int()

        def type_at(index: int) -> tuple[float, bool]:
            size = round(pdfium_c.FPDFText_GetFontSize(textpage, index) * 2) / 2
            weight = pdfium_c.FPDFText_GetFontWeight(textpage, index)
            pdfium_c.FPDFText_GetFontInfo(textpage, index, name, len(name), ctypes.byref(flags))
            bold = weight >= 600 or bool(flags.value & _FORCE_BOLD) or bool(_BOLD_NAME.search(name.value.decode(
                "latin-1")))
            return size, bold

        for raw in text.splitlines(keepends=True):
            end = start + len(raw)
            line = " ".join(raw.split())
            places = [start + i for i, ch in enumerate(raw) if _LETTER.match(ch)]
            if line and places:
                kinds = {type_at(i) for i in (places[0], places[len(places) // 2], places[-1])}
                size, bold = kinds.pop() if len(kinds) == 1 else (0.0, False)
                found.append((number + 1, line, size, bold, len(places)))
            start = end
        return found
    finally:
        textpage.close()
        page.close()
