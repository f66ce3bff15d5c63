"""`python -m rag.bench ingest --engine ray [PATH ...]`: the Ray engine against the local one, same documents, one run.

Both ingest into the same PostgreSQL (`--pg-dsn`, or a throw-away pgserver cluster), alternating, `--runs` times each
with `--rebuild`; the first run of each is reported apart (Ray's start and its workers loading the embedder), the
rest as medians and best runs (the best: the one least disturbed by other work on the machine). Printed: wall time
per engine, Ray's overhead against local, and per-worker throughput from the time Ray's tasks spent (parse,
OCR+chunk, embed: seconds of one worker), from which the time on N machines is estimated: driver work (hashing,
the one write transaction) stays serial, worker work divides by the cores.
docs: docs/scale-out.md
"""

from __future__ import annotations

import sys
from pathlib import Path

from rag.bench.common import load_average, median, postgres, print_table
from rag.config import Settings
from rag.errors import UserError

ESTIMATE_MACHINES = (1, 2, 4, 8, 16)


def bench_engines(settings: Settings, paths: list[Path], runs: int, dsn: str | None, workers: int) -> dict:
    from rag.index.embeddings import LocalEmbeddings
    from rag.ingest.pipeline import ingest

    embeddings = LocalEmbeddings(settings)  # the local engine's, loaded before the clock (as `rag.bench ingest`)
    samples: dict[str, list] = {"local": [], "ray": []}
    with postgres(dsn) as dsn:
        if dsn is None:
            raise UserError("the Ray engine writes into PostgreSQL: give --pg-dsn, or install pgserver (test extra)")
        for number in range(runs):
            for engine in ("local", "ray"):
                run_settings = settings.model_copy(update={
                    "store": "pgvector", "pg_dsn": dsn, "pg_schema": f"bench_{engine}", "ingest_engine": engine,
                    "parse_workers": workers})
                summary = ingest(run_settings, paths, rebuild=True, progress=False,
                                 embeddings=embeddings if engine == "local" else None)
                samples[engine].append(summary)
                print(f"run {number + 1} {engine}: {summary.seconds['total']:.1f} s", file=sys.stderr, flush=True)
    return summarise(samples, paths, workers)


def summarise(samples: dict[str, list], paths: list[Path], workers: int) -> dict:
    rows = []
    for engine, summaries in samples.items():
        warm = summaries[1:] or summaries
        rows.append({"engine": engine, "first_s": summaries[0].seconds["total"],
                     "total_s": median([s.seconds["total"] for s in warm]),
                     "best_s": min(s.seconds["total"] for s in warm),
                     "write_s": median([s.seconds.get("write", 0.0) for s in warm]),
                     "pages": summaries[-1].pages_parsed, "chunks": summaries[-1].chunks_embedded,
                     "failed": len(summaries[-1].failed)})
    local, ray = rows
    ray["overhead"] = ray["total_s"] / local["total_s"] - 1 if local["total_s"] else 0.0
    ray["first_overhead"] = ray["first_s"] / local["first_s"] - 1 if local["first_s"] else 0.0
    ray["best_overhead"] = ray["best_s"] / local["best_s"] - 1 if local["best_s"] else 0.0
    return {"paths": [str(p) for p in paths], "runs": len(samples["ray"]), "workers": workers, "rows": rows,
            "per_worker": per_worker(samples["ray"][1:] or samples["ray"], workers), "load": load_average()}


def per_worker(summaries: list, workers: int) -> dict:
    """One worker's throughput from the seconds Ray's tasks spent, and the serial driver part, per run (medians)."""
    pages = summaries[-1].pages_parsed
    chunks = summaries[-1].chunks_embedded
    parse = median([s.seconds.get("worker_parse", 0.0) + s.seconds.get("worker_ocr+chunk", 0.0) for s in summaries])
    embed = median([s.seconds.get("worker_embed", 0.0) for s in summaries])
    driver = median([s.seconds.get("hash", 0.0) + s.seconds.get("write", 0.0) for s in summaries])
    return {"pages": pages, "chunks": chunks, "parse_worker_s": parse, "embed_worker_s": embed, "driver_s": driver,
            "pages_per_s": pages / parse if parse else 0.0, "chunks_per_s": chunks / embed if embed else 0.0,
            "worker_s_per_page": (parse + embed) / pages if pages else 0.0,
            "write_chunks_per_s": chunks / driver if driver else 0.0}


def estimate(result: dict, pages: int, cores_per_machine: int) -> list[dict]:
    """Ingest time of `pages` like these on N machines: worker seconds / all cores + the serial driver part."""
    worker = result["per_worker"]
    scale = pages / worker["pages"] if worker["pages"] else 0.0
    return [{"machines": n, "cores": n * cores_per_machine,
             "hours": (worker["worker_s_per_page"] * pages / (n * cores_per_machine) + worker["driver_s"] * scale)
             / 3600} for n in ESTIMATE_MACHINES]


def print_engines(result: dict) -> None:
    local, ray = result["rows"]
    print(f"Ingest engines: {', '.join(result['paths'])} ({ray['pages']} pages, {ray['chunks']} chunks; "
          f"{result['workers']} workers; first run apart, then median of {max(result['runs'] - 1, 1)}; "
          f"{result['load']})")
    print_table(result["rows"], [
        ("engine", "engine", "s"), ("first_s", "first run s", ".1f"), ("total_s", "total s", ".1f"),
        ("best_s", "best s", ".1f"),
        ("write_s", "write s", ".1f"), ("failed", "failed", "d"), ("overhead", "overhead vs local", "+.1%"),
    ])
    print(f"Ray's overhead against the local engine: {ray['overhead']:+.1%} (medians; best runs: "
          f"{ray['best_overhead']:+.1%}; first run, with Ray's start and the workers loading the embedder: "
          f"{ray['first_overhead']:+.1%})")
    worker = result["per_worker"]
    print("Per Ray worker (one core), from the time its tasks took:")
    print_table([worker], [
        ("pages_per_s", "parse pages/s", ".1f"), ("chunks_per_s", "embed chunks/s", ".1f"),
        ("worker_s_per_page", "worker s/page", ".3f"), ("driver_s", "driver s (hash+write)", ".1f"),
        ("write_chunks_per_s", "driver chunks/s", ".0f"),
    ])
    pages = 1_853  # FinanceBench's 12 filings
    print(f"Estimate for {pages:,} pages like these on N machines of {result['workers']} cores:")
    print_table(estimate(result, pages, result["workers"]), [
        ("machines", "machines", "d"), ("cores", "cores", "d"), ("hours", "hours", ".3f")])


def run(args, settings: Settings, paths: list[Path]) -> dict:
    import os

    return bench_engines(settings, paths, max(args.runs, 2), args.pg_dsn, args.workers or os.cpu_count() or 1)
