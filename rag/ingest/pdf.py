"""Read the text of a PDF page by page with pypdf, coping with the PDFs people actually have.

Page numbers are 1-based physical pages (what a PDF viewer shows); the PDF's own page label is kept
beside them when the document defines labels. Problems never raise: they are reported in the result.

Pages that look like they hold a table (several lines ending in figures) are read a second time with pypdfium2,
whose character boxes let `rag.ingest.tables` find the table's rows and columns; the table's text is then replaced
by its labelled rows ("Broadcasting revenue (£'000): 2022: 214,847; 2021: 254,815; ...") and the `Table` is kept
with the page for chunking. A page whose tables cannot be read keeps pypdf's text and is counted.

Hands on a `ParsedPdf` (pages with their numbers, labels and tables, problems) to OCR and chunking.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from rag.ingest.cleaning import MIN_PAGE_CHARS, clean_text  # noqa: F401 - clean_text is used by callers too
from rag.ingest.tables import Table

# pypdf logs every repaired xref entry; the result's `problems` say what matters.
logging.getLogger("pypdf").setLevel(logging.ERROR)



@dataclass
class Page:
    number: int  # 1-based physical page
    text: str
    label: str | None = None  # the PDF's page label, when it defines labels
    ocr: bool = False  # the text was recognised by OCR (rag.ingest.ocr), not extracted from a text layer
    tables: list[Table] = field(default_factory=list)  # tables found on the page; their labelled rows are in `text`
    # Where the unit is, as a person reads it, for formats without pages ("slide 3", "sheet Q1, rows 2–9",
    # "Terms › Payment", "lines 1–40"); `number` is then the unit's 1-based ordinal (the slide number for slides).
    place: str | None = None


@dataclass
class ParsedDocument:
    """One parsed file of any format (`rag.ingest.formats`): its pages or units, in order."""

    pages: list[Page] = field(default_factory=list)
    page_count: int = 0
    error: str | None = None  # the file could not be read at all
    problems: list[str] = field(default_factory=list)  # pages that failed, repairs made
    table_failures: int = 0  # pages whose tables could not be read (they keep their plain text)
    kind: str = "pdf"  # the format read from the content (rag.ingest.detect): pdf, docx, pptx, xlsx, csv, ...
    # images inside the file for OCR to read (an e-mail's image attachments): unit number -> the image file's bytes
    images: dict[int, bytes] = field(default_factory=dict)

    @property
    def has_text(self) -> bool:
        return any(page.text for page in self.pages)


ParsedPdf = ParsedDocument  # the name from when PDFs were the only format


def read_pdf(path: Path | bytes, password: str | None = None, pages: range | None = None, tables: bool = True) -> ParsedPdf:
    """Extract the text of the pages of `path` (all, or those in the 1-based range `pages`), with their tables'
    rows labelled (`tables`). `path` may also be the PDF's bytes (an e-mail attachment).

    Never raises for a bad PDF: the result's `error` or `problems` say what went wrong.
    """
    reader, failed = open_pdf(path, password)
    if failed is not None:
        return failed
    page_count = len(reader.pages)
    wanted = pages if pages is not None else range(1, page_count + 1)
    result = _extract_pages(reader, page_count, wanted)
    if tables:
        from rag.ingest.fiscal_years import label_fiscal_years
        from rag.ingest.pdf_tables import label_tables

        label_tables(path, password, result)
        label_fiscal_years(result.pages)
    return result


def count_pages(path: Path, password: str | None = None) -> ParsedPdf:
    """Open `path` and count its pages without extracting text (a damaged file is read in full)."""
    reader, failed = open_pdf(path, password)
    if failed is not None:
        return failed
    return ParsedPdf(page_count=len(reader.pages))


def open_pdf(path: Path | bytes, password: str | None) -> tuple[PdfReader | None, ParsedPdf | None]:
    """A decrypted reader with at least one page, or the final result for a file that is not one."""
    try:
        data = path if isinstance(path, bytes) else path.read_bytes()
    except OSError as exc:
        return None, ParsedPdf(error=f"cannot read the file ({exc.strerror or exc})")
    if not data:
        return None, ParsedPdf(error="empty file (0 bytes)")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        return None, ParsedPdf(error="not a PDF (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for broken files
        return None, _recover_truncated(data, reason=_describe(exc))
    error = _unlock(reader, password)
    if error:
        return None, ParsedPdf(error=error)
    try:
        page_count = len(reader.pages)
    except Exception as exc:  # noqa: BLE001
        return None, _recover_truncated(data, reason=_describe(exc))
    if page_count == 0:
        return None, ParsedPdf(error="the PDF has no pages")
    return reader, None


def _unlock(reader: PdfReader, password: str | None) -> str | None:
    if not reader.is_encrypted:
        return None
    try:
        if reader.decrypt("") != 0:  # many PDFs are encrypted with an empty user password
            return None
        if password is None:
            return "password required; use --password"
        if reader.decrypt(password) != 0:
            return None
        return "wrong password; check --password"
    except (DependencyError, NotImplementedError) as exc:
        return f"cannot decrypt ({exc})"
    except Exception as exc:  # noqa: BLE001
        return f"cannot decrypt ({_describe(exc)})"


def _page_labels(reader: PdfReader, page_count: int) -> list[str | None]:
    try:
        if "/PageLabels" not in reader.trailer["/Root"]:
            return [None] * page_count
        labels = list(reader.page_labels)
    except Exception:  # noqa: BLE001 - a broken label tree is not worth failing the file for
        return [None] * page_count
    return [labels[i] if i < len(labels) else None for i in range(page_count)]


def _extract_pages(reader: PdfReader, page_count: int, wanted: range) -> ParsedPdf:
    result = ParsedPdf(page_count=page_count)
    labels = _page_labels(reader, page_count)
    for index in range(max(wanted.start, 1) - 1, min(wanted.stop - 1, page_count)):
        try:
            text = clean_text(reader.pages[index].extract_text() or "")
        except FileNotDecryptedError:
            return ParsedPdf(error="password required; use --password")
        except Exception as exc:  # noqa: BLE001
            result.problems.append(f"page {index + 1}: {_describe(exc)}")
            continue
        if len(text) < MIN_PAGE_CHARS:
            text = ""
        label = labels[index]
        result.pages.append(Page(number=index + 1, text=text, label=label if label != str(index + 1) else None))
    return result


def _recover_truncated(data: bytes, reason: str) -> ParsedPdf:
    """Salvage the pages of a truncated or damaged file by scanning its objects.

    The page tree usually sits at the end of a file that was cut off, so pages are found by their
    `/Type /Page` dictionaries and numbered in file order (reported as an estimate).
    """
    from pypdf._page import PageObject
    from pypdf.generic import DictionaryObject

    end = data.rfind(b"endobj")
    if end < 0:
        return ParsedPdf(error=f"not a readable PDF ({reason})")
    try:
        reader = PdfReader(io.BytesIO(data[: end + 6] + b"\nstartxref\n0\n%%EOF\n"), strict=False)
        numbers = sorted(
            num
            for objects in reader.xref.values()
            for num in objects
            if _is_page(reader, num, DictionaryObject)
        )
    except Exception:  # noqa: BLE001
        return ParsedPdf(error=f"not a readable PDF ({reason})")
    if not numbers:
        return ParsedPdf(error=f"not a readable PDF ({reason})")
    result = ParsedPdf(page_count=len(numbers))
    for position, num in enumerate(numbers, start=1):
        try:
            obj = reader.get_object(num)
            page = PageObject(reader, obj.indirect_reference)
            page.update(obj)
            text = clean_text(page.extract_text() or "")
        except Exception as exc:  # noqa: BLE001
            result.problems.append(f"page {position}: {_describe(exc)}")
            continue
        result.pages.append(Page(number=position, text=text if len(text) >= MIN_PAGE_CHARS else ""))
    result.problems.insert(
        0, f"damaged file ({reason}); recovered {len(result.pages)} page(s), numbered in file order"
    )
    return result


def _is_page(reader: PdfReader, num: int, dict_type: type) -> bool:
    try:
        obj = reader.get_object(num)
    except Exception:  # noqa: BLE001
        return False
    return isinstance(obj, dict_type) and obj.get("/Type") == "/Page"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, PdfReadError):
        return str(exc) or type(exc).__name__
    message = str(exc).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
