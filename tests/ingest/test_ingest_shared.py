"""Ingestion of the real documents in ../shared/data (skipped when it is absent)."""

from __future__ import annotations

import csv

import pytest

from rag.ingest.detect import SUFFIXES
from rag.ingest.pipeline import ingest
from rag.index.store import as_vectorstore, load_index

pytestmark = pytest.mark.shared


def test_20f_search_finds_the_adidas_pages(manu_index, embeddings):
    index = load_index(manu_index.index_dir)
    assert index.manifest.files["manu-20f-2022-09-24.pdf"].pages == 177
    store = as_vectorstore(index, embeddings)
    pages = [doc.metadata["page"] for doc, _ in
             store.similarity_search_with_score("minimum guarantee payable by adidas", k=5)]
    assert {53, 54} & set(pages)


@pytest.mark.slow
def test_messy_corpus_every_file_indexed_or_reported(shared_data, settings, embeddings):
    messy = shared_data / "messy"
    settings = settings.model_copy(update={"data_dir": messy})
    summary = ingest(settings, [messy], progress=False, embeddings=embeddings)
    results = {item.source: item for item in summary.files}
    names = sorted(p.name for p in messy.iterdir() if p.suffix.lower() in SUFFIXES)
    assert sorted(results) == names  # every document accounted for, nothing else
    assert "MANIFEST.tsv" in names and results["MANIFEST.tsv"].status == "added"  # a TSV is a document too

    manifest = {row["file"]: row for row in csv.DictReader(open(messy / "MANIFEST.tsv"), delimiter="\t")}
    for name, item in results.items():
        assert item.status in ("added", "failed"), name
        if item.status == "failed":
            assert item.reason, name
        elif item.chunks == 0:
            assert any("no text layer" in w for w in item.warnings), name

    def reason(name):
        return results[name].reason or ""

    assert "password required; use --password" in reason("enc_aes256_user_pw_foo.pdf")
    assert "password required" in reason("enc_rc4_40_user_pw_asdfzxcv.pdf")
    assert results["enc_aes256_empty_user_pw.pdf"].chunks > 0  # empty password opened
    assert results["enc_rc4_128_empty_user_pw.pdf"].chunks > 0
    assert reason("zero_bytes.pdf") == "empty file (0 bytes)"
    assert reason("zero_pages.pdf") == "the PDF has no pages"
    assert reason("broken_header_eof_only.pdf").startswith("not a readable PDF")
    from rag.ingest.ocr import tesseract_path

    for scanned in ("scan_no_text_huckfinn_p22.pdf", "scan_rotated_skewed_no_text.pdf", "vector_text_as_curves.pdf"):
        if tesseract_path() is None:
            assert results[scanned].chunks == 0 and "no text layer (scanned?)" in results[scanned].warnings[0]
        else:  # read by OCR (tests/ingest/test_ocr.py checks what)
            assert results[scanned].chunks > 0 and not results[scanned].warnings, scanned
    truncated = results["truncated_half_federal_register.pdf"]
    assert truncated.chunks > 0 and "recovered" in truncated.warnings[0]
    assert results["long_392p_cvs_10k_2018.pdf"].pages == int(manifest["long_392p_cvs_10k_2018.pdf"]["pypdf_pages"])
    assert results["chinese_quarterly_report_22p.pdf"].chunks > 0

    index = load_index(settings.index_dir)
    pages = {doc.metadata["source"]: set() for doc in index.chunks}
    for doc in index.chunks:
        pages[doc.metadata["source"]].add(doc.metadata["page"])
    for source, seen in pages.items():
        assert min(seen) >= 1 and max(seen) <= results[source].pages, source

    again = ingest(settings, [messy], progress=False, embeddings=embeddings)
    assert again.chunks_embedded == 0 and again.count("failed") == summary.count("failed")

    with_password = ingest(settings, [messy / "enc_aes256_user_pw_foo.pdf"], password="foo",
                           progress=False, embeddings=embeddings)
    assert with_password.count("added") == 1
