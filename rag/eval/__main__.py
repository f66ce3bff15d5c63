"""`python -m rag.eval QUESTIONS.jsonl --docs DIR`: measure retrieval and answers on questions with known evidence pages.

Prints a table per source/category and overall for each preset; `--json` prints, and `--out` writes, every
question's result as JSON so runs can be compared.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag.cli import run_cli
from rag.config import load_settings
from rag.errors import UserError
from rag.eval.runner import (PRESETS, apply_preset, eval_index_dir, format_run, read_labels, read_questions,
                             run_preset)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag.eval", description=__doc__.splitlines()[0])
    parser.add_argument("questions", type=Path, metavar="QUESTIONS.jsonl", help="one JSON question per line")
    parser.add_argument("--docs", type=Path, required=True, metavar="DIR", help="folder of the documents asked about")
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
    parser.add_argument("--labels", type=Path, metavar="FILE",
                        help="hand labels (JSONL: id, answer, correct): an answer labelled by hand is scored by its "
                             "label instead of the gold-key match (e.g. tests/data/answer_labels.jsonl)")
    parser.add_argument("--backend", choices=["auto", "ctransformers", "openvino"], help="LLM backend (default: settings)")
    parser.add_argument("--model", type=Path, help="LLM model file or folder (default: settings)")
    parser.add_argument("--store", choices=["faiss", "pgvector"], help="index store (default faiss: files in the index folder)")
    parser.add_argument("--pg-dsn", help="PostgreSQL connection string for --store pgvector; each document set and setting gets its own schema (default: RAG_PG_DSN)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.k is not None and args.k < 1 or args.limit is not None and args.limit < 1:
        raise UserError("-k and --limit must be at least 1", exit_code=2)
    if not args.docs.is_dir():
        raise UserError(f"{args.docs}: no such folder of documents")
    presets = [name.strip() for name in args.preset.split(",") if name.strip()]
    base = load_settings(backend=args.backend, model=args.model, data_dir=args.docs, store=args.store,
                         pg_dsn=args.pg_dsn)
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
            if settings.store == "pgvector":  # the cached index's key names its schema, as it names its folder
                settings = settings.model_copy(
                    update={"pg_schema": "docqa_eval_" + settings.index_dir.name.rsplit("-", 1)[-1]})
            run = run_preset(name, settings, questions, args.docs, embeddings, backend)
            run.apply_labels(labels)
            runs.append(run)
            if not args.json:
                print(format_run(run), flush=True)
                print()
    report = {"questions_file": str(args.questions), "docs": str(args.docs), "where": args.where,
              "runs": [run.to_dict() for run in runs]}
    if args.out:
        args.out.write_text(json.dumps(report, indent=1, default=str, ensure_ascii=False), encoding="utf-8")
    if args.json:
        print(json.dumps(report, indent=1, default=str, ensure_ascii=False))
    return 0


def _warn(message: str) -> None:
    print(message, file=sys.stderr)


def _load_backend(settings):
    from rag.llm import load_backend

    return load_backend(settings, announce=_warn)


if __name__ == "__main__":
    sys.exit(run_cli(main))
