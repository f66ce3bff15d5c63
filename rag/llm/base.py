"""The interface every LLM backend implements, and the numbers it reports about a generation."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ChatFormat = Literal["chatml", "llama2", "plain"]

# Default stop strings per prompt format. A blank line ends a ChatML answer: small chat models otherwise go
# on to copy the context after answering.
STOPS: dict[str, list[str]] = {
    "chatml": ["<|im_end|>", "<|endoftext|>", "\n\n"],
    "llama2": ["</s>", "[INST]"],
    "plain": ["\nQuestion:", "\n\n\n"],
}


@dataclass
class GenerationParams:
    max_new_tokens: int = 256
    temperature: float = 0.0
    top_k: int = 1
    top_p: float = 1.0
    repetition_penalty: float = 1.0
    stop: list[str] = field(default_factory=list)


@dataclass
class GenerationStats:
    prompt_tokens: int = 0
    prompt_seconds: float = 0.0  # time to process the prompt (up to the first generated token)
    ttft_seconds: float = 0.0  # from the call to the first token of text
    generated_tokens: int = 0
    generation_seconds: float = 0.0  # from the first token to the last

    @property
    def tokens_per_second(self) -> float:
        if self.generated_tokens <= 1 or self.generation_seconds <= 0:
            return 0.0
        return (self.generated_tokens - 1) / self.generation_seconds


class LLMBackend(ABC):
    """A loaded local model that turns a prompt into a stream of text.

    Implementations set `name`, `model_path`, `context_length` (the window in tokens, prompt + answer),
    `chat_format` (which prompt template suits the model), `stop` (default stop strings for that
    format) and `load_seconds`, and record `last_stats` after each `stream()` has been consumed.
    """

    name: str
    model_path: Path
    context_length: int
    chat_format: ChatFormat
    stop: list[str]
    load_seconds: float
    last_stats: GenerationStats
    chat_template: str | None = None  # the model's own Jinja chat template, when it carries one

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for `text` (as a raw prompt, no template added)."""

    @abstractmethod
    def stream(self, prompt: str, params: GenerationParams) -> Iterator[str]:
        """Yield the answer's text piece by piece; sets `last_stats` when exhausted."""

    def forget_prompt_cache(self) -> None:
        """Drop any state kept to reuse the previous prompt's prefix (benchmarks measure cold prompts)."""

    def generate(self, prompt: str, params: GenerationParams) -> str:
        return "".join(self.stream(prompt, params))

    def describe(self) -> str:
        return f"{self.name}: {self.model_path.name}"


class StatsTimer:
    """Collects GenerationStats while a backend streams (helper for implementations)."""

    def __init__(self, prompt_tokens: int):
        self.stats = GenerationStats(prompt_tokens=prompt_tokens)
        self._start = time.perf_counter()
        self._first: float | None = None

    def token(self, count: int = 1) -> None:
        now = time.perf_counter()
        if self._first is None:
            self._first = now
            self.stats.ttft_seconds = now - self._start
            self.stats.prompt_seconds = self.stats.ttft_seconds
        self.stats.generated_tokens += count
        self.stats.generation_seconds = now - self._first

    def finish(self) -> GenerationStats:
        if self._first is None:
            self.stats.ttft_seconds = self.stats.prompt_seconds = time.perf_counter() - self._start
        return self.stats
