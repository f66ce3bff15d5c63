"""The index on disk under damage and concurrency: one-line errors for damaged files, readers that survive a
swap, the CURRENT switch made durable, and a real SIGKILL of ingest at every injected stage."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from rag.errors import UserError
from rag.ingest.pipeline import ingest
from rag.index.store import CHUNKS, FAULT_ENV, FAULT_STAGES, MANIFEST, POINTER, VECTORS, load_index

from conftest import REPO

APPLES = "Alpha document about apples grown in Normandy orchards."
BIKES = "Beta document about bicycles made in Taiwan factories."


@pytest.fixture
def indexed(settings, make_pdf, embeddings):
    make_pdf("a.pdf", [APPLES, "A second page on pears and plums."])
    ingest(settings, progress=False, embeddings=embeddings)
    return load_index(settings.index_dir)


def _truncate(path, keep=0.5):
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


@pytest.mark.parametrize("damage, named", [
    (lambda v: _truncate(v / CHUNKS, 0.6), CHUNKS),
    (lambda v: _truncate(v / VECTORS, 0.5), VECTORS),
    (lambda v: (v / VECTORS).write_bytes(b""), VECTORS),
    (lambda v: (v / MANIFEST).write_text(json.dumps({**json.loads((v / MANIFEST).read_text()), "format": 99})),
     MANIFEST),
    (lambda v: _truncate(v / MANIFEST, 0.5), MANIFEST),
])
def test_damaged_index_is_a_one_line_error_naming_the_file(settings, indexed, damage, named):
    damage(indexed.path)
    with pytest.raises(UserError) as caught:
        load_index(settings.index_dir)
    message = str(caught.value)
    assert named in message and "python -m rag.ingest --rebuild" in message and "\n" not in message


def test_damaged_index_on_the_command_line_has_no_traceback(settings, indexed):
    _truncate(indexed.path / VECTORS, 0.3)
    env = {"RAG_DATA_DIR": str(settings.data_dir), "RAG_INDEX_DIR": str(settings.index_dir),
           "RAG_CACHE_DIR": str(settings.cache_dir), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-m", "rag.ingest"], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.startswith("error: ") and VECTORS in run.stderr and "--rebuild" in run.stderr


def test_reader_retries_when_its_version_is_swapped_and_deleted_mid_load(settings, indexed, make_pdf, embeddings,
                                                                        monkeypatch):
    """A real ingest swaps in a new version and deletes the old one between the reader's chunk and vector reads."""
    import rag.index.store

    make_pdf("b.pdf", [BIKES])
    original = rag.index.store._read_chunks
    swapped = []

    def read_then_swap(version):
        chunks = original(version)
        if not swapped:
            swapped.append(True)
            ingest(settings, progress=False, embeddings=embeddings)  # deletes `version` when done
            assert not version.exists()
        return chunks

    monkeypatch.setattr(rag.index.store, "_read_chunks", read_then_swap)
    loaded = load_index(settings.index_dir)
    assert swapped and loaded.path != indexed.path
    assert set(loaded.manifest.files) == {"a.pdf", "b.pdf"} and loaded.faiss_index.ntotal == len(loaded.chunks)


def test_current_switch_is_fsynced_with_its_folder(settings, indexed, make_pdf, embeddings, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    folder_inode = os.stat(settings.index_dir).st_ino

    def fsync(fd):
        events.append(("fsync", os.fstat(fd).st_ino))
        return real_fsync(fd)

    def replace(src, dst, *args, **kwargs):
        events.append(("replace", os.path.basename(str(dst))))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    make_pdf("b.pdf", [BIKES])
    ingest(settings, progress=False, embeddings=embeddings)
    switch = max(i for i, event in enumerate(events) if event == ("replace", POINTER))
    assert ("fsync", folder_inode) in events[switch + 1:], events


# ---------------------------------------------------------------- kill -9 at each injected stage


def kill_ingest_at(settings, stage: str) -> subprocess.CompletedProcess:
    env = {"RAG_DATA_DIR": str(settings.data_dir), "RAG_INDEX_DIR": str(settings.index_dir),
           "RAG_CACHE_DIR": str(settings.cache_dir), "PATH": "/usr/bin:/bin", FAULT_ENV: stage}
    return subprocess.run([sys.executable, "-m", "rag.ingest"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=600)


def check_consistent(index) -> None:
    """Every file's chunks are there exactly once, vectors row for row."""
    ids = [doc.id for doc in index.chunks]
    assert len(ids) == len(set(ids)), "duplicated chunks"
    assert index.faiss_index.ntotal == len(index.chunks)
    assert sum(entry.chunks for entry in index.manifest.files.values()) == len(index.chunks)
    assert {doc.metadata["source"] for doc in index.chunks} == set(index.manifest.files)


@pytest.mark.slow
@pytest.mark.parametrize("stage", FAULT_STAGES)
def test_ingest_killed_at_each_stage_leaves_old_or_new_index(settings, indexed, make_pdf, embeddings, stage):
    from rag.retrieve.hybrid import build_retriever

    make_pdf("b.pdf", [BIKES])
    run = kill_ingest_at(settings, stage)
    assert run.returncode == -9, run.stderr  # it really died at the injected point
    after = load_index(settings.index_dir)
    check_consistent(after)
    if stage == "after-switch":
        assert set(after.manifest.files) == {"a.pdf", "b.pdf"}
    else:
        assert after.path == indexed.path and set(after.manifest.files) == {"a.pdf"}
    retriever = build_retriever(settings.model_copy(update={"k": 1}), after, embeddings)
    assert APPLES in retriever.invoke("Where are the apples grown?")[0].page_content
    # The next run finishes the job and clears what the killed one left behind.
    ingest(settings, progress=False, embeddings=embeddings)
    final = load_index(settings.index_dir)
    check_consistent(final)
    assert set(final.manifest.files) == {"a.pdf", "b.pdf"}
    leftovers = [p.name for p in settings.index_dir.iterdir() if p.is_dir()]
    assert leftovers == [final.path.name]
