"""The month a question asks about (rag.answer.months)."""

from __future__ import annotations

import pytest

from rag.answer.months import asked_months, names_month


@pytest.mark.parametrize("question, months", [
    ("What average price per share did 3M pay for the shares it purchased in May 2018?", {5}),
    ("What average price did Costco pay during the July 5 to August 1, 2021 period?", {7, 8}),
    ("In the November 2015 NICS report, how many checks did Missouri record?", {11}),
    ("What was Kerala's debt at end-March 1997?", set()),
    # a month that closes a longer period asks for no month
    ("What was revenue for the fiscal year ended May 31, 2021?", set()),
    ("What were total assets as of 30 June 2020?", set()),
    ("What was operating income for the quarter ended September 30, 2018?", set()),
    ("What was the face value of the Notes due August 22, 2027?", set()),
    ("How many shares may yet be purchased under the program?", set()),  # "may" the verb
])
def test_asked_months(question, months):
    assert asked_months(question) == months


def test_a_month_is_named_by_name_abbreviation_or_numeric_date():
    assert names_month("April 1 — April 30, 2021: 1,658,744; $130.82", {4})
    assert names_month("Sept. 2015 checks", {9})
    assert names_month("Effective: 09/30/2015", {9})
    assert not names_month("During 2021, we repurchased 1,358,000 shares at an average price of $364.39", {7, 8})
