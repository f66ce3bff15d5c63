"""`python -m rag.bench watch`: time from a 10-page PDF saved into a watched folder to its first answered question.

Starts the real `python -m rag.ingest --watch --collection NAME FOLDER` in a throw-away folder and index, then
copies PDFs in one at a time (each written beside the folder, then copied in: "saved" is when the copy ends).
Each PDF is ten pages of real text (the Apache licence, tests/data/formats) with one made-up fact on page 6; the
benchmark asks about that fact from the moment the file is saved and reports when the index first held the file
(`indexed`), when retrieval first found it (`found`), and when an answer citing it was complete (`answered`),
with p50 and p90 over the files. docs: docs/collections.md
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rag.bench.common import load_average, print_table
from rag.cli import json_mode
from rag.errors import UserError, missing_extra

FILLER = Path(__file__).resolve().parents[2] / "tests" / "data" / "formats" / "docs" / "apache-license-2.0.txt"
NAMES = ["Quillfeather", "Brasswick", "Tamborine", "Ulvercrest", "Merrowdale", "Pinnacleth", "Osterlund",
         "Vantablue", "Greywater", "Larkspire", "Fennimore", "Dunmorrow"]
COLLECTION = "bench-watch"
FACT_PAGE = 6


def fact(number: int) -> tuple[str, str, str]:
    """The made-up fact of PDF `number`, the question about it, and the figure its answer must contain."""
    name = NAMES[number % len(NAMES)] + (str(number // len(NAMES)) if number >= len(NAMES) else "")
    figure = f"{(number + 3) * 1117:,}"
    return (f"The {name} research budget approved for next year is {figure} florins.",
            f"What is the {name} research budget?", figure.replace(",", ""))


def make_pdf(path: Path, number: int, pages: int = 10) -> Path:
    """A `pages`-page PDF of real text with fact `number` on page FACT_PAGE."""
    try:
        from fpdf import FPDF
    except ImportError:
        raise missing_extra("fpdf2", "test") from None
    words = FILLER.read_text(encoding="utf-8").split()
    per_page = len(words) // pages
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for page in range(1, pages + 1):
        pdf.add_page()
        body = " ".join(words[(page - 1) * per_page: page * per_page])
        if page == FACT_PAGE:
            body = fact(number)[0] + "\n\n" + body
        pdf.multi_cell(0, 5, body.encode("latin-1", "replace").decode("latin-1"))
    pdf.output(str(path))
    return path


class Asker:
    """Retrieval and answers over the collection's live index, rebuilt whenever a new version appears."""

    def __init__(self, settings, with_answers: bool):
        from rag.index.embeddings import LocalEmbeddings

        self.settings = settings
        self.embeddings = LocalEmbeddings(settings)
        self.backend = None
        if with_answers:
            from rag.llm import load_backend

            self.backend = load_backend(settings, announce=lambda message: print(message, file=sys.stderr))
        self.version = None
        self.retriever = None
        self.index = None

    def refresh(self) -> bool:
        from rag.index.live import live_version, load_live
        from rag.retrieve.hybrid import build_retriever

        version = live_version(self.settings)
        if version is None or version == self.version:
            return False
        self.index = load_live(self.settings)
        self.retriever = build_retriever(self.settings, self.index, self.embeddings)
        self.version = version
        return True

    def holds(self, file: str) -> bool:
        return self.index is not None and file in self.index.manifest.files

    def found(self, question: str, file: str) -> bool:
        return any(doc.metadata.get("source") == file for doc in self.retriever.invoke(question))

    def answered(self, question: str, file: str, figure: str) -> tuple[bool, bool]:
        """Whether the answer cites the file, and whether it states the figure."""
        from rag.answer.answerer import Answerer

        answer = Answerer(self.settings, self.retriever, self.backend, {}).ask(question)
        return any(source.file == file for source in answer.sources), figure in answer.answer.replace(",", "")


