"""Every document format the ingest reads, behind one call: `read_document(path)` gives a `ParsedDocument`.

The kind comes from the content (`rag.ingest.detect`), then one small module per format reads it: `docx`, `pptx`,
`sheets` (xlsx/xlsm, csv/tsv), `html`, `markdown`, `text`, `email` (attachments read recursively with these same
readers), `images` (OCR, as for scanned pages); PDFs stay with `rag.ingest.pdf`. Each library is imported only when
its format is met, so a missing one fails that file with the install line, never the run.

Every unit comes back as a `Page` whose `number` is its 1-based ordinal (the slide number for slides) and whose
`place` says where it is as a person reads it ("slide 3", "sheet Q1, rows 2–9", "Terms › Payment", "lines 1–40",
"Re: Q3 figures, 2024-05-02", "attachment budget.xlsx, sheet Q1, rows 2–9"). A bad file never raises: the result's
`error` is a one-line reason, its `problems` say what was cut or skipped.

Hands on: `ParsedDocument`s to the pipeline (`rag.ingest.pipeline`) and the sandboxed worker (`rag.ingest.sandbox`).
"""

from __future__ import annotations

from pathlib import Path

from rag.ingest.detect import Kind, detect, zip_problem
from rag.ingest.pdf import ParsedDocument, read_pdf

LABELS = {"pdf": "PDF", "docx": "Word", "pptx": "PowerPoint", "xlsx": "Excel", "csv": "CSV", "tsv": "TSV",
          "html": "HTML", "markdown": "Markdown", "text": "text", "email": "e-mail", "image": "image"}
ZIPPED = frozenset({"docx", "pptx", "xlsx"})


def read_document(path: Path, password: str | None = None, pages: range | None = None,
                  tables: bool = True) -> ParsedDocument:
    """Read `path` whatever its format (PDFs: only the 1-based `pages`, when given)."""
    kind = detect(path)
    if kind.name == "pdf":
        return read_pdf(path, password, pages, tables)
    return read_source(path, kind, tables, name=path.name)


def read_source(source: Path | bytes, kind: Kind, tables: bool = True, name: str = "", depth: int = 0,
                password: str | None = None) -> ParsedDocument:
    """Read a file or the bytes of one (an e-mail attachment) of the given kind."""
    if kind.name is None:
        return ParsedDocument(error=kind.reason, kind="unknown")
    label = LABELS.get(kind.name, kind.name)
    if kind.name == "pdf":
        return read_pdf(source, password, None, tables)
    if kind.name in ZIPPED:
        problem = zip_problem(source)
        if problem:
            return ParsedDocument(error=problem, kind=kind.name)
    from rag.ingest.formats.common import MissingLibrary

    try:
        result = _read(source, kind, tables, name, depth)
    except MissingLibrary as exc:
        return ParsedDocument(error=str(exc), kind=kind.name)
    except MemoryError:
        raise
    except RecursionError:
        return ParsedDocument(error=f"cannot read this {label} file (nested too deeply)", kind=kind.name)
    except Exception as exc:  # noqa: BLE001 - the libraries raise many types for broken files
        message = " ".join(str(exc).split())[:200]
        reason = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
        return ParsedDocument(error=f"cannot read this {label} file ({reason})", kind=kind.name)
    if kind.detail == "macro-enabled":
        result.problems.append("holds macros; they are never run (only its text and cell values are read)")
    return result


def _read(source: Path | bytes, kind: Kind, tables: bool, name: str, depth: int) -> ParsedDocument:
    if kind.name == "docx":
        from rag.ingest.formats import docx

        return docx.read(source, tables)
    if kind.name == "pptx":
        from rag.ingest.formats import pptx

        return pptx.read(source, tables)
    if kind.name == "xlsx":
        from rag.ingest.formats import sheets

        return sheets.read_workbook(source, tables)
    if kind.name in ("csv", "tsv"):
        from rag.ingest.formats import sheets

        return sheets.read_delimited(source, tab=kind.name == "tsv", tables=tables, name=Path(name).stem)
    if kind.name == "html":
        from rag.ingest.formats import html

        return html.read(source, tables)
    if kind.name == "markdown":
        from rag.ingest.formats import markdown

        return markdown.read(source, tables)
    if kind.name == "email":
        from rag.ingest.formats import email

        return email.read(source, read_source, tables, depth)
    if kind.name == "image":
        from rag.ingest.formats import images

        return images.read(source)
    from rag.ingest.formats import text

    return text.read(source)
