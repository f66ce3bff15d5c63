"""rag.cli: with --json everything but the result goes to stderr, from Python, native code and child processes."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO

SCRIPT = """
import json, os, subprocess, sys
from rag.cli import stdout_to_stderr
with stdout_to_stderr():
    print("progress from python")
    os.write(1, b"progress from native code\\n")
    subprocess.run(["echo", "progress from a child process"], check=True)
print(json.dumps({"ok": True}))
"""


def test_stdout_to_stderr_leaves_only_the_result_on_stdout():
    run = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"ok": True}
    for source in ("python", "native code", "a child process"):
        assert f"progress from {source}" in run.stderr
