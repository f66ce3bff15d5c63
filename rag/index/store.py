"""The index on disk: FAISS vectors, chunks as JSON Lines, and a manifest. No pickle anywhere.

Layout of the index folder (`vectorstore/` by default):

    CURRENT                  name of the live version folder (replaced atomically)
    v-<timestamp>/
        index.faiss          inner-product index of normalised vectors (faiss.write_index)
        chunks.jsonl         one chunk a line, in index order: id, text, metadata
        manifest.json        embedding model, dimension, chunk settings, per-file SHA-256
        bm25.*               keyword index over the same chunks (see rag/index/bm25.py; JSON and .npy, no pickle)
    .ingest.lock             held while an ingest runs

Fault injection (for the robustness suite, rag/bench/faults.py): with DOCQA_FAULT_STAGE set to one of
FAULT_STAGES the writing process SIGKILLs itself at that point of `write_index` (the pgvector store's write has
"chunks-written", "before-switch" and "after-switch" too; the Ray engine's workers their own: rag.ingest.engines).

A new version is written completely beside the live one and only then named in CURRENT, so an
ingest that fails or is killed leaves the previous index as it was.

Hands on a loaded `IndexData` (chunks, vectors, manifest, BM25, derived data) to `rag.index.live`.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np
from langchain_core.documents import Document
from pydantic import BaseModel, Field, ValidationError

from rag.index import bm25 as lexical
from rag.config import Settings
from rag.errors import UserError

INDEX_FORMAT = 1
POINTER = "CURRENT"
LOCK_NAME = ".ingest.lock"
VECTORS = "index.faiss"
CHUNKS = "chunks.jsonl"
MANIFEST = "manifest.json"
FAULT_ENV = "DOCQA_FAULT_STAGE"
FAULT_STAGES = ("vectors-written", "chunks-written", "staged", "before-switch", "after-switch")
REBUILD = "run `python -m rag.ingest --rebuild`"


class EmbeddingInfo(BaseModel):
    model: str
    dimension: int
    normalized: bool = True


class ChunkingInfo(BaseModel):
    splitter: str
    chunk_size: int
    chunk_overlap: int
    context: str = "none"  # what was embedded in front of each chunk (setting chunk_context); older indexes: none
    tables: str = "off"  # how tables were read (setting tables): "rows" labels each value; older indexes: off


class FileEntry(BaseModel):
    sha256: str
    size: int
    pages: int
    chunks: int
    warnings: list[str] = Field(default_factory=list)
    ocr: str | None = None  # OCR state (rag.ingest.ocr.ocr_state); None: indexed before OCR existed
    overview: dict | None = None  # outline and central sentences (rag.ingest.overview); None: indexed before it


class Manifest(BaseModel):
    format: int = INDEX_FORMAT
    embedding: EmbeddingInfo
    chunking: ChunkingInfo
    files: dict[str, FileEntry] = Field(default_factory=dict)
    updated_at: float = Field(default_factory=time.time)


@dataclass
class IndexData:
    """An index in memory: chunks and their vectors row for row, and the manifest."""

    manifest: Manifest
    chunks: list[Document] = field(default_factory=list)
    vectors: np.ndarray | None = None  # read from `faiss_index` on first use
    path: Path | None = None
    faiss_index: object | None = None  # the index as loaded from disk
    bm25: lexical.BM25Index | None = None  # built from the chunks on first use when the folder has none
    derived: dict = field(default_factory=dict, repr=False, compare=False)  # rag.index.base.derived: per version

    def get_vectors(self) -> np.ndarray:
        if self.vectors is None:
            total = self.faiss_index.ntotal if self.faiss_index is not None else 0
            if total:
                self.vectors = np.ascontiguousarray(self.faiss_index.reconstruct_n(0, total), dtype=np.float32)
            else:
                self.vectors = np.zeros((0, self.manifest.embedding.dimension), dtype=np.float32)
        return self.vectors

    def get_bm25(self) -> lexical.BM25Index:
        if self.bm25 is None:
            self.bm25, _ = lexical.build_for_chunks(self.chunks)
        return self.bm25


def check_compatible(manifest: Manifest, settings: Settings, embedding_model: str) -> None:
    """Refuse to mix an index built with other embeddings or chunk settings with the current ones."""
    differences = []
    if manifest.embedding.model != embedding_model:
        differences.append(f"embedding model {manifest.embedding.model} (now {embedding_model})")
    if (manifest.chunking.chunk_size, manifest.chunking.chunk_overlap) != (settings.chunk_size, settings.chunk_overlap):
        differences.append(
            f"chunks {manifest.chunking.chunk_size}/{manifest.chunking.chunk_overlap} "
            f"(now {settings.chunk_size}/{settings.chunk_overlap})"
        )
    if differences:
        raise UserError(
            f"{settings.index_dir}: the index was built with {', '.join(differences)}; "
            "run `python -m rag.ingest --rebuild` to rebuild it with the current settings"
        )


def current_version(index_dir: Path) -> Path | None:
    pointer = index_dir / POINTER
    if not pointer.is_file():
        return None
    version = index_dir / pointer.read_text(encoding="utf-8").strip()
    return version if (version / MANIFEST).is_file() else None


def load_index(index_dir: Path) -> IndexData | None:
    """The live index, or None when there is none yet.

    A version that an ingest swaps out and deletes while we read it is retried (faiss reports a vanished
    file as RuntimeError, the JSON files as FileNotFoundError); a damaged live version is a UserError
    naming the file.
    """
    for attempt in range(5):
        version = current_version(index_dir)
        if version is None:
            if attempt < 4 and (index_dir / POINTER).is_file():
                time.sleep(0.01)  # CURRENT named a version deleted just after a swap: read the pointer again
                continue
            return None
        try:
            return _read_version(version)
        except (OSError, RuntimeError, UserError):
            if current_version(index_dir) == version and version.is_dir():
                raise  # not a swap: the live version itself is damaged
            continue
    raise UserError(f"{index_dir}: the index keeps changing while being read; try again")


def _read_version(version: Path) -> IndexData:
    manifest_path = version / MANIFEST
    try:
        raw = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise UserError(f"{manifest_path}: damaged manifest (not JSON); {REBUILD}") from None
    if isinstance(raw, dict) and isinstance(raw.get("format"), int) and raw["format"] != INDEX_FORMAT:
        raise UserError(f"{manifest_path}: index format {raw['format']} is not {INDEX_FORMAT} (written by "
                        f"{'a newer' if raw['format'] > INDEX_FORMAT else 'an older'} docqa); {REBUILD}")
    try:
        manifest = Manifest.model_validate(raw)
    except ValidationError as exc:
        raise UserError(f"{manifest_path}: unreadable manifest ({exc.error_count()} errors); {REBUILD}") from None
    chunks = _read_chunks(version)
    index = _read_vectors(version)
    if isinstance(index, faiss.IndexIVF):
        index.make_direct_map()  # so rows can be read back (passage scores, the next ingest)
    if index.ntotal != len(chunks):
        raise UserError(f"{version / VECTORS}: {index.ntotal} vectors but {len(chunks)} chunks in {CHUNKS}; "
                        f"{REBUILD}")
    return IndexData(manifest=manifest, chunks=chunks, path=version, faiss_index=index,
                     bm25=_read_bm25(version, len(chunks)))


def _read_vectors(version: Path):
    path = version / VECTORS
    if not path.is_file():
        raise FileNotFoundError(path)
    try:
        return faiss.read_index(str(path))
    except RuntimeError:
        if not path.is_file():
            raise  # deleted while read: a swap, retried by load_index
        raise UserError(f"{path}: damaged vector index (faiss cannot read it); {REBUILD}") from None


def _read_chunks(version: Path) -> list[Document]:
    path = version / CHUNKS
    chunks = []
    with open(path, encoding="utf-8", errors="strict") as lines:
        try:
            for number, line in enumerate(lines, 1):
                if line.strip():
                    chunks.append(_document_from_json(line))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            raise UserError(f"{path}: damaged at line {number}; {REBUILD}") from None
    return chunks


def _read_bm25(version: Path, rows: int) -> lexical.BM25Index | None:
    """The saved keyword index, or None for an index written before it existed (it is then built on first use)."""
    if not lexical.exists(version):
        return None
    try:
        return lexical.load(version, rows)
    except (ValueError, KeyError, json.JSONDecodeError) as exc:
        raise UserError(f"{version}: unreadable BM25 index ({exc}); {REBUILD}") from None


def write_index(index_dir: Path, data: IndexData, approximate_above: int | None = None) -> Path:
    """Write `data` as a new version and make it the live one; returns the new version folder.

    With more than `approximate_above` chunks the vectors go into an approximate (IVF) index instead of a flat one.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    staging = index_dir / f".tmp-{os.getpid()}-{time.time_ns()}"
    staging.mkdir()
    try:
        vectors_index = _flat_index(data)
        if approximate_above is not None and vectors_index.ntotal > approximate_above:
            vectors_index = approximate_index(data.get_vectors())
        faiss.write_index(vectors_index, str(staging / VECTORS))
        fault_point("vectors-written")
        data.bm25, _ = lexical.build_for_chunks(data.chunks, reuse=_live_tokens(index_dir))
        data.bm25.save(staging)
        with open(staging / CHUNKS, "w", encoding="utf-8") as out:
            for doc in data.chunks:
                out.write(_document_to_json(doc) + "\n")
        fault_point("chunks-written")
        data.manifest.updated_at = time.time()
        (staging / MANIFEST).write_text(data.manifest.model_dump_json(indent=1), encoding="utf-8")
        _fsync_folder(staging)
        fault_point("staged")
        version = index_dir / f"v-{time.time_ns()}"
        staging.rename(version)
        _fsync_dir(index_dir)
        fault_point("before-switch")
        _point_to(index_dir, version)
        fault_point("after-switch")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    remove_stale_versions(index_dir)
    return version


