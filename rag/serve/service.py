"""What the HTTP server runs on: one warm model, embeddings and index per process, and a bounded queue in front.

- Each collection (rag.index.collections; docs/collections.md) is a `Library`, opened on first use; its index is
  re-read when its live version changes (a CLI `python -m rag.ingest`, a `--watch` batch or an upload), checked
  at each request, so a new version is picked up without a restart. The models are shared by all of them.
- At most `parallel` generations run at once (1 for a local model on this CPU); up to `max_queue` more wait their
  turn; beyond that a request is refused with 429 and a `Retry-After` estimated from recent answer times.
- Answers run in worker threads with the same `rag.answer.answerer.Answerer` (and its `Conversation` for history)
  as `main.py` and the web UI; their pieces are handed to the event loop as they come, and a stop flag set by a
  client that went away ends the generation at the next piece.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import math
import re
import statistics
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from pydantic import ValidationError

from rag.config import Settings
from rag.answer.conversation import Turn
from rag.errors import ModelError, UserError
from rag.llm.base import GenerationParams, LLMBackend
from rag.answer.answerer import Answer, Answerer, Conversation
from rag.serve.protocol import ApiError, ChatRequest, Message

log = logging.getLogger("rag.serve")

SAMPLING_TOP_K = 40  # with a temperature above 0 and the default top_k of 1 (greedy), sample from this many


# ---------------------------------------------------------------- thread safety around shared models


class LockedEmbeddings:
    """The embedding model shared by retrieval and uploads, one call at a time (it is not thread-safe)."""

    def __init__(self, embeddings: Any):
        self._inner = embeddings
        self._lock = threading.Lock()

    def embed_query(self, text: str):
        with self._lock:
            return self._inner.embed_query(text)

    def embed_documents(self, texts: list[str]):
        with self._lock:
            return self._inner.embed_documents(texts)

    def encode(self, *args, **kwargs):
        with self._lock:
            return self._inner.encode(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


# ---------------------------------------------------------------- the queue


class Slots:
    """`parallel` generations at once, `max_queue` waiting; admission is decided before a response starts."""

    def __init__(self, parallel: int, max_queue: int):
        self.parallel = parallel
        self.max_queue = max_queue
        self.running = 0
        self.waiting = 0
        self._semaphore: asyncio.Semaphore | None = None
        self._durations: collections.deque[float] = collections.deque(maxlen=32)

    def admit(self) -> None:
        """Reserve a place (running or waiting), or raise 429 when the queue is full."""
        if self.running + self.waiting >= self.parallel + self.max_queue:
            raise ApiError(429, f"the server is busy: {self.running} answer(s) running and {self.waiting} waiting "
                                f"(queue limit {self.max_queue}); retry later",
                           type="rate_limit_error", code="queue_full", headers={"Retry-After": str(self.retry_after())})
        self.waiting += 1

    def retry_after(self) -> int:
        typical = statistics.median(self._durations) if self._durations else 5.0
        return max(1, math.ceil(typical * (self.waiting + 1) / self.parallel))

    async def acquire(self) -> float:
        """Wait for a slot (after `admit`); a request cancelled while waiting leaves the queue. Returns the start."""
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.parallel)
        try:
            await self._semaphore.acquire()
        finally:
            self.waiting -= 1
        self.running += 1
        return time.perf_counter()

    def release(self, started: float) -> None:
        self.running -= 1
        self._durations.append(time.perf_counter() - started)
        self._semaphore.release()

    def status(self) -> dict:
        return {"running": self.running, "waiting": self.waiting, "parallel": self.parallel, "max_queue": self.max_queue}


# ---------------------------------------------------------------- events from a worker thread


@dataclass
class Event:
    kind: str  # evidence | token | notice | done | error
    text: str = ""
    evidence: dict | None = None  # kind "evidence": the sentence or row shown before the answer
    answer: Answer | None = None
    error: ApiError | None = None


def error_for(exc: BaseException) -> ApiError:
    """The HTTP error for a failure inside an answer (never a traceback)."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, ModelError):
        return ApiError(502 if "remote" in str(exc) else 500, str(exc), type="server_error", code="model_error")
    if isinstance(exc, UserError):
        return ApiError(400, str(exc))
    log.exception("answering failed", exc_info=exc)
    return ApiError(500, f"internal error ({type(exc).__name__}); see the server log", type="server_error")


# ---------------------------------------------------------------- one collection's index


