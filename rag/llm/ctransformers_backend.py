"""The GGML backend: a GGUF or legacy GGML model run on the CPU by ctransformers 0.2.27.

It drives ctransformers' low-level API (tokenize, eval, sample, detokenize) rather than `llm(prompt)`,
so that it can
- refuse a prompt that does not fit the window (ctransformers would silently shift the context),
- feed ChatML special tokens as tokens (ctransformers tokenizes "<|im_start|>" as plain text),
- stream text piece by piece while holding back partial stop strings and partial UTF-8 characters,
- time prompt processing, first token and generation separately.
"""

from __future__ import annotations

import codecs
import os
import random
import re
import time
from collections.abc import Callable, Iterator
from ctypes import c_int
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.errors import ModelError
from rag.llm.base import STOPS, ChatFormat, GenerationParams, LLMBackend, StatsTimer
from rag.llm.threads import threads_for_now
from rag.text import without_control_characters
from rag.models.inspect import (
    ModelFileInfo,
    check_ctransformers_loadable,
    detect_chat_format,
    inspect_model_file,
    legacy_context_length,
)

if TYPE_CHECKING:
    from rag.config import Settings

# Prompt tokens per eval call: large batches are much faster than ctransformers' default of 8 and must
# stay within llama.cpp's n_batch (512).
PROMPT_BATCH_SIZE = 256
REPETITION_WINDOW = 64


