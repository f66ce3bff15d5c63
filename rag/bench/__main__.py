"""`python -m rag.bench SUBCOMMAND`: the dispatcher; each benchmark module adds its subcommand and runs it."""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from pathlib import Path

from rag.bench import faults, ingest, ingest_compare, llm, scan, serve, startup, store, tables, watch
from rag.cli import run_cli

BENCHMARKS = (ingest, llm, serve, faults, ingest_compare, startup, store, scan, tables, watch)
DOCS = "docs: docs/performance.md (figures), docs/reliability.md (faults)"


def build_parser() -> argparse.ArgumentParser:
    import rag.bench

    parser = argparse.ArgumentParser(prog="python -m rag.bench", description=rag.bench.__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for benchmark in BENCHMARKS:
        benchmark.add_parser(sub)
    parser.epilog = DOCS
    for command in sub.choices.values():
        command.epilog = command.epilog or DOCS
        command.add_argument("--report", type=Path, metavar="FILE.html",
                             help="also write the output as one HTML page, each table with its chart")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    if not getattr(args, "report", None):
        return args.run(args)
    return run_with_report(args, "python -m rag.bench " + " ".join(argv))


class _Tee(io.TextIOBase):
    """Writes to the terminal and keeps a copy for the report."""

    def __init__(self, out):
        self.out, self.kept = out, io.StringIO()

    def write(self, text: str) -> int:
        self.kept.write(text)
        return self.out.write(text)

    def flush(self) -> None:
        self.out.flush()


def run_with_report(args, command: str) -> int:
    from rag.bench.common import load_average, recording_tables
    from rag.bench.report import write_bench_report
    from rag.eval.report import pyplot

    pyplot()  # the report's extra is installed, before a long benchmark rather than after it
    load = load_average()
    tee = _Tee(sys.stdout)
    with recording_tables() as tables, contextlib.redirect_stdout(tee):
        code = args.run(args)
    write_bench_report(args.report, command, tables, tee.kept.getvalue(), load)
    print(f"wrote {args.report}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(run_cli(main))
