"""Real documents of every non-PDF type that no reader rule was written from (tests/data/formats, with their
licences): each is indexed with the real pipeline (OCR for the scan, real embeddings) and its question, scored as
rag.eval scores it (evidence places resolved to units), finds the right place in the top 5 passages."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.eval.metrics import score_question
from rag.eval.questions import load_questions
from rag.eval.runner import resolve_places
from rag.index.store import load_index
from rag.ingest.ocr import tesseract_path
from rag.ingest.pipeline import ingest
from rag.retrieve.hybrid import HybridRetriever

REAL = Path(__file__).resolve().parents[1] / "data" / "formats"


@pytest.fixture(scope="module")
def real_index(tmp_path_factory, embeddings):
    from rag.config import load_settings
    from tests.conftest import REPO

    root = tmp_path_factory.mktemp("real")
    settings = load_settings(data_dir=REAL / "docs", index_dir=root / "vectorstore", models_dir=REPO / "models",
                             cache_dir=REPO / ".cache")
    summary = ingest(settings, progress=False, embeddings=embeddings)
    return summary, load_index(settings.index_dir)


def test_every_real_document_is_indexed_without_failures(real_index):
    summary, index = real_index
    assert not summary.failed and len(index.manifest.files) == len(list((REAL / "docs").iterdir()))
    digest = [p.metadata.get("place") for p in index.chunks if p.metadata["source"] == "ppp-digest-msg_02.txt"]
    assert digest[0].startswith("Ppp digest") and len(set(digest)) == 6  # an e-mail named .txt, read as e-mail
    assert "attached message [Ppp] testing #5, 2001-04-20" in digest


def test_each_real_question_finds_its_place(real_index, embeddings):
    summary, index = real_index
    questions, problems = load_questions(REAL / "questions.jsonl")
    assert not problems and len(questions) == 9
    if tesseract_path() is None:
        questions = [q for q in questions if not q.doc.endswith(".jpg")]
    retriever = HybridRetriever(index=index, embeddings=embeddings, k=5)
    missed = []
    for question in resolve_places(questions, index):
        passages = retriever.invoke(question.question)
        result = score_question(question, [(d.metadata["source"], d.metadata["page"]) for d in passages])
        if result.page_rank is None:
            missed.append((question.id, question.evidence_pages,
                           [(d.metadata["source"], d.metadata.get("place")) for d in passages]))
    assert not missed
