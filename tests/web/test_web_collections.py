"""The web UI's collections (docs/collections.md): the picker offers only what a token or key opens, and the
documents table, uploads, answers and document routes follow the picked collection.

Real collections, indexes and keys file; the routes through the real app (FastAPI's test client). The page's
handlers get a request like the one Gradio passes: its headers (the cookie set by `?token=`) and session.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from test_web import chromium  # noqa: F401 - the browser, a fixture

import pytest
from fixtures_servers import stop

pytest.importorskip("gradio")


@dataclass
class PageRequest:
    """What the handlers read of Gradio's request: the headers and the browser tab's session."""

    headers: dict = field(default_factory=dict)
    session_hash: str = "tab-1"


@pytest.fixture
def library(settings, make_pdf, embeddings, tmp_path):
    """default, legal and hr, each with one document, and a keys file with a key for legal."""
    from rag.index import collections
    from rag.index.keys import KeyFile
    from rag.ingest.pipeline import ingest

    make_pdf("office.pdf", ["The Pelworth office opens at 7 o'clock."])
    ingest(settings, progress=False, embeddings=embeddings)
    for name, text in (("legal", "The Zorblax licence fee is 4,321 krona."),
                       ("hr", "Every Quenwick employee has 29 days of holiday.")):
        folder = tmp_path / f"docs-{name}"
        make_pdf(f"{name}.pdf", [text], folder=folder)
        collections.create(settings, name, [folder])
        ingest(collections.settings_for(settings, name), progress=False, embeddings=embeddings)
    keys = KeyFile(settings.index_dir / "keys.json")
    return {"settings": settings, "keys": keys, "legal": keys.add("legal-only", ["legal"]),
            "all": keys.add("everyone", ["*"])}


def page(library, embeddings):
    from rag.web.app import make_access
    from rag.web.engine import Engine
    from rag.web.ui import WebUI

    engine = Engine(library["settings"])
    engine.embeddings = embeddings
    engine.reload_index()
    return WebUI(engine, 10**6, access=make_access(None, library["keys"]))


def cookie(secret: str) -> dict:
    return {"cookie": f"docqa_token={secret}"}


def test_the_picker_offers_only_the_keys_collections(library, embeddings):
    ui = page(library, embeddings)
    legal = PageRequest(cookie(library["legal"]))
    picker, rows, status = ui.on_load(legal)
    assert picker["choices"] == ["legal"] and picker["value"] == "legal"
    assert [row[0] for row in rows] == ["legal.pdf"] and "legal" in status
    everyone = PageRequest(cookie(library["all"]), session_hash="tab-2")
    assert ui.on_load(everyone)[0]["choices"] == ["default", "hr", "legal"]
    _chat, rows, _status, _view, _panel = ui.pick("hr", everyone)
    assert [row[0] for row in rows] == ["hr.pdf"]
    nobody = PageRequest(cookie("dq-wrong"), session_hash="tab-3")
    assert ui.on_load(nobody)[0]["choices"] == []


def test_a_collection_the_key_does_not_open_is_refused_everywhere(library, embeddings):
    ui = page(library, embeddings)
    legal = PageRequest(cookie(library["legal"]))
    ui.on_load(legal)
    ui.pick("hr", legal)  # a crafted request: hr is not on this key's picker
    assert ui.documents(legal) == [] and "no such collection" in ui.status(legal)
    report, rows, _box, _status = ui.add_documents([str(library["settings"].data_dir / "office.pdf")], legal)
    assert report.startswith("ERROR") and "no such collection" in report and rows == []
    values = ["ctransformers", "", 2, 16, 0.0, 1, 1.0, 1.0]
    *_, (messages, _q, _view, _sources) = ui.respond("How many days of holiday?", *values, request=legal)
    assert "no such collection" in messages[-1]["content"] and "29" not in messages[-1]["content"]


def test_uploads_go_to_the_picked_collection(library, embeddings, make_pdf, tmp_path):
    from rag.index import collections

    ui = page(library, embeddings)
    legal = PageRequest(cookie(library["legal"]))
    ui.on_load(legal)
    upload = make_pdf("contract.pdf", ["A contract with Zorblax."], folder=tmp_path / "incoming")
    report, rows, _box, status = ui.add_documents([str(upload)], legal)
    assert "contract.pdf" in report and {row[0] for row in rows} == {"legal.pdf", "contract.pdf"}
    legal_settings = collections.settings_for(library["settings"], "legal")
    assert (legal_settings.data_dir / "contract.pdf").is_file()
    assert not (library["settings"].data_dir / "contract.pdf").exists()


def test_document_routes_serve_only_the_keys_collections_and_revocation_is_immediate(library, embeddings):
    from fastapi.testclient import TestClient

    from rag.web.app import build_app
    from rag.web.engine import Engine

    engine = Engine(library["settings"])
    engine.embeddings = embeddings
    client = TestClient(build_app(engine, max_upload_bytes=10**6, key_file=library["keys"]))
    legal = {"Authorization": f"Bearer {library['legal']}"}
    assert client.get("/pdf/legal.pdf", headers=legal).status_code == 200
    assert client.get("/pdf/hr.pdf", headers=legal).status_code == 404
    assert client.get("/pdf/office.pdf", headers=legal).status_code == 404
    assert client.get("/pdf/nosuch.pdf", headers=legal).status_code == 404
    assert client.get("/pdf/legal.pdf").status_code == 401
    assert client.get("/pdf/hr.pdf", headers={"Authorization": f"Bearer {library['all']}"}).status_code == 200
    library["keys"].revoke("legal-only")
    assert client.get("/pdf/legal.pdf", headers=legal).status_code == 401


def test_beyond_loopback_revoking_every_key_does_not_open_the_page(library, embeddings):
    from fastapi.testclient import TestClient

    from rag.web.app import build_app
    from rag.web.engine import Engine

    engine = Engine(library["settings"])
    engine.embeddings = embeddings
    client = TestClient(build_app(engine, max_upload_bytes=10**6, key_file=library["keys"]))
    library["keys"].revoke("legal-only")
    library["keys"].revoke("everyone")
    assert client.get("/pdf/office.pdf").status_code == 401
    assert client.get("/pdf/office.pdf", headers={"Authorization": f"Bearer {library['all']}"}).status_code == 401


def wait_until_up(url: str, process, log, headers: dict, timeout: float = 300) -> None:
    import time
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"python -m rag.web exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    pytest.fail(f"python -m rag.web did not answer on {url} within {timeout:.0f}s:\n{log.read_text()[-3000:]}")


def outside_address() -> str | None:
    """This machine's address on its network (not loopback), where the page needs a token or key."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = sock.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


