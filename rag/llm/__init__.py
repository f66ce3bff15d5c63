"""Stage 5, llm: local LLM backends behind one small interface (`rag.llm.base.LLMBackend`).

- `base`: the interface, generation parameters and the numbers a generation reports; `threads`: CPU threads now;
- `openvino_backend`, `ctransformers_backend`, `openai_backend`: the backends; `load_backend(settings)` picks one;
- `packs`: reader model packs from the package registry; `convert/`: model files converted and exported for the
  backends (`python -m rag.models`).

Backends are imported lazily, so a missing optional dependency only matters when that backend is used. Hands on a
loaded backend (stream, count tokens, chat template) to the answerer (`rag.answer`). Imports only the shared modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rag.config import Settings
    from rag.llm.base import LLMBackend

BACKENDS = ("auto", "ctransformers", "openvino", "openai")


def resolve_backend(settings: "Settings") -> str:
    """The backend `auto` stands for: ctransformers for a model file (GGML .bin, GGUF), else OpenVINO when
    openvino_genai is installed, else ctransformers."""
    if settings.backend != "auto":
        return settings.backend
    if settings.model is not None and settings.model.is_file():
        return "ctransformers"
    import importlib.util

    return "openvino" if importlib.util.find_spec("openvino_genai") is not None else "ctransformers"


def load_backend(settings: "Settings", *, announce=print) -> "LLMBackend":
    """Load the backend named in the settings, preparing its default model on first use."""
    if settings.backend == "auto":
        settings = settings.model_copy(update={"backend": resolve_backend(settings)})
    if settings.backend == "ctransformers":
        from rag.llm.ctransformers_backend import CTransformersBackend

        return CTransformersBackend.from_settings(settings, announce=announce)
    if settings.backend == "openvino":
        from rag.llm.openvino_backend import OpenVINOBackend

        return OpenVINOBackend.from_settings(settings, announce=announce)
    if settings.backend == "openai":
        from rag.llm.openai_backend import OpenAIBackend

        return OpenAIBackend.from_settings(settings, announce=announce)
    from rag.errors import UserError

    raise UserError(f"unknown backend {settings.backend!r}; choose one of: {', '.join(BACKENDS)}", exit_code=2)
