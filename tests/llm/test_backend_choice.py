"""`backend = "auto"`: OpenVINO GenAI when installed, ctransformers for model files and when asked for by name."""

from __future__ import annotations

import importlib.util

import pytest

from rag.config import load_settings
from rag.llm import resolve_backend


def test_auto_prefers_openvino_when_it_is_installed(tmp_path):
    expected = "openvino" if importlib.util.find_spec("openvino_genai") else "ctransformers"
    assert resolve_backend(load_settings(backend="auto")) == expected
    folder = tmp_path / "some-ov-int8"
    folder.mkdir()
    assert resolve_backend(load_settings(backend="auto", model=folder)) == expected


@pytest.mark.parametrize("name", ["llama-2-7b-chat.ggmlv3.q8_0.bin", "model.Q4_K_M.gguf"])
def test_auto_sends_a_model_file_to_ctransformers(tmp_path, name):
    model = tmp_path / name
    model.write_bytes(b"GGUF")
    assert resolve_backend(load_settings(backend="auto", model=model)) == "ctransformers"


def test_a_named_backend_is_kept():
    assert resolve_backend(load_settings(backend="ctransformers")) == "ctransformers"
    assert resolve_backend(load_settings(backend="openvino")) == "openvino"
