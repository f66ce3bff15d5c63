"""One look by the reader: fit the passages into the model's window, build the prompt (with the conversation's
earlier turns, oldest dropped first to fit), stream the answer through a `LoopGuard`, record the model's timings.

Hands on the answer text, sources and generation timings, written into the `Answer` being built.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from langchain_core.documents import Document

from rag.answer.conversation import MAX_TURNS, Turn
from rag.answer.prompts import format_passages, reader_template
from rag.answer.result import Answer, to_sources
from rag.answer.streaming import LoopGuard
from rag.answer.templates import fit_context
from rag.config import Settings
from rag.llm.base import GenerationParams, LLMBackend


POINTS_TOKENS = 120  # the reader's summary of the excerpts for a whole-document question


class Reader:
    """The loaded model with its prompt template and the generation settings."""

    def __init__(self, backend: LLMBackend, settings: Settings):
        self.backend = backend
        self.settings = settings
        self.template = reader_template(backend, reader_abstains=settings.reader_abstains)
        self.points_template = reader_template(backend, points=True)  # for the list answer of a whole document

    def generation_params(self, limit: int | None = None) -> GenerationParams:
        s = self.settings
        return GenerationParams(max_new_tokens=min(s.max_new_tokens, limit or s.max_new_tokens), temperature=s.temperature, top_k=s.top_k,
                                top_p=s.top_p, repetition_penalty=s.repetition_penalty, stop=list(self.backend.stop))

    def cut_short(self) -> bool:
        """Whether the last answer stopped at the `max_new_tokens` limit rather than where the model ended it."""
        stats = getattr(self.backend, "last_stats", None)
        return stats is not None and stats.generated_tokens >= self.settings.max_new_tokens

    def read(self, result: Answer, passages: list[Document], relevant: list[Document], question: str,
             history: Sequence[Turn], show: Callable[[str], None], on_notice: Callable[[str], None] | None,
             should_stop: Callable[[], bool] | None, points: bool = False) -> None:
        """Fit `passages` (cut from `relevant`) into the window and stream the model's answer into `result`;
        `points`: as a list of points (a whole-document question)."""
        kept, dropped, _tokens = fit_context(passages, question, self.template, self.backend.count_tokens,
                                             self.backend.context_length, self.settings.max_new_tokens,
                                             format=format_passages)
        result.dropped_chunks = len(dropped)
        if dropped and on_notice:
            on_notice(f"note: {len(dropped)} lower-ranked chunk(s) left out to fit the model's "
                      f"{self.backend.context_length}-token window")
        result.sources = to_sources([relevant[d.metadata.get("focused_from", i)] for i, d in enumerate(kept)])
        context = format_passages(kept)
        template = self.points_template if points else self._template_with(history, context, question, on_notice)
        guard = LoopGuard(show)
        limit = POINTS_TOKENS if points else None  # a summary of a few sentences: a looping list stops early
        stream = self.backend.stream(template.format(context=context, question=question), self.generation_params(limit))
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

    def record_generation(self, result: Answer) -> None:
        stats = self.backend.last_stats
        result.timings.update({
            "prompt_tokens": stats.prompt_tokens,
            "prompt_processing": stats.prompt_seconds,
            "ttft": stats.ttft_seconds,
            "generated_tokens": stats.generated_tokens,
            "generation": stats.generation_seconds,
            "tokens_per_second": stats.tokens_per_second,
        })
