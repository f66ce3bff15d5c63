"""`python -m rag.bench llm [--prepare]`: every available backend/model on the same ~600-token prompt.

The prompt is the adidas question over the 20-F's pages 53-54 (retrieved context + question). For each backend and
model: load time, TTFT, prompt tokens/s, generation tokens/s, peak RSS. Each model runs in its own process
(`llm-one`, hidden) so its peak memory is its own. Medians of `--runs`; the machine's load average beside them.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path

from rag.bench.common import QUESTION, load_average, median, print_table
from rag.cli import json_mode
from rag.config import Settings, load_settings
from rag.errors import UserError

DEMO_PDF = "manu-20f-2022-09-24.pdf"
PROMPT_PAGES = (53, 54)  # the 20-F pages holding the adidas answer


def benchmark_prompt(settings: Settings, count_tokens, chat_format: str) -> str:
    """The adidas question over the 20-F's pages 53-54 (about 600 tokens), in the model's chat format."""
    from rag.ingest.chunking import make_splitter
    from rag.ingest.pdf import read_pdf
    from rag.answer.templates import format_context, prompt_template

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
    from rag.llm.convert.openvino_export import default_openvino_model, export_openvino

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


def add_parser(sub) -> None:
    parser = sub.add_parser("llm", help="load time, TTFT and tokens/s for each backend")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--formats", default="int8,int4,fp16", help="OpenVINO weight formats to include")
    parser.add_argument("--prepare", action="store_true", help="export missing OpenVINO models first")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run)
    one = sub.add_parser("llm-one", help=argparse.SUPPRESS)
    one.add_argument("--backend", required=True)
    one.add_argument("--model", type=Path)
    one.add_argument("--runs", type=int, default=3)
    one.add_argument("--max-new-tokens", type=int, default=64)
    one.set_defaults(run=run_one)


def run(args) -> int:
    settings = load_settings()
    formats = [f for f in args.formats.split(",") if f]
    with json_mode(args.json):
        results = bench_llm(settings, args.runs, args.max_new_tokens, formats, args.prepare)
    if args.json:
        print(json.dumps({"load": load_average(), "runs": args.runs, "results": results}, indent=2))
    else:
        print_llm(results, args.runs, load_average())
    return 0


def run_one(args) -> int:
    settings = load_settings(backend=args.backend, model=args.model)
    print(json.dumps(bench_one_model(settings, args.runs, args.max_new_tokens)))
    return 0