def _live_tokens(index_dir: Path):
    """Look-up of the live version's chunk tokens by file name and text, so only new chunks are tokenized."""
    live = current_version(index_dir)
    if live is None or not lexical.exists(live):
        return None
    try:
        chunks = _read_chunks(live)
        saved = lexical.load(live, len(chunks))
    except (OSError, ValueError, KeyError, json.JSONDecodeError, UserError):
        return None  # unreadable: tokenize everything again
    known = {lexical.token_key(doc): row for row, doc in enumerate(chunks)}

    def reuse(doc: Document) -> list[str] | None:
        row = known.get(lexical.token_key(doc))
        return None if row is None else saved.tokens_of(row)

    return reuse


def _flat_index(data: IndexData):
    index = faiss.IndexFlatIP(data.manifest.embedding.dimension)
    vectors = data.get_vectors()
    if len(vectors):
        index.add(vectors)
    return index


def approximate_index(vectors: np.ndarray, seed: int = 1234):
    """An IVF index (inner product) over `vectors`: about sqrt(n) lists, trained on a sample of at most 100k rows."""
    count, dimension = vectors.shape
    lists = max(1, int(np.sqrt(count)))
    quantizer = faiss.IndexFlatIP(dimension)
    index = faiss.IndexIVFFlat(quantizer, dimension, lists, faiss.METRIC_INNER_PRODUCT)
    sample = vectors
    if count > 100_000:
        sample = vectors[np.random.default_rng(seed).choice(count, 100_000, replace=False)]
    index.train(sample)
    index.add(vectors)
    return index


