"""E-mail messages (.eml) with the standard email module: the headers and body, then each attachment read by the
same readers (recursively, to `MAX_DEPTH`).

The body is the plain-text part, or the HTML part read as a web page (`rag.ingest.formats.html`: no script runs,
nothing is fetched). Its place is the subject and date ("Re: Q3 figures, 2024-05-02"). An attachment is read
from memory, its type decided from its content; its units' places start "attachment NAME, " (the name shown only,
cut to tame characters, never used as a path: nothing is written to disk). An attachment no reader takes, an
image attachment is read by OCR (`rag.ingest.ocr`, with the run's --ocr setting) and cited as "attachment NAME,
image"; one that fails is named in the file's problems; the rest of the message is indexed.

Hands on: `Page`s (number = the unit's ordinal in the message, place, tables) to the dispatcher.
"""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from rag.ingest.cleaning import clean_text
from rag.ingest.pdf import Page, ParsedDocument

MAX_EMAIL_BYTES = 200 * 2**20
MAX_DEPTH = 3  # an attachment's attachment's attachment
MAX_NAME_CHARS = 80
_UNSAFE_CHARS = re.compile(r"[^\w .()+-]+")


def read(source: Path | bytes, read_part, tables: bool = True, depth: int = 0) -> ParsedDocument:
    """`read_part(bytes, kind, tables, name=, depth=)` reads an attachment (`rag.ingest.formats.read_source`)."""
    from rag.ingest.formats.common import read_capped

    data, size = read_capped(source, MAX_EMAIL_BYTES)
    if size > len(data):
        return ParsedDocument(error=f"e-mail of {size / 2**20:,.0f} MB is over the {MAX_EMAIL_BYTES / 2**20:.0f} MB "
                                    "limit; not read", kind="email")
    message = BytesParser(policy=policy.default).parsebytes(data)
    result = ParsedDocument(kind="email")
    subject = _header(message, "subject")
    date = _date(message)
    place = ", ".join(part for part in (subject or "(no subject)", date) if part)
    head = "\n".join(f"{name}: {value}" for name in ("From", "To", "Cc", "Date", "Subject")
                     if (value := _header(message, name.lower())))
    body_text, body_tables = _body(message, tables)
    attachments = []  # unnamed inline text parts (a digest's topics, a list's footer) belong to the body
    try:
        for part in message.iter_attachments():
            if _inline_text(part):
                body_text += "\n" + str(part.get_content())
            else:
                attachments.append(part)
    except Exception as exc:  # noqa: BLE001 - a broken MIME tree: what was read so far is kept
        result.problems.append(f"MIME structure damaged ({type(exc).__name__}); some parts may be missing")
    result.pages.append(Page(number=1, text=clean_text(f"{head}\n{body_text}"), place=place, tables=body_tables))
    for part in attachments:
        _attachment(part, result, read_part, tables, depth)
    result.page_count = len(result.pages)
    return result


def _header(message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 - a malformed header is left out, never fails the message
        return ""
    return re.sub(r"\s+", " ", clean_text(str(value))).strip() if value is not None else ""


def _date(message) -> str:
    raw = _header(message, "date")
    try:
        return parsedate_to_datetime(raw).date().isoformat() if raw else ""
    except (TypeError, ValueError, IndexError):
        return raw[:40]


def _body(message, tables: bool) -> tuple[str, list]:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            return "", []
        content = part.get_content()
    except Exception:  # noqa: BLE001 - an undecodable body: the headers and attachments are still indexed
        return "", []
    if part.get_content_subtype() != "html":
        return content, []
    from rag.ingest.formats.html import read_text

    parsed = read_text(content, tables)
    return "\n".join(page.text for page in parsed.pages), [t for page in parsed.pages for t in page.tables]


def _inline_text(part) -> bool:
    return (part.get_content_type() == "text/plain" and not part.get_filename()
            and part.get_content_disposition() != "attachment")


def safe_attachment_name(name: str | None) -> str:
    """An attachment's name for display: its last path part, tame characters, at most MAX_NAME_CHARS."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_CHARS.sub("_", clean_text(base)).strip(" ._-")[:MAX_NAME_CHARS]
    return base or "attachment"


def _attachment(part, result: ParsedDocument, read_part, tables: bool, depth: int) -> None:
    from rag.ingest.detect import detect

    name = safe_attachment_name(part.get_filename())
    prefix = ""
    if part.is_multipart() and part.get_content_type() != "message/rfc822":  # a nested multipart (a digest, a forwarded bundle): each of its parts in turn
        if depth >= MAX_DEPTH:
            result.problems.append(f"parts nested more than {MAX_DEPTH} deep; skipped")
            return
        for sub in part.iter_parts():
            _attachment(sub, result, read_part, tables, depth + 1)
        return
    try:
        if part.get_content_type() == "message/rfc822":
            inner = part.get_content()
            payload = inner.as_bytes() if hasattr(inner, "as_bytes") else bytes(inner)
            if name == "attachment":  # a forwarded or digested message: cited by its own subject and date
                prefix = "attached message "
                name = safe_attachment_name(_header(inner, "subject"))
        else:
            payload = part.get_payload(decode=True) or b""
    except Exception as exc:  # noqa: BLE001
        result.problems.append(f"attachment {name}: cannot decode it ({type(exc).__name__}); skipped")
        return
    if not payload:
        return
    if depth >= MAX_DEPTH:
        result.problems.append(f"attachment {name}: nested more than {MAX_DEPTH} deep; skipped")
        return
    kind = detect(payload, name)
    if kind.name is None:
        result.problems.append(f"attachment {name}: {kind.reason}; skipped")
        return
    if kind.name == "image":  # read by the OCR stage, as an image file is (its first frame)
        checked = read_part(payload, kind, tables, name=name, depth=depth + 1)
        if checked.error:
            result.problems.append(f"attachment {name}: {checked.error}; skipped")
            return
        number = len(result.pages) + 1
        result.pages.append(Page(number=number, text="", place=f"attachment {name}, image"))
        result.images[number] = payload
        return
    inner = read_part(payload, kind, tables, name=name, depth=depth + 1)
    if inner.error:
        result.problems.append(f"attachment {name}: {inner.error}; skipped")
        return
    result.problems.extend(f"attachment {name}: {problem}" for problem in inner.problems)
    for page in inner.pages:
        number = len(result.pages) + 1
        where = page.place or f"page {page.number}"
        for table in page.tables:
            table.page = number
        result.pages.append(Page(number=number, text=page.text, place=f"{prefix or f'attachment {name}, '}{where}",
                                 tables=page.tables))
