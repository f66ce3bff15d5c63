"""`python -m rag.bench startup`: whole-process time to the first token of `python main.py "question"`.

What a person waits for is the whole process, not the model's share of it, so each run starts `main.py` as a child
process (the question, `--max-new-tokens 1`, the backend; the model is whatever the settings make default) and
times from the spawn to the first evidence line ("Evidence first: …", printed before the model is asked) and to the
first byte of answer after it on its stdout. The child's own timing block gives the split
(embeddings load, index load, model load, retrieval, prompt processing); what is left is interpreter start-up and
imports. The model loads in a background thread beside the embeddings, the index and the retrieval, so only the part
of its load time that outlasts them counts as waited for. Peak RSS is the child's (`wait4`). One untimed run per backend first prepares the caches (converted
models, compiled OpenVINO blobs, the embedder), so the numbers are the "cold process, warm caches" case.

`--warm` also measures the interactive prompt: one child answers the question once (untimed) and then `--runs`
more times, each with another question (the same one again is answered from warm paths in a fraction of the
time); the times are from sending a question to its evidence line and to its first token (models already loaded,
as in the web UI or a server).
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rag.bench.common import QUESTION, load_average, median, print_table
from rag.config import Settings
from rag.errors import UserError

MAIN = Path(__file__).resolve().parents[2] / "main.py"
PROMPT = b"Question: "
EVIDENCE = b"Evidence first:"
SPLIT = [  # (key in the result, label in main.py's timing block)
    ("embeddings_s", "embeddings load"),
    ("index_s", "index load"),
    ("model_s", "model load"),
    ("retrieval_s", "retrieval"),
    ("prompt_s", "prompt processing"),
]


def _command(backend: str, extra: list[str]) -> list[str]:
    return [sys.executable, str(MAIN), "--backend", backend, "--max-new-tokens", "1", *extra]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1"}


def _read_until(fd: int, buffer: bytearray, done, deadline: float) -> bool:
    """Read from `fd` into `buffer` until `done(buffer)` or end of file; False at end of file."""
    while not done(buffer):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise UserError("startup benchmark: main.py produced no output for 10 minutes")
        chunk = os.read(fd, 65536)
        if not chunk:
            return False
        buffer.extend(chunk)
    return True


def _has_text(start: int):
    return lambda buffer: bool(bytes(buffer[start:]).strip())


def _answer_started(buffer: bytearray) -> bool:
    """Whether answer text has arrived: any text, after the evidence line when there is one."""
    text = bytes(buffer).lstrip()
    if not text.startswith(EVIDENCE):
        return bool(text)
    end = text.find(b"\n")
    return end >= 0 and bool(text[end:].strip())


def _read_evidence_then_answer(fd: int, buffer: bytearray, deadline: float, started: float) -> tuple[float | None, float]:
    """Seconds from `started` to the evidence line (None when none was printed) and to the first answer text."""
    _read_until(fd, buffer, _has_text(0), deadline)
    evidence = time.perf_counter() - started if bytes(buffer).lstrip().startswith(EVIDENCE) else None
    _read_until(fd, buffer, _answer_started, deadline)
    return evidence, time.perf_counter() - started


def cold_run(backend: str, question: str) -> dict:
    """One `python main.py QUESTION` process: seconds to the first answer byte, the split, peak RSS."""
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a chatty first run cannot block the child
        started = time.perf_counter()
        child = subprocess.Popen(_command(backend, [question]), stdout=subprocess.PIPE, stderr=errors,
                                 stdin=subprocess.DEVNULL, env=_env())
        out = bytearray()
        deadline = time.monotonic() + 600
        first_evidence, first_token = _read_evidence_then_answer(child.stdout.fileno(), out, deadline, started)
        _read_until(child.stdout.fileno(), out, lambda buffer: False, deadline)
        _pid, status, usage = os.wait4(child.pid, 0)
        errors.seek(0)
        err = errors.read()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        lines = err.decode(errors="replace").strip().splitlines() or ["failed"]
        raise UserError(f"startup benchmark: main.py --backend {backend} exited {child.returncode}: {lines[-1]}")
    result = {"first_token_s": first_token, "peak_rss_mb": usage.ru_maxrss / 1024}
    if first_evidence is not None:
        result["first_evidence_s"] = first_evidence
    result.update(parse_timings(out.decode(errors="replace")))
    result["imports_other_s"] = first_token - on_the_path(result)
    return result


def on_the_path(result: dict[str, float]) -> float:
    """Seconds of the split the person waits for. The model loads in a background thread from the start of
    loading (rag.llm.background.BackgroundLoad), beside the embeddings, the index and the retrieval, so only the part
    of its load that outlasts them is waited for."""
    beside = sum(result.get(key, 0.0) for key in ("embeddings_s", "index_s", "retrieval_s"))
    waited = max(0.0, result.get("model_s", 0.0) - beside)
    return beside + waited + result.get("prompt_s", 0.0)


def parse_timings(text: str) -> dict[str, float]:
    """The seconds in main.py's "Timings:" block, keyed as in SPLIT."""
    found = {}
    for key, label in SPLIT:
        match = re.search(rf"^\s+{re.escape(label)}\s+([0-9.]+)s\s*$", text, re.M)
        if match:
            found[key] = float(match.group(1))
    return found


