"""The remote backend: any OpenAI-compatible server (vLLM, OpenVINO Model Server, llama.cpp's server, Ollama,
another docqa) as the LLM, streamed, with docqa's retrieval, prompt, citations and timings around it.

docqa's prompt (the plain template: instruction, passages, question) goes as one user message to
`/v1/chat/completions`, so the server applies its model's own chat template. Token counts for fitting the window
come from a local tokenizer when one is configured (`remote_tokenizer`, a `tokenizer.json`), else from a
conservative estimate (one token per two bytes of UTF-8: more than real tokenizers give for text). The window
is `context_length` if set, else the `max_model_len` the server lists for the model (vLLM and docqa do), else 4096.
Timings are measured on this side: time to first token and tokens/s (counts from the server's usage report when
it sends one, else one token per streamed piece).
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.errors import ModelError, missing_extra
from rag.llm.base import STOPS, GenerationParams, GenerationStats, LLMBackend, StatsTimer

if TYPE_CHECKING:
    from rag.config import Settings

DEFAULT_REMOTE_CONTEXT = 4096
BYTES_PER_TOKEN_ESTIMATE = 2.0  # conservative: English text averages ~4 bytes per token
MAX_STOPS = 4  # the OpenAI API accepts at most four stop strings
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 600.0  # a long answer on a busy CPU server


class OpenAIBackend(LLMBackend):
    """A model on an OpenAI-compatible server behind the `LLMBackend` interface."""

    name = "openai"

    def __init__(self, client: Any, base_url: str, model: str, *, context_length: int,
                 tokenizer: Any = None, load_seconds: float = 0.0):
        self._client = client
        self.base_url = base_url
        self.model_name = model
        self.model_path = Path(model)
        self.context_length = context_length
        self.chat_format = "plain"  # the server wraps the prompt in its model's chat template
        self.stop = list(STOPS["plain"])
        self.load_seconds = load_seconds
        self._tokenizer = tokenizer
        self._local = threading.local()  # the server runs several answers at once: stats per thread

    @property
    def last_stats(self) -> GenerationStats:
        return getattr(self._local, "stats", None) or StatsTimer(0).finish()

    @last_stats.setter
    def last_stats(self, stats: GenerationStats) -> None:
        self._local.stats = stats

    @classmethod
    def from_settings(cls, settings: Settings, announce: Callable[[str], Any] = print) -> OpenAIBackend:
        if not settings.base_url:
            raise ModelError("the openai backend needs the server's address: --base-url http://HOST:PORT/v1 "
                             "(or base_url in rag.toml, RAG_BASE_URL)", exit_code=2)
        try:
            import openai
        except ImportError:
            raise missing_extra("openai", "serve") from None

        api_key = settings.remote_api_key or os.environ.get("OPENAI_API_KEY") or "none"
        client = openai.OpenAI(base_url=settings.base_url, api_key=api_key, max_retries=0,
                               timeout=openai.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT))
        started = time.perf_counter()
        try:
            cards = list(client.models.list())
        except openai.APIError as exc:
            raise ModelError(f"cannot use the remote LLM server at {settings.base_url}: {_reason(exc)}") from None
        ids = [card.id for card in cards]
        model = str(settings.model) if settings.model else (ids[0] if ids else "")
        if not model:
            raise ModelError(f"the remote LLM server at {settings.base_url} lists no model; name one with --model")
        if ids and model not in ids:
            raise ModelError(f"the remote LLM server at {settings.base_url} has no model {model!r}; "
                             f"it has: {', '.join(ids)}", exit_code=2)
        card = next((c for c in cards if c.id == model), None)
        listed = getattr(card, "max_model_len", None) if card is not None else None
        window = settings.context_length or (int(listed) if listed else DEFAULT_REMOTE_CONTEXT)
        tokenizer = _load_tokenizer(settings.remote_tokenizer) if settings.remote_tokenizer else None
        backend = cls(client, settings.base_url, model, context_length=window, tokenizer=tokenizer,
                      load_seconds=time.perf_counter() - started)
        announce(f"LLM: {model} on {settings.base_url} (window {window} tokens"
                 f"{', counted by ' + settings.remote_tokenizer.name if tokenizer else ', estimated token counts'})")
        return backend

    def count_tokens(self, text: str) -> int:
        if self._tokenizer is not None:
            return len(self._tokenizer.encode(text, add_special_tokens=False).ids)
        return math.ceil(len(text.encode("utf-8")) / BYTES_PER_TOKEN_ESTIMATE)

    def stream(self, prompt: str, params: GenerationParams) -> Iterator[str]:
        import openai

        stops = (params.stop or self.stop)[:MAX_STOPS]
        timer = StatsTimer(self.count_tokens(prompt))
        try:
            response = self._client.chat.completions.create(
                model=self.model_name, messages=[{"role": "user", "content": prompt}], stream=True,
                max_tokens=params.max_new_tokens, temperature=params.temperature, top_p=params.top_p,
                stop=stops or None, stream_options={"include_usage": True},
            )
        except openai.APIError as exc:
            raise ModelError(f"the remote LLM server at {self.base_url} refused the request: {_reason(exc)}") from None
        return self._pieces(response, timer)

    def _pieces(self, response, timer: StatsTimer) -> Iterator[str]:
        import openai

        reported = None
        started = False
        try:
            for event in response:
                if getattr(event, "usage", None):
                    reported = event.usage
                for choice in event.choices or []:
                    text = choice.delta.content if choice.delta else None
                    if not text:
                        continue
                    if not started:
                        text = text.lstrip()
                        started = bool(text)
                        if not text:
                            continue
                    timer.token()
                    yield text
        except openai.APIError as exc:
            raise ModelError(f"the remote LLM server at {self.base_url} failed mid-answer: {_reason(exc)}") from None
        finally:
            response.close()  # closing the connection tells the server to stop generating
            stats = timer.finish()
            if reported is not None:
                stats.prompt_tokens = reported.prompt_tokens or stats.prompt_tokens
                stats.generated_tokens = reported.completion_tokens or stats.generated_tokens
            self.last_stats = stats

    def describe(self) -> str:
        return f"{self.name}: {self.model_name} on {self.base_url} (ctx {self.context_length})"


def _reason(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc)
    status = getattr(exc, "status_code", None)
    return f"HTTP {status}: {message}" if status else message


def _load_tokenizer(path: Path):
    """A `tokenizers.Tokenizer` from a tokenizer.json file or a folder holding one."""
    from tokenizers import Tokenizer

    file = path / "tokenizer.json" if path.is_dir() else path
    if not file.is_file():
        raise ModelError(f"{path}: no tokenizer.json there; point remote_tokenizer at the model's tokenizer.json")
    return Tokenizer.from_file(str(file))
