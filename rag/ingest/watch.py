"""`python -m rag.ingest --watch`: keep a collection's index in sync with its folders (docs/collections.md).

A thread runs `watchfiles` over the folders that exist and queues what changed; the main loop waits until the
changed documents have settled (no event and no changed modification time for `settle` seconds, so a file
being copied is read once, complete), then runs the ordinary incremental `rag.ingest.pipeline.ingest` over every
folder: each batch is one new atomic index version, and web UI / rag.serve pick it up without a restart.

No update is lost: changes that arrive while a batch is being ingested are queued and make the next batch (a file
changed after it was hashed no longer matches its recorded SHA-256, so it is read again). A folder that disappears
keeps its documents in the index (an unplugged drive is not a deletion) and is watched again when it returns.
Every `rescan` seconds the folders are compared with the index anyway, in case the system dropped an event.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rag.config import Settings
from rag.errors import UserError, missing_extra
from rag.ingest.detect import SUFFIXES

SETTLE_SECONDS = 1.0
RESCAN_SECONDS = 300.0
POLL_SECONDS = 0.2


def _watchfiles():
    try:
        import watchfiles
    except ImportError:
        raise missing_extra("watchfiles", "watch") from None
    return watchfiles


@dataclass
class _Batch:
    """Changed paths seen since the last ingest, and when the last one came."""

    paths: set[Path]
    last_event: float = 0.0
    dirty: bool = False

    def add(self, paths: set[Path]) -> None:
        self.paths |= paths
        self.last_event = time.monotonic()
        self.dirty = True


class _Watcher(threading.Thread):
    """watchfiles over a fixed set of existing folders; stops itself when one of them disappears."""

    def __init__(self, roots: list[Path], out: queue.Queue):
        super().__init__(name="docqa-watch", daemon=True)
        self.roots, self.out, self.stop = roots, out, threading.Event()

    def run(self) -> None:
        watchfiles = _watchfiles()
        try:
            for changes in watchfiles.watch(*self.roots, stop_event=self.stop, debounce=200, step=50,
                                            rust_timeout=500, yield_on_timeout=True, raise_interrupt=False,
                                            ignore_permission_denied=True):
                if changes:
                    self.out.put({Path(path) for _change, path in changes})
                if any(not root.is_dir() for root in self.roots):
                    return  # the main loop notices and watches the folders that are left
        except Exception as exc:  # noqa: BLE001 - e.g. a folder removed while being set up: start again
            self.out.put(exc)


def settled(paths: set[Path], settle: float, now: float | None = None) -> bool:
    """Whether no changed document is still being written: each existing one untouched for `settle` seconds."""
    now = time.time() if now is None else now
    for path in paths:
        if path.suffix.lower() not in SUFFIXES:
            continue
        try:
            stat = path.stat()
        except OSError:
            continue  # gone: its removal is what the next ingest records
        if now - stat.st_mtime < settle:
            return False
    return True


def watch(settings: Settings, folders: list[Path], *, embeddings=None, settle: float = SETTLE_SECONDS,
          rescan: float = RESCAN_SECONDS, stop: threading.Event | None = None,
          on_batch: Callable[[object], None] | None = None, say: Callable[[str], None] | None = None) -> None:
    """Ingest `folders` now and after every settled change until `stop` is set (or Ctrl-C)."""
    from rag.ingest.pipeline import ingest

    _watchfiles()
    say = say or (lambda message: print(message, file=sys.stderr, flush=True))
    stop = stop or threading.Event()
    if embeddings is None:
        from rag.index.embeddings import LocalEmbeddings

        embeddings = LocalEmbeddings(settings)
    events: queue.Queue = queue.Queue()
    watcher: _Watcher | None = None
    batch = _Batch(set(), dirty=True)
    last_sync = 0.0
    try:
        while not stop.is_set():
            live = [folder for folder in folders if folder.is_dir()]
            if watcher is None or watcher.roots != live or not watcher.is_alive():
                watcher = _restart(watcher, live, events, batch, say)
            _drain(events, batch, timeout=POLL_SECONDS)
            if not batch.dirty and time.monotonic() - last_sync > rescan:
                batch.dirty = True
            quiet = time.monotonic() - batch.last_event >= settle  # a file being written keeps sending events
            if not (batch.dirty and live and quiet and settled(batch.paths, settle)):
                continue
            batch.paths, batch.dirty = set(), False
            last_sync = time.monotonic()
            summary = _ingest_once(ingest, settings, live, embeddings, say)
            if summary is None:
                batch.dirty, batch.last_event = True, time.monotonic() + 1.0  # retry in a moment
                continue
            if on_batch is not None:
                on_batch(summary)
    finally:
        if watcher is not None:
            watcher.stop.set()


def _restart(watcher: _Watcher | None, live: list[Path], events: queue.Queue, batch: _Batch,
             say: Callable[[str], None]) -> _Watcher | None:
    """Watch the folders that exist now; a folder that came back is read again."""
    old = set(watcher.roots) if watcher is not None else set()
    if watcher is not None:
        watcher.stop.set()
    for gone in old - set(live):
        say(f"{gone}: folder gone; its documents stay in the index until it returns")
    if watcher is not None and set(live) - old:
        say("watching again: " + ", ".join(str(f) for f in sorted(set(live) - old)))
        batch.add(set())
    fresh = _Watcher(live, events)
    if live:
        fresh.start()
    return fresh


def _drain(events: queue.Queue, batch: _Batch, timeout: float) -> None:
    try:
        item = events.get(timeout=timeout)
    except queue.Empty:
        return
    while True:
        if isinstance(item, set):
            shown = {p for p in item if not p.name.startswith((".", "~$"))}  # editors' and copiers' temporary files
            if shown:
                batch.add(shown)
        else:
            batch.add(set())  # the watcher failed: it is restarted, and the folders read again
        try:
            item = events.get_nowait()
        except queue.Empty:
            return


def _still_there(settings: Settings, source: str) -> bool:
    return (Path(settings.data_dir) / source).exists()


def _ingest_once(ingest, settings: Settings, live: list[Path], embeddings, say: Callable[[str], None]):
    """One batch; None when it could not run (another ingest holds the lock, a folder vanished meanwhile)."""
    started = time.perf_counter()
    try:
        summary = ingest(settings, live, progress=False, embeddings=embeddings)
    except (UserError, OSError) as exc:
        say(f"will retry: {exc}")
        return None
    counts = summary.to_dict()["counts"]
    if any(counts[k] for k in ("added", "updated", "removed", "failed")):
        failed = "".join(f"\n  FAILED {item.source}: {item.reason}" for item in summary.failed
                         if _still_there(settings, item.source))  # not one deleted while it was being read
        say(f"{time.strftime('%H:%M:%S')} {counts['added']} added, {counts['updated']} updated, "
            f"{counts['removed']} removed, {counts['failed']} failed; {summary.chunks_in_index} chunks in "
            f"{summary.index_dir} ({time.perf_counter() - started:.1f} s){failed}")
    return summary
