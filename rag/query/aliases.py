"""The other names financial statements give the line items people ask about.

A question asks for "capital expenditure"; the cash flow statement's row says "Purchases of property, plant and
equipment". The reader is given the sentences and rows that share the question's words (`rag.answer.focus`) and a
row is verified against the question's subject (`rag.answer.verify`), so both also take the words of the line
item's usual names in statements. Hands on `alias_tokens(question)`: search tokens of those names.
"""

from __future__ import annotations

import re

from rag.text import tokenize

ALIASES: list[tuple[re.Pattern[str], str]] = [(re.compile(pattern, re.IGNORECASE), names) for pattern, names in [
    (r"capital expenditures?|\bcapex\b", "purchases of property plant and equipment; additions to property and "
                                         "equipment; capital spending"),
    (r"\bpp&?n?e\b|\bppe\b", "property plant and equipment net"),
    (r"common equity|(?:shareholders|stockholders)['’]? equity", "total shareholders equity; total stockholders equity"),
    (r"accrual liabilit|accrued liabilit", "accrued liabilities"),
    (r"\bd&a\b", "depreciation and amortization"),
    (r"\bcogs\b|cost of goods", "cost of sales cost of goods sold cost of revenue"),
    (r"\bsg&a\b", "selling general and administrative expenses"),
    (r"\beps\b", "earnings per share"),
    (r"share (?:buyback|repurchase)|buyback|repurchas\w* (?:of )?(?:common )?(?:stock|shares)",
     "repurchases of common stock treasury stock"),
    (r"\bcash (?:and cash )?equivalents\b", "cash and cash equivalents"),
    (r"\badvertising\b", "advertising marketing"),
    (r"\bresearch and development\b|\br&d\b", "research and development technology and development"),
]]


def alias_tokens(question: str) -> set[str]:
    """Search tokens of the usual statement names of the line items the question asks about."""
    return {token for pattern, names in ALIASES if pattern.search(question) for token in tokenize(names)}


def alias_readings(question: str, subject: set[str]) -> list[set[str]]:
    """`subject` (a question's subject tokens) read once per usual name of each line item the question names: the
    words of the name it wrote replaced by those of the statement's name ("capital expenditure" read as "purchases
    of property plant and equipment"). The subject itself comes first."""
    readings = [set(subject)]
    for pattern, names in ALIASES:
        for match in pattern.finditer(question):
            written = set(tokenize(match.group()))
            readings += [(subject - written) | set(tokenize(name)) for name in names.split(";")]
    return readings