class Library:
    """One collection (rag.index.collections): its settings, its live index and retriever, its uploads.

    The index is re-read when its live version changes, checked at each request."""

    def __init__(self, name: str, settings: Settings, service: "Service"):
        self.name, self.settings, self.service = name, settings, service
        self.index = None
        self.version: str | None = None  # rag.index.live.live_version of the loaded index
        self.retriever = None
        self._index_lock = threading.Lock()
        self._upload_lock = threading.Lock()

    def refresh(self) -> None:
        """Re-read the index when its live version changed since the last look (cheap when it did not)."""
        from rag.index.embeddings import embedding_model_name
        from rag.index.live import check_compatible, live_version, load_live

        if live_version(self.settings) == self.version:
            return
        with self._index_lock:
            version = live_version(self.settings)
            if version == self.version:
                return
            index = load_live(self.settings)
            if index is not None:
                check_compatible(index.manifest, self.settings, embedding_model_name(self.settings))
            from rag.retrieve.hybrid import build_retriever

            retriever = build_retriever(self.settings, index, self.service.embeddings) if index is not None else None
            # The old index is not closed here: answers in flight still search it (a pgvector index's connection
            # and snapshot go when the last of them lets go of it).
            self.index, self.retriever, self.version = index, retriever, version
            log.info("collection %s: index version %s loaded", self.name, version)

    def documents(self) -> list[dict]:
        self.refresh()
        if self.index is None:
            return []
        return [{"file": name, "pages": entry.pages, "chunks": entry.chunks, "warnings": list(entry.warnings)}
                for name, entry in sorted(self.index.manifest.files.items())]

    def add_pdfs(self, uploads: list[tuple[Path, str]]) -> dict:
        """Check and store the uploads in the collection's folder, ingest just those files, load the new index."""
        from rag.ingest.pipeline import ingest
        from rag.ingest.sandbox import ParseLimits
        from rag.ingest.uploads import store_uploads

        if not self._upload_lock.acquire(blocking=False):
            raise ApiError(409, "another upload is being ingested; retry when it is done", code="ingest_running")
        try:
            notes: list[str] = []  # an upload named like another document is stored under a new name
            Path(self.settings.data_dir).mkdir(parents=True, exist_ok=True)
            stored, rejected = store_uploads(uploads, self.settings.data_dir, self.service.max_upload_bytes,
                                             notes=notes)
            summary = None
            if stored:
                # Parsed in a spawned worker process with a time and memory limit (as web uploads are): a
                # pathological PDF fails alone and never hangs or exhausts the server.
                limits = ParseLimits(seconds=self.settings.upload_parse_seconds,
                                     memory_mb=self.settings.upload_parse_memory_mb)
                try:
                    summary = ingest(self.settings, stored, progress=False, embeddings=self.service.embeddings,
                                     limits=limits)
                except UserError as exc:
                    status = 409 if "another ingest is running" in str(exc) else 400
                    raise ApiError(status, str(exc), code="ingest_failed") from None
                self.refresh()
            files = [{"file": r.name, "status": "rejected", "reason": r.reason} for r in rejected]
            if summary is not None:
                files += [{"file": f.source, "status": f.status, "pages": f.pages, "chunks": f.chunks,
                           "reason": f.reason, "warnings": f.warnings} for f in summary.files]
            return {"object": "list", "data": files, "notes": notes,
                    "summary": summary.to_dict() if summary is not None else None,
                    "index_version": self.version, "collection": self.name}
        finally:
            self._upload_lock.release()


# ---------------------------------------------------------------- the service


