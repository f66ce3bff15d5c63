"""The grounding verdict as a person sees it: the CLI line, the --json fields and the web UI mark."""

from __future__ import annotations

import json

import pytest

from rag.answer.grounding import check_grounding
from rag.answer.answerer import Answer, Source

PASSAGE = Source(number=1, file="manu.pdf", page=53, score=0.7,
                 text="Under the agreement, the minimum guarantee payable by adidas is equal to £750 million.")
QUESTION = "How much is the minimum guarantee payable by adidas?"


def _answer(text: str) -> Answer:
    answer = Answer(question=QUESTION, answer=text, sources=[PASSAGE])
    answer.grounding = check_grounding(text, answer.sources, QUESTION)
    return answer


def test_cli_shows_the_evidence_or_the_not_found_line():
    from rag.cli.output import format_grounding

    good = format_grounding(_answer("It is £750m [1]."))
    assert good.startswith('Evidence: [1] manu.pdf, page 53: "Under the agreement') and "Not found" not in good
    bad = format_grounding(_answer("It is £900m [1]."))
    assert bad.startswith('Not found in the sources: "£900m"')


def test_json_says_grounded_false_with_what_is_missing():
    data = json.loads(json.dumps(_answer("It is £900m [1].").to_dict()))
    assert data["grounded"] is False and data["grounding"]["missing"] == ["£900m"]
    data = _answer("It is £750m [1].").to_dict()
    assert data["grounded"] is True and data["grounding"]["evidence"][0]["page"] == 53


def test_web_ui_marks_an_ungrounded_answer_visibly():
    pytest.importorskip("gradio")
    from rag.web.ui import answer_markdown

    marked = answer_markdown(_answer("It is £900m [1]."), [])
    assert "Not found in the sources" in marked and "£900m" in marked
    shown = answer_markdown(_answer("It is £750m [1]."), [])
    assert "Not found" not in shown and "**Evidence**" in shown and "?p=53&q=" in shown


def test_an_answer_without_citations_points_to_the_passages_of_its_evidence():
    uncited = _answer("It is £750m.")
    assert uncited.cited == [] and uncited.supported_by == [1] and uncited.points_to == [1]
    assert uncited.to_dict()["supported_by"] == [1]
    from rag.cli.output import format_cited

    assert format_cited(uncited).startswith("Cites: no [n] in the answer; the evidence below was found")
    pytest.importorskip("gradio")
    from rag.web.ui import sources_markdown

    assert "✓ evidence" in sources_markdown(uncited)
    assert "✓ evidence" not in sources_markdown(_answer("It is £900m."))  # nothing found, nothing marked


def test_the_same_figure_on_other_pages_is_listed_beside_the_evidence():
    from rag.cli.output import format_grounding

    other = Source(number=2, file="manu.pdf", page=54, score=0.6,
                   text="The minimum guarantee payable by adidas over the term is £750 million, subject to adjustments.")
    unrelated = Source(number=3, file="manu.pdf", page=9, score=0.5, text="Revenue was £583.2 million.")
    answer = Answer(question=QUESTION, answer="It is £750 million.", sources=[PASSAGE, other, unrelated])
    answer.grounding = check_grounding(answer.answer, answer.sources, QUESTION)
    assert answer.grounding.also_in == [(2, "manu.pdf", 54)]
    assert "Also stated in: [2] manu.pdf, page 54" in format_grounding(answer)
    assert answer.to_dict()["grounding"]["also_in"] == [{"source": 2, "file": "manu.pdf", "page": 54}]
    pytest.importorskip("gradio")
    from rag.web.ui import answer_markdown

    assert "Also stated on [page 54]" in answer_markdown(answer, []) and "?p=54" in answer_markdown(answer, [])
