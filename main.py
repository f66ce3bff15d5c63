"""`python main.py "question"`: answer a question from your PDFs, citing file and page, with timings.

With no question, asks repeatedly at a prompt (the model stays loaded; Ctrl-D exits).
Exit codes: 0 answered, 1 error, 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag.cli import json_mode, run_cli
from rag.config import load_settings
from rag.errors import UserError
from rag.llm import BACKENDS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python main.py", description=__doc__.splitlines()[0],
                                     epilog="docs: docs/usage.md")
    parser.add_argument("question", nargs="?", help="the question (omit for an interactive prompt)")
    parser.add_argument("-k", type=int, dest="k", help="passages to retrieve (default 5)")
    parser.add_argument("--backend", choices=BACKENDS,
                        help="LLM backend (default auto: openvino when installed, else ctransformers)")
    parser.add_argument("--model", type=Path, help="model file (GGML/GGUF) or OpenVINO IR folder (openai: model id)")
    parser.add_argument("--pack", dest="model_pack", metavar="NAME",
                        help="installed model pack to answer with when --model is not given (python -m rag.models list)")
    parser.add_argument("--base-url", help="backend openai: the OpenAI-compatible server, e.g. http://127.0.0.1:8001/v1")
    parser.add_argument("--api-key", dest="remote_api_key", help="backend openai: the server's API key")
    parser.add_argument("--model-type", help="ctransformers model type, e.g. llama (default: from the file)")
    parser.add_argument("--device", help="OpenVINO device (default CPU)")
    parser.add_argument("--max-new-tokens", type=int, help="answer length limit in tokens (default 256)")
    parser.add_argument("--temperature", type=float, help="sampling temperature (default 0: deterministic)")
    parser.add_argument("--threads", type=int, help="CPU threads for generation (default: all cores)")
    parser.add_argument("--context-length", type=int, help="model window in tokens (default: the model's own)")
    parser.add_argument("--context-chars", type=int,
                        help="characters of the passages given to the model: the parts that bear on the question "
                             "(default 1600; 0: whole passages)")
    parser.add_argument("--no-second-look", dest="second_look", action="store_false", default=None,
                        help="when the model finds no answer in the focused passages (or only repeats the "
                             "question), do not ask it again")
    parser.add_argument("--no-table-cells", dest="table_cells", action="store_false", default=None,
                        help="let the model answer even when the question names one table cell (default: that cell "
                             "is the answer, as printed)")
    parser.add_argument("--index-dir", type=Path, help="index folder (default vectorstore/)")
    parser.add_argument("--store", choices=["faiss", "pgvector"], help="index store (default faiss: files in the index folder)")
    parser.add_argument("--pg-dsn", help="PostgreSQL connection string for --store pgvector (default: RAG_PG_DSN)")
    parser.add_argument("--collection", metavar="NAME", help="ask a collection (default: default = data/ and "
                        "vectorstore/); docs: docs/collections.md")
    parser.add_argument("--json", action="store_true", help="print one JSON object and nothing else on stdout")
    parser.add_argument("--no-stream", action="store_true", help="print the answer when it is complete")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.question is not None and not args.question.strip():
        parser.print_usage(sys.stderr)
        raise UserError("empty question", exit_code=2)
    settings = load_settings(
        k=args.k, backend=args.backend, model=args.model, model_type=args.model_type, device=args.device,
        max_new_tokens=args.max_new_tokens, temperature=args.temperature, threads=args.threads,
        context_length=args.context_length, index_dir=args.index_dir, store=args.store, pg_dsn=args.pg_dsn,
        base_url=args.base_url, remote_api_key=args.remote_api_key, model_pack=args.model_pack,
        context_chars=args.context_chars, second_look=args.second_look, table_cells=args.table_cells,
    )
    if args.collection:
        from rag.index.collections import settings_for

        settings = settings_for(settings, args.collection, {"store": args.store})
    notice = _to_stderr
    with json_mode(args.json):  # model exports and loaders may print: with --json only the result goes to stdout
        model = _start_model_load(settings, notice)  # beside the rest of the imports, not after them
        from rag.cli.output import lead_printer, print_answer, print_json, stream_printer
        from rag.answer.answerer import load_answerer

        answerer = load_answerer(settings, announce=notice, backend=model)
        if args.question is not None:
            answer = answerer.ask(args.question, on_token=None if args.json or args.no_stream else stream_printer(),
                                  on_notice=notice, on_evidence=None if args.json else lead_printer())
    if args.question is not None:
        if args.json:
            print_json(answer)
        else:
            print_answer(answer, streamed=not args.no_stream)
        return 0
    return _interactive(answerer, args)


def _start_model_load(settings, notice):
    """The reader loading in a background thread; None when the cheap checks of `load_answerer` should come first
    (no index and no PDFs yet: its error must not wait for a model)."""
    from rag.index.live import has_index
    from rag.llm.background import BackgroundLoad

    return BackgroundLoad(settings, notice) if has_index(settings) else None


def _interactive(answerer, args) -> int:
    from rag.cli.output import lead_printer, print_answer, print_json, stream_printer

    print(f"docqa: ask about your documents ({answerer.backend.describe()}); Ctrl-D to quit.", file=sys.stderr)
    while True:
        try:
            question = input("\nQuestion: ")
        except EOFError:
            print(file=sys.stderr)
            return 0
        if not question.strip():
            continue
        try:
            with json_mode(args.json):
                answer = answerer.ask(question, on_token=None if args.json or args.no_stream else stream_printer(),
                                      on_notice=_to_stderr, on_evidence=None if args.json else lead_printer())
        except UserError as exc:
            print(f"error: {exc}", file=sys.stderr)
            continue
        if args.json:
            print_json(answer)
        else:
            print_answer(answer, streamed=not args.no_stream)


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(run_cli(main))
