"""The plain-OpenVINO embedder (`rag.index.embed_openvino`): same vectors as sentence-transformers, no torch on the
question path, INT8 recorded in the index manifest, and the start-up benchmark's reading of main.py's timings."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from rag.config import load_settings

from conftest import REPO

pytestmark = pytest.mark.skipif(importlib.util.find_spec("openvino") is None, reason="openvino extra not installed")

TEXTS = [
    "The minimum guarantee payable by adidas over the term of the agreement is £750 million.",
    "x",
    "Revenue for the year was 98 million euros, mostly from kites. " * 40,  # past 256 tokens: truncated alike
    "短い日本語の文。",
    "How much is the minimum guarantee payable by adidas?",
]


def test_openvino_vectors_match_sentence_transformers_torch(embeddings):
    from rag.index.embeddings import LocalEmbeddings

    assert (embeddings.backend, embeddings.precision) == ("openvino", "fp32")
    reference = LocalEmbeddings(load_settings(embedding_backend="torch", cache_dir=REPO / ".cache"))
    cosine = (embeddings.encode(TEXTS) * reference.encode(TEXTS)).sum(axis=1)
    assert cosine.min() >= 0.999
    query = np.array(embeddings.embed_query(TEXTS[-1]))
    assert float(query @ reference.encode([TEXTS[-1]])[0]) >= 0.999


def test_batches_by_length_keep_the_order(embeddings):
    model = embeddings.model
    batch_size = model.batch_size
    model.batch_size = 2
    try:
        batched = embeddings.encode(TEXTS)
    finally:
        model.batch_size = batch_size
    one_by_one = np.stack([embeddings.encode([text])[0] for text in TEXTS])
    assert np.allclose(batched, one_by_one, atol=1e-4)
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)


def test_threads_can_embed_at_once(embeddings):
    """A web question while an upload is ingested, or the server's workers: concurrent calls take turns."""
    from concurrent.futures import ThreadPoolExecutor

    expected = np.stack([embeddings.encode([text])[0] for text in TEXTS])
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: embeddings.encode([TEXTS[i % len(TEXTS)]])[0], range(40)))
    for i, vector in enumerate(results):
        assert np.allclose(vector, expected[i % len(TEXTS)], atol=1e-4)


def test_the_question_path_imports_no_torch_transformers_or_sentence_transformers(manu_index, embeddings):
    """Embed a question and retrieve from a real index in a fresh process, as main.py does."""
    script = f"""
import sys
from pathlib import Path
from rag.config import load_settings
import rag.answer.answerer, rag.cli.output
from rag.llm.openvino_backend import OpenVINOBackend
from rag.index.embeddings import LocalEmbeddings
from rag.retrieve.hybrid import build_retriever
from rag.index.store import load_index
settings = load_settings(index_dir=Path({str(manu_index.index_dir)!r}), cache_dir=Path({str(REPO / '.cache')!r}))
docs = build_retriever(settings, load_index(settings.index_dir), LocalEmbeddings(settings)).invoke(
    "How much is the minimum guarantee payable by adidas?")
print(sorted({{d.metadata["page"] for d in docs}}))
print(sorted(m for m in ("torch", "transformers", "sentence_transformers", "optimum") if m in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    pages, heavy = done.stdout.strip().splitlines()[-2:]
    assert "53" in pages or "54" in pages
    assert heavy == "[]"


@pytest.mark.slow
def test_int8_vectors_are_close_and_an_old_index_asks_for_rebuild(settings, make_pdf, embeddings):
    from rag.index.embeddings import LocalEmbeddings, embedding_model_name
    from rag.errors import UserError
    from rag.ingest.pipeline import ingest
    from rag.index.store import check_compatible, load_index

    int8_settings = settings.model_copy(update={"embedding_precision": "int8"})
    int8 = LocalEmbeddings(int8_settings)  # prepared (quantised with NNCF) on first use
    assert int8.precision == "int8" and int8.name.endswith("+int8")
    cosine = (int8.encode(TEXTS) * embeddings.encode(TEXTS)).sum(axis=1)
    assert cosine.min() >= 0.97  # close to the float vectors, but not the same: hence another manifest name

    make_pdf("kites.pdf", ["Revenue for the year was 98 million euros, mostly from kites."])
    ingest(settings, progress=False, embeddings=embeddings)  # a float index
    with pytest.raises(UserError, match="--rebuild"):
        check_compatible(load_index(settings.index_dir).manifest, int8_settings, embedding_model_name(int8_settings))
    with pytest.raises(UserError, match="--rebuild"):
        ingest(int8_settings, progress=False, embeddings=int8)


def test_startup_bench_reads_main_py_timings():
    from rag.bench.startup import parse_timings
    from rag.cli.output import format_timings
    from rag.answer.answerer import Answer

    answer = Answer(question="q", timings={"embeddings_load": 0.31, "index_load": 0.05, "model_load": 0.62,
                                           "retrieval": 0.12, "prompt_processing": 0.9, "ttft": 0.95})
    assert parse_timings(format_timings(answer)) == {
        "embeddings_s": 0.31, "index_s": 0.05, "model_s": 0.62, "retrieval_s": 0.12, "prompt_s": 0.9}
