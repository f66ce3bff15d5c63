"""What the web UI runs on: one set of loaded models and one index, shared by every browser session.

Backends are loaded once per (backend, model, ...) and kept warm, so switching back and forth in the
settings panel costs a load only the first time; only models docqa knows (the backend's default, files
and OpenVINO folders under models/, the one named at start) can be chosen, and at most `web_max_models`
stay loaded. Generation is serialised (one CPU, one model call at a time). The retriever is built once per
index version and rebuilt when `CURRENT` names another one (an ingest from the CLI included). Uploads are
parsed in a worker process with a time and memory limit, then ingested with the same `rag.ingest.pipeline.ingest`
as the CLI.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rag.config import Settings
from rag.errors import UserError
from rag.ingest.pipeline import IngestSummary, ingest
from rag.llm.base import LLMBackend
from rag.answer.answerer import Answer, Answerer, Conversation
from rag.answer.units import Unit
from rag.retrieve.hybrid import HybridRetriever, build_retriever
from rag.ingest.uploads import Rejected, store_uploads

log = logging.getLogger("rag.web")

# Settings the UI may change per question; everything else comes from rag.toml / RAG_* / flags.
UI_SETTINGS = ("backend", "model", "k", "max_new_tokens", "temperature", "top_k", "top_p", "repetition_penalty")
BACKEND_KEY = ("backend", "model", "model_type", "device", "openvino_engine", "context_length", "threads")
MODEL_SUFFIXES = (".gguf", ".bin")  # GGML/GGUF files for ctransformers; OpenVINO models are folders
OPENVINO_XML = "openvino_model.xml"


def known_models(settings: Settings) -> dict[str, Path]:
    """The models the web UI offers, by the name shown: files and OpenVINO folders under models/, and the model
    named when the server started. Nothing else can be loaded from the page."""
    found: dict[str, Path] = {}
    folder = Path(settings.models_dir)
    if folder.is_dir():
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith("."):
                continue
            if entry.is_file() and entry.suffix.lower() in MODEL_SUFFIXES or (entry / OPENVINO_XML).is_file():
                found[entry.name] = entry
    if settings.model is not None:
        found.setdefault(Path(settings.model).name, Path(settings.model))
    return found


def with_overrides(settings: Settings, **overrides: Any) -> Settings:
    """`settings` with UI values applied and validated (an invalid value is a UserError naming it)."""
    values = {**settings.model_dump(), **overrides}
    try:
        return Settings(**values)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise UserError(f"invalid setting: {problems}") from None


@dataclass
class Event:
    """One step of a streamed answer: a text piece, a notice, the final answer, or an error."""

    kind: str  # evidence | token | notice | done | error
    text: str = ""
    answer: Answer | None = None
    unit: Unit | None = None  # kind "evidence": the sentence or row shown before the answer


@dataclass
class ChatSession:
    """One browser tab: its conversation, the messages on screen, and the Stop flag of the running answer."""

    conversation: Conversation = field(default_factory=Conversation)
    messages: list[dict] = field(default_factory=list)
    generation: int = 0  # bumped by Clear, so a stream started before it stops updating the page
    collection: str = "default"  # the collection picked on the page (rag.index.collections)
    _stop: threading.Event | None = None

    def begin_answer(self) -> threading.Event:
        self._stop = threading.Event()
        return self._stop

    def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()

    def clear(self) -> None:
        """Start a new conversation; an answer still being generated is stopped and forgotten."""
        self.stop()
        self.generation += 1
        self.conversation = Conversation()  # a new object: the stopped answer is recorded in the old one
        self.messages = []


class Engine:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.embeddings = None
        self.index = None  # rag.index.store.IndexData of the live index, None while there is none
        self.version: str | None = None  # rag.index.live.live_version of the loaded index
        self.startup_error: str | None = None
        self._backends: OrderedDict[tuple, LLMBackend] = OrderedDict()  # least recently used first
        self._retrievers: dict[int, HybridRetriever] = {}  # by k, for the loaded index version
        self._load_lock = threading.Lock()
        self._generate_lock = threading.Lock()
        self._index_lock = threading.Lock()

    def sibling(self, settings: Settings) -> "Engine":
        """An engine over another collection's index (`settings` from rag.index.collections.settings_for) that
        shares this one's loaded models, embeddings and generation lock: one CPU, one model call at a time."""
        other = Engine(settings)
        other.embeddings, other.startup_error = self._embeddings(), None
        other._backends, other._load_lock, other._generate_lock = self._backends, self._load_lock, self._generate_lock
        try:
            other.reload_index()
        except UserError as exc:
            other.startup_error = str(exc)
        return other

    def ocr_languages(self) -> str:
        """The Tesseract languages that place words on scanned pages (as at ingest)."""
        from rag.ingest.ocr import resolve_languages

        try:
            return resolve_languages(self.settings.ocr_lang) or "eng"
        except UserError:
            return "eng"

    # ------------------------------------------------------------ loading

    def warm_up(self, announce: Callable[[str], None]) -> None:
        """Load the embeddings, the index (ingesting data/ first if there is none) and the default model.

        A failure is kept in `startup_error` for the page to show; the UI starts regardless.
        """
        from rag.answer.answerer import load_answerer

        try:
            answerer = load_answerer(self.settings, announce=announce)
        except UserError as exc:
            self.startup_error = str(exc)
            announce(f"warning: {exc}")
            self._try_reload_index(announce)
            return
        self._backends[self._backend_key(self.settings)] = answerer.backend
        self.embeddings = answerer.retriever.embeddings
        self.reload_index()

    def backend(self, settings: Settings, announce: Callable[[str], None] = log.info) -> LLMBackend:
        """The backend for `settings`, loaded on first use and then kept (at most `web_max_models` of them)."""
        key = self._backend_key(settings)
        with self._load_lock:
            if key not in self._backends:
                from rag.llm import load_backend

                while len(self._backends) >= self.settings.web_max_models:
                    self._backends.popitem(last=False)  # the least recently used model is unloaded
                self._backends[key] = load_backend(settings, announce=announce)
            self._backends.move_to_end(key)
            return self._backends[key]

    def model_choices(self) -> list[str]:
        return ["", *known_models(self.settings)]

    def model_path(self, choice: str | None) -> Path | None:
        """The path of a model offered by `model_choices` ("" or None: the backend's default). Any other value is
        refused with the same message whether or not such a file exists."""
        choice = (choice or "").strip()
        if not choice:
            return None
        known = known_models(self.settings)
        if choice not in known:
            raise UserError(f"{choice!r} is not one of the models offered; put model files or OpenVINO folders "
                            f"in {self.settings.models_dir} and pick one from the list")
        return known[choice]

    def loaded_backends(self) -> list[str]:
        return [backend.describe() for backend in self._backends.values()]

    def _backend_key(self, settings: Settings) -> tuple:
        return tuple(str(getattr(settings, name)) for name in BACKEND_KEY)

    def _embeddings(self):
        if self.embeddings is None:
            from rag.index.embeddings import LocalEmbeddings

            self.embeddings = LocalEmbeddings(self.settings)
        return self.embeddings

    def reload_index(self) -> None:
        from rag.index.embeddings import embedding_model_name
        from rag.index.live import check_compatible, live_version, load_live

        version = live_version(self.settings)  # read first: an ingest after it is seen by the next refresh
        index = load_live(self.settings)
        if index is None:
            return
        check_compatible(index.manifest, self.settings, embedding_model_name(self.settings))
        self._embeddings()
        self.index, self.version = index, version  # answers in flight keep the old one until they end
        self._retrievers = {}

    def refresh_index(self) -> None:
        """Reload the index when its live version is not the loaded one (e.g. after a CLI ingest, FAISS or
        pgvector)."""
        from rag.index.live import live_version

        live = live_version(self.settings)
        if live is not None and (self.index is None or self.version != live):
            with self._index_lock:
                if self.index is None or self.version != live_version(self.settings):
                    self.reload_index()

    def _try_reload_index(self, announce: Callable[[str], None]) -> None:
        try:
            self.reload_index()
        except UserError as exc:
            announce(f"warning: {exc}")

    # ------------------------------------------------------------ answering

    def answerer(self, **overrides: Any) -> Answerer:
        if "model" in overrides:
            overrides["model"] = self.model_path(overrides["model"] and str(overrides["model"]))
        settings = with_overrides(self.settings, **overrides)
        self.refresh_index()
        if self.index is None or not self.index.chunks:
            raise UserError("no documents are indexed yet: add PDFs in the Documents panel")
        backend = self.backend(settings)
        return Answerer(settings, self._retriever(settings), backend, {})

    def _retriever(self, settings: Settings) -> HybridRetriever:
        """The CLI's retriever (rag.answer.answerer.load_answerer), built once per index version and k; its look-up
        tables of names, pages and contacts are the index's own (rag.index.base.derived), shared by every k."""
        retrievers = self._retrievers  # replaced, not cleared, by reload_index
        if settings.k not in retrievers:
            retrievers[settings.k] = build_retriever(settings, self.index, self._embeddings())
        return retrievers[settings.k]

    def stream_answer(self, conversation: Conversation, question: str, overrides: dict[str, Any],
                      stop: threading.Event) -> Iterator[Event]:
        """Answer in a worker thread and yield its events as they come; `stop` is honoured between tokens."""
        events: queue.Queue[Event] = queue.Queue()

        def work() -> None:
            try:
                answerer = self.answerer(**overrides)
                with self._generate_lock:
                    answer = conversation.ask(
                        answerer, question,
                        on_token=lambda piece: events.put(Event("token", piece)),
                        on_notice=lambda note: events.put(Event("notice", note)),
                        should_stop=stop.is_set,
                        on_evidence=lambda unit: events.put(Event("evidence", unit=unit)),
                    )
                events.put(Event("done", answer=answer))
            except UserError as exc:
                events.put(Event("error", str(exc)))
            except Exception as exc:  # a bug must not leave the page waiting forever
                log.exception("answering failed")
                events.put(Event("error", f"internal error: {type(exc).__name__}: {exc}"))

        threading.Thread(target=work, name="docqa-answer", daemon=True).start()
        while True:
            event = events.get()
            yield event
            if event.kind in ("done", "error"):
                return

    # ------------------------------------------------------------ documents

    def documents(self) -> list[list[Any]]:
        """One row per indexed file: name, pages, chunks, warnings."""
        if self.index is None:
            return []
        return [[name, entry.pages, entry.chunks, "; ".join(entry.warnings)]
                for name, entry in sorted(self.index.manifest.files.items())]

    def add_pdfs(self, uploads: list[tuple[Path, str]], max_bytes: int,
                 on_stage: Callable[[str], None] = log.info,
                 notes: list[str] | None = None) -> tuple[IngestSummary | None, list[Rejected]]:
        """Store the valid uploads in the data folder and ingest just those files; then reload the index.

        An upload named like an existing document with other content is stored under a new name, said in `notes`.
        """
        from rag.ingest.sandbox import ParseLimits

        with self._index_lock:
            on_stage("checking and storing the files")
            stored, rejected = store_uploads(uploads, self.settings.data_dir, max_bytes, notes=notes)
            if not stored:
                return None, rejected
            on_stage(f"ingesting {len(stored)} file(s): parsing, chunking, embedding")
            # Parsed in a spawned worker process with a time and memory limit: a pathological PDF fails alone.
            limits = ParseLimits(seconds=self.settings.upload_parse_seconds,
                                 memory_mb=self.settings.upload_parse_memory_mb)
            summary = ingest(self.settings, stored, progress=False, embeddings=self._embeddings(), limits=limits)
            on_stage("loading the updated index")
            self.reload_index()
            return summary, rejected
