"""What the benchmarks share: the demo question, the machine's load beside every figure, medians, aligned tables."""

from __future__ import annotations

import os
import statistics
from collections.abc import Iterator
from contextlib import contextmanager

QUESTION = "How much is the minimum guarantee payable by adidas?"


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def cell_text(row: dict, key: str, fmt: str) -> str:
    """A table cell as printed: a number in its format, anything else as text, "-" when missing."""
    value = row.get(key)
    return format(value, fmt) if isinstance(value, (int, float)) else str(row.get(key, "-"))


_recorded: list[tuple[list[dict], list[tuple[str, str, str]]]] | None = None


@contextmanager
def recording_tables() -> Iterator[list[tuple[list[dict], list[tuple[str, str, str]]]]]:
    """Keep every table printed meanwhile, as (rows, columns), for the benchmark's report page."""
    global _recorded
    _recorded = []
    try:
        yield _recorded
    finally:
        _recorded = None


def print_table(rows: list[dict], columns: list[tuple[str, str, str]]) -> None:
    """Rows of dicts as an aligned table; columns are (key, header, format)."""
    if _recorded is not None:
        _recorded.append(([dict(row) for row in rows], list(columns)))
    cells = [[header for _, header, _ in columns]]
    for row in rows:
        cells.append([cell_text(row, key, fmt) for key, _, fmt in columns])
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    for n, line in enumerate(cells):
        print("  ".join(cell.rjust(width) if i else cell.ljust(width) for i, (cell, width) in enumerate(zip(line, widths))))
        if n == 0:
            print("  ".join("-" * width for width in widths))


@contextmanager
def postgres(dsn: str | None) -> Iterator[str | None]:
    """`dsn`, or without one a throw-away PostgreSQL (pgserver) cluster for the run; None when neither exists."""
    if dsn:
        yield dsn
        return
    try:
        import pgserver
    except ImportError:
        yield None
        return
    import shutil
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="docqa-bench-pg-"))
    folder.chmod(0o755)  # as root, pgserver runs PostgreSQL as its own user
    server = pgserver.get_server(folder / "data", cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
