"""`python -m rag.bench serve`: the HTTP server under N concurrent clients (1, 4, 16) × M questions each.

Each client is a thread with the official `openai` client streaming answers from `/v1/chat/completions`.
Reported per concurrency level: p50/p95 time to the first token and to the full answer (as a client sees them,
queueing included), answers per minute over the level's wall time, and errors (any failed or refused request).
Without `--url` a server is started on a free loopback port (default settings: `vectorstore/`, SmolLM2) and
stopped afterwards. `--url` given several times (replicas over one pgvector store, docs/scale-out.md) spreads the
clients over them in turn, as a round-robin load balancer would; the answers each one gave are counted.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from rag.errors import UserError

QUESTIONS = [
    "How much is the minimum guarantee payable by adidas?",
    "Which company was Manchester United's shirt sponsor for the 2021/22 season?",
    "When did the 10-year adidas technical sponsorship agreement begin?",
    "What was Manchester United's total revenue for fiscal 2022?",
]
START_TIMEOUT = 300


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p50 = median for odd counts); 0 with no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ask_stream(client, question: str, max_tokens: int) -> tuple[float, float]:
    """(seconds to the first content, seconds to the end) for one streamed answer."""
    started = time.perf_counter()
    first = None
    stream = client.chat.completions.create(model="docqa", messages=[{"role": "user", "content": question}],
                                            max_tokens=max_tokens, stream=True)
    for event in stream:
        if first is None and event.choices and event.choices[0].delta.content:
            first = time.perf_counter() - started
    total = time.perf_counter() - started
    return (first if first is not None else total), total


def run_level(base_url: str | list[str], api_key: str, clients: int, questions: int, max_tokens: int) -> dict:
    """`clients` threads asking `questions` each; with several URLs, client n asks URL n mod len(URLs)."""
    import openai

    urls = [base_url] if isinstance(base_url, str) else list(base_url)
    ttfts: list[float] = []
    totals: list[float] = []
    errors: list[str] = []
    per_url = {url: 0 for url in urls}
    lock = threading.Lock()

    def client_loop(number: int) -> None:
        url = urls[number % len(urls)]
        client = openai.OpenAI(base_url=url, api_key=api_key, max_retries=0, timeout=900)
        for i in range(questions):
            question = QUESTIONS[(number + i) % len(QUESTIONS)]
            try:
                ttft, total = ask_stream(client, question, max_tokens)
            except Exception as exc:  # noqa: BLE001 - counted and shown, the run goes on
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                ttfts.append(ttft)
                totals.append(total)
                per_url[url] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "clients": clients, "questions": clients * questions, "answers": len(totals), "errors": len(errors),
        "ttft_p50": percentile(ttfts, 0.5), "ttft_p95": percentile(ttfts, 0.95),
        "total_p50": percentile(totals, 0.5), "total_p95": percentile(totals, 0.95),
        "answers_per_min": len(totals) / wall * 60 if wall else 0.0, "wall_s": wall,
        "first_error": errors[0] if errors else "", "answers_per_url": per_url,
    }


def start_server(extra_args: list[str]) -> tuple[subprocess.Popen, str, Path]:
    """`python -m rag.serve` on a free loopback port; returns the process, its base URL and its log file."""
    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = Path(tempfile.mkstemp(prefix="docqa-bench-serve-", suffix=".log")[1])
    env = {**os.environ, "RAG_API_KEY": ""}
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "rag.serve", "--port", str(port), *extra_args],
                                   stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            raise UserError(f"the server exited with {process.returncode}: {log.read_text()[-500:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return process, base, log
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            process.terminate()
            raise UserError(f"the server did not answer /healthz within {START_TIMEOUT} s; see {log}")
        time.sleep(0.5)


def bench_serve(url: str | list[str] | None, api_key: str, levels: list[int], questions: int, max_tokens: int,
                server_args: list[str]) -> dict:
    from rag.bench.common import load_average

    process = None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the finally below stops the started server
    if not url:
        process, base, _log = start_server(server_args)
        url = f"{base}/v1"
    try:
        run_level(url, api_key or "none", 1, 1, max_tokens)  # warm-up: first prompt, caches
        rows = []
        for clients in levels:
            rows.append(run_level(url, api_key or "none", clients, questions, max_tokens))
            print(f"{clients} client(s): {rows[-1]['answers']} answers, {rows[-1]['errors']} errors, "
                  f"{rows[-1]['wall_s']:.0f} s", file=sys.stderr, flush=True)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    return {"url": url, "questions_per_client": questions, "max_tokens": max_tokens, "rows": rows,
            "load": load_average()}


def print_serve(result: dict) -> None:
    from rag.bench.common import print_table

    urls = result["url"] if isinstance(result["url"], str) else ", ".join(result["url"])
    print(f"Serve benchmark: {urls}, {result['questions_per_client']} question(s) per client, "
          f"max_tokens {result['max_tokens']}, streamed; {result['load']}")
    print_table(result["rows"], [
        ("clients", "clients", "d"), ("answers", "answers", "d"), ("errors", "errors", "d"),
        ("ttft_p50", "TTFT p50 s", ".2f"), ("ttft_p95", "TTFT p95 s", ".2f"),
        ("total_p50", "answer p50 s", ".2f"), ("total_p95", "answer p95 s", ".2f"),
        ("answers_per_min", "answers/min", ".1f"),
    ])
    for row in result["rows"]:
        if row["first_error"]:
            print(f"{row['clients']} clients, first error: {row['first_error']}")
        if len(row.get("answers_per_url", {})) > 1:
            print(f"{row['clients']} clients, answers per server: "
                  + ", ".join(f"{url} {count}" for url, count in row["answers_per_url"].items()))


def add_parser(sub) -> None:
    parser = sub.add_parser("serve", help="the HTTP server under 1, 4, 16 concurrent clients")
    parser.add_argument("--url", action="append", default=[],
                        help="an already running server's /v1 URL (default: start one on loopback); several "
                             "--url: replicas, clients spread over them (docs: docs/scale-out.md)")
    parser.add_argument("--api-key", default=os.environ.get("RAG_API_KEY", ""), help="its API key")
    parser.add_argument("--clients", default="1,4,16", help="concurrency levels (default 1,4,16)")
    parser.add_argument("--questions", type=int, default=2, help="questions per client at each level (default 2)")
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--server-arg", action="append", default=[], help="extra argument for the started server")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run)


def run(args) -> int:
    import json

    levels = [int(n) for n in args.clients.split(",") if n.strip()]
    result = bench_serve(args.url, args.api_key, levels, args.questions, args.max_tokens, args.server_arg)
    print(json.dumps(result, indent=2)) if args.json else print_serve(result)
    return 0
