"""Ingestion on generated PDFs: pages, metadata, search, incremental runs, atomicity, errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from rag.errors import UserError
from rag.ingest.pipeline import ingest
from rag.index.store import as_vectorstore, load_index

from conftest import REPO

PAGES = [
    "Annual report of the Zephyr Kite Company. This page is the cover and says nothing else of note.",
    "The Zephyr Kite Company employs 1,234 people in its workshop in Lisbon, where all kites are sewn.",
    "Revenue for the year was 98 million euros, mostly from sales of the storm-proof Falcon kite.",
]


def test_pages_and_chunk_metadata(settings, make_pdf, embeddings):
    make_pdf("kites.pdf", PAGES)
    summary = ingest(settings, progress=False, embeddings=embeddings)
    assert summary.count("added") == 1 and summary.count("failed") == 0
    index = load_index(settings.index_dir)
    pages = sorted({doc.metadata["page"] for doc in index.chunks})
    assert pages == [1, 2, 3]
    for doc in index.chunks:
        assert doc.metadata["source"] == "kites.pdf"
        assert doc.page_content in PAGES[doc.metadata["page"] - 1].replace("\n", " ") or \
            doc.page_content.split()[0] in PAGES[doc.metadata["page"] - 1]
        assert len(doc.metadata["hash"]) == 16 and len(doc.metadata["file_sha256"]) == 64
    assert [doc.metadata["chunk"] for doc in index.chunks] == list(range(len(index.chunks)))
    entry = index.manifest.files["kites.pdf"]
    assert entry.pages == 3 and entry.chunks == len(index.chunks)


def test_search_finds_the_page(settings, make_pdf, embeddings):
    make_pdf("kites.pdf", PAGES)
    ingest(settings, progress=False, embeddings=embeddings)
    store = as_vectorstore(load_index(settings.index_dir), embeddings)
    doc, score = store.similarity_search_with_score("How many people work in the Lisbon workshop?", k=1)[0]
    assert doc.metadata["page"] == 2
    assert 0.3 < score <= 1.0


def test_chunks_never_span_pages(settings, make_pdf, embeddings):
    long_page = " ".join(f"Sentence {i} about page one." for i in range(80))
    make_pdf("long.pdf", [long_page, "Only page two text here, short and distinct."])
    ingest(settings, progress=False, embeddings=embeddings)
    index = load_index(settings.index_dir)
    assert all("page two" not in doc.page_content for doc in index.chunks if doc.metadata["page"] == 1)
    assert all("Sentence" not in doc.page_content for doc in index.chunks if doc.metadata["page"] == 2)
    assert max(len(doc.page_content) for doc in index.chunks) <= settings.chunk_size


def test_incremental_unchanged_changed_removed(settings, make_pdf, embeddings):
    a = make_pdf("a.pdf", ["Alpha document about apples grown in Normandy orchards."])
    make_pdf("sub/b.pdf", ["Beta document about bicycles made in Taiwan factories."])
    first = ingest(settings, progress=False, embeddings=embeddings)
    assert first.count("added") == 2

    again = ingest(settings, progress=False, embeddings=embeddings)
    assert again.count("unchanged") == 2 and again.chunks_embedded == 0 and again.pages_parsed == 0

    make_pdf("a.pdf", ["Alpha document now about pears from Anjou."])
    (settings.data_dir / "sub" / "b.pdf").unlink()
    changed = ingest(settings, progress=False, embeddings=embeddings)
    assert (changed.count("updated"), changed.count("removed"), changed.count("unchanged")) == (1, 1, 0)
    index = load_index(settings.index_dir)
    assert set(index.manifest.files) == {"a.pdf"}
    assert all("apples" not in doc.page_content for doc in index.chunks)
    assert any("pears" in doc.page_content for doc in index.chunks)
    assert len(index.get_vectors()) == len(index.chunks)
    assert a.exists()


def test_ingesting_one_file_keeps_the_others(settings, make_pdf, embeddings):
    make_pdf("a.pdf", ["Alpha document about apples grown in Normandy orchards."])
    b = make_pdf("b.pdf", ["Beta document about bicycles made in Taiwan factories."])
    ingest(settings, progress=False, embeddings=embeddings)
    summary = ingest(settings, [b], progress=False, embeddings=embeddings)
    assert summary.count("removed") == 0
    assert set(load_index(settings.index_dir).manifest.files) == {"a.pdf", "b.pdf"}


def test_rebuild_starts_over(settings, make_pdf, embeddings):
    make_pdf("a.pdf", ["Alpha document about apples grown in Normandy orchards."])
    ingest(settings, progress=False, embeddings=embeddings)
    summary = ingest(settings, rebuild=True, progress=False, embeddings=embeddings)
    assert summary.count("added") == 1 and summary.chunks_embedded > 0


def test_settings_mismatch_asks_for_rebuild(settings, make_pdf, embeddings):
    make_pdf("a.pdf", ["Alpha document about apples grown in Normandy orchards."])
    ingest(settings, progress=False, embeddings=embeddings)
    other = settings.model_copy(update={"chunk_size": 300})
    with pytest.raises(UserError, match="--rebuild"):
        ingest(other, progress=False, embeddings=embeddings)


def test_failure_mid_ingest_leaves_old_index(settings, make_pdf, embeddings, monkeypatch):
    make_pdf("a.pdf", ["Alpha document about apples grown in Normandy orchards."])
    ingest(settings, progress=False, embeddings=embeddings)
    before = load_index(settings.index_dir)
    make_pdf("b.pdf", ["Beta document about bicycles made in Taiwan factories."])

    import rag.index.store

    def crash(*args, **kwargs):
        raise RuntimeError("disk full (injected)")

    monkeypatch.setattr(rag.index.store.faiss, "write_index", crash)
    with pytest.raises(RuntimeError, match="injected"):
        ingest(settings, progress=False, embeddings=embeddings)
    monkeypatch.undo()
    after = load_index(settings.index_dir)
    assert after.path == before.path
    assert set(after.manifest.files) == {"a.pdf"}
    assert [d.page_content for d in after.chunks] == [d.page_content for d in before.chunks]
    assert not [p for p in settings.index_dir.iterdir() if p.name.startswith(".tmp-")]


def test_lock_refuses_a_second_ingest(settings, make_pdf, embeddings):
    from filelock import FileLock

    make_pdf("a.pdf", ["Alpha document about apples grown in Normandy orchards."])
    settings.index_dir.mkdir(parents=True)
    with FileLock(str(settings.index_dir / ".ingest.lock")):
        with pytest.raises(UserError, match="another ingest is running"):
            ingest(settings, progress=False, embeddings=embeddings)


def test_bad_files_are_reported_and_the_rest_indexed(settings, make_pdf, embeddings):
    make_pdf("good.pdf", ["A good document about tea plantations in Assam."])
    (settings.data_dir / "empty.pdf").write_bytes(b"")
    (settings.data_dir / "fake.pdf").write_bytes(b"this is not a pdf at all")
    (settings.data_dir / "notes.xyz").write_text("ignored: not a document type")
    summary = ingest(settings, progress=False, embeddings=embeddings)
    failed = {item.source: item.reason for item in summary.failed}
    assert failed == {"empty.pdf": "empty file (0 bytes)", "fake.pdf": "not a PDF (no %PDF header)"}
    assert summary.count("added") == 1
    assert set(load_index(settings.index_dir).manifest.files) == {"good.pdf"}


def test_cli_json_summary_and_exit_codes(settings, make_pdf, tmp_path):
    make_pdf("a.pdf", ["Alpha document about apples grown in Normandy orchards."])
    env = {"RAG_DATA_DIR": str(settings.data_dir), "RAG_INDEX_DIR": str(settings.index_dir),
           "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-m", "rag.ingest", "--json"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["counts"]["added"] == 1 and summary["chunks_in_index"] >= 1
    (settings.data_dir / "broken.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    run = subprocess.run([sys.executable, "-m", "rag.ingest"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1
    assert "FAILED  broken.pdf:" in run.stdout and "Traceback" not in run.stderr
    missing = subprocess.run([sys.executable, "-m", "rag.ingest", str(tmp_path / "nope")], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=300)
    assert missing.returncode == 1 and missing.stderr.startswith("error: ") and "no such file" in missing.stderr


def test_page_labels_are_kept(settings, tmp_path, embeddings):
    from pypdf import PdfWriter
    from pypdf.constants import PageLabelStyle

    from conftest import write_pdf

    plain = write_pdf(tmp_path / "plain.pdf", ["Preface text on the first page.", "Body text on page two here."])
    writer = PdfWriter(clone_from=plain)
    writer.set_page_label(0, 0, style=PageLabelStyle.LOWERCASE_ROMAN)
    writer.set_page_label(1, 1, style=PageLabelStyle.DECIMAL, start=1)
    writer.write(settings.data_dir / "labelled.pdf")
    ingest(settings, progress=False, embeddings=embeddings)
    labels = {doc.metadata["page"]: doc.metadata.get("page_label") for doc in load_index(settings.index_dir).chunks}
    assert labels == {1: "i", 2: "1"}


def test_parser_processes_are_spawned_not_forked(settings, make_pdf, monkeypatch):
    """A forked child would inherit this process's state (here a patched parser; in main.py torch's and the model's
    threads); spawned children start clean, so the real parser runs and the files are read."""
    import rag.ingest.engines.local
    from rag.ingest.pipeline import parse_files

    def inherited(*args, **kwargs):
        raise AssertionError("a parser process inherited the parent's memory (fork)")

    monkeypatch.setattr(rag.ingest.engines.local, "read_document", inherited)
    files = [make_pdf(f"{name}.pdf", [f"Document {name}, page one.", "Page two."]) for name in ("a", "b")]
    parsed = parse_files(files, None, workers=2, progress=False)
    assert [len(result.pages) for result in parsed] == [2, 2] and not any(result.error for result in parsed)
