"""The model loading in a background thread, started as early as the caller can.

Loading the reader is mostly native code (OpenVINO compiles from its cache, ctransformers maps the file) that leaves
the interpreter free, so it runs beside the imports, the embeddings, the index and the first retrieval; `main.py`
starts it right after reading the settings. Hands the loaded `LLMBackend` (or its error) to whoever calls `result()`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rag.config import Settings
    from rag.llm.base import LLMBackend


class BackgroundLoad:
    """`load_backend` running in a thread; `result()` waits for it and raises its error in the caller's thread."""

    def __init__(self, settings: "Settings", announce: Callable[[str], None]):
        from rag.llm import load_backend

        self._backend: LLMBackend | None = None
        self._error: BaseException | None = None

        def load() -> None:
            try:
                self._backend = load_backend(settings, announce=announce)
            except BaseException as exc:  # raised again, in the caller's thread, by result()
                self._error = exc

        self._thread = threading.Thread(target=load, name="docqa-model-load", daemon=True)
        self._thread.start()

    def result(self) -> "LLMBackend":
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._backend

    def raise_if_failed(self) -> None:
        """Raise the load's error now if it has already failed (a missing model file fails fast)."""
        if not self._thread.is_alive() and self._error is not None:
            raise self._error

    def wait(self) -> None:
        """Let the load finish (an error is dropped: the caller is already raising its own)."""
        self._thread.join()
