"""The Ray engine (`--engine ray`): parse, OCR, chunk and embed the new and changed files as tasks on a Ray cluster.

Each file's bytes go into Ray's object store once, so workers on other machines need no shared folder. The stages
are Ray tasks that overlap: page ranges are read (`PAGES_PER_TASK`, as the local engine splits them), a file whose
ranges are all in is OCR'd and chunked by one task, and its chunks are embedded in batches of
`EMBED_TASK_BATCHES` x `embed_batch_size` texts by tasks that keep the embedder loaded in their worker process.
The driver (this process) only merges results; the pipeline then writes them into pgvector in one transaction.

Failures: Ray re-runs a task whose worker process died (`RETRIES` times); a file whose task still fails, or raises,
is reported failed with its reason and the run goes on. Fault points for the tests (`rag.index.store.fault_point`):
DOCQA_FAULT_STAGE=ray-parse / ray-embed SIGKILLs the worker running that stage (DOCQA_FAULT_FILE: only for sources
containing that text; DOCQA_FAULT_ONCE=PATH: only the first time, so the retry succeeds).

Without `ray_address` a local Ray is started with `parse_workers` (default: all) CPUs for this process's lifetime.
docs: docs/scale-out.md
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import Counter, deque
from pathlib import Path

from tqdm import tqdm

from rag.config import Settings
from rag.errors import missing_extra
from rag.index.store import FAULT_ENV, fault_point
from rag.ingest import ocr
from rag.ingest.chunking import make_splitter
from rag.ingest.engines.base import Job, Produced, chunk_file, embedding_texts
from rag.ingest.engines.local import merge_part, parse_tasks
from rag.ingest.formats import read_document
from rag.ingest.pdf import ParsedPdf

FILES_PER_CPU = 4  # files in flight per cluster CPU
RETRIES = 2  # re-runs of a task whose worker process died (killed, out of memory, machine lost)
EMBED_TASK_BATCHES = 4  # embedder batches per embedding task: fewer, larger tasks, same vectors
FAULT_STAGES = ("ray-parse", "ray-embed")
FORWARDED_ENV = (FAULT_ENV, "DOCQA_FAULT_FILE", "DOCQA_FAULT_ONCE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")


def require_ray():
    try:
        import ray
    except ImportError:
        raise missing_extra("ray", "ray") from None
    return ray


def connect(settings: Settings):
    """Join the cluster at `ray_address`, or start a local one with this machine's cores (once per process)."""
    ray = require_ray()
    if ray.is_initialized():
        return ray
    env = {name: os.environ[name] for name in FORWARDED_ENV if name in os.environ}
    options = dict(log_to_driver=False, logging_level="ERROR", configure_logging=True)
    if settings.ray_address:
        ray.init(address=settings.ray_address, runtime_env={"env_vars": env} if env else None, **options)
    else:
        # Local workers import this very copy of docqa, whatever is installed.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[3]),
                                                          os.environ.get("PYTHONPATH")]))
        ray.init(num_cpus=settings.parse_workers or os.cpu_count() or 1, include_dashboard=False,
                 runtime_env={"env_vars": env}, **options)
    _errors_to_stderr()
    return ray


def _errors_to_stderr() -> None:
    """Ray's driver prints the cluster's error messages ("Task ... failed ... will be retried") from a background
    thread on stdout, where they would break `--json` output: send them to stderr."""
    module = sys.modules.get("ray._private.worker")
    original = getattr(module, "print_to_stdstream", None)
    if original is None or getattr(original, "docqa", False):
        return

    def to_stderr(data, *args, **kwargs):
        return original({**data, "is_err": True}, *args, **kwargs)

    to_stderr.docqa = True
    module.print_to_stdstream = to_stderr


class RayEngine:
    name = "ray"

    def produce(self, job: Job, clock) -> Produced:
        with clock("start"):
            ray = connect(job.settings)
        run = _Run(ray, job)
        run.submit_reads()
        run.wait_all(clock)
        return run.produced()


# ---------------------------------------------------------------- the driver's side


