"""`python -m rag.web [--host 127.0.0.1] [--port 7860] [--collection NAME]`: chat with your PDFs in the browser.

Every collection is on the page's picker; beyond loopback a token (--token) opens all of them and a key from the
keys file (`python -m rag.serve keys add NAME --collections a,b`) only its own. docs: docs/collections.md
"""

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
DEFAULT_PORT = 7860
DEFAULT_MAX_UPLOAD_MB = 100


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag.web", description=__doc__.splitlines()[0],
                                     epilog="docs: docs/usage.md (web UI), docs/reliability.md (security), "
                                     "docs/collections.md (collections and keys)")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST}: this machine only)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--backend", choices=BACKENDS, help="LLM backend to start with (default auto)")
    parser.add_argument("--model", type=Path, help="model file (GGML/GGUF) or OpenVINO IR folder")
    parser.add_argument("--data-dir", type=Path, help="folder of your PDFs; uploads go here (default data/)")
    parser.add_argument("--index-dir", type=Path, help="index folder (default vectorstore/)")
    parser.add_argument("--token", help="token every request must present (required beyond loopback; "
                        "or set RAG_WEB_TOKEN); open the page once as http://HOST:PORT/?token=TOKEN")
    parser.add_argument("--store", choices=["faiss", "pgvector"], help="index store (default faiss: files in the index folder)")
    parser.add_argument("--pg-dsn", help="PostgreSQL connection string for --store pgvector (default: RAG_PG_DSN)")
    parser.add_argument("--collection", metavar="NAME", default="default",
                        help="the collection the page starts with (default: default); the picker offers the others")
    parser.add_argument("--keys", type=Path, metavar="FILE",
                        help="beyond loopback: keys that open some collections (default: INDEX_DIR/keys.json)")
    parser.add_argument("--max-upload-mb", type=int, default=DEFAULT_MAX_UPLOAD_MB,
                        help=f"largest PDF accepted for upload, in MB (default {DEFAULT_MAX_UPLOAD_MB})")
    return parser


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: assume it is reachable from elsewhere


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # nothing leaves the machine
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("rag").setLevel(logging.INFO)
    settings = load_settings(backend=args.backend, model=args.model, data_dir=args.data_dir, index_dir=args.index_dir,
                             web_token=args.token, store=args.store, pg_dsn=args.pg_dsn)
    from rag.index import collections
    from rag.index.keys import KeyFile

    collections.load(settings, args.collection)  # an unknown name: one line now
    key_file = None if is_loopback(args.host) else KeyFile(args.keys or settings.index_dir / "keys.json")
    if key_file is not None and not settings.web_token and not key_file.keys():
        raise UserError(f"--host {args.host} serves your PDFs to other machines: set a token with --token or "
                        "RAG_WEB_TOKEN, or add keys with `python -m rag.serve keys add` (or bind 127.0.0.1)",
                        exit_code=2)
    from rag.web.app import build_app, serve
    from rag.web.engine import Engine

    engine = Engine(settings)
    engine.warm_up(announce=lambda message: print(message, file=sys.stderr, flush=True))
    app = build_app(engine, max_upload_bytes=args.max_upload_mb * 10**6, token=settings.web_token,
                    key_file=key_file, start=args.collection)
    suffix = "?token=<your token or key>" if settings.web_token or key_file is not None else ""
    print(f"docqa web UI: http://{args.host}:{args.port}/{suffix} (Ctrl-C stops it)", file=sys.stderr, flush=True)
    serve(app, args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
