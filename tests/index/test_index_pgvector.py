"""The pgvector store against a real PostgreSQL server (pgserver's binaries, started in a temporary folder)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from rag.errors import UserError
from rag.ingest.pipeline import ingest
from rag.index.pgvector import SCHEMA_VERSION, PgStore
from rag.retrieve.hybrid import HybridRetriever

from conftest import REPO
from fixtures_pg import pg_server, pg_settings, psycopg, rows  # noqa: F401 (fixtures)
from test_index_faiss import GARDEN, HARDWARE  # the same two small reports for both stores


QUESTIONS = ["Which product has the part number QX-7731?", "What was the revenue of Bloom in 2023?",
             "Who sells steel nails?", "What is on page 2 of the hardware report?", "roses"]


def load(settings):
    from rag.index.live import load_live

    return load_live(settings)


def test_ingest_and_retrieval_match_the_faiss_store(settings, pg_settings, make_pdf, embeddings):
    make_pdf("acme_hardware.pdf", HARDWARE)
    make_pdf("bloom_garden.pdf", GARDEN)
    faiss_summary = ingest(settings, progress=False, embeddings=embeddings)
    pg_summary = ingest(pg_settings, progress=False, embeddings=embeddings)
    assert pg_summary.count("added") == 2 and pg_summary.chunks_in_index == faiss_summary.chunks_in_index
    faiss_index, pg_index = load(settings), load(pg_settings)
    assert sorted(d.id for d in pg_index.chunks) == sorted(d.id for d in faiss_index.chunks)
    by_id = {d.id: d for d in faiss_index.chunks}
    for doc in pg_index.chunks:  # page-aware chunks with the same metadata
        assert doc.page_content == by_id[doc.id].page_content and doc.metadata == by_id[doc.id].metadata
    assert pg_index.manifest.files == faiss_index.manifest.files
    for question in QUESTIONS:
        got = [HybridRetriever(index=index, embeddings=embeddings, k=3).invoke(question)
               for index in (faiss_index, pg_index)]
        assert [(p.metadata["source"], p.metadata["page"]) for p in got[1]] == \
            [(p.metadata["source"], p.metadata["page"]) for p in got[0]], question
        for a, b in zip(*got):
            assert b.metadata["score"] == pytest.approx(a.metadata["score"], abs=2e-3)
            assert (b.metadata["bm25_rank"], b.metadata["dense_rank"]) == (a.metadata["bm25_rank"],
                                                                           a.metadata["dense_rank"])
            assert b.page_content == a.page_content
    searchers = [HybridRetriever(index=index, embeddings=embeddings).search for index in (faiss_index, pg_index)]
    words = ["garden", "hardware", "revenue", "nosuchword"]  # how many files hold each word: the same on both stores
    counts = [searcher.file_counts(words) for searcher in searchers]
    assert counts[0] == counts[1] and counts[0]["nosuchword"] == 0 and counts[0]["revenue"] == 2


@pytest.mark.slow
def test_answers_match_the_faiss_store(settings, pg_settings, make_pdf, embeddings, llm_backend):
    from rag.answer.answerer import Answerer
    from rag.retrieve.hybrid import build_retriever

    make_pdf("acme_hardware.pdf", HARDWARE)
    make_pdf("bloom_garden.pdf", GARDEN)
    ingest(settings, progress=False, embeddings=embeddings)
    ingest(pg_settings, progress=False, embeddings=embeddings)
    answers = []
    for store_settings in (settings, pg_settings):
        store_settings = store_settings.model_copy(update={"max_new_tokens": 32})
        retriever = build_retriever(store_settings, load(store_settings), embeddings)
        answers.append(Answerer(store_settings, retriever, llm_backend, {}).ask("What was the revenue of Bloom in 2023?"))
    faiss_answer, pg_answer = answers
    assert pg_answer.answer and pg_answer.answer == faiss_answer.answer
    assert [(s.file, s.page) for s in pg_answer.sources] == [(s.file, s.page) for s in faiss_answer.sources]
    assert ("bloom_garden.pdf", 2) in [(s.file, s.page) for s in pg_answer.sources]


def test_schema_is_created_with_a_version_row_in_its_own_schema(pg_settings, make_pdf, embeddings):
    make_pdf("bloom_garden.pdf", GARDEN)
    ingest(pg_settings, progress=False, embeddings=embeddings)
    assert rows(pg_settings, "SELECT value FROM S.meta WHERE key = 'schema_version'") == [(SCHEMA_VERSION,)]
    # each file's OCR state is kept as in the FAISS manifest, so the next ingest leaves the file alone
    assert rows(pg_settings, "SELECT count(*) FROM S.files WHERE ocr IS NULL") == [(0,)]
    # and its overview (rag.ingest.overview), read back with the manifest
    assert rows(pg_settings, "SELECT count(*) FROM S.files WHERE overview IS NULL") == [(0,)]
    assert PgStore(pg_settings).load().manifest.files["bloom_garden.pdf"].overview["sections"]
    again = ingest(pg_settings, progress=False, embeddings=embeddings)
    assert [item.status for item in again.files] == ["unchanged"]
    tables = rows(pg_settings, "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                  pg_settings.pg_schema)
    assert {name for (name,) in tables} == {"meta", "files", "chunks", "postings", "terms"}
    assert rows(pg_settings, "SELECT count(*) FROM pg_indexes WHERE schemaname = %s AND indexdef LIKE %s",
                pg_settings.pg_schema, "%hnsw%vector_cosine_ops%") == [(1,)]
    with psycopg.connect(pg_settings.pg_dsn, autocommit=True) as conn:
        conn.execute(f"UPDATE {pg_settings.pg_schema}.meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(UserError, match="schema version 99 is newer"):
        ingest(pg_settings, progress=False, embeddings=embeddings)


def test_incremental_replace_and_removed_files(pg_settings, make_pdf, embeddings):
    make_pdf("a.pdf", ["Alpha document about apples grown in Normandy orchards."])
    make_pdf("sub/b.pdf", ["Beta document about bicycles made in Taiwan factories."])
    assert ingest(pg_settings, progress=False, embeddings=embeddings).count("added") == 2
    again = ingest(pg_settings, progress=False, embeddings=embeddings)
    assert again.count("unchanged") == 2 and again.chunks_embedded == 0
    make_pdf("a.pdf", ["Alpha document now about pears from Anjou."])
    (pg_settings.data_dir / "sub" / "b.pdf").unlink()
    changed = ingest(pg_settings, progress=False, embeddings=embeddings)
    assert (changed.count("updated"), changed.count("removed")) == (1, 1)
    index = load(pg_settings)
    assert set(index.manifest.files) == {"a.pdf"}
    assert [d.page_content for d in index.chunks] == ["Alpha document now about pears from Anjou."]
    # the keyword side was kept in step: old words are gone, new ones found
    assert rows(pg_settings, "SELECT count(*) FROM S.postings WHERE term IN ('apple', 'bicycle')") == [(0,)]
    assert rows(pg_settings, "SELECT df FROM S.terms WHERE term = 'pear'") == [(1,)]
    retriever = HybridRetriever(index=index, embeddings=embeddings, k=3)
    assert retriever.search.keyword("pears", None, 5) == [0] and retriever.search.keyword("apples", None, 5) == []


def test_settings_mismatch_asks_for_rebuild(pg_settings, make_pdf, embeddings):
    make_pdf("a.pdf", ["Alpha document about apples grown in Normandy orchards."])
    ingest(pg_settings, progress=False, embeddings=embeddings)
    other = pg_settings.model_copy(update={"chunk_size": 300})
    with pytest.raises(UserError, match=r"schema t_.*chunks 500/50 \(now 300/50\).*--rebuild"):
        ingest(other, progress=False, embeddings=embeddings)
    rebuilt = ingest(other, rebuild=True, progress=False, embeddings=embeddings)
    assert rebuilt.count("added") == 1 and load(other).manifest.chunking.chunk_size == 300


def test_a_reader_sees_the_old_or_the_new_chunks_during_a_replacement(pg_settings, make_pdf, embeddings):
    old = ["Version one of the kite manual, page %d: the red kite flies high." % i for i in (1, 2, 3)]
    new = ["Version two of the kite manual, page %d: the blue kite flies low." % i for i in (1, 2, 3, 4)]
    make_pdf("kite.pdf", old)
    make_pdf("other.pdf", ["An unrelated file about tea."])
    ingest(pg_settings, progress=False, embeddings=embeddings)
    done, seen, errors = threading.Event(), [], []

    def writer():
        try:
            for version in (new, old, new, old, new):
                make_pdf("kite.pdf", version)
                ingest(pg_settings, progress=False, embeddings=embeddings)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    question = embeddings.embed_query("Which kite flies?")
    while not done.is_set() or len(seen) < 3:
        index = load(pg_settings)
        texts = sorted(d.page_content for d in index.chunks if d.metadata["source"] == "kite.pdf")
        found, _ = index.searcher().dense(question, {"kite.pdf"}, 10)
        server_side = sorted(index.chunks[row].page_content for row in found)
        index.close()
        seen.append(texts)
        assert texts in (sorted(old), sorted(new))
        assert server_side == texts  # the rows the server ranks are those of the same snapshot
        if done.is_set():
            break
    thread.join()
    assert not errors
    assert len(seen) >= 2


def test_two_concurrent_ingests_serialise_without_duplicates(pg_settings, make_pdf, embeddings):
    for i in range(3):
        make_pdf(f"doc{i}.pdf", [f"Document {i} talks about item {i} on page {p}." for p in (1, 2)])
    results, errors = [], []

    def run():
        try:
            results.append(ingest(pg_settings, progress=False, embeddings=embeddings))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted((r.count("added"), r.count("unchanged")) for r in results) == [(0, 3), (3, 0)]
    assert rows(pg_settings, "SELECT count(*), count(DISTINCT (source, chunk)) FROM S.chunks") == [(6, 6)]


@pytest.mark.slow
def test_a_killed_ingest_leaves_the_previous_state(pg_settings, make_pdf, embeddings):
    """SIGKILL an ingest (a separate process) while its transaction is open: nothing of it remains."""
    make_pdf("a.pdf", ["Alpha document about apples grown in Normandy orchards."])
    ingest(pg_settings, progress=False, embeddings=embeddings)
    before = rows(pg_settings, "SELECT id, text FROM S.chunks ORDER BY id")
    make_pdf("a.pdf", ["Alpha document now about pears from Anjou."])
    make_pdf("b.pdf", ["Beta document about bicycles made in Taiwan factories."])
    env = {**os.environ, "RAG_DATA_DIR": str(pg_settings.data_dir), "RAG_CACHE_DIR": str(pg_settings.cache_dir),
           "RAG_STORE": "pgvector", "RAG_PG_DSN": pg_settings.pg_dsn, "RAG_PG_SCHEMA": pg_settings.pg_schema,
           "PYTHONPATH": str(REPO)}
    blocker = psycopg.connect(pg_settings.pg_dsn)  # holds the settings row, so the ingest's last write waits
    blocker.execute(f"LOCK TABLE {pg_settings.pg_schema}.meta IN EXCLUSIVE MODE")
    proc = subprocess.Popen([sys.executable, "-m", "rag.ingest"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # wait until the ingest has written chunks and waits on the lock
            waiting = rows(pg_settings, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                        "AND query LIKE %s", "%meta%")
            if waiting[0][0] or proc.poll() is not None:
                break
            time.sleep(0.2)
        assert proc.poll() is None, proc.stderr.read().decode()
        assert waiting[0][0] == 1
        proc.kill()
        proc.wait()
    finally:
        blocker.rollback()
        blocker.close()
    time.sleep(0.5)
    assert rows(pg_settings, "SELECT id, text FROM S.chunks ORDER BY id") == before
    index = load(pg_settings)
    assert set(index.manifest.files) == {"a.pdf"}
    assert "apples" in index.chunks[0].page_content


def test_a_lost_connection_mid_write_leaves_the_previous_state(pg_settings, make_pdf, embeddings):
    """The server ends the ingest's session while its transaction is open: a clear error, nothing changed."""
    make_pdf("a.pdf", ["Alpha document about apples grown in Normandy orchards."])
    ingest(pg_settings, progress=False, embeddings=embeddings)
    before = rows(pg_settings, "SELECT id, text FROM S.chunks ORDER BY id")
    make_pdf("a.pdf", ["Alpha document now about pears from Anjou."])
    blocker = psycopg.connect(pg_settings.pg_dsn)
    blocker.execute(f"LOCK TABLE {pg_settings.pg_schema}.meta IN EXCLUSIVE MODE")
    failure = []

    def run():
        try:
            ingest(pg_settings, progress=False, embeddings=embeddings)
        except UserError as exc:
            failure.append(str(exc))

    thread = threading.Thread(target=run)
    thread.start()
    try:
        deadline, waiting = time.monotonic() + 60, []
        while time.monotonic() < deadline and not waiting:
            waiting = rows(pg_settings, "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                        "AND query LIKE %s", "%meta%")
            time.sleep(0.1)
        assert len(waiting) == 1
        rows(pg_settings, "SELECT pg_terminate_backend(%s)", waiting[0][0])
    finally:
        blocker.rollback()
        blocker.close()
    thread.join()
    assert failure and "lost the connection" in failure[0] and "as it was" in failure[0]
    assert rows(pg_settings, "SELECT id, text FROM S.chunks ORDER BY id") == before


def test_a_missing_dsn_or_a_dead_server_is_a_clear_error(settings, tmp_path):
    from rag.index.live import load_live

    with pytest.raises(UserError, match="needs a database: set pg_dsn"):
        load_live(settings.model_copy(update={"store": "pgvector"}))
    dead = settings.model_copy(update={"store": "pgvector", "pg_dsn": f"postgresql://u:secret@/db?host={tmp_path}"})
    with pytest.raises(UserError, match="cannot connect") as caught:
        load_live(dead)
    assert "secret" not in str(caught.value)


def test_the_store_benchmark_keeps_a_built_table_and_times_it_again(pg_server):
    from rag.bench.store import run

    first = run([2000], 20, {"faiss-flat", "pgvector", "pgvector-ivf"}, 8, 100, pg_server, report=lambda line: None, keep=True)
    again = run([2000], 20, {"pgvector"}, 8, 100, pg_server, report=lambda line: None, keep=True)
    pg_first, pg_again = first[-2], again[-1]
    assert pg_first["store"].startswith("pgvector hnsw") and pg_first["recall"] >= 0.9
    assert first[-1]["store"].startswith("pgvector ivfflat") and first[-1]["recall"] >= 0.9
    assert pg_again["index_s"] == pytest.approx(pg_first["index_s"])  # the kept build, not a new one
    assert pg_again["recall"] == pg_first["recall"] and pg_again["p50_ms"] > 0
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute("DROP SCHEMA bench_2000 CASCADE")
        conn.execute("DROP SCHEMA bench_2000_ivf CASCADE")


def test_the_web_engine_and_the_api_reload_after_another_process_ingests_into_pgvector(pg_settings, make_pdf,
                                                                                       embeddings, llm_backend):
    from rag.index.live import live_version
    from rag.serve.service import Service
    from rag.web.engine import Engine

    make_pdf("kites.pdf", ["The Zephyr Kite Company employs 1,234 people."])
    ingest(pg_settings, progress=False, embeddings=embeddings)
    engine = Engine(pg_settings)
    engine.embeddings = embeddings
    engine.reload_index()
    engine._backends[engine._backend_key(pg_settings)] = llm_backend
    service = Service(pg_settings)
    service.embeddings = embeddings
    service.refresh_index()
    before = live_version(pg_settings)
    assert before and engine.version == before and service.version == before
    first = engine.answerer(k=3).retriever
    make_pdf("boats.pdf", ["The Nautilus Boat Works builds 56 sailing boats a year."])
    subprocess.run([sys.executable, "-m", "rag.ingest", "--store", "pgvector", "--pg-dsn", pg_settings.pg_dsn],
                   cwd=REPO, env={**os.environ, "RAG_PG_SCHEMA": pg_settings.pg_schema,
                                  "RAG_DATA_DIR": str(pg_settings.data_dir)}, check=True, capture_output=True)
    assert live_version(pg_settings) != before
    after = engine.answerer(k=3).retriever
    assert after is not first and set(after.index.manifest.files) == {"kites.pdf", "boats.pdf"}
    assert "Nautilus" in after.invoke("Who builds sailing boats?")[0].page_content
    service.refresh_index()
    assert service.version == live_version(pg_settings) and len(service.index.manifest.files) == 2


def test_an_ivfflat_index_ranks_like_hnsw_and_switching_rebuilds_it(pg_settings, make_pdf, embeddings):
    make_pdf("bloom_garden.pdf", GARDEN)
    make_pdf("acme_hardware.pdf", HARDWARE)
    ingest(pg_settings, progress=False, embeddings=embeddings)
    store = PgStore(pg_settings)

    def kind_and_top() -> tuple[str, list]:
        with store.connect() as conn:
            kind = store._vector_index(conn)
        index = store.load()
        try:
            found = [[(d.metadata["source"], d.metadata["page"]) for d in
                      HybridRetriever(index=index, embeddings=embeddings, k=3).invoke(q)] for q in QUESTIONS]
        finally:
            index.close()
        return kind, found

    hnsw_kind, hnsw_top = kind_and_top()
    ivf = pg_settings.model_copy(update={"pg_index": "ivfflat"})
    ingest(ivf, progress=False, embeddings=embeddings)  # nothing changed but the setting: the index is rebuilt
    store = PgStore(ivf)
    ivf_kind, ivf_top = kind_and_top()
    assert (hnsw_kind, ivf_kind) == ("hnsw", "ivfflat")
    assert ivf_top == hnsw_top  # one list here: exact, like the small HNSW graph