class _Run:
    """One engine run: the tasks in flight, and what each file has come back with."""

    def __init__(self, ray, job: Job):
        self.ray, self.job, self.settings = ray, job, job.settings
        self.remote = _remote_functions(ray)
        self.tasks, self.results = parse_tasks(job.paths, job.password)
        self.parts_left = Counter(index for index, _ in self.tasks)
        count = len(job.paths)
        no_ocr = ocr.ocr_state(self.settings.ocr, job.ocr_languages, False)
        self.states: list[str] = [no_ocr] * count
        self.chunks: list[list | None] = [None] * count
        self.vectors: list[dict[int, object]] = [{} for _ in range(count)]
        self.batches_left = [0] * count
        self.ocr = ocr.OcrRun(languages=job.ocr_languages)
        self.dimension: int | None = None
        self.pending: dict = {}  # ObjectRef -> (stage, file index, detail)
        self.busy = Counter()  # seconds workers spent per stage (the per-worker throughput)
        self.blobs: dict[int, object] = {}
        self.waiting = deque(dict.fromkeys(index for index, _ in self.tasks))  # files not yet sent, in order
        self.in_flight: set[int] = set()
        # Files sent at once: enough to keep every CPU busy, few enough that their bytes fit the object store.
        self.window = max(1, FILES_PER_CPU * int(ray.cluster_resources().get("CPU", 1)))

    def submit_reads(self) -> None:
        """Send the next files' page ranges, up to `window` files in flight."""
        tables = self.settings.tables == "rows"
        while self.waiting and len(self.in_flight) < self.window:
            index = self.waiting.popleft()
            self.in_flight.add(index)
            for pages in (pages for task_index, pages in self.tasks if task_index == index):
                ref = self.remote["read"].remote(*self._blob(index), self.job.paths[index].name, self.job.password,
                                                 pages, tables, self.job.sources[index])
                self.pending[ref] = ("read", index, pages)

    def _blob(self, index: int) -> tuple:
        """(the file's bytes in the object store, its digest): a task argument Ray resolves before the task runs
        (a `ray.get` inside a task would free its CPU and make Ray start more workers than cores)."""
        if index not in self.blobs:
            self.blobs[index] = (self.ray.put(self.job.paths[index].read_bytes()), self.job.digests[index])
        return self.blobs[index]

    def wait_all(self, clock) -> None:
        started = time.perf_counter()
        embed_started = None
        bar = tqdm(total=len(self.job.paths), unit="file", desc="Ray", file=sys.stderr,
                   disable=not (self.job.progress and sys.stderr.isatty()))
        with bar:
            while self.pending:
                ready, _ = self.ray.wait(list(self.pending), num_returns=1)
                stage, index, detail = self.pending.pop(ready[0])
                try:
                    value = self.ray.get(ready[0])
                except Exception as exc:  # the task raised, or its worker died RETRIES + 1 times
                    self._fail(index, exc)
                    if stage == "read":
                        self._part_done(index)
                else:
                    if stage == "finish":
                        embed_started = embed_started or time.perf_counter()
                    self._handle(stage, index, detail, value)
                if index in self.in_flight and self._file_done(index):
                    self.in_flight.discard(index)
                    self.blobs.pop(index, None)  # its bytes can leave the object store
                    bar.update(1)
                    self.submit_reads()
        ended = time.perf_counter()
        clock.seconds["parse"] = clock.seconds.get("parse", 0.0) + ended - started
        clock.seconds["embed"] = clock.seconds.get("embed", 0.0) + (ended - embed_started if embed_started else 0.0)
        for stage, seconds in self.busy.items():
            clock.seconds[f"worker_{stage}"] = seconds
        if self.dimension is None and self.job.need_dimension:  # a new, empty index still records the dimension
            _, self.dimension, _ = self.ray.get(self.remote["embed"].remote([], self.settings, ""))

    def _handle(self, stage: str, index: int, detail, value) -> None:
        """Take in one task's result: merge a page range, or a file's chunks, or a batch of vectors."""
        if stage == "read":
            part, seconds = value
            self.busy["parse"] += seconds
            merge_part(self.results, index, detail, part)
            self._part_done(index)
        elif stage == "finish":
            self._finished(index, *value)
        else:
            vectors, self.dimension, seconds = value
            self.busy["embed"] += seconds
            self.vectors[index][detail] = vectors
            self.batches_left[index] -= 1

    def _file_done(self, index: int) -> bool:
        """Whether nothing more of this file is pending (a failed one: once its other page ranges are back)."""
        if self.results[index].error:
            return not self.parts_left[index]
        return self.chunks[index] is not None and not self.batches_left[index]

    def _part_done(self, index: int) -> None:
        self.parts_left[index] -= 1
        if self.parts_left[index] or self.results[index].error:
            return
        ref = self.remote["finish"].remote(*self._blob(index), self.job.paths[index].name, self.results[index],
                                           self.job.sources[index], self.settings, self.job.ocr_languages,
                                           self.job.password)
        self.pending[ref] = ("finish", index, None)

    def _finished(self, index: int, parsed: ParsedPdf, state: str, run: ocr.OcrRun, docs, seconds: float) -> None:
        self.results[index], self.states[index] = parsed, state
        self.busy["ocr+chunk"] += seconds
        self.ocr.pages += run.pages
        self.ocr.failed += run.failed
        self.ocr.missing_tesseract += run.missing_tesseract
        self.chunks[index] = docs or []
        if docs is None:
            return
        texts = embedding_texts({"": docs}, self.settings.chunk_context)
        size = self.settings.embed_batch_size * EMBED_TASK_BATCHES
        batches = [texts[start:start + size] for start in range(0, len(texts), size)]
        self.batches_left[index] = len(batches)
        for number, batch in enumerate(batches):
            ref = self.remote["embed"].remote(batch, self.settings, self.job.sources[index])
            self.pending[ref] = ("embed", index, number)

    def _fail(self, index: int, exc: Exception) -> None:
        if not self.results[index].error:
            self.results[index].error = failure_reason(exc)
        self.chunks[index] = None

    def produced(self) -> Produced:
        import numpy as np

        chunks, parts = {}, []
        for index, source in enumerate(self.job.sources):
            if self.results[index].error or self.chunks[index] is None:
                continue
            chunks[source] = self.chunks[index]
            parts.extend(self.vectors[index][number] for number in sorted(self.vectors[index]))
        vectors = None
        if self.dimension is not None:
            vectors = np.concatenate(parts) if parts else np.zeros((0, self.dimension), dtype=np.float32)
        return Produced(parsed=self.results, ocr_states=self.states, ocr=self.ocr, chunks=chunks, vectors=vectors,
                        dimension=self.dimension)


