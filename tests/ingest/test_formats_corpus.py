"""End to end over a generated corpus with one file of each format (rag.bench.formats) and the bad inputs of issue
#28: the real pipeline (sandboxed parsing as for uploads, OCR for the image, real embeddings) indexes every good
file, reports each bad one in one line, and a question per file retrieves the right place."""

from __future__ import annotations

import shutil

import pytest

from rag.bench.formats import make_corpus
from rag.index.store import load_index
from rag.ingest.ocr import tesseract_path
from rag.ingest.pipeline import format_summary, ingest
from rag.ingest.sandbox import ParseLimits
from rag.retrieve.hybrid import HybridRetriever
from rag.text import place_text
from rag.bench.faults import write_bad_inputs


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory, embeddings):
    from rag.config import load_settings
    from tests.conftest import REPO

    root = tmp_path_factory.mktemp("formats")
    settings = load_settings(data_dir=root / "data", index_dir=root / "vectorstore", models_dir=REPO / "models",
                             cache_dir=REPO / ".cache")
    cases = make_corpus(settings.data_dir, image=tesseract_path() is not None)
    bad = write_bad_inputs(settings.data_dir)
    summary = ingest(settings, progress=False, embeddings=embeddings, limits=ParseLimits(seconds=60))
    return settings, cases, bad, summary, load_index(settings.index_dir)


def test_every_good_file_is_indexed_and_every_bad_one_reported_in_one_line(corpus_index):
    settings, cases, bad, summary, index = corpus_index
    report = format_summary(summary)
    failed = {item.source: item.reason for item in summary.failed}
    assert set(failed) == set(bad), report
    for name, phrase in bad.items():
        assert phrase in failed[name] and "\n" not in failed[name] and "Traceback" not in report
    good = {case.name for case in cases} | {"macros.xlsm", "hostile.html", "hostile.eml"}
    assert good == set(index.manifest.files), report
    warned = {item.source: item.warnings for item in summary.files if item.warnings}
    assert set(warned) == {"macros.xlsm"}, warned
    assert sorted(p.name for p in settings.index_dir.parent.iterdir()) == ["data", "vectorstore"]


def test_a_question_per_file_retrieves_its_place(corpus_index, embeddings):
    settings, cases, bad, summary, index = corpus_index
    retriever = HybridRetriever(index=index, embeddings=embeddings, k=3)
    missed = []
    for case in cases:
        passages = retriever.invoke(case.question)
        found = [(p.metadata["source"], place_text(p.metadata["page"], p.metadata.get("place"))) for p in passages]
        if (case.name, place_text(case.page, case.place)) not in found:
            missed.append((case.name, case.question, found))
    assert not missed


def test_unchanged_files_of_any_format_are_not_parsed_again(corpus_index, embeddings):
    settings, cases, bad, summary, index = corpus_index
    for name in bad:
        shutil.move(settings.data_dir / name, settings.data_dir.parent / name)
    try:
        again = ingest(settings, progress=False, embeddings=embeddings)
    finally:
        for name in bad:
            shutil.move(settings.data_dir.parent / name, settings.data_dir / name)
    assert again.count("unchanged") == len(index.manifest.files) and not again.chunks_embedded


def test_the_web_page_of_a_place_shows_its_text_and_rows_escaped(corpus_index):
    from rag.web.places import place_link, place_page

    settings, cases, bad, summary, index = corpus_index
    assert place_link("q3 figures.eml", 2) == "/place/q3%20figures.eml?n=2"
    slide = place_page(index, "quarterly-review.pptx", 2)
    assert "slide 2" in slide and "Lisbon office opens in March" in slide
    rows = place_page(index, "regional-revenue.xlsx", 2)
    assert "sheet Revenue, rows 52–61" in rows and "<td>Tasmania</td>" in rows and "<th>Q2</th>" in rows
    section = place_page(index, "pricing-page.html", 2)
    assert "Pricing › Refunds" in section and "<script" not in section.split("</style>")[1]
    assert place_page(index, "pricing-page.html", 99) is None


