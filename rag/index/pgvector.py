"""The index in PostgreSQL with pgvector: one database many docqa processes share, and concurrent ingests.

Tables live in their own schema (setting `pg_schema`, default `docqa`); docqa creates and migrates them itself
(the `schema_version` row of `meta`):

    meta(key, value jsonb)      schema_version; index: embedding model/dimension and chunk settings; stats; generation
    files(source, sha256, ...)  one row per indexed PDF (what the FAISS manifest holds)
    chunks(id, source, chunk, page, text, metadata jsonb, length, embedding vector(d))   HNSW or IVFFlat, cosine
    postings(term, chunk_id, source, tf, length)   BM25 kept in step with chunks (same tokens as rag.index.bm25)
    terms(term, df)                                document frequency of every indexed word

An ingest holds a session advisory lock for the schema (a second ingest waits for it, then finds the files
already indexed), and writes every change (a changed file's chunks deleted and inserted, removed files dropped,
the settings row) in ONE transaction: a reader sees the old chunks or the new, and a killed ingest (fault points
chunks-written, before-switch, after-switch: rag.index.store.fault_point) or a lost
connection leaves the previous state. Questions are ranked on the server (`PgSearch`): dense by the HNSW index,
keywords by BM25 over `postings`; only the rows asked for come back. The chunk texts and metadata are read once
when an index is opened (for page layouts and file names), never the vectors.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

import numpy as np
from langchain_core.documents import Document

from rag.index import bm25 as lexical
from rag.errors import UserError
from rag.index.base import Cosines
from rag.index.store import ChunkingInfo, EmbeddingInfo, FileEntry, Manifest, fault_point

SCHEMA_VERSION = 3
K1, B = 1.5, 0.75  # bm25s's defaults (Lucene variant), so the keyword ranking matches the FAISS store's
EXTRA_HINT = "pip install -e '.[pgvector]' (make setup installs it)"


def _migrations(schema: str) -> dict[int, list[str]]:
    s = schema
    return {
        1: [
            f"CREATE TABLE {s}.files (source text PRIMARY KEY, sha256 text NOT NULL, size bigint NOT NULL, "
            "pages int NOT NULL, chunks int NOT NULL, warnings jsonb NOT NULL DEFAULT '[]')",
            f"CREATE TABLE {s}.chunks (id bigserial PRIMARY KEY, source text NOT NULL, chunk int NOT NULL, "
            "page int NOT NULL, text text NOT NULL, metadata jsonb NOT NULL, length int NOT NULL, "
            "embedding vector NOT NULL)",
            f"CREATE INDEX chunks_source ON {s}.chunks (source, chunk)",
            f"CREATE TABLE {s}.postings (term text NOT NULL, chunk_id bigint NOT NULL "
            f"REFERENCES {s}.chunks (id) ON DELETE CASCADE, source text NOT NULL, tf int NOT NULL, "
            "length int NOT NULL, PRIMARY KEY (term, chunk_id))",
            f"CREATE INDEX postings_chunk ON {s}.postings (chunk_id)",
            f"CREATE TABLE {s}.terms (term text PRIMARY KEY, df int NOT NULL)",
        ],
        2: [f"ALTER TABLE {s}.files ADD COLUMN ocr text"],  # each file's OCR state (rag.ingest.ocr), as in FAISS
        3: [f"ALTER TABLE {s}.files ADD COLUMN overview jsonb"],  # outline and central sentences (rag.ingest.overview)
    }


def _psycopg():
    try:
        import psycopg
        from pgvector.psycopg import register_vector
    except ImportError:
        raise UserError(f"store = pgvector needs the psycopg and pgvector packages: {EXTRA_HINT}") from None
    return psycopg, register_vector


def describe_dsn(dsn: str | None) -> str:
    """The server and database a DSN names, without user or password."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        info = conninfo_to_dict(dsn or "")
    except Exception:  # not installed, or not a DSN: say only what kind of store it is
        return "PostgreSQL"
    host = str(info.get("host") or "localhost")
    port = f":{info['port']}" if info.get("port") else ""
    return f"PostgreSQL {host}{port}/{info.get('dbname') or info.get('user') or ''}".rstrip("/")


