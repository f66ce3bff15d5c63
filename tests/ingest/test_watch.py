"""`python -m rag.ingest --watch` (rag.ingest.watch) on real folders, files and indexes: no update is lost.

The watcher runs in a thread with the real embeddings; the test adds, changes, renames and deletes files, some of
them in the middle of an ingest (from inside the embedding step, after the batch hashed and parsed them), and
then compares the index with the folder: same files, and each with the SHA-256 of its content now.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from rag.hashing import sha256_file
from tests.conftest import REPO

pytest.importorskip("watchfiles")

SETTLE = 0.3


class MeddlingEmbeddings:
    """The real embeddings, except that while a batch embeds, `meddle` changes the folder under its feet."""

    def __init__(self, inner, meddle):
        self.inner, self.meddle, self.batches = inner, meddle, 0

    def encode(self, texts, progress=False):
        self.batches += 1
        self.meddle(self.batches)
        return self.inner.encode(texts, progress=progress)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def index_files(settings) -> dict[str, str]:
    from rag.index.store import load_index

    index = load_index(settings.index_dir)
    return {} if index is None else {source: entry.sha256 for source, entry in index.manifest.files.items()}


def folder_files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): sha256_file(p) for p in folder.rglob("*.txt")}


def wait_until_in_sync(settings, folder: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if index_files(settings) == folder_files(folder):
            return
        time.sleep(0.3)
    indexed, present = index_files(settings), folder_files(folder)
    missing = sorted(set(present) - set(indexed))[:5]
    stale = sorted(s for s in indexed if s in present and indexed[s] != present[s])[:5]
    extra = sorted(set(indexed) - set(present))[:5]
    pytest.fail(f"index out of sync with the folder: missing {missing}, stale {stale}, deleted but kept {extra}")


def start(settings, folder: Path, embeddings) -> tuple[threading.Thread, threading.Event, list]:
    from rag.ingest.watch import watch

    stop, batches = threading.Event(), []
    thread = threading.Thread(target=watch, args=(settings, [folder]), daemon=True,
                              kwargs={"embeddings": embeddings, "settle": SETTLE, "stop": stop,
                                      "on_batch": batches.append, "say": lambda message: print(message, file=sys.stderr)})
    thread.start()
    return thread, stop, batches


def text(number: int, version: int) -> str:
    return f"Memo {number}, version {version}. The widget count for office {number} is {number * 7 + version}.\n"


def test_100_files_added_changed_renamed_and_deleted_while_ingesting(settings, embeddings):
    folder = settings.data_dir
    rng = random.Random(29)
    meddled = []
    armed = threading.Event()

    def meddle(batch: int) -> None:
        """During the first three batches' embedding, and the one after `armed` is set (the last: nothing happens
        after it), change, delete and add files the batch has already read."""
        if batch > 3 and not armed.is_set():
            return
        armed.clear()
        present = sorted(folder.glob("*.txt"))
        for path in rng.sample(present, min(5, len(present))):
            path.write_text(text(int(path.stem.split("-")[1]), 100 + batch))
            meddled.append(path.name)
        if present:
            present[-1].unlink()
        (folder / f"memo-{900 + batch}.txt").write_text(text(900 + batch, 0))
        time.sleep(0.6)  # the batch is still running when the watcher reports these changes

    thread, stop, batches = start(settings, folder, MeddlingEmbeddings(embeddings, meddle))
    try:
        for number in range(100):  # added while batches run
            (folder / f"memo-{number:03d}.txt").write_text(text(number, 0))
            if number % 10 == 9:
                time.sleep(0.5)
        time.sleep(1.0)
        names = sorted(p.name for p in folder.glob("*.txt"))
        for name in rng.sample(names, 30):  # changed
            path = folder / name
            if path.exists():
                path.write_text(text(int(name.split("-")[1].split(".")[0]), 2) + "An added line.\n")
        for name in rng.sample(names, 20):  # deleted
            (folder / name).unlink(missing_ok=True)
        sub = folder / "renamed"
        sub.mkdir()
        for name in rng.sample(sorted(p.name for p in folder.glob("*.txt")), 10):  # renamed, into a subfolder
            (folder / name).rename(sub / name)
        wait_until_in_sync(settings, folder)
        armed.set()  # the last batch: its changes made mid-ingest are only seen if their events are kept
        (folder / "memo-999.txt").write_text(text(999, 0))
        wait_until_in_sync(settings, folder)
        assert not armed.is_set()
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert meddled and len(batches) >= 2
    failed = {item.source for batch in batches for item in batch.files if item.status == "failed"}
    assert not {source for source in failed if (folder / source).exists()}  # only files deleted while being read
    assert len(index_files(settings)) == len(folder_files(folder)) > 50


def test_a_folder_that_disappears_and_returns(settings, embeddings, tmp_path):
    folder = settings.data_dir
    (folder / "memo-001.txt").write_text(text(1, 0))
    thread, stop, batches = start(settings, folder, embeddings)
    try:
        wait_until_in_sync(settings, folder)
        away = tmp_path / "away"
        folder.rename(away)  # an unplugged drive: its documents stay indexed
        time.sleep(1.5)
        assert set(index_files(settings)) == {"memo-001.txt"}
        (away / "memo-002.txt").write_text(text(2, 0))
        away.rename(folder)
        wait_until_in_sync(settings, folder)
        (folder / "memo-001.txt").unlink()  # and it is watched again
        wait_until_in_sync(settings, folder)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert set(index_files(settings)) == {"memo-002.txt"}


def test_a_file_still_being_written_is_read_once_complete(settings, embeddings):
    folder = settings.data_dir
    thread, stop, batches = start(settings, folder, embeddings)
    try:
        time.sleep(1.0)
        with open(folder / "slow.txt", "w") as out:
            for line in range(8):  # a slow copy: a piece every 0.15 s
                out.write(text(line, 0))
                out.flush()
                time.sleep(0.15)
        wait_until_in_sync(settings, folder)
    finally:
        stop.set()
        thread.join(timeout=30)
    ingested = [item for batch in batches for item in batch.files if item.source == "slow.txt"
                and item.status in ("added", "updated")]
    assert len(ingested) == 1  # never read half-written


def _sigint_as_in_a_terminal() -> None:
    """A test run started in the background by a non-interactive shell ignores SIGINT, and its children inherit
    that (Python then installs no Ctrl-C handler): the child gets the default a terminal gives it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
def test_the_command_stops_cleanly_on_ctrl_c(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(text(1, 0))
    env = dict(os.environ, PYTHONPATH=str(REPO), RAG_MODELS_DIR=str(REPO / "models"), RAG_CACHE_DIR=str(REPO / ".cache"))
    process = subprocess.Popen([sys.executable, "-m", "rag.ingest", "--watch", "--collection", "notes", str(folder),
                                "--index-dir", str(tmp_path / "vs")], cwd=tmp_path, env=env,
                               stderr=subprocess.PIPE, text=True, preexec_fn=_sigint_as_in_a_terminal)
    lines = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        lines.append(line)
        if "1 added" in line:
            break
    process.send_signal(signal.SIGINT)
    try:
        _out, rest = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("still running 60 s after Ctrl-C; its output:\n" + "".join(lines) + process.communicate()[1])
    log = "".join(lines) + rest
    assert process.returncode in (0, 130), log
    assert "Traceback" not in log and "stopped watching" in log
