"""The table question sets (one figure as reported, over the FinanceBench filings): each loads cleanly and every
evidence page of a question prints one of its answer keys, so its gold values are the filings' own.

table_questions.jsonl: 10 filings, written in session 14. table_questions_2.jsonl: the two filings the first set left
out (Amazon 2017, Ulta Beauty's fiscal 2022 earnings release), written later and run once before any change; its
"fiscal 2023" questions ask for a year the release only gives an outlook for. table_questions_3.jsonl: 28 other
measures over the ten filings of the first set, written after the second set's fixes (measures and years chosen
before looking; values read from `pdftotext -layout` of the statement pages) and run once, held out.
table_questions_4.jsonl: other kinds of documents (the 20-F, messy and MMLongBench folders).
table_questions_5.jsonl: 16 documents of the ICDAR 2013 Table Competition (tests/data/icdar2013).
table_questions_6.jsonl: 16 test PDFs of the camelot project (tests/data/camelot), written by a helper from the PDFs
alone and run once before any change. table_questions_7.jsonl: tables other than the main statements' headline rows
over the FinanceBench filings, the 20-F and the CVS 10-K (`folder`: financebench, data, messy), written by a helper
from the documents alone and run once before any change. table_questions_8.jsonl: one cell on each of 30 table pages
of the FinanceBench filings drawn at random (seeded) from the pages no earlier set used, and 6 questions whose year or
breakdown the filing never states (checked over its whole text), written in session 23 and run once before any
change. table_questions_9.jsonl and table_questions_10.jsonl: the same way over the FinanceBench filings, messy and
MMLongBench PDFs (`folder`), written by helpers that read only the documents (set 10 on 7 December, pages drawn with
seed 10 among the table pages no earlier set used) and run once before any change. table_questions_11.jsonl: the same
again with seed 11 (session 27), run once on the code it was written against before any change;
table_questions_12.jsonl: seed 12 (session 29), likewise; table_questions_13.jsonl: seed 13 (session 30), likewise;
table_questions_14.jsonl: seed 14 (session 31), likewise."""

from __future__ import annotations

import json

from pathlib import Path

import pytest

from rag.eval.metrics import contains_answer
from rag.eval.questions import load_questions
from tests.eval.test_eval_manu_questions import PdfPages, _shared_data

DATA = Path(__file__).parents[1] / "data"
SETS = {"table_questions.jsonl": (25, 4), "table_questions_2.jsonl": (24, 10),
        "table_questions_3.jsonl": (28, 4), "table_questions_4.jsonl": (30, 4),
        "table_questions_5.jsonl": (31, 5), "table_questions_6.jsonl": (30, 6),
        "table_questions_7.jsonl": (30, 6), "table_questions_8.jsonl": (30, 6),
        "table_questions_9.jsonl": (30, 6), "table_questions_10.jsonl": (30, 6),
        "table_questions_11.jsonl": (30, 6), "table_questions_12.jsonl": (30, 6),
        "table_questions_13.jsonl": (30, 6), "table_questions_14.jsonl": (30, 6)}  # (cells, not covered)
FINANCEBENCH_SETS = ("table_questions.jsonl", "table_questions_2.jsonl", "table_questions_3.jsonl",
                     "table_questions_8.jsonl")


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


def _keys_not_printed(questions, folder: Path) -> list[tuple[str, int]]:
    files: dict[str, PdfPages] = {}
    failures = []
    for question in questions:
        pages = files.setdefault(question.doc, PdfPages(folder / question.doc))
        for page in question.evidence_pages:
            text = " ".join(pages.text(page).split())
            if not any(contains_answer(text, key) for key in question.answer_keys):
                failures.append((question.id, page))
    return failures


@pytest.mark.shared
def test_every_evidence_page_prints_an_answer_key(questions):
    name, questions = questions
    folder = _shared_data() / "financebench" / "pdfs"
    if name not in FINANCEBENCH_SETS:
        pytest.skip(f"{name}: its documents are in other folders")
    if not folder.is_dir():
        pytest.skip(f"{folder} not available (set DOCQA_SHARED_DATA)")
    assert _keys_not_printed(questions, folder) == []


@pytest.mark.shared
@pytest.mark.parametrize("name", ["table_questions_9.jsonl", "table_questions_10.jsonl", "table_questions_11.jsonl",
                                  "table_questions_12.jsonl", "table_questions_13.jsonl",
                                  "table_questions_14.jsonl"])
def test_sets_9_to_14s_evidence_pages_print_an_answer_key(name):
    """Sets 9 to 14 ask of several folders: the FinanceBench filings, messy PDFs and (sets 10-14) MMLongBench reports
    (their `folder` field)."""
    rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
    questions, _ = load_questions(DATA / name)
    shared = _shared_data()
    folders = {"financebench": shared / "financebench" / "pdfs", "messy": shared / "messy",
               "mmlongbench": shared / "mmlongbench" / "pdfs"}
    if not all(folder.is_dir() for folder in folders.values()):
        pytest.skip("../shared/data not available (set DOCQA_SHARED_DATA)")
    for folder_name, folder in folders.items():
        ids = {row["id"] for row in rows if row["folder"] == folder_name}
        assert _keys_not_printed([q for q in questions if q.id in ids], folder) == []


@pytest.mark.parametrize("name, folder", [("table_questions_5.jsonl", "icdar2013"),
                                          ("table_questions_6.jsonl", "camelot")])
def test_the_committed_sets_evidence_pages_print_an_answer_key(name, folder):
    """Sets 5 and 6 have their documents committed (tests/data/<folder>/pdfs): their gold values are checked without
    shared data."""
    questions, _ = load_questions(DATA / name)
    glued = {"tables6-30"}  # "24.91" with a superscript footnote mark "2" that the text layer prints as "24.912"
    cells = [q for q in questions if q.answerable and q.id not in glued]
    assert _keys_not_printed(cells, DATA / folder / "pdfs") == []


@pytest.mark.shared
def test_set_7s_evidence_pages_print_an_answer_key():
    """Set 7 spans three folders of the shared data: the FinanceBench filings, the 20-F (at the top of the shared
    data, `data/` in a checkout) and the CVS 10-K in messy/."""
    questions, _ = load_questions(DATA / "table_questions_7.jsonl")
    shared = _shared_data()
    folders = {"financebench": shared / "financebench" / "pdfs", "data": shared, "messy": shared / "messy"}
    if not all(folder.is_dir() for folder in folders.values()):
        pytest.skip(f"{shared} not available (set DOCQA_SHARED_DATA)")
    failures, checked = [], 0
    for name, folder in folders.items():
        cells = [q for q in questions if q.answerable and q.extra.get("folder") == name]
        failures += _keys_not_printed(cells, folder)
        checked += len(cells)
    assert failures == [] and checked == 30
