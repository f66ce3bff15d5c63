"""Sentence embeddings on plain OpenVINO: the MiniLM IR and its OpenVINO tokenizer, no torch, no transformers.

The question path loads only `openvino` and `openvino_tokenizers` (about 0.5 s of imports) and two compiled models
(cached by OpenVINO under `<cache_dir>/openvino`), instead of sentence-transformers, transformers and torch
(about 5 s). Ingestion uses the same class, so questions and chunks are embedded by the same model.

A prepared embedder is a folder under `<cache_dir>/embeddings-ov/`:

    openvino_model.xml/.bin          the transformer (float32, or INT8 quantised by NNCF)
    openvino_tokenizer.xml/.bin      the word-piece tokenizer, truncating at the model's 256 tokens
    embedder.json                    source model name, precision, dimension, pooling

It is prepared once (`prepare`), which is the only step that needs torch, transformers and nncf: the float IR is
exported through sentence-transformers/optimum-intel, the tokenizer converted with openvino-tokenizers, and for
INT8 the IR quantised with NNCF on the calibration texts below. Vectors are mean-pooled over the real tokens and
L2-normalised, as sentence-transformers' all-MiniLM-L6-v2 does: the float ones match it (cosine >= 0.9999),
the INT8 ones are recorded as another embedding model in the index manifest (see `rag.index.embeddings`).

Texts are embedded in batches of similar length (sorted by characters), so a short chunk is not padded to the
length of the longest one in the corpus; results come back in the original order. Batches run on one OpenVINO
stream per core (one thread each) with several in flight, and the next batch is tokenized meanwhile.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from rag.errors import ModelError, missing_extra

PRECISIONS = ("fp32", "int8")
FORMAT = 1
MODEL_XML = "openvino_model.xml"
TOKENIZER_XML = "openvino_tokenizer.xml"
INFO = "embedder.json"

# Calibration text for INT8 quantisation: the kinds of text the tool embeds (report prose, tables, headings,
# short questions), written for this purpose. Activation ranges come from these; the quality check is
# `tests/index/test_embed_openvino.py` (cosine to the float vectors) and the FinanceBench page hit@5 (docs/evaluation.md).
CALIBRATION = (
    "How much is the minimum guarantee payable by adidas?",
    "What was the total revenue in fiscal year 2022?",
    "Who is the chief executive officer of the company?",
    "What is on page 53?",
    "Net cash provided by operating activities increased by 12% compared with the prior year, primarily due to "
    "higher net income and favourable changes in working capital.",
    "Consolidated Balance Sheets (in millions, except per share data) Total current assets 12,345 11,020 "
    "Property, plant and equipment, net 4,567 4,210 Goodwill 2,301 2,298 Total assets 25,876 24,117",
    "Our agreement with adidas has a 10-year term and the minimum guarantee payable over the term is equal to "
    "£750 million, subject to certain adjustments.",
    "Item 1A. Risk Factors. Our business is subject to numerous risks, including economic conditions, "
    "competition, changes in consumer preferences, cybersecurity incidents and regulatory developments.",
    "The Company's effective tax rate was 21.4% in 2021 and 19.8% in 2020. The increase was driven by the "
    "non-recurring benefit recognised in the prior year.",
    "Notes to Consolidated Financial Statements. Note 7 - Debt. Long-term debt consisted of senior notes due "
    "2027 through 2049 with interest rates ranging from 2.25% to 4.75%.",
    "Revenue ............ 583.2 Commercial ............ 258.0 Broadcasting ............ 215.8 Matchday ..... 109.4",
    "Telephone: +44 (0) 161 868 8000. E-mail: investor.relations@example.com. Registered office: Sir Matt Busby "
    "Way, Old Trafford, Manchester M16 0RA.",
    "We operate in three segments: Consumer, Industrial and Health Care. Segment operating income is the measure "
    "used by our chief operating decision maker.",
    "Dividends declared per share were $1.52, $1.44 and $1.36 for the years ended 2022, 2021 and 2020.",
    "Table of Contents",
    "PART II",
    "Management's Discussion and Analysis of Financial Condition and Results of Operations",
    "The quick brown fox jumps over the lazy dog while the committee reviews the quarterly results.",
    "Basic earnings per share attributable to ordinary shareholders were 0.42, diluted 0.41.",
    "Capital expenditures were $1.2 billion, mainly for new stores, distribution centres and information "
    "technology. We expect capital expenditures of approximately $1.5 billion next year.",
    "The Board of Directors approved a share repurchase programme of up to $5 billion with no expiration date.",
    "Inventories are stated at the lower of cost and net realisable value, determined on a first-in, first-out "
    "basis. Provisions are recorded for obsolete and slow-moving stock.",
    "短い日本語の文。Ein kurzer deutscher Satz. Une phrase française.",
    "x",
)


def prepared_folder(cache_dir: Path, source_name: str, precision: str) -> Path:
    return cache_dir / "embeddings-ov" / f"{source_name}-{precision}"


def is_prepared(folder: Path) -> bool:
    return all((folder / name).is_file() for name in (MODEL_XML, TOKENIZER_XML, INFO))


def prepare(source: Path, folder: Path, precision: str, float_ir: Callable[[], Path],
            announce: Callable[[str], None] = lambda message: None) -> Path:
    """Write the embedder folder for `source` (a sentence-transformers folder) once; returns `folder`.

    `float_ir` returns the folder holding the float `openvino_model.xml` (exported on first use). The folder is
    written beside its final place and renamed, so an interrupted preparation leaves nothing half-written.
    """
    if precision not in PRECISIONS:
        raise ModelError(f"unknown embedding precision {precision!r}; choose one of: {', '.join(PRECISIONS)}")
    if is_prepared(folder):
        return folder
    try:
        import openvino as ov
        from openvino_tokenizers import convert_tokenizer
        from transformers import AutoTokenizer
    except ImportError as exc:
        raise missing_extra("openvino", "openvino") from exc
    announce(f"Preparing the OpenVINO embedder ({precision}) in {folder} (once) ...")
    started = time.perf_counter()
    max_length = _max_seq_length(source)
    staging = folder.with_name(f".{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        hf_tokenizer = AutoTokenizer.from_pretrained(str(source), local_files_only=True)
        hf_tokenizer.model_max_length = max_length
        ov.save_model(convert_tokenizer(hf_tokenizer, truncation=True, max_length=max_length),
                      str(staging / TOKENIZER_XML))
        core = ov.Core()
        model = core.read_model(str(float_ir() / MODEL_XML))
        if precision == "int8":
            model = _quantize(core, model, core.compile_model(str(staging / TOKENIZER_XML), "CPU"))
        ov.save_model(model, str(staging / MODEL_XML), compress_to_fp16=False)
        dimension = int(model.output(0).get_partial_shape()[2].get_length())
        info = {"format": FORMAT, "source": source.resolve().name, "precision": precision,
                "dimension": dimension, "max_length": max_length, "pooling": "mean", "normalize": True}
        (staging / INFO).write_text(json.dumps(info, indent=1), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    announce(f"OpenVINO embedder ready ({time.perf_counter() - started:.1f}s)")
    return folder


def _max_seq_length(source: Path) -> int:
    config = source / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text(encoding="utf-8")).get("max_seq_length", 256))
    return 256


def _quantize(core, model, tokenizer):
    """Full INT8 (weights and activations) with NNCF, calibrated on CALIBRATION and pairs of its texts."""
    try:
        import nncf
    except ImportError as exc:
        raise missing_extra("nncf", "openvino") from exc
    samples = [_inputs(tokenizer([text])) for text in calibration_texts()]
    return nncf.quantize(model, nncf.Dataset(samples), model_type=nncf.ModelType.TRANSFORMER,
                         subset_size=len(samples), fast_bias_correction=True)


def calibration_texts() -> list[str]:
    """CALIBRATION alone and joined in runs of 2, 4 and 8, so short and full-length (256-token) inputs are seen."""
    texts = list(CALIBRATION)
    count = len(CALIBRATION)
    for run in (2, 4, 8):
        texts += ["\n".join(CALIBRATION[(start + i) % count] for i in range(run)) for start in range(0, count, run // 2)]
    return texts


def _inputs(tokens) -> dict[str, np.ndarray]:
    return {name: np.asarray(tokens[name]) for name in ("input_ids", "attention_mask", "token_type_ids")}


def _add_tokenizer_extension(core) -> None:
    """Register the openvino-tokenizers operations: the shared library directly when it is where the wheel puts it
    (importing the Python package costs ~0.3-0.6 s of converters the question path never uses), else the package."""
    import importlib.util

    spec = importlib.util.find_spec("openvino_tokenizers")
    if spec is None:
        raise missing_extra("openvino-tokenizers", "openvino")
    suffix = {"win32": "openvino_tokenizers.dll", "darwin": "libopenvino_tokenizers.dylib"}.get(
        sys.platform, "libopenvino_tokenizers.so")
    library = next((Path(folder) / "lib" / suffix for folder in spec.submodule_search_locations or []
                    if (Path(folder) / "lib" / suffix).is_file()), None)
    if library is not None:
        core.add_extension(str(library))
    else:
        import openvino_tokenizers  # noqa: F401 - registers the operations on import


class OpenVINOEmbedder:
    """A prepared embedder folder, compiled for the CPU (see the module docstring)."""

    def __init__(self, folder: Path, *, cache_dir: Path | None = None, device: str = "CPU",
                 threads: int | None = None, batch_size: int = 32):
        started = time.perf_counter()
        try:
            import openvino as ov
        except ImportError as exc:
            raise missing_extra("openvino", "openvino") from exc
        self.folder = Path(folder)
        self.info = json.loads((self.folder / INFO).read_text(encoding="utf-8"))
        self.dimension = int(self.info["dimension"])
        self.precision = self.info["precision"]
        self.batch_size = batch_size
        core = ov.Core()
        _add_tokenizer_extension(core)
        # One stream per core, one thread each, batches in flight at once: no barrier between threads per layer,
        # which measured 5-19% faster than one 2-thread stream on 2 busy cores. A question is one short text, so
        # one thread is plenty for it.
        config = {"PERFORMANCE_HINT": "THROUGHPUT", "NUM_STREAMS": str(threads or os.cpu_count() or 1),
                  "INFERENCE_NUM_THREADS": str(threads or os.cpu_count() or 1)}
        tokenizer_config = {}
        if threads and threads < (os.cpu_count() or 1):
            # Several such processes share the machine (Ray workers, one core each): OpenVINO pins each process's
            # threads from the first core on, so they would all run on that one core; the tokenizer too keeps to
            # its share.
            config["ENABLE_CPU_PINNING"] = False
            tokenizer_config = {"ENABLE_CPU_PINNING": False, "INFERENCE_NUM_THREADS": str(threads)}
        if cache_dir is not None:
            config["CACHE_DIR"] = str(cache_dir)
        self._tokenizer = core.compile_model(str(self.folder / TOKENIZER_XML), "CPU", tokenizer_config)
        self._model = core.compile_model(str(self.folder / MODEL_XML), device, config)
        self._request = self._model.create_infer_request()
        # One infer request each for the tokenizer and the short-text path: callers on several threads (a web
        # question while an upload is ingested, the HTTP server's workers) take turns on them.
        self._tokenizer_lock, self._request_lock = threading.Lock(), threading.Lock()
        self._inputs = {port.get_any_name() for port in self._model.inputs}
        self._streams = max(1, int(self._model.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")))
        self.load_seconds = time.perf_counter() - started

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """L2-normalised vectors, one row per text, in the order given."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths share a batch
        bar = None
        if progress and sys.stderr.isatty() and len(texts) > self.batch_size:
            from tqdm import tqdm

            bar = tqdm(total=len(texts), unit="chunk", desc="Embedding", file=sys.stderr)
        batches = [order[start:start + self.batch_size] for start in range(0, len(order), self.batch_size)]
        if len(batches) <= 1:
            for rows in batches:
                feed = self._feed([texts[i] for i in rows])
                with self._request_lock:
                    hidden = self._request.infer(feed)[0]
                out[rows] = _pool(hidden, feed["attention_mask"])
            return out

        import openvino as ov

        queue = ov.AsyncInferQueue(self._model, self._streams)

        def done(request, userdata):
            rows, mask = userdata
            out[rows] = _pool(request.get_output_tensor(0).data, mask)
            if bar is not None:
                bar.update(len(rows))

        queue.set_callback(done)
        for rows in batches:  # tokenizing the next batch overlaps with inference of the previous ones
            feed = self._feed([texts[i] for i in rows])
            queue.start_async(feed, (rows, feed["attention_mask"]))
        queue.wait_all()
        if bar is not None:
            bar.close()
        return out

    def _feed(self, texts: list[str]) -> dict[str, np.ndarray]:
        with self._tokenizer_lock:
            tokens = _inputs(self._tokenizer(texts))
        return {name: array for name, array in tokens.items() if name in self._inputs}


def _pool(hidden: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """Mean over the real tokens, then L2 normalisation (sentence-transformers' all-MiniLM-L6-v2 pipeline)."""
    mask = attention_mask.astype(np.float32)[:, :, None]
    pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