def test_the_evaluation_scores_hits_by_evidence_place(corpus_index, embeddings):
    from rag.eval.metrics import score_question
    from rag.eval.questions import Question
    from rag.eval.runner import resolve_places

    settings, cases, bad, summary, index = corpus_index
    questions = [Question(question=case.question, evidence_places=(case.place,), id=case.name)
                 for case in cases if case.place]
    questions.append(Question(question="What was the Q2 revenue of Tasmania?", doc="regional-revenue.xlsx",
                              evidence_places=("sheet Revenue, row 59",), id="one-row"))
    resolved = resolve_places(questions, index)
    assert resolved[0].doc == "supply-agreement.docx" and resolved[0].evidence_pages == (3,)
    assert resolved[-1].evidence_pages == (2,)
    retriever = HybridRetriever(index=index, embeddings=embeddings, k=3)
    results = [score_question(q, [(d.metadata["source"], d.metadata["page"]) for d in retriever.invoke(q.question)])
               for q in resolved]
    assert all(result.page_rank is not None and result.page_rank <= 3 for result in results), \
        [(r.id, r.page_rank) for r in results]


@pytest.mark.slow
def test_the_real_model_answers_from_a_slide_and_a_web_page_citing_their_places(corpus_index, embeddings, llm_backend):
    from rag.answer.answerer import Answerer
    from rag.retrieve.hybrid import build_retriever

    settings, cases, bad, summary, index = corpus_index
    answerer = Answerer(settings, build_retriever(settings, index, embeddings), llm_backend, {})
    for name, fact in (("quarterly-review.pptx", "march"), ("pricing-page.html", "30")):
        case = next(case for case in cases if case.name == name)
        answer = answerer.ask(case.question)
        assert fact in answer.answer.lower().replace(",", ""), (case.question, answer.answer)
        assert any(source.file == name and source.where == case.place for source in answer.sources), \
            [(s.file, s.where) for s in answer.sources]


def test_an_image_skipped_with_ocr_off_is_read_when_ocr_is_turned_on(tmp_path, embeddings):
    from rag.config import load_settings
    from rag.bench.formats import _png
    from tests.conftest import REPO

    if tesseract_path() is None:
        pytest.skip("Tesseract is not installed")
    settings = load_settings(data_dir=tmp_path / "data", index_dir=tmp_path / "index", models_dir=REPO / "models",
                             cache_dir=REPO / ".cache", ocr="never")
    (tmp_path / "data").mkdir()
    _png(tmp_path / "data" / "receipt.png")
    off = ingest(settings, progress=False, embeddings=embeddings)
    assert "not read" in off.files[0].warnings[0]
    on = ingest(settings.model_copy(update={"ocr": "auto"}), progress=False, embeddings=embeddings)
    assert on.files[0].status == "updated" and on.ocr_pages == 1 and on.chunks_embedded >= 1


def test_an_image_attached_to_an_email_is_read_by_ocr_and_cited_as_the_attachment(tmp_path, embeddings):
    from email.message import EmailMessage

    from rag.bench.formats import _png
    from rag.config import load_settings
    from tests.conftest import REPO

    if tesseract_path() is None:
        pytest.skip("Tesseract is not installed")
    settings = load_settings(data_dir=tmp_path / "data", index_dir=tmp_path / "index", models_dir=REPO / "models",
                             cache_dir=REPO / ".cache")
    (tmp_path / "data").mkdir()
    _png(tmp_path / "receipt.png")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.com", "b@example.com", "Expenses"
    message["Date"] = "Tue, 05 Nov 2024 10:00:00 +0000"
    message.set_content("The parking receipt is attached.")
    message.add_attachment((tmp_path / "receipt.png").read_bytes(), maintype="image", subtype="png",
                           filename="receipt.png")
    (tmp_path / "data" / "expenses.eml").write_bytes(bytes(message))
    summary = ingest(settings, progress=False, embeddings=embeddings, limits=ParseLimits(seconds=60))
    assert summary.ocr_pages == 1 and not summary.failed, format_summary(summary)
    chunks = [doc for doc in load_index(settings.index_dir).chunks if doc.metadata.get("ocr")]
    assert chunks and chunks[0].metadata["place"] == "attachment receipt.png, image"
    assert "14.60" in chunks[0].page_content
