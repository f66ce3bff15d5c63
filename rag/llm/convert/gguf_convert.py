"""Rewrite a modern Llama-family GGUF into a Q8_0 GGUF that ctransformers 0.2.27 can load.

ctransformers bundles the llama.cpp of August 2023. Its GGUF loader rejects files written by today's
tools for three reasons, all fixed here by rewriting the file with the `gguf` package:

1. it requires a `tokenizer.ggml.scores` array (byte-level BPE vocabularies no longer ship one);
2. its BPE tokenizer looks tokens up by their raw UTF-8 bytes and merges whole characters by raw text
   (only space and newline written as GPT-2's `Ġ`/`Ċ`), while modern files store tokens and byte-level
   merges in the GPT-2 byte-to-unicode mapped form;
3. it requires an `output.weight` tensor (models with tied embeddings only have `token_embd.weight`).

Weights are dequantized and re-quantized to Q8_0 (8-bit) with `gguf.quants`; all other metadata (chat
template, context length, RoPE settings, special token ids, ...) is copied unchanged.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.errors import ModelError
from rag.hashing import sha256_file

if TYPE_CHECKING:
    import numpy as np
    from gguf import GGUFReader, GGUFWriter, ReaderField, ReaderTensor

    from rag.config import Settings

# Bump when the output of the converter changes, so files written by an older version are rebuilt.
CONVERTER_VERSION = 1
OUTPUT_SUFFIX = ".ctransformers.q8_0.gguf"
SIDECAR_SUFFIX = ".json"
CONVERTED_MARK_KEY = "docqa.converted_for"
CONVERTED_MARK = f"ctransformers (docqa converter v{CONVERTER_VERSION})"

LLAMA_TENSOR_SUFFIXES = (
    "attn_norm.weight", "attn_q.weight", "attn_k.weight", "attn_v.weight", "attn_output.weight",
    "ffn_norm.weight", "ffn_gate.weight", "ffn_down.weight", "ffn_up.weight",
)  # fmt: skip
LLAMA_GLOBAL_TENSORS = ("token_embd.weight", "output_norm.weight", "output.weight")

# Keys the writer produces itself or that this converter replaces.
_REWRITTEN_KEYS = {
    "general.architecture",
    "general.file_type",
    "tokenizer.ggml.tokens",
    "tokenizer.ggml.merges",
    "tokenizer.ggml.scores",
    CONVERTED_MARK_KEY,
}


# --- public API ---------------------------------------------------------------------------------


def convert_for_ctransformers(src: Path, dst: Path) -> Path:
    """Write `dst`, a Q8_0 GGUF of the Llama-family GGUF `src` that ctransformers 0.2.27 loads.

    The file is written to a temporary name in the destination folder and renamed at the end, so an
    interrupted conversion never leaves a half-written `dst` behind.
    """
    src, dst = Path(src), Path(dst)
    reader = _open_gguf(src)
    _check_convertible(reader, src)
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
    try:
        _write_converted(reader, tmp)
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)
    return dst


def default_ctransformers_model(settings: Settings) -> Path:
    """Where the converted default model lives: models/SmolLM2-135M-Instruct.ctransformers.q8_0.gguf."""
    from rag.llm.convert.bundled import SMOLLM2_FILE

    return Path(settings.models_dir) / output_name_for(Path(SMOLLM2_FILE))


def output_name_for(src: Path) -> str:
    """models/<name>.ctransformers.q8_0.gguf for a source file <name>[.<quant>].gguf."""
    stem = src.stem
    base, _, last = stem.rpartition(".")
    if base and _looks_like_quant_label(last):
        stem = base
    return stem + OUTPUT_SUFFIX


def ensure_default_ctransformers_model(settings: Settings, announce: Callable[[str], Any] = print) -> Path:
    """The converted default model, converting the bundled SmolLM2 GGUF first if needed."""
    from rag.llm.convert.bundled import smollm2_gguf

    path, _, _ = ensure_converted(smollm2_gguf(), default_ctransformers_model(settings), announce=announce)
    return path


def ensure_converted(
    src: Path, dst: Path, *, force: bool = False, announce: Callable[[str], Any] = print
) -> tuple[Path, bool, float]:
    """Convert `src` to `dst` unless `dst` is already up to date. Returns (dst, converted, seconds)."""
    from filelock import FileLock

    if not force and _is_up_to_date_for(dst, src):
        return dst, False, 0.0
    _check_source_file(src)
    dst.parent.mkdir(parents=True, exist_ok=True)
    # Two processes starting at once (e.g. main.py and `prepare`) convert once, not twice.
    with FileLock(str(dst.with_name(f".{dst.name}.lock"))):
        if not force and _is_up_to_date_for(dst, src):
            return dst, False, 0.0
        _remove_stale_temp_files(dst)
        announce(f"Converting {src.name} for ctransformers (one time, 8-bit Q8_0) -> {dst} ...")
        start = time.perf_counter()
        source_sha = sha256_file(src)
        convert_for_ctransformers(src, dst)
        seconds = time.perf_counter() - start
        _write_sidecar(dst, src, source_sha)
    announce(f"Wrote {dst} ({dst.stat().st_size / 1e6:.0f} MB) in {seconds:.1f} s.")
    return dst, True, seconds


def _remove_stale_temp_files(dst: Path) -> None:
    """Leftovers of a conversion that was killed (only called while holding the lock)."""
    for leftover in dst.parent.glob(f".{dst.name}.*.tmp"):
        leftover.unlink(missing_ok=True)


def prepare_cli(args, settings: Settings) -> int:
    """`python -m rag.models prepare [source] [--out] [--force]`."""
    from rag.llm.convert.bundled import smollm2_gguf

    src = Path(args.source) if args.source else smollm2_gguf()
    dst = Path(args.out) if args.out else Path(settings.models_dir) / output_name_for(src)
    path, converted, _ = ensure_converted(src, dst, force=args.force, announce=print)
    if not converted:
        size_mb = path.stat().st_size / 1e6
        print(f"Up to date: {path} ({size_mb:.0f} MB), converted from {src.name}; use --force to redo it.")
    return 0


# --- up-to-date check ---------------------------------------------------------------------------


def sidecar_path(dst: Path) -> Path:
    return dst.with_name(dst.name + SIDECAR_SUFFIX)


def is_up_to_date(dst: Path, source_sha: str) -> bool:
    """True when `dst` was written by this converter version from a source with this sha256."""
    record = _read_sidecar(dst)
    return record is not None and record.get("source_sha256") == source_sha


def _is_up_to_date_for(dst: Path, src: Path) -> bool:
    record = _read_sidecar(dst)
    if record is None or not src.is_file():
        return False
    if record.get("source_stamp") == _stamp(src):
        return True  # same size and modification time: skip hashing ~100 MB on every start
    if record.get("source_sha256") != sha256_file(src):
        return False
    _write_sidecar(dst, src, record["source_sha256"])  # same content, new stamp (e.g. reinstalled package)
    return True


def _read_sidecar(dst: Path) -> dict | None:
    sidecar = sidecar_path(dst)
    if not dst.is_file() or not sidecar.is_file():
        return None
    try:
        record = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    current = record.get("converter_version") == CONVERTER_VERSION and record.get("size") == dst.stat().st_size
    return record if current else None


def _stamp(src: Path) -> list[int]:
    stat = src.stat()
    return [stat.st_size, stat.st_mtime_ns]


def _write_sidecar(dst: Path, src: Path, source_sha: str) -> None:
    record = {
        "source": str(src),
        "source_sha256": source_sha,
        "source_stamp": _stamp(src),
        "converter_version": CONVERTER_VERSION,
        "size": dst.stat().st_size,
        "format": "gguf q8_0 for ctransformers 0.2.27",
    }
    sidecar_path(dst).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


# --- reading and checking the source ------------------------------------------------------------


def _check_source_file(src: Path) -> None:
    """Fail fast, before announcing a conversion, on a missing or non-GGUF source."""
    from rag.llm.convert.inspect import inspect_model_file

    if not src.exists():
        raise ModelError(f"{src}: file not found; pass the path of a GGUF file to convert")
    info = inspect_model_file(src)
    if info.format != "gguf":
        raise ModelError(f"{src}: a legacy {info.format.upper()} file; only GGUF files can be converted")


def _open_gguf(src: Path) -> GGUFReader:
    from gguf import GGUFReader

    if not src.is_file():
        raise ModelError(f"{src}: file not found")
    try:
        return GGUFReader(src)
    except Exception as exc:
        raise ModelError(f"{src}: not a readable GGUF file ({exc})") from None


def _field(reader: GGUFReader, key: str) -> Any:
    field = reader.get_field(key)
    return None if field is None else field.contents()


def _check_convertible(reader: GGUFReader, src: Path) -> None:
    arch = _field(reader, "general.architecture")
    if arch != "llama":
        raise ModelError(
            f"{src.name}: architecture '{arch}' cannot be converted for ctransformers "
            "(only the Llama family is supported); use the openvino backend for it"
        )
    tokenizer = _field(reader, "tokenizer.ggml.model")
    if tokenizer not in ("gpt2", "llama"):
        raise ModelError(f"{src.name}: tokenizer type '{tokenizer}' is not supported by ctransformers' llama.cpp")
    unknown = [t.name for t in reader.tensors if not _is_llama_tensor(t.name)]
    if unknown:
        raise ModelError(
            f"{src.name}: tensors the August-2023 llama.cpp does not know: {', '.join(unknown[:5])}; "
            "this model needs a newer runtime (use the openvino backend)"
        )


def _is_llama_tensor(name: str) -> bool:
    if name in LLAMA_GLOBAL_TENSORS:
        return True
    parts = name.split(".", 2)
    return len(parts) == 3 and parts[0] == "blk" and parts[1].isdigit() and parts[2] in LLAMA_TENSOR_SUFFIXES


def _looks_like_quant_label(text: str) -> bool:
    label = text.upper()
    return label.startswith(("Q", "IQ", "F16", "F32", "BF16")) and any(ch.isdigit() for ch in label)


# --- writing ------------------------------------------------------------------------------------


def _write_converted(reader: GGUFReader, out: Path) -> None:
    from gguf import GGUFWriter, LlamaFileType

    writer = GGUFWriter(out, arch=_field(reader, "general.architecture"))
    _copy_metadata(reader, writer)
    writer.add_uint32("general.file_type", int(LlamaFileType.MOSTLY_Q8_0))
    writer.add_string(CONVERTED_MARK_KEY, CONVERTED_MARK)
    _add_vocab(reader, writer)
    _add_tensors(reader, writer)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def _copy_metadata(reader: GGUFReader, writer: GGUFWriter) -> None:
    for key, field in reader.fields.items():
        if key.startswith("GGUF.") or key in _REWRITTEN_KEYS:
            continue
        value, vtype, sub_type = _raw_field_value(field)
        writer.add_key_value(key, value, vtype, sub_type=sub_type)


def _raw_field_value(field: ReaderField) -> tuple[Any, Any, Any]:
    """A field's value as the writer takes it; strings stay raw bytes so nothing is re-encoded."""
    from gguf import GGUFValueType

    main = field.types[0]
    if main == GGUFValueType.ARRAY:
        sub = field.types[-1]
        if sub == GGUFValueType.STRING:
            return [bytes(field.parts[i]) for i in field.data], main, sub
        return field.contents(), main, sub
    if main == GGUFValueType.STRING:
        return bytes(field.parts[-1]), main, None
    return field.contents(), main, None