# A process asked the same question again answers it from warm paths (the same prompt, the same search) in a
# fraction of the time: each warm run after the first asks another question, as a person does.
OTHER_QUESTIONS = ("What was broadcasting revenue in fiscal 2022?", "Who is the chief executive officer?",
                   "How many members did the membership program have?", "What does the company say about its debt?",
                   "Which firm is the independent auditor?", "How many employees does the company have?")


def warm_question(question: str, run: int) -> str:
    """The question of warm run `run`: the benchmark's question first (warming the path up), then others."""
    return question if run == 0 else OTHER_QUESTIONS[(run - 1) % len(OTHER_QUESTIONS)]


def warm_runs(backend: str, question: str, runs: int) -> tuple[list[float], list[float]]:
    """Seconds from sending the question to its evidence line and to its first token in one interactive
    `main.py`, `runs` times each."""
    child = subprocess.Popen(_command(backend, []), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, env=_env())
    fd = child.stdout.fileno()
    out = bytearray()
    times, evidence_times = [], []
    try:
        deadline = time.monotonic() + 600
        if not _read_until(fd, out, lambda buffer: buffer.endswith(PROMPT), deadline):
            raise UserError(f"startup benchmark: interactive main.py --backend {backend} ended early")
        for run in range(runs + 1):
            out.clear()
            child.stdin.write(warm_question(question, run).encode() + b"\n")
            child.stdin.flush()
            evidence, first_token = _read_evidence_then_answer(fd, out, deadline, time.perf_counter())
            if run:  # the first answer warms the prompt path up
                times.append(first_token)
                if evidence is not None:
                    evidence_times.append(evidence)
            _read_until(fd, out, lambda buffer: buffer.endswith(PROMPT), deadline)
    finally:
        child.stdin.close()
        child.wait(timeout=60)
    return times, evidence_times


def ensure_index(settings: Settings) -> None:
    from rag.index.store import current_version

    if current_version(settings.index_dir) is None:
        subprocess.run([sys.executable, "-m", "rag.ingest"], check=True, env=_env())


def bench_startup(settings: Settings, backends: list[str], runs: int, question: str, warm: bool) -> dict:
    ensure_index(settings)
    results = []
    for backend in backends:
        row: dict = {"backend": backend}
        try:
            cold_run(backend, question)  # prepares caches; not counted
            samples = [cold_run(backend, question) for _ in range(runs)]
        except UserError as exc:
            results.append({**row, "error": str(exc)})
            continue
        for key in ["first_evidence_s", "first_token_s", "imports_other_s", *(key for key, _ in SPLIT), "peak_rss_mb"]:
            row[key] = median([sample.get(key, 0.0) for sample in samples])
        row["runs"] = [round(sample["first_token_s"], 2) for sample in samples]
        if warm:
            times, evidence_times = warm_runs(backend, question, runs)
            row["warm_first_token_s"] = median(times)
            row["warm_first_evidence_s"] = median(evidence_times) if evidence_times else None
        results.append(row)
    return {"question": question, "runs": runs, "load": load_average(), "results": results}


def print_startup(report: dict) -> None:
    print(f"Start-up benchmark: python main.py \"{report['question']}\" --max-new-tokens 1, whole process, "
          f"median of {report['runs']} runs after one that prepares caches ({report['load']})")
    print_table([r for r in report["results"] if "error" not in r], [
        ("backend", "backend", ""), ("first_evidence_s", "first evidence s", ".2f"),
        ("first_token_s", "first token s", ".2f"),
        ("imports_other_s", "imports+start s", ".2f"), ("embeddings_s", "embeddings s", ".2f"),
        ("index_s", "index s", ".2f"), ("model_s", "model s (background)", ".2f"), ("retrieval_s", "retrieval s", ".2f"),
        ("prompt_s", "prompt s", ".2f"), ("peak_rss_mb", "peak RSS MB", ".0f"),
        ("warm_first_evidence_s", "warm first evidence s", ".2f"), ("warm_first_token_s", "warm first token s", ".2f"),
    ])
    for row in report["results"]:
        if "error" in row:
            print(f"{row['backend']}: skipped ({row['error']})")
        else:
            print(f"{row['backend']}: runs {row['runs']}")


def add_parser(sub) -> None:
    parser = sub.add_parser("startup", help="whole-process time to first token of main.py, per backend")
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--backends", help="comma-separated (default: the configured backend first, then the rest)")
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--no-warm", action="store_true", help="skip the interactive (warm) measurement")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run)


def run(args) -> int:
    import json

    from rag.config import load_settings

    settings = load_settings()
    backends = args.backends.split(",") if args.backends else \
        [settings.backend] + [b for b in ("openvino", "ctransformers") if b != settings.backend]
    report = bench_startup(settings, backends, args.runs, args.question, warm=not args.no_warm)
    print(json.dumps(report, indent=2)) if args.json else print_startup(report)
    return 0