class CTransformersBackend(LLMBackend):
    """A loaded ctransformers model behind the `LLMBackend` interface."""

    name = "ctransformers"

    def __init__(
        self,
        llm: Any,
        info: ModelFileInfo,
        *,
        model_type: str | None,
        context_length: int,
        threads: int | None,
        load_seconds: float,
    ):
        self._llm = llm
        self.info = info
        self.model_type = model_type or info.architecture
        self.model_path = info.path
        self.context_length = context_length
        self.chat_format: ChatFormat = detect_chat_format(info)
        self.chat_template = info.chat_template
        self.stop = list(STOPS[self.chat_format])
        self.load_seconds = load_seconds
        self.threads = threads  # None: the idle cores at each generation (rag.llm.threads)
        self._threads_now = threads or os.cpu_count() or 1
        self.last_stats = StatsTimer(0).finish()
        legacy_llama = info.format != "gguf" and self.model_type == "llama"
        self._add_bos = info.add_bos_token if info.add_bos_token is not None else _spm_vocab(info) or legacy_llama
        # llama.cpp's GGUF tokenizer adds SentencePiece's leading space itself; for legacy GGML Llama files
        # its example program (like Hugging Face's tokenizer) puts it in front of the prompt.
        self._space_prefix = legacy_llama
        self._special = _special_token_splitter(info)
        self._end_tokens = {llm.eos_token_id, *_end_token_ids(info)}
        self.special_tokens = list(info.special_tokens)  # neutralised in document text (rag.text)

    # --- loading ---

    @classmethod
    def from_settings(cls, settings: Settings, announce: Callable[[str], Any] = print) -> CTransformersBackend:
        """Load `settings.model`, or the default model (converted on first use) when none is set."""
        if settings.model is None:
            from rag.models.gguf_convert import ensure_default_ctransformers_model

            path = ensure_default_ctransformers_model(settings, announce=announce)
        else:
            path = Path(settings.model)
        return cls.load(
            path, model_type=settings.model_type, context_length=settings.context_length, threads=settings.threads
        )

    @classmethod
    def load(
        cls, path: Path, *, model_type: str | None = None, context_length: int | None = None, threads: int | None = None
    ) -> CTransformersBackend:
        """Inspect `path`, refuse it with a clear ModelError if ctransformers cannot load it, else load it."""
        info = inspect_model_file(path)
        check_ctransformers_loadable(info, model_type)
        window = context_length or info.context_length or legacy_context_length(info.path)
        ctransformers = _import_ctransformers()
        config = ctransformers.Config(
            context_length=window, gpu_layers=0, threads=threads or os.cpu_count() or 1, batch_size=PROMPT_BATCH_SIZE
        )
        # GGUF files name their own architecture; the type only routes legacy GGML files.
        loader_type = None if info.format == "gguf" else model_type
        start = time.perf_counter()
        try:
            llm = ctransformers.LLM(str(info.path), loader_type, config=config)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(
                f"ctransformers could not load {info.path} ({exc}); check --model-type and that the file is complete"
            ) from None
        seconds = time.perf_counter() - start
        return cls(
            llm, info, model_type=model_type, context_length=llm.context_length, threads=threads, load_seconds=seconds
        )

    # --- LLMBackend ---

    def count_tokens(self, text: str) -> int:
        return len(self.tokenize(text))

    def tokenize(self, text: str) -> list[int]:
        """Token ids for a raw prompt: BOS if the model wants one, special tokens such as <|im_start|> as ids."""
        ids = [self._llm.bos_token_id] if self._add_bos else []
        if self._space_prefix and text:
            text = " " + text
        for piece, special_id in self._special(text):
            ids.extend([special_id] if special_id is not None else self._tokenize_plain(piece))
        return ids

    def stream(self, prompt: str, params: GenerationParams) -> Iterator[str]:
        """Checks the prompt fits before returning the stream, so an over-long prompt fails at the call."""
        ids = self.tokenize(prompt)
        self._check_fits(len(ids), params.max_new_tokens)
        return self._stream(ids, params, params.stop or self.stop)

    def _stream(self, ids: list[int], params: GenerationParams, stops: list[str]) -> Iterator[str]:
        timer = StatsTimer(len(ids))
        prompt_seconds = 0.0
        self._threads_now = threads_for_now(self.threads)
        try:
            prompt_seconds = self._eval_prompt(ids)
            yield from self._generate(params, stops, timer)
        finally:
            self.last_stats = timer.finish()
            self.last_stats.prompt_seconds = prompt_seconds

    def forget_prompt_cache(self) -> None:
        self._llm._context.clear()  # the next prompt is evaluated from its first token

    def describe(self) -> str:
        details = f"{self.info.format_label}, {self.chat_format}, ctx {self.context_length}"
        return f"{self.name}: {self.model_path.name} ({details})"

    # --- internals ---

    def _tokenize_plain(self, text: str) -> list[int]:
        if not text:
            return []
        data = without_control_characters(text).encode("utf-8")  # some crash its tokenizer
        # The C side writes every token without a bound; a token never covers less than one byte.
        buffer = (c_int * (len(data) + 2))()
        count = self._llm.ctransformers_llm_tokenize(data, False, buffer)
        return buffer[:count]

    def _check_fits(self, prompt_tokens: int, max_new_tokens: int) -> None:
        if prompt_tokens + max_new_tokens > self.context_length:
            raise ModelError(
                f"the prompt is {prompt_tokens} tokens and up to {max_new_tokens} new tokens were asked for, "
                f"more than the model's {self.context_length}-token window; use fewer or shorter chunks, "
                "a smaller --max-new-tokens, or a larger context_length"
            )

    def _eval_prompt(self, ids: list[int]) -> float:
        start = time.perf_counter()
        # Keeps the already evaluated common prefix (e.g. the system prompt of the previous question).
        todo = self._llm.prepare_inputs_for_generation(ids, reset=True)
        try:
            self._llm.eval(todo, batch_size=PROMPT_BATCH_SIZE, threads=self._threads_now)
        except RuntimeError as exc:
            self._llm._context.clear()  # the cache no longer matches what was evaluated
            raise ModelError(f"ctransformers failed to process the prompt ({exc})") from None
        return time.perf_counter() - start

    def _generate(self, params: GenerationParams, stops: list[str], timer: StatsTimer) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")  # holds partial UTF-8 characters
        held = StopStringFilter(stops)
        started = False
        for step in range(params.max_new_tokens):
            token = self._sample(params)
            if token in self._end_tokens:
                break
            timer.token()
            text = decoder.decode(self._llm.detokenize([token], decode=False))
            if not started:
                text = text.lstrip()  # answers follow "[/INST]" or "assistant\n": no leading blank
                started = bool(text)
            piece = held.push(text)
            if piece:
                yield piece
            if held.stopped:
                return
            if step + 1 < params.max_new_tokens:
                self._llm.eval([token], threads=self._threads_now)
        tail = held.push(decoder.decode(b"", final=True)) + held.flush()
        if tail:
            yield tail

    def _sample(self, params: GenerationParams) -> int:
        if params.temperature <= 0:
            # Greedy: one candidate left, so temperature is irrelevant (0 would divide by zero).
            top_k, temperature = 1, 1.0
        else:
            top_k = params.top_k if params.top_k > 0 else self._llm.vocab_size
            temperature = params.temperature
        return self._llm.sample(
            top_k=top_k,
            top_p=params.top_p,
            temperature=temperature,
            repetition_penalty=params.repetition_penalty,
            last_n_tokens=REPETITION_WINDOW,
            # llama.cpp reseeds on every call; a fresh seed per token keeps sampling random.
            seed=random.randrange(2**31),
        )


