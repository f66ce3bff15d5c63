"""Images (.png, .jpg, .tiff): counted here, read by OCR (`rag.ingest.ocr`) exactly as scanned PDF pages are.

The reader only checks the image (its size in pixels against `MAX_PIXELS`, a decompression bomb otherwise) and
counts its frames (a multi-page TIFF has several); the OCR stage then renders each frame in grey (`render`) and
Tesseract reads it, with the ingest's --ocr mode and languages. An image's units are its frames ("page N").

Hands on: an empty `ParsedDocument` of kind "image" with its frame count, for OCR to fill.
"""

from __future__ import annotations

from pathlib import Path

from rag.ingest.formats.common import binary, need
from rag.ingest.pdf import ParsedDocument

MAX_PIXELS = 120_000_000  # about 11,000 x 11,000: a page scanned at 1,200 dpi fits; a bomb does not
MAX_FRAMES = 500
DEFAULT_DPI = 300


def read(source: Path | bytes, tables: bool = True) -> ParsedDocument:  # noqa: ARG001
    image_module = need("PIL.Image", "pillow")
    image_module.MAX_IMAGE_PIXELS = MAX_PIXELS
    with binary(source) as handle:
        try:
            with image_module.open(handle) as image:
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
        except image_module.DecompressionBombError:
            return ParsedDocument(error=f"image too large to read (over {MAX_PIXELS:,} pixels; a decompression "
                                        "bomb?)", kind="image")
    if width * height > MAX_PIXELS:
        return ParsedDocument(error=f"image of {width:,} x {height:,} pixels is over the {MAX_PIXELS:,}-pixel limit",
                              kind="image")
    result = ParsedDocument(page_count=min(frames, MAX_FRAMES), kind="image")
    if frames > MAX_FRAMES:
        result.problems.append(f"read the first {MAX_FRAMES} of {frames} frames")
    return result


def render(path: Path | bytes, frame: int) -> tuple[bytes, int]:
    """Frame `frame` (1-based) of an image file (or its bytes) as a greyscale PGM image for Tesseract, and its
    resolution in dpi."""
    image_module = need("PIL.Image", "pillow")
    image_module.MAX_IMAGE_PIXELS = MAX_PIXELS
    with binary(path) as handle, image_module.open(handle) as image:
        image.seek(frame - 1)
        dpi = image.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI))[0]
        grey = image.convert("L")
    dpi = int(dpi) if dpi and 70 <= float(dpi) <= 1200 else DEFAULT_DPI
    return b"P5\n%d %d\n255\n" % grey.size + grey.tobytes(), dpi
