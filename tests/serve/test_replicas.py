"""Two `python -m rag.serve` replicas over one pgvector store (docs/scale-out.md), on loopback, with a real PostgreSQL.

A document uploaded through one replica is answered through the other without a restart, so is one ingested by the
Ray engine while both run, and the `rag.bench serve` load spread over both loses no request. The replicas share one
data folder (uploads land there), as machines would on a shared filesystem.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO, write_pdf
from fixtures_pg import pg_server, pg_settings  # noqa: F401 (fixtures)
from fixtures_servers import free_port, wait_until_up, stop

openai = pytest.importorskip("openai")
httpx = pytest.importorskip("httpx")

pytestmark = pytest.mark.slow

KEY = "replica-key-42"
START_TIMEOUT = 300


def start_replica(settings, data_dir, log_path):
    from test_serve import child_env

    port = free_port()
    env = {**child_env(), "RAG_STORE": "pgvector", "RAG_PG_DSN": settings.pg_dsn, "RAG_PG_SCHEMA": settings.pg_schema}
    log = open(log_path, "w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "rag.serve", "--port", str(port), "--api-key", KEY, "--data-dir", str(data_dir),
         "--index-dir", str(log_path.parent / "unused-index")],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}", log


@pytest.fixture
def replicas(pg_settings, make_pdf, embeddings, tmp_path):
    """Two replicas over one store that already holds a document; yields their base URLs."""
    from rag.ingest.pipeline import ingest

    make_pdf("acme_hardware.pdf", ["Acme Hardware catalogue. Steel nails cost 3 euros per box.",
                                   "The QX-7731 drill is sold by Acme Hardware."])
    ingest(pg_settings, progress=False, embeddings=embeddings)
    started = []
    try:
        for name in ("a", "b"):  # one data folder, as on a shared filesystem (docs/scale-out.md)
            started.append(start_replica(pg_settings, pg_settings.data_dir, tmp_path / f"{name}.log"))
        for process, base, log in started:
            wait_until_up(process, f"{base}/healthz", log, START_TIMEOUT, "a replica")
        yield [base for _, base, _ in started]
    finally:
        for process, _, _ in started:
            stop(process, 20)


def ask(base: str, question: str) -> dict:
    client = openai.OpenAI(base_url=f"{base}/v1", api_key=KEY, max_retries=0, timeout=300)
    response = client.chat.completions.create(model="docqa", messages=[{"role": "user", "content": question}],
                                              max_tokens=32)
    return (response.model_extra or {}).get("docqa") or {}


def documents(base: str) -> set[str]:
    reply = httpx.get(f"{base}/v1/documents", headers={"Authorization": f"Bearer {KEY}"}, timeout=60)
    return {d["file"] for d in reply.json()["data"]}


def test_an_upload_through_one_replica_is_answered_by_the_other(replicas, tmp_path, pg_settings):
    first, second = replicas
    assert documents(first) == documents(second) == {"acme_hardware.pdf"}
    pdf = write_pdf(tmp_path / "incoming" / "zorblax licence.pdf", [
        "Zorblax Licence Agreement. The annual licence fee payable by Zorblax Limited is 4,321 krona."])
    with open(pdf, "rb") as handle:
        reply = httpx.post(f"{first}/v1/documents", headers={"Authorization": f"Bearer {KEY}"},
                           files=[("file", ("zorblax licence.pdf", handle, "application/pdf"))], timeout=300)
    assert reply.status_code == 200 and reply.json()["data"][0]["status"] == "added", reply.text
    # The other replica was not told: it sees the store's new generation at its next request.
    assert "zorblax licence.pdf" in documents(second)
    sources = ask(second, "What is the annual licence fee payable by Zorblax?")["sources"]
    assert sources and sources[0]["file"] == "zorblax licence.pdf"

    # A Ray ingest (another process, the CLI) while both serve: both answer from it without a restart.
    pytest.importorskip("ray", reason="the ray extra is not installed")
    write_pdf(pg_settings.data_dir / "quorbit.pdf", ["Quorbit Systems opened its Lisbon office in 2019."])
    done = subprocess.run([sys.executable, "-m", "rag.ingest", "--engine", "ray", "--store", "pgvector", "--pg-dsn",
                           pg_settings.pg_dsn, "--data-dir", str(pg_settings.data_dir), "--workers", "2"],
                          cwd=REPO, capture_output=True, text=True, timeout=600,
                          env={**__import__("os").environ, "RAG_PG_SCHEMA": pg_settings.pg_schema})
    assert done.returncode == 0, done.stderr[-2000:]
    for base in replicas:
        assert ask(base, "When did Quorbit open its Lisbon office?")["sources"][0]["file"] == "quorbit.pdf"
        assert documents(base) == {"acme_hardware.pdf", "zorblax licence.pdf", "quorbit.pdf"}


def test_load_spread_over_both_replicas_loses_nothing(replicas):
    from rag.bench.serve import run_level

    urls = [f"{base}/v1" for base in replicas]
    row = run_level(urls, KEY, clients=4, questions=2, max_tokens=24)
    assert row["errors"] == 0, row["first_error"]
    assert row["answers"] == row["questions"] == 8
    assert list(row["answers_per_url"].values()) == [4, 4]
