"""The evaluation question reader: valid fields, defaults, and malformed lines reported by line number."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from rag.eval.questions import Problem, Question, load_questions, parse_questions

SHARED_DATA = Path(os.environ.get("DOCQA_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))


@pytest.fixture
def write_jsonl(tmp_path):
    """Write lines (dicts become JSON, strings are written verbatim) to a .jsonl file and return its path."""

    def write(*lines: dict | str) -> Path:
        path = tmp_path / "questions.jsonl"
        text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
        path.write_text(text + "\n", encoding="utf-8")
        return path

    return write


def test_full_question_is_read_with_all_fields(write_jsonl):
    path = write_jsonl(
        {
            "id": "q1",
            "source": "financebench",
            "category": "metrics",
            "doc": "3M_2018_10K.pdf",
            "question": " What was capex? ",
            "answer": "$1577.00",
            "evidence_pages": [60, 61],
            "answer_keys": ["1577", "1,577"],
            "tier": "verified",
        }
    )
    questions, problems = load_questions(path)
    assert problems == []
    assert questions == [
        Question(
            question="What was capex?",
            answer="$1577.00",
            evidence_pages=(60, 61),
            doc="3M_2018_10K.pdf",
            answer_keys=("1577", "1,577"),
            answerable=True,
            id="q1",
            source="financebench",
            category="metrics",
            line=1,
        )
    ]
    assert questions[0].extra == {"tier": "verified"}


def test_defaults_for_a_minimal_question(write_jsonl):
    questions, problems = load_questions(write_jsonl({"question": "Who?"}), default_source="mine")
    assert problems == []
    (question,) = questions
    assert (question.id, question.answer, question.evidence_pages, question.doc) == ("line-1", "", (), None)
    assert question.answerable and question.answer_keys == () and question.source == "mine"


@pytest.mark.parametrize(
    ("fields", "answerable"),
    [
        ({"answer": "Not answerable"}, False),
        ({"answer": "not answerable."}, False),
        ({"answer": "Not answerable", "answerable": True}, False),
        ({"answer": "42", "answerable": False}, False),
        ({"answer": "42"}, True),
        ({"answer": "It is not answerable by law"}, True),
    ],
)
def test_answerable_flag(fields, answerable):
    questions, problems = parse_questions([json.dumps({"question": "q", **fields})])
    assert problems == []
    assert questions[0].answerable is answerable


def test_malformed_lines_are_reported_with_line_numbers_and_skipped(write_jsonl):
    path = write_jsonl(
        {"question": "good one", "id": "a"},  # 1
        "{not json",  # 2
        "",  # 3: blank lines are ignored silently
        {"answer": "no question"},  # 4
        {"question": ""},  # 5
        {"question": 7},  # 6
        {"question": "q", "evidence_pages": "53"},  # 7
        {"question": "q", "evidence_pages": [0]},  # 8
        {"question": "q", "evidence_pages": [5, "6"]},  # 9
        {"question": "q", "answer_keys": "750"},  # 10
        {"question": "q", "answerable": "yes"},  # 11
        {"question": "q", "doc": ["a.pdf"]},  # 12
        "[1, 2, 3]",  # 13
        {"question": "good two", "id": "a"},  # 14: duplicate id
        {"question": "good three", "evidence_pages": [True]},  # 15
        {"question": "good four", "id": 4, "evidence_pages": [53, 54]},  # 16
    )
    questions, problems = load_questions(path)
    assert [q.question for q in questions] == ["good one", "good four"]
    assert [q.line for q in questions] == [1, 16]
    assert questions[1].id == "4"
    assert [p.line for p in problems] == [2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
    messages = {p.line: p.message for p in problems}
    assert "invalid JSON" in messages[2]
    assert "question" in messages[4]
    assert "1-based" in messages[8]
    assert "duplicate id 'a'" in messages[14] and "line 1" in messages[14]
    assert str(problems[0]).startswith("line 2: ")


def test_invalid_utf8_line_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_bytes(b'{"question": "ok"}\n{"question": "\xff\xfe"}\n')
    questions, problems = load_questions(path)
    assert len(questions) == 1
    assert problems == [Problem(2, "not valid UTF-8")]


def test_byte_order_mark_and_windows_line_endings(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"question": "one"}\r\n{"question": "two"}\r\n')
    questions, problems = load_questions(path)
    assert problems == []
    assert [q.question for q in questions] == ["one", "two"]


def test_evidence_pages_keep_order_and_drop_repeats():
    questions, _ = parse_questions(['{"question": "q", "evidence_pages": [54, 53, 54]}'])
    assert questions[0].evidence_pages == (54, 53)


@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "total", "unanswerable"),
    [("financebench/questions.jsonl", 113, 0), ("mmlongbench/questions.jsonl", 46, 31)],
)
def test_shared_question_sets_load_cleanly(name, total, unanswerable):
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    questions, problems = load_questions(path)
    assert problems == []
    assert len(questions) == total
    assert sum(not q.answerable for q in questions) == unanswerable
    assert all(q.evidence_pages for q in questions if q.answerable)
    assert not any(q.evidence_pages for q in questions if not q.answerable)


def test_an_unanswerable_key_is_a_problem_not_a_silent_filter_field(write_jsonl):
    path = write_jsonl({"question": "q", "unanswerable": True}, {"question": "r", "answerable": False})
    questions, problems = load_questions(path)
    assert [q.answerable for q in questions] == [False]
    assert [p.line for p in problems] == [1] and '"answerable": false' in problems[0].message
