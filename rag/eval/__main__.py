"""`python -m rag.eval QUESTIONS.jsonl --docs DIR`: measure retrieval and answers on questions with known evidence pages.

Prints a table per source/category and overall for each preset; `--json` prints, and `--out` writes, every
question's result as JSON so runs can be compared; `--report FILE.html` writes them as one page with charts
(`rag.eval.report`), as does `python -m rag.eval report RUN.json [--compare OLD.json] -o FILE.html` for a saved run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from rag.cli import run_cli
from rag.config import load_settings
from rag.errors import UserError
from rag.eval.runner import (PRESETS, apply_preset, eval_index_dir, format_run, read_labels, read_questions,
                             run_preset)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag.eval", description=__doc__.splitlines()[0],
                                     epilog="docs: docs/evaluation.md; --collection: docs/collections.md")
    parser.add_argument("questions", type=Path, metavar="QUESTIONS.jsonl", help="one JSON question per line")
    parser.add_argument("--docs", type=Path, metavar="DIR",
                        help="folder of the documents asked about (required unless --collection is given)")
    parser.add_argument("--collection", metavar="NAME",
                        help="evaluate a collection (docs/collections.md): its folder, index and settings")
    parser.add_argument("--index", type=Path, metavar="DIR",
                        help="index folder (default: under the cache dir, keyed by the documents and settings)")
    parser.add_argument("-k", type=int, help="passages to retrieve (default: the preset's)")
    parser.add_argument("--retrieval-only", action="store_true", help="score retrieval only; do not load the model")
    parser.add_argument("--preset", default="default", metavar="NAMES",
                        help=f"comma-separated presets to run in turn: {', '.join(PRESETS)} (default: default)")
    parser.add_argument("--where", action="append", default=[], metavar="FIELD=VALUE",
                        help="keep questions whose field (or extra field, e.g. tier) has this value; repeatable")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N questions")
    parser.add_argument("--json", action="store_true", help="print the results as JSON on stdout instead of tables")
    parser.add_argument("--out", type=Path, metavar="FILE", help="also write the results as JSON to FILE")
    parser.add_argument("--report", type=Path, metavar="FILE.html",
                        help="also write the results as one self-contained HTML page with charts")
    parser.add_argument("--compare", type=Path, metavar="OLD.json",
                        help="with --report: a previous run (--out) to compare with")
    parser.add_argument("--labels", type=Path, metavar="FILE",
                        help="hand labels (JSONL: id, answer, correct): an answer labelled by hand is scored by its "
                             "label instead of the gold-key match (e.g. tests/data/answer_labels.jsonl)")
    parser.add_argument("--backend", choices=["auto", "ctransformers", "openvino"], help="LLM backend (default: settings)")
    parser.add_argument("--model", type=Path, help="LLM model file or folder (default: settings)")
    parser.add_argument("--store", choices=["faiss", "pgvector"], help="index store (default faiss: files in the index folder)")
    parser.add_argument("--pg-dsn", help="PostgreSQL connection string for --store pgvector; each document set and setting gets its own schema (default: RAG_PG_DSN)")
    return parser


def build_report_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag.eval report",
                                     description="write a saved run (rag.eval --out) as one HTML page with charts",
                                     epilog="docs: docs/evaluation-report.md")
    parser.add_argument("run", type=Path, metavar="RUN.json")
    parser.add_argument("--compare", type=Path, metavar="OLD.json", help="a previous run to compare with")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.html")
    return parser


def report_main(argv: list[str]) -> int:
    from rag.eval.report import load_run, write_report

    args = build_report_parser().parse_args(argv)
    write_report(args.output, load_run(args.run), load_run(args.compare) if args.compare else None)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["report"]:
        return report_main(argv[1:])
    if argv[:1] == ["keypoints"]:
        from rag.eval.keypoints import main as keypoints_main

        return keypoints_main(argv[1:])
    args = build_parser().parse_args(argv)
    if args.compare is not None and args.report is None:
        raise UserError("--compare goes with --report FILE.html", exit_code=2)
    compare = None
    if args.report is not None:
        from rag.eval.report import load_run, pyplot

        pyplot()  # matplotlib is there, before the run rather than after it
        compare = load_run(args.compare) if args.compare else None
    meta = run_meta()
    if args.k is not None and args.k < 1 or args.limit is not None and args.limit < 1:
        raise UserError("-k and --limit must be at least 1", exit_code=2)
    base = load_settings(backend=args.backend, model=args.model, data_dir=args.docs, store=args.store,
                         pg_dsn=args.pg_dsn)
    if args.collection is not None:  # its folder, index (or schema) and settings, unless named on the command line
        from rag.index.collections import settings_for

        base = settings_for(base, args.collection, {"store": args.store})
        args.docs = args.docs or Path(base.data_dir)
        args.index = args.index or Path(base.index_dir)
    if args.docs is None:
        raise UserError("name the documents with --docs DIR (or a collection with --collection NAME)", exit_code=2)
    if not args.docs.is_dir():
        raise UserError(f"{args.docs}: no such folder of documents")
    base = base.model_copy(update={"data_dir": args.docs})
    presets = [name.strip() for name in args.preset.split(",") if name.strip()]
    runs_settings = [apply_preset(base, name, args.k) for name in presets]
    if args.index is not None and len({(s.chunk_size, s.chunk_overlap, s.chunk_context) for s in runs_settings}) > 1:
        raise UserError("--index holds one chunk setting; these presets need different ones, so leave --index out",
                        exit_code=2)
    questions = read_questions(args.questions, args.where, args.limit, warn=_warn)
    labels = read_labels(args.labels) if args.labels else {}

    from rag.cli import json_mode

    with json_mode(args.json):  # only the report goes to stdout with --json
        from rag.index.embeddings import LocalEmbeddings

        embeddings = LocalEmbeddings(base)
        backend = None if args.retrieval_only else _load_backend(base)
        runs = []
        for name, settings in zip(presets, runs_settings):
            settings = settings.model_copy(update={"index_dir": args.index or eval_index_dir(settings, args.docs)})
            if settings.store == "pgvector" and args.collection is None:  # the cached index's key names its schema, as it names its folder
                settings = settings.model_copy(
                    update={"pg_schema": "docqa_eval_" + settings.index_dir.name.rsplit("-", 1)[-1]})
            run = run_preset(name, settings, questions, args.docs, embeddings, backend)
            run.apply_labels(labels)
            runs.append(run)
            if not args.json:
                print(format_run(run), flush=True)
                print()
    if backend is not None:
        meta["model"] = backend.describe()
    report = {"questions_file": str(args.questions), "docs": str(args.docs), "where": args.where, "meta": meta,
              "runs": [run.to_dict() for run in runs]}
    if args.report:
        from rag.eval.report import write_report

        started = time.perf_counter()
        write_report(args.report, report, compare)
        print(f"wrote {args.report} in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    if args.out:
        args.out.write_text(json.dumps(report, indent=1, default=str, ensure_ascii=False), encoding="utf-8")
    if args.json:
        print(json.dumps(report, indent=1, default=str, ensure_ascii=False))
    return 0


def run_meta() -> dict:
    """When and where the run happened: the date, the machine's cores and its load as the run starts."""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "machine": f"{os.cpu_count()} cores",
            "load": f"{load} (1, 5, 15 min)"}


def _warn(message: str) -> None:
    print(message, file=sys.stderr)


def _load_backend(settings):
    from rag.llm import load_backend

    return load_backend(settings, announce=_warn)


if __name__ == "__main__":
    sys.exit(run_cli(main))
