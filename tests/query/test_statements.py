"""Recognising financial statement pages and the statement a question asks about (`rag.query.statements`)."""

from __future__ import annotations

import pytest

from rag.query.statements import (BALANCE, CASH_FLOW, EQUITY, INCOME, asked_statements, caption_statement,
                                  statement_kind)

FIGURES = "\n".join(f"Line item {i} $ {1000 + i * 37:,} $ {2000 + i * 41:,}" for i in range(25))


@pytest.mark.parametrize("title, kind", [
    ("CONSOLIDATED BALANCE SHEETS", BALANCE),
    ("Consolidated Balance Shee\nt", BALANCE),  # a title pypdf broke over two lines
    ("Consolidated Statements of Financial Position", BALANCE),
    ("CONSOLIDATED STATEMENTS OF\nOPERATIONS(in millions, except per share data)", INCOME),
    ("Consolidated Statements of Earnings", INCOME),
    ("Profit and loss account for the year ended March 31, 2003", INCOME),
    ("Consolidated Statement of Cash Flow\ns", CASH_FLOW),
    ("CASH FLOW STATEMENT FOR THE YEAR ENDED MARCH 31, 2003", CASH_FLOW),
    ("Condensed Consolidated Statements of Cash Flows", CASH_FLOW),
    ("CONSOLIDATED STATEMENTS OF STOCKHOLDERS’ EQUITY", EQUITY),
    ("Consolidated Statement of Changes in Equity", EQUITY),
])
def test_a_statement_title_over_a_page_of_figures_is_that_statement(title, kind):
    assert statement_kind(f"Table of Contents\nACME CORP.\n{title}\n(Dollars in millions)\n{FIGURES}") == kind


def test_pages_that_only_mention_a_statement_are_not_statements():
    prose = "This data should be read with our Consolidated Statements of Cash Flows. " * 5
    assert statement_kind(f"Table of Contents\nLIQUIDITY\n{prose}\n{FIGURES}") is None  # not a title line
    assert statement_kind("Table of Contents\nCONSOLIDATED BALANCE SHEETS\nTotal assets 1,234 1,100") is None  # no figures
    assert statement_kind(f"Report of Independent Registered Public Accounting Firm\nWe audited the balance sheets"
                          f"\n{'word ' * 50}\n" * 8 + "\nCONSOLIDATED BALANCE SHEETS\n" + FIGURES) is None  # title too far down


@pytest.mark.parametrize("question, kinds, explicit", [
    ("What is the year end FY2018 net PPNE for 3M, using the balance sheet?", {BALANCE}, True),
    ("Using the cash flow statement, what was FY2018 capital expenditure?", {CASH_FLOW}, True),
    ("Calculate it from the line items of the statement of income.", {INCOME}, True),
    ("What is total current assets in FY2023 for Bestbuy?", {BALANCE}, False),
    ("What is the FY2018 capital expenditure amount for 3M?", {CASH_FLOW}, False),
    ("What was Amazon's revenue growth in 2017?", {INCOME}, False),
    ("Is Boeing's business subject to cyclicality?", set(), False),
    ("In Costco's consolidated statements of equity, what was stock-based compensation?", {EQUITY}, True),
])
def test_questions_name_statements_or_their_line_items(question, kinds, explicit):
    assert asked_statements(question) == (kinds, explicit)


def test_a_table_caption_names_its_statement():
    assert caption_statement("Table: COSTCO WHOLESALE CORPORATION CONSOLIDATED STATEMENTS OF EQUITY (amounts in "
                             "millions) columns: Shares | Amount") == EQUITY  # after the company's name
    assert caption_statement("Table: CONSOLIDATED STATEMENTS OF CASH FLOWS, COSTCO WHOLESALE CORPORATION (amounts "
                             "in millions) columns: 52 Weeks Ended August 29, 2021") == CASH_FLOW
    assert caption_statement("Table: Summary of Stock-Based Compensation columns: 2021 | 2020") is None
    assert caption_statement("Table: The following table reconciles net income to the amounts in our consolidated "
                             "statements of cash flows: columns: 2021") is None  # a note's table mentioning one
