"""The place a non-PDF source points to, opened in the browser: `/place/<file>?n=N` shows the unit's text as the
index holds it (a slide with its speaker notes, a block of a sheet's rows as a table, a section's text, a run of
lines, an e-mail's body), under its place ("slide 3", "sheet Q1, rows 2–51", "Terms › Payment").

Everything shown is escaped text: a document's markup, scripts and links are characters, never run or fetched.
PDFs keep their own viewer (`/pdf/<file>#page=N`).

Hands on: an HTML page (a string) to `rag.web.app`, and `place_link` for the sources' links.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from rag.text import place_text

PLACE_ROUTE = "/place"


def place_link(file: str, page: int) -> str:
    """Where the browser opens unit `page` of the non-PDF `file` (relative to the data folder)."""
    return f"{PLACE_ROUTE}/{quote(file)}?n={page}"


def place_page(index, file: str, number: int) -> str | None:
    """The HTML page of unit `number` of `file` in `index`, or None when the index has no such unit."""
    from rag.retrieve.passages import join_overlapping

    chunks = [doc for doc in index.chunks if doc.metadata.get("source") == file and doc.metadata.get("page") == number]
    if not chunks:
        return None
    where = place_text(number, chunks[0].metadata.get("place"))
    parts: list[str] = []
    prose: list[str] = []
    seen_tables: set[str] = set()

    def close_prose() -> None:
        if prose:
            parts.append(f"<pre>{escape(join_overlapping(prose))}</pre>")
            prose.clear()

    for doc in chunks:
        table = doc.metadata.get("table")
        if not table:
            prose.append(doc.page_content)
            continue
        close_prose()
        head = doc.page_content.split("\n", 1)[0]
        if head not in seen_tables:
            seen_tables.add(head)
            parts.append(f"<p><b>{escape(head)}</b></p><table>")
            headers = [""] + list(table.get("headers") or [])
            parts.append("<tr>" + "".join(f"<th>{escape(str(h))}</th>" for h in headers) + "</tr>")
        else:
            parts.append("<table>")
        for row in table.get("rows") or []:
            parts.append("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>")
        parts.append("</table>")
    close_prose()
    title = f"{file}, {where}"
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title><style>"
            "body{font-family:sans-serif;margin:2em;max-width:60em} pre{white-space:pre-wrap;font-family:inherit}"
            "table{border-collapse:collapse;margin:.5em 0} td,th{border:1px solid #bbb;padding:2px 6px;"
            "text-align:right} td:first-child{text-align:left}</style></head><body>"
            f"<h1>{escape(file)}</h1><h2>{escape(where)}</h2>{''.join(parts)}</body></html>")
