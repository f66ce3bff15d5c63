"""Shared plumbing for the command-line entry points: one-line errors and exit codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

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
