"""`python -m rag.ingest [PATH ...]`: turn documents (PDFs and the formats of `rag.ingest.formats`) into the searchable
index, incrementally and atomically.

The command around `rag.ingest.pipeline.ingest`: its options, and the summary printed as text or JSON. Also the
collections (`--collection NAME`, `--list`, `--drop NAME`; rag.index.collections) and the watched folder
(`--watch`; rag.ingest.watch). docs: docs/collections.md
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag.cli import json_mode, run_cli
from rag.config import load_settings
from rag.errors import UserError
from rag.index import collections
from rag.ingest.pipeline import format_summary, ingest


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag.ingest", description=__doc__.splitlines()[0],
                                     epilog="docs: docs/usage.md; collections and --watch: docs/collections.md; "
                                     "--engine ray, several machines: docs/scale-out.md")
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
    parser.add_argument("--collection", metavar="NAME", default=collections.DEFAULT,
                        help="the collection to ingest into (default: default = data/ and vectorstore/); a new name "
                        "creates it with the folders given (else collections/NAME/); --store, --ocr, --ocr-lang, "
                        "--chunk-size and --chunk-overlap given with it are kept as its settings")
    parser.add_argument("--list", action="store_true", help="list the collections: files, chunks, size, last update")
    parser.add_argument("--drop", metavar="NAME", help="delete a collection's index (never your documents)")
    parser.add_argument("--watch", action="store_true", help="keep the collection in sync with its folders until "
                        "Ctrl-C: new, changed, renamed and deleted files are ingested as they settle")
    parser.add_argument("--settle", type=float, default=1.0, metavar="SECONDS",
                        help="--watch: how long a changed file must stay untouched before it is read (default 1)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    recorded = {"store": args.store, "ocr": args.ocr, "ocr_lang": args.ocr_lang, "chunk_size": args.chunk_size,
                "chunk_overlap": args.chunk_overlap}
    settings = load_settings(
        index_dir=args.index_dir, data_dir=args.data_dir, parse_workers=args.workers, pg_dsn=args.pg_dsn, **recorded,
        ingest_engine=args.engine, ray_address=args.ray_address,
    )
    if args.list:
        return list_collections(settings, args.json)
    if args.drop:
        deleted = collections.drop(settings, args.drop)
        print(f"dropped collection {args.drop!r}: deleted {deleted} (your documents were not touched)")
        return 0
    name = collections.check_name(args.collection)
    paths = args.paths or None
    if name != collections.DEFAULT:
        if args.data_dir is not None:
            raise UserError("--data-dir names the default collection's folder; give a collection's folders as PATH "
                            "arguments", exit_code=2)
        folders = [path for path in args.paths if path.is_dir()]
        missing = [path for path in args.paths if not path.exists()]
        if missing:
            raise UserError(f"{missing[0]}: no such file or folder")
        if collections.exists(settings, name):
            collections.add_folders(settings, name, folders, recorded)
        else:
            collections.create(settings, name, folders, recorded)
            print(f"created collection {name!r}", file=sys.stderr)
        if not args.paths:
            paths = existing_folders(collections.load(settings, name).folders)
        settings = collections.settings_for(settings, name, recorded)
    if args.watch:
        return watch_command(settings, paths or [settings.data_dir], args.settle)
    with json_mode(args.json):
        summary = ingest(settings, paths, rebuild=args.rebuild, password=args.password)
    if args.json:
        print(json.dumps(summary.to_dict(), indent=2))
    else:
        print(format_summary(summary))
    return 1 if summary.failed else 0


def existing_folders(folders: list[Path]) -> list[Path] | None:
    """The collection's folders that exist; a missing one is said and skipped (its documents stay indexed)."""
    for folder in folders:
        if not folder.is_dir():
            print(f"warning: {folder}: folder not found; its documents stay in the index as they were",
                  file=sys.stderr)
    found = [folder for folder in folders if folder.is_dir()]
    if not found:
        raise UserError(f"none of the collection's folders exists ({', '.join(str(f) for f in folders)})")
    return found


def watch_command(settings, folders: list[Path], settle: float) -> int:
    from rag.ingest.watch import watch

    if settle < 0:
        raise UserError("--settle must be 0 or more seconds", exit_code=2)
    shown = ", ".join(str(folder) for folder in folders)
    print(f"watching {shown} (Ctrl-C stops)", file=sys.stderr, flush=True)
    try:
        watch(settings, [Path(folder) for folder in folders], settle=settle)
    except KeyboardInterrupt:
        print("stopped watching", file=sys.stderr)
    return 0


def list_collections(settings, as_json: bool) -> int:
    rows = [collections.describe(settings, name) for name in collections.names(settings)]
    if as_json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'NAME':<20} {'STORE':<8} {'FILES':>6} {'CHUNKS':>7} {'SIZE':>9}  {'UPDATED':<25} FOLDERS")
    for row in rows:
        updated = row.get("error") or row["updated"] or "never ingested"
        print(f"{row['name']:<20} {row['store']:<8} {row['files']:>6} {row['chunks']:>7} {_size(row['bytes']):>9}  "
              f"{updated:<25} {', '.join(row['folders'])}")
    return 0


def _size(count: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return ""



if __name__ == "__main__":
    sys.exit(run_cli(main))
