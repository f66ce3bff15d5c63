"""The kind of value a question asks for: a contact detail, or an amount rather than a share."""

from __future__ import annotations

import pytest

from rag.answer.asked_kind import missing_kind
from rag.answer.binding import bound_elsewhere
from rag.answer.grounding import answer_claims, figures


def _missing(question: str, answer: str) -> str | None:
    return missing_kind(question, answer, answer_claims(answer, question))


@pytest.mark.parametrize("question, answer, missing", [
    ("What is the telephone no for The Limes?", "The Limes has no telephone numbers.", "a telephone or fax number"),
    ("What is the telephone no for The Limes?", "Tel: 01983 873655.", None),
    ("What is the e-mail address of the helpdesk?", "Write to help@example.org.", None),
    ("What was 2022 broadcasting revenue?", "36.8% of total revenue.", "an amount, not only a percentage"),
    ("What was 2022 broadcasting revenue?", "£214.9 million, 36.8% of total revenue.", None),
    ("How much did revenue grow in 2022?", "12%.", None),
    ("What percentage of sales came from Europe?", "41%.", None),
    ("What was the gross margin in 2021?", "38.2%.", None),
    ("What score did the model get on MMLU?", "73.2%.", None),  # not an amount of money
    ("What was Netflix's effective tax rate in 2014?", "It was due to the $38.6 million release of tax reserves.",
     "a percentage or ratio, not an amount of money"),
    ("What was Netflix's effective tax rate in 2014?", "24%.", None),
    ("What hourly labor rate is used to estimate the cost?", "$85 per hour.", None),  # a rate in money
    ("What percentage of revenue came from Japan?", "$1.2 billion, or 12%.", None),
    ("What was Manchester United's broadcasting revenue in fiscal 2022?",
     "It was derived from the rights to the Premier League and the Champions League.", "an amount"),
    ("What was Manchester United's broadcasting revenue in fiscal 2022?", "£214.9 million.", None),
    ("What were the main sources of revenue?", "Broadcasting and commercial.", None),  # not an amount
    ("What is the revenue recognition policy?", "Revenue is recognised when a match is played.", None),
    ("How much did Costco spend on repurchasing common stock in FY2021?",
     "Repurchases of common stock, Common Stock Shares: (1,358 thousand) [1].", "an amount of money, not a count"),
    ("How much did Costco spend on repurchasing common stock in FY2021?", "Costco spent $495 million on 1,358 "
     "thousand shares.", None),
    ("How much did Costco spend on repurchasing common stock in FY2021?", "It spent 495 million.", None),
])
def test_missing_kind(question, answer, missing):
    assert _missing(question, answer) == missing


def test_a_clause_without_its_own_qualifier_is_bound_to_nothing_else():
    claimed = figures("£494.1 million")[0][1]
    text = "Revenue was £583.2 million in 2022, up from £494.1 million in 2021."
    assert bound_elsewhere(text, claimed, {"revenue"}) is None
    europe = "Sales in Europe were $5 million and sales in Asia were $3 million."
    other = bound_elsewhere(europe, figures("$5 million")[0][1], {"sales", "asia"})
    assert other is not None and other.value == "$3 million" and other.words == ["asia"]
    assert bound_elsewhere(europe, figures("$3 million")[0][1], {"sales", "asia"}) is None
