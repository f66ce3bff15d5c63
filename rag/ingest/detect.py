"""What kind of document a file is, decided from its content (magic bytes, zip members), the extension only breaking
ties between plain-text formats; and whether a zip-based file is safe to open.

`detect` gives a `Kind`: its `name` (pdf, docx, pptx, xlsx, csv, tsv, html, markdown, text, email, image) or, for a
file no reader takes, `name=None` and a one-line `reason` ("password-protected Office file", "a zip archive that is
not a Word, PowerPoint or Excel file", ...). A renamed file is read as what it is: a PDF named `.docx` is a PDF.

`zip_problem` checks a zip's directory before any reader opens it: member count, total uncompressed size and
compression ratio, so a zip bomb inside a .docx/.xlsx/.pptx is refused with a reason instead of filling memory.

Hands on: the kind to `rag.ingest.formats.read_document`, which picks the reader.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

HEAD_BYTES = 64 * 1024  # enough to tell text from binary and to see an e-mail's headers or an HTML tag

# Extensions the ingest looks at in a folder; the content then decides the reader.
SUFFIXES = frozenset({
    ".pdf", ".docx", ".pptx", ".xlsx", ".xlsm", ".csv", ".tsv", ".html", ".htm", ".md", ".markdown", ".txt",
    ".eml", ".png", ".jpg", ".jpeg", ".tif", ".tiff",
})  # fmt: skip

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted OOXML file is wrapped in
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"))
_OOXML_PARTS = (("word/document.xml", "docx"), ("ppt/presentation.xml", "pptx"), ("xl/workbook.xml", "xlsx"))
_EMAIL_HEADERS = ("from", "to", "subject", "date", "received", "message-id", "mime-version", "return-path",
                  "delivered-to", "reply-to", "cc", "content-type", "x-")
_BINARY_SUFFIXES = {
    ".pdf": "not a PDF (no %PDF header)", **dict.fromkeys((".docx", ".pptx", ".xlsx", ".xlsm"),
    "not an Office document (no zip container): damaged, or renamed"), **dict.fromkeys((".png", ".jpg", ".jpeg",
    ".tif", ".tiff"), "not an image (no PNG, JPEG or TIFF header): damaged, or renamed"),
}
_TEXT_SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".csv": "csv", ".tsv": "tsv", ".html": "html",
                  ".htm": "html", ".eml": "email", ".txt": "text"}

# Zip limits: far above any real document, far below what a bomb expands to.
ZIP_MAX_MEMBERS = 10_000
ZIP_MAX_TOTAL_BYTES = 1024 * 2**20  # 1 GiB uncompressed in all
ZIP_MAX_RATIO = 200  # uncompressed / compressed, for a member over ZIP_RATIO_FLOOR
ZIP_RATIO_FLOOR = 10 * 2**20


@dataclass(frozen=True)
class Kind:
    name: str | None  # None: no reader takes it (see reason)
    reason: str | None = None
    detail: str = ""  # e.g. the image format, "macro-enabled"


def detect(source: Path | bytes, filename: str = "") -> Kind:
    """The kind of a document from its first bytes (and a zip's member names); `filename` only for plain text."""
    if isinstance(source, Path):
        filename = filename or source.name
        try:
            with open(source, "rb") as handle:
                head = handle.read(HEAD_BYTES)
        except OSError as exc:
            return Kind(None, f"cannot read the file ({exc.strerror or exc})")
    else:
        head = source[:HEAD_BYTES]
    if not head:
        return Kind(None, "empty file (0 bytes)")
    suffix = Path(filename).suffix.lower()
    if b"%PDF" in head[:1024]:
        return Kind("pdf")
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind(source)
    if head.startswith(OLE2_MAGIC):
        return _ole2_kind(source)
    for magic, name in _IMAGE_MAGIC:
        if head.startswith(magic):
            return Kind("image", detail=name)
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Kind(None, "not a supported document (binary content of an unknown type)")
    if suffix in _BINARY_SUFFIXES:  # text content under a binary format's name: a broken or fake file
        return Kind(None, _BINARY_SUFFIXES[suffix])
    text = _decode_head(head)
    start = text.lstrip("\ufeff \t\r\n")[:512].lower()
    if start.startswith(("<!doctype html", "<html")) or ("<html" in text[:4096].lower() and suffix not in
                                                         (".md", ".markdown", ".txt", ".csv", ".tsv")):
        return Kind("html")
    if _looks_like_email(text):
        return Kind("email")
    if suffix in _TEXT_SUFFIXES:
        return Kind(_TEXT_SUFFIXES[suffix])
    if start.startswith(("<head", "<body", "<!--")):
        return Kind("html")
    return Kind("text")


def _decode_head(head: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16") if head.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",):
        try:
            return head.decode(encoding)
        except UnicodeDecodeError:
            continue
    return head.decode("utf-8", "replace")


def _looks_like_email(text: str) -> bool:
    """RFC 822 headers first: a run of `Name: value` lines naming at least two usual e-mail headers."""
    seen = set()
    for line in text.lstrip("\ufeff").splitlines()[:60]:
        if not line.strip():
            break
        if line[:1] in " \t":  # a folded header line
            continue
        name, colon, _ = line.partition(":")
        if not colon or not name or " " in name.strip():
            return False
        name = name.strip().lower()
        if name.startswith(_EMAIL_HEADERS[-1]) or name in _EMAIL_HEADERS:
            seen.add(name)
    return len(seen & {"from", "to", "subject", "date", "message-id", "received", "mime-version"}) >= 2


def _open_zip(source: Path | bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(source if isinstance(source, Path) else io.BytesIO(source))


def _zip_kind(source: Path | bytes) -> Kind:
    try:
        with _open_zip(source) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return Kind(None, f"corrupt zip container ({exc}); not a readable Word, PowerPoint or Excel file")
    for part, name in _OOXML_PARTS:
        if part in names:
            macros = any(member.lower().endswith("vbaproject.bin") for member in names)
            return Kind(name, detail="macro-enabled" if macros else "")
    return Kind(None, "a zip archive that is not a Word, PowerPoint or Excel file (archives are not unpacked)")


def _ole2_kind(source: Path | bytes) -> Kind:
    """An OLE2 compound file: an encrypted (password-protected) OOXML document, or a legacy .doc/.xls/.ppt."""
    if isinstance(source, Path):
        with open(source, "rb") as handle:
            data = handle.read(64 * 2**20)  # the directory of a real document sits well inside this
    else:
        data = source
    if _ENCRYPTED_STREAM in data:
        return Kind(None, "password-protected Office file; save a copy without the password to index it")
    return Kind(None, "legacy binary Office format (.doc/.xls/.ppt) is not supported; save it as .docx/.xlsx/.pptx")


def zip_problem(source: Path | bytes) -> str | None:
    """Why a zip-based document must not be opened (a likely zip bomb, a corrupt directory), or None."""
    try:
        with _open_zip(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return f"corrupt zip container ({exc})"
    if len(members) > ZIP_MAX_MEMBERS:
        return f"zip container with {len(members):,} members (limit {ZIP_MAX_MEMBERS:,}); not opened"
    total = sum(member.file_size for member in members)
    if total > ZIP_MAX_TOTAL_BYTES:
        return (f"zip container would expand to {total / 2**20:,.0f} MB (limit {ZIP_MAX_TOTAL_BYTES / 2**20:,.0f} MB:"
                " a zip bomb, or too big to read); not opened")
    for member in members:
        if member.file_size > ZIP_RATIO_FLOOR and member.file_size > ZIP_MAX_RATIO * max(member.compress_size, 1):
            return (f"zip member {member.filename[:80]!r} expands {member.file_size / max(member.compress_size, 1):,.0f}"
                    f" times (limit {ZIP_MAX_RATIO}; a zip bomb?); not opened")
    return None
