"""`python -m rag.bench ingest [PATH ...]`: parse and embed a folder into a throw-away index, `--runs` times.

Prints pages/s, chunks/s, the time of an unchanged re-run and, when pages needed it, OCR pages/s (medians).
With `--formats`, one generated document per non-PDF format (`rag.bench.formats.make_large`) is ingested alone:
parse MB/s and units/s per type beside the embedding time of the same file, so a reader that is slower than the
embedder shows. With `--engine ray`, the Ray engine against the local one on the same documents
(`rag.bench.ingest_engines`; docs: docs/scale-out.md).
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from rag.bench.common import load_average, median, print_table
from rag.cli import json_mode
from rag.config import Settings, load_settings


def bench_ingest(settings: Settings, paths: list[Path], runs: int) -> dict:
    from rag.index.embeddings import LocalEmbeddings
    from rag.ingest.pipeline import ingest

    started = time.perf_counter()
    embeddings = LocalEmbeddings(settings)
    load_seconds = time.perf_counter() - started
    samples = []
    with tempfile.TemporaryDirectory(prefix="docqa-bench-") as tmp:
        run_settings = settings.model_copy(update={"index_dir": Path(tmp) / "index"})
        for _ in range(runs):
            summary = ingest(run_settings, paths, rebuild=True, progress=False, embeddings=embeddings)
            samples.append(summary)
        rerun = ingest(run_settings, paths, progress=False, embeddings=embeddings)
    last = samples[-1]
    return {
        "paths": [str(p) for p in paths],
        "runs": runs,
        "files": len(last.files),
        "failed": len(last.failed),
        "pages": last.pages_parsed,
        "chunks": last.chunks_embedded,
        "embedding_backend": settings.embedding_backend,
        "embeddings_load_s": load_seconds,
        "parse_s": median([s.seconds.get("parse", 0.0) for s in samples]),
        "embed_s": median([s.seconds.get("embed", 0.0) for s in samples]),
        "total_s": median([s.seconds.get("total", 0.0) for s in samples]),
        "pages_per_s": median([s.pages_parsed / s.seconds["parse"] for s in samples if s.seconds.get("parse")]),
        "chunks_per_s": median([s.chunks_per_second for s in samples]),
        "unchanged_rerun_s": rerun.seconds.get("total", 0.0),
        "ocr_pages": last.ocr_pages,
        "ocr_languages": last.ocr_languages,
        "ocr_s": median([s.seconds.get("ocr", 0.0) for s in samples]),
        "ocr_pages_per_s": median([s.ocr_pages / s.seconds["ocr"] for s in samples if s.ocr_pages and s.seconds.get("ocr")]),
        "load": load_average(),
    }


def bench_formats(settings: Settings, runs: int, scale: int = 1) -> dict:
    """Per format: parse seconds, MB/s, units/s, chunks and embedding seconds of one generated file (medians)."""
    from rag.bench.formats import make_large
    from rag.index.embeddings import LocalEmbeddings
    from rag.ingest.pipeline import ingest

    embeddings = LocalEmbeddings(settings)
    rows = []
    with tempfile.TemporaryDirectory(prefix="docqa-bench-formats-") as tmp:
        paths = make_large(Path(tmp) / "docs", scale)
        for kind, path in paths.items():
            run_settings = settings.model_copy(update={"index_dir": Path(tmp) / f"index-{kind}",
                                                       "data_dir": path.parent})
            samples = [ingest(run_settings, [path], rebuild=True, progress=False, embeddings=embeddings)
                       for _ in range(runs)]
            parse = median([s.seconds.get("parse", 0.0) for s in samples])
            embed = median([s.seconds.get("embed", 0.0) for s in samples])
            size = path.stat().st_size / 2**20
            last = samples[-1]
            rows.append({"kind": kind, "mb": size, "units": last.pages_parsed, "chunks": last.chunks_embedded,
                         "parse_s": parse, "mb_per_s": size / parse if parse else 0.0,
                         "units_per_s": last.pages_parsed / parse if parse else 0.0, "embed_s": embed,
                         "parse_share": parse / (parse + embed) if parse + embed else 0.0,
                         "failed": len(last.failed)})
    return {"runs": runs, "scale": scale, "embedding_backend": settings.embedding_backend, "formats": rows,
            "load": load_average()}


def print_formats(result: dict) -> None:
    print(f"Ingest per format: one generated file each (median of {result['runs']} runs; embeddings on "
          f"{result['embedding_backend']}; {result['load']})")
    print_table(result["formats"], [
        ("kind", "format", "s"), ("mb", "MB", ".2f"), ("units", "units", "d"), ("chunks", "chunks", "d"),
        ("parse_s", "parse s", ".2f"), ("mb_per_s", "MB/s", ".1f"), ("units_per_s", "units/s", ".0f"),
        ("embed_s", "embed s", ".1f"), ("parse_share", "parse share", ".0%"),
    ])


def print_ingest(result: dict) -> None:
    print(f"Ingest benchmark: {', '.join(result['paths'])} ({result['files']} files, {result['failed']} failed; "
          f"median of {result['runs']} runs; embeddings on {result['embedding_backend']}; {result['load']})")
    print_table([result], [
        ("pages", "pages", "d"), ("chunks", "chunks", "d"), ("parse_s", "parse s", ".1f"),
        ("pages_per_s", "pages/s", ".1f"), ("embed_s", "embed s", ".1f"), ("chunks_per_s", "chunks/s", ".1f"),
        ("total_s", "total s", ".1f"), ("unchanged_rerun_s", "re-run s", ".2f"),
        ("embeddings_load_s", "model load s", ".1f"),
    ])
    if result.get("ocr_pages"):
        print(f"OCR ({result['ocr_languages']}, part of the above):")
        print_table([result], [("ocr_pages", "OCR pages", "d"), ("ocr_s", "OCR s", ".1f"),
                               ("ocr_pages_per_s", "OCR pages/s", ".2f")])


def add_parser(sub) -> None:
    parser = sub.add_parser("ingest", help="pages/s and chunks/s for ingesting a folder")
    parser.add_argument("paths", nargs="*", type=Path, help="documents or folders (default: data/)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--embedding-backend", choices=["torch", "openvino"])
    parser.add_argument("--ocr", choices=["auto", "always", "never"], help="OCR mode (default: the setting)")
    parser.add_argument("--ocr-lang", help="Tesseract languages (default: the setting)")
    parser.add_argument("--formats", action="store_true",
                        help="instead: one generated file per non-PDF format, parse MB/s beside embedding time")
    parser.add_argument("--scale", type=int, default=1, help="--formats: size of the generated files (default 1)")
    parser.add_argument("--engine", choices=["local", "ray"], default="local",
                        help="ray: the Ray engine against the local one, same documents, into PostgreSQL "
                             "(docs: docs/scale-out.md)")
    parser.add_argument("--pg-dsn", help="--engine ray: PostgreSQL with pgvector (default: a throw-away pgserver)")
    parser.add_argument("--workers", type=int, help="--engine ray: workers (CPUs) of each engine (default: all cores)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run)


def run(args) -> int:
    settings = load_settings(embedding_backend=args.embedding_backend, ocr=args.ocr, ocr_lang=args.ocr_lang)
    engines = args.engine == "ray" and not args.formats
    with json_mode(args.json):
        if args.formats:
            result = bench_formats(settings, args.runs, args.scale)
        elif engines:
            from rag.bench import ingest_engines

            result = ingest_engines.run(args, settings, args.paths or [settings.data_dir])
        else:
            result = bench_ingest(settings, args.paths or [settings.data_dir], args.runs)
    if args.json:
        print(json.dumps(result, indent=2))
    elif engines:
        from rag.bench.ingest_engines import print_engines

        print_engines(result)
    else:
        (print_formats if args.formats else print_ingest)(result)
    return 0