class StopStringFilter:
    """Passes text through, cutting it at the first stop string and holding back a possible stop prefix."""

    def __init__(self, stops: list[str]):
        self.stops = [stop for stop in stops if stop]
        self.pending = ""
        self.stopped = False

    def push(self, text: str) -> str:
        if self.stopped:
            return ""
        self.pending += text
        cut = min((i for i in (self.pending.find(s) for s in self.stops) if i >= 0), default=-1)
        if cut >= 0:
            self.stopped = True
            out, self.pending = self.pending[:cut], ""
            return out
        keep = self._longest_stop_prefix_suffix()
        out = self.pending[: len(self.pending) - keep]
        self.pending = self.pending[len(out) :]
        return out

    def flush(self) -> str:
        out, self.pending = ("" if self.stopped else self.pending), ""
        return out

    def _longest_stop_prefix_suffix(self) -> int:
        best = 0
        for stop in self.stops:
            for size in range(min(len(stop) - 1, len(self.pending)), best, -1):
                if self.pending.endswith(stop[:size]):
                    best = size
                    break
        return best


def _import_ctransformers():
    try:
        import ctransformers
    except ImportError:
        raise ModelError(
            "the 'ctransformers' package is not installed; install the project with: pip install -e ."
        ) from None
    return ctransformers


def _spm_vocab(info: ModelFileInfo) -> bool:
    """A GGUF with a SentencePiece (Llama) vocabulary: those models start every prompt with <s>."""
    return info.format == "gguf" and info.tokenizer_model == "llama"


def _end_token_ids(info: ModelFileInfo) -> list[int]:
    """Control tokens end the answer: they carry no text (<|im_end|>, <|endoftext|>, a new <|im_start|>)."""
    return list(info.special_tokens.values())


def _special_token_splitter(info: ModelFileInfo) -> Callable[[str], list[tuple[str, int | None]]]:
    """Splits a prompt into (text, None) and (special token text, id) pieces.

    Only for byte-level BPE vocabularies: the old SentencePiece tokenizer prepends a space to every
    piece it is given, so splitting a Llama-2 prompt would change its tokens.
    """
    specials = info.special_tokens if info.tokenizer_model == "gpt2" else {}
    if not specials:
        return lambda text: [(text, None)]
    pattern = re.compile("(" + "|".join(re.escape(s) for s in sorted(specials, key=len, reverse=True)) + ")")

    def split(text: str) -> list[tuple[str, int | None]]:
        return [(piece, specials.get(piece)) for piece in pattern.split(text) if piece]

    return split
