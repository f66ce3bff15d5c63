"""`python -m rag.serve` end to end: the real server on a free loopback port, driven by the official `openai` client.

One server (SmolLM2 through ctransformers, over a copy of the demo 20-F index) is started for the module and
stopped afterwards. Also the remote backend: `main.py --backend openai` against that server's bare model.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, write_pdf
from fixtures_servers import free_port, stop, wait_until_up  # noqa: F401 (free_port: used by other modules)

openai = pytest.importorskip("openai")
httpx = pytest.importorskip("httpx")

pytestmark = pytest.mark.slow

KEY = "test-key-1234"
ADIDAS = "How much is the minimum guarantee payable by adidas?"
COUNTING = "Count from 1 to 500, separated by commas, on one line."  # a long answer without a blank line
START_TIMEOUT = 300  # seconds: loading the model and embeddings on a busy 2-core machine


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.pop("RAG_API_KEY", None)
    return env


@pytest.fixture(scope="module")
def server(manu_index, tmp_path_factory):
    """The server over a copy of the 20-F index (uploads must not change the shared one); yields its base URL."""
    root = tmp_path_factory.mktemp("serve")
    index = root / "index"
    shutil.copytree(manu_index.index_dir, index, ignore=shutil.ignore_patterns(".ingest.lock"))
    (root / "data").mkdir()
    port = free_port()
    log = open(root / "server.log", "w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "rag.serve", "--port", str(port), "--api-key", KEY, "--data-dir", str(root / "data"),
         "--index-dir", str(index), "--max-request-kb", "64", "--max-upload-mb", "2"],
        cwd=REPO, env=child_env(), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(process, f"{base}/healthz", log, START_TIMEOUT)
        yield {"base": base, "root": root, "index": index}
    finally:
        stop(process, 20)
        log.close()


@pytest.fixture
def client(server):
    return openai.OpenAI(base_url=f"{server['base']}/v1", api_key=KEY, max_retries=0, timeout=300)


def extra(obj) -> dict:
    return (obj.model_extra or {}).get("docqa") or {}


def test_models_and_health(server, client):
    assert {m.id for m in client.models.list()} == {"docqa", "docqa-llm"}
    health = httpx.get(f"{server['base']}/healthz").json()  # no key needed
    assert health["status"] == "ok" and health["documents"] >= 1 and health["queue"]["parallel"] == 1


def test_answer_with_citations(client):
    response = client.chat.completions.create(model="docqa", messages=[{"role": "user", "content": ADIDAS}],
                                              max_tokens=64)
    text = response.choices[0].message.content
    assert "750" in text
    sources = extra(response)["sources"]
    assert any(s["page"] in (53, 54) for s in sources)
    assert {"file", "page", "score", "snippet", "evidence"} <= set(sources[0])
    assert "Sources:" in text and "manu-20f-2022-09-24.pdf, page 5" in text
    assert response.usage.completion_tokens > 0
    assert extra(response)["timings"]["ttft"] > 0


def test_streamed_answer_ends_with_the_sources(client):
    stream = client.chat.completions.create(model="docqa", messages=[{"role": "user", "content": ADIDAS}],
                                            max_tokens=64, stream=True)
    pieces, final = [], None
    for event in stream:
        if event.choices and event.choices[0].delta.content:
            pieces.append(event.choices[0].delta.content)
        if event.choices and event.choices[0].finish_reason:
            final = event
    text = "".join(pieces)
    answer_pieces = [piece for piece in pieces if "Sources:" not in piece]
    # streamed: the answer comes in pieces (its start, while it only restates the question, in one held piece)
    assert len(answer_pieces) >= 2 and "750" in text and "Sources:" in pieces[-1]
    assert final is not None and any(s["page"] in (53, 54) for s in extra(final)["sources"])


def test_follow_up_uses_the_history(client):
    first = client.chat.completions.create(model="docqa", messages=[{"role": "user", "content": ADIDAS}], max_tokens=48)
    response = client.chat.completions.create(model="docqa", max_tokens=48, messages=[
        {"role": "user", "content": ADIDAS},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": "and who pays it?"},
    ])
    # the three-word follow-up is searched together with the adidas question, so the same pages come back
    assert any(s["page"] in (53, 54) for s in extra(response)["sources"])


def test_upload_then_ask(server, client):
    pdf = write_pdf(server["root"] / "incoming" / "zorblax licence.pdf", [
        "Zorblax Licence Agreement. The annual licence fee payable by Zorblax Limited is 4,321 krona. "
        "The fee is due every March."])
    with open(pdf, "rb") as handle:
        reply = httpx.post(f"{server['base']}/v1/documents", headers={"Authorization": f"Bearer {KEY}"},
                           files=[("file", ("zorblax licence.pdf", handle, "application/pdf")),
                                  ("file", ("notes.pdf", b"just text, no PDF header", "application/pdf"))],
                           timeout=300)
    assert reply.status_code == 200, reply.text
    report = {f["file"]: f for f in reply.json()["data"]}
    assert report["zorblax licence.pdf"]["status"] == "added" and report["zorblax licence.pdf"]["chunks"] >= 1
    assert report["notes.pdf"]["status"] == "rejected" and "not a PDF" in report["notes.pdf"]["reason"]
    listed = httpx.get(f"{server['base']}/v1/documents", headers={"Authorization": f"Bearer {KEY}"}).json()["data"]
    assert {"zorblax licence.pdf", "manu-20f-2022-09-24.pdf"} <= {d["file"] for d in listed}
    response = client.chat.completions.create(model="docqa", max_tokens=48, messages=[
        {"role": "user", "content": "What is the annual licence fee payable by Zorblax?"}])
    assert extra(response)["sources"][0]["file"] == "zorblax licence.pdf"
    # the same name with other content never overwrites: stored under a new name, and the reply says so
    other = write_pdf(server["root"] / "incoming2" / "zorblax licence.pdf", ["Another Zorblax text, page one."])
    with open(other, "rb") as handle:
        again = httpx.post(f"{server['base']}/v1/documents", headers={"Authorization": f"Bearer {KEY}"},
                           files=[("file", ("zorblax licence.pdf", handle, "application/pdf"))], timeout=300).json()
    assert [f["status"] for f in again["data"]] == ["added"] and again["data"][0]["file"] != "zorblax licence.pdf"
    assert again["notes"] and "zorblax licence.pdf" in again["notes"][0]
    assert (server["root"] / "data" / "zorblax licence.pdf").read_bytes() == pdf.read_bytes()


def test_upload_other_formats_then_ask_cites_the_place(server, client):
    """POST /v1/documents takes any type a reader reads (decided from the content) and the answer's sources say
    the place: a slide, not a page. A password-protected workbook is refused with its reason."""
    from rag.bench.faults import write_bad_inputs
    from rag.bench.formats import _pptx

    folder = server["root"] / "incoming-formats"
    folder.mkdir()
    deck = _pptx(folder / "fabrikam review.pptx")
    write_bad_inputs(folder)
    with open(folder / deck.name, "rb") as slides, open(folder / "locked.xlsx", "rb") as locked:
        reply = httpx.post(f"{server['base']}/v1/documents", headers={"Authorization": f"Bearer {KEY}"},
                           files=[("file", ("fabrikam review.pdf", slides, "application/pdf")),  # a deck, misnamed
                                  ("file", ("locked.xlsx", locked, "application/octet-stream"))], timeout=300)
    assert reply.status_code == 200, reply.text
    report = {f["file"]: f for f in reply.json()["data"]}
    assert report["fabrikam review.pptx"]["status"] == "added", report
    assert report["locked.xlsx"]["status"] == "rejected" and "password-protected" in report["locked.xlsx"]["reason"]
    response = client.chat.completions.create(model="docqa", max_tokens=32, messages=[
        {"role": "user", "content": "When does the new Lisbon office of Fabrikam open?"}])
    sources = extra(response)["sources"]
    assert (sources[0]["file"], sources[0]["place"]) == ("fabrikam review.pptx", "slide 2"), sources


def test_a_cli_ingest_is_picked_up_without_restart(server, client, embeddings):
    from rag.config import load_settings
    from rag.ingest.pipeline import ingest

    data = server["root"] / "cli-data"
    write_pdf(data / "quuxco.pdf", ["Quuxco Holdings pays its auditors a retainer of 8,765 florins per year."])
    cli_settings = load_settings(data_dir=data, index_dir=server["index"], models_dir=REPO / "models",
                                 cache_dir=REPO / ".cache")
    ingest(cli_settings, [data / "quuxco.pdf"], progress=False, embeddings=embeddings)
    response = client.chat.completions.create(model="docqa", max_tokens=32, messages=[
        {"role": "user", "content": "What retainer does Quuxco Holdings pay its auditors?"}])
    assert extra(response)["sources"][0]["file"] == "quuxco.pdf"


def test_errors_are_openai_json(server, client):
    bad_key = openai.OpenAI(base_url=f"{server['base']}/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad_key.models.list()
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert "docqa" in caught.value.message
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    reply = httpx.post(f"{server['base']}/v1/chat/completions", headers=headers, content=b'{"messages": [')
    assert reply.status_code == 400 and "not valid JSON" in reply.json()["error"]["message"]
    huge = json.dumps({"messages": [{"role": "user", "content": "x" * 70_000}]})
    reply = httpx.post(f"{server['base']}/v1/chat/completions", headers=headers, content=huge)
    assert reply.status_code == 413 and reply.json()["error"]["code"] == "request_too_large"
    reply = httpx.get(f"{server['base']}/v1/nothing-here", headers=headers)
    assert reply.status_code == 404 and "error" in reply.json()
    assert "traceback" not in reply.text.lower()


def test_a_client_that_hangs_up_stops_its_generation(server, client):
    def stopped() -> int:
        return httpx.get(f"{server['base']}/healthz").json()["stopped_early"]

    before = stopped()
    stream = client.chat.completions.create(model="docqa-llm", max_tokens=400, stream=True, messages=[
        {"role": "user", "content": COUNTING}])
    received = 0
    for event in stream:
        if event.choices and event.choices[0].delta.content:
            received += 1
        if received >= 3:
            break
    stream.close()
    deadline = time.monotonic() + 60
    while stopped() == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert stopped() == before + 1
    assert httpx.get(f"{server['base']}/healthz").json()["queue"]["running"] == 0


def test_a_non_streaming_client_that_gives_up_stops_its_generation(server):
    def stopped() -> int:
        return httpx.get(f"{server['base']}/healthz").json()["stopped_early"]

    before = stopped()
    with pytest.raises(httpx.TimeoutException):
        httpx.post(f"{server['base']}/v1/chat/completions", headers={"Authorization": f"Bearer {KEY}"}, timeout=0.3,
                   json={"model": "docqa-llm", "max_tokens": 400, "messages": [
                       {"role": "user", "content": COUNTING}]})
    deadline = time.monotonic() + 120
    while stopped() == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert stopped() == before + 1


def test_remote_backend_end_to_end(server, manu_index):
    """main.py with `--backend openai` against the running server's bare model (a real OpenAI-compatible server)."""
    result = subprocess.run(
        [sys.executable, "main.py", "--backend", "openai", "--base-url", f"{server['base']}/v1", "--model", "docqa-llm",
         "--api-key", KEY, "--index-dir", str(manu_index.index_dir), "--max-new-tokens", "64", "--json", ADIDAS],
        cwd=REPO, env=child_env(), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["backend"] == "openai"
    assert any(s["page"] in (53, 54) for s in answer["sources"])
    assert "750" in answer["answer"]
    assert answer["timings"]["ttft"] > 0 and answer["timings"]["generated_tokens"] > 0