class PgStore:
    """docqa's schema in one PostgreSQL database: opening, migrating, locking, reading and writing it."""

    def __init__(self, settings):
        if not settings.pg_dsn:
            raise UserError("store = pgvector needs a database: set pg_dsn (RAG_PG_DSN or --pg-dsn), "
                            "e.g. postgresql://docqa@localhost/docqa")
        self.settings = settings
        self.schema = settings.pg_schema
        self.label = f"{describe_dsn(settings.pg_dsn)} schema {self.schema}"

    # -------------------------------------------------------- connecting and the schema

    def connect(self):
        psycopg, register_vector = _psycopg()
        try:
            conn = psycopg.connect(self.settings.pg_dsn, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as exc:
            reason = (str(exc).strip().splitlines() or ["connection failed"])[-1]
            raise UserError(f"{self.label}: cannot connect ({reason}); check pg_dsn and that the server runs") from None
        try:
            if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'").fetchone() is None:
                conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        except psycopg.Error as exc:
            conn.close()
            raise UserError(f"{self.label}: the pgvector extension is missing and could not be created "
                            f"({exc.diag.message_primary}); ask the database owner to run CREATE EXTENSION vector"
                            ) from None
        register_vector(conn)
        return conn

    def migrate(self, conn) -> None:
        """Create or upgrade docqa's tables (serialised between processes by a transaction advisory lock)."""
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"docqa-migrate:{self.schema}",))
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
            conn.execute(f"CREATE TABLE IF NOT EXISTS {self.schema}.meta (key text PRIMARY KEY, value jsonb NOT NULL)")
            row = conn.execute(f"SELECT value FROM {self.schema}.meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise UserError(f"{self.label}: schema version {version} is newer than this docqa "
                                f"({SCHEMA_VERSION}); upgrade docqa")
            for number, statements in sorted(_migrations(self.schema).items()):
                if number > version:
                    for statement in statements:
                        conn.execute(statement)
            if version < SCHEMA_VERSION:
                self._set_meta(conn, "schema_version", SCHEMA_VERSION)

    def _set_meta(self, conn, key: str, value) -> None:
        from psycopg.types.json import Jsonb

        conn.execute(f"INSERT INTO {self.schema}.meta (key, value) VALUES (%s, %s) "
                     "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", (key, Jsonb(value)))

    def _exists(self, conn) -> bool:
        return conn.execute("SELECT to_regclass(%s)", (f"{self.schema}.meta",)).fetchone()[0] is not None

    # -------------------------------------------------------- the ingest lock

    @contextmanager
    def ingest_lock(self):
        """Hold the schema's ingest lock (a session advisory lock); waits while another ingest holds it."""
        psycopg, _register = _psycopg()
        conn = self.connect()
        try:
            key = f"docqa-ingest:{self.schema}"
            if not conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (key,)).fetchone()[0]:
                print(f"{self.label}: another ingest is running; waiting for it to finish", file=sys.stderr)
                conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (key,))
            self.migrate(conn)
            try:
                yield conn
            except psycopg.OperationalError as exc:  # the write transaction was rolled back by the server
                reason = (str(exc).strip().splitlines() or ["connection lost"])[0]
                raise UserError(f"{self.label}: lost the connection to the database ({reason}); the index is as "
                                "it was before this ingest; run it again") from None
        finally:
            conn.close()  # ends the session, which releases the lock

    # -------------------------------------------------------- reading

    def _vector_index(self, conn) -> str | None:
        """The access method of the chunks' vector index ("hnsw", "ivfflat"), None when there is none."""
        row = conn.execute("SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam "
                           "WHERE c.oid = to_regclass(%s)", (f"{self.schema}.chunks_embedding",)).fetchone()
        return row[0] if row else None

    def _build_vector_index(self, conn, kind: str) -> None:
        """(Re)build the vector index inside the ingest's transaction. IVFFlat's lists are trained on the rows now
        in the table: rows/1000 lists up to 1M rows, sqrt(rows) above (pgvector's advice); rows added by later
        ingests join the nearest list, and `--rebuild` retrains."""
        s = self.schema
        conn.execute(f"DROP INDEX IF EXISTS {s}.chunks_embedding")
        conn.execute("SET LOCAL maintenance_work_mem = '1GB'")  # the graph / the k-means run in memory up to this
        if kind == "ivfflat":
            rows = conn.execute(f"SELECT count(*) FROM {s}.chunks").fetchone()[0]
            lists = max(1, rows // 1000 if rows <= 1_000_000 else int(rows ** 0.5))
            conn.execute(f"CREATE INDEX chunks_embedding ON {s}.chunks USING ivfflat (embedding vector_cosine_ops) "
                         f"WITH (lists = {lists})")
        else:
            conn.execute(f"CREATE INDEX chunks_embedding ON {s}.chunks USING hnsw (embedding vector_cosine_ops)")

    def match_vector_index(self, conn) -> None:
        """Rebuild the vector index when it is not the kind the settings ask for (one transaction)."""
        if not self._exists(conn) or self._manifest(conn, with_files=False) is None:
            return
        with conn.transaction():
            if self._vector_index(conn) != self.settings.pg_index:
                self._build_vector_index(conn, self.settings.pg_index)

    def generation(self) -> str | None:
        """The live index's generation ("generation 7"; each ingest that changes the index adds one), or None."""
        with self.connect() as conn:
            if not self._exists(conn):
                return None
            row = conn.execute(f"SELECT value FROM {self.schema}.meta WHERE key = 'generation'").fetchone()
            has = conn.execute(f"SELECT 1 FROM {self.schema}.meta WHERE key = 'index'").fetchone()
        return f"generation {int(row[0]) if row else 0}" if has else None

    def manifest(self) -> Manifest | None:
        """The live index's manifest (files, no chunks), or None when there is none."""
        with self.connect() as conn:
            return self._manifest(conn) if self._exists(conn) else None

    def drop(self) -> None:
        """Delete this schema and everything in it (`python -m rag.ingest --drop NAME`), under the ingest lock."""
        with self.connect() as conn:
            conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (f"docqa-ingest:{self.schema}",))
            conn.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")

    def has_index(self) -> bool:
        with self.connect() as conn:
            return self._exists(conn) and self._manifest(conn, with_files=False) is not None

    def _manifest(self, conn, with_files: bool = True) -> Manifest | None:
        row = conn.execute(f"SELECT value FROM {self.schema}.meta WHERE key = 'index'").fetchone()
        if row is None:
            return None
        manifest = Manifest(embedding=EmbeddingInfo(**row[0]["embedding"]), chunking=ChunkingInfo(**row[0]["chunking"]),
                            updated_at=row[0].get("updated_at", 0.0))
        if with_files:
            for source, sha256, size, pages, chunks, warnings, ocr, overview in conn.execute(
                    f"SELECT source, sha256, size, pages, chunks, warnings, ocr, overview FROM {self.schema}.files"):
                manifest.files[source] = FileEntry(sha256=sha256, size=size, pages=pages, chunks=chunks,
                                                   warnings=warnings, ocr=ocr, overview=overview)
        return manifest

    def read_manifest(self, conn) -> "PgManifestOnly | None":
        """What an ingest needs of the live index: the manifest and the number of chunks."""
        manifest = self._manifest(conn)
        if manifest is None:
            return None
        count = conn.execute(f"SELECT count(*) FROM {self.schema}.chunks").fetchone()[0]
        return PgManifestOnly(manifest, count)

    def load(self) -> "PgIndex | None":
        """The live index (chunks and manifest, no vectors), read in one consistent snapshot; None if empty."""
        conn = self.connect()
        try:
            manifest = None
            if self._exists(conn):
                # The snapshot stays open while the index is used: every search sees the rows loaded here, so a
                # reader during an ingest's replacement ranks the old chunks or the new, never a mix or none.
                conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                manifest = self._manifest(conn)
                if manifest is not None:
                    ids, chunks = [], []
                    for chunk_id, text, metadata in conn.execute(
                            f"SELECT id, text, metadata FROM {self.schema}.chunks ORDER BY source, chunk"):
                        ids.append(chunk_id)
                        chunks.append(Document(id=f"{metadata['source']}#{metadata['chunk']}",
                                               page_content=text, metadata=metadata))
                    vocab = {term: i for i, (term,) in
                             enumerate(conn.execute(f"SELECT term FROM {self.schema}.terms"))}
        except BaseException:
            conn.close()
            raise
        if manifest is None:
            conn.close()
            return None
        return PgIndex(manifest=manifest, chunks=chunks, ids=ids, vocab=vocab, conn=conn, store=self)

    # -------------------------------------------------------- writing

    def apply(self, conn, manifest: Manifest, replace_all: bool, replaced: set[str], docs: Sequence[Document],
              vectors: np.ndarray | None) -> int:
        """Replace the chunks of `replaced` files (or of every file) by `docs` in one transaction; the chunk count."""
        from psycopg.types.json import Jsonb

        s = self.schema
        dimension = manifest.embedding.dimension
        with conn.transaction():
            old = self._manifest(conn, with_files=False)
            retype = old is None or old.embedding.dimension != dimension
            if replace_all or retype:
                conn.execute(f"DELETE FROM {s}.postings")
                conn.execute(f"DELETE FROM {s}.terms")
                conn.execute(f"DELETE FROM {s}.chunks")
                conn.execute(f"DELETE FROM {s}.files")
            elif replaced:
                sources = sorted(replaced)
                conn.execute(f"UPDATE {s}.terms t SET df = t.df - d.n FROM (SELECT term, count(*) AS n "
                             f"FROM {s}.postings WHERE source = ANY(%s) GROUP BY term) d WHERE t.term = d.term",
                             (sources,))
                conn.execute(f"DELETE FROM {s}.terms WHERE df <= 0")
                conn.execute(f"DELETE FROM {s}.chunks WHERE source = ANY(%s)", (sources,))  # postings cascade
                conn.execute(f"DELETE FROM {s}.files WHERE source = ANY(%s)", (sources,))
            if retype:
                conn.execute(f"DROP INDEX IF EXISTS {s}.chunks_embedding")
                conn.execute(f"ALTER TABLE {s}.chunks ALTER COLUMN embedding TYPE vector({int(dimension)})")
            self._insert(conn, docs, vectors)
            fault_point("chunks-written")  # killed here, in or after: the transaction is rolled back or whole
            kind = self.settings.pg_index
            # Dropping the index waits for readers' snapshots (an open web UI), so it is rebuilt only when first
            # built, when the setting changes it, and for IVFFlat on `--rebuild` (to retrain its lists).
            if retype or self._vector_index(conn) != kind or (replace_all and kind == "ivfflat"):
                self._build_vector_index(conn, kind)  # after the rows are in: faster than growing it row by row
            for source, entry in manifest.files.items():
                if replace_all or retype or source in replaced:
                    conn.execute(f"INSERT INTO {s}.files (source, sha256, size, pages, chunks, warnings, ocr, overview) "
                                 "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                                 (source, entry.sha256, entry.size, entry.pages, entry.chunks, Jsonb(entry.warnings),
                                  entry.ocr, Jsonb(entry.overview) if entry.overview is not None else None))
            count, tokens = conn.execute(f"SELECT count(*), coalesce(sum(length), 0) FROM {s}.chunks").fetchone()
            generation = conn.execute(f"SELECT value FROM {s}.meta WHERE key = 'generation'").fetchone()
            self._set_meta(conn, "stats", {"chunks": int(count), "tokens": int(tokens)})
            self._set_meta(conn, "generation", (int(generation[0]) if generation else 0) + 1)
            self._set_meta(conn, "index", {"embedding": manifest.embedding.model_dump(),
                                           "chunking": manifest.chunking.model_dump(), "updated_at": time.time()})
            fault_point("before-switch")
        fault_point("after-switch")
        return int(count)

    def _insert(self, conn, docs: Sequence[Document], vectors: np.ndarray | None) -> None:
        from psycopg.types.json import Jsonb

        if not docs:
            return
        s = self.schema
        ids = [row[0] for row in conn.execute(
            f"SELECT nextval(pg_get_serial_sequence('{s}.chunks', 'id')) FROM generate_series(1, %s)", (len(docs),))]
        df: Counter[str] = Counter()
        with conn.cursor() as cur:
            with cur.copy(f"COPY {s}.chunks (id, source, chunk, page, text, metadata, length, embedding) "
                          "FROM STDIN WITH (FORMAT BINARY)") as copy:
                copy.set_types(["int8", "text", "int4", "int4", "text", "jsonb", "int4", "vector"])
                postings = []
                for chunk_id, doc, vector in zip(ids, docs, vectors):
                    tokens = lexical.tokenize(lexical.chunk_search_text(doc))
                    counts = Counter(tokens)
                    df.update(counts.keys())
                    source = doc.metadata["source"]
                    postings.extend((term, chunk_id, source, tf, len(tokens)) for term, tf in counts.items())
                    copy.write_row((chunk_id, source, int(doc.metadata["chunk"]), int(doc.metadata["page"]),
                                    doc.page_content, Jsonb(doc.metadata), len(tokens),
                                    np.asarray(vector, dtype=np.float32)))
            with cur.copy(f"COPY {s}.postings (term, chunk_id, source, tf, length) FROM STDIN") as copy:
                for row in postings:
                    copy.write_row(row)
        terms = sorted(df)
        conn.execute(f"INSERT INTO {s}.terms (term, df) SELECT * FROM unnest(%s::text[], %s::int[]) "
                     "ON CONFLICT (term) DO UPDATE SET df = terms.df + EXCLUDED.df",
                     (terms, [df[term] for term in terms]))


