"""The ingest pipeline: turn PDFs into the searchable index, incrementally and atomically (`ingest`).

Files are discovered (`discover`), read page by page (`rag.ingest.pdf`, OCR for pages without text:
`rag.ingest.ocr`), split into chunks (`rag.ingest.chunking`), embedded (`rag.index.embeddings`) and written to
the configured store (`rag.index.store` files or `rag.index.pgvector`). Hands on: a new index version, and an
`IngestSummary` of what happened to every file (`format_summary` prints it; `python -m rag.ingest` is the command).

Unchanged files (same SHA-256) are skipped without being parsed, changed files have their chunks
replaced, files gone from a scanned folder have their chunks dropped. Only the new and changed files go to the
ingest engine (`rag.ingest.engines`: this machine's process pool, or a Ray cluster), which parses, OCRs, chunks and
embeds them; this process then writes the new index, swapped in only once it is complete.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout
from langchain_core.documents import Document
from rag.config import Settings
from rag.errors import UserError
from rag.hashing import sha256_file
from rag.index.store import (
    LOCK_NAME,
    ChunkingInfo,
    EmbeddingInfo,
    FileEntry,
    IndexData,
    Manifest,
    check_compatible,
    load_index,
    remove_stale_versions,
    write_index,
)
from rag.ingest.chunking import SPLITTER_NAME
from rag.ingest.detect import SUFFIXES
from rag.ingest.engines import check_engine, get_engine
from rag.ingest.engines.base import Job
from rag.ingest.engines.local import parse_files  # noqa: F401  (re-exported: the benchmarks parse with it)
from rag.ingest.overview import OVERVIEW_VERSION, build_overviews
from rag.ingest.pdf import ParsedPdf


@dataclass
class FileResult:
    source: str
    status: str  # added | updated | unchanged | removed | failed
    pages: int = 0
    chunks: int = 0
    reason: str | None = None  # why it failed
    warnings: list[str] = field(default_factory=list)
    ocr: str | None = None  # OCR state recorded in the manifest (rag.ingest.ocr.ocr_state)


@dataclass
class IngestSummary:
    index_dir: str
    files: list[FileResult] = field(default_factory=list)
    pages_parsed: int = 0
    chunks_embedded: int = 0
    chunks_in_index: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    ocr_pages: int = 0  # pages recognised by OCR in this run (including failed ones)
    ocr_failed: int = 0
    ocr_languages: str = ""
    tables: int = 0  # tables found and written as labelled rows
    table_failures: int = 0  # pages whose tables could not be read (kept as plain text)
    overviews: dict[str, dict] = field(default_factory=dict, repr=False)  # per new file (rag.ingest.overview), for
    # its manifest entry; not part of the printed summary

    def count(self, status: str) -> int:
        return sum(1 for item in self.files if item.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [item for item in self.files if item.status == "failed"]

    @property
    def chunks_per_second(self) -> float:
        embed = self.seconds.get("embed", 0.0)
        return self.chunks_embedded / embed if embed > 0 else 0.0

    def to_dict(self) -> dict:
        return {
            "index_dir": self.index_dir,
            "counts": {s: self.count(s) for s in ("added", "updated", "unchanged", "removed", "failed")},
            "warnings": sum(1 for item in self.files if item.warnings),
            "pages_parsed": self.pages_parsed,
            "chunks_embedded": self.chunks_embedded,
            "chunks_in_index": self.chunks_in_index,
            "chunks_per_second": round(self.chunks_per_second, 1),
            "ocr": {"pages": self.ocr_pages, "failed": self.ocr_failed, "languages": self.ocr_languages},
            "tables": {"found": self.tables, "failed_pages": self.table_failures},
            "seconds": {stage: round(value, 3) for stage, value in self.seconds.items()},
            "files": [asdict(item) for item in self.files],
        }


# ---------------------------------------------------------------- finding files


def discover(paths: list[Path], data_dir: Path) -> tuple[dict[str, Path], list[Path]]:
    """Documents under `paths` (the extensions in `rag.ingest.detect.SUFFIXES`; hidden files and folders skipped),
    keyed by their name relative to the data folder; also the folders scanned."""
    found: dict[str, Path] = {}
    folders: list[Path] = []
    for path in paths:
        if path.is_dir():
            folders.append(path)
            candidates = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()
                                and not any(part.startswith((".", "~$")) for part in p.relative_to(path).parts))
        elif path.is_file():
            candidates = [path]
        else:
            raise UserError(f"{path}: no such file or folder")
        for candidate in candidates:
            found[source_name(candidate, data_dir)] = candidate
    return found, folders


def source_name(path: Path, data_dir: Path) -> str:
    resolved = path.resolve()
    try:
        return resolved.relative_to(data_dir.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def in_scope(source: str, paths: list[Path], folders: list[Path], data_dir: Path) -> bool:
    """Whether an indexed file falls under what this run scanned (so its absence means it was removed)."""
    path = (data_dir / source) if not source.startswith("/") else Path(source)
    resolved = path.resolve()
    scanned_files = {p.resolve() for p in paths if not p.is_dir()}
    return resolved in scanned_files or any(resolved.is_relative_to(folder.resolve()) for folder in folders)


# ---------------------------------------------------------------- the run


@dataclass
class _Plan:
    """What this run will do to the index: files to parse, unchanged ones, ones to drop."""

    to_parse: dict[str, tuple[Path, str]] = field(default_factory=dict)  # source -> (path, sha256)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def plan(found: dict[str, Path], old: Manifest | None, in_scope_fn: Callable[[str], bool],
         up_to_date: Callable[[FileEntry], bool] | None = None) -> _Plan:
    """`up_to_date` says whether an entry's other state (OCR) still holds; when not, the file is parsed again."""
    result = _Plan()
    old_files = old.files if old else {}
    for source, path in found.items():
        digest = sha256_file(path)
        entry = old_files.get(source)
        if entry is not None and entry.sha256 == digest and (up_to_date is None or up_to_date(entry)):
            result.unchanged.append(source)
        else:
            result.to_parse[source] = (path, digest)
    result.removed = [source for source in old_files if source not in found and in_scope_fn(source)]
    return result


