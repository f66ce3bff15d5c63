"""Ingest engines: where parsing, OCR, chunking and embedding run for `rag.ingest.pipeline.ingest`.

The pipeline decides what to do (which files changed, the manifest, the one write transaction); an engine only turns
the files to parse into chunks and vectors (`rag.ingest.engines.base.Job` in, `Produced` out):

    local  this machine's process pool, then the embedder in this process (`rag.ingest.engines.local`; the default)
    ray    tasks on a Ray cluster, local or remote (`rag.ingest.engines.ray_cluster`; the `ray` extra; pgvector only)

docs: docs/scale-out.md
"""

from __future__ import annotations

from rag.config import Settings
from rag.errors import UserError

ENGINES = ("local", "ray")


def check_engine(settings: Settings) -> None:
    """Fail early, in one line, when the configured engine cannot run (before the store is touched)."""
    if settings.ingest_engine != "ray":
        return
    if settings.store != "pgvector":
        raise UserError("--engine ray writes into PostgreSQL only (FAISS files live on one machine): add --store "
                        "pgvector --pg-dsn DSN (docs: docs/scale-out.md)", exit_code=2)
    from rag.ingest.engines.ray_cluster import require_ray

    require_ray()


def get_engine(name: str):
    """The engine object for a setting value (`ingest_engine`)."""
    if name == "ray":
        from rag.ingest.engines.ray_cluster import RayEngine

        return RayEngine()
    from rag.ingest.engines.local import LocalEngine

    return LocalEngine()
