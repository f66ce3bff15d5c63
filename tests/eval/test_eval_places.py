"""Evaluation over documents without pages: evidence places ("slide 2", "sheet Q1, row 7") in question files."""

from __future__ import annotations

import json

from rag.eval.questions import parse_questions
from rag.eval.runner import place_matches


def test_evidence_places_are_read_from_question_lines():
    lines = [json.dumps({"question": "q1", "doc": "deck.pptx", "evidence_places": ["slide 2", "slide 3"]}),
             json.dumps({"question": "q2", "evidence_place": "Terms › Payment"}),
             json.dumps({"question": "q3", "evidence_places": "slide 2"})]
    questions, problems = parse_questions(lines)
    assert [q.evidence_places for q in questions] == [("slide 2", "slide 3"), ("Terms › Payment",)]
    assert len(problems) == 1 and "evidence_places" in problems[0].message


def test_places_match_by_text_or_by_rows_and_lines_inside_a_unit():
    assert place_matches("Terms › Payment", "terms > payment")
    assert place_matches("slide 2", "Slide 2") and not place_matches("slide 12", "slide 2")
    assert place_matches("sheet Revenue, rows 52–61", "sheet Revenue, row 59")
    assert place_matches("sheet Revenue, rows 52–61", "sheet Revenue, rows 50-53")
    assert not place_matches("sheet Costs, rows 52–61", "sheet Revenue, row 59")
    assert place_matches("lines 41–80", "line 57") and not place_matches("lines 41–80", "rows 41–80")
    assert not place_matches(None, "slide 1")
