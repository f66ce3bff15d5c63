"""The Ray engine (`--engine ray`) against a real local Ray cluster and a real PostgreSQL server.

Same contract as the local engine: the same chunks and manifest, incremental by content hash, per-file replace in
one transaction; a worker killed once is retried, a file that keeps killing its worker is reported and the run goes
on, and a driver killed before its transaction commits leaves the previous version live.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from rag.errors import UserError
from rag.ingest.pipeline import ingest

from conftest import REPO
from fixtures_pg import pg_server, pg_settings, psycopg, rows  # noqa: F401 (fixtures)

pytest.importorskip("ray", reason="the ray extra is not installed")

PAGES = {
    "alpha.pdf": ["Alpha Corp annual report. Revenue was 12 million euros in 2023.", "Alpha employs 40 people."],
    "beta.pdf": ["Beta Ltd sells garden tools. The part number of the spade is BX-4410.", "Beta was founded in 1999."],
    "gamma.pdf": ["Gamma GmbH builds bridges. Its largest bridge is 2 kilometres long."] * 3,
}


@pytest.fixture
def ray_settings(pg_settings, make_pdf):
    for name, pages in PAGES.items():
        make_pdf(name, pages)
    (pg_settings.data_dir / "notes.md").write_text("# Notes\n\nThe delta project starts in May.\n", encoding="utf-8")
    return pg_settings.model_copy(update={"ingest_engine": "ray", "parse_workers": 2})


def chunk_rows(settings):
    return sorted(rows(settings, "SELECT source, chunk, page, text FROM S.chunks"))


def file_rows(settings):
    return sorted(rows(settings, "SELECT source, sha256, chunks FROM S.files"))


def test_ray_engine_writes_what_the_local_engine_writes_and_reruns_incrementally(ray_settings, embeddings):
    local = ray_settings.model_copy(update={"ingest_engine": "local", "pg_schema": ray_settings.pg_schema + "_l"})
    with psycopg.connect(local.pg_dsn, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {local.pg_schema} CASCADE")
    expected = ingest(local, progress=False, embeddings=embeddings)
    summary = ingest(ray_settings, progress=False)
    assert summary.count("added") == 4 and not summary.failed
    assert summary.chunks_in_index == expected.chunks_in_index == len(chunk_rows(ray_settings))
    assert chunk_rows(ray_settings) == chunk_rows(local) and file_rows(ray_settings) == file_rows(local)
    assert summary.seconds.get("worker_embed", 0) > 0  # the vectors came from the cluster
    vectors = rows(ray_settings, "SELECT source, chunk, embedding::text FROM S.chunks ORDER BY source, chunk")
    local_vectors = rows(local, "SELECT source, chunk, embedding::text FROM S.chunks ORDER BY source, chunk")
    assert [row[:2] for row in vectors] == [row[:2] for row in local_vectors]
    cosines = [float(np.dot(json.loads(a[2]), json.loads(b[2]))) for a, b in zip(vectors, local_vectors)]
    assert min(cosines) > 0.9999  # the same model: the same vectors, whichever engine embedded them

    again = ingest(ray_settings, progress=False)  # nothing new: nothing is sent to the cluster
    assert again.count("unchanged") == 4 and again.pages_parsed == 0 and again.chunks_embedded == 0

    (ray_settings.data_dir / "notes.md").write_text("# Notes\n\nThe delta project starts in June.\n",
                                                   encoding="utf-8")
    changed = ingest(ray_settings, progress=False)
    assert changed.count("updated") == 1 and changed.count("unchanged") == 3 and changed.pages_parsed == 1
    texts = [row[3] for row in chunk_rows(ray_settings) if row[0] == "notes.md"]
    assert any("June" in text for text in texts) and not any("May" in text for text in texts)


def test_files_go_to_the_cluster_a_window_at_a_time(ray_settings, monkeypatch):
    """However many files there are, only a window of them is in flight (their bytes in the object store)."""
    import rag.ingest.engines.ray_cluster as ray_cluster

    monkeypatch.setattr(ray_cluster, "FILES_PER_CPU", 0)  # a window of one file
    summary = ingest(ray_settings, progress=False)
    assert summary.count("added") == 4 and not summary.failed
    assert {row[0] for row in file_rows(ray_settings)} == {"alpha.pdf", "beta.pdf", "gamma.pdf", "notes.md"}
    assert sum(row[2] for row in file_rows(ray_settings)) == len(chunk_rows(ray_settings)) > 4


def test_ray_engine_needs_the_pgvector_store(settings):
    with pytest.raises(UserError, match="--engine ray writes into PostgreSQL only"):
        ingest(settings.model_copy(update={"ingest_engine": "ray"}), progress=False)
    done = run_cli(["--engine", "ray", "--index-dir", str(settings.index_dir)], settings)
    assert done.returncode == 2 and done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert "--store pgvector" in done.stderr


def test_missing_ray_says_which_extra(tmp_path, settings):
    code = ("import sys; sys.modules['ray'] = None; from rag.cli import run_cli; from rag.ingest.__main__ import main; "
            f"sys.exit(run_cli(main, ['--engine', 'ray', '--store', 'pgvector', '--pg-dsn', 'postgresql://nowhere/x', "
            f"'--data-dir', {str(settings.data_dir)!r}]))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "pip install -e '.[ray]'" in done.stderr and done.stderr.strip().count("\n") == 0


# ---------------------------------------------------------------- killed processes (the CLI in a subprocess)


def run_cli(args, settings, **env):
    command = [sys.executable, "-m", "rag.ingest", "--data-dir", str(settings.data_dir), *args]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", **env})


def ray_cli(settings, *extra, **env):
    return run_cli(["--engine", "ray", "--store", "pgvector", "--pg-dsn", settings.pg_dsn, "--workers", "2",
                    "--json", *extra], settings, RAG_PG_SCHEMA=settings.pg_schema, **env)


def test_a_worker_killed_once_is_retried(ray_settings, tmp_path):
    marker = tmp_path / "killed-once"
    done = ray_cli(ray_settings, DOCQA_FAULT_STAGE="ray-parse", DOCQA_FAULT_FILE="beta.pdf",
                   DOCQA_FAULT_ONCE=str(marker))
    assert marker.exists(), "the fault point never fired"
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["counts"]["added"] == 4 and report["counts"]["failed"] == 0
    assert {row[0] for row in file_rows(ray_settings)} == {"alpha.pdf", "beta.pdf", "gamma.pdf", "notes.md"}


def test_a_file_that_kills_its_worker_is_reported_and_the_run_goes_on(ray_settings):
    done = ray_cli(ray_settings, DOCQA_FAULT_STAGE="ray-embed", DOCQA_FAULT_FILE="beta.pdf")
    assert done.returncode == 1, done.stderr[-2000:]  # a failed file: exit 1, like the local engine
    report = json.loads(done.stdout)
    failed = [item for item in report["files"] if item["status"] == "failed"]
    assert [item["source"] for item in failed] == ["beta.pdf"] and "worker process died" in failed[0]["reason"]
    assert report["counts"]["added"] == 3
    # The index is consistent: the manifest, the chunks and the keyword postings name the same three files.
    assert {row[0] for row in file_rows(ray_settings)} == {"alpha.pdf", "gamma.pdf", "notes.md"}
    assert {row[0] for row in chunk_rows(ray_settings)} == {"alpha.pdf", "gamma.pdf", "notes.md"}
    assert {row[0] for row in rows(ray_settings, "SELECT DISTINCT source FROM S.postings")} == \
        {"alpha.pdf", "gamma.pdf", "notes.md"}
    assert sum(row[2] for row in file_rows(ray_settings)) == len(chunk_rows(ray_settings))


def test_a_killed_driver_leaves_the_previous_version_live(ray_settings):
    assert ray_cli(ray_settings).returncode == 0
    before_files, before_chunks = file_rows(ray_settings), chunk_rows(ray_settings)
    (ray_settings.data_dir / "notes.md").write_text("# Notes\n\nThe delta project is cancelled.\n", encoding="utf-8")
    killed = ray_cli(ray_settings, DOCQA_FAULT_STAGE="before-switch")
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert file_rows(ray_settings) == before_files and chunk_rows(ray_settings) == before_chunks
    done = ray_cli(ray_settings)
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["counts"]["updated"] == 1 and report["counts"]["unchanged"] == 3
    assert any("cancelled" in row[3] for row in chunk_rows(ray_settings))
