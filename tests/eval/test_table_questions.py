"""The table question set (one figure as reported, over the FinanceBench filings): it loads cleanly and every evidence
page of a question prints one of its answer keys, so its gold values are the filings' own."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.eval.metrics import contains_answer
from rag.eval.questions import load_questions
from tests.eval.test_eval_manu_questions import PdfPages, _shared_data

QUESTIONS = Path(__file__).parents[1] / "data" / "table_questions.jsonl"


@pytest.fixture(scope="module")
def questions():
    questions, problems = load_questions(QUESTIONS)
    assert problems == []
    return questions


def test_question_file_shape(questions):
    cells = [q for q in questions if q.answerable]
    uncovered = [q for q in questions if not q.answerable]
    assert len(cells) >= 25 and len(uncovered) >= 4
    assert all(q.doc and q.evidence_pages and q.answer_keys for q in cells)
    assert len({q.id for q in questions}) == len(questions)


@pytest.mark.shared
def test_every_evidence_page_prints_an_answer_key(questions):
    folder = _shared_data() / "financebench" / "pdfs"
    if not folder.is_dir():
        pytest.skip(f"{folder} not available (set DOCQA_SHARED_DATA)")
    files: dict[str, PdfPages] = {}
    failures = []
    for question in questions:
        pages = files.setdefault(question.doc, PdfPages(folder / question.doc))
        for page in question.evidence_pages:
            text = " ".join(pages.text(page).split())
            if not any(contains_answer(text, key) for key in question.answer_keys):
                failures.append((question.id, page))
    assert failures == []
