"""Read evaluation questions from a JSON Lines file.

One JSON object per line. Fields:

- ``question`` (required, non-empty string)
- ``answer``: gold answer text (a number is accepted and turned into text)
- ``evidence_pages``: list of 1-based physical page numbers (page 1 is the first page of the PDF); empty for
  unanswerable questions
- ``evidence_places``: for documents without pages (Word, PowerPoint, spreadsheets, HTML, Markdown, text, e-mail),
  the places of the evidence as the sources show them: "slide 2", "Terms › Payment", "sheet Revenue, rows 52–61"
  (or one row, "sheet Revenue, row 57"), "lines 41–80"; resolved to the indexed units (`rag.eval.runner`) and
  scored as evidence pages are. ``evidence_place`` (one string) is accepted too
- ``doc``: file name the evidence pages refer to; absent means "the only document"
- ``answer_keys``: strings, any of which must appear in a correct answer
- ``answerable``: default true; also false when ``answer`` is "Not answerable"
- ``id``, ``source``, ``category``: optional labels (``id`` defaults to ``line-N``)

Unknown fields are not validated; they are kept in ``Question.extra`` (e.g. FinanceBench's ``tier`` and
``single_page``) so callers can select subsets. Malformed lines (bad JSON, missing question, wrong types, duplicate
ids) are reported as `Problem`s with their line number and skipped; blank lines are ignored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

NOT_ANSWERABLE = "not answerable"

KNOWN_FIELDS = frozenset(
    {"question", "answer", "evidence_pages", "evidence_places", "evidence_place", "doc", "answer_keys", "answerable",
     "id", "source", "category"}
)


@dataclass(frozen=True)
class Question:
    """One evaluation question. ``evidence_pages`` are 1-based; ``doc`` None means the only document."""

    question: str
    answer: str = ""
    evidence_pages: tuple[int, ...] = ()
    doc: str | None = None
    answer_keys: tuple[str, ...] = ()
    answerable: bool = True
    id: str = ""
    source: str | None = None
    category: str | None = None
    line: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)
    evidence_places: tuple[str, ...] = ()  # places in a non-PDF document ("slide 2"); see the module docstring


@dataclass(frozen=True)
class Problem:
    """A line that was skipped, and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class LoadResult(NamedTuple):
    questions: list[Question]
    problems: list[Problem]


class _Invalid(ValueError):
    """A field has the wrong type or value; the message says which."""


def load_questions(path: str | Path, default_source: str | None = None) -> LoadResult:
    """Read a JSON Lines question file. Raises OSError only if the file cannot be read at all."""
    data = Path(path).read_bytes()
    return parse_questions(data.splitlines(), default_source=default_source)


def parse_questions(lines: Iterable[str | bytes], default_source: str | None = None) -> LoadResult:
    """Parse question lines (text or bytes); line numbers start at 1. ``default_source`` fills a missing source."""
    questions: list[Question] = []
    problems: list[Problem] = []
    seen_ids: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        try:
            question = _parse_line(raw, number, default_source)
        except _Invalid as exc:
            problems.append(Problem(number, str(exc)))
            continue
        if question is None:
            continue
        if question.id in seen_ids:
            problems.append(Problem(number, f"duplicate id {question.id!r} (first on line {seen_ids[question.id]})"))
            continue
        seen_ids[question.id] = number
        questions.append(question)
    return LoadResult(questions, problems)


def _parse_line(raw: str | bytes, number: int, default_source: str | None) -> Question | None:
    text = _decode(raw).strip().lstrip("\ufeff")
    if not text:
        return None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Invalid(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise _Invalid(f"expected a JSON object, got {_type_name(obj)}")
    return _question_from_object(obj, number, default_source)


def _decode(raw: str | bytes) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _Invalid("not valid UTF-8") from None


def _question_from_object(obj: dict[str, Any], number: int, default_source: str | None) -> Question:
    question = obj.get("question")
    if not isinstance(question, str) or not question.strip():
        raise _Invalid("missing or empty 'question'" if question in (None, "") else "'question' must be a string")
    answer = _answer_text(obj.get("answer"))
    if "unanswerable" in obj:  # read as a filter field it would leave the question answerable, silently
        raise _Invalid("'unanswerable' is not a field; write \"answerable\": false")
    return Question(
        question=question.strip(),
        answer=answer,
        evidence_pages=_pages(obj.get("evidence_pages")),
        evidence_places=_places(obj.get("evidence_places"), obj.get("evidence_place")),
        doc=_optional_str(obj, "doc"),
        answer_keys=_answer_keys(obj.get("answer_keys")),
        answerable=_answerable(obj.get("answerable"), answer),
        id=_id(obj.get("id"), number),
        source=_optional_str(obj, "source") or default_source,
        category=_optional_str(obj, "category"),
        line=number,
        extra={key: value for key, value in obj.items() if key not in KNOWN_FIELDS},
    )


def _answer_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _Invalid(f"'answer' must be a string, got {_type_name(value)}")
    return str(value).strip()


def _pages(value: Any) -> tuple[int, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _Invalid(f"'evidence_pages' must be a list of page numbers, got {_type_name(value)}")
    for page in value:
        if isinstance(page, bool) or not isinstance(page, int):
            raise _Invalid(f"'evidence_pages' must hold integers, got {page!r}")
        if page < 1:
            raise _Invalid(f"'evidence_pages' are 1-based, got {page}")
    return tuple(dict.fromkeys(value))


def _places(value: Any, single: Any) -> tuple[str, ...]:
    if single is not None:
        if not isinstance(single, str) or not single.strip():
            raise _Invalid("'evidence_place' must be a non-empty string")
        value = [*(value or []), single] if isinstance(value, list) or value is None else value
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(place, str) and place.strip() for place in value):
        raise _Invalid("'evidence_places' must be a list of non-empty strings")
    return tuple(dict.fromkeys(place.strip() for place in value))


def _answer_keys(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _Invalid(f"'answer_keys' must be a list of strings, got {_type_name(value)}")
    if not all(isinstance(key, str) and key.strip() for key in value):
        raise _Invalid("'answer_keys' must hold non-empty strings")
    return tuple(key.strip() for key in value)


def _answerable(value: Any, answer: str) -> bool:
    if value is not None and not isinstance(value, bool):
        raise _Invalid(f"'answerable' must be true or false, got {value!r}")
    stated = True if value is None else value
    return stated and answer.casefold().rstrip(".") != NOT_ANSWERABLE


def _id(value: Any, number: int) -> str:
    if value is None:
        return f"line-{number}"
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == "":
        raise _Invalid(f"'id' must be a non-empty string or integer, got {value!r}")
    return str(value).strip()


def _optional_str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Invalid(f"{key!r} must be a string, got {_type_name(value)}")
    return value.strip() or None


def _type_name(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number" if isinstance(value, (int, float)) else type(value).__name__
    )
