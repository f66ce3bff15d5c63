"""`python -m rag.bench store`: how the vector stores scale, on synthetic 384-dimensional chunk vectors.

For each size (`--sizes`, default 10k, 100k, 1M) it builds, times and queries:

- `faiss-flat`: the FAISS store's exact search below `faiss_approximate_above` (a flat index written to disk; a
  question is a matrix product over the vectors in numpy and `rag.index.base.top_rows`),
- `faiss-ivf`: the approximate index the FAISS store writes above that size (`rag.index.store.approximate_index`),
  searched with `--nprobe` lists,
- `pgvector`: the pgvector store's table and HNSW cosine index (pgvector defaults m=16, ef_construction=64),
  searched with `--ef-search` over a real PostgreSQL (`--pg-dsn`, or a throw-away pgserver cluster if installed),
- `pgvector-ivf`: the same table with the store's IVFFlat index (`pg_index = "ivfflat"`: rows/1000 lists),
  searched with `--probes` lists.

Reported: ingest rows/s (writing the vectors and building the index; embedding and parsing are not included),
retrieval p50/p95 ms per question (top 10, one question at a time), and recall@10 of the approximate ones against
the exact top 10. Vectors are unit-length points around 1,000 random centres (cosine ~0.5 within a centre), like
embeddings of many documents on fewer topics; questions are fresh points from the same distribution.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from rag.bench.common import postgres

DIMENSION = 384
TOP = 10
STORES = ("faiss-flat", "faiss-ivf", "pgvector", "pgvector-ivf")


def synthetic(count: int, seed: int, centres: int = 1000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    middle = np.random.default_rng(0).standard_normal((centres, DIMENSION)).astype(np.float32)
    middle /= np.linalg.norm(middle, axis=1, keepdims=True)
    out = np.empty((count, DIMENSION), dtype=np.float32)
    for start in range(0, count, 100_000):
        stop = min(count, start + 100_000)
        noise = rng.standard_normal((stop - start, DIMENSION)).astype(np.float32) / np.sqrt(DIMENSION)
        block = middle[rng.integers(0, centres, stop - start)] + noise
        out[start:stop] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def percentiles(times_s: list[float]) -> tuple[float, float]:
    ms = sorted(t * 1000 for t in times_s)
    return statistics.median(ms), ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]


def recall(found: list[list[int]], exact: np.ndarray) -> float:
    return float(np.mean([len(set(f[:TOP]) & set(e[:TOP].tolist())) / TOP for f, e in zip(found, exact)]))


def bench_faiss(vectors: np.ndarray, queries: np.ndarray, nprobe: int, stores: set[str], folder: Path) -> list[dict]:
    import faiss

    from rag.index.base import top_rows
    from rag.index.store import approximate_index

    results = []
    t0 = time.perf_counter()
    flat = faiss.IndexFlatIP(DIMENSION)
    flat.add(vectors)
    faiss.write_index(flat, str(folder / "flat.faiss"))
    flat_rows_s = len(vectors) / (time.perf_counter() - t0)
    times, exact = [], []
    for query in queries:
        t = time.perf_counter()
        exact.append(top_rows(vectors @ query, None, TOP))
        times.append(time.perf_counter() - t)
    exact = np.array(exact)
    if "faiss-flat" in stores:
        p50, p95 = percentiles(times)
        results.append({"store": "faiss-flat", "rows_per_s": flat_rows_s, "p50_ms": p50, "p95_ms": p95,
                        "recall": 1.0})
    del flat
    if "faiss-ivf" in stores:
        t0 = time.perf_counter()
        ivf = approximate_index(vectors)
        faiss.write_index(ivf, str(folder / "ivf.faiss"))
        rows_s = len(vectors) / (time.perf_counter() - t0)
        params = faiss.SearchParametersIVF(nprobe=nprobe)
        times, found = [], []
        for query in queries:
            t = time.perf_counter()
            _scores, rows = ivf.search(query.reshape(1, -1), TOP, params=params)
            times.append(time.perf_counter() - t)
            found.append(rows[0].tolist())
        p50, p95 = percentiles(times)
        results.append({"store": f"faiss-ivf (nprobe {nprobe})", "rows_per_s": rows_s, "p50_ms": p50,
                        "p95_ms": p95, "recall": recall(found, exact)})
    return results, exact


def bench_pgvector(dsn: str, vectors: np.ndarray, queries: np.ndarray, exact: np.ndarray, ef_search: int,
                   keep: bool = False, kind: str = "hnsw", probes: int = 16) -> dict:
    """Write the vectors, build the HNSW index, time the questions. With `keep`, the table stays (schema
    bench_SIZE, its build times in the table comment) and a later run with `keep` times the questions on it again
    without rebuilding (to re-measure latency on a quieter machine)."""
    import psycopg
    from pgvector.psycopg import register_vector

    schema = f"bench_{len(vectors)}" + ("_ivf" if kind == "ivfflat" else "")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        register_vector(conn)
        kept = _kept_build(conn, schema) if keep else None
        if kept is not None:
            copied, built = kept
        else:
            copied, built = _build_pgvector(conn, schema, vectors, kind)
        conn.execute(f"SET hnsw.ef_search = {int(ef_search)}")
        conn.execute(f"SET ivfflat.probes = {int(probes)}")
        conn.execute(f"SELECT id FROM {schema}.chunks ORDER BY embedding <=> %s LIMIT {TOP}", (queries[0],))  # warm
        times, found = [], []
        for query in queries:
            t = time.perf_counter()
            rows = conn.execute(f"SELECT id FROM {schema}.chunks ORDER BY embedding <=> %s LIMIT {TOP}",
                                (query,)).fetchall()
            times.append(time.perf_counter() - t)
            found.append([row for (row,) in rows])
        if not keep:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    p50, p95 = percentiles(times)
    name = f"pgvector ivfflat (probes {probes})" if kind == "ivfflat" else f"pgvector hnsw (ef_search {ef_search})"
    return {"store": name, "rows_per_s": len(vectors) / built, "p50_ms": p50,
            "p95_ms": p95, "recall": recall(found, exact), "copy_s": copied, "index_s": built - copied}


def _build_pgvector(conn, schema: str, vectors: np.ndarray, kind: str) -> tuple[float, float]:
    conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    conn.execute(f"CREATE SCHEMA {schema}")
    conn.execute(f"CREATE TABLE {schema}.chunks (id bigint PRIMARY KEY, embedding vector({DIMENSION}) NOT NULL)")
    t0 = time.perf_counter()
    with conn.cursor() as cur, cur.copy(f"COPY {schema}.chunks (id, embedding) FROM STDIN WITH (FORMAT BINARY)") as copy:
        copy.set_types(["int8", "vector"])
        for row, vector in enumerate(vectors):
            copy.write_row((row, vector))
    copied = time.perf_counter() - t0
    # The graph is built in memory up to maintenance_work_mem (1M x 384-d needs about 2.5 GB), by the leader
    # and one parallel worker per further core.
    conn.execute("SET maintenance_work_mem = '4GB'")
    conn.execute(f"SET max_parallel_maintenance_workers = {max(0, (os.cpu_count() or 1) - 1)}")
    if kind == "ivfflat":  # the store's own rule (rag.index.pgvector): rows/1000 lists up to 1M rows
        lists = max(1, len(vectors) // 1000 if len(vectors) <= 1_000_000 else int(len(vectors) ** 0.5))
        conn.execute(f"CREATE INDEX ON {schema}.chunks USING ivfflat (embedding vector_cosine_ops) WITH (lists = {lists})")
    else:
        conn.execute(f"CREATE INDEX ON {schema}.chunks USING hnsw (embedding vector_cosine_ops)")
    built = time.perf_counter() - t0
    from psycopg import sql

    times = sql.Literal(json.dumps({"copy_s": copied, "built_s": built}))
    conn.execute(sql.SQL("COMMENT ON TABLE {}.chunks IS {}").format(sql.Identifier(schema), times))
    return copied, built


def _kept_build(conn, schema: str) -> tuple[float, float] | None:
    row = conn.execute("SELECT obj_description(to_regclass(%s), 'pg_class')", (f"{schema}.chunks",)).fetchone()
    if not row or not row[0]:
        return None
    times = json.loads(row[0])
    return times["copy_s"], times["built_s"]


def run(sizes: list[int], queries_n: int, stores: set[str], nprobe: int, ef_search: int, dsn: str | None,
        report=print, keep: bool = False, probes: int = 16) -> list[dict]:
    results = []
    with postgres(dsn if stores & {"pgvector", "pgvector-ivf"} else "unused") as dsn:
        if dsn is None:
            report("pgvector: skipped (no --pg-dsn and pgserver is not installed)")
            stores = stores - {"pgvector", "pgvector-ivf"}
        for size in sizes:
            vectors = synthetic(size, seed=size)
            queries = synthetic(queries_n, seed=size + 1)
            with tempfile.TemporaryDirectory(prefix="docqa-bench-store-") as folder:
                found, exact = bench_faiss(vectors, queries, nprobe, stores, Path(folder))
            for result in found:
                results.append({"size": size, **result, "load": os.getloadavg()[0]})
                report(_line(results[-1]))
            for kind in [k for store, k in (("pgvector", "hnsw"), ("pgvector-ivf", "ivfflat")) if store in stores]:
                results.append({"size": size, **bench_pgvector(dsn, vectors, queries, exact, ef_search, keep, kind,
                                                               probes), "load": os.getloadavg()[0]})
                report(_line(results[-1]))
    return results


def _line(result: dict) -> str:
    return (f"{result['size']:>9,}  {result['store']:<28} {result['rows_per_s']:>10,.0f} rows/s  "
            f"p50 {result['p50_ms']:7.2f} ms  p95 {result['p95_ms']:7.2f} ms  recall@10 {result['recall']:.3f}  "
            f"(load {result['load']:.2f})")


def add_parser(sub) -> None:
    store = sub.add_parser("store", help="ingest rows/s, retrieval p50/p95 and recall@10 of the vector stores")
    store.add_argument("--sizes", default="10000,100000,1000000", help="chunk counts, comma-separated")
    store.add_argument("--queries", type=int, default=200, help="questions per size")
    store.add_argument("--stores", default=",".join(STORES), help=f"comma-separated: {', '.join(STORES)}")
    store.add_argument("--nprobe", type=int, default=32, help="IVF lists searched (setting faiss_nprobe)")
    store.add_argument("--ef-search", type=int, default=100, help="pgvector hnsw.ef_search (setting pg_ef_search)")
    store.add_argument("--pg-dsn", help="PostgreSQL with pgvector (default: a throw-away pgserver cluster)")
    store.add_argument("--probes", type=int, default=16, help="pgvector ivfflat.probes (setting pg_ivfflat_probes)")
    store.add_argument("--keep", action="store_true",
                       help="keep the pgvector tables (with --pg-dsn) and reuse ones kept by an earlier run")
    store.add_argument("--json", action="store_true")
    store.set_defaults(run=main)


def main(args) -> int:
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    stores = {name.strip() for name in args.stores.split(",") if name.strip()}
    unknown = stores - set(STORES)
    if unknown:
        from rag.errors import UserError

        raise UserError(f"--stores: unknown {', '.join(sorted(unknown))}; choose from {', '.join(STORES)}",
                        exit_code=2)
    print(f"vector store benchmark: {DIMENSION}-d synthetic chunks, {args.queries} questions, top {TOP} "
          f"(load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)", flush=True)
    results = run(sizes, args.queries, stores, args.nprobe, args.ef_search, args.pg_dsn,
                  report=lambda line: print(line, flush=True), keep=args.keep and bool(args.pg_dsn), probes=args.probes)
    if args.json:
        print(json.dumps(results, indent=1))
    return 0
