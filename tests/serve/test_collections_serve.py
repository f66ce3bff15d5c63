"""Collections and scoped keys on the real server: `python -m rag.serve` on a free loopback port, real HTTP requests.

Four collections in one process: `default` and `legal` on FAISS, `hr` and `finance` on pgvector (a throw-away
PostgreSQL). Three keys from the keys file (`python -m rag.serve keys add`) open {legal}, {hr, finance} and
{legal, hr}; every endpoint is called with every key on legal, hr and finance: an allowed call answers from that
collection's documents only, a forbidden one gets byte for byte the response of a collection that does not exist.
A key revoked while the server runs fails on its very next request.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.conftest import REPO, write_pdf
from tests.serve.test_serve import START_TIMEOUT, child_env, free_port
from fixtures_servers import stop

httpx = pytest.importorskip("httpx")
pytest.importorskip("psycopg")

pytestmark = pytest.mark.slow

FACTS = {  # collection -> (file, page text, question, a word of the answer's source)
    "default": ("office.pdf", "The Pelworth office opens at 7 o'clock every weekday.", "When does the Pelworth office open?"),
    "legal": ("zorblax licence.pdf", "The annual licence fee payable by Zorblax Limited is 4,321 krona.",
              "What is the licence fee payable by Zorblax?"),
    "hr": ("holidays.pdf", "Every Quenwick employee has 29 days of paid holiday a year.",
           "How many days of holiday does a Quenwick employee have?"),
    "finance": ("budget.pdf", "The Marlowe budget for 2025 is 88 million florins.", "What is the Marlowe budget?"),
}
STORES = {"default": "faiss", "legal": "faiss", "hr": "pgvector", "finance": "pgvector"}
KEYS = {"k-legal": ["legal"], "k-people": ["hr", "finance"], "k-mixed": ["legal", "hr"]}
MATRIX = ["legal", "hr", "finance"]
UNKNOWN = "nosuch"


def keys_cli(root, *args) -> str:
    result = subprocess.run([sys.executable, "-m", "rag.serve", "keys", "--index-dir", str(root / "vectorstore"),
                             *args], cwd=REPO, env=child_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture(scope="module")
def server(tmp_path_factory, pg_server, embeddings):
    from rag.config import load_settings
    from rag.index import collections
    from rag.ingest.pipeline import ingest

    root = tmp_path_factory.mktemp("collections")
    base = load_settings(data_dir=root / "data", index_dir=root / "vectorstore", models_dir=REPO / "models",
                         cache_dir=REPO / ".cache", pg_dsn=pg_server)
    for name, (file, text, _question) in FACTS.items():
        folder = root / ("data" if name == "default" else f"docs-{name}")
        write_pdf(folder / file, [text])
        if name != "default":
            collections.create(base, name, [folder], {"store": STORES[name]})
        own = collections.settings_for(base, name)
        assert own.store == STORES[name]
        ingest(own, progress=False, embeddings=embeddings)
    secrets = {name: keys_cli(root, "add", name, "--collections", ",".join(scope))
               for name, scope in {**KEYS, "k-all": ["*"]}.items()}
    port = free_port()
    env = child_env()
    env["RAG_PG_DSN"] = pg_server
    log = open(root / "server.log", "w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "rag.serve", "--port", str(port), "--data-dir", str(root / "data"),
         "--index-dir", str(root / "vectorstore"), "--max-upload-mb", "2"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"the server exited with {process.returncode}:\n{log.read()}")
            try:
                if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the server did not start in time")
            time.sleep(0.5)
        yield {"base": base_url, "root": root, "secrets": secrets, "log": log}
    finally:
        stop(process, 20)
        log.close()


def call(server, key: str, endpoint: str, collection: str) -> httpx.Response:
    """One endpoint on one collection with one key's secret."""
    headers = {"Authorization": f"Bearer {server['secrets'].get(key, key)}"}
    base, model = server["base"], f"docqa/{collection}"
    if endpoint == "model":
        return httpx.get(f"{base}/v1/models/{model}", headers=headers, timeout=30)
    if endpoint == "chat":
        return httpx.post(f"{base}/v1/chat/completions", headers=headers, timeout=300, json={
            "model": model, "max_tokens": 8, "messages": [{"role": "user", "content": FACTS.get(
                collection, FACTS["legal"])[2]}]})
    if endpoint == "stream":
        return httpx.post(f"{base}/v1/chat/completions", headers=headers, timeout=300, json={
            "model": model, "max_tokens": 8, "stream": True, "messages": [{"role": "user", "content": "hello"}]})
    if endpoint == "documents":
        return httpx.get(f"{base}/v1/documents", params={"collection": collection}, headers=headers, timeout=30)
    if endpoint == "upload":
        name = f"memo-{collection}-{key}.pdf"
        pdf = write_pdf(server["root"] / "uploads" / name, [f"A memo for {collection} from {key}."])
        with open(pdf, "rb") as handle:
            return httpx.post(f"{base}/v1/documents", params={"collection": collection}, headers=headers,
                              files=[("file", (name, handle, "application/pdf"))], timeout=300)
    raise AssertionError(endpoint)


ENDPOINTS = ["model", "documents", "chat", "stream", "upload"]


