"""Stage 7, cli: plumbing for the command-line entry points (one-line errors and exit codes, JSON-only stdout).

Every command (`main.py`, each package's `python -m` `__main__`) runs through `run_cli`; `output` shows an answer in
the terminal for `main.py`. Imports the answerer's `Answer` (`rag.answer`) and the shared modules.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext

from rag.errors import UserError


def offline_environment() -> None:
    """Never reach for a model hub: every model comes from a local folder."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def run_cli(main: Callable[..., int], *args) -> int:
    """Run a CLI main function, turning expected failures into one line and an exit code."""
    offline_environment()
    try:
        return main(*args)
    except UserError as exc:
        error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        error("interrupted")
        return 130


@contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Send everything written to stdout meanwhile to stderr: Python prints, native code and child processes
    (an OpenVINO export's progress bars) alike, so that a `--json` result printed afterwards is all of stdout."""
    sys.stdout.flush()
    saved = os.dup(1)
    python_stdout = sys.stdout
    try:
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        yield
    finally:
        sys.stderr.flush()
        sys.stdout = python_stdout
        os.dup2(saved, 1)
        os.close(saved)


def json_mode(enabled: bool):
    """`stdout_to_stderr()` when a command was asked for JSON, else nothing."""
    return stdout_to_stderr() if enabled else nullcontext()
