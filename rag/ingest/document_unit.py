"""The unit a document's amounts are in, for its tables of money that print none.

A 10-K states "(in millions)" over most of its tables but not over every note's table: PepsiCo's "The change in the
book value of indefinite-lived intangible assets" prints "$ 465 $ (8)", Boeing's pension assets "$15,095". Their
cells were read as printed ("Brands, Balance, End of 2022: 1,664"), so an answer quoting one gave no unit and the
reader could not tell $1,664 million from $1,664. When most of the document's tables of money with a scale share
one (at least MIN_TABLES, and OWN_SHARE of them; a scale of counts, members "in thousands" or "shares in 000's", has
no vote), a table that prints none, whose figures carry a currency sign and are whole amounts below the size such a
scale makes implausible, takes that unit, said to be the document's ("in millions, the document's unit"). Prices and per-share amounts (decimals), counts (no currency sign) and exact
dollar amounts (a salary of $1,250,000) keep none.

Hands on the pages with those tables' units set and their text updated (called by both ingest engines on the whole
parsed file, before chunking, `rag.ingest.engines.base.chunk_file`: a long PDF is parsed in parts of 24 pages,
too few to tell the document's unit).
"""

from __future__ import annotations

import re
from collections import Counter

from rag.ingest.table_units import scale_of

MIN_TABLES = 5  # tables stating a scale before the document's unit is trusted
OWN_SHARE = 0.65  # of them stating the same one
LIMITS = {"thousand": 100_000_000, "million": 1_000_000, "billion": 100_000}  # a larger figure is no such amount
_AMOUNT_RE = re.compile(r"^\(?\s*([$£€¥])?\s*\(?\s*(\d{1,3}(?:,\d{3})*|\d+)(\.\d+)?\s*\)?$")
UNIT_NOTE = "the document's unit"
_COUNTS_RE = re.compile(r"\b(?:shares|units|members|employees|options|customers|stores|warehouses|people|persons)\b",
                        re.IGNORECASE)


def apply_document_unit(pages) -> int:
    """Give the document's unit to its money tables that print none (see the module docstring); the pages' text is
    updated with those tables' new text. The number of tables given it."""
    tables = [table for page in pages for table in (getattr(page, "tables", None) or [])]
    scales = [scale for table in tables if (scale := scale_of(table.unit)) is not None
              and (scale[0] or _signed(table)) and not _COUNTS_RE.search(table.unit)]  # a scale of money: members
    words = Counter(word for _, word in scales)  # "in thousands", "shares in 000's" count, they are no amounts
    if sum(words.values()) < MIN_TABLES:
        return 0
    word, count = words.most_common(1)[0]
    if count < OWN_SHARE * sum(words.values()) or word not in LIMITS:  # (a Chinese unit, "万元", is left alone)
        return 0
    currency = Counter(sign for sign, scaled in scales if scaled == word).most_common(1)[0][0]
    given = 0
    for page in pages:
        for table in getattr(page, "tables", None) or []:
            if table.unit or not _whole_money(table, currency, LIMITS[word]):
                continue
            before = table.text()
            table.unit = f"in {word}s, {UNIT_NOTE}"
            page.text = page.text.replace(before, table.text())
            given += 1
    return given


def _signed(table) -> bool:
    """Whether some value of the table carries a currency sign."""
    return any(value.strip().lstrip("(").lstrip()[:1] in "$£€¥" and value.strip()
               for _, values in table.rows for value in values)


def _whole_money(table, currency: str, limit: int) -> bool:
    """Whether a table's figures are whole amounts of money below `limit`: a currency sign on some, no decimals."""
    signed = False
    amounts = 0
    for _, values in table.rows:
        for value in values:
            value = value.strip()
            if not value or value.lstrip("$£€¥ ") in ("—", "-", "–"):  # "$—": nothing
                continue
            match = _AMOUNT_RE.match(value)
            if match is None or match.group(3) or int(match.group(2).replace(",", "")) >= limit \
                    or re.fullmatch(r"(?:19|20)\d\d", match.group(2)):
                return False  # a percentage, a price, a year, a word or an amount too large for the scale
            signed = signed or bool(match.group(1)) and (not currency or match.group(1) == currency)
            amounts += 1
    return signed and amounts >= 2