def _add_vocab(reader: GGUFReader, writer: GGUFWriter) -> None:
    from gguf import GGUFValueType

    tokens, _, _ = _raw_field_value(reader.fields["tokenizer.ggml.tokens"])
    types = _field(reader, "tokenizer.ggml.token_type") or [1] * len(tokens)
    if _field(reader, "tokenizer.ggml.model") == "gpt2":
        tokens = [tok if kind == 3 else _unmap_token(tok) for tok, kind in zip(tokens, types)]
        merges = _field(reader, "tokenizer.ggml.merges") or []
        writer.add_key_value(
            "tokenizer.ggml.merges", _old_style_merges(merges), GGUFValueType.ARRAY, GGUFValueType.STRING
        )
    writer.add_key_value("tokenizer.ggml.tokens", tokens, GGUFValueType.ARRAY, GGUFValueType.STRING)
    scores = _field(reader, "tokenizer.ggml.scores")
    if scores is None:
        # The BPE tokenizer ranks by merges and never reads scores; the loader only needs the array.
        scores = [0.0] * len(tokens)
    writer.add_key_value("tokenizer.ggml.scores", scores, GGUFValueType.ARRAY, GGUFValueType.FLOAT32)


_BYTE_DECODER: dict[str, int] | None = None


def _byte_decoder() -> dict[str, int]:
    global _BYTE_DECODER
    if _BYTE_DECODER is None:
        from gguf.vocab import bytes_to_unicode

        _BYTE_DECODER = {char: byte for byte, char in bytes_to_unicode().items()}
    return _BYTE_DECODER