def failure_reason(exc: Exception) -> str:
    """One line for the ingest report: a dead worker, or the task's own error."""
    name = type(exc).__name__
    if name in ("WorkerCrashedError", "NodeDiedError", "OutOfMemoryError", "LocalRayletDiedError"):
        return (f"its Ray worker process died {RETRIES + 1} times while processing it (killed, out of memory, or "
                f"its machine was lost); the rest of the run went on")
    cause = getattr(exc, "cause", None) or exc
    lines = str(cause).strip().splitlines()
    return f"failed on the Ray cluster: {type(cause).__name__}: {lines[-1] if lines else ''}"


# ---------------------------------------------------------------- the workers' side


def _remote_functions(ray) -> dict:
    return {
        "read": ray.remote(num_cpus=1, max_retries=RETRIES)(read_task),
        "finish": ray.remote(num_cpus=1, max_retries=RETRIES)(finish_task),
        "embed": ray.remote(num_cpus=1, max_retries=RETRIES)(embed_task),
    }


def _local_copy(data: bytes, digest: str, name: str) -> Path:
    """The file on this worker machine's disk (the parsers and OCR read paths), written once per machine."""
    folder = Path(tempfile.gettempdir()) / "docqa-ray" / digest
    path = folder / name
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{name}.{os.getpid()}"
        partial.write_bytes(data)
        partial.replace(path)
    return path


def read_task(data: bytes, digest: str, name: str, password: str | None, pages: range | None, tables: bool,
              source: str) -> tuple[ParsedPdf, float]:
    """Read one page range (or a whole non-PDF file)."""
    fault_point("ray-parse", source)
    started = time.perf_counter()
    return read_document(_local_copy(data, digest, name), password, pages, tables), time.perf_counter() - started


def finish_task(data: bytes, digest: str, name: str, parsed: ParsedPdf, source: str, settings: Settings,
                languages: str, password: str | None):
    """OCR the pages of one parsed file that need it, then chunk it: (parsed, OCR state, OcrRun, chunks, seconds)."""
    started = time.perf_counter()
    path = _local_copy(data, digest, name)
    run, states = ocr.ocr_files([path], [parsed], mode=settings.ocr, languages=languages, dpi=settings.ocr_dpi,
                                timeout=settings.ocr_timeout, workers=1, password=password, progress=False)
    docs = chunk_file(parsed, source, digest, make_splitter(settings.chunk_size, settings.chunk_overlap))
    return parsed, states[0], run, docs, time.perf_counter() - started


_EMBEDDERS: dict[str, object] = {}  # per worker process: the embedder stays loaded between tasks


def embed_task(texts: list[str], settings: Settings, source: str):
    """Embed one batch of chunk texts: (vectors, dimension, seconds)."""
    fault_point("ray-embed", source)
    started = time.perf_counter()
    key = settings.model_dump_json(include={"embedding_model", "embedding_backend", "embedding_precision",
                                            "embed_batch_size", "models_dir"})
    if key not in _EMBEDDERS:
        from rag.index.embeddings import LocalEmbeddings

        _EMBEDDERS[key] = LocalEmbeddings(settings.model_copy(update={"threads": 1}))  # one CPU per task
        started = time.perf_counter()  # loading the model once per worker is not embedding time
    model = _EMBEDDERS[key]
    return model.encode(texts), model.dimension, time.perf_counter() - started
