"""The local engine (the default): parse in this machine's process pool, OCR, chunk, then embed in this process.

Also the page-range plan both engines parse by (`parse_tasks`, `merge_part`): long PDFs are split into ranges of
`PAGES_PER_TASK` pages so every core works on them; other formats are read whole by one task.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tqdm import tqdm

from rag.ingest import ocr
from rag.ingest.chunking import make_splitter
from rag.ingest.detect import detect
from rag.ingest.engines.base import Job, Produced, chunk_file
from rag.ingest.formats import read_document
from rag.ingest.pdf import ParsedPdf, open_pdf

PAGES_PER_TASK = 24  # long files are split into page ranges so both cores work on them


class LocalEngine:
    name = "local"

    def produce(self, job: Job, clock) -> Produced:
        settings = job.settings
        workers = settings.parse_workers or os.cpu_count() or 1
        with clock("parse"):
            parsed = parse_files(job.paths, job.password, workers, job.progress, job.limits,
                                 tables=settings.tables == "rows")
        with clock("ocr"):
            ocr_run, states = ocr.ocr_files(
                job.paths, parsed, mode=settings.ocr, languages=job.ocr_languages, dpi=settings.ocr_dpi,
                timeout=settings.ocr_timeout, workers=workers, password=job.password, progress=job.progress)
        with clock("chunk"):
            splitter = make_splitter(settings.chunk_size, settings.chunk_overlap)
            chunks = {source: docs for source, result, digest in zip(job.sources, parsed, job.digests)
                      if (docs := chunk_file(result, source, digest, splitter)) is not None}
        produced = Produced(parsed=parsed, ocr_states=states, ocr=ocr_run, chunks=chunks)
        texts = produced.texts(settings.chunk_context)
        with clock("embed"):
            if texts or job.need_dimension:
                embeddings = job.embeddings
                if embeddings is None:
                    from rag.index.embeddings import LocalEmbeddings

                    embeddings = LocalEmbeddings(settings)
                produced.vectors = embeddings.encode(texts, progress=job.progress)
                produced.dimension = embeddings.dimension
        return produced


# ---------------------------------------------------------------- parsing in page ranges


def _probe(path: Path, password: str | None) -> tuple[int | None, ParsedPdf | None]:
    """A PDF's page count (None: another format, read whole by one task), or its final result when it cannot open."""
    if detect(path).name != "pdf":
        return None, None
    reader, final = open_pdf(path, password)
    return (0, final) if reader is None else (len(reader.pages), None)


def parse_tasks(files: list[Path], password: str | None) -> tuple[list[tuple[int, range | None]], list[ParsedPdf]]:
    """The parse tasks for `files` as (file index, page range or None for a whole non-PDF file), and each file's
    result to merge them into (already final for a PDF that cannot be opened)."""
    probes = [_probe(path, password) for path in files]
    tasks = [
        (index, range(start, min(start + PAGES_PER_TASK, count + 1)) if count is not None else None)
        for index, (count, final) in enumerate(probes)
        if final is None
        for start in (range(1, count + 1, PAGES_PER_TASK) if count is not None else [1])
    ]
    results = [final if final is not None else ParsedPdf(page_count=count or 0) for count, final in probes]
    return tasks, results


def merge_part(results: list[ParsedPdf], index: int, pages: range | None, part: ParsedPdf) -> None:
    """Add one task's pages (or, for a whole file, its result) to the file's result."""
    if pages is None:
        results[index] = part
        return
    result = results[index]
    result.pages.extend(part.pages)
    result.table_failures += part.table_failures
    result.problems.extend(part.problems)
    if part.error and not result.error:
        result.error = part.error


def parse_files(files: list[Path], password: str | None, workers: int, progress: bool,
                limits=None, tables: bool = True) -> list[ParsedPdf]:
    """Parse files in parallel processes, splitting long files into page ranges.

    With `limits` (a `rag.ingest.sandbox.ParseLimits`, for untrusted files such as uploads) each file is parsed
    whole in a worker process under a time and memory limit instead, and nothing is parsed in this process.
    """
    if limits is not None:
        from rag.ingest.sandbox import parse_isolated

        return parse_isolated(files, password, limits, tables)
    tasks, results = parse_tasks(files, password)
    bar = tqdm(total=sum(len(pages) if pages else 1 for _, pages in tasks), unit="page", desc="Parsing",
               file=sys.stderr, disable=not (progress and sys.stderr.isatty()))
    with bar:
        for (index, pages), part in zip(tasks, _run_tasks(files, tasks, password, workers, tables)):
            merge_part(results, index, pages, part)
            bar.update(len(pages) if pages else 1)
    return results


def _run_tasks(files: list[Path], tasks: list[tuple[int, range]], password: str | None, workers: int,
               tables: bool = True):
    args = [(files[index], password, pages, tables) for index, pages in tasks]
    if workers <= 1 or len(tasks) <= 1:
        yield from (read_document(*arg) for arg in args)
        return
    # spawn, never fork: the caller may hold threads (torch, a loaded model, a web server) that fork would copy
    # mid-lock into the children.
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=multiprocessing.get_context("spawn")) as pool:
        yield from pool.map(_read_task, args)


def _read_task(arg: tuple[Path, str | None, range | None, bool]) -> ParsedPdf:
    return read_document(*arg)
