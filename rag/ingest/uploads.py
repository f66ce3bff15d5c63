"""Uploaded PDFs: checked (PDF magic, size, a safe file name) before they are stored in the data folder.

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
MAX_NAME_CHARS = 120
UNSAFE_CHARS = re.compile(r"[^\w .()+-]+")


class UploadError(UserError):
    """An upload that is refused, with the reason."""


@dataclass
class Rejected:
    name: str
    reason: str


def safe_pdf_name(original: str) -> str:
    """A file name that cannot leave the data folder or hide as a dotfile: the base name, tame characters, `.pdf`."""
    base = unicodedata.normalize("NFC", original.replace("\\", "/").rsplit("/", 1)[-1])
    stem = base[:-4] if base.lower().endswith(".pdf") else base
    stem = UNSAFE_CHARS.sub("_", stem).strip(" ._-")[:MAX_NAME_CHARS].strip(" ._-")
    if not stem:
        raise UploadError(f"{original!r}: no usable file name")
    return f"{stem}.pdf"


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
    """Check `upload` and copy it into `data_dir` under a safe name that no other document has.

    The file is written beside its target and linked into place, which fails rather than replace a file that
    appeared meanwhile; a renamed upload is reported in `notes`.
    """
    from rag.hashing import sha256_file

    check_pdf(upload, max_bytes)
    folder = data_dir.resolve()
    wanted = folder / safe_pdf_name(original_name)
    if wanted.parent != folder:  # cannot happen with a safe name; kept as the last line of defence
        raise UploadError(f"{original_name!r}: refused file name")
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out, open(upload, "rb") as src:
            shutil.copyfileobj(src, out)
        digest = sha256_file(Path(temp))
        for number in range(1, 1000):
            target = wanted if number == 1 else wanted.with_name(f"{wanted.stem} ({number}).pdf")
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


def resolve_data_file(data_dir: Path, relative: str) -> Path | None:
    """The PDF at `relative` inside `data_dir`, or None if it is outside (traversal, symlinks), missing or not a PDF."""
    if "\x00" in relative:
        return None
    folder = data_dir.resolve()
    candidate = (folder / relative).resolve()
    if not candidate.is_relative_to(folder) or candidate.suffix.lower() != ".pdf" or not candidate.is_file():
        return None
    return candidate
