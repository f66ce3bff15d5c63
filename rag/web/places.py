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


def place_link(file: str, page: int, quoted: str = "") -> str:
    """Where the browser opens unit `page` of the non-PDF `file` (relative to the data folder), scrolled to `quoted`
    (marked) when given."""
    link = f"{PLACE_ROUTE}/{quote(file)}?n={page}"
    return link + (f"&q={quote(' '.join(quoted.split())[:600], safe='')}#hl" if quoted.strip() else "")


def place_page(index, file: str, number: int, quoted: str = "") -> str | None:
    """The HTML page of unit `number` of `file` in `index`, or None when the index has no such unit; the stretch of
    text or the table row holding `quoted` is marked."""
    from rag.web.highlight import mark_quote, quote_words
    from rag.retrieve.passages import join_overlapping

    chunks = [doc for doc in index.chunks if doc.metadata.get("source") == file and doc.metadata.get("page") == number]
    if not chunks:
        return None
    where = place_text(number, chunks[0].metadata.get("place"))
    parts: list[str] = []
    prose: list[str] = []
    seen_tables: set[str] = set()

    wanted = set(quote_words(quoted))
    marked = False

    def close_prose() -> None:
        nonlocal marked
        if prose:
            text = join_overlapping(prose)
            shown = None if marked or not wanted else mark_quote(text, quoted)
            marked = marked or shown is not None
            parts.append(f"<pre>{shown or escape(text)}</pre>")
            prose.clear()

    def row_marked(row: list) -> bool:  # a labelled row quoted as "Label: head: value; …"
        label, values = set(quote_words(str(row[0]))), {w for cell in row[1:] for w in quote_words(str(cell))}
        return bool(label) and label <= wanted and bool(values & wanted)

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
            hit = not marked and bool(row) and row_marked(row)
            marked = marked or hit
            parts.append(("<tr id=\"hl\" class=\"hl\">" if hit else "<tr>")
                         + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>")
        parts.append("</table>")
    close_prose()
    title = f"{file}, {where}"
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title><style>"
            "body{font-family:sans-serif;margin:2em;max-width:60em} pre{white-space:pre-wrap;font-family:inherit}"
            "table{border-collapse:collapse;margin:.5em 0} td,th{border:1px solid #bbb;padding:2px 6px;"
            "text-align:right} td:first-child{text-align:left} mark,tr.hl{background:#ffe066}</style></head><body>"
            f"<h1>{escape(file)}</h1><h2>{escape(where)}</h2>{''.join(parts)}</body></html>")
