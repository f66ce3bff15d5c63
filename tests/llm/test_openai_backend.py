"""The remote backend's own decisions (the end-to-end run against a real server is in test_serve.py)."""

from __future__ import annotations

import socket

import pytest

from rag.errors import ModelError
from rag.llm import BACKENDS, load_backend

pytest.importorskip("openai")


def test_it_is_a_registered_backend():
    assert "openai" in BACKENDS


def test_a_base_url_is_required(settings):
    with pytest.raises(ModelError, match="--base-url"):
        load_backend(settings.model_copy(update={"backend": "openai"}), announce=lambda m: None)


def test_an_unreachable_server_is_one_clear_error(settings):
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    remote = settings.model_copy(update={"backend": "openai", "base_url": f"http://127.0.0.1:{port}/v1"})
    with pytest.raises(ModelError, match=f"cannot use the remote LLM server at http://127.0.0.1:{port}/v1"):
        load_backend(remote, announce=lambda m: None)


def test_token_estimate_is_conservative_and_a_local_tokenizer_is_exact(tmp_path):
    from tokenizers import Tokenizer, models, pre_tokenizers

    from rag.llm.openai_backend import OpenAIBackend, _load_tokenizer

    estimated = OpenAIBackend(None, "http://x/v1", "m", context_length=4096)
    text = "The minimum guarantee payable by adidas is £750 million over the ten-year term."
    assert estimated.count_tokens(text) >= len(text.split()) * 2  # well above what real tokenizers give
    words = Tokenizer(models.WordLevel({"[UNK]": 0, "a": 1, "b": 2}, unk_token="[UNK]"))
    words.pre_tokenizer = pre_tokenizers.Whitespace()
    words.save(str(tmp_path / "tokenizer.json"))
    exact = OpenAIBackend(None, "http://x/v1", "m", context_length=4096, tokenizer=_load_tokenizer(tmp_path))
    assert exact.count_tokens("a b a c") == 4
    with pytest.raises(ModelError, match="no tokenizer.json"):
        _load_tokenizer(tmp_path / "missing")


def test_generation_stats_are_kept_per_thread():
    """rag.serve runs several remote answers at once; each reads the stats of its own generation."""
    import threading

    from rag.llm.base import GenerationStats
    from rag.llm.openai_backend import OpenAIBackend

    backend = OpenAIBackend(None, "http://x/v1", "m", context_length=4096)
    backend.last_stats = GenerationStats(generated_tokens=7)
    seen = []
    worker = threading.Thread(target=lambda: seen.append(backend.last_stats.generated_tokens))
    worker.start()
    worker.join()
    assert seen == [0] and backend.last_stats.generated_tokens == 7
