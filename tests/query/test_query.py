"""What a question asks: the files it names, its key terms, and the `QueryAnalysis` that computes them once."""

from __future__ import annotations

import pytest

from rag.query import page_refs
from rag.query.analysis import QueryAnalysis, analysed
from rag.query.names import DocumentNames
from rag.query.terms import key_terms

FINANCE_FILES = ["BESTBUY_2023_10K.pdf", "NETFLIX_2015_10K.pdf", "COSTCO_2021_10K.pdf", "3M_2018_10K.pdf",
                 "BOEING_2022_10K.pdf", "2023.acl-long.386.pdf", "STEPBACK.pdf", "379f44022bb27aa53efd5d322c7b57bf.pdf"]


# ---------------------------------------------------------------- files named in a question


@pytest.mark.parametrize("question, expected", [
    ("How many Domestic stores does Best Buy have in fiscal 2023?", {"BESTBUY_2023_10K.pdf"}),
    ("what is total current assets in FY2023 for Bestbuy?", {"BESTBUY_2023_10K.pdf"}),
    ("what is advertsing expense of Neflix in FY 2015?", {"NETFLIX_2015_10K.pdf"}),
    ("What is common equity for COSTCO in FY2021?", {"COSTCO_2021_10K.pdf"}),
    ("What is the FY2018 capital expenditure amount for 3M?", {"3M_2018_10K.pdf"}),
    ("What score did PaLM-2L + Step-Back achieve in MMLU Physics?", {"STEPBACK.pdf"}),
    ("Being a retailer, how long are 10K filings?", set()),
    ("what is EBITDA for costco in FY2021?", {"COSTCO_2021_10K.pdf"}),
    ("What is the revenue of the company?", set()),
])
def test_questions_naming_a_file_find_it(question, expected):
    files, _words = DocumentNames(FINANCE_FILES).named_in(question)
    assert files == expected


# ---------------------------------------------------------------- the terms a question names


def test_key_terms_are_years_names_and_figures():
    assert key_terms("Who produced the document that was revised on May 2016?") == [("may",), ("2016",)]
    assert key_terms("What score did LLaVa + Step-Back achieve in MMLU Physics?") == \
        [("llava",), ("step",), ("back",), ("mmlu",), ("physic",)]
    assert key_terms("What were FY2018 sales of 1,577 units? Round your answer.") == [("fy2018", "2018"), ("1577",)]
    assert key_terms("What did Netflix earn?", ignore={"netflix"}) == []


# ---------------------------------------------------------------- the analysis


def test_the_analysis_reads_files_pages_statements_contacts_and_terms():
    asked = QueryAnalysis("What is the telephone number on page 3 of the Best Buy balance sheet in FY2023?",
                          names=DocumentNames(FINANCE_FILES))
    assert asked.named_files == {"BESTBUY_2023_10K.pdf"}
    assert asked.file_names[1] == {"best", "buy"}
    assert asked.pages == [3]
    assert asked.statements == ({"balance sheet"}, True)
    assert asked.contacts == {"telephone or fax number"}
    assert ("fy2023", "2023") in asked.key_terms()
    assert not asked.mostly_cjk and "telephone" in asked.search_tokens
    assert QueryAnalysis("What is on the last page?").pages == [page_refs.LAST]


def test_without_the_index_names_a_question_names_no_file():
    assert QueryAnalysis("What did Best Buy earn?").named_files == set()


def test_a_name_only_one_file_holds_names_that_file():
    holders = {"adbe": {"ADOBE.pdf"}, "revenue": {"ADOBE.pdf", "OTHER.pdf"}}
    asked = QueryAnalysis("What was ADBE revenue?", names=DocumentNames(["ADOBE.pdf", "OTHER.pdf"]),
                          files_with=lambda tokens: set().union(*(holders.get(token, set()) for token in tokens)))
    assert asked.named_files == {"ADOBE.pdf"}


def test_each_part_is_computed_once_and_kept(monkeypatch):
    from rag.query import terms

    calls = []
    real = terms.key_terms
    monkeypatch.setattr(terms, "key_terms", lambda question, ignore=(): calls.append(ignore) or real(question, ignore))
    asked = QueryAnalysis("Who produced the document that was revised on May 2016?")
    assert asked.key_terms({"may"}) == [("2016",)] and asked.key_terms({"may"}) == [("2016",)]
    assert asked.key_terms() == [("may",), ("2016",)]
    assert len(calls) == 2  # once per set of words left out
    assert asked.contacts is asked.contacts and asked.pages is asked.pages
    assert analysed(asked) is asked and analysed("a question").question == "a question"


def test_words_naming_the_passages_files_are_found_per_set_of_files():
    asked = QueryAnalysis("What did Netflix earn in 2015?")
    assert asked.words_naming(["NETFLIX_2015_10K.pdf", "NETFLIX_2015_10K.pdf"]) == {"netflix"}
    assert asked.words_naming(["COSTCO_2021_10K.pdf"]) == set()