def ingest(
    settings: Settings,
    paths: list[Path] | None = None,
    *,
    rebuild: bool = False,
    password: str | None = None,
    progress: bool = True,
    embeddings=None,
    limits=None,
) -> IngestSummary:
    """Bring the index in `settings.index_dir` up to date with the PDFs under `paths` (default: the data folder).

    `embeddings` may be an already loaded `LocalEmbeddings`; otherwise it is loaded only if there is work for it.
    `limits` (`rag.ingest.sandbox.ParseLimits`) parses each file in a worker process with a time and memory limit.
    Files are parsed and embedded by the engine of setting `ingest_engine` (`rag.ingest.engines`; uploads under
    `limits` always locally); this process decides what changed and writes the index.
    """
    paths = paths or [settings.data_dir]
    if paths == [settings.data_dir] and not settings.data_dir.is_dir():
        raise UserError(f"{settings.data_dir}: no such folder; put your PDFs there or name them on the command line")
    if limits is None:
        check_engine(settings)
    if settings.store == "pgvector":  # the database's advisory lock serialises ingests; one transaction writes
        from rag.index.pgvector import PgStore

        store = PgStore(settings)
        with store.ingest_lock() as conn:
            summary = _ingest_locked(settings, paths, rebuild, password, progress, embeddings, limits,
                                     target=(store, conn))
            store.match_vector_index(conn)  # `pg_index` changed with no file changed: rebuild it now
            return summary
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.index_dir / LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise UserError(
            f"{settings.index_dir}: another ingest is running (lock {settings.index_dir / LOCK_NAME}); "
            "wait for it to finish and run again"
        ) from None
    try:
        remove_stale_versions(settings.index_dir)  # leftovers of a killed ingest
        return _ingest_locked(settings, paths, rebuild, password, progress, embeddings, limits)
    finally:
        lock.release()


