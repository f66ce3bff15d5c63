"""Check a question file's evidence pages against the PDFs (a tool for writing question files).

    python tests/data/verify_questions.py tests/data/manu_20f_questions.jsonl --docs ../shared/data [--where]

For every answerable question, each evidence page (1-based: pypdf page index + 1) must contain one of the
question's answer keys (or its gold answer when it has no keys), matched the way answers are scored
(`rag.eval.metrics.contains_answer`: numbers and currencies normalized). ``--where`` also lists every page of the
document holding a key, to help choose the evidence pages. Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import sys
from functools import cache
from pathlib import Path

from pypdf import PdfReader

from rag.eval.metrics import contains_answer
from rag.eval.questions import Question, load_questions


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    questions, problems = load_questions(args.questions)
    for problem in problems:
        print(f"{args.questions}: {problem}")
    failures = sum(_check(question, args.docs, args.where) for question in questions if question.answerable)
    answerable = sum(q.answerable for q in questions)
    print(f"{len(questions)} questions ({answerable} answerable), {len(problems)} problems, {failures} failed")
    return 1 if failures or problems else 0


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("--docs", type=Path, required=True, help="folder holding the PDFs named by 'doc'")
    parser.add_argument("--where", action="store_true", help="list every page holding an answer key")
    return parser.parse_args(argv)


def _check(question: Question, docs: Path, where: bool) -> bool:
    """Print the outcome for one question; True when it failed."""
    pdf = _pdf_path(question, docs)
    needles = question.answer_keys or (question.answer,)
    missing = [page for page in question.evidence_pages if not _page_has(pdf, page, needles)]
    status = f"MISSING on pages {missing}" if missing else "ok"
    print(f"{question.id}: {status} (evidence {list(question.evidence_pages)})")
    if where:
        print(f"    keys found on pages {[p for p in range(1, _page_count(pdf) + 1) if _page_has(pdf, p, needles)]}")
    return bool(missing)


def _pdf_path(question: Question, docs: Path) -> Path:
    if question.doc is not None:
        return docs / question.doc
    (only,) = sorted(docs.glob("*.pdf"))  # "no doc" means the folder holds exactly one PDF
    return only


def _page_has(pdf: Path, page: int, needles: tuple[str, ...]) -> bool:
    text = _page_text(pdf, page)
    return any(contains_answer(text, needle) for needle in needles)


@cache
def _reader(pdf: Path) -> PdfReader:
    return PdfReader(pdf)


def _page_count(pdf: Path) -> int:
    return len(_reader(pdf).pages)


@cache
def _page_text(pdf: Path, page: int) -> str:
    if not 1 <= page <= _page_count(pdf):
        return ""
    return _reader(pdf).pages[page - 1].extract_text() or ""


if __name__ == "__main__":
    sys.exit(main())
