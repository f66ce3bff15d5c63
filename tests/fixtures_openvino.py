"""Fixtures for the OpenVINO side: the bundled GGUF's tokenizer, one int8 IR exported per session, the backend.

Import the fixtures a test module needs (`from fixtures_openvino import openvino_ir, ...`), or list this module in
conftest.py (`pytest_plugins = ["fixtures_openvino"]`). pytest makes one fixture per importing module, so the
export and the loaded backend are also kept here at module level: the ~1 minute export runs once per session.
"""

from __future__ import annotations

import importlib.util
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from fixtures_models import ADIDAS_CONTEXT, ADIDAS_QUESTION, chatml_prompt  # noqa: F401 - shared with the GGML tests


def has_openvino() -> bool:
    return all(importlib.util.find_spec(name) for name in ("openvino", "openvino_genai", "optimum"))


needs_openvino = pytest.mark.skipif(not has_openvino(), reason="the openvino extra is not installed")


_SESSION: dict[str, object] = {}  # see the module docstring


@dataclass
class ExportedIR:
    path: Path
    settings: object
    seconds: float
    messages: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def smollm2_gguf_path() -> Path:
    from rag.llm.convert.bundled import smollm2_gguf

    return smollm2_gguf()


@pytest.fixture(scope="session")
def gguf_vocab(smollm2_gguf_path):
    from rag.llm.convert.gguf_tokenizer import read_gguf_vocab

    return read_gguf_vocab(smollm2_gguf_path)


@pytest.fixture(scope="session")
def gguf_tokenizer(gguf_vocab):
    from rag.llm.convert.gguf_tokenizer import build_hf_tokenizer

    return build_hf_tokenizer(gguf_vocab)


@pytest.fixture(scope="session")
def openvino_settings(tmp_path_factory):
    from rag.config import load_settings

    root = tmp_path_factory.mktemp("openvino")
    return load_settings(models_dir=root / "models", cache_dir=root / "cache", data_dir=root / "data")


@pytest.fixture(scope="session")
def openvino_ir(openvino_settings) -> ExportedIR:
    """The bundled SmolLM2 GGUF exported to an int8 IR in a tmp folder (once per session, ~1 minute)."""
    if not has_openvino():
        pytest.skip("the openvino extra is not installed")
    from rag.llm.convert.openvino_export import default_openvino_model, export_openvino

    if "ir" not in _SESSION:
        messages: list[str] = []
        started = time.perf_counter()
        path = export_openvino(
            None, default_openvino_model(openvino_settings), settings=openvino_settings, announce=messages.append
        )
        _SESSION["ir"] = ExportedIR(path, openvino_settings, time.perf_counter() - started, messages)
    return _SESSION["ir"]


@pytest.fixture(scope="session")
def openvino_backend(openvino_ir):
    """The exported IR loaded with the default engine."""
    from rag.llm.openvino_backend import OpenVINOBackend

    if "backend" not in _SESSION:
        _SESSION["backend"] = OpenVINOBackend(openvino_ir.path, cache_dir=Path(openvino_ir.settings.cache_dir) / "ov")
    return _SESSION["backend"]
