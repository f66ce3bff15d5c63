"""Export a Hugging Face model folder or a GGUF file to an OpenVINO IR LLM folder, offline.

Stages: (GGUF only) load the weights with transformers' GGUF support and write a temporary HF folder with a
tokenizer built from the GGUF metadata; export to OpenVINO IR with optimum-intel; compress the weights with NNCF
(int8 / int4) or keep fp16; convert the tokenizer and detokenizer with openvino_tokenizers; write a metadata file.
Everything is built in a temporary folder beside the output and renamed into place at the end, so an interrupted
export never leaves a half model, and a second export with the same inputs is skipped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from rag.errors import ModelError, UserError, missing_extra

if TYPE_CHECKING:
    from rag.config import Settings

WEIGHT_FORMATS = ("int8", "int4", "fp16")
METADATA_FILE = "docqa_export.json"
METADATA_SCHEMA = 1
MODEL_XML = "openvino_model.xml"
TOKENIZER_XML = "openvino_tokenizer.xml"
DETOKENIZER_XML = "openvino_detokenizer.xml"
INT4_GROUP_SIZES = (128, 64, 32)  # tried in this order when int4 is asked for without a group size
TASK = "text-generation-with-past"
VERSIONED_PACKAGES = (
    "openvino",
    "openvino-tokenizers",
    "optimum-intel",
    "optimum",
    "nncf",
    "transformers",
    "torch",
    "gguf",
)
# ".Q4_1", ".q8_0", ".F16", ".ggmlv3.q8_0": the quantisation part of a GGUF/GGML file name.
_QUANT_SUFFIX = re.compile(r"(\.ggml\w*)?\.(q\d\w*|f16|f32|bf16)$", re.IGNORECASE)

Announce = Callable[[str], None]


# ---------------------------------------------------------------------------------------------------------------
# Public API


def default_openvino_model(settings: "Settings", weight_format: str = "int8") -> Path:
    """Where the default (bundled SmolLM2) IR of `weight_format` lives."""
    from rag.llm.convert.bundled import smollm2_gguf

    return default_output(smollm2_gguf(), settings, weight_format)


def ensure_default_openvino_model(settings: "Settings", announce: Announce = print) -> Path:
    """The default int8 IR, exported from the bundled GGUF the first time it is needed."""
    out = default_openvino_model(settings)
    metadata = read_metadata(out)
    if (out / MODEL_XML).is_file() and metadata and metadata.get("schema") == METADATA_SCHEMA:
        return out  # not re-hashing the source on every start; `export-openvino` re-checks it
    announce(f"First use of the OpenVINO backend: exporting the bundled model to {out} (takes 1-2 minutes, once).")
    return export_openvino(None, out, settings=settings, announce=announce)


def export_openvino(
    source: Path | None = None,
    out: Path | None = None,
    weight_format: str = "int8",
    group_size: int | None = None,
    force: bool = False,
    settings: "Settings | None" = None,
    announce: Announce = print,
) -> Path:
    """Export `source` (HF folder or GGUF file; default: the bundled SmolLM2 GGUF) to an OpenVINO IR folder."""
    if settings is None:
        from rag.config import load_settings

        settings = load_settings()
    source = _resolve_source(source)
    if weight_format not in WEIGHT_FORMATS:
        raise UserError(f"unknown weight format {weight_format!r}; choose one of: {', '.join(WEIGHT_FORMATS)}", 2)
    group_size = _validate_group_size(source, weight_format, group_size, announce)
    out = Path(out) if out else default_output(source, settings, weight_format)
    _check_replaceable(out)
    _require_export_packages()

    from filelock import FileLock

    out.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(out.parent / f".{out.name}.lock")):
        wanted = _wanted_metadata(source, weight_format, group_size)
        if not force and _is_up_to_date(out, wanted):
            announce(f"{out} is up to date (same source, format and library versions): export skipped.")
            return out
        _remove_stale_builds(out)
        return _export_into_place(source, out, weight_format, group_size, wanted, announce)


def export_cli(args, settings: "Settings") -> int:
    """`python -m rag.models export-openvino`: arguments as parsed by rag.models.__main__."""
    export_openvino(
        Path(args.source) if args.source else None,
        Path(args.out) if args.out else None,
        weight_format=args.weight_format,
        group_size=args.group_size,
        force=args.force,
        settings=settings,
    )
    return 0


def default_output(source: Path, settings: "Settings", weight_format: str) -> Path:
    """models/<source name without its quantisation suffix>-ov-<format>."""
    name = source.name if source.is_dir() else _QUANT_SUFFIX.sub("", source.stem)
    return Path(settings.models_dir) / f"{name}-ov-{weight_format}"


# ---------------------------------------------------------------------------------------------------------------
# Validation


def _resolve_source(source: Path | None) -> Path:
    if source is None:
        from rag.llm.convert.bundled import smollm2_gguf

        return smollm2_gguf()
    source = Path(source)
    if not source.exists():
        raise UserError(f"{source}: no such file or folder")
    if source.is_dir():
        if (source / MODEL_XML).is_file():
            raise UserError(f"{source}: already an OpenVINO IR folder; pass it with --model instead of exporting it")
        if not (source / "config.json").is_file():
            raise UserError(f"{source}: not a Hugging Face model folder (no config.json)")
        return source
    if not _is_gguf(source):
        raise UserError(f"{source}: not a GGUF file; export from a GGUF file or a Hugging Face model folder")
    return source


def _check_replaceable(out: Path) -> None:
    """Refuse to replace a folder that is not one of our exports (e.g. --out pointing at the source folder)."""
    if out.is_file() or (out.is_dir() and any(out.iterdir()) and not (out / METADATA_FILE).is_file()):
        raise UserError(f"{out} exists and is not an OpenVINO export made by this tool; choose another --out", 2)


def _is_gguf(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(4) == b"GGUF"


def _validate_group_size(source: Path, weight_format: str, group_size: int | None, announce: Announce) -> int | None:
    if weight_format != "int4":
        if group_size is not None:
            raise UserError("--group-size applies only to --weight-format int4", exit_code=2)
        return None
    dims = _matmul_input_sizes(source)
    if group_size is None:
        group_size = next((size for size in INT4_GROUP_SIZES if all(dim % size == 0 for dim in dims.values())), None)
        if group_size is None:
            raise UserError(f"no int4 group size in {INT4_GROUP_SIZES} divides {_describe_dims(dims)}; pass --group-size")
        announce(f"int4 group size: {group_size}")
        return group_size
    if group_size <= 0 or any(dim % group_size for dim in dims.values()):
        fits = [size for size in (32, 64, 96, 128, 192, 256) if all(dim % size == 0 for dim in dims.values())]
        raise UserError(
            f"int4 group size {group_size} must divide {_describe_dims(dims)}; try one of: "
            f"{', '.join(map(str, fits)) or 'none found'}",
            exit_code=2,
        )
    return group_size


def _describe_dims(dims: dict[str, int]) -> str:
    return " and ".join(f"the {name} ({size})" for name, size in dims.items())


def _matmul_input_sizes(source: Path) -> dict[str, int]:
    """Hidden and intermediate sizes: every weight's input dimension is one of them, so a group size must divide both."""
    if source.is_dir():
        config = json.loads((source / "config.json").read_text())
        sizes = {"hidden size": config.get("hidden_size"), "intermediate size": config.get("intermediate_size")}
    else:
        from gguf import GGUFReader

        fields = GGUFReader(source).fields
        arch = fields["general.architecture"].contents()
        sizes = {
            "hidden size": _gguf_int(fields, f"{arch}.embedding_length"),
            "intermediate size": _gguf_int(fields, f"{arch}.feed_forward_length"),
        }
    sizes = {name: int(size) for name, size in sizes.items() if isinstance(size, int) and size > 0}
    if "hidden size" not in sizes:
        raise ModelError(f"{source}: cannot find the model's hidden size to check the int4 group size")
    return sizes


