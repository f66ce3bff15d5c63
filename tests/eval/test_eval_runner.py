"""`python -m rag.eval` end to end on a generated 3-page PDF with 3 questions whose metrics are known."""

from __future__ import annotations

import json

import pytest

from rag.errors import UserError
from rag.eval import runner
from rag.eval.__main__ import main
from rag.eval.metrics import summarize

KITES = [
    "Annual report of the Zephyr Kite Company. This cover page lists no figures at all.",
    "Staff. The Zephyr Kite Company employs 1,234 people in its workshop in Lisbon, where every kite is sewn by hand.",
    "Sales. Revenue for the year was 98 million euros, mostly from sales of the storm-proof Falcon kite.",
]
QUESTIONS = [
    # Known outcomes: page 2 first; page 3 first; nothing about mercury, so the relevance check abstains.
    {"id": "staff", "question": "How many people does the Zephyr Kite Company employ in Lisbon?", "answer": "1,234",
     "evidence_pages": [2], "category": "facts"},
    {"id": "falcon", "question": "Which kite brought most of the revenue?", "answer": "Falcon",
     "evidence_pages": [3], "doc": "kites.pdf", "category": "facts"},
    {"id": "mercury", "question": "What is the boiling point of Mercury in Kelvin?", "answer": "Not answerable",
     "category": "unanswerable"},
]


@pytest.fixture
def kite_eval(tmp_path, make_pdf):
    docs = tmp_path / "docs"
    make_pdf("kites.pdf", KITES, folder=docs)
    questions = tmp_path / "kites.jsonl"
    lines = [json.dumps(q) for q in QUESTIONS]
    questions.write_text("\n".join([lines[0], "{not json", lines[1], '{"answer": "no question"}', lines[2]]) + "\n")
    return questions, docs


def test_retrieval_only_run_has_the_known_metrics(kite_eval, tmp_path, monkeypatch, capsys, embeddings):
    questions, docs = kite_eval
    monkeypatch.setattr("rag.index.embeddings.LocalEmbeddings", lambda settings: embeddings)
    monkeypatch.setenv("RAG_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "results.json"
    assert main([str(questions), "--docs", str(docs), "--retrieval-only", "--preset", "reference,default",
                 "-k", "3", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "line 2: invalid JSON" in captured.err and "line 4: missing or empty 'question'" in captured.err
    assert "preset reference" in captured.out and "preset default" in captured.out

    report = json.loads(out.read_text())
    reference, default = report["runs"]
    assert reference["settings"]["retrieval"] == "dense" and default["settings"]["retrieval"] == "hybrid"
    overall = default["summaries"][-1]
    assert overall["group"] == "overall" and overall["questions"] == 3
    assert overall["hit_at"] == {"1": 1.0, "3": 1.0} and overall["mrr"] == 1.0 and overall["doc_hit"] == 1.0
    by_id = {q["id"]: q for q in default["questions"]}
    assert by_id["staff"]["page_rank"] == 1 and by_id["falcon"]["page_rank"] == 1
    assert by_id["mercury"]["gate_abstained"] and not by_id["staff"]["gate_abstained"]
    assert by_id["mercury"]["page_rank"] is None and by_id["mercury"]["has_evidence"] is False
    assert not reference["questions"][2]["gate_abstained"]  # the reference always answers

    # The reference embeds chunks alone, the default with their context: two cached indexes. Same documents and
    # settings again: the cached index is reused, nothing is embedded again.
    assert reference["settings"]["chunk_context"] == "none" and default["settings"]["chunk_context"] != "none"
    index_dirs = {run["index_dir"] for run in report["runs"]}
    assert len(index_dirs) == 2 and all(str(tmp_path / "cache" / "eval") in folder for folder in index_dirs)
    assert main([str(questions), "--docs", str(docs), "--retrieval-only", "--json"]) == 0
    captured = capsys.readouterr()
    assert "chunks embedded" not in captured.err
    assert json.loads(captured.out)["runs"][0]["preset"] == "default"


def test_full_pipeline_answers_cites_and_abstains(kite_eval, settings, embeddings, llm_backend):
    questions, docs = kite_eval
    loaded = runner.read_questions(questions, warn=lambda message: None)
    tuned = settings.model_copy(update={"k": 1, "data_dir": docs, "max_new_tokens": 48})  # one page: no mix-ups
    run = runner.run_preset("default", tuned, loaded, docs, embeddings, llm_backend, progress=False)
    staff, falcon, mercury = run.results
    assert staff.correct and staff.cites_evidence and not staff.abstained, staff.answer
    assert falcon.cites_evidence
    assert mercury.abstained and mercury.correct
    overall = summarize(run.results, k=1)
    assert overall.abstention_accuracy == 1.0 and overall.hit_at[1] == 1.0


def test_bad_input_is_one_clear_error(kite_eval, tmp_path):
    questions, docs = kite_eval
    with pytest.raises(UserError, match="no such folder"):
        main([str(questions), "--docs", str(tmp_path / "missing")])
    with pytest.raises(UserError, match="unknown preset"):
        main([str(questions), "--docs", str(docs), "--preset", "best"])
    with pytest.raises(UserError, match="no such question file"):
        main([str(tmp_path / "none.jsonl"), "--docs", str(docs)])
    with pytest.raises(UserError, match="no questions"):
        main([str(questions), "--docs", str(docs), "--where", "category=poetry"])


def test_hand_labels_override_the_gold_key_match(tmp_path):
    from rag.config import Settings
    from rag.eval.metrics import QuestionResult

    labels_file = tmp_path / "labels.jsonl"
    labels_file.write_text(json.dumps({"id": "falcon", "answer": "The  Falcon kite.", "correct": False}) + "\n"
                           + json.dumps({"id": "staff", "answer": "About a thousand.", "correct": True}) + "\n")
    labels = runner.read_labels(labels_file)
    run = runner.PresetRun("default", Settings(), tmp_path, retrieval_only=False)
    run.results = [QuestionResult(id="falcon", answer="The Falcon kite.", correct=True),
                   QuestionResult(id="staff", answer="1,234 people", correct=True)]
    run.details = [{"answer": "The Falcon kite."}, {"answer": "1,234 people"}]
    assert run.apply_labels(labels) == 1  # the staff label is for another answer text
    assert [r.correct for r in run.results] == [False, True] and run.details[0]["hand_label"] is False
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    with pytest.raises(UserError, match="line 1"):
        runner.read_labels(bad)
