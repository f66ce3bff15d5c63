"""The FAISS store above its size threshold: an approximate (IVF) index searched in place, no numpy copy."""

from __future__ import annotations

import faiss

from rag.index.live import load_live
from rag.ingest.pipeline import ingest
from rag.retrieve.hybrid import HybridRetriever

HARDWARE = [
    "Annual report of Acme Hardware Limited.",
    "Acme sells the QX-7731 torque wrench, the brass hinge kit and steel nails in bulk.",
    "Acme revenue for 2023 was 12 million dollars, from wrenches and hinges.",
]
GARDEN = [
    "Annual report of the Bloom Garden Centre.",
    "Bloom revenue for 2023 was 3 million dollars, mostly from roses.",
]


def test_above_the_threshold_an_ivf_index_answers_like_the_flat_one(settings, make_pdf, embeddings, tmp_path):
    make_pdf("acme_hardware.pdf", HARDWARE)
    make_pdf("bloom_garden.pdf", GARDEN)
    ingest(settings, progress=False, embeddings=embeddings)
    approximate = settings.model_copy(update={"index_dir": tmp_path / "ivf", "faiss_approximate_above": 2})
    ingest(approximate, progress=False, embeddings=embeddings)
    flat_index, ivf_index = load_live(settings), load_live(approximate)
    assert isinstance(flat_index.faiss_index, faiss.IndexFlat)
    assert isinstance(ivf_index.faiss_index, faiss.IndexIVF)
    for question in ["Which product has the part number QX-7731?", "What was the revenue of Bloom in 2023?",
                     "Who sells roses?"]:
        got = [HybridRetriever(index=index, embeddings=embeddings, k=3).invoke(question)
               for index in (flat_index, ivf_index)]
        assert [(p.metadata["source"], p.metadata["page"], p.metadata["score"]) for p in got[1]] == \
            [(p.metadata["source"], p.metadata["page"], p.metadata["score"]) for p in got[0]]
    assert ivf_index.vectors is None  # searched in place: no second copy of the vectors in numpy

    make_pdf("bloom_garden.pdf", GARDEN + ["Bloom opened a second shop in Porto."])  # incremental on top of IVF
    summary = ingest(approximate, progress=False, embeddings=embeddings)
    assert summary.count("updated") == 1
    again = load_live(approximate)
    assert isinstance(again.faiss_index, faiss.IndexIVF) and again.faiss_index.ntotal == len(again.chunks)
    top = HybridRetriever(index=again, embeddings=embeddings, k=1).invoke("Where did Bloom open a second shop?")[0]
    assert (top.metadata["source"], top.metadata["page"]) == ("bloom_garden.pdf", 3)