class PgManifestOnly:
    def __init__(self, manifest: Manifest, chunk_count: int):
        self.manifest = manifest
        self.chunk_count = chunk_count


class PgIndex:
    """An opened pgvector index: chunks (row order = `ids` order) and manifest; searching runs on the server."""

    def __init__(self, manifest: Manifest, chunks: list[Document], ids: list[int], vocab: dict[str, int], conn,
                 store: PgStore):
        self.manifest = manifest
        self.chunks = chunks
        self.ids = ids
        self.row_of = {chunk_id: row for row, chunk_id in enumerate(ids)}
        self.conn = conn
        self.store = store
        self.path = None
        self.faiss_index = None
        self.speller = lexical.BM25Index(model=None, vocab=vocab, token_ids=[])  # only its spelling look-up is used
        self.derived: dict = {}  # rag.index.base.derived: file names, page layouts, ... of this snapshot

    def searcher(self) -> "PgSearch":
        return PgSearch(self)

    def close(self) -> None:
        self.conn.close()


class PgSearch:
    """Rankings computed by PostgreSQL; rows the server returns that this process has not loaded are skipped."""

    def __init__(self, index: PgIndex):
        self.index = index
        self.schema = index.store.schema
        self.ef_search = index.store.settings.pg_ef_search
        self.probes = index.store.settings.pg_ivfflat_probes

    def _rows(self, pairs: Iterable[tuple[int, float]]) -> tuple[list[int], list[float]]:
        rows, values = [], []
        for chunk_id, value in pairs:
            row = self.index.row_of.get(chunk_id)
            if row is not None:
                rows.append(row)
                values.append(float(value))
        return rows, values

    def _ids(self, sources: set[str] | None):
        return sorted(sources) if sources else None

    def dense(self, query_vector: np.ndarray, sources: set[str] | None, limit: int) -> tuple[list[int], list[float]]:
        s, conn = self.schema, self.index.conn
        vector = np.asarray(query_vector, dtype=np.float32)
        if sources:  # exact over the named files' rows (a filtered HNSW scan can come back short)
            found = conn.execute(f"SELECT id, 1 - (embedding <=> %s) AS cosine FROM {s}.chunks "
                                 "WHERE source = ANY(%s) ORDER BY cosine DESC, id LIMIT %s",
                                 (vector, sorted(sources), limit)).fetchall()
            return self._rows(found)
        with conn.transaction():
            conn.execute(f"SET LOCAL hnsw.ef_search = {max(int(self.ef_search), int(limit))}")
            conn.execute(f"SET LOCAL ivfflat.probes = {int(self.probes)}")  # whichever index the table has
            found = conn.execute(f"SELECT id, 1 - (embedding <=> %s) FROM {s}.chunks "
                                 "ORDER BY embedding <=> %s LIMIT %s", (vector, vector, limit)).fetchall()
        return self._rows(found)

    def keyword(self, query: str, sources: set[str] | None, limit: int) -> list[int]:
        terms = Counter(found for found in map(self.index.speller.spelled, lexical.tokenize(query)) if found)
        if not terms:
            return []
        s = self.schema
        words = sorted(terms)
        where = "AND p.source = ANY(%(sources)s)" if sources else ""
        found = self.index.conn.execute(
            f"""WITH stats AS (SELECT (value->>'chunks')::float AS n,
                                      greatest((value->>'tokens')::float / greatest((value->>'chunks')::float, 1), 1)
                                      AS avgdl
                               FROM {s}.meta WHERE key = 'stats'),
                     q AS (SELECT * FROM unnest(%(terms)s::text[], %(counts)s::int[]) AS q(term, qtf)),
                     w AS (SELECT q.term, q.qtf, ln(1 + (stats.n - t.df + 0.5) / (t.df + 0.5)) AS idf
                           FROM q JOIN {s}.terms t USING (term), stats)
                SELECT p.chunk_id,
                       sum(w.qtf * w.idf * p.tf / (p.tf + {K1} * (1 - {B} + {B} * p.length / stats.avgdl))) AS score
                FROM w JOIN {s}.postings p USING (term), stats
                WHERE true {where}
                GROUP BY p.chunk_id ORDER BY score DESC, p.chunk_id LIMIT %(limit)s""",
            {"terms": words, "counts": [terms[word] for word in words], "sources": self._ids(sources),
             "limit": limit}).fetchall()
        return [row for row in self._rows(found)[0]]

    def cosines(self, query_vector: np.ndarray) -> Cosines:
        vector = np.asarray(query_vector, dtype=np.float32)

        def fetch(rows: list[int]) -> dict[int, float]:
            ids = [self.index.ids[row] for row in rows]
            found = self.index.conn.execute(f"SELECT id, 1 - (embedding <=> %s) FROM {self.schema}.chunks "
                                            "WHERE id = ANY(%s)", (vector, ids)).fetchall()
            return dict(zip(*self._rows(found)))

        return Cosines(fetch=fetch)

    def file_counts(self, tokens: Iterable[str]) -> dict[str, int]:
        tokens = sorted(set(tokens))
        found = dict(self.index.conn.execute(
            f"SELECT term, count(DISTINCT source) FROM {self.schema}.postings WHERE term = ANY(%s) GROUP BY term",
            (tokens,)).fetchall()) if tokens else {}
        return {token: found.get(token, 0) for token in tokens}

    def files_with(self, tokens: Iterable[str]) -> set[str]:
        tokens = sorted(set(tokens))
        if not tokens:
            return set()
        found = self.index.conn.execute(f"SELECT DISTINCT source FROM {self.schema}.postings WHERE term = ANY(%s)",
                                        (tokens,)).fetchall()
        return {source for (source,) in found}
