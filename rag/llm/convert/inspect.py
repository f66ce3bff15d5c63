"""Look inside a model file before handing it to a backend, and say plainly why it would not load.

GGUF files are read with the `gguf` package (metadata and tensor list, no weights are loaded); legacy
GGML/GGMF/GGJT `.bin` files (e.g. TheBloke's `llama-2-7b-chat.ggmlv3.q8_0.bin`) are recognised by their
magic bytes and llama header. `check_ctransformers_loadable` turns what ctransformers 0.2.27 (llama.cpp of
August 2023) would fail on with an opaque "Failed to create LLM" into one actionable line.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rag.errors import ModelError

FileFormat = Literal["gguf", "ggml", "ggmf", "ggjt"]

GGUF_MAGIC = b"GGUF"
# Legacy magics are little-endian uint32s: 'ggml', 'ggmf', 'ggjt' stored byte-reversed.
LEGACY_MAGICS: dict[int, FileFormat] = {0x67676D6C: "ggml", 0x67676D66: "ggmf", 0x67676A74: "ggjt"}

# ctransformers 0.2.27's llama.cpp knows these names but only builds these two GGUF architectures.
CTRANSFORMERS_GGUF_ARCHITECTURES = ("llama", "falcon")
# ggml tensor types up to Q8_K existed in August 2023; later ones (IQ*, BF16, ...) cannot be read.
MAX_OLD_GGML_TYPE = 15
PREPARE_HINT = "convert it with: python -m rag.models prepare {path}"
LLAMA2_NAME = re.compile(r"llama[-_ ]?2.*chat", re.IGNORECASE)
CONTROL_TOKEN_TYPE = 3


@dataclass
class ModelFileInfo:
    """What a model file says about itself (None where the format does not record it)."""

    path: Path
    format: FileFormat
    version: int | None
    file_size: int
    architecture: str | None = None
    name: str | None = None
    context_length: int | None = None
    chat_template: str | None = None
    tokenizer_model: str | None = None  # 'gpt2' (byte-level BPE) or 'llama' (SentencePiece)
    vocab_size: int | None = None
    has_output_weight: bool | None = None
    has_tokenizer_scores: bool | None = None
    byte_level_vocab_mapped: bool | None = None  # GPT-2 mapped tokens ('Ġthe'), unreadable to old llama.cpp
    add_bos_token: bool | None = None
    bos_token_id: int | None = None
    eos_token_id: int | None = None
    special_tokens: dict[str, int] = field(default_factory=dict)  # control tokens, text -> id
    tensor_types: dict[str, int] = field(default_factory=dict)  # ggml type name -> tensor count
    unreadable_tensor_types: list[str] = field(default_factory=list)  # too new for August-2023 ggml
    converted_for: str | None = None  # set by rag.llm.convert.gguf_convert
    legacy_hparams: dict[str, int] = field(default_factory=dict)  # llama header of GGML files

    @property
    def format_label(self) -> str:
        return self.format if self.version is None else f"{self.format} v{self.version}"


# --- inspection ---------------------------------------------------------------------------------


def inspect_model_file(path: Path | str) -> ModelFileInfo:
    """Read the header of a GGUF or legacy GGML file; ModelError if it is missing or not a model file."""
    path = Path(path)
    if not path.exists():
        raise ModelError(
            f"model file {path} does not exist; put the file there (or pass --model PATH), "
            "or prepare the default model with: python -m rag.models prepare"
        )
    if path.is_dir():
        raise ModelError(f"{path} is a folder; the ctransformers backend needs a GGUF or GGML model file")
    with open(path, "rb") as handle:
        head = handle.read(64)
    if head[:4] == GGUF_MAGIC:
        return _inspect_gguf(path)
    if len(head) >= 4 and struct.unpack("<I", head[:4])[0] in LEGACY_MAGICS:
        return _inspect_legacy(path, head)
    raise ModelError(
        f"{path} is not a model file (no GGUF or GGML header; it starts with {head[:8]!r}); "
        "use a .gguf file or a legacy GGML .bin file"
    )


def _inspect_gguf(path: Path) -> ModelFileInfo:
    try:
        header = read_gguf_header(path)
    except (ValueError, struct.error, OverflowError) as exc:  # truncated or corrupt file
        raise ModelError(f"{path} has a GGUF header but cannot be read ({exc}); the file may be incomplete") from None
    kv = header.metadata
    arch = _text(kv.get("general.architecture"))
    tokenizer_model = _text(kv.get("tokenizer.ggml.model"))
    tokens = kv.get("tokenizer.ggml.tokens")
    tensor_names = {name for name, _ in header.tensors}
    info = ModelFileInfo(
        path=path,
        format="gguf",
        version=header.version,
        file_size=path.stat().st_size,
        architecture=arch,
        name=_text(kv.get("general.name")),
        context_length=_int(kv.get(f"{arch}.context_length")),
        chat_template=_text(kv.get("tokenizer.chat_template")),
        tokenizer_model=tokenizer_model,
        vocab_size=len(tokens) if tokens is not None else None,
        has_output_weight="output.weight" in tensor_names,
        has_tokenizer_scores="tokenizer.ggml.scores" in kv,
        add_bos_token=kv.get("tokenizer.ggml.add_bos_token"),
        bos_token_id=_int(kv.get("tokenizer.ggml.bos_token_id")),
        eos_token_id=_int(kv.get("tokenizer.ggml.eos_token_id")),
        converted_for=_text(kv.get("docqa.converted_for")),
    )
    info.special_tokens = _control_tokens(tokens, kv.get("tokenizer.ggml.token_type"))
    info.byte_level_vocab_mapped = _has_mapped_byte_level_vocab(tokens, tokenizer_model)
    info.tensor_types, info.unreadable_tensor_types = _tensor_types(header.tensors)
    return info


@dataclass
class GGUFHeader:
    version: int
    metadata: dict[str, object]  # strings as str, string arrays as lists of bytes, numeric arrays as lists
    tensors: list[tuple[str, int]]  # (name, ggml type) in file order


def read_gguf_header(path: Path) -> GGUFHeader:
    """GGUF metadata and tensor list, without the weights.

    `gguf.GGUFReader` builds a numpy view per array element and takes ~4 s on a 49k-token vocabulary;
    this reads the same header in well under a second with the `gguf` package's type constants.
    """
    import mmap

    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return _GGUFHeaderParser(data).parse()


class _GGUFHeaderParser:
    def __init__(self, data):
        from gguf import GGUFValueType

        self.data = data
        self.pos = 0
        self.types = GGUFValueType
        self.scalars = {
            GGUFValueType.UINT8: "<B", GGUFValueType.INT8: "<b", GGUFValueType.UINT16: "<H",
            GGUFValueType.INT16: "<h", GGUFValueType.UINT32: "<I", GGUFValueType.INT32: "<i",
            GGUFValueType.FLOAT32: "<f", GGUFValueType.BOOL: "<?", GGUFValueType.UINT64: "<Q",
            GGUFValueType.INT64: "<q", GGUFValueType.FLOAT64: "<d",
        }  # fmt: skip
        self.count_format = "<Q"

    def parse(self) -> GGUFHeader:
        if self._read("<4s") != GGUF_MAGIC:
            raise ValueError("bad magic")
        version = self._read("<I")
        if version == 1:  # GGUF v1 used 32-bit counts and lengths
            self.count_format = "<I"
        n_tensors, n_kv = self._count(), self._count()
        metadata = {}
        for _ in range(n_kv):
            key = self._string().decode("utf-8", errors="replace")
            metadata[key] = self._value(self._read("<I"))
        tensors = [self._tensor_info() for _ in range(n_tensors)]
        return GGUFHeader(version=version, metadata=metadata, tensors=tensors)

    def _read(self, fmt: str):
        (value,) = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return value

    def _count(self) -> int:
        return self._read(self.count_format)

    def _string(self) -> bytes:
        length = self._count()
        if self.pos + length > len(self.data):
            raise ValueError("string runs past the end of the file")
        text = self.data[self.pos : self.pos + length]
        self.pos += length
        return text

    def _value(self, kind: int):
        if kind == self.types.STRING:
            return self._string().decode("utf-8", errors="replace")
        if kind == self.types.ARRAY:
            return self._array()
        return self._read(self.scalars[self.types(kind)])

    def _array(self) -> list:
        kind, length = self._read("<I"), self._count()
        if kind == self.types.STRING:
            return [self._string() for _ in range(length)]
        if kind == self.types.ARRAY:
            return [self._array() for _ in range(length)]
        fmt = self.scalars[self.types(kind)]
        values = list(struct.unpack_from(f"<{length}{fmt[1]}", self.data, self.pos))
        self.pos += length * struct.calcsize(fmt)
        return values

    def _tensor_info(self) -> tuple[str, int]:
        name = self._string().decode("utf-8", errors="replace")
        n_dims = self._read("<I")
        for _ in range(n_dims):
            self._count()
        kind = self._read("<I")
        self._read("<Q")  # data offset
        return name, kind


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def _int(value) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _control_tokens(tokens: list[bytes] | None, types: list[int] | None) -> dict[str, int]:
    if not tokens or not types:
        return {}
    found = {}
    for token_id, kind in enumerate(types):
        if kind == CONTROL_TOKEN_TYPE and tokens[token_id]:
            found[tokens[token_id].decode("utf-8", errors="replace")] = token_id
    return found


def _has_mapped_byte_level_vocab(tokens: list[bytes] | None, tokenizer_model: str | None) -> bool | None:
    """True when a byte-level BPE vocab is stored GPT-2 mapped (space as 'Ġ'), as modern tools write it."""
    if tokenizer_model != "gpt2" or not tokens:
        return None
    mapped = sum(token.startswith("\u0120".encode()) for token in tokens)
    raw_space = sum(token.startswith(b" ") for token in tokens)
    return mapped > raw_space


def _tensor_types(tensors: list[tuple[str, int]]) -> tuple[dict[str, int], list[str]]:
    from gguf import GGMLQuantizationType

    counts: dict[str, int] = {}
    unreadable: set[str] = set()
    for _, kind in tensors:
        try:
            name = GGMLQuantizationType(kind).name
        except ValueError:
            name = f"type {kind}"
        counts[name] = counts.get(name, 0) + 1
        if kind > MAX_OLD_GGML_TYPE:
            unreadable.add(name)
    return counts, sorted(unreadable)


def _inspect_legacy(path: Path, head: bytes) -> ModelFileInfo:
    magic = struct.unpack("<I", head[:4])[0]
    fmt = LEGACY_MAGICS[magic]
    version = None if fmt == "ggml" else struct.unpack("<I", head[4:8])[0]
    offset = 4 if fmt == "ggml" else 8
    info = ModelFileInfo(path=path, format=fmt, version=version, file_size=path.stat().st_size, name=path.name)
    if len(head) >= offset + 28:
        keys = ("n_vocab", "n_embd", "n_mult", "n_head", "n_layer", "n_rot", "ftype")
        info.legacy_hparams = dict(zip(keys, struct.unpack("<7I", head[offset : offset + 28])))
        info.vocab_size = info.legacy_hparams["n_vocab"]
    info.context_length = legacy_context_length(path)
    return info


def legacy_context_length(path: Path) -> int:
    """GGML files do not record their window: Llama-2 models have 4096 tokens, older ones 2048."""
    return 4096 if re.search(r"llama[-_ ]?2", path.name, re.IGNORECASE) else 2048


# --- what ctransformers can load ----------------------------------------------------------------


def check_ctransformers_loadable(info: ModelFileInfo, model_type: str | None = None) -> None:
    """Raise ModelError (one line: what blocks loading, what to do) unless ctransformers 0.2.27 can load it."""
    if info.format == "gguf":
        _check_gguf(info)
    else:
        _check_legacy(info, model_type)


def _check_gguf(info: ModelFileInfo) -> None:
    where = info.path
    if info.architecture not in CTRANSFORMERS_GGUF_ARCHITECTURES:
        raise ModelError(
            f"{where}: architecture '{info.architecture}' is not supported by ctransformers' llama.cpp "
            f"(August 2023: {', '.join(CTRANSFORMERS_GGUF_ARCHITECTURES)} only); "
            "use the openvino backend (--backend openvino) or a Llama-family model"
        )
    missing = []
    if not info.has_tokenizer_scores:
        missing.append("no tokenizer.ggml.scores")
    if info.architecture == "llama" and not info.has_output_weight:
        missing.append("no output.weight (tied embeddings)")
    if info.byte_level_vocab_mapped:
        missing.append("GPT-2 mapped byte-level vocabulary")
    if info.unreadable_tensor_types:
        missing.append(f"tensor types too new ({', '.join(info.unreadable_tensor_types)})")
    if missing:
        raise ModelError(
            f"{where}: written by a newer GGUF tool than ctransformers reads ({'; '.join(missing)}); "
            + PREPARE_HINT.format(path=where)
        )


def _check_legacy(info: ModelFileInfo, model_type: str | None) -> None:
    where = info.path
    if not model_type:
        raise ModelError(
            f"{where} is a legacy {info.format.upper()} file, which does not say what model it is; "
            "pass --model-type (e.g. --model-type llama)"
        )
    ftype = info.legacy_hparams.get("ftype")
    quantized = ftype not in (None, 0, 1)  # 0 = F32, 1 = F16
    is_ggjt_v3 = info.format == "ggjt" and info.version == 3
    if model_type == "llama" and quantized and not is_ggjt_v3:
        # llama.cpp dropped the pre-June-2023 quantization layouts (PRs 1405 and 1508).
        raise ModelError(
            f"{where}: quantized {info.format_label} files use a quantization layout llama.cpp no longer reads; "
            "use a GGJT v3 (.ggmlv3) or GGUF file"
        )


# --- prompt format ------------------------------------------------------------------------------


def detect_chat_format(info: ModelFileInfo) -> Literal["chatml", "llama2", "plain"]:
    """ChatML when the chat template uses <|im_start|>, Llama-2 chat for [INST] templates or Llama-2 chat
    file names (legacy GGML files have no template), plain QA prompt otherwise."""
    template = info.chat_template or ""
    if "<|im_start|>" in template:
        return "chatml"
    if "[INST]" in template:
        return "llama2"
    names = (info.path.name, info.name or "")
    if not template and any(LLAMA2_NAME.search(name) for name in names):
        return "llama2"
    return "plain"