def _ingest_locked(settings, paths, rebuild, password, progress, embeddings, limits=None,
                   target=None) -> IngestSummary:
    """`limits`: parse each file in a limited worker; `target`: (PgStore, its locked connection) for the pgvector
    store, None for FAISS files."""
    from rag.index.embeddings import embedding_model_name
    from rag.index.live import check_compatible as check_store_compatible, index_label
    from rag.ingest import ocr

    summary = IngestSummary(index_dir=index_label(settings))
    summary.ocr_languages = ocr.resolve_languages(settings.ocr_lang) if settings.ocr != "never" else ""
    clock = _StageClock(summary.seconds)
    model_name = embedding_model_name(settings)
    if target is not None:
        old = None if rebuild else target[0].read_manifest(target[1])
    else:
        old = None if rebuild else load_index(settings.index_dir)
    if old is not None:
        check_store_compatible(old.manifest, settings, model_name)
        if old.manifest.chunking.context != settings.chunk_context:
            print(f"{settings.index_dir}: chunks were embedded with context {old.manifest.chunking.context!r}, now "
                  f"{settings.chunk_context!r}; re-indexing every file (the old index stays in use until this "
                  "finishes)", file=sys.stderr)
            old = None
        elif old.manifest.chunking.tables != settings.tables:
            print(f"{settings.index_dir}: tables were read with setting {old.manifest.chunking.tables!r}, now "
                  f"{settings.tables!r}; re-indexing every file (the old index stays in use until this finishes)",
                  file=sys.stderr)
            old = None

    with clock("hash"):
        found, folders = discover(paths, settings.data_dir)
        todo = plan(found, old.manifest if old else None,
                    lambda source: in_scope(source, paths, folders, settings.data_dir),
                    lambda entry: ocr.state_matches(entry.ocr, entry.warnings, settings.ocr, summary.ocr_languages))
    for source in todo.unchanged:
        entry = old.manifest.files[source]
        summary.files.append(FileResult(source, "unchanged", entry.pages, entry.chunks))
    refreshed = []
    if target is None and old is not None:
        with clock("overview"):
            refreshed = _refresh_overviews(old, todo.unchanged, found, password)
    if not todo.to_parse and not todo.removed and old is not None:
        summary.chunks_in_index = _chunk_count(old)
        if refreshed:
            with clock("write"):
                _write_unchanged(settings, old)
        clock.total()
        return summary

    sources = list(todo.to_parse)
    job = Job(settings, [todo.to_parse[s][0] for s in sources], sources, [todo.to_parse[s][1] for s in sources],
              password=password, progress=progress, limits=limits, ocr_languages=summary.ocr_languages,
              embeddings=embeddings, need_dimension=old is None)
    engine = get_engine(settings.ingest_engine if limits is None else "local")  # uploads: locally, under limits
    produced = engine.produce(job, clock)
    parsed, new_chunks, vectors = produced.parsed, produced.chunks, produced.vectors
    summary.ocr_pages, summary.ocr_failed = produced.ocr.pages, produced.ocr.failed
    if produced.ocr.missing_tesseract:
        ocr.say_missing_tesseract(produced.ocr.missing_tesseract)
    for source, result, ocr_state in zip(sources, parsed, produced.ocr_states):
        summary.pages_parsed += len(result.pages)
        summary.tables += sum(len(page.tables) for page in result.pages)
        summary.table_failures += result.table_failures
        item = _file_result(source, result, was_indexed=old is not None and source in old.manifest.files)
        summary.files.append(item)
        item.ocr = ocr_state
        if item.status != "failed":
            item.chunks = len(new_chunks[source])
    for source in todo.removed:
        summary.files.append(FileResult(source, "removed"))
    summary.chunks_embedded = sum(len(docs) for docs in new_chunks.values())
    if old is not None and not new_chunks and not todo.removed:  # only failures: keep the index as it is
        summary.chunks_in_index = _chunk_count(old)
        if refreshed:
            with clock("write"):
                _write_unchanged(settings, old)
        clock.total()
        return summary
    dimension = produced.dimension if vectors is not None else old.manifest.embedding.dimension
    with clock("overview"):
        overviews = build_overviews(new_chunks, vectors, {s: todo.to_parse[s][0] for s in new_chunks}, password)
    for source, overview in overviews.items():
        summary.overviews[source] = overview
    with clock("write"):
        if target is not None:
            summary.chunks_in_index = _write_pg(target, old, settings, model_name, dimension, summary, todo, parsed,
                                                sources, new_chunks, vectors)
            clock.total()
            return summary
        data = _merge(old, settings, model_name, dimension, summary, todo, parsed, sources, new_chunks, vectors)
        write_index(settings.index_dir, data, approximate_above=settings.faiss_approximate_above)
        summary.chunks_in_index = len(data.chunks)
    clock.total()
    return summary


