"""Uploaded documents: checked (size, a type every reader takes, decided from the content by `rag.ingest.detect`,
a safe file name) before they are stored in the data folder.

The stored name keeps the upload's stem and takes the extension of what the content is: "slides.pdf" holding a
PowerPoint deck is stored as "slides.pptx"; a file no reader takes is refused with the reason.

An existing document is never overwritten: an upload named like one with other content is stored under a
free name ("report (2).pdf") and the caller is told; the same content again is simply the same file.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rag.errors import UserError

PDF_MAGIC = b"%PDF-"
MAGIC_WINDOW = 1024  # PDF readers accept the header anywhere in the first 1024 bytes
# The extensions a stored document may have for each kind (the first is used when the upload's own is not one).
KIND_SUFFIXES = {
    "pdf": (".pdf",), "docx": (".docx",), "pptx": (".pptx",), "xlsx": (".xlsx", ".xlsm"), "csv": (".csv",),
    "tsv": (".tsv",), "html": (".html", ".htm"), "markdown": (".md", ".markdown"), "text": (".txt",),
    "email": (".eml",), "png": (".png",), "jpeg": (".jpg", ".jpeg"), "tiff": (".tif", ".tiff"),
}
MAX_NAME_CHARS = 120
UNSAFE_CHARS = re.compile(r"[^\w .()+-]+")


_ALL_SUFFIXES = frozenset(s for suffixes in KIND_SUFFIXES.values() for s in suffixes)


class UploadError(UserError):
    """An upload that is refused, with the reason."""


@dataclass
class Rejected:
    name: str
    reason: str


def safe_name(original: str, suffixes: tuple[str, ...] = (".pdf",)) -> str:
    """A file name that cannot leave the data folder or hide as a dotfile: the base name, tame characters, and the
    upload's own extension when it is one of `suffixes`, else the first of them."""
    base = unicodedata.normalize("NFC", original.replace("\\", "/").rsplit("/", 1)[-1])
    suffix = next((s for s in suffixes if base.lower().endswith(s)), None)
    stem = base[: -len(suffix)] if suffix else base
    if suffix is None:  # "report.docx" stored as a PDF: "report.pdf", not "report.docx.pdf"
        head, dot, tail = stem.rpartition(".")
        stem = head if dot and head and f".{tail.lower()}" in _ALL_SUFFIXES else stem
    stem = UNSAFE_CHARS.sub("_", stem).strip(" ._-")[:MAX_NAME_CHARS].strip(" ._-")
    if not stem:
        raise UploadError(f"{original!r}: no usable file name")
    return f"{stem}{suffix or suffixes[0]}"


def safe_pdf_name(original: str) -> str:
    """`safe_name` for a PDF."""
    return safe_name(original, (".pdf",))


def check_upload(path: Path, max_bytes: int, original_name: str = "") -> tuple[str, ...]:
    """Refuse an empty, oversized or unsupported file; the extensions its content may be stored under."""
    from rag.ingest.detect import detect

    size = path.stat().st_size
    if size == 0:
        raise UploadError("empty file (0 bytes)")
    if size > max_bytes:
        raise UploadError(f"{size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB upload limit")
    kind = detect(path, filename=original_name)
    if kind.name is None:
        raise UploadError(kind.reason or "not a supported document")
    if kind.name in ("docx", "pptx", "xlsx"):
        from rag.ingest.detect import zip_problem

        problem = zip_problem(path)
        if problem:
            raise UploadError(problem)
    return KIND_SUFFIXES[kind.detail if kind.name == "image" else kind.name]


def check_pdf(path: Path, max_bytes: int) -> None:
    """Refuse an empty, oversized or non-PDF file."""
    size = path.stat().st_size
    if size == 0:
        raise UploadError("empty file (0 bytes)")
    if size > max_bytes:
        raise UploadError(f"{size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB upload limit")
    with open(path, "rb") as handle:
        head = handle.read(MAGIC_WINDOW)
    if PDF_MAGIC not in head:
        raise UploadError("not a PDF (no %PDF- header)")


def store_pdf(upload: Path, original_name: str, data_dir: Path, max_bytes: int,
              notes: list[str] | None = None) -> Path:
    """Check `upload` (any supported document, despite the old name) and copy it into `data_dir` under a safe name
    that no other document has.

    The file is written beside its target and linked into place, which fails rather than replace a file that
    appeared meanwhile; a renamed upload is reported in `notes`.
    """
    from rag.hashing import sha256_file

    suffixes = check_upload(upload, max_bytes, original_name)
    folder = data_dir.resolve()
    wanted = folder / safe_name(original_name, suffixes)
    if wanted.parent != folder:  # cannot happen with a safe name; kept as the last line of defence
        raise UploadError(f"{original_name!r}: refused file name")
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out, open(upload, "rb") as src:
            shutil.copyfileobj(src, out)
        digest = sha256_file(Path(temp))
        for number in range(1, 1000):
            target = wanted if number == 1 else wanted.with_name(f"{wanted.stem} ({number}){wanted.suffix}")
            if target.is_file() and sha256_file(target) == digest:
                break  # the same document again: nothing to store
            try:
                os.link(temp, target)  # never replaces an existing file
            except FileExistsError:
                continue
            if target != wanted and notes is not None:
                notes.append(f"RENAMED {original_name}: {wanted.name} already exists with other content; "
                             f"stored as {target.name}")
            break
        else:
            raise UploadError(f"{original_name!r}: too many files named {wanted.name}")
    finally:
        Path(temp).unlink(missing_ok=True)
    return target


def store_uploads(uploads: list[tuple[Path, str]], data_dir: Path, max_bytes: int,
                  notes: list[str] | None = None) -> tuple[list[Path], list[Rejected]]:
    """Store each (temporary path, original name); the refused ones are returned with their reason, and renamed
    ones are said in `notes`."""
    stored: list[Path] = []
    rejected: list[Rejected] = []
    for path, name in uploads:
        try:
            stored.append(store_pdf(path, name, data_dir, max_bytes, notes))
        except UploadError as exc:
            rejected.append(Rejected(name, str(exc)))
        except OSError as exc:
            rejected.append(Rejected(name, f"could not store it: {exc.strerror or exc}"))
    return stored, rejected


def resolve_data_file(data_dir: Path, relative: str, suffixes: tuple[str, ...] | frozenset = (".pdf",)) -> Path | None:
    """The document at `relative` inside `data_dir` with one of `suffixes` (default: PDFs), or None if it is outside
    (traversal, symlinks), missing or of another type."""
    if "\x00" in relative:
        return None
    folder = data_dir.resolve()
    candidate = (folder / relative).resolve()
    if not candidate.is_relative_to(folder) or candidate.suffix.lower() not in suffixes or not candidate.is_file():
        return None
    return candidate
