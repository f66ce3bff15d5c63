"""Parse untrusted documents (uploads, fuzzed files; every format of `rag.ingest.formats`) in a separate process
with a time and a memory limit.

A pathological file can make a parser (pypdf, python-docx, openpyxl, ...) loop for minutes or allocate gigabytes. Here it does so in a spawned
worker process (never forked: the caller may be a server full of threads, or hold torch and a model); the
worker's address space is capped with RLIMIT_AS and each file has a deadline. A file that hits a limit,
or kills the worker, comes back as a `ParsedPdf` with `error` set, and the next file gets a fresh worker.
Results travel as plain dicts over a pipe between our own two processes (nothing a user can hand in).

Hands on: `ParsedDocument` results, exactly as `rag.ingest.formats.read_document` gives them, for `rag.ingest.pipeline.ingest` to
chunk.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import asdict, dataclass
from pathlib import Path

from rag.ingest.pdf import Page, ParsedPdf
from rag.ingest.tables import Table

SPAWN = multiprocessing.get_context("spawn")
STARTUP_SECONDS = 300.0  # a spawned interpreter importing rag on a loaded machine; not part of a file's time


@dataclass(frozen=True)
class ParseLimits:
    seconds: float = 120.0  # per file
    memory_mb: int = 2048  # address space of the worker process
    pages: int | None = None  # parse only the first N pages (None: all)


def _serve(connection, memory_mb: int) -> None:  # runs in the worker process
    import resource

    limit = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from rag.ingest.formats import read_document

    connection.send("ready")  # the per-file deadline starts after the worker's own start-up
    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        if request is None:
            return
        path, password, pages, tables = request
        try:
            result = read_document(Path(path), password, range(1, pages + 1) if pages else None, tables=tables)
            reply = {"ok": asdict(result)}
        except MemoryError:
            reply = {"error": f"needs more than {memory_mb} MB of memory to parse (limit); skipped"}
        except Exception as exc:  # noqa: BLE001 - read_pdf should not raise; report rather than die
            reply = {"error": f"parser failed: {type(exc).__name__}: {str(exc)[:200]}"}
        try:
            connection.send(reply)
        except MemoryError:
            connection.send({"error": f"needs more than {memory_mb} MB of memory to parse (limit); skipped"})


class ParserWorker:
    """One worker process, reused across files and replaced after a file that broke a limit."""

    def __init__(self, limits: ParseLimits = ParseLimits(), tables: bool = True):
        self.limits = limits
        self.tables = tables  # label the tables' rows (rag.ingest.tables)
        self._process = None
        self._connection = None
        self.restarts = 0

    def _start(self) -> None:
        parent, child = SPAWN.Pipe()
        self._process = SPAWN.Process(target=_serve, args=(child, self.limits.memory_mb), daemon=True,
                                      name="docqa-pdf-parser")
        self._process.start()
        child.close()
        self._connection = parent
        if not (parent.poll(STARTUP_SECONDS) and parent.recv() == "ready"):
            raise RuntimeError("the PDF parser process did not start")

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join(5)
            self._connection.close()
        self._process = self._connection = None
        self.restarts += 1

    def parse(self, path: Path, password: str | None = None) -> ParsedPdf:
        try:
            if self._process is None or not self._process.is_alive():
                self._start()
            self._connection.send((str(path), password, self.limits.pages, self.tables))
            ready = self._connection.poll(self.limits.seconds)
            reply = self._connection.recv() if ready else None
        except (EOFError, OSError):
            reply = {"error": self._death_reason()}
        if reply is None:
            self._kill()
            return ParsedPdf(error=f"parsing took longer than {self.limits.seconds:g} s (limit); skipped")
        if "error" in reply:
            if self._process is not None:
                self._kill()  # after a MemoryError the worker is best replaced
            return ParsedPdf(error=reply["error"])
        data = reply["ok"]
        pages = [Page(**{**page, "tables": [Table(**table) for table in page["tables"]]}) for page in data["pages"]]
        return ParsedPdf(pages=pages, page_count=data["page_count"], error=data["error"],
                         problems=list(data["problems"]), table_failures=data["table_failures"], kind=data["kind"],
                         images=dict(data["images"]))

    def _death_reason(self) -> str:
        self._process.join(5)
        code = self._process.exitcode
        self._kill()
        if code is not None and code < 0:
            return f"the parser process was killed by signal {-code} (memory limit {self.limits.memory_mb} MB?); skipped"
        return f"the parser process died (exit code {code}); skipped"

    def close(self) -> None:
        if self._process is not None and self._process.is_alive():
            try:
                self._connection.send(None)
                self._process.join(5)
            except OSError:
                pass
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join(5)
        self._process = self._connection = None

    def __enter__(self) -> ParserWorker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def parse_isolated(paths: list[Path], password: str | None, limits: ParseLimits,
                   tables: bool = True) -> list[ParsedPdf]:
    """Parse each file in a worker process under `limits`; a file that breaks one comes back failed."""
    with ParserWorker(limits, tables) as worker:
        return [worker.parse(path, password) for path in paths]