def _chunk_count(old) -> int:
    return old.chunk_count if hasattr(old, "chunk_count") else len(old.chunks)


def _write_pg(target, old, settings, model_name, dimension, summary, todo, parsed, sources, new_chunks,
              vectors) -> int:
    """Apply this run's changes to the pgvector store in one transaction; the number of chunks it then holds."""
    store, conn = target
    manifest, replaced = _next_manifest(old, settings, model_name, dimension, summary, todo, parsed, sources,
                                        new_chunks)
    docs = [doc for docs in new_chunks.values() for doc in docs]
    for doc in docs:
        doc.id = f"{doc.metadata['source']}#{doc.metadata['chunk']}"
    return store.apply(conn, manifest, replace_all=old is None, replaced=replaced, docs=docs, vectors=vectors)


def _file_result(source: str, result: ParsedPdf, was_indexed: bool) -> FileResult:
    status = "updated" if was_indexed else "added"
    if result.error:
        return FileResult(source, "failed", reason=result.error)
    item = FileResult(source, status, pages=result.page_count, warnings=list(result.problems))
    if result.kind == "image" and not result.has_text:
        item.warnings.insert(0, "an image (no text layer), and OCR found no text in it; nothing indexed"
                             if any(page.ocr for page in result.pages) else
                             "an image (no text layer), not read: OCR is off or Tesseract is missing; nothing indexed")
    elif result.kind not in ("pdf", "image"):
        if not result.has_text:
            item.warnings.insert(0, "no text found; nothing indexed")
    elif not result.has_text and any(page.ocr for page in result.pages):
        item.warnings.insert(0, "no text layer, and OCR found no text either; nothing indexed")
    elif not result.has_text:
        item.warnings.insert(0, "no text layer (scanned?); nothing indexed")
    else:
        empty = [page.number for page in result.pages if not page.text]
        if empty:
            item.warnings.append(f"{len(empty)} page(s) without text (scanned?): {_page_list(empty)}")
    return item


def _page_list(numbers: list[int], shown: int = 8) -> str:
    head = ", ".join(str(n) for n in numbers[:shown])
    return head + (f", … (+{len(numbers) - shown})" if len(numbers) > shown else "")


def expected_settings(settings: Settings, embedding_model: str, dimension: int) -> tuple[EmbeddingInfo, ChunkingInfo]:
    """What the manifest of an index built now records: the embedding model and the chunk settings."""
    return (
        EmbeddingInfo(model=embedding_model, dimension=dimension),
        ChunkingInfo(splitter=SPLITTER_NAME, chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap,
                     context=settings.chunk_context, tables=settings.tables),
    )


def _next_manifest(old, settings, model_name, dimension, summary, todo, parsed, sources, new_chunks):
    """The manifest after this run (kept files' entries, then the new ones) and the sources whose chunks go."""
    failed = {item.source for item in summary.failed}
    replaced = (set(new_chunks) | set(todo.removed)) - failed
    embedding, chunking = expected_settings(settings, model_name, dimension)
    manifest = Manifest(embedding=embedding, chunking=chunking)
    if old is not None:
        manifest.files = {s: e for s, e in old.manifest.files.items() if s not in replaced}
    by_source = {item.source: item for item in summary.files}
    for source, result in zip(sources, parsed):
        if source in new_chunks:
            path, digest = todo.to_parse[source]
            item = by_source[source]
            manifest.files[source] = FileEntry(sha256=digest, size=_size(path), pages=result.page_count,
                                               chunks=item.chunks, warnings=item.warnings, ocr=item.ocr,
                                               overview=summary.overviews.get(source))
    return manifest, replaced


