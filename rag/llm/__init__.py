"""Local LLM backends behind one small interface (`rag.llm.base.LLMBackend`).

Backends are imported lazily, so a missing optional dependency only matters when that backend is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rag.config import Settings
    from rag.llm.base import LLMBackend

BACKENDS = ("ctransformers", "openvino", "openai")


def load_backend(settings: "Settings", *, announce=print) -> "LLMBackend":
    """Load the backend named in the settings, preparing its default model on first use."""
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
