"""The table question sets (one figure as reported, over the FinanceBench filings): each loads cleanly and every
evidence page of a question prints one of its answer keys, so its gold values are the filings' own.

table_questions.jsonl: 10 filings, written in session 14. table_questions_2.jsonl: the two filings the first set left
out (Amazon 2017, Ulta Beauty's fiscal 2022 earnings release), written later and run once before any change; its
"fiscal 2023" questions ask for a year the release only gives an outlook for. table_questions_3.jsonl: 28 other
measures over the ten filings of the first set, written after the second set's fixes (measures and years chosen
before looking; values read from `pdftotext -layout` of the statement pages) and run once, held out."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.eval.metrics import contains_answer
from rag.eval.questions import load_questions
from tests.eval.test_eval_manu_questions import PdfPages, _shared_data

DATA = Path(__file__).parents[1] / "data"
SETS = {"table_questions.jsonl": (25, 4), "table_questions_2.jsonl": (24, 10),
        "table_questions_3.jsonl": (28, 4)}  # (cells, years not covered)


@pytest.fixture(scope="module", params=sorted(SETS))
def questions(request):
    questions, problems = load_questions(DATA / request.param)
    assert problems == []
    return request.param, questions


def test_question_file_shape(questions):
    name, questions = questions
    cells = [q for q in questions if q.answerable]
    uncovered = [q for q in questions if not q.answerable]
    assert (len(cells), len(uncovered)) == SETS[name]
    assert all(q.doc and q.evidence_pages and q.answer_keys for q in cells)
    assert len({q.id for q in questions}) == len(questions)


@pytest.mark.shared
def test_every_evidence_page_prints_an_answer_key(questions):
    _name, questions = questions
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