def _refresh_overviews(old: IndexData, unchanged: list[str], found: dict[str, Path], password) -> list[str]:
    """Build again, from the chunks and vectors the index holds, the overviews an older docqa stored for unchanged
    files (`OVERVIEW_VERSION`): an upgrade brings better outlines without parsing or embedding anything again."""
    stale = [s for s in unchanged if (old.manifest.files[s].overview or {}).get("version") != OVERVIEW_VERSION]
    if not stale:
        return []
    rows_of: dict[str, list[int]] = {}
    for i, doc in enumerate(old.chunks):
        rows_of.setdefault(doc.metadata.get("source"), []).append(i)
    vectors = old.get_vectors()
    for source in stale:
        rows = rows_of.get(source, [])
        built = build_overviews({source: [old.chunks[i] for i in rows]}, vectors[rows], {source: found[source]},
                                password)
        old.manifest.files[source].overview = built[source]
    return stale


def _write_unchanged(settings: Settings, data: IndexData) -> None:
    """A new version of the index with the same chunks and vectors and an updated manifest."""
    data.manifest.updated_at = time.time()
    write_index(settings.index_dir, data, approximate_above=settings.faiss_approximate_above)


def _size(path: Path) -> int:
    """A file's size; 0 when it was deleted after it was read (a watched folder: the next run drops it)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _merge(old, settings, model_name, dimension, summary, todo, parsed, sources, new_chunks, new_vectors) -> IndexData:
    """The next index: old chunks of kept files, then the new chunks, with the manifest to match."""
    import numpy as np

    manifest, replaced = _next_manifest(old, settings, model_name, dimension, summary, todo, parsed, sources,
                                        new_chunks)
    chunks: list[Document] = []
    parts = []
    if old is not None:
        keep = [i for i, doc in enumerate(old.chunks) if doc.metadata["source"] not in replaced]
        chunks += [old.chunks[i] for i in keep]
        parts.append(old.get_vectors()[keep])
    for docs in new_chunks.values():
        for doc in docs:
            doc.id = f"{doc.metadata['source']}#{doc.metadata['chunk']}"
        chunks += docs
    if new_vectors is not None:
        parts.append(new_vectors)
    vectors = np.concatenate(parts) if parts else np.zeros((0, dimension), dtype=np.float32)
    return IndexData(manifest=manifest, chunks=chunks, vectors=vectors.reshape(-1, dimension))


class _StageClock:
    def __init__(self, seconds: dict[str, float]):
        self.seconds = seconds
        self.started = time.perf_counter()

    def __call__(self, stage: str):
        clock = self

        class _Stage:
            def __enter__(self):
                self.t0 = time.perf_counter()

            def __exit__(self, *exc):
                clock.seconds[stage] = clock.seconds.get(stage, 0.0) + time.perf_counter() - self.t0

        return _Stage()

    def total(self) -> None:
        self.seconds["total"] = time.perf_counter() - self.started


# ---------------------------------------------------------------- output


def format_summary(summary: IngestSummary) -> str:
    counts = summary.to_dict()["counts"]
    lines = []
    for item in summary.files:
        if item.status == "failed":
            lines.append(f"FAILED  {item.source}: {item.reason}")
        for warning in item.warnings:
            lines.append(f"warning {item.source}: {warning}")
    lines.append(
        f"Files: {counts['added']} added, {counts['updated']} updated, {counts['unchanged']} unchanged, "
        f"{counts['removed']} removed, {counts['failed']} failed"
    )
    lines.append(
        f"Pages parsed: {summary.pages_parsed}; chunks embedded: {summary.chunks_embedded}; "
        f"chunks in index: {summary.chunks_in_index} ({summary.index_dir})"
    )
    stages = ", ".join(f"{stage} {value:.2f}s" for stage, value in summary.seconds.items() if stage != "total")
    rate = f"; {summary.chunks_per_second:.1f} chunks/s" if summary.chunks_embedded else ""
    if summary.ocr_pages:
        ocr_seconds = summary.seconds.get("ocr", 0.0)
        lines.append(f"OCR: {summary.ocr_pages} page(s) recognised ({summary.ocr_languages}), "
                     f"{summary.ocr_failed} failed, {summary.ocr_pages / max(ocr_seconds, 1e-9):.2f} pages/s")
    if summary.tables or summary.table_failures:
        failed = f"; {summary.table_failures} page(s) whose tables could not be read kept as plain text" \
            if summary.table_failures else ""
        lines.append(f"Tables: {summary.tables} written as labelled rows{failed}")
    lines.append(f"Time: {summary.seconds.get('total', 0.0):.2f}s ({stages}){rate}")
    return "\n".join(lines)
