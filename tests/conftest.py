"""Shared fixtures: generated PDFs, settings in tmp folders, the embedding model loaded once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Fast tests answer with the bundled SmolLM2 on ctransformers; tests of other backends ask for them by name.
os.environ.setdefault("RAG_BACKEND", "ctransformers")

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path | None:
    """../shared/data beside the repository (or $DOCQA_SHARED_DATA), when present."""
    candidate = Path(os.environ.get("DOCQA_SHARED_DATA", REPO.parent / "shared" / "data"))
    return candidate if candidate.is_dir() else None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    folder = shared_data_dir()
    if folder is None:
        pytest.skip("../shared/data is not present")
    return folder


def write_pdf(path: Path, pages: list[str]) -> Path:
    """A real PDF with one text per page (core font, so Latin-1 text only)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


@pytest.fixture
def make_pdf(tmp_path):
    def _make(name: str, pages: list[str], folder: Path | None = None) -> Path:
        return write_pdf((folder or tmp_path / "data") / name, pages)

    return _make


@pytest.fixture
def settings(tmp_path):
    """Settings pointing at tmp folders; models and caches are shared with the repository (prepared once)."""
    from rag.config import load_settings

    (tmp_path / "data").mkdir(exist_ok=True)
    return load_settings(
        data_dir=tmp_path / "data",
        index_dir=tmp_path / "vectorstore",
        models_dir=REPO / "models",
        cache_dir=REPO / ".cache",
    )


@pytest.fixture(scope="session")
def embeddings():
    from rag.config import load_settings
    from rag.index.embeddings import LocalEmbeddings

    return LocalEmbeddings(load_settings(cache_dir=REPO / ".cache"))


@pytest.fixture(scope="session")
def llm_backend():
    """The default ctransformers model (converted into models/ on first use), loaded once."""
    from rag.config import load_settings
    from rag.llm import load_backend

    return load_backend(load_settings(models_dir=REPO / "models", cache_dir=REPO / ".cache"), announce=lambda m: None)


def build_answerer(settings, embeddings, backend):
    """An Answerer over the index in `settings.index_dir`, reusing already loaded models."""
    from rag.answer.answerer import Answerer
    from rag.retrieve.hybrid import build_retriever
    from rag.index.store import load_index

    return Answerer(settings, build_retriever(settings, load_index(settings.index_dir), embeddings), backend, {})


@pytest.fixture(scope="session")
def manu_index(shared_data, embeddings):
    """The demo 20-F ingested once into .cache/tests (reused across runs while unchanged)."""
    from rag.config import load_settings
    from rag.ingest.pipeline import ingest

    settings = load_settings(data_dir=shared_data, index_dir=REPO / ".cache" / "tests" / "manu-20f-index",
                             models_dir=REPO / "models", cache_dir=REPO / ".cache")
    ingest(settings, [shared_data / "manu-20f-2022-09-24.pdf"], progress=False, embeddings=embeddings)
    return settings


@pytest.fixture(scope="session")
def pg_server():
    """A throw-away PostgreSQL cluster with pgvector, on a Unix socket in a temporary folder; stopped and deleted
    at the end.

    pgserver runs initdb and pg_ctl; as root it runs them as a system user `pgserver` (PostgreSQL refuses to run as
    root) and opens the folder's parents to it. The folder is not under pytest's tmp_path: every pytest run resets
    /tmp/pytest-of-<user> to mode 0700, which would lock that user out while another pytest runs beside this one.
    """
    pgserver = pytest.importorskip("pgserver", reason="pgserver (test extra) provides the PostgreSQL server")
    psycopg = pytest.importorskip("psycopg", reason="psycopg (pgvector extra) is the client")
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="docqa-test-pg-"))
    folder.chmod(0o755)
    server = pgserver.get_server(folder / "data", cleanup_mode="delete")
    try:
        with psycopg.connect(server.get_uri(), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
