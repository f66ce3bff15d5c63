"""A document page as a person checks it: the page rendered as an image, with the quoted evidence highlighted.

`page_png` renders a PDF page with pypdfium2; `page_words` places its words (from the text layer, or from
Tesseract's word boxes when the page is a scan); `view_html` is the small page the web UI shows beside the answer
and opens for any source: the image with the quote's boxes (`rag.web.highlight`) drawn over it, scrolled to the
first one. The quote is matched and escaped, never interpreted: it is document text.
"""

from __future__ import annotations

import html
import io
import subprocess
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote as url_quote

from rag.web.highlight import Box, PlacedWord, highlight_boxes

RENDER_WIDTH = 1100  # pixels: sharp enough to read beside the chat, small enough to render in ~0.1 s
READABLE_WIDTH = 800  # the page is shown at least this wide (a narrow panel scrolls to the highlight instead)
OCR_DPI = 200
OCR_TIMEOUT = 60.0
MIN_TEXT_WORDS = 3  # fewer words in the text layer: the page is a scan, its words come from Tesseract


class NoSuchPage(Exception):
    """The file is not a readable PDF, or has no such page."""


def _open(path: Path, page: int):
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except Exception as exc:  # noqa: BLE001 - any unreadable file is simply not viewable
        raise NoSuchPage(f"{path.name}: not a readable PDF") from exc
    if not 1 <= page <= len(document):
        document.close()
        raise NoSuchPage(f"{path.name} has no page {page}")
    return document


def page_png(path: Path, page: int, width: int = RENDER_WIDTH) -> bytes:
    return _page_png(str(path), path.stat().st_mtime_ns, page, width)


@lru_cache(maxsize=32)
def _page_png(path: str, _mtime: int, page: int, width: int) -> bytes:
    document = _open(Path(path), page)
    try:
        pdf_page = document[page - 1]
        image = pdf_page.render(scale=width / pdf_page.get_width()).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def page_size(path: Path, page: int) -> tuple[float, float]:
    document = _open(path, page)
    try:
        return document[page - 1].get_size()
    finally:
        document.close()


def page_words(path: Path, page: int, ocr_languages: str = "eng") -> list[PlacedWord]:
    """The page's words in reading order with their boxes as fractions of the page."""
    return _page_words(str(path), path.stat().st_mtime_ns, page, ocr_languages)


@lru_cache(maxsize=64)
def _page_words(path: str, _mtime: int, page: int, ocr_languages: str) -> list[PlacedWord]:
    from rag.ingest.pdf_words import page_layout

    document = _open(Path(path), page)
    try:
        pdf_page = document[page - 1]
        layout = page_layout(pdf_page)
        left, _bottom, _right, top = pdf_page.get_bbox()  # the crop box within the media box, as rendered
        rotated = pdf_page.get_rotation() != 0 or layout.turn != 0
    finally:
        document.close()
    # Word boxes are in the page's coordinates; the rendered image shows its crop box, which may not start at 0.
    dx, dy = left, top - layout.height
    words = [PlacedWord(w.text, Box((w.x0 - dx) / layout.width, (w.top + dy) / layout.height,
                                    (w.x1 - dx) / layout.width, (w.bottom + dy) / layout.height))
             for w in layout.words]
    if rotated:  # boxes would need turning with the page; better no highlight than a misplaced one
        return []
    if len(words) >= MIN_TEXT_WORDS:
        return words
    return ocr_words(Path(path), page, ocr_languages)


def ocr_words(path: Path, page: int, languages: str) -> list[PlacedWord]:
    """Tesseract's words of a scanned page with their boxes ([] when Tesseract is missing or fails)."""
    from rag.ingest.ocr import render_page, tesseract_path

    binary = tesseract_path()
    if binary is None:
        return []
    image = render_page(path, page, OCR_DPI)
    width, height = (int(v) for v in image.split(b"\n", 2)[1].split())
    try:
        out = subprocess.run([binary, "stdin", "stdout", "-l", languages, "--dpi", str(OCR_DPI), "tsv"],
                             input=image, capture_output=True, timeout=OCR_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return []
    words = []
    for line in out.stdout.decode("utf-8", "replace").splitlines()[1:]:
        cells = line.split("\t")
        if len(cells) == 12 and cells[0] == "5" and cells[11].strip():
            left, top, w, h = (int(cells[i]) for i in range(6, 10))
            words.append(PlacedWord(cells[11].strip(), Box(left / width, top / height, (left + w) / width,
                                                           (top + h) / height)))
    return words


def view_html(relative: str, path: Path, page: int, quote: str, *, pdf_route: str, image_route: str,
              ocr_languages: str = "eng") -> str:
    """The page of `relative` (a file in the data folder at `path`) with `quote` highlighted, as one HTML page."""
    width, height = page_size(path, page)
    boxes = highlight_boxes(page_words(path, page, ocr_languages), quote) if quote.strip() else []
    name = html.escape(f"{relative}, page {page}")
    link = html.escape(f"{pdf_route}/{url_quote(relative)}#page={page}")
    image = html.escape(f"{image_route}/{url_quote(relative)}?p={page}")
    note = "" if boxes or not quote.strip() else " · the quoted text could not be placed on this page"
    marks = "".join(
        f'<div class="hl" style="left:{b.left * 100:.3f}%;top:{b.top * 100:.3f}%;'
        f'width:{(b.right - b.left) * 100:.3f}%;height:{(b.bottom - b.top) * 100:.3f}%"></div>' for b in boxes)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{name}</title>
<style>
body {{margin: 0; font: 14px system-ui, sans-serif; background: #f4f4f5}}
.bar {{position: sticky; top: 0; left: 0; z-index: 2; width: 100vw; box-sizing: border-box; padding: 6px 10px;
       background: #fff; border-bottom: 1px solid #ddd}}
.page {{position: relative; margin: 8px auto; width: max(100%, {READABLE_WIDTH}px); max-width: {RENDER_WIDTH}px;
        aspect-ratio: {width:.2f} / {height:.2f};
        background: #fff; box-shadow: 0 1px 4px #0003}}
.page img {{position: absolute; inset: 0; width: 100%; height: 100%}}
.hl {{position: absolute; background: rgba(255, 214, 0, .38); outline: 2px solid rgba(230, 160, 0, .9);
      mix-blend-mode: multiply; border-radius: 2px}}
</style></head>
<body><div class="bar"><b>{name}</b> · <a href="{link}" target="_blank" rel="noopener">open the PDF at this page</a>{note}</div>
<div class="page" id="page"><img src="{image}" alt="{name}">{marks}</div>
<script>
const mark = document.querySelector('.hl');
if (mark) {{
  const r = mark.getBoundingClientRect();
  window.scrollTo(Math.max(0, r.left + window.scrollX - 12), Math.max(0, r.top + window.scrollY - innerHeight / 3));
}}
</script></body></html>"""
