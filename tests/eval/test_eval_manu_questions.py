"""The hand-written Manchester United 20-F question file: it loads cleanly and its evidence pages hold the answers."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from rag.eval.metrics import contains_answer
from rag.eval.questions import load_questions

QUESTIONS = Path(__file__).parents[1] / "data" / "manu_20f_questions.jsonl"
DOC = "manu-20f-2022-09-24.pdf"


def _shared_data() -> Path:
    return Path(os.environ.get("DOCQA_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))


@pytest.fixture(scope="module")
def questions():
    questions, problems = load_questions(QUESTIONS)
    assert problems == []
    return questions


class PdfPages:
    """Lazily extracted text of 1-based pages, so the test reads only the evidence pages."""

    def __init__(self, pdf: Path):
        from pypdf import PdfReader

        self.reader = PdfReader(pdf)
        self.count = len(self.reader.pages)
        self._texts: dict[int, str] = {}

    def text(self, page: int) -> str:
        if page not in self._texts:
            self._texts[page] = self.reader.pages[page - 1].extract_text() or ""
        return self._texts[page]


@pytest.fixture(scope="module")
def pages():
    pdf = _shared_data() / DOC
    if not pdf.exists():
        pytest.skip(f"{pdf} not available (set DOCQA_SHARED_DATA)")
    return PdfPages(pdf)


def test_question_file_shape(questions):
    answerable = [q for q in questions if q.answerable]
    unanswerable = [q for q in questions if not q.answerable]
    assert len(questions) >= 25
    assert 3 <= len(unanswerable) <= 5
    assert all(q.doc == DOC and q.id and q.category for q in questions)
    assert all(q.evidence_pages and q.answer_keys for q in answerable)
    assert all(not q.evidence_pages and q.answer == "Not answerable" for q in unanswerable)
    assert len(Counter(q.id for q in questions)) == len(questions)


def test_adidas_minimum_guarantee_is_included(questions):
    adidas = [q for q in questions if "adidas" in q.question and "minimum guarantee" in q.question]
    assert len(adidas) == 1
    assert {53, 54} <= set(adidas[0].evidence_pages)
    assert contains_answer("£750m", adidas[0].answer_keys[0])


@pytest.mark.shared
def test_every_evidence_page_holds_an_answer_key(questions, pages):
    failures = []
    for question in questions:
        for page in question.evidence_pages:
            assert 1 <= page <= pages.count, (question.id, page)
            if not any(contains_answer(pages.text(page), key) for key in question.answer_keys):
                failures.append((question.id, page))
    assert failures == []