def belongs(file: str, collection: str) -> bool:
    """Whether a cited or listed file is one of this collection's documents (its own or an upload to it)."""
    return file == FACTS[collection][0] or file.startswith((f"memo-{collection}-", f"late-{collection}"))


@pytest.mark.parametrize("key", sorted(KEYS))
def test_models_lists_only_the_keys_collections(server, key):
    reply = httpx.get(f"{server['base']}/v1/models", headers={"Authorization": f"Bearer {server['secrets'][key]}"})
    assert reply.status_code == 200
    assert {card["id"] for card in reply.json()["data"]} == {f"docqa/{name}" for name in KEYS[key]} | {"docqa-llm"}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("collection", MATRIX)
@pytest.mark.parametrize("key", sorted(KEYS))
def test_every_endpoint_for_every_key_and_collection(server, key, collection, endpoint):
    reply = call(server, key, endpoint, collection)
    if collection not in KEYS[key]:
        unknown = call(server, key, endpoint, UNKNOWN)
        assert reply.status_code == unknown.status_code == 404
        assert reply.content == unknown.content and reply.headers["content-type"] == unknown.headers["content-type"]
        return
    assert reply.status_code == 200, reply.text
    if endpoint == "documents":
        files = {d["file"] for d in reply.json()["data"]}
        assert FACTS[collection][0] in files and all(belongs(file, collection) for file in files), files
    elif endpoint == "chat":
        sources = {s["file"] for s in reply.json()["docqa"]["sources"]}
        assert sources and all(belongs(file, collection) for file in sources), sources
    elif endpoint == "upload":
        assert [f["status"] for f in reply.json()["data"]] == ["added"] and reply.json()["collection"] == collection


@pytest.mark.parametrize("collection", list(FACTS))
def test_each_collection_answers_from_its_own_documents(server, collection):
    """Two FAISS and two pgvector collections in one process: every question is asked of every collection."""
    secret = server["secrets"]["k-all"]
    headers = {"Authorization": f"Bearer {secret}"}
    model = "docqa" if collection == "default" else f"docqa/{collection}"
    for other, (file, _text, question) in FACTS.items():
        reply = httpx.post(f"{server['base']}/v1/chat/completions", headers=headers, timeout=300, json={
            "model": model, "max_tokens": 8, "messages": [{"role": "user", "content": question}]})
        assert reply.status_code == 200, reply.text
        sources = {s["file"] for s in reply.json()["docqa"]["sources"]}
        assert all(belongs(file, collection) for file in sources), (collection, other, sources)
        if other == collection:
            assert FACTS[collection][0] in sources


def test_unknown_key_and_a_key_revoked_while_running(server):
    assert httpx.get(f"{server['base']}/v1/models", headers={"Authorization": "Bearer dq-nope"}).status_code == 401
    assert httpx.get(f"{server['base']}/v1/models").status_code == 401  # a keys file exists: no key, no entry
    secret = keys_cli(server["root"], "add", "k-temp", "--collections", "legal")
    headers = {"Authorization": f"Bearer {secret}"}
    assert httpx.get(f"{server['base']}/v1/documents", params={"collection": "legal"}, headers=headers).status_code == 200
    listed = keys_cli(server["root"], "list")
    assert "k-temp" in listed and secret not in listed and secret not in (server["root"] / "vectorstore" / "keys.json").read_text()
    keys_cli(server["root"], "revoke", "k-temp")
    reply = httpx.get(f"{server['base']}/v1/documents", params={"collection": "legal"}, headers=headers)
    assert reply.status_code == 401
    others = httpx.get(f"{server['base']}/v1/models", headers={"Authorization": f"Bearer {server['secrets']['k-legal']}"})
    assert others.status_code == 200  # the other keys still work


def test_a_new_version_of_a_collection_is_served_without_restart(server, embeddings, pg_server):
    """An ingest from outside the server (the CLI, a --watch batch) into a pgvector and a FAISS collection."""
    from rag.config import load_settings
    from rag.index import collections
    from rag.ingest.pipeline import ingest

    base = load_settings(data_dir=server["root"] / "data", index_dir=server["root"] / "vectorstore",
                         models_dir=REPO / "models", cache_dir=REPO / ".cache", pg_dsn=pg_server)
    headers = {"Authorization": f"Bearer {server['secrets']['k-all']}"}
    for name in ("finance", "legal"):
        own = collections.settings_for(base, name)
        write_pdf(own.data_dir / f"late-{name}.pdf", [f"A late addition to {name}: the Yarrowby fund is closed."])
        ingest(own, progress=False, embeddings=embeddings)
        listed = httpx.get(f"{server['base']}/v1/documents", params={"collection": name}, headers=headers).json()
        assert f"late-{name}.pdf" in {d["file"] for d in listed["data"]}
        reply = httpx.post(f"{server['base']}/v1/chat/completions", headers=headers, timeout=300, json={
            "model": f"docqa/{name}", "max_tokens": 8,
            "messages": [{"role": "user", "content": "Which fund is closed, the Yarrowby fund?"}]})
        assert f"late-{name}.pdf" in {s["file"] for s in reply.json()["docqa"]["sources"]}
