"""The Ray engine on real documents: a local Ray cluster ingests the demo 20-F and a messy subset (broken, encrypted,
scanned, empty files) into a real PostgreSQL while one of its workers is killed mid-run; the demo question is then
answered from page 53/54, and a re-run with nothing new sends nothing to the cluster."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO
from fixtures_pg import pg_server, pg_settings, rows  # noqa: F401 (fixtures)

pytest.importorskip("ray", reason="the ray extra is not installed")

pytestmark = [pytest.mark.slow, pytest.mark.shared]

ADIDAS = "How much is the minimum guarantee payable by adidas?"
TWENTY_F = "manu-20f-2022-09-24.pdf"
MESSY = ["zero_bytes.pdf", "broken_corrupt_zlib_stream.pdf", "broken_header_eof_only.pdf",
         "enc_rc4_128_empty_user_pw.pdf", "enc_aes256_user_pw_foo.pdf", "scan_no_text_huckfinn_p22.pdf",
         "multicolumn_latex_2col.pdf", "table_fbi_nics_2015_11.pdf"]


def ray_ingest(settings, **env):
    command = [sys.executable, "-m", "rag.ingest", "--engine", "ray", "--store", "pgvector", "--pg-dsn",
               settings.pg_dsn, "--data-dir", str(settings.data_dir), "--workers", "2", "--json"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=1800,
                          env={**os.environ, "RAG_PG_SCHEMA": settings.pg_schema, **env})
    assert done.returncode in (0, 1), done.stderr[-3000:]  # 1: some messy files failed, as they should
    return json.loads(done.stdout)


def test_ray_ingests_the_20f_and_messy_files_through_a_killed_worker(shared_data, pg_settings, tmp_path):
    shutil.copy(shared_data / TWENTY_F, pg_settings.data_dir / TWENTY_F)
    for name in MESSY:
        shutil.copy(shared_data / "messy" / name, pg_settings.data_dir / name)
    marker = tmp_path / "a-worker-was-killed"
    report = ray_ingest(pg_settings, DOCQA_FAULT_STAGE="ray-parse", DOCQA_FAULT_ONCE=str(marker))
    assert marker.exists(), "no worker was killed"
    by_file = {item["source"]: item for item in report["files"]}
    assert set(by_file) == {TWENTY_F, *MESSY}
    assert by_file[TWENTY_F]["status"] == "added" and by_file[TWENTY_F]["pages"] == 177
    assert by_file["zero_bytes.pdf"]["status"] == "failed"
    assert all(item["reason"] for item in by_file.values() if item["status"] == "failed")
    added = {source for source, item in by_file.items() if item["status"] == "added"}
    # The index is consistent: the manifest names the added files, and their chunks are all there.
    files = rows(pg_settings, "SELECT source, chunks FROM S.files")
    assert {source for source, _ in files} == added
    assert sum(chunks for _, chunks in files) == rows(pg_settings, "SELECT count(*) FROM S.chunks")[0][0] \
        == report["chunks_in_index"]

    done = subprocess.run(
        [sys.executable, "main.py", "--store", "pgvector", "--pg-dsn", pg_settings.pg_dsn, "--backend",
         "ctransformers", "--max-new-tokens", "48", "--json", ADIDAS], cwd=REPO, capture_output=True, text=True,
        timeout=600, env={**os.environ, "RAG_PG_SCHEMA": pg_settings.pg_schema})
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout)
    assert {s["page"] for s in answer["sources"] if s["file"] == TWENTY_F} & {53, 54}
    assert "750" in answer["answer"]

    again = ray_ingest(pg_settings)
    assert again["counts"]["unchanged"] == len(added) and again["counts"]["added"] == again["counts"]["updated"] == 0
    assert again["chunks_embedded"] == 0 and again["chunks_in_index"] == report["chunks_in_index"]