class Service:
    def __init__(self, settings: Settings, *, parallel: int = 1, max_queue: int = 32,
                 max_upload_bytes: int = 100 * 10**6, only: list[str] | None = None):
        self.settings = settings
        self.only = list(only) if only else None  # serve these collections only (rag.serve --collection)
        self.default_name = self.only[0] if self.only else "default"  # what model "docqa" answers from
        self.slots = Slots(parallel, max_queue)
        self.max_upload_bytes = max_upload_bytes
        self.backend: LLMBackend | None = None
        self.embeddings: LockedEmbeddings | None = None
        self.started = time.time()
        self.stopped_early = 0  # answers ended because their client went away
        self._retriever_lock = threading.Lock()
        self._libraries: dict[str, Library] = {}
        self._libraries_lock = threading.Lock()

    # ------------------------------------------------------------ collections

    def library(self, name: str | None = None) -> Library | None:
        """The collection `name` (None: the server's default), opened on first use; None when there is no such
        collection (or this server does not serve it)."""
        from rag.index import collections

        name = name or self.default_name
        if name in self._libraries:
            return self._libraries[name]
        if self.only is not None and name not in self.only:
            return None
        if not collections.NAME_PATTERN.match(name) or not collections.exists(self.settings, name):
            return None
        with self._libraries_lock:
            if name not in self._libraries:
                try:
                    own = collections.settings_for(self.settings, name)
                except UserError as exc:
                    log.warning("collection %s: %s", name, exc)
                    return None
                self._libraries[name] = Library(name, own, self)
            return self._libraries[name]

    def collection_names(self) -> list[str]:
        from rag.index import collections

        return [name for name in collections.names(self.settings) if self.only is None or name in self.only]

    @property
    def index(self):
        return self.library().index

    @property
    def version(self) -> str | None:
        return self.library().version

    # ------------------------------------------------------------ loading

    def load(self, announce: Callable[[str], None] = log.info) -> None:
        """Load the model, the embeddings and the index (ingesting data/ first when there is no index but PDFs)."""
        from rag.index.embeddings import LocalEmbeddings
        from rag.llm import load_backend

        self.backend = load_backend(self.settings, announce=announce)
        self.embeddings = LockedEmbeddings(LocalEmbeddings(self.settings))
        library = self.library()
        library.refresh()
        if library.index is None and _has_pdfs(library.settings.data_dir):
            from rag.ingest.pipeline import format_summary, ingest

            announce(f"No index yet: ingesting {library.settings.data_dir} first ...")
            announce(format_summary(ingest(library.settings, progress=False, embeddings=self.embeddings)))
            library.refresh()
        if library.index is None:
            announce(f"warning: no index in {library.settings.index_dir} yet; upload documents with POST "
                     "/v1/documents")

    def refresh_index(self, name: str | None = None) -> None:
        """Re-read a collection's index when its live version changed (the default collection's when unnamed)."""
        self.library(name).refresh()

    # ------------------------------------------------------------ answering

    def answerer(self, request: ChatRequest, name: str | None = None) -> Answerer:
        library = self.library(name)
        library.refresh()
        if library.index is None or not library.index.chunks or library.retriever is None:
            raise ApiError(503, "no documents are indexed yet: upload documents with POST /v1/documents or run "
                                "`python -m rag.ingest`", type="server_error", code="no_index")
        settings = self.request_settings(request, library.settings)
        return Answerer(settings, _LockedRetriever(library.retriever, self._retriever_lock), self.backend, {})

    def request_settings(self, request: ChatRequest, base: Settings | None = None) -> Settings:
        base = base or self.settings
        overrides: dict[str, Any] = {}
        if request.answer_tokens() is not None:
            overrides["max_new_tokens"] = request.answer_tokens()
        if request.temperature is not None:
            overrides["temperature"] = request.temperature
            if request.temperature > 0 and base.top_k == 1:
                overrides["top_k"] = SAMPLING_TOP_K
        if request.top_p is not None:
            overrides["top_p"] = request.top_p
        if not overrides:
            return base
        try:
            return Settings(**{**base.model_dump(), **overrides})
        except ValidationError as exc:
            first = exc.errors()[0]
            raise ApiError(400, f"{first['loc'][0]}: {first['msg']}") from None

    def answer_job(self, request: ChatRequest, turns: list[Turn], question: str, name: str | None = None
                   ) -> Callable[[Callable[[Event], None], threading.Event], None]:
        """The work of one docqa answer from collection `name`, run in a worker thread by `stream_events`."""

        def work(emit: Callable[[Event], None], stop: threading.Event) -> None:
            answerer = self.answerer(request, name)
            conversation = Conversation(turns=list(turns))
            answer = conversation.ask(answerer, question, on_token=lambda piece: emit(Event("token", piece)),
                                      on_notice=lambda note: emit(Event("notice", note)), should_stop=stop.is_set,
                                      on_evidence=lambda unit: emit(Event("evidence", evidence=unit.to_dict())))
            self._count_stop(answer)
            emit(Event("done", answer=answer))

        return work

    def llm_job(self, request: ChatRequest) -> Callable[[Callable[[Event], None], threading.Event], None]:
        """The bare model on the conversation as given (no retrieval): docqa as a plain OpenAI-compatible LLM."""
        backend = self.backend
        prompt = render_chat(backend.chat_format, request.messages)
        settings = self.request_settings(request)
        params = GenerationParams(max_new_tokens=settings.max_new_tokens, temperature=settings.temperature,
                                  top_k=settings.top_k, top_p=settings.top_p,
                                  repetition_penalty=settings.repetition_penalty,
                                  stop=list(backend.stop) + request.stops())

        def work(emit: Callable[[Event], None], stop: threading.Event) -> None:
            answer = Answer(question="", model=backend.model_path.name, backend=backend.name)
            started = time.perf_counter()
            pieces: list[str] = []
            stream = backend.stream(prompt, params)
            try:
                for piece in stream:
                    pieces.append(piece)
                    emit(Event("token", piece))
                    if stop.is_set():
                        answer.stopped = True
                        break
            finally:
                stream.close()
            stats = backend.last_stats
            answer.answer = "".join(pieces)
            answer.timings.update({"prompt_tokens": stats.prompt_tokens, "ttft": stats.ttft_seconds,
                                   "generated_tokens": stats.generated_tokens,
                                   "tokens_per_second": stats.tokens_per_second,
                                   "total": time.perf_counter() - started})
            self._count_stop(answer)
            emit(Event("done", answer=answer))

        return work

    def _count_stop(self, answer: Answer) -> None:
        if answer.stopped:
            with self._retriever_lock:
                self.stopped_early += 1

    async def stream_events(self, job: Callable[[Callable[[Event], None], threading.Event], None]
                            ) -> AsyncIterator[Event]:
        """Run `job` in a thread once a slot is free and yield its events; closing this iterator stops the job."""
        loop = asyncio.get_running_loop()
        events: asyncio.Queue[Event] = asyncio.Queue()
        stop = threading.Event()

        def emit(event: Event) -> None:
            loop.call_soon_threadsafe(events.put_nowait, event)

        def run() -> None:
            try:
                job(emit, stop)
            except BaseException as exc:  # noqa: BLE001 - every failure must reach the client as an error event
                emit(Event("error", error=error_for(exc)))

        started = await self.slots.acquire()
        thread = threading.Thread(target=run, name="docqa-answer", daemon=True)
        thread.start()
        try:
            while True:
                event = await events.get()
                yield event
                if event.kind in ("done", "error"):
                    return
        finally:
            stop.set()  # a client that went away (or an error) ends the generation at its next piece
            with anyio.CancelScope(shield=True):  # the slot is free only once the model is
                while thread.is_alive():
                    await asyncio.sleep(0.02)
            self.slots.release(started)

    # ------------------------------------------------------------ documents

    def documents(self, name: str | None = None) -> list[dict]:
        return self.library(name).documents()

    def add_pdfs(self, uploads: list[tuple[Path, str]], name: str | None = None) -> dict:
        return self.library(name).add_pdfs(uploads)

    def health(self) -> dict:
        index = self.index
        return {
            "status": "ok" if index is not None else "no_index",
            "backend": self.backend.describe() if self.backend else None,
            "index_version": self.version,
            "documents": len(index.manifest.files) if index is not None else 0,
            "queue": self.slots.status(),
            "stopped_early": self.stopped_early,
            "uptime_seconds": round(time.time() - self.started, 1),
        }


