"""The abstention check: near-miss numbers, acronyms the passages never mention, questions about how pages look."""

from __future__ import annotations

from langchain_core.documents import Document

from rag.answerability import acronyms, asks_about_appearance, judge


def chunk(text: str, source: str = "a.pdf", score: float = 0.5) -> Document:
    return Document(page_content=text, metadata={"source": source, "page": 1, "chunk": 0, "score": score})


PLAN = [chunk("Florida Department of Health. Revised May 2016. Strategic priorities.", "plan.pdf")]
PAPER = [chunk("Step-Back prompting with PaLM-2L reaches 73.2% on MMLU Physics; GPT-4 reaches 70.3%.", "stepback.pdf")]


def test_a_question_about_a_year_the_passages_lack_is_refused_with_the_year():
    assert judge("Who produced the document that was revised on May 2016?", PLAN, 0.3, 0.0).passages == PLAN
    verdict = judge("Who produced the document that was revised on May 2018?", PLAN, 0.3, 0.0)
    assert verdict.passages == [] and verdict.reason == 'the passages found never mention "2018"'
    assert judge("Who produced the document that was revised on May 2018?", PLAN, 0.3, 1.0).passages == PLAN


def test_nothing_close_enough_is_refused():
    verdict = judge("Anything?", [chunk("x", score=0.1)], 0.3, 1.0)
    assert verdict.passages == [] and "close enough" in verdict.reason


def test_an_acronym_or_unusual_name_the_passages_never_mention_is_refused():
    assert judge("What score did PaLM-2L + Step-Back achieve in MMLU Physics?", PAPER, 0.3, 0.5).passages == PAPER
    verdict = judge("What score did LLaVa + Step-Back achieve in MMLU Physics?", PAPER, 0.3, 0.5)
    assert verdict.passages == [] and verdict.reason == 'the passages found never mention "LLaVa"'
    assert judge("How many people are in the HAQ Executive Leadership?", PLAN, 0.3, 0.5).reason == \
        'the passages found never mention "HAQ"'


def test_common_abbreviations_file_names_and_shouted_questions_are_not_names():
    assert acronyms("What is the FY2018 EBITDA (in USD millions) and R&D of 3M, per PP&E?") == []
    assert acronyms("what is roa for ADBE in FY2015?", ignore={"adbe"}) == []
    assert acronyms("WHAT IS THE 2nd OBJECTIVE OF REGULATORY EFFICIENCY?") == []
    assert acronyms("How does GPT-4o compare with LLaVa and SituatedQA?") == ["GPT-4o", "LLaVa", "SituatedQA"]
    page = [chunk("Advertising expenses were $714.3 million in 2015.", "NETFLIX_2015_10K.pdf")]
    assert judge("what is advertsing expense of Neflix in FY 2015? Answer in USD", page, 0.3, 0.5).passages == page
    assert judge("what is advertsing expense of Neflix in FY 2016?", page, 0.3, 0.5).passages == []


def test_questions_about_colours_fonts_and_logos_are_refused_when_asked_to():
    assert asks_about_appearance("What are the top2 texts of the yellow words in the document?")
    assert asks_about_appearance("what is the texts of the underlined italic words in page 2?")
    assert not asks_about_appearance("What was Manchester United's total revenue in fiscal 2022?")
    question = "What are the names with grey background in Florida Department of Health's plan?"
    assert judge(question, PLAN, 0.3, 0.5).passages == PLAN
    verdict = judge(question, PLAN, 0.3, 0.5, refuse_appearance=True)
    assert verdict.passages == [] and "colours, fonts, logos" in verdict.reason
