"""`python -m rag.bench SUBCOMMAND`: speed and robustness numbers printed as tables (benchmarks, not tests).

- `ingest [PATH ...]`: parse and embed a folder into a throw-away index, `--runs` times; pages/s, chunks/s.
- `llm`: every available backend/model on the same ~600-token prompt (retrieved 20-F context + question):
  load time, TTFT, prompt tokens/s, generation tokens/s, peak RSS. Each model runs in its own process so
  its peak memory is its own. Medians of `--runs`; the machine's load average is printed beside them.
- `serve`: the HTTP server under 1, 4, 16 concurrent streaming clients (`rag.bench.serve`).
- `faults`: the robustness suite (rag/bench/faults.py): kills, races, damaged indexes, corrupted PDFs, hostile
  uploads; one table of cases, held or not, and data lost.
- `ingest-compare PATH ...`: `rag.ingest` against the reference pipeline on the same files in one run.
- `startup`: whole-process time to the first token of `python main.py "question"` per backend, with the split
  and peak RSS (see `rag.bench.startup`).
- `store`: vector stores at 10k-1M synthetic chunks (rag/bench/store.py).
- `scan PDF`: an image-only copy of a PDF, for OCR tests and evaluations (rag/bench/scan.py).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rag.cli import json_mode
from rag.config import Settings, load_settings
from rag.errors import UserError

QUESTION = "How much is the minimum guarantee payable by adidas?"
DEMO_PDF = "manu-20f-2022-09-24.pdf"
PROMPT_PAGES = (53, 54)  # the 20-F pages holding the adidas answer


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def print_table(rows: list[dict], columns: list[tuple[str, str, str]]) -> None:
    """Rows of dicts as an aligned table; columns are (key, header, format)."""
    cells = [[header for _, header, _ in columns]]
    for row in rows:
        cells.append([format(row[key], fmt) if isinstance(row.get(key), (int, float)) else str(row.get(key, "-"))
                      for key, _, fmt in columns])
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    for n, line in enumerate(cells):
        print("  ".join(cell.rjust(width) if i else cell.ljust(width) for i, (cell, width) in enumerate(zip(line, widths))))
        if n == 0:
            print("  ".join("-" * width for width in widths))


# ---------------------------------------------------------------- ingest


def bench_ingest(settings: Settings, paths: list[Path], runs: int) -> dict:
    from rag.embeddings import LocalEmbeddings
    from rag.ingest import ingest

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


# ---------------------------------------------------------------- llm


def benchmark_prompt(settings: Settings, count_tokens, chat_format: str) -> str:
    """The adidas question over the 20-F's pages 53-54 (about 600 tokens), in the model's chat format."""
    from rag.chunking import make_splitter
    from rag.pdf import read_pdf
    from rag.prompts import format_context, prompt_template

    pdf = settings.data_dir / DEMO_PDF
    if not pdf.is_file():
        raise UserError(f"{pdf}: the demo 20-F is needed for the LLM benchmark prompt")
    pages = read_pdf(pdf, pages=range(PROMPT_PAGES[0], PROMPT_PAGES[1] + 1)).pages
    splitter = make_splitter(settings.chunk_size, settings.chunk_overlap)
    chunks = [text for page in pages for text in splitter.split_text(page.text)]
    start = next((i for i, text in enumerate(chunks) if "adidas" in text), 0)
    template = prompt_template(chat_format)
    from langchain_core.documents import Document

    docs: list[Document] = []
    for text in chunks[start:]:
        docs.append(Document(page_content=text))
        if count_tokens(template.format(context=format_context(docs), question=QUESTION)) >= 560:
            break
    return template.format(context=format_context(docs), question=QUESTION)


def bench_one_model(settings: Settings, runs: int, max_new_tokens: int) -> dict:
    """Load one model and generate `runs` times (run in its own process by `bench_llm`)."""
    from rag.llm import load_backend
    from rag.llm.base import GenerationParams

    backend = load_backend(settings, announce=lambda message: print(message, file=sys.stderr))
    prompt = benchmark_prompt(settings, backend.count_tokens, backend.chat_format)
    params = GenerationParams(max_new_tokens=max_new_tokens, stop=list(backend.stop))
    samples, answer = [], ""
    for _ in range(runs):
        backend.forget_prompt_cache()
        answer = backend.generate(prompt, params)
        samples.append(backend.last_stats)
    return {
        "backend": backend.name,
        "model": backend.model_path.name,
        "load_s": backend.load_seconds,
        "prompt_tokens": samples[-1].prompt_tokens,
        "ttft_s": median([s.ttft_seconds for s in samples]),
        "prompt_tok_s": median([s.prompt_tokens / s.prompt_seconds for s in samples if s.prompt_seconds]),
        "gen_tokens": samples[-1].generated_tokens,
        "gen_tok_s": median([s.tokens_per_second for s in samples]),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "answer": answer.strip(),
    }


def llm_candidates(settings: Settings, formats: list[str]) -> list[dict]:
    """The backend/model combinations to measure: ctransformers Q8_0 and each OpenVINO weight format."""
    candidates = [{"label": "ctransformers Q8_0", "backend": "ctransformers", "model": None}]
    for weight_format in formats:
        candidates.append({"label": f"openvino {weight_format}", "backend": "openvino",
                           "weight_format": weight_format})
    return candidates


def resolve_openvino_model(settings: Settings, weight_format: str, prepare: bool) -> Path | None:
    from rag.models.openvino_export import default_openvino_model, export_openvino

    path = default_openvino_model(settings, weight_format=weight_format)
    if (path / "openvino_model.xml").is_file():
        return path
    if not prepare:
        return None
    group_size = 64 if weight_format == "int4" else None
    return export_openvino(None, path, weight_format=weight_format, group_size=group_size, settings=settings,
                           announce=lambda message: print(message, file=sys.stderr))


def bench_llm(settings: Settings, runs: int, max_new_tokens: int, formats: list[str], prepare: bool) -> list[dict]:
    results = []
    for candidate in llm_candidates(settings, formats):
        args = ["--backend", candidate["backend"]]
        if candidate["backend"] == "openvino":
            try:
                model = resolve_openvino_model(settings, candidate["weight_format"], prepare)
            except (UserError, ImportError) as exc:
                results.append({"label": candidate["label"], "error": str(exc)})
                continue
            if model is None:
                results.append({"label": candidate["label"], "error": "not exported (use --prepare)"})
                continue
            args += ["--model", str(model)]
        results.append({"label": candidate["label"], **_run_child(args, runs, max_new_tokens)})
    return results


def _run_child(args: list[str], runs: int, max_new_tokens: int) -> dict:
    command = [sys.executable, "-m", "rag.bench", "llm-one", *args, "--runs", str(runs),
               "--max-new-tokens", str(max_new_tokens)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout)


def print_llm(results: list[dict], runs: int, load: str) -> None:
    print(f"LLM benchmark: adidas question over 20-F pages 53-54 (median of {runs} runs; {load})")
    print_table([r for r in results if "error" not in r], [
        ("label", "backend/model", ""), ("load_s", "load s", ".2f"), ("prompt_tokens", "prompt tok", "d"),
        ("ttft_s", "TTFT s", ".2f"), ("prompt_tok_s", "prompt tok/s", ".0f"), ("gen_tokens", "gen tok", "d"),
        ("gen_tok_s", "gen tok/s", ".1f"), ("peak_rss_mb", "peak RSS MB", ".0f"),
    ])
    for result in results:
        if "error" in result:
            print(f"{result['label']}: skipped ({result['error']})")
        else:
            print(f"{result['label']} answered: {result['answer'][:120]}")


# ---------------------------------------------------------------- CLI


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag.bench", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ingest = sub.add_parser("ingest", help="pages/s and chunks/s for ingesting a folder")
    ingest.add_argument("paths", nargs="*", type=Path, help="PDF files or folders (default: data/)")
    ingest.add_argument("--runs", type=int, default=3)
    ingest.add_argument("--embedding-backend", choices=["torch", "openvino"])
    ingest.add_argument("--ocr", choices=["auto", "always", "never"], help="OCR mode (default: the setting)")
    ingest.add_argument("--ocr-lang", help="Tesseract languages (default: the setting)")
    ingest.add_argument("--json", action="store_true")
    llm = sub.add_parser("llm", help="load time, TTFT and tokens/s for each backend")
    llm.add_argument("--runs", type=int, default=3)
    llm.add_argument("--max-new-tokens", type=int, default=64)
    llm.add_argument("--formats", default="int8,int4,fp16", help="OpenVINO weight formats to include")
    llm.add_argument("--prepare", action="store_true", help="export missing OpenVINO models first")
    llm.add_argument("--json", action="store_true")
    serve = sub.add_parser("serve", help="the HTTP server under 1, 4, 16 concurrent clients")
    serve.add_argument("--url", help="an already running server's /v1 URL (default: start one on loopback)")
    serve.add_argument("--api-key", default=os.environ.get("RAG_API_KEY", ""), help="its API key")
    serve.add_argument("--clients", default="1,4,16", help="concurrency levels (default 1,4,16)")
    serve.add_argument("--questions", type=int, default=2, help="questions per client at each level (default 2)")
    serve.add_argument("--max-tokens", type=int, default=64)
    serve.add_argument("--server-arg", action="append", default=[], help="extra argument for the started server")
    serve.add_argument("--json", action="store_true")
    faults = sub.add_parser("faults", help="robustness suite: kills, races, corrupted PDFs, hostile uploads")
    faults.add_argument("--shared", type=Path, default=Path(os.environ.get("DOCQA_SHARED_DATA", "../shared/data")),
                        help="folder holding messy/ (default ../shared/data)")
    faults.add_argument("--corruptions", type=int, default=1000, help="corrupted PDFs to parse (default 1000)")
    faults.add_argument("--seed", type=int, default=16)
    faults.add_argument("--no-web", action="store_true", help="skip the web UI and upload cases")
    compare = sub.add_parser("ingest-compare", help="rag.ingest against the reference pipeline, same run")
    compare.add_argument("paths", nargs="+", type=Path, help="PDF files or folders")
    compare.add_argument("--skip-reference", action="store_true")
    compare.add_argument("--json", action="store_true")
    startup = sub.add_parser("startup", help="whole-process time to first token of main.py, per backend")
    startup.add_argument("--runs", type=int, default=4)
    startup.add_argument("--backends", help="comma-separated (default: the configured backend first, then the rest)")
    startup.add_argument("--question", default=QUESTION)
    startup.add_argument("--no-warm", action="store_true", help="skip the interactive (warm) measurement")
    startup.add_argument("--json", action="store_true")
    from rag.bench import store as store_bench

    store_bench.add_parser(sub)
    from rag.bench.scan import add_arguments as scan_arguments

    scan_arguments(sub.add_parser("scan", help="an image-only copy of a PDF (for OCR tests and evaluations)"))
    one = sub.add_parser("llm-one", help=argparse.SUPPRESS)
    one.add_argument("--backend", required=True)
    one.add_argument("--model", type=Path)
    one.add_argument("--runs", type=int, default=3)
    one.add_argument("--max-new-tokens", type=int, default=64)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "faults":
        from rag.bench.faults import run_faults

        return run_faults(args.shared, args.corruptions, args.seed, web=not args.no_web)
    if args.command == "store":
        from rag.bench import store as store_bench

        return store_bench.main(args)
    if args.command == "ingest":
        settings = load_settings(embedding_backend=args.embedding_backend, ocr=args.ocr, ocr_lang=args.ocr_lang)
        with json_mode(args.json):
            result = bench_ingest(settings, args.paths or [settings.data_dir], args.runs)
        print(json.dumps(result, indent=2)) if args.json else print_ingest(result)
    elif args.command == "scan":
        from rag.bench.scan import run as scan_run

        return scan_run(args)
    elif args.command == "llm":
        settings = load_settings()
        formats = [f for f in args.formats.split(",") if f]
        with json_mode(args.json):
            results = bench_llm(settings, args.runs, args.max_new_tokens, formats, args.prepare)
        if args.json:
            print(json.dumps({"load": load_average(), "runs": args.runs, "results": results}, indent=2))
        else:
            print_llm(results, args.runs, load_average())
    elif args.command == "serve":
        from rag.bench.serve import bench_serve, print_serve

        levels = [int(n) for n in args.clients.split(",") if n.strip()]
        result = bench_serve(args.url, args.api_key, levels, args.questions, args.max_tokens, args.server_arg)
        print(json.dumps(result, indent=2)) if args.json else print_serve(result)
    elif args.command == "ingest-compare":
        from rag.bench.ingest_compare import compare, print_compare

        report = compare(load_settings(), args.paths, args.skip_reference)
        print(json.dumps(report, indent=2)) if args.json else print_compare(report)
    elif args.command == "startup":
        from rag.bench.startup import bench_startup, print_startup

        settings = load_settings()
        backends = args.backends.split(",") if args.backends else \
            [settings.backend] + [b for b in ("openvino", "ctransformers") if b != settings.backend]
        report = bench_startup(settings, backends, args.runs, args.question, warm=not args.no_warm)
        print(json.dumps(report, indent=2)) if args.json else print_startup(report)
    else:
        settings = load_settings(backend=args.backend, model=args.model)
        print(json.dumps(bench_one_model(settings, args.runs, args.max_new_tokens)))
    return 0

