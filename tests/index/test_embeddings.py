"""The offline embedder: normalised vectors, and OpenVINO vectors interchangeable with torch ones."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from rag.config import load_settings
from rag.index.embeddings import DEFAULT_MODEL_NAME, LocalEmbeddings, embedding_model_name, resolve_backend

from conftest import REPO

TEXTS = [
    "The minimum guarantee payable by adidas over the term of the agreement is £750 million.",
    "Revenue for the year was 98 million euros, mostly from kites.",
    "短い日本語の文。",
    "x",
]


def test_vectors_are_normalised_and_named(embeddings):
    vectors = embeddings.encode(TEXTS)
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedding_model_name(load_settings()) == DEFAULT_MODEL_NAME
    assert np.allclose(embeddings.embed_query(TEXTS[0]), vectors[0], atol=1e-5)


def test_auto_backend_prefers_openvino_when_installed():
    expected = "openvino" if importlib.util.find_spec("openvino") else "torch"
    assert resolve_backend("auto") == expected and resolve_backend("torch") == "torch"


@pytest.mark.skipif(importlib.util.find_spec("openvino") is None, reason="openvino extra not installed")
def test_openvino_and_torch_vectors_agree():
    torch_model = LocalEmbeddings(load_settings(embedding_backend="torch", cache_dir=REPO / ".cache"))
    ov_model = LocalEmbeddings(load_settings(embedding_backend="openvino", cache_dir=REPO / ".cache"))
    assert (torch_model.backend, ov_model.backend) == ("torch", "openvino")
    cosine = (torch_model.encode(TEXTS) * ov_model.encode(TEXTS)).sum(axis=1)
    assert cosine.min() >= 0.999
