"""The evaluation report: one self-contained HTML page from a real run (rag.eval.report)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from rag.errors import UserError
from rag.eval import runner
from rag.eval.__main__ import main

from conftest import REPO, write_pdf
from test_eval_runner import KITES, QUESTIONS

pytest.importorskip("matplotlib")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
REMOTE = re.compile(r"(?:https?:)?//(?!www\.w3\.org/)[\w.-]+")  # SVG's namespace names are not requests


@pytest.fixture(scope="module")
def kite_runs(tmp_path_factory, embeddings, llm_backend):
    """A full-pipeline run of the default preset and a retrieval-only run of the reference, as `--out` writes them
    (made once for the module: the reader answers three questions)."""
    from rag.config import load_settings

    root = tmp_path_factory.mktemp("kite-report")
    docs = root / "docs"
    write_pdf(docs / "kites.pdf", KITES)
    questions = root / "kites.jsonl"
    questions.write_text("\n".join(json.dumps(q) for q in QUESTIONS) + "\n")
    loaded = runner.read_questions(questions, warn=lambda message: None)
    tuned = load_settings(data_dir=docs, index_dir=root / "index", models_dir=REPO / "models",
                          cache_dir=REPO / ".cache", k=3, max_new_tokens=48)
    full = runner.run_preset("default", tuned, loaded, docs, embeddings, llm_backend, progress=False)
    reference = runner.apply_preset(tuned, "reference").model_copy(update={"index_dir": root / "ref-index"})
    plain = runner.run_preset("reference", reference, loaded, docs, embeddings, None, progress=False)
    now = {"questions_file": str(questions), "docs": str(docs), "where": [], "meta": {"date": "2026-12-04 10:00"},
           "runs": [full.to_dict()]}
    before = {**now, "meta": {"date": "2026-12-01 10:00"}, "runs": [{**plain.to_dict(), "preset": "default"}]}
    return now, before


def test_the_report_has_every_chart_and_question_and_nothing_remote(kite_runs, tmp_path):
    from rag.eval.report import render_report

    now, before = kite_runs
    page = render_report(now)
    assert page.count("<svg") == 4  # hit@k curve, accuracy by category and by document, latency
    for text in ("Evidence page in the top k", "Answers right by category", "Latency per question",
                 "answers right", "unanswerable abstained", "How many people does the Zephyr Kite Company employ"):
        assert text in page, text
    assert page.count('<tr class="q') == 3
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not REMOTE.findall(page.replace("http://www.w3.org", "")), REMOTE.findall(page)
    assert "<script" not in page

    compared = render_report(now, before)
    assert "previous run" in compared and "Questions that changed" in compared
    assert compared.count("<svg") >= 3


def test_saved_runs_become_a_report_from_the_command_line(kite_runs, tmp_path):
    now, before = kite_runs
    (tmp_path / "now.json").write_text(json.dumps(now, default=str))
    (tmp_path / "before.json").write_text(json.dumps(before, default=str))
    out = tmp_path / "report.html"
    assert main(["report", str(tmp_path / "now.json"), "--compare", str(tmp_path / "before.json"), "-o", str(out)]) == 0
    assert out.read_text().startswith("<!doctype html>") and "Questions that changed" in out.read_text()
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(UserError, match="bad.json: not JSON"):
        main(["report", str(tmp_path / "bad.json"), "-o", str(out)])
    with pytest.raises(UserError, match="--compare goes with --report"):
        main([str(tmp_path / "q.jsonl"), "--docs", str(tmp_path), "--compare", str(tmp_path / "now.json")])


@pytest.mark.shared
def test_a_report_for_the_20f_questions(shared_data, manu_index, tmp_path, monkeypatch, embeddings):
    """`rag.eval --report` on the 20-F question set (retrieval only, over the suite's cached 20-F index)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(shared_data / "manu-20f-2022-09-24.pdf", docs)  # a copy: a symlink resolves outside docs/
    shutil.copytree(manu_index.index_dir, tmp_path / "index")
    monkeypatch.setattr("rag.index.embeddings.LocalEmbeddings", lambda settings: embeddings)
    report = tmp_path / "manu.html"
    questions = Path(__file__).parents[1] / "data" / "manu_20f_questions.jsonl"
    assert main([str(questions), "--docs", str(docs), "--index", str(tmp_path / "index"), "--retrieval-only",
                 "--report", str(report)]) == 0
    page = report.read_text()
    assert page.count('<tr class="q') == sum(1 for line in questions.read_text().splitlines() if line.strip())
    assert "hit@5" in page and page.count("<svg") >= 1 and len(page) < 2_000_000


def test_the_browser_opens_the_report_offline_and_filters_it(kite_runs, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    from rag.eval.report import write_report

    now, before = kite_runs
    path = tmp_path / "report.html"
    write_report(path, now, before)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(path.as_uri())
        charts = page.locator("figure.chart svg")
        assert charts.count() >= 3 and all(charts.nth(i).bounding_box()["height"] > 50 for i in range(charts.count()))
        rows = page.locator("table.questions tr.q")
        assert rows.count() == 3 and all(rows.nth(i).is_visible() for i in range(3))
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        page.click("label[for$='-abstained']")  # the CSS filter: only the abstained question stays
        visible = [rows.nth(i).is_visible() for i in range(3)]
        assert sum(visible) == sum('is-abstained' in (rows.nth(i).get_attribute("class") or "") for i in range(3))
        assert sum(visible) < 3
        browser.close()
    assert requests == [path.as_uri()], requests  # nothing but the page itself
    print(f"\nreport screenshot: {tmp_path / 'report.png'}")
