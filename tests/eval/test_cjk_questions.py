"""The Chinese/Japanese question sets (docs/cjk.md): each loads cleanly, and every evidence page of a question prints
one of its answer keys, so the gold values are the documents' own. cjk_questions.jsonl asks of the three CJK PDFs of
../shared/data/messy and the generated Japanese report; cjk_questions_2.jsonl (held out, written from the documents
alone) also of two excerpts of the Debian Reference in Japanese and Chinese (tests/data/cjk, GPL-2+, SOURCES.md);
cjk_questions_3.jsonl (held out the same way) of two other excerpts (Japanese, Traditional Chinese) and two generated
documents (a Chinese quarterly report in 万元, a Japanese city budget in 千円/百万円); cjk_questions_4.jsonl (held out
the same way) of two more excerpts (Japanese chapter 11, Simplified Chinese chapter 9) and two generated documents
(a Chinese statistics bulletin, a Japanese 決算短信); cjk_questions_5.jsonl (held out the same way, session 31) of two
more (Japanese chapter 12, Traditional Chinese chapters 7-8) and two generated documents (a Chinese annual-report
summary, a Japanese 有価証券報告書 excerpt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.eval.metrics import contains_answer
from rag.eval.questions import load_questions
from tests.eval.test_eval_manu_questions import PdfPages, _shared_data

DATA = Path(__file__).parents[1] / "data"
SETS = {"cjk_questions.jsonl": (36, 0), "cjk_questions_2.jsonl": (26, 5), "cjk_questions_3.jsonl": (30, 5),
        "cjk_questions_4.jsonl": (30, 5), "cjk_questions_5.jsonl": (30, 5)}  # (answerable, not)
MOJIBAKE = "japanese_jo_mojibake.pdf"  # its fonts map glyphs to the wrong characters: pypdf's text is garbage
BROKEN = {"en-ja-36"}  # "２１０百万円" broken over two lines ("２" / "１０百万円")


@pytest.mark.parametrize("name", sorted(SETS))
def test_the_cjk_sets_load_with_their_counts(name):
    questions, problems = load_questions(DATA / name)
    assert problems == []
    answerable = [q for q in questions if q.answerable]
    assert (len(answerable), len(questions) - len(answerable)) == SETS[name]
    assert all(q.doc and q.evidence_pages for q in answerable)


@pytest.mark.parametrize("name", sorted(SETS))
def test_every_evidence_page_prints_an_answer_key(name):
    questions, _ = load_questions(DATA / name)
    shared = _shared_data() / "messy"
    failures, checked = [], 0
    for question in questions:
        if not question.answerable or question.doc == MOJIBAKE or question.id in BROKEN:
            continue
        path = DATA / "cjk" / question.doc
        path = path if path.exists() else shared / question.doc
        if not path.exists():
            continue
        pages = PdfPages(path)
        keys = question.answer_keys or [question.answer]
        for page in question.evidence_pages:
            checked += 1
            if not any(contains_answer(" ".join(pages.text(page).split()), key) for key in keys):
                failures.append((question.id, page))
    if not checked:
        pytest.skip("no document of this set is available")
    assert failures == []
