"""Pages a question names, and which pages of a file they may mean."""

from __future__ import annotations

import pytest

from rag.query.page_refs import LAST, named_pages, pages_meant


@pytest.mark.parametrize("question, pages", [
    ("Format the date mentioned on page 14 as YYYY-MM-DD.", [14]),
    ("What is INF SERCRL LLP FAX No on page fourteen?", [14]),
    ("What are the words in the first rectangle on the top of the page two?", [2]),
    ("What is the name of the governor as mentioned on the first page of the document?", [1]),
    ("Who signed on the last page?", [LAST]),
    ("What does the 3rd page say, and p. 7?", [3, 7]),
    ("How many examples are in the figure at the bottom of page 6985?", [6985]),
    ("What share of revenue came from page 10% sponsors?", []),
    ("What was the first quarter's revenue?", []),
])
def test_named_pages(question, pages):
    assert named_pages(question) == pages


def test_a_page_number_may_mean_the_pdf_page_or_the_printed_one():
    labels = {"6984": [4], "6985": [5], "28": [29]}
    assert pages_meant(6985, 14, labels) == {5}
    assert pages_meant(28, 40, labels) == {28, 29}
    assert pages_meant(41, 40, labels) == set()
    assert pages_meant(LAST, 40, labels) == {40}
