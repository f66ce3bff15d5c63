"""`python -m rag.ingest [PATH ...]`: turn documents (PDFs and the formats of `rag.ingest.formats`) into the searchable
index, incrementally and atomically.

The command around `rag.ingest.pipeline.ingest`: its options, and the summary printed as text or JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag.cli import json_mode, run_cli
from rag.config import load_settings
from rag.ingest.pipeline import format_summary, ingest


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag.ingest", description=__doc__.splitlines()[0],
                                     epilog="--engine ray, several machines: docs: docs/scale-out.md")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="documents or folders: PDF, Word, PowerPoint, Excel/CSV/TSV, HTML, Markdown, text, e-mail, images (default: data/)")
    parser.add_argument("--rebuild", action="store_true", help="start the index over")
    parser.add_argument("--password", help="password for encrypted PDFs")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    parser.add_argument("--index-dir", type=Path, help="index folder (default: vectorstore/)")
    parser.add_argument("--data-dir", type=Path, help="data folder that sources are named relative to (default: data/)")
    parser.add_argument("--chunk-size", type=int, help="characters per chunk (default 500)")
    parser.add_argument("--chunk-overlap", type=int, help="characters of overlap (default 50)")
    parser.add_argument("--workers", type=int, help="parallel parsing processes (default: one per core)")
    parser.add_argument("--store", choices=["faiss", "pgvector"], help="index store (default faiss: files in the index folder)")
    parser.add_argument("--pg-dsn", help="PostgreSQL connection string for --store pgvector (default: RAG_PG_DSN)")
    parser.add_argument("--engine", choices=["local", "ray"],
                        help="where files are parsed and embedded: local processes (default) or a Ray cluster "
                             "(needs --store pgvector and the ray extra; docs: docs/scale-out.md)")
    parser.add_argument("--ray-address", help="--engine ray: the cluster to join, e.g. HOST:6379 (default: start a "
                                              "local Ray with this machine's cores)")
    parser.add_argument("--ocr", choices=("auto", "always", "never"),
                        help="OCR pages without a usable text layer (auto, default), every page, or none")
    parser.add_argument("--ocr-lang", help="Tesseract languages, e.g. eng+chi_sim (default: every installed pack)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = load_settings(
        index_dir=args.index_dir, data_dir=args.data_dir, chunk_size=args.chunk_size,
        chunk_overlap=args.chunk_overlap, parse_workers=args.workers, store=args.store, pg_dsn=args.pg_dsn,
        ocr=args.ocr, ocr_lang=args.ocr_lang, ingest_engine=args.engine, ray_address=args.ray_address,
    )
    with json_mode(args.json):
        summary = ingest(settings, args.paths or None, rebuild=args.rebuild, password=args.password)
    if args.json:
        print(json.dumps(summary.to_dict(), indent=2))
    else:
        print(format_summary(summary))
    return 1 if summary.failed else 0



if __name__ == "__main__":
    sys.exit(run_cli(main))
