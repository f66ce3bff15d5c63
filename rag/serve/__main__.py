"""`python -m rag.serve [--host 127.0.0.1] [--port 8000] [--api-key KEY]`: docqa as an OpenAI-compatible HTTP API.

`python -m rag.serve keys add NAME --collections a,b | list | revoke NAME` manages API keys scoped to collections
(rag.index.keys). docs: docs/collections.md
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
DEFAULT_PORT = 8000
DEFAULT_MAX_UPLOAD_MB = 100
DEFAULT_MAX_REQUEST_KB = 1000
DEFAULT_MAX_QUEUE = 32
API_KEY_ENV = "RAG_API_KEY"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag.serve", description=__doc__.splitlines()[0],
                                     epilog="keys and collections: `python -m rag.serve keys --help`; "
                                     "docs: docs/api.md, docs/collections.md")
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
    parser.add_argument("--collection", action="append", default=[], metavar="NAME",
                        help="serve only this collection (repeatable; default: all of them); the first is the one "
                        "model 'docqa' and /v1/documents without ?collection= use")
    parser.add_argument("--keys", type=Path, metavar="FILE",
                        help="the API keys file (default: INDEX_DIR/keys.json; `python -m rag.serve keys`)")
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


def build_keys_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag.serve keys", description="API keys scoped to collections; "
                                     "stored hashed in the keys file the server re-reads on every change",
                                     epilog="docs: docs/collections.md")
    parser.add_argument("--keys", type=Path, metavar="FILE", help="the keys file (default: INDEX_DIR/keys.json)")
    parser.add_argument("--index-dir", type=Path, help="index folder (default vectorstore/)")
    sub = parser.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="add a key and print its secret (shown only this once)")
    add.add_argument("name", help="a name for the key (who or what uses it)")
    add.add_argument("--collections", required=True, metavar="A,B",
                     help="the collections it opens, comma-separated ('*': all, now and later)")
    sub.add_parser("list", help="list the keys: name, collections, created (never the secrets)")
    revoke = sub.add_parser("revoke", help="delete a key; a running server refuses it from its next request")
    revoke.add_argument("name")
    return parser


def keys_file(settings, given: Path | None) -> Path:
    return given or (settings.index_dir / "keys.json")


def keys_main(argv: list[str]) -> int:
    from rag.index import collections
    from rag.index.keys import ALL, KeyFile

    args = build_keys_parser().parse_args(argv)
    settings = load_settings(index_dir=args.index_dir)
    store = KeyFile(keys_file(settings, args.keys))
    if args.action == "add":
        names = [name.strip() for name in args.collections.split(",") if name.strip()]
        if not names:
            raise UserError("--collections: name at least one collection (or '*')", exit_code=2)
        for name in names:
            if name != ALL:
                collections.check_name(name)
                if not collections.exists(settings, name):
                    print(f"note: there is no collection {name!r} yet; the key will open it once it exists",
                          file=sys.stderr)
        secret = store.add(args.name, names)
        print(f"key {args.name!r} for {', '.join(sorted(set(names)))} added to {store.path}; its secret, shown "
              "only now:", file=sys.stderr)
        print(secret)
    elif args.action == "list":
        keys = store.keys()
        if not keys:
            print(f"no keys in {store.path}")
        for key in keys:
            print(f"{key['name']:<24} {','.join(key['collections']):<30} created {key.get('created', '?')}")
    else:
        store.revoke(args.name)
        print(f"revoked key {args.name!r} ({store.path})")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["keys"]:
        return keys_main(argv[1:])
    args = build_parser().parse_args(argv)
    api_key = args.api_key or os.environ.get(API_KEY_ENV) or None
    for name, value in (("--port", args.port), ("--max-upload-mb", args.max_upload_mb),
                        ("--max-request-kb", args.max_request_kb), ("--max-queue", args.max_queue + 1),
                        ("--parallel", args.parallel if args.parallel is not None else 1)):
        if value <= 0:
            raise UserError(f"{name} must be positive", exit_code=2)
    settings = load_settings(backend=args.backend, model=args.model, base_url=args.base_url,
                             remote_api_key=args.remote_api_key, data_dir=args.data_dir, index_dir=args.index_dir)
    from rag.index import collections
    from rag.index.keys import KeyFile

    key_store = KeyFile(keys_file(settings, args.keys))
    if not is_loopback(args.host) and not api_key and not key_store.keys():
        raise UserError(f"--host {args.host} is reachable from other machines: set an API key with --api-key or "
                        f"${API_KEY_ENV}, or add keys with `python -m rag.serve keys add` (or bind to 127.0.0.1)",
                        exit_code=2)
    for name in args.collection:
        collections.load(settings, name)  # an unknown name: a one-line error now, not a 404 later
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("rag").setLevel(logging.INFO)
    parallel = args.parallel or (4 if settings.backend == "openai" else 1)
    if parallel > 1 and settings.backend != "openai":
        raise UserError(f"--parallel {parallel}: a local model generates one answer at a time (its threads already "
                        "use every core); more parallel answers need --backend openai", exit_code=2)
    from rag.serve.app import build_app
    from rag.serve.service import Service

    service = Service(settings, parallel=parallel, max_queue=args.max_queue,
                      max_upload_bytes=args.max_upload_mb * 10**6, only=args.collection or None)
    service.load(announce=lambda message: print(message, file=sys.stderr, flush=True))
    app = build_app(service, api_key=api_key, cors_origins=args.cors_origin,
                    max_request_bytes=args.max_request_kb * 1000, key_file=key_store)
    import uvicorn

    shown = f"[{args.host}]" if ":" in args.host else args.host
    keyed = api_key or key_store.exists()
    print(f"docqa API: http://{shown}:{args.port}/v1 (models docqa, docqa/COLLECTION, docqa-llm; "
          f"{'API key required' if keyed else 'no API key'}; Ctrl-C stops it)", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", timeout_graceful_shutdown=5)
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
