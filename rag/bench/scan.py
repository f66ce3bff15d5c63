"""`python -m rag.bench scan SRC DST [--pages 50-56] [--dpi 200]`: an image-only copy of a PDF, like a scan.

Each page is rendered (pypdfium2) to a greyscale image and the images are written as a new PDF without any text
layer (Pillow), so ingesting the copy needs OCR. The OCR tests and the image-only 20-F evaluation use it; the page
numbers of the copy are those of the pages kept, renumbered from 1.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rag.errors import UserError


def parse_pages(spec: str | None, count: int) -> list[int]:
    """"50-56,60" -> [50, ..., 56, 60] (1-based); None: every page."""
    if not spec:
        return list(range(1, count + 1))
    pages: list[int] = []
    for part in spec.split(","):
        first, _, last = part.strip().partition("-")
        try:
            pages += list(range(int(first), int(last or first) + 1))
        except ValueError:
            raise UserError(f"--pages: {spec!r} is not a page list such as 50-56,60", exit_code=2) from None
    if not pages or min(pages) < 1 or max(pages) > count:
        raise UserError(f"--pages: {spec!r} is outside pages 1-{count}", exit_code=2)
    return pages


def image_only_pdf(source: Path, target: Path, pages: list[int] | None = None, dpi: int = 200) -> int:
    """Write an image-only copy of `source` (the given 1-based pages, default all) to `target`; returns its pages."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(source))
    try:
        wanted = pages or list(range(1, len(document) + 1))
        images = [document[number - 1].render(scale=dpi / 72, grayscale=True).to_pil() for number in wanted]
    finally:
        document.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(target, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return len(images)


def add_parser(sub) -> None:
    add_arguments(sub.add_parser("scan", help="an image-only copy of a PDF (for OCR tests and evaluations)"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", type=Path, help="the PDF to copy")
    parser.add_argument("target", type=Path, help="where to write the image-only copy")
    parser.add_argument("--pages", help="1-based pages to keep, e.g. 50-56 (default: all)")
    parser.add_argument("--dpi", type=int, default=200, help="image resolution (default 200)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import pypdfium2 as pdfium

    if not args.source.is_file():
        raise UserError(f"{args.source}: no such file")
    count = len(pdfium.PdfDocument(str(args.source)))
    written = image_only_pdf(args.source, args.target, parse_pages(args.pages, count), args.dpi)
    print(f"{args.target}: {written} image-only page(s) at {args.dpi} dpi")
    return 0