def _unmap(text: str) -> bytes | None:
    """GPT-2 byte-to-unicode text back to raw bytes; None when `text` is not in that alphabet."""
    decoder = _byte_decoder()
    try:
        return bytes(decoder[char] for char in text)
    except KeyError:
        return None


def _unmap_token(token: bytes) -> bytes:
    try:
        raw = _unmap(token.decode("utf-8"))
    except UnicodeDecodeError:
        return token
    return token if raw is None else raw


def _old_style_merges(merges: list[str]) -> list[str]:
    """Merges as the old `find_bpe_rank` looks them up, in rank order, without duplicates.

    The old tokenizer splits words into whole UTF-8 characters (not bytes) and looks pairs up by raw
    text with space written as Ġ and newline as Ċ. A byte-level merge that cuts a character in two
    (e.g. "ĠÂ" + "£" for " £") becomes the character-level pair (" ", "£") at the same rank; merges
    that only join the bytes of one character are already done there and are left out.
    """
    seen: set[str] = set()
    result: list[str] = []
    for merge in merges:
        pair = _character_pair(merge)
        if pair is None:
            continue
        text = " ".join(part.replace(" ", "\u0120").replace("\n", "\u010a") for part in pair)
        if text not in seen:
            seen.add(text)
            result.append(text)
    return result