def remove_stale_versions(index_dir: Path) -> None:
    """Delete versions that are no longer live and staging folders left by killed ingests.

    Call only while holding the ingest lock.
    """
    live = current_version(index_dir)
    for entry in index_dir.iterdir():
        if entry.is_dir() and entry != live and (entry.name.startswith("v-") or entry.name.startswith(".tmp-")):
            shutil.rmtree(entry, ignore_errors=True)


def _point_to(index_dir: Path, version: Path) -> None:
    tmp = index_dir / f".{POINTER}.tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(version.name + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, index_dir / POINTER)
    _fsync_dir(index_dir)  # the rename itself must survive a power cut, not only the file's bytes


def _fsync_dir(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def fault_point(stage: str, subject: str | None = None) -> None:
    """SIGKILL this process here when DOCQA_FAULT_STAGE names `stage` (the robustness suite's kill points).

    DOCQA_FAULT_FILE limits it to subjects (file names) containing that text; DOCQA_FAULT_ONCE=PATH to the first
    time (the file at PATH records it), so that a retry goes through.
    """
    if os.environ.get(FAULT_ENV) != stage:
        return
    only = os.environ.get("DOCQA_FAULT_FILE")
    if only and (subject is None or only not in subject):
        return
    once = os.environ.get("DOCQA_FAULT_ONCE")
    if once:
        try:
            os.close(os.open(once, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


def _fsync_folder(folder: Path) -> None:
    for path in folder.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    _fsync_dir(folder)


def _document_to_json(doc: Document) -> str:
    return json.dumps({"id": doc.id, "text": doc.page_content, "metadata": doc.metadata}, ensure_ascii=False)


def _document_from_json(line: str) -> Document:
    record = json.loads(line)
    return Document(id=record.get("id"), page_content=record["text"], metadata=record["metadata"])


def chunk_id(doc: Document) -> str:
    return f"{doc.metadata['source']}#{doc.metadata['chunk']}"


def as_vectorstore(data: IndexData, embeddings):
    """The index as a LangChain FAISS vector store (scores are cosine similarities)."""
    from langchain_community.docstore.in_memory import InMemoryDocstore
    from langchain_community.vectorstores import FAISS
    from langchain_community.vectorstores.utils import DistanceStrategy
    from langchain_core.embeddings import Embeddings

    if not isinstance(embeddings, Embeddings):
        Embeddings.register(type(embeddings))  # docqa's LocalEmbeddings has the methods without the base class

    index = data.faiss_index if data.faiss_index is not None else _flat_index(data)
    ids = [doc.id or chunk_id(doc) for doc in data.chunks]
    docstore = InMemoryDocstore({doc_id: doc for doc_id, doc in zip(ids, data.chunks)})
    return FAISS(
        embedding_function=embeddings,
        index=index,
        docstore=docstore,
        index_to_docstore_id=dict(enumerate(ids)),
        distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT,
    )
