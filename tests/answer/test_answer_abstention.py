"""The reader's own "the documents do not say" answers are recognised; answers are not."""

from __future__ import annotations

import pytest

from rag.answer.abstention import reader_abstained

ABSTAINS = [
    "The documents do not say.",
    "The documents do not say. [1]",
    "I don't know.",
    "I do not know the answer.",
    "This is not mentioned in the passages.",
    "The answer is not mentioned in the provided documents.",
    "The passages do not contain the revenue figure [2].",
    "The provided context does not specify the number of employees.",
    "There is no information about the chief executive in the documents.",
    "It does not say.",
    "Not mentioned.",
    "The information cannot be determined from the passages.",
    "I'm unable to find that in the passages.",
    "None of the passages mention a dividend.",
]
ANSWERS = [
    "The minimum guarantee payable by adidas is £750 million [1].",
    "Revenue was £5m [1]. The documents do not say how it split between regions.",
    "The report does not show a loss in 2022; profit was £12m.",
    "No. The company did not pay a dividend in 2022 [2].",
    "1,234 people [1].",
    "",
]


@pytest.mark.parametrize("text", ABSTAINS)
def test_an_abstention_is_recognised(text):
    assert reader_abstained(text)


@pytest.mark.parametrize("text", ANSWERS)
def test_an_answer_is_not_an_abstention(text):
    assert not reader_abstained(text)