def _gguf_int(fields, key: str) -> int | None:
    field = fields.get(key)
    return int(field.contents()) if field is not None else None


def _require_export_packages() -> None:
    for module, package in (
        ("openvino", "openvino"),
        ("openvino_tokenizers", "openvino-tokenizers"),
        ("optimum.intel", "optimum-intel"),
        ("nncf", "nncf"),
    ):
        try:
            __import__(module)
        except ImportError:
            raise missing_extra(package, "openvino") from None


# ---------------------------------------------------------------------------------------------------------------
# Up-to-date check


def _wanted_metadata(source: Path, weight_format: str, group_size: int | None) -> dict:
    return {
        "schema": METADATA_SCHEMA,
        "source_fingerprint": _fingerprint(source),
        "weight_format": weight_format,
        "group_size": group_size,
        "versions": _library_versions(),
    }


def _fingerprint(source: Path) -> str:
    """sha256 of a GGUF file; for a folder (often many GB), sha256 over its files' names, sizes and mtimes."""
    digest = hashlib.sha256()
    if source.is_file():
        with open(source, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return f"sha256:{digest.hexdigest()}"
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(source)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return f"files-sha256:{digest.hexdigest()}"


def _library_versions() -> dict[str, str]:
    versions = {}
    for package in VERSIONED_PACKAGES:
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "missing"
    return versions


def read_metadata(folder: Path) -> dict | None:
    try:
        return json.loads((Path(folder) / METADATA_FILE).read_text())
    except (OSError, ValueError):
        return None


def _is_up_to_date(out: Path, wanted: dict) -> bool:
    have = read_metadata(out)
    if not have or not all((out / name).is_file() for name in (MODEL_XML, TOKENIZER_XML, DETOKENIZER_XML)):
        return False
    return all(have.get(key) == value for key, value in wanted.items())


# ---------------------------------------------------------------------------------------------------------------
# The export itself


def _remove_stale_builds(out: Path) -> None:
    # Called under the output's lock, so any build folder left is from a killed export.
    for stale in out.parent.glob(f".{out.name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _export_into_place(
    source: Path, out: Path, weight_format: str, group_size: int | None, metadata: dict, announce: Announce
) -> Path:
    started = time.perf_counter()
    build = out.parent / f".{out.name}.tmp-{os.getpid()}"
    build.mkdir()
    try:
        with _quiet_libraries():
            ir_dir = _build_ir(source, build, weight_format, group_size, announce)
        metadata = {**metadata, "source": str(source.resolve()), "seconds": round(time.perf_counter() - started, 1)}
        (ir_dir / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n")
        _replace(ir_dir, out)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    elapsed = time.perf_counter() - started
    announce(f"Exported {out} ({weight_format}) in {elapsed:.0f} s, {_folder_size(out) / 1e6:.0f} MB.")
    return out


def _build_ir(source: Path, build: Path, weight_format: str, group_size: int | None, announce: Announce) -> Path:
    hf_dir = _hf_folder(source, build / "hf", announce)
    ir_dir = build / "ir"
    _export_ir(hf_dir, ir_dir, weight_format, announce)
    if weight_format in ("int8", "int4"):
        _compress_weights(ir_dir, build / "compressed", weight_format, group_size, announce)
        shutil.rmtree(ir_dir)
        (build / "compressed").rename(ir_dir)
    else:
        announce("[3/4] Keeping fp16 weights (no NNCF compression).")
    _export_tokenizers(hf_dir, ir_dir, announce)
    if source.suffix.lower() == ".gguf" and not _ov_tokenizer_agrees(hf_dir, ir_dir):
        # transformers' GGUF tokenizer round-trips text but openvino_tokenizers converts it wrongly for some files
        # (SmolLM2: other ids, "Ġ" in the output): rebuild it from the GGUF vocabulary and convert again.
        from rag.llm.convert.gguf_tokenizer import save_gguf_tokenizer

        save_gguf_tokenizer(source, hf_dir)
        _export_tokenizers(hf_dir, ir_dir, announce)
    return ir_dir


def _ov_tokenizer_agrees(hf_dir: Path, ir_dir: Path) -> bool:
    """Whether the converted OpenVINO tokenizer gives the same ids as the Hugging Face one it came from."""
    import openvino as ov
    import openvino_tokenizers  # noqa: F401 (registers the tokenizer operations)
    from transformers import AutoTokenizer

    try:
        hf_ids = AutoTokenizer.from_pretrained(str(hf_dir), local_files_only=True)(
            ROUND_TRIP_TEXT, add_special_tokens=False)["input_ids"]
        compiled = ov.Core().compile_model(str(ir_dir / TOKENIZER_XML), "CPU")
        return compiled([ROUND_TRIP_TEXT])["input_ids"][0].tolist() == list(hf_ids)
    except Exception:
        return False


def _hf_folder(source: Path, target: Path, announce: Announce) -> Path:
    if source.is_dir():
        announce(f"[1/4] Using the Hugging Face model folder {source}.")
        return source
    announce(f"[1/4] Loading {source.name} with transformers' GGUF support (float32)...")
    import torch
    from transformers import AutoModelForCausalLM

    from rag.llm.convert.gguf_tokenizer import save_gguf_tokenizer

    try:
        model = AutoModelForCausalLM.from_pretrained(
            str(source.parent), gguf_file=source.name, dtype=torch.float32, local_files_only=True
        )
    except Exception as exc:
        raise ModelError(f"{source}: transformers cannot load this GGUF ({type(exc).__name__}: {exc})") from None
    model.save_pretrained(str(target))
    del model
    if not _save_transformers_tokenizer(source, target):
        save_gguf_tokenizer(source, target)
    return target


# Text a working tokenizer gives back unchanged (spaces, digits, punctuation, a non-ASCII character).
ROUND_TRIP_TEXT = "The minimum guarantee is £750 million, over 10 years (2015-2025)."


def _save_transformers_tokenizer(source: Path, target: Path) -> bool:
    """Save transformers' own tokenizer for the GGUF (qwen2, llama3, gemma3 ...) when it encodes text faithfully.

    transformers builds a broken tokenizer for some files (SmolLM2: spaces become <|endoftext|>); those, and
    files it cannot read, get the tokenizer built here from the GGUF vocabulary instead (returns False).
    """
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(str(source.parent), gguf_file=source.name, local_files_only=True)
        ids = tokenizer(ROUND_TRIP_TEXT, add_special_tokens=False)["input_ids"]
        if tokenizer.decode(ids, skip_special_tokens=False) != ROUND_TRIP_TEXT or len(ids) < 8:
            return False
    except Exception:
        return False
    if not tokenizer.chat_template:
        from gguf import GGUFReader

        field = GGUFReader(source).fields.get("tokenizer.chat_template")
        if field is not None:
            tokenizer.chat_template = field.contents()
    tokenizer.save_pretrained(str(target))
    return True


def _export_ir(hf_dir: Path, ir_dir: Path, weight_format: str, announce: Announce) -> None:
    announce("[2/4] Exporting to OpenVINO IR with optimum-intel...")
    from optimum.exporters.openvino import main_export
    from optimum.intel import OVConfig

    try:
        main_export(
            str(hf_dir),
            output=ir_dir,
            task=TASK,
            # "auto" loads a 16-bit checkpoint in 16 bits (a 7B model in fp32 would need 28 GB); NNCF compresses next.
            ov_config=OVConfig(dtype="fp16" if weight_format == "fp16" else "auto"),
            convert_tokenizer=False,  # done below, where a failure is an error rather than a logged warning
            library_name="transformers",
            local_files_only=True,
        )
    except Exception as exc:
        raise ModelError(f"{hf_dir}: export to OpenVINO failed ({type(exc).__name__}: {exc})") from None


def _compress_weights(ir_dir: Path, target: Path, weight_format: str, group_size: int | None, announce: Announce):
    detail = f", group size {group_size}" if group_size else ""
    announce(f"[3/4] Compressing the weights to {weight_format} with NNCF{detail}...")
    from optimum.intel import OVModelForCausalLM, OVWeightQuantizationConfig

    if weight_format == "int8":
        config = OVWeightQuantizationConfig(bits=8)
    else:
        config = OVWeightQuantizationConfig(bits=4, group_size=group_size, ratio=1.0, sym=False)
    model = OVModelForCausalLM.from_pretrained(
        str(ir_dir), export=False, compile=False, quantization_config=config, local_files_only=True
    )
    model.save_pretrained(target)
    for name in ("generation_config.json",):
        if (ir_dir / name).is_file() and not (target / name).is_file():
            shutil.copy2(ir_dir / name, target / name)
    _forget_build_paths(target / "openvino_config.json")


def _forget_build_paths(openvino_config: Path) -> None:
    # optimum records the folder it quantized from (our temporary build folder), which is gone after the export.
    config = _read_json(openvino_config)
    if config.get("quantization_config", {}).get("tokenizer"):
        config["quantization_config"]["tokenizer"] = None
        openvino_config.write_text(json.dumps(config, indent=2) + "\n")


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _export_tokenizers(hf_dir: Path, ir_dir: Path, announce: Announce) -> None:
    announce("[4/4] Converting the tokenizer and detokenizer with openvino_tokenizers...")
    import openvino as ov
    from openvino_tokenizers import convert_tokenizer
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(str(hf_dir), local_files_only=True)
    except Exception as exc:
        raise ModelError(f"{hf_dir}: no usable tokenizer ({type(exc).__name__}: {exc})") from None
    tokenizer.padding_side = tokenizer.truncation_side = "left"
    try:
        ov_tokenizer, ov_detokenizer = convert_tokenizer(tokenizer, with_detokenizer=True)
    except Exception as exc:
        raise ModelError(f"openvino_tokenizers cannot convert this tokenizer ({type(exc).__name__}: {exc})") from None
    ov.save_model(ov_tokenizer, str(ir_dir / TOKENIZER_XML))
    ov.save_model(ov_detokenizer, str(ir_dir / DETOKENIZER_XML))
    tokenizer.save_pretrained(str(ir_dir))


def _replace(built: Path, out: Path) -> None:
    """Rename the finished build into place; an existing output is moved aside first and removed last."""
    old = out.parent / f".{out.name}.tmp-old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    built.rename(out)
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _quiet_libraries() -> Iterator[None]:
    """Keep our stage messages readable: no tracer warnings, library INFO logs or per-tensor progress bars."""
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    loggers = {name: logging.getLogger(name) for name in ("nncf", "optimum", "optimum.intel")}
    levels = {name: logger.level for name, logger in loggers.items()}
    for logger in loggers.values():
        logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        hf_logging.set_verbosity(verbosity)
        hf_logging.enable_progress_bar()
        for name, logger in loggers.items():
            logger.setLevel(levels[name])


def _folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
