"""Fixtures for the ctransformers side: the bundled SmolLM2 converted once per session, and the backend on it.

Import the fixtures a test module needs (`from fixtures_models import ctransformers_settings, ...`); they are
session-scoped, so the ~6 s conversion and ~1.5 s load happen once however many modules use them.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ADIDAS_QUESTION = "How much is the minimum guarantee payable by adidas?"
ADIDAS_CONTEXT = (
    "We have a 10-year agreement with adidas with respect to our global technical sponsorship and dual-branded "
    "licensing rights, which began on 1 August 2015. The minimum guarantee payable by adidas over the term of the "
    "agreement is equal to £750 million, subject to certain adjustments."
)
TEST_CONTEXT_LENGTH = 2048  # smaller than the model's 8192: less memory, same answers


def chatml_prompt(context: str, question: str) -> str:
    """The product's QA prompt in SmolLM2's ChatML template."""
    from rag.answer.templates import prompt_template

    return prompt_template("chatml").format(context=context, question=question)


def write_tiny_legacy_llama(path: Path) -> Path:
    """A GGJT v3 (ggmlv3) Llama file with random F32 weights: the legacy format, small enough to write in a test.

    Vocabulary as llama.cpp's converter wrote it: <unk>, <s>, </s>, the 256 byte tokens, then pieces.
    """
    import numpy as np

    n_embd, n_mult, n_head, n_layer = 64, 32, 2, 2
    n_ff = ((2 * (4 * n_embd) // 3 + n_mult - 1) // n_mult) * n_mult
    vocab = [b"<unk>", b"<s>", b"</s>", *(bytes([b]) for b in range(256)), b"Hi"]
    rng = np.random.default_rng(0)
    out = bytearray(b"tjgg" + struct.pack("<I", 3))
    out += struct.pack("<7I", len(vocab), n_embd, n_mult, n_head, n_layer, n_embd // n_head, 0)  # ftype 0: F32
    for index, token in enumerate(vocab):
        out += struct.pack("<I", len(token)) + token + struct.pack("<f", -float(index))

    def tensor(name: str, *ne: int, norm: bool = False) -> None:
        shape = ne[::-1]
        data = np.ones(shape, np.float32) if norm else (rng.standard_normal(shape) * 0.02).astype(np.float32)
        out.extend(struct.pack("<3I", len(ne), len(name), 0) + struct.pack(f"<{len(ne)}I", *ne) + name.encode())
        out.extend(b"\0" * (-len(out) % 32) + data.tobytes())

    tensor("tok_embeddings.weight", n_embd, len(vocab))
    tensor("norm.weight", n_embd, norm=True)
    tensor("output.weight", n_embd, len(vocab))
    for i in range(n_layer):
        for part in ("wq", "wk", "wv", "wo"):
            tensor(f"layers.{i}.attention.{part}.weight", n_embd, n_embd)
        tensor(f"layers.{i}.attention_norm.weight", n_embd, norm=True)
        tensor(f"layers.{i}.feed_forward.w1.weight", n_embd, n_ff)
        tensor(f"layers.{i}.feed_forward.w2.weight", n_ff, n_embd)
        tensor(f"layers.{i}.feed_forward.w3.weight", n_embd, n_ff)
        tensor(f"layers.{i}.ffn_norm.weight", n_embd, norm=True)
    path.write_bytes(bytes(out))
    return path


@dataclass
class Prepared:
    settings: object
    path: Path
    messages: list[str] = field(default_factory=list)


# Test modules import these fixtures by name, and pytest makes one fixture per importing module even when it
# is session-scoped; these caches keep it to one conversion, one load and one answer per session.
_cache: dict[str, object] = {}


@pytest.fixture(scope="session")
def prepared_default_model(tmp_path_factory) -> Prepared:
    """The default model prepared the way main.py does it, into a temporary models/ folder."""
    if "prepared" not in _cache:
        from rag.config import load_settings
        from rag.llm.convert.gguf_convert import ensure_default_ctransformers_model

        # One thread: the tests stay quick when other processes share the CPU (two threads spin-wait then).
        settings = load_settings(
            models_dir=tmp_path_factory.mktemp("models"), context_length=TEST_CONTEXT_LENGTH, threads=1
        )
        messages: list[str] = []
        path = ensure_default_ctransformers_model(settings, announce=messages.append)
        _cache["prepared"] = Prepared(settings=settings, path=path, messages=messages)
    return _cache["prepared"]


@pytest.fixture(scope="session")
def converted_model(prepared_default_model) -> Path:
    return prepared_default_model.path


@pytest.fixture(scope="session")
def ct_backend(prepared_default_model):
    """The backend as `load_backend` builds it for default settings (model None: the prepared default)."""
    if "backend" not in _cache:
        from rag.llm.ctransformers_backend import CTransformersBackend

        settings = prepared_default_model.settings
        _cache["backend"] = CTransformersBackend.from_settings(settings, announce=lambda message: None)
    return _cache["backend"]


@dataclass
class Answer:
    pieces: list[str]
    stats: object

    @property
    def text(self) -> str:
        return "".join(self.pieces)


@pytest.fixture(scope="session")
def adidas_answer(ct_backend) -> Answer:
    """The streamed greedy answer to the adidas question from its context (48 new tokens at most)."""
    if "answer" not in _cache:
        from rag.llm.base import GenerationParams

        prompt = chatml_prompt(ADIDAS_CONTEXT, ADIDAS_QUESTION)
        pieces = list(ct_backend.stream(prompt, GenerationParams(max_new_tokens=48)))
        _cache["answer"] = Answer(pieces=pieces, stats=ct_backend.last_stats)
    return _cache["answer"]
