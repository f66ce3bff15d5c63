"""Opening the configured store's live index: FAISS files in `index_dir`, or a PostgreSQL schema with pgvector.

`load_live(settings)` gives the live index (or None), `has_index(settings)` says whether there is one,
`live_version(settings)` names the live version (to notice another process's ingest),
`index_label(settings)` names it in messages (never with a password), `searcher_for(index)` gives what ranks its
rows (`rag.index.base.Searcher`), and `check_compatible` refuses an index built with other embeddings or chunks.
"""

from __future__ import annotations

from pathlib import Path

from rag.index.base import Searcher


def searcher_for(index, settings=None) -> Searcher:
    """What ranks the rows of a loaded index: the index itself when it searches on a server, else FAISS/numpy."""
    if hasattr(index, "searcher"):
        return index.searcher()
    from rag.index.faiss_search import FaissSearch

    return FaissSearch(index, nprobe=getattr(settings, "faiss_nprobe", 32))


def load_live(settings):
    """The live index of the configured store, or None when there is none yet."""
    if settings.store == "pgvector":
        from rag.index.pgvector import PgStore

        return PgStore(settings).load()
    from rag.index.store import load_index

    return load_index(settings.index_dir)


def live_version(settings) -> str | None:
    """A name for the live index version, cheap to read, that changes with every ingest that changes the index
    (the FAISS version folder `CURRENT` names; pgvector's generation counter); None while there is no index.
    Long-running processes (web UI, HTTP API) compare it to reload after another process's ingest."""
    if settings.store == "pgvector":
        from rag.index.pgvector import PgStore

        return PgStore(settings).generation()
    from rag.index.store import current_version

    version = current_version(settings.index_dir)
    return version.name if version is not None else None


def has_index(settings) -> bool:
    if settings.store == "pgvector":
        from rag.index.pgvector import PgStore

        return PgStore(settings).has_index()
    from rag.index.store import current_version

    return current_version(settings.index_dir) is not None


def index_label(settings) -> str:
    """How messages name the index: its folder, or the PostgreSQL database and schema (never the password)."""
    if settings.store == "pgvector":
        from rag.index.pgvector import describe_dsn

        return f"{describe_dsn(settings.pg_dsn)} schema {settings.pg_schema}"
    return str(settings.index_dir)


def check_compatible(manifest, settings, embedding_model: str) -> None:
    """`rag.index.store.check_compatible` with messages naming the configured store."""
    from rag.index.store import check_compatible as check

    check(manifest, settings.model_copy(update={"index_dir": Path(index_label(settings))}), embedding_model)
