"""Helpers for tests that start servers (rag.serve, vLLM) as real processes on loopback."""

from __future__ import annotations

import socket
import subprocess
import time

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(process: subprocess.Popen, url: str, log, timeout: float, what: str = "the server") -> None:
    """Poll `url` until it answers 200; fail with the log's tail if the process exits or `timeout` passes.
    `log` is an open file (read from its start) or a path."""
    import httpx

    def tail() -> str:
        if hasattr(log, "seek"):
            log.seek(0)
            return log.read()[-3000:]
        return open(log).read()[-3000:]

    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode}:\n{tail()}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not start within {timeout} s:\n{tail()}")
        time.sleep(0.5)


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """End a server process: terminate, wait, and kill it if it does not go."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
