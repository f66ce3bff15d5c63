"""Answering a question: retrieve passages, fit them into the model's window, stream the answer, cite pages.

The pieces are a retriever, a prompt template and a loaded backend (plain objects, so answering never imports
LangChain's runnables; `rag.answer.lcel` wraps them for LCEL chains); `Answerer.ask` runs them in order because two
decisions sit between retrieval and generation (abstain when nothing relevant was found; drop chunks that would
overflow the window) and each stage is timed on its own. The question is analysed once (`rag.query.analysis.QueryAnalysis`, built by
the retriever, which knows the index's file names) and that analysis goes to retrieval and to the relevance
check (`rag.answer.answerability`).

`load_answerer` loads everything once (model, embeddings, index; ingesting data/ first when there is no index);
`Conversation` asks through an `Answerer` with the earlier turns (`rag.answer.conversation`). Hands on an
`Answer`: the text, its numbered sources, citations, the grounding check and timings, for the CLI
(`rag.cli.output`), the web UI, the HTTP server and the evaluation.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from langchain_core.documents import Document

from rag.answer.abstention import (ECHO_REASON, READER_REASON, may_repeat_question, reader_abstained,
                                   repeats_question)
from rag.answer.answerability import judge
from rag.answer.conversation import MAX_TURNS, Turn, standalone_question, topic_of
from rag.answer.focus import focus_passages
from rag.answer.grounding import Grounding, check_grounding
from rag.answer.prompts import EXACT_ANSWER, READER_ABSTAIN, cited_numbers, format_passages, reader_template
from rag.answer.templates import ABSTAIN_TEXT, fit_context
from rag.answer.verify import Unit, Verdict, lead_evidence, verify
from rag.config import Settings
from rag.errors import UserError
from rag.llm.base import GenerationParams, LLMBackend
from rag.query.analysis import QueryAnalysis
from rag.retrieve.hybrid import build_retriever
from rag.text import neutralise_special_tokens, special_token_pattern

SNIPPET_CHARS = 160


@dataclass
class Source:
    number: int
    file: str
    page: int
    score: float
    text: str
    page_label: str | None = None
    match_start: int = 0  # where the best-matching chunk starts in `text`
    ocr: bool = False  # the page's text was recognised by OCR, not extracted
    table: dict | None = None  # the cells of the table rows in the passage: {caption, unit, headers, rows}

    @property
    def snippet(self) -> str:
        """The passage from its best-matching chunk on, in one line of at most SNIPPET_CHARS."""
        flat = " ".join(self.text[self.match_start:].split())
        prefix = "…" if self.match_start else ""
        return prefix + (flat if len(flat) <= SNIPPET_CHARS else flat[: SNIPPET_CHARS - 1].rstrip() + "…")

    def cite(self) -> str:
        label = f" (printed {self.page_label})" if self.page_label else ""
        ocr = " (OCR text)" if self.ocr else ""
        return f"[{self.number}] {self.file}, page {self.page}{label}{ocr} (score {self.score:.2f})"


@dataclass
class Answer:
    question: str
    answer: str = ""
    sources: list[Source] = field(default_factory=list)
    abstained: bool = False
    abstain_reason: str = ""  # why the documents cannot answer (when `abstained`)
    cited: list[int] = field(default_factory=list)  # the source numbers the answer cites as [n]
    dropped_chunks: int = 0  # retrieved but left out so the prompt fits the window
    stopped: bool = False  # generation ended early on request (should_stop)
    timings: dict[str, float] = field(default_factory=dict)
    model: str = ""
    backend: str = ""
    grounding: Grounding | None = None  # the answer's figures, dates and names looked up in the passages
    verdict: Verdict | None = None  # verified / unsupported / contradicted, with its evidence unit (rag.answer.verify)
    lead: Unit | None = None  # the evidence shown before the answer: the unit most like the question

    @property
    def supported_by(self) -> list[int]:
        """The source numbers holding the sentences the grounding check found for the answer (its evidence)."""
        found = [evidence.source for evidence in self.grounding.evidence] if self.grounding else []
        return list(dict.fromkeys(found))

    @property
    def points_to(self) -> list[int]:
        """The sources the answer rests on: those it cites as [n], else those its evidence sentences come from."""
        return self.cited or self.supported_by

    def to_dict(self) -> dict:
        return {
            "grounded": self.grounding.grounded if self.grounding else None,
            "grounding": self.grounding.to_dict() if self.grounding else None,
            "verdict": self.verdict.to_dict() if self.verdict else None,
            "lead_evidence": self.lead.to_dict() if self.lead else None,
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "abstain_reason": self.abstain_reason,
            "cited": self.cited,
            "supported_by": self.supported_by,
            "sources": [{"number": s.number, "file": s.file, "page": s.page, "page_label": s.page_label,
                         "score": s.score, "text": s.text, "ocr": s.ocr, "table": s.table} for s in self.sources],
            "dropped_chunks": self.dropped_chunks,
            "timings": {key: round(value, 4) for key, value in self.timings.items()},
            "model": self.model,
            "backend": self.backend,
        }


def to_sources(docs: list[Document]) -> list[Source]:
    return [
        Source(number=i, file=d.metadata["source"], page=d.metadata["page"], score=d.metadata.get("score", 0.0),
               text=d.page_content, page_label=d.metadata.get("page_label"),
               match_start=d.metadata.get("match_start", 0), ocr=bool(d.metadata.get("ocr")),
               table=d.metadata.get("table"))
        for i, d in enumerate(docs, start=1)
    ]


LOOP_PERIODS = range(8, 160)  # lengths of looping text that are detected, in characters
LONG_LOOP = 20  # a span this long generated twice in a row is a loop; a shorter one must come three times


def loop_excess(pieces: Sequence[str]) -> int:
    """How many characters at the end of the generated text repeat the span before them, or 0 if it is not looping.

    Greedy decoding makes small models loop ("or FA Cup, or Champions League, or FA Cup, or Champions League, ...")
    until the token limit; this is checked after every piece so the loop is cut short. A span of `LONG_LOOP`
    characters or more counts as a loop at its second copy, a shorter one at its third ("1,000 1,000" is text).
    """
    text = "".join(pieces)[-3 * LOOP_PERIODS.stop:]
    for period in LOOP_PERIODS:
        copies = 2 if period >= LONG_LOOP else 3
        if len(text) < copies * period:
            break
        tail = text[-period:]
        if all(text[-(copy + 1) * period: len(text) - copy * period] == tail for copy in range(1, copies)):
            return (copies - 1) * period
    return 0


def repeating_tail(text: str) -> int:
    """Characters at the end of `text` that repeat the text one period (of LOOP_PERIODS) before them.

    Such a tail may be the second copy of a loop in the making, so it is held back from the screen until it stops
    repeating (then it is ordinary text, e.g. a figure quoted twice) or becomes a loop (then it is cut unseen).
    """
    longest = 0
    for period in LOOP_PERIODS:
        if len(text) <= period + longest:
            break
        limit = min(period * (1 if period >= LONG_LOOP else 2), len(text) - period)
        size = 0
        while size < limit and text[-1 - size] == text[-1 - size - period]:
            size += 1
        longest = max(longest, size)
    return longest


class LoopGuard:
    """Streams generated text to the screen, holding back a tail that may be a loop; no loop is ever shown."""

    def __init__(self, show: Callable[[str], None] | None):
        self.show = show
        self.text = ""
        self.shown = 0
        self.looped = False

    def add(self, piece: str) -> bool:
        """Take a generated piece; True when the text has started to loop (the loop is cut, one copy kept)."""
        self.text += piece
        excess = loop_excess([self.text])
        if excess:
            self.text = self.text[: len(self.text) - excess]
            self.looped = True
            self.flush()
            return True
        self._show_until(len(self.text) - repeating_tail(self.text))
        return False

    def flush(self) -> None:
        self._show_until(len(self.text))

    def _show_until(self, end: int) -> None:
        if end > self.shown:
            if self.show:
                self.show(self.text[self.shown : end])
            self.shown = end


class HeldAbstention:
    """Passes streamed text on, except while it could still be no answer: the reader's "The documents do not say."
    or, given the `question`, an answer whose words so far all come from the question ("48 tables were consistent."
    for "Of the 48 tables, how many were consistent?"). That text is held back, so a "no answer" that a second look
    replaces is never shown; `release` shows what is held, `passing` tells whether anything was shown."""

    def __init__(self, show: Callable[[str], None] | None, question: str = ""):
        self.show = show
        self.question = question
        self.held = ""
        self.passing = False

    def __call__(self, piece: str) -> None:
        if self.passing:
            self._show(piece)
            return
        self.held += piece
        if not (self._may_be_no_answer() or self.question and may_repeat_question(self.held, self.question)):
            self.release()

    def _may_be_no_answer(self) -> bool:
        return READER_ABSTAIN.casefold().startswith(self.held.lstrip().casefold())

    def release(self) -> None:
        self.passing = True
        held, self.held = self.held, ""
        if held:
            self._show(held)

    def _show(self, text: str) -> None:
        if self.show:
            self.show(text)


class Answerer:
    """Everything loaded once (embeddings, index, model) to answer many questions."""

    def __init__(self, settings: Settings, retriever, backend: LLMBackend | BackgroundLoad,
                 load_timings: dict[str, float]):
        self.settings = settings
        self.retriever = retriever
        self.load_timings = load_timings
        self._pending = backend if isinstance(backend, BackgroundLoad) else None
        if self._pending is None:
            self._use(backend)

    @property
    def backend(self) -> LLMBackend:
        """The model; one still loading in the background (`load_answerer`) is waited for here."""
        if self._pending is not None:
            backend = self._pending.result()
            self._pending = None
            self.load_timings["model_load"] = backend.load_seconds
            self._use(backend)
        return self._backend

    def _use(self, backend: LLMBackend) -> None:
        self._backend = backend
        self.template = reader_template(backend, reader_abstains=self.settings.reader_abstains)
        # document text is data: special-token strings in passages, question and history never reach the model
        self._specials = special_token_pattern(getattr(backend, "special_tokens", ()))

    def analyse(self, query: str) -> QueryAnalysis:
        """What `query` asks: by the retriever when it can (it knows the index's file names), else from the text."""
        analyse = getattr(self.retriever, "analyse", None)
        return analyse(query) if analyse is not None else QueryAnalysis(query)

    def _retrieve(self, analysis: QueryAnalysis) -> list[Document]:
        """The passages for the analysed question; a retriever that analyses questions is given the analysis."""
        if hasattr(self.retriever, "analyse"):
            return self.retriever.invoke(analysis.question, analysis=analysis)
        return self.retriever.invoke(analysis.question)

    def generation_params(self) -> GenerationParams:
        s = self.settings
        return GenerationParams(max_new_tokens=s.max_new_tokens, temperature=s.temperature, top_k=s.top_k,
                                top_p=s.top_p, repetition_penalty=s.repetition_penalty, stop=list(self.backend.stop))

    def ask(self, question: str, on_token: Callable[[str], None] | None = None,
            on_notice: Callable[[str], None] | None = None, *, history: Sequence[Turn] = (),
            retrieval_query: str | None = None, should_stop: Callable[[], bool] | None = None,
            on_evidence: Callable[[Unit], None] | None = None) -> Answer:
        """Answer `question`, calling `on_token` with each piece of text as it is generated.

        `history` (earlier turns, see `rag.answer.conversation`) goes into the prompt, oldest dropped first to fit;
        `retrieval_query` replaces the question for the search; `should_stop` is checked after each piece
        and, once true, ends generation early (the answer so far is kept and `stopped` is set); `on_evidence` is
        called with the sentence or table row most like the question before the reader starts (evidence first).
        """
        question = question.strip()
        if not question:
            raise UserError("empty question", exit_code=2)
        started = time.perf_counter()
        t0 = time.perf_counter()
        analysis = self.analyse(retrieval_query or question)  # once: for retrieval and the relevance check
        docs = self._retrieve(analysis)
        retrieval_seconds = time.perf_counter() - t0
        backend = self.backend  # a model loading in the background meanwhile is ready from here on
        result = Answer(question=question, model=backend.model_path.name, backend=backend.name)
        result.timings.update(self.load_timings)
        result.timings["retrieval"] = retrieval_seconds
        s = self.settings
        verdict = judge(analysis, docs, s.score_threshold, s.max_missing_terms)
        relevant = verdict.passages
        if not relevant:
            result.abstained, result.abstain_reason = True, verdict.reason
            result.answer = f"{ABSTAIN_TEXT[:-1]}: {verdict.reason}." if verdict.reason else ABSTAIN_TEXT
            if on_token:
                on_token(result.answer)
            result.timings["total"] = time.perf_counter() - started
            return result

        relevant = [Document(neutralise_special_tokens(d.page_content, pattern=self._specials), metadata=d.metadata)
                    for d in relevant]
        asked = question  # as the person wrote it; `question` from here on is the prompt's copy
        question = neutralise_special_tokens(question, pattern=self._specials)
        history = [replace(t, question=neutralise_special_tokens(t.question, pattern=self._specials),
                           answer=neutralise_special_tokens(t.answer, pattern=self._specials)) for t in history]
        focused = focus_passages(relevant, analysis.search_tokens, s.context_chars)
        result.lead = lead_evidence(to_sources(relevant), asked)
        result.timings["first_evidence"] = time.perf_counter() - started
        if on_evidence and result.lead is not None:
            on_evidence(result.lead)
        held = HeldAbstention(on_token, asked)
        self._read(result, focused, relevant, question, history, held, on_notice, should_stop)
        look_again = s.second_look and not result.stopped and not self._cut_short()
        if look_again and repeats_question(result.answer, asked):
            # The reader restated the question instead of answering it: ask for the word, name or figure itself,
            # on the same passages. The restatement was never shown.
            result.timings["first_look"] = time.perf_counter() - started - result.timings["retrieval"]
            if on_notice:
                on_notice("note: the answer only repeated the question; asking for the exact word, name or number")
            question = f"{question} {EXACT_ANSWER}"
            held = HeldAbstention(on_token, asked)
            self._read(result, focused, relevant, question, history, held, on_notice, should_stop)
        if (look_again and not result.stopped and reader_abstained(result.answer)
                and [d.page_content for d in focused] != [d.page_content for d in relevant]):
            # The focused context left the reader without an answer: one more look at the whole passages (slower,
            # but it finds answers the cut text lost their labels for). The first "no answer" was never shown.
            # (An answer that still only repeats the question gets no such look: on the evaluation sets the whole
            # passages answered none of those right, and answered an unanswerable one.)
            result.timings["first_look"] = time.perf_counter() - started - result.timings["retrieval"]
            if on_notice:
                on_notice("note: no answer in the focused passages; reading the whole passages")
            if held.passing and on_token:  # a "no answer" in other words was shown: the new answer goes below it
                on_token("\n\n")
            held = HeldAbstention(on_token, asked)
            self._read(result, relevant, relevant, question, history, held, on_notice, should_stop)
        result.cited = cited_numbers(result.answer, len(result.sources))
        if reader_abstained(result.answer):
            held.release()
            result.abstained, result.abstain_reason = True, READER_REASON
        elif repeats_question(result.answer, asked) and not self._cut_short():  # a cut answer may not have got there
            result.abstained, result.abstain_reason = True, ECHO_REASON
            result.answer = f"{ABSTAIN_TEXT[:-1]}: {ECHO_REASON}."
            if held.passing:  # shown already (the stream looked like an answer at first): say it is withdrawn
                if on_notice:
                    on_notice(f"note: not an answer: {ECHO_REASON}")
            elif on_token:
                on_token(result.answer)
        else:
            held.release()
            if result.answer:
                t0 = time.perf_counter()
                result.grounding = check_grounding(result.answer, result.sources, asked)
                result.verdict = verify(result.answer, result.sources, asked)
                result.timings["verification"] = time.perf_counter() - t0
        self._record_generation(result)
        result.timings["total"] = time.perf_counter() - started
        return result

    def _cut_short(self) -> bool:
        """Whether the last answer stopped at the `max_new_tokens` limit rather than where the model ended it."""
        stats = getattr(self.backend, "last_stats", None)
        return stats is not None and stats.generated_tokens >= self.settings.max_new_tokens

    def _read(self, result: Answer, passages: list[Document], relevant: list[Document], question: str,
              history: Sequence[Turn], show: Callable[[str], None], on_notice: Callable[[str], None] | None,
              should_stop: Callable[[], bool] | None) -> None:
        """Fit `passages` (cut from `relevant`) into the window and stream the model's answer into `result`."""
        kept, dropped, _tokens = fit_context(passages, question, self.template, self.backend.count_tokens,
                                             self.backend.context_length, self.settings.max_new_tokens,
                                             format=format_passages)
        result.dropped_chunks = len(dropped)
        if dropped and on_notice:
            on_notice(f"note: {len(dropped)} lower-ranked chunk(s) left out to fit the model's "
                      f"{self.backend.context_length}-token window")
        result.sources = to_sources([relevant[d.metadata.get("focused_from", i)] for i, d in enumerate(kept)])
        context = format_passages(kept)
        template = self._template_with(history, context, question, on_notice)
        guard = LoopGuard(show)
        stream = self.backend.stream(template.format(context=context, question=question), self.generation_params())
        try:
            for piece in stream:
                if guard.add(piece):  # a small model stuck in a loop: end it, keep one copy
                    break
                if should_stop and should_stop():
                    result.stopped = True
                    break
            guard.flush()
        finally:
            stream.close()  # a stopped backend stream records its stats on close
        result.answer = guard.text.strip()

    def _template_with(self, history: Sequence[Turn], context: str, question: str,
                       on_notice: Callable[[str], None] | None):
        if not history:
            return self.template
        budget = self.backend.context_length - self.settings.max_new_tokens
        kept, template = list(history)[-MAX_TURNS:], self.template
        while kept:  # the oldest turns go first until the prompt leaves room for the answer
            template = reader_template(self.backend, [(turn.question, turn.answer) for turn in kept],
                                       reader_abstains=self.settings.reader_abstains)
            if self.backend.count_tokens(template.format(context=context, question=question)) <= budget:
                break
            kept.pop(0)
        else:
            template = self.template
        if len(kept) < len(history) and on_notice:
            on_notice(f"note: the {len(history) - len(kept)} oldest turn(s) of the conversation left out of "
                      f"the prompt to keep it within the model's {self.backend.context_length}-token window")
        return template

    def _record_generation(self, result: Answer) -> None:
        stats = self.backend.last_stats
        result.timings.update({
            "prompt_tokens": stats.prompt_tokens,
            "prompt_processing": stats.prompt_seconds,
            "ttft": stats.ttft_seconds,
            "generated_tokens": stats.generated_tokens,
            "generation": stats.generation_seconds,
            "tokens_per_second": stats.tokens_per_second,
        })


@dataclass
class Conversation:
    """The turns of one chat, asked through an `Answerer` with the history and the standalone question."""

    turns: list[Turn] = field(default_factory=list)

    def ask(self, answerer: Answerer, question: str, **kwargs) -> Answer:
        """Answer `question` in the light of the earlier turns, then remember it as a turn.

        Keyword arguments (on_token, on_notice, should_stop) are passed to `Answerer.ask`.
        """
        question = question.strip()
        answer = answerer.ask(question, history=self.turns, retrieval_query=standalone_question(self.turns, question),
                              **kwargs)
        self.turns.append(Turn(question, answer.answer, topic_of(self.turns, question)))
        return answer

    def clear(self) -> None:
        self.turns.clear()


class BackgroundLoad:
    """`load_backend` running in a thread: the model loads while the embeddings, the index and the first
    retrieval are prepared (model loading is mostly native code that leaves the interpreter free)."""

    def __init__(self, settings: Settings, announce: Callable[[str], None]):
        from rag.llm import load_backend

        self._backend: LLMBackend | None = None
        self._error: BaseException | None = None

        def load() -> None:
            try:
                self._backend = load_backend(settings, announce=announce)
            except BaseException as exc:  # raised again, in the caller's thread, by result()
                self._error = exc

        self._thread = threading.Thread(target=load, name="docqa-model-load", daemon=True)
        self._thread.start()

    def result(self) -> LLMBackend:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._backend

    def raise_if_failed(self) -> None:
        """Raise the load's error now if it has already failed (a missing model file fails fast)."""
        if not self._thread.is_alive() and self._error is not None:
            raise self._error

    def wait(self) -> None:
        """Let the load finish (an error is dropped: the caller is already raising its own)."""
        self._thread.join()


def load_answerer(settings: Settings, announce: Callable[[str], None] = print) -> Answerer:
    """Load the model, the embeddings and the index (built from data/ first if there is none).

    Cheap checks come first, so a missing index or model file fails before anything slow is loaded. The model
    loads in a background thread meanwhile; `Answerer.backend` waits for it (and raises its error, if any).
    """
    from rag.index.live import has_index, index_label

    if not _has_pdfs(settings) and not has_index(settings):
        raise UserError(f"no index in {index_label(settings)} and no PDFs in {settings.data_dir}: "
                        f"put your PDFs in {settings.data_dir} and run `python -m rag.ingest`")
    timings: dict[str, float] = {}
    backend = BackgroundLoad(settings, announce)
    try:
        retriever = _load_retriever(settings, timings, announce, before_ingest=backend.raise_if_failed)
        backend.raise_if_failed()
    except BaseException:
        backend.wait()  # never leave the process with a model half-loaded in another thread
        raise
    return Answerer(settings, retriever, backend, timings)


def _load_retriever(settings: Settings, timings: dict[str, float], announce: Callable[[str], None],
                    before_ingest: Callable[[], None]):
    from rag.index.embeddings import LocalEmbeddings, embedding_model_name
    from rag.index.live import check_compatible, index_label, load_live

    t0 = time.perf_counter()
    embeddings = LocalEmbeddings(settings)
    timings["embeddings_load"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = load_live(settings)
    if index is None:
        before_ingest()
        index = _ingest_first(settings, embeddings, announce)
    check_compatible(index.manifest, settings, embedding_model_name(settings))
    if index.manifest.chunking.context != settings.chunk_context:
        announce(f"note: {index_label(settings)} was embedded with chunk context {index.manifest.chunking.context!r}, "
                 f"the settings say {settings.chunk_context!r}; run `python -m rag.ingest` to re-index "
                 "(retrieval is better with it)")
    if not index.chunks:
        raise UserError(f"{index_label(settings)}: the index holds no text; add PDFs with a text layer to "
                        f"{settings.data_dir} and run `python -m rag.ingest`")
    retriever = build_retriever(settings, index, embeddings)
    timings["index_load"] = time.perf_counter() - t0
    return retriever


def _has_pdfs(settings: Settings) -> bool:
    folder = settings.data_dir
    return folder.is_dir() and any(p.suffix.lower() == ".pdf" and p.is_file() for p in folder.rglob("*"))


def _ingest_first(settings: Settings, embeddings, announce: Callable[[str], None]):
    from rag.index.live import load_live
    from rag.ingest.pipeline import format_summary, ingest

    announce(f"No index yet: ingesting {settings.data_dir} first (python -m rag.ingest) ...")
    summary = ingest(settings, embeddings=embeddings)
    announce(format_summary(summary))
    index = load_live(settings)
    if index is None:
        raise UserError(f"ingesting {settings.data_dir} produced no index; see the messages above")
    return index
