"""`python -m rag.bench SUBCOMMAND`: the dispatcher; each benchmark module adds its subcommand and runs it."""

from __future__ import annotations

import argparse
import sys

from rag.bench import faults, ingest, ingest_compare, llm, scan, serve, startup, store, tables
from rag.cli import run_cli

BENCHMARKS = (ingest, llm, serve, faults, ingest_compare, startup, store, scan, tables)


def build_parser() -> argparse.ArgumentParser:
    import rag.bench

    parser = argparse.ArgumentParser(prog="python -m rag.bench", description=rag.bench.__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for benchmark in BENCHMARKS:
        benchmark.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(run_cli(main))
