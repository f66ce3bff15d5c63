"""`python -m rag.serve [--host 127.0.0.1] [--port 8000] [--api-key KEY]`: docqa as an OpenAI-compatible HTTP API."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import sys
from pathlib import Path

from rag.cli import run_cli
from rag.config import load_settings
from rag.errors import UserError
from rag.llm import BACKENDS

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_UPLOAD_MB = 100
DEFAULT_MAX_REQUEST_KB = 1000
DEFAULT_MAX_QUEUE = 32
API_KEY_ENV = "RAG_API_KEY"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag.serve", description=__doc__.splitlines()[0],
                                     epilog="docs: docs/api.md")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST}: this machine "
                        "only; any other address needs an API key)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--api-key", help=f"require 'Authorization: Bearer KEY' (default ${API_KEY_ENV}); "
                        "required when --host is not a loopback address")
    parser.add_argument("--backend", choices=BACKENDS, help="LLM backend (default ctransformers)")
    parser.add_argument("--model", type=Path, help="model file or OpenVINO IR folder (backend openai: the model id)")
    parser.add_argument("--base-url", help="backend openai: the OpenAI-compatible LLM server, e.g. http://127.0.0.1:8001/v1")
    parser.add_argument("--remote-api-key", help="backend openai: that server's API key (default $OPENAI_API_KEY)")
    parser.add_argument("--data-dir", type=Path, help="folder of your PDFs; uploads go here (default data/)")
    parser.add_argument("--index-dir", type=Path, help="index folder (default vectorstore/)")
    parser.add_argument("--max-upload-mb", type=int, default=DEFAULT_MAX_UPLOAD_MB,
                        help=f"largest PDF upload accepted, in MB (default {DEFAULT_MAX_UPLOAD_MB})")
    parser.add_argument("--max-request-kb", type=int, default=DEFAULT_MAX_REQUEST_KB,
                        help=f"largest JSON request body, in kB (default {DEFAULT_MAX_REQUEST_KB})")
    parser.add_argument("--parallel", type=int, default=None,
                        help="answers generated at once (1 for a local model; default 4 for backend openai)")
    parser.add_argument("--max-queue", type=int, default=DEFAULT_MAX_QUEUE,
                        help=f"requests that may wait for a free slot; more get 429 (default {DEFAULT_MAX_QUEUE})")
    parser.add_argument("--cors-origin", action="append", default=[],
                        help="allow browser pages from this origin (repeatable; default: no CORS)")
    return parser


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    api_key = args.api_key or os.environ.get(API_KEY_ENV) or None
    if not is_loopback(args.host) and not api_key:
        raise UserError(f"--host {args.host} is reachable from other machines: set an API key with --api-key or "
                        f"${API_KEY_ENV} (or bind to 127.0.0.1)", exit_code=2)
    for name, value in (("--port", args.port), ("--max-upload-mb", args.max_upload_mb),
                        ("--max-request-kb", args.max_request_kb), ("--max-queue", args.max_queue + 1),
                        ("--parallel", args.parallel if args.parallel is not None else 1)):
        if value <= 0:
            raise UserError(f"{name} must be positive", exit_code=2)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("rag").setLevel(logging.INFO)
    settings = load_settings(backend=args.backend, model=args.model, base_url=args.base_url,
                             remote_api_key=args.remote_api_key, data_dir=args.data_dir, index_dir=args.index_dir)
    parallel = args.parallel or (4 if settings.backend == "openai" else 1)
    if parallel > 1 and settings.backend != "openai":
        raise UserError(f"--parallel {parallel}: a local model generates one answer at a time (its threads already "
                        "use every core); more parallel answers need --backend openai", exit_code=2)
    from rag.serve.app import build_app
    from rag.serve.service import Service

    service = Service(settings, parallel=parallel, max_queue=args.max_queue,
                      max_upload_bytes=args.max_upload_mb * 10**6)
    service.load(announce=lambda message: print(message, file=sys.stderr, flush=True))
    app = build_app(service, api_key=api_key, cors_origins=args.cors_origin,
                    max_request_bytes=args.max_request_kb * 1000)
    import uvicorn

    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"docqa API: http://{shown}:{args.port}/v1 (models docqa, docqa-llm; "
          f"{'API key required' if api_key else 'no API key'}; Ctrl-C stops it)", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", timeout_graceful_shutdown=5)
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
