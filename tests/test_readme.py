"""The README's commands run as written. A fenced shell block right after `<!-- runnable -->` (cheap) or
`<!-- runnable: slow -->` is run line by line with bash in a fresh folder laid out like a clone (`.venv`, `models`,
`main.py` and `tests` linked from this checkout, its own `data/` and index), and every line must succeed."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from conftest import REPO

README = REPO / "README.md"
BLOCK = re.compile(r"<!-- runnable(?P<slow>: slow)? -->\n```(?:bash|sh)\n(?P<body>.*?)```", re.S)
LINKED = (".venv", "models", "main.py", "tests", ".cache", "pyproject.toml")
DEMO = REPO / "data" / "manu-20f-2022-09-24.pdf"


def runnable_blocks(text: str) -> list[tuple[bool, str]]:
    return [(bool(m["slow"]), m["body"]) for m in BLOCK.finditer(text)]


def clone_like(folder: Path) -> Path:
    for name in LINKED:
        if (REPO / name).exists():
            (folder / name).symlink_to(REPO / name)
    (folder / "data").mkdir()
    return folder


def run_block(body: str, cwd: Path) -> str:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("RAG_CONFIG", None)
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", body], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=1800)
    assert done.returncode == 0, f"README block failed ({done.returncode}):\n{body}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_the_readme_marks_blocks_to_run():
    blocks = runnable_blocks(README.read_text(encoding="utf-8"))
    assert any(not slow for slow, _ in blocks) and any(slow for slow, _ in blocks)
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 200, "README.md is for a five-minute read"


def test_the_cheap_readme_blocks_run(tmp_path):
    folder = clone_like(tmp_path)
    for slow, body in runnable_blocks(README.read_text(encoding="utf-8")):
        if not slow:
            run_block(body, folder)


@pytest.mark.slow
def test_the_quick_start_runs(tmp_path):
    """The quick start on a 7-page excerpt of the demo 20-F (pages 50-56: the adidas pages) and the README's .docx."""
    folder = clone_like(tmp_path)
    excerpt = PdfWriter()
    for page in PdfReader(DEMO).pages[49:56]:
        excerpt.add_page(page)
    excerpt.write(folder / "data" / DEMO.name)
    out = "".join(run_block(body, folder) for slow, body in runnable_blocks(README.read_text(encoding="utf-8")) if slow)
    assert "£750 million" in out
    assert (folder / "data" / "autogen-paper.docx").exists()
    assert (folder / "vectorstore" / "CURRENT").exists()