def bench_watch(files: int, with_answers: bool, timeout: float) -> dict:
    from rag.config import load_settings
    from rag.index import collections

    with tempfile.TemporaryDirectory(prefix="docqa-bench-watch-") as tmp:
        root = Path(tmp)
        folder, staging, index_dir = root / "watched", root / "staging", root / "vectorstore"
        folder.mkdir(), staging.mkdir()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[2]),
                                                                        os.environ.get("PYTHONPATH")])))
        log = open(root / "watch.log", "w+")
        watcher = subprocess.Popen([sys.executable, "-m", "rag.ingest", "--watch", "--collection", COLLECTION,
                                    str(folder), "--index-dir", str(index_dir)], stderr=log, stdout=log, env=env)
        try:
            settings = _wait_for_collection(load_settings(index_dir=index_dir), watcher, log, timeout)
            settings = collections.settings_for(settings, COLLECTION)
            asker = Asker(settings, with_answers)
            rows = [_one_file(asker, folder, staging, number, with_answers, timeout) for number in range(files)]
        finally:
            watcher.send_signal(signal.SIGINT)
            try:
                watcher.wait(timeout=30)
            except subprocess.TimeoutExpired:
                watcher.kill()
            log.seek(0)
            watch_log = log.read()
            log.close()
    if watcher.returncode not in (0, 130):
        raise UserError(f"the watcher exited with {watcher.returncode}:\n{watch_log[-2000:]}")
    return {"files": rows, "summary": _summary(rows), "with_answers": with_answers, "load": load_average(),
            "date": time.strftime("%Y-%m-%d %H:%M %Z"), "clean_exit": "Traceback" not in watch_log}


def _wait_for_collection(settings, watcher, log, timeout: float):
    """Wait until the watcher has created the collection and written its first (empty) index."""
    from rag.index import collections
    from rag.index.live import has_index

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if watcher.poll() is not None:
            log.seek(0)
            raise UserError(f"the watcher exited with {watcher.returncode}: {log.read()[-2000:]}")
        if collections.exists(settings, COLLECTION) and has_index(collections.settings_for(settings, COLLECTION)):
            return settings
        time.sleep(0.2)
    raise UserError(f"the watcher did not start within {timeout:.0f} s")


def _one_file(asker: Asker, folder: Path, staging: Path, number: int, with_answers: bool, timeout: float) -> dict:
    name = f"report-{number:02d}.pdf"
    source = make_pdf(staging / name, number)
    _text, question, figure = fact(number)
    shutil.copyfile(source, folder / name)
    saved = time.monotonic()
    row = {"file": name, "indexed_s": None, "found_s": None, "answered_s": None, "figure": "-"}
    while time.monotonic() - saved < timeout:
        if not asker.refresh():
            time.sleep(0.05)
            continue
        if not asker.holds(name):
            continue
        row["indexed_s"] = row["indexed_s"] or time.monotonic() - saved
        if asker.found(question, name):
            row["found_s"] = time.monotonic() - saved
            if with_answers:
                cites, correct = asker.answered(question, name, figure)
                row["answered_s"] = time.monotonic() - saved if cites else None
                row["figure"] = "yes" if correct else "no"
            break
    time.sleep(1.0)  # let the machine settle before the next file
    return row


def _summary(rows: list[dict]) -> list[dict]:
    summary = []
    for key, label in (("indexed_s", "saved -> in the index"), ("found_s", "saved -> retrieved"),
                       ("answered_s", "saved -> answered, citing it")):
        values = sorted(row[key] for row in rows if row[key] is not None)
        if values:
            summary.append({"measure": label, "n": len(values), "p50": statistics.median(values),
                            "p90": values[min(len(values) - 1, round(0.9 * (len(values) - 1)))],
                            "missed": len(rows) - len(values)})
    return summary


def print_watch(report: dict) -> None:
    print(f"Watched folder, 10-page PDFs ({report['load']}; {report['date']})")
    print_table(report["files"], [("file", "file", ""), ("indexed_s", "indexed s", ".2f"),
                                  ("found_s", "retrieved s", ".2f"), ("answered_s", "answered s", ".2f"),
                                  ("figure", "figure stated", "")])
    print()
    print_table(report["summary"], [("measure", "from file saved", ""), ("n", "files", "d"), ("p50", "p50 s", ".2f"),
                                    ("p90", "p90 s", ".2f"), ("missed", "missed", "d")])
    if not report["clean_exit"]:
        print("warning: the watcher printed a traceback")


def add_parser(sub) -> None:
    parser = sub.add_parser("watch", help="time from a PDF saved into a watched folder to its answered question "
                            "(docs/collections.md)")
    parser.add_argument("--files", type=int, default=8, help="PDFs copied in, one at a time (default 8)")
    parser.add_argument("--retrieval-only", action="store_true", help="stop at retrieval; do not load the reader")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for each file (default 180)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run)


def run(args) -> int:
    if args.files < 1:
        raise UserError("--files must be at least 1", exit_code=2)
    with json_mode(args.json):
        report = bench_watch(args.files, not args.retrieval_only, args.timeout)
    print(json.dumps(report, indent=2)) if args.json else print_watch(report)
    return 0
