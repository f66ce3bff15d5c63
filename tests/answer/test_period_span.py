"""A quarter's figure or a year's: what the question asks and what a sentence or caption states."""

from __future__ import annotations

import pytest

from rag.answer.period_span import QUARTER, YEAR, asked_span, claim_span, other_span, span
from rag.answer.verdict import CONTRADICTED, VERIFIED
from rag.answer.verify import verify
from tests.answer.test_verify import P

RELEASE = ("Net income increased 17.8% to $340.8 million compared to $289.4 million in the fourth quarter of fiscal "
           "2021. For the Full Year of Fiscal 2022 Net sales increased 18.3% to $10.2 billion compared to $8.6 "
           "billion in fiscal 2021.")


@pytest.mark.parametrize("question, expected", [
    ("What were Ulta Beauty's net sales in the fourth quarter of fiscal 2022?", QUARTER),
    ("What was Q3 2021 revenue?", QUARTER),
    ("What were net sales in fiscal 2022?", YEAR),
    ("What was revenue for the six months ended June 30, 2022?", None),
    ("What was revenue in the first half of 2022?", None),
])
def test_the_asked_span(question, expected):
    assert asked_span(question) == expected


def test_spans_of_captions_and_sentences():
    assert span("Consolidated Statements of Income (13 Weeks Ended, In thousands)") == QUARTER
    assert span("Consolidated Statements of Income (52 Weeks Ended, In thousands)") == YEAR
    assert span("Three Months Ended | Fiscal Year Ended") is None  # both
    assert span("Consolidated Balance Sheets (In thousands)") is None
    assert claim_span(RELEASE, RELEASE.index("$340.8")) == QUARTER  # named after the figure, same sentence
    assert claim_span(RELEASE, RELEASE.index("$10.2")) == YEAR  # the nearest mention before it
    text = "In the fourth quarter of the fiscal year ended January 28, 2023, net sales were $3.2 billion."
    assert claim_span(text, text.index("$3.2")) == QUARTER
    assert claim_span("Net sales were $3.2 billion.", 15) is None
    assert other_span(YEAR, "What were net sales in the fourth quarter?")
    assert not other_span(None, "What were net sales in the fourth quarter?")


def test_a_full_years_figure_is_not_a_quarters_and_the_other_way_round():
    passages = [P(1, "ULTA.pdf", 2, RELEASE)]
    quarter = verify("Net sales were $10.2 billion.", passages,
                     "What were Ulta Beauty's net sales in the fourth quarter of fiscal 2022?")
    assert quarter.verdict == CONTRADICTED and "for the full year, not a quarter" in quarter.reason
    assert verify("Net sales were $10.2 billion.", passages,
                  "What were Ulta Beauty's net sales in fiscal 2022?").verdict == VERIFIED
    year = verify("Net income was $340.8 million.", passages, "What was Ulta Beauty's net income in fiscal 2022?")
    assert year.verdict == CONTRADICTED and "for a quarter, not the full year" in year.reason


def test_a_quarters_table_row_does_not_verify_the_years_figure():
    quarter_table = ("Table: Consolidated Statements of Income (13 Weeks Ended, In thousands) columns: January 28, "
                     "2023 (fiscal 2022) | January 29, 2022 (fiscal 2021)\nNet income: January 28, 2023 (fiscal "
                     "2022): $340,751 thousand; January 29, 2022 (fiscal 2021): $289,366 thousand")
    passages = [P(1, "ULTA.pdf", 5, quarter_table)]
    assert verify("$340,751 thousand", passages, "What was net income in fiscal 2022?").verdict != VERIFIED
    assert verify("$340,751 thousand", passages,
                  "What was net income in the fourth quarter of fiscal 2022?").verdict == VERIFIED
