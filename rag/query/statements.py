"""Financial statements: which pages are a balance sheet, an income statement or a cash flow statement, and which
statement a question asks about.

Analysts ask for figures that live in the primary statements ("net PPNE from the balance sheet", "FY2018 capital
expenditure", "total current assets"), but the statement page itself is a grid of numbers under a short title, so
neither the embedding model nor BM25 ranks it well: a page of prose that *talks* about cash flows wins. The retriever
uses this module to add the matching statement pages as one more ranking (see `rag.retrieve.hybrid`).

A page is a statement when one of its first lines is a statement title ("CONSOLIDATED BALANCE SHEETS",
"Consolidated Statement of Cash Flow" + "s" broken over two lines, "Profit and loss account") and the page holds
many figures, which keeps out notes and audit reports that merely mention a statement.

Hands on the statements a question asks about (`asked_statements`, to `QueryAnalysis`) and which pages are
statements (`statement_kind`, to `rag.retrieve.passages.PageChunks`).
"""

from __future__ import annotations

import re

BALANCE, INCOME, CASH_FLOW = "balance sheet", "income statement", "cash flow statement"
EQUITY = "statement of equity"

_TITLE_RE = re.compile(
    r"^(condensed)?(consolidated)?(condensed)?(combined)?(?P<title>"
    r"balancesheets?|statements?of(consolidated)?financial(position|condition)"
    r"|statements?of(consolidated)?(operations|income|earnings)|incomestatements?|profitandlossaccount"
    r"|statements?of(consolidated)?comprehensive(income|loss)"
    r"|statements?of(consolidated)?cashflows?|cashflowstatements?"
    r"|statements?of(changesin)?(consolidated)?(stockholders|shareholders)?equity)"
)
_ANYWHERE_TITLE_RE = re.compile(_TITLE_RE.pattern[1:])
_FIGURE_RE = re.compile(r"\d[\d,]{2,}")  # 1,577 or 2018: the figures and years that fill a statement
MIN_FIGURES = 20
_TABLE_LINE_RE = re.compile(r"^Table(?: \(continued\))?:?\s*(.*?)(?:\s\(.*|\scolumns:.*)?$")
TITLE_LINES = 6  # a title sits among the first lines (after "Table of Contents", the company name, ...)
MAX_TITLE_CHARS = 90

# What a question names when it wants a statement: the statement itself (explicit), or one of its line items.
_EXPLICIT = {
    BALANCE: r"balance sheet|statements? of financial (position|condition)",
    INCOME: r"income statement|statements? of (income|operations|earnings)|\bp&l\b|profit and loss",
    CASH_FLOW: r"cash ?flow statement|statements? of cash ?flows?",
    EQUITY: r"statements? of (?:changes in )?(?:(?:stockholders|shareholders)['’]? )?equity",
}
_LINE_ITEMS = {
    BALANCE: r"total assets|total liabilit|current assets|current liabilit|\bpp&?n?e\b|property,? plant|goodwill"
             r"|(shareholders|stockholders)['’]? equity|common equity|working capital|inventor(y|ies)"
             r"|cash and cash equivalents|accounts (receivable|payable)|accru\w* liabilit|total debt|long-term debt"
             r"|retained earnings|\bliabilit(y|ies)\b",
    INCOME: r"revenue|net sales|total sales|gross (margin|profit)|operating (margin|income|profit)|net income"
            r"|net earnings|earnings per share|\beps\b|cost of (goods sold|sales|revenue)|sg&a|selling, general"
            r"|effective tax rate|\bebitda?\b|interest expense|restructuring|research and development expense",
    CASH_FLOW: r"cash ?flow|capital expenditure|\bcapex\b|operating activities|investing activities"
               r"|financing activities|dividends paid|depreciation and amortization",
}


def statement_kind(page_text: str, figures: int | None = None) -> str | None:
    """BALANCE, INCOME or CASH_FLOW when the page is that statement, else None.

    `page_text` needs only the top of the page when `figures`, the page's count of `count_figures`, is given.
    """
    lines = [_caption_of(line.strip()) for line in page_text.split("\n") if line.strip()][:TITLE_LINES]
    for at, line in enumerate(lines):
        if len(line) > MAX_TITLE_CHARS:
            continue
        following = lines[at + 1] if at + 1 < len(lines) else ""
        for candidate in (line, line + following):  # "CONSOLIDATED STATEMENTS OF" / "CASH FLOWS(in millions)"
            match = _TITLE_RE.match(_letters(candidate))
            if match:
                if (count_figures(page_text) if figures is None else figures) < MIN_FIGURES:
                    return None
                return _kind_of_title(match.group("title"))
    return None


def _caption_of(line: str) -> str:
    """A labelled table's opening line ("Table: Consolidated Statements of Cash Flows ($ in millions) columns: ...",
    rag.ingest.tables) as its caption; any other line as it is."""
    match = _TABLE_LINE_RE.match(line)
    return match.group(1).strip() if match else line


def count_figures(text: str) -> int:
    return len(_FIGURE_RE.findall(text))


def asked_statements(question: str) -> tuple[set[str], bool]:
    """The statements the question asks about, and whether it names one outright (not just a line item)."""
    text = question.casefold()
    explicit = {kind for kind, pattern in _EXPLICIT.items() if re.search(pattern, text)}
    if explicit:
        return explicit, True
    return {kind for kind, pattern in _LINE_ITEMS.items() if re.search(pattern, text)}, False


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.casefold())


def caption_statement(caption: str) -> str | None:
    """The statement a table's caption names ("Table: CONSOLIDATED STATEMENTS OF CASH FLOWS (amounts in millions)
    columns: ..." is the cash flow statement), or None for any other table."""
    title = _caption_of(caption.strip().split("\n")[0])
    if len(title) > MAX_TITLE_CHARS:  # a sentence that mentions a statement ("... reconciles to the statements of
        return None  # cash flows:") introduces another table
    match = _ANYWHERE_TITLE_RE.search(_letters(title))  # after the company's name
    return _kind_of_title(match.group("title")) if match else None


def _kind_of_title(title: str) -> str:
    if "equity" in title:
        return EQUITY
    if "cashflow" in title:
        return CASH_FLOW
    if "balance" in title or "financial" in title:
        return BALANCE
    return INCOME
