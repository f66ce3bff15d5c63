"""Markdown (.md) files with markdown-it-py (CommonMark, with tables): one unit per section.

A heading starts a section whose place is the heading path ("Install › Linux"); paragraphs, lists and code are
kept as text, pipe tables are labelled like PDF tables. Raw HTML in the file is read as HTML text only (tags
dropped, scripts never run); links and images are never fetched.

Hands on: `Page`s (number = the section's ordinal, place = its heading path, tables) to the dispatcher.
"""

from __future__ import annotations

import re
from pathlib import Path

from rag.ingest.formats.common import Sections, cell_text, cut_note, decode, need, read_capped
from rag.ingest.pdf import ParsedDocument

_TAG_RE = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)


def read(source: Path | bytes, tables: bool = True) -> ParsedDocument:
    data, size = read_capped(source)
    result = read_text(decode(data), tables)
    if size > len(data):
        result.problems.append(cut_note(len(data), size))
    return result


def read_text(text: str, tables: bool = True) -> ParsedDocument:
    markdown_it = need("markdown_it", "markdown-it-py")
    tokens = markdown_it.MarkdownIt("commonmark").enable("table").parse(text)
    sections = Sections(tables)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            sections.heading(int(token.tag[1]), _plain(tokens[index + 1]))
            index += 3
            continue
        if token.type == "table_open":
            grid, header_rows, index = _table(tokens, index)
            sections.table(grid, header_rows)
            continue
        if token.type == "inline":
            sections.text(_plain(token))
        elif token.type in ("fence", "code_block"):
            sections.text(token.content)
        elif token.type in ("html_block", "html_inline"):
            sections.text(_TAG_RE.sub(" ", token.content))
        index += 1
    pages = sections.done()
    return ParsedDocument(pages=pages, page_count=len(pages), kind="markdown")


def _plain(token) -> str:
    """An inline token's text without markup (link targets and image sources left out, alt text kept)."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
        elif child.type == "html_inline":
            parts.append(_TAG_RE.sub("", child.content))
    return "".join(parts) if token.children is not None else token.content


def _table(tokens, index: int) -> tuple[list[list[str]], int, int]:
    grid: list[list[str]] = []
    header_rows = 0
    in_head = False
    while index < len(tokens) and tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            grid.append([])
            header_rows += in_head
        elif token.type == "inline" and grid:
            grid[-1].append(cell_text(_plain(token)))
        index += 1
    return grid, max(header_rows, 1), index + 1