@pytest.mark.slow
def test_browser_beyond_loopback_a_key_sees_only_its_collections(library, chromium, tmp_path):
    """The real `python -m rag.web` on this machine's network address and Chromium: the picker and the documents
    table of a key for legal."""
    import os
    import subprocess
    import sys

    from conftest import REPO
    from test_web import free_port

    host = outside_address()
    if host is None:
        pytest.skip("no network address other than loopback")
    settings, port = library["settings"], free_port()
    log = tmp_path / "web.log"
    env = {**os.environ, "RAG_MODELS_DIR": str(REPO / "models"), "RAG_CACHE_DIR": str(REPO / ".cache")}
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "rag.web", "--host", host, "--port", str(port),
                                    "--data-dir", str(settings.data_dir), "--index-dir", str(settings.index_dir)],
                                   cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://{host}:{port}/"
    try:
        wait_until_up(url, process, log, headers={"Authorization": f"Bearer {library['all']}"})
        page = chromium.new_page()
        assert page.goto(url).status == 401
        page.goto(url + f"?token={library['legal']}")
        page.wait_for_selector("#collection", timeout=60_000)
        page.wait_for_function("document.querySelector('#status').innerText.includes('legal')", timeout=60_000)
        page.click("#collection input")
        options = page.locator("ul[role=listbox] li").all_inner_texts()
        assert [option.replace("✓", "").strip() for option in options] == ["legal"]
        assert "legal.pdf" in page.inner_text("#docs") and "office.pdf" not in page.inner_text("#docs")
        assert page.request.get(url + "pdf/office.pdf").status == 404  # the cookie's key does not open default
        assert page.request.get(url + "pdf/legal.pdf").status == 200
        page.close()
    finally:
        stop(process, 30)
