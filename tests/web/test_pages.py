"""The page view: a page rendered as an image with the quoted evidence highlighted (rag.web.pages, rag.web.highlight).

Expected boxes come from pdfium's own text search on the generated page, not from the code under test.
"""

from __future__ import annotations

import shutil

import pytest

from conftest import write_pdf
from test_web import chromium, free_port  # noqa: F401 - chromium is a fixture
from rag.web.highlight import Box, PlacedWord, highlight_boxes

PROSE = ("Annual report of the Zephyr Kite Company. The company sells kites in twelve countries. "
         "Under the agreement with the distributor, the minimum guarantee payable is equal to 750 million. "
         "The workshop in Lisbon employs 1,234 people and opened in 1998.")
QUOTE = "Under the agreement with the distributor, the minimum guarantee payable is equal to 750 million."


def text_boxes(path, page: int, phrase: str) -> list[Box]:
    """pdfium's rectangles for the first occurrence of `phrase`, as fractions of the page."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        pdf_page = document[page - 1]
        width, height = pdf_page.get_size()
        crop_left, _, _, crop_top = pdf_page.get_bbox()  # what a viewer (and the rendered image) shows
        textpage = pdf_page.get_textpage()
        found = textpage.search(phrase, match_case=False).get_next()
        assert found is not None, f"{phrase!r} is not on page {page}"
        start, count = found
        rects = [textpage.get_rect(i) for i in range(textpage.count_rects(start, count))]
    finally:
        document.close()
    return [Box((left - crop_left) / width, (crop_top - top) / height, (right - crop_left) / width,
                (crop_top - bottom) / height) for left, bottom, right, top in rects]


def test_a_sentence_is_placed_by_its_words_on_its_lines(tmp_path):
    from rag.web.pages import page_words

    pdf = write_pdf(tmp_path / "kites.pdf", ["Cover page.", PROSE])
    boxes = highlight_boxes(page_words(pdf, 2), QUOTE)
    expected = text_boxes(pdf, 2, "minimum guarantee payable")
    assert boxes and all(any(box.overlaps(e) for box in boxes) for e in expected)
    elsewhere = text_boxes(pdf, 2, "employs 1,234 people")  # the next sentence shares no line with the quote...
    assert not any(box.overlaps(e) for box in boxes for e in elsewhere if e.top > max(b.bottom for b in boxes))
    assert highlight_boxes(page_words(pdf, 1), QUOTE) == []  # ...and a page without it gets no highlight


def test_a_page_whose_crop_box_is_offset_is_highlighted_where_the_viewer_shows_the_words(tmp_path):
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import RectangleObject

    from rag.web.pages import page_words

    writer = PdfWriter(clone_from=PdfReader(write_pdf(tmp_path / "full.pdf", [PROSE])))
    box = writer.pages[0].mediabox
    writer.pages[0].cropbox = RectangleObject([20, 30, float(box.right) - 25, float(box.top) - 40])
    cropped = tmp_path / "cropped.pdf"
    writer.write(cropped)
    boxes = highlight_boxes(page_words(cropped, 1), QUOTE)
    expected = text_boxes(cropped, 1, "minimum guarantee payable")
    assert boxes and all(any(box.overlaps(e) for box in boxes) for e in expected)
    assert all(abs(b.top - e.top) < 0.01 for b in boxes for e in expected if b.overlaps(e))  # not a line off


def test_a_labelled_table_row_highlights_the_row_on_the_page():
    row = "Broadcasting revenue: 2022: £214,847 thousand; 2021: £254,815 thousand"
    line = [("Broadcasting", 0.10), ("revenue", 0.22), ("214,847", 0.60), ("254,815", 0.80)]
    words = [PlacedWord("Matchday", Box(0.10, 0.30, 0.20, 0.32)), PlacedWord("41,320", Box(0.60, 0.30, 0.68, 0.32))]
    words += [PlacedWord(text, Box(x, 0.40, x + 0.08, 0.42)) for text, x in line]
    boxes = highlight_boxes(words, row)
    assert boxes == [Box(0.10, 0.40, 0.88, 0.42)]  # the row's line, label to last value; not the row above


def test_the_view_page_escapes_the_quote_and_refuses_other_files(tmp_path, settings):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from rag.web.app import add_page_routes
    from rag.web.engine import Engine

    write_pdf(settings.data_dir / "kites.pdf", ["Cover page.", PROSE])
    (tmp_path / "secret.pdf").write_bytes((settings.data_dir / "kites.pdf").read_bytes())
    app = FastAPI()
    add_page_routes(app, Engine(settings))
    client = TestClient(app)

    view = client.get("/view/kites.pdf", params={"p": 2, "q": QUOTE})
    assert view.status_code == 200 and view.text.count('class="hl"') >= 1
    assert 'src="/page/kites.pdf?p=2"' in view.text and "/pdf/kites.pdf#page=2" in view.text
    image = client.get("/page/kites.pdf?p=2")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")

    evil = client.get("/view/kites.pdf", params={"p": 2, "q": "<script>alert(1)</script> minimum guarantee"})
    assert evil.status_code == 200 and "<script>alert" not in evil.text
    absent = client.get("/view/kites.pdf", params={"p": 1, "q": QUOTE})
    assert 'class="hl"' not in absent.text and "could not be placed" in absent.text
    for path in ("/view/../secret.pdf?p=1", "/page/%2e%2e/secret.pdf?p=1", "/view/kites.pdf?p=3", "/page/kites.pdf?p=0",
                 "/view/missing.pdf?p=1"):
        assert client.get(path).status_code == 404, path


def test_a_scanned_page_is_highlighted_from_tesseract_word_boxes(tmp_path):
    if shutil.which("tesseract") is None:
        pytest.skip("Tesseract is not installed (apt-get install tesseract-ocr)")
    from rag.bench.scan import image_only_pdf
    from rag.web.pages import page_words

    text = write_pdf(tmp_path / "text.pdf", [PROSE])
    scanned = tmp_path / "scan.pdf"
    image_only_pdf(text, scanned, dpi=200)
    words = page_words(scanned, 1)
    assert len(words) > 20  # the scan has no text layer: these came from Tesseract
    boxes = highlight_boxes(words, QUOTE)
    expected = text_boxes(text, 1, "minimum guarantee payable")  # same geometry as the scan
    assert boxes and all(any(box.overlaps(e) for box in boxes) for e in expected)


# ---------------------------------------------------------------- in the real browser


@pytest.fixture
def page_server(settings):
    """The page routes, with the production CSP, served by uvicorn on loopback."""
    import threading
    import time

    import uvicorn
    from fastapi import FastAPI

    from rag.web.app import add_page_routes, add_security
    from rag.web.engine import Engine

    app = FastAPI()
    add_security(app, None)
    add_page_routes(app, Engine(settings))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.parametrize("scanned", [False, True], ids=["text-layer", "ocr"])
def test_the_browser_draws_the_highlight_over_the_quoted_words(chromium, page_server, settings, tmp_path, scanned):
    from urllib.parse import quote

    if scanned and shutil.which("tesseract") is None:
        pytest.skip("Tesseract is not installed (apt-get install tesseract-ocr)")
    text = write_pdf(tmp_path / "kites.pdf", [PROSE])
    name = "kites-scan.pdf" if scanned else "kites.pdf"
    if scanned:
        from rag.bench.scan import image_only_pdf

        image_only_pdf(text, settings.data_dir / name, dpi=200)
    else:
        shutil.copy(text, settings.data_dir / name)
    context = chromium.new_context(viewport={"width": 700, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{page_server}/view/{name}?p=1&q={quote(QUOTE)}")
    page.wait_for_function("() => { const i = document.querySelector('#page img'); "
                           "return i && i.complete && i.naturalWidth > 0; }")
    image = page.locator("#page img").bounding_box()
    marks = [page.locator(".hl").nth(i).bounding_box() for i in range(page.locator(".hl").count())]
    assert marks, "no highlight drawn"
    for e in text_boxes(text, 1, "minimum guarantee payable"):  # pdfium's boxes of the quoted words, in pixels
        word = {"x": image["x"] + e.left * image["width"], "y": image["y"] + e.top * image["height"],
                "width": (e.right - e.left) * image["width"], "height": (e.bottom - e.top) * image["height"]}
        assert any(m["x"] < word["x"] + word["width"] and word["x"] < m["x"] + m["width"]
                   and m["y"] < word["y"] + word["height"] and word["y"] < m["y"] + m["height"] for m in marks), \
            (word, marks)
    assert not [e for e in errors if "Content Security Policy" in e], errors  # its script runs under the CSP
    page.screenshot(path=str(tmp_path / f"page-view-{name}.png"))
    print(f"\npage view screenshot: {tmp_path / f'page-view-{name}.png'}")
    context.close()