def _character_pair(merge: str) -> tuple[str, str] | None:
    left, sep, right = merge.partition(" ")
    raw_left, raw_right = _unmap(left), _unmap(right)
    if not sep or raw_left is None or raw_right is None:
        return None
    joined = raw_left + raw_right
    try:
        joined.decode("utf-8")
    except UnicodeDecodeError:
        return None  # the merged token is itself a partial character: no character-level pair
    cut = _char_boundary_near(joined, len(raw_left))
    if cut is None:
        return None
    return joined[:cut].decode("utf-8"), joined[cut:].decode("utf-8")


def _char_boundary_near(data: bytes, cut: int) -> int | None:
    """The character boundary at or before byte `cut` (else the one after) that leaves both sides non-empty."""
    is_boundary = lambda i: i == len(data) or (data[i] & 0xC0) != 0x80  # noqa: E731
    back = cut
    while back > 0 and not is_boundary(back):
        back -= 1
    if back > 0:
        return back
    ahead = cut
    while ahead < len(data) and not is_boundary(ahead):
        ahead += 1
    return ahead if ahead < len(data) else None


def _add_tensors(reader: GGUFReader, writer: GGUFWriter) -> None:
    names = {t.name for t in reader.tensors}
    for tensor in reader.tensors:
        data, qtype = _to_q8_0(tensor)
        writer.add_tensor(tensor.name, data, raw_dtype=qtype)
        if tensor.name == "token_embd.weight" and "output.weight" not in names:
            # Tied embeddings: the old loader insists on its own output matrix.
            writer.add_tensor("output.weight", data.copy(), raw_dtype=qtype)


def _to_q8_0(tensor: ReaderTensor) -> tuple[np.ndarray, Any]:
    """The tensor's data as Q8_0 (2-D weights) or F32 (norms and anything Q8_0 cannot hold)."""
    import numpy as np
    from gguf import GGMLQuantizationType as Q
    from gguf import quants

    qtype = Q(tensor.tensor_type)
    if qtype == Q.Q8_0:
        return np.array(tensor.data), Q.Q8_0
    try:
        values = quants.dequantize(tensor.data, qtype)
    except NotImplementedError:
        raise ModelError(f"tensor {tensor.name} is stored as {qtype.name}, which the converter cannot read") from None
    values = np.asarray(values, dtype=np.float32).reshape(_numpy_shape(tensor))
    if values.ndim < 2 or values.shape[-1] % 32:
        return values, Q.F32
    return quants.quantize(values, Q.Q8_0), Q.Q8_0


def _numpy_shape(tensor: ReaderTensor) -> tuple[int, ...]:
    # GGUF lists dimensions fastest-first; numpy wants them slowest-first.
    return tuple(int(dim) for dim in reversed(tensor.shape.tolist()))
