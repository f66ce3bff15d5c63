"""Grounding: figures, dates and names of an answer looked up in the passages it was given."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from rag.answer.grounding import answer_claims, check_grounding, dates, figures, names


@dataclass
class Passage:
    number: int
    file: str
    page: int
    text: str


PASSAGES = [
    Passage(1, "manu.pdf", 53, "Under the agreement, the minimum guarantee payable by adidas is equal to £750 million,"
                               " subject to certain adjustments.\nThe agreement was signed on 14 July 2014 by Ed "
                               "Woodward of Manchester United."),
    Passage(2, "manu.pdf", 54, "Revenue rose 7.46% to £583.2 million in the year ended 30 June 2022. Goalkeeper "
                               "DaviddeGea renewed his contract."),
]
QUESTION = "How much is the minimum guarantee payable by adidas?"


@pytest.mark.parametrize("answer", ["The minimum guarantee payable by adidas is £750 million [1].", "It is £750m.",
                                    "750,000,000 pounds", "£0.75bn", "£750 million, page 53"])
def test_the_same_figure_written_differently_is_found_with_its_sentence_and_page(answer):
    grounding = check_grounding(answer, PASSAGES, QUESTION)
    assert grounding.grounded is True
    assert grounding.evidence[0].page == 53 and "£750 million" in grounding.evidence[0].sentence


@pytest.mark.parametrize("answer, missing", [
    ("The minimum guarantee is £900 million [1].", "£900 million"),
    ("It is £750 billion.", "£750 billion"),
    ("Revenue was £5.8 billion.", "£5.8 billion"),
    ("The deal was signed by John Smith of Nike.", "John Smith of Nike"),
    ("It was signed on 15 July 2014.", "15 July 2014"),
])
def test_a_figure_date_or_name_in_no_passage_is_not_grounded(answer, missing):
    grounding = check_grounding(answer, PASSAGES, QUESTION)
    assert grounding.grounded is False
    assert grounding.missing == [missing]
    assert grounding.to_dict()["grounded"] is False and grounding.to_dict()["missing"] == [missing]


@pytest.mark.parametrize("answer", [
    "Revenue grew 7.5% in the year to June 30, 2022 (page 54).",  # rounding, another date order
    "It was signed on July 14, 2014 by Ed Woodward for Manchester United.",
    "David de Gea renewed his contract.",  # pypdf dropped the spaces in the passage
    "Revenue was about £583 million.",
])
def test_rounded_figures_reordered_dates_and_squeezed_names_are_found(answer):
    assert check_grounding(answer, PASSAGES, QUESTION).grounded is True


def test_an_answer_with_nothing_to_check_is_neither_grounded_nor_not():
    grounding = check_grounding("Yes, the minimum guarantee is subject to certain adjustments.", PASSAGES, QUESTION)
    assert grounding.grounded is None and grounding.claims == []
    assert grounding.evidence and grounding.evidence[0].page == 53


def test_citations_page_references_and_what_the_question_says_are_not_claims():
    claims = answer_claims("Adidas pays it [1] (page 53). In 2014 adidas signed with Manchester United.",
                           "What did adidas sign in 2014?")
    assert [(c.kind, c.text) for c in claims] == [("name", "Manchester United")]


def test_the_parsers():
    assert [(w, f.scaled) for w, f, _ in figures("£750m and 12.5% and $1.2 billion and 3 m")][:3] == [
        ("£750m", 750_000_000), ("12.5%", 12.5), ("$1.2 billion", 1_200_000_000)]
    assert [d for _, d, _ in dates("on 30 June 2022, June 30, 2022, 2022-06-30 and June 2022")] == [
        (2022, 6, 30), (2022, 6, 30), (2022, 6, 30), (2022, 6, None)]
    assert [n for n, _ in names("The club signed Ed Woodward and LLaVA beat GPT-4 at the Bank of England.")] == [
        "Ed Woodward", "LLaVA", "GPT-4", "Bank of England"]


def test_a_columns_thousands_mark_is_no_figure_of_the_answer():
    from rag.answer.grounding import answer_claims

    claims = answer_claims("Cash and cash equivalents, 2022 £’000: 121,223 [4].", "What was cash at 30 June 2022?")
    assert [claim.text for claim in claims] == ["121,223"]


def test_dates_written_with_slashes_or_in_chinese_and_japanese():
    from rag.answer.grounding import dates

    assert [d for _, d, _ in dates("Effective: 01/18/2015; received 18/01/2015")] == [(2015, 1, 18), (2015, 1, 18)]
    assert [d for _, d, _ in dates("公司股票于2018年4月10日复牌，截至２０２３年３月末")] == [(2018, 4, 10), (2023, 3, None)]
    assert dates("ratio 13/45/2015") == []  # no month 45


def test_a_version_or_section_number_holds_no_figure():
    from rag.answer.grounding import figures

    assert figures("see section 10.5.3 of version 1.2.3") == []  # not "1" nor "10.5"
    assert [raw for raw, _figure, _span in figures("12.5% of 1,234.5 million")] == ["12.5%", "1,234.5 million"]
