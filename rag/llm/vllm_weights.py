"""`python -m rag.llm.vllm_weights OUT [--pack NAME]`: a model pack's weights as a Hugging Face folder for vLLM.

vLLM (and other OpenAI-compatible servers) load Hugging Face folders; the packs ship a GGUF (`rag.llm.packs`), and
the OpenVINO IR docqa exports from it is not that format. transformers reads the GGUF (dequantised to float32) and
saves it with its tokenizer and chat template: the same step the OpenVINO export starts with. Used by
scripts/setup_vllm.sh (docs/scale-out.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rag.config import load_settings
from rag.errors import UserError
from rag.llm.packs import DEFAULT_PACK, get_pack, pack_gguf


def export_hf_folder(pack_name: str, out: Path) -> Path:
    from rag.llm.convert.openvino_export import _hf_folder

    gguf = pack_gguf(get_pack(pack_name), load_settings())
    if not gguf.is_file():
        raise UserError(f"{gguf}: the {pack_name} pack is not assembled; run: python -m rag.models install {pack_name}")
    out.mkdir(parents=True, exist_ok=True)
    return _hf_folder(gguf, out, announce=lambda line: print(line, file=sys.stderr))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rag.llm.vllm_weights", description=__doc__.splitlines()[0],
                                     epilog="docs: docs/scale-out.md")
    parser.add_argument("out", type=Path, help="the folder to write")
    parser.add_argument("--pack", default=DEFAULT_PACK, help=f"model pack (default {DEFAULT_PACK})")
    args = parser.parse_args(argv)
    print(export_hf_folder(args.pack, args.out))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except UserError as exc:
        sys.exit(f"error: {exc}")
