"""`python main.py` as a user runs it: JSON output, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from rag.ingest.pipeline import ingest

from conftest import REPO


def run_main(args, settings, timeout=600, **env):
    environment = {**os.environ, "RAG_DATA_DIR": str(settings.data_dir), "RAG_INDEX_DIR": str(settings.index_dir),
                   "RAG_MODELS_DIR": str(settings.models_dir), "RAG_CACHE_DIR": str(settings.cache_dir), **env}
    return subprocess.run([sys.executable, "main.py", *args], cwd=REPO, env=environment, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def test_json_answer_schema(settings, make_pdf, embeddings, llm_backend):
    make_pdf("kites.pdf", [
        "Cover page of the Zephyr Kite Company annual report.",
        "The Zephyr Kite Company employs 1,234 people in its workshop in Lisbon.",
    ])
    ingest(settings, progress=False, embeddings=embeddings)
    run = run_main(["How many people does the Zephyr Kite Company employ?", "--json", "--max-new-tokens", "40"],
                   settings)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)  # nothing but the one object on stdout
    assert set(result) >= {"question", "answer", "sources", "timings", "model", "backend", "cited"}
    assert all(1 <= n <= len(result["sources"]) for n in result["cited"])  # the [n] the answer cites
    assert result["backend"] == "ctransformers" and result["model"].endswith(".gguf")
    assert "1,234" in result["answer"] or "1234" in result["answer"]
    top = result["sources"][0]
    assert (top["file"], top["page"]) == ("kites.pdf", 2) and 0 < top["score"] <= 1 and top["text"]
    for key in ("embeddings_load", "index_load", "model_load", "retrieval", "prompt_tokens", "ttft",
                "generated_tokens", "tokens_per_second", "total"):
        assert key in result["timings"]


def test_streamed_output_has_sources_and_timings(settings, make_pdf, embeddings):
    make_pdf("kites.pdf", ["The Zephyr Kite Company employs 1,234 people in its workshop in Lisbon."])
    ingest(settings, progress=False, embeddings=embeddings)
    run = run_main(["How many people work at the Zephyr Kite Company?", "--max-new-tokens", "30"], settings)
    assert run.returncode == 0, run.stderr
    assert "Sources:\n  [1] kites.pdf, page 1 (score " in run.stdout
    assert "Timings:" in run.stdout and "time to first token" in run.stdout


def test_an_index_embedded_without_context_still_answers_with_a_note(settings, make_pdf, embeddings):
    make_pdf("kites.pdf", ["The Zephyr Kite Company employs 1,234 people in its workshop in Lisbon."])
    ingest(settings.model_copy(update={"chunk_context": "none"}), progress=False, embeddings=embeddings)
    run = run_main(["How many people work at the Zephyr Kite Company?", "--max-new-tokens", "20"], settings)
    assert run.returncode == 0, run.stderr
    assert "embedded with chunk context 'none'" in run.stderr and "python -m rag.ingest" in run.stderr
    assert "Sources:\n  [1] kites.pdf, page 1" in run.stdout


def test_no_index_and_no_pdfs(settings):
    run = run_main(["anything?"], settings)
    assert run.returncode == 1
    assert run.stderr.strip().startswith("error: no index in") and "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1


def test_auto_ingest_when_there_is_no_index(settings, make_pdf):
    make_pdf("kites.pdf", ["The Zephyr Kite Company employs 1,234 people in its workshop in Lisbon."])
    run = run_main(["How many people work there?", "--max-new-tokens", "20", "--json"], settings)
    assert run.returncode == 0, run.stderr
    assert "No index yet: ingesting" in run.stderr and json.loads(run.stdout)["sources"]


def test_missing_model_file(settings, make_pdf, tmp_path):
    make_pdf("kites.pdf", ["The Zephyr Kite Company employs 1,234 people."])
    run = run_main(["a question?", "--model", str(tmp_path / "missing.bin")], settings)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "missing.bin" in run.stderr and run.stderr.startswith("error: ")


def test_not_a_model_file(settings, make_pdf, tmp_path):
    make_pdf("kites.pdf", ["The Zephyr Kite Company employs 1,234 people."])
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(os.urandom(4096))
    run = run_main(["a question?", "--model", str(bogus)], settings)
    assert run.returncode == 1 and "Traceback" not in run.stderr and "bogus.gguf" in run.stderr


@pytest.mark.parametrize("args", [[""], ["   "], ["--no-such-flag"], ["q", "-k", "zero"]])
def test_usage_errors_exit_2(settings, args):
    run = run_main(args, settings)
    assert run.returncode == 2 and "Traceback" not in run.stderr


def test_interactive_prompt_answers_until_eof(settings, make_pdf, embeddings):
    make_pdf("kites.pdf", ["The Zephyr Kite Company employs 1,234 people in its workshop in Lisbon."])
    ingest(settings, progress=False, embeddings=embeddings)
    environment = {**os.environ, "RAG_DATA_DIR": str(settings.data_dir), "RAG_INDEX_DIR": str(settings.index_dir),
                   "RAG_MODELS_DIR": str(settings.models_dir), "RAG_CACHE_DIR": str(settings.cache_dir)}
    run = subprocess.run([sys.executable, "main.py", "--max-new-tokens", "20"], cwd=REPO, env=environment,
                         input="How many people work there?\nWhat is the boiling point of mercury?\n",
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("Sources:") == 2 and run.stdout.count("Timings:") == 2
    assert "The documents do not contain the answer" in run.stdout


@pytest.mark.slow
def test_json_on_first_openvino_use_is_only_json(settings, make_pdf, embeddings, tmp_path):
    """A fresh models folder: the OpenVINO export runs first and its progress bars must not reach stdout."""
    from fixtures_openvino import has_openvino

    if not has_openvino():
        pytest.skip("the openvino extra is not installed")
    make_pdf("kites.pdf", ["The Zephyr Kite Company employs 1,234 people in its workshop in Lisbon."])
    ingest(settings, progress=False, embeddings=embeddings)
    fresh = settings.model_copy(update={"models_dir": tmp_path / "fresh-models"})
    run = run_main(["How many people does the Zephyr Kite Company employ?", "--backend", "openvino", "--json",
                    "--max-new-tokens", "24"], fresh, timeout=1200)
    assert run.returncode == 0, run.stderr[-2000:]
    assert any((tmp_path / "fresh-models").iterdir())  # the export really ran in this process
    result = json.loads(run.stdout)  # nothing but the one object on stdout
    assert result["backend"] == "openvino"


def test_a_table_answer_shows_its_evidence_first_its_cells_and_a_verdict(settings, embeddings):
    """A labelled table row is the lead evidence (printed before the answer streams); --json carries the table's
    cells and the verdict with its evidence unit."""
    from tests.ingest.test_tables import STATEMENT_ROWS, _table_pdf, _years

    _table_pdf(settings.data_dir / "club.pdf", [{
        "intro": "Selected financial data of the Club for the last three years.", "caption": "Selected financial data",
        "headers": _years("2022", "2021", "2020"), "unit": "(in thousands of pounds)", "rows": STATEMENT_ROWS}])
    ingest(settings, progress=False, embeddings=embeddings)
    question = "What was the Club's broadcasting revenue in 2021?"
    run = run_main([question, "--json", "--max-new-tokens", "30"], settings)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    lead = result["lead_evidence"]
    assert lead["kind"] == "row" and lead["row"]["label"] == "Broadcasting revenue"
    assert ["2021", "£254,815 thousand"] in lead["row"]["cells"] and lead["page"] == 1
    table = next(source["table"] for source in result["sources"] if source.get("table"))
    assert table["headers"] == ["2022", "2021", "2020"] and ["Broadcasting revenue", "214,847", "254,815",
                                                              "140,203"] in table["rows"]
    if not result["abstained"]:
        assert result["verdict"]["verdict"] in ("verified", "unsupported", "contradicted")
    streamed = run_main([question, "--max-new-tokens", "30"], settings)
    assert streamed.returncode == 0, streamed.stderr
    first_line = streamed.stdout.splitlines()[0]
    assert first_line.startswith("Evidence first: club.pdf, page 1: \"Broadcasting revenue")
    assert "2021: £254,815 thousand" in first_line
    assert "2022  " in streamed.stdout and "254,815" in streamed.stdout  # the table, aligned, under its source