class _LockedRetriever:
    """The shared retriever, one search at a time (Answerer only calls `invoke`)."""

    def __init__(self, retriever, lock: threading.Lock):
        self._retriever, self._lock = retriever, lock
        self.embeddings = retriever.embeddings

    def invoke(self, query: str, *args, **kwargs):
        with self._lock:
            return self._retriever.invoke(query, *args, **kwargs)


# ---------------------------------------------------------------- the bare model's prompt

# Markers that would act as control tokens if a client's text carried them into the prompt.
_CONTROL = re.compile(r"<\|[A-Za-z_]+\|>|\[/?INST\]|<</?SYS>>|</?s>")


def _clean(text: str) -> str:
    return _CONTROL.sub("", text).strip()


def render_chat(chat_format: str, messages: list[Message]) -> str:
    """The conversation in the model's chat format, ending where the assistant's answer starts."""
    if chat_format == "chatml":
        parts = []
        for message in messages:
            role = "system" if message.role in ("system", "developer") else message.role
            parts.append(f"<|im_start|>{role}\n{_clean(message.text())}<|im_end|>\n")
        return "".join(parts) + "<|im_start|>assistant\n"
    if chat_format == "llama2":
        system = "\n".join(_clean(m.text()) for m in messages if m.role in ("system", "developer"))
        text = f"[INST] <<SYS>>\n{system}\n<</SYS>>\n\n" if system else "[INST] "
        opened = True
        for message in messages:
            if message.role == "user":
                text += ("" if opened else "<s>[INST] ") + _clean(message.text()) + " [/INST]"
                opened = False
            elif message.role == "assistant":
                text += f" {_clean(message.text())} </s>"
        return text
    lines = [f"{m.role}: {_clean(m.text())}" for m in messages]
    return "\n".join(lines) + "\nassistant:"


def _has_pdfs(folder: Path) -> bool:
    from rag.ingest.detect import SUFFIXES

    return folder.is_dir() and any(p.suffix.lower() in SUFFIXES and p.is_file() for p in folder.rglob("*"))


def spool_uploads(files: list[tuple[Any, str]], folder: Path) -> list[tuple[Path, str]]:
    """Write uploaded file objects to temporary files in `folder` (store_uploads checks them from there)."""
    import shutil

    saved = []
    for number, (handle, name) in enumerate(files):
        path = Path(tempfile.mkstemp(dir=folder, prefix=f"upload-{number}-", suffix=".part")[1])
        with open(path, "wb") as out:
            handle.seek(0)
            shutil.copyfileobj(handle, out)
        saved.append((path, name))
    return saved
