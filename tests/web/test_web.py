"""The web UI: upload checks and the PDF route (fast), and an end-to-end browser test with Playwright (slow).

The browser test starts `python -m rag.web` on a free port over a copy of the demo 20-F and its index,
drives Debian's chromium (never a Playwright browser download), and skips cleanly without
../shared/data or /usr/bin/chromium.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from rag.errors import UserError

from conftest import REPO, write_pdf
from fixtures_servers import stop

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
MANU_PDF = "manu-20f-2022-09-24.pdf"
ADIDAS = "How much is the minimum guarantee payable by adidas?"
ANSWER_TIMEOUT_MS = 600_000  # two shared cores: the first answer can take minutes under load
LAST_BOT_MESSAGE = "document.querySelectorAll('#chat [data-testid=\"bot\"]')"


# ---------------------------------------------------------------- uploads and the PDF route


def test_safe_pdf_name_keeps_uploads_inside_the_folder():
    from rag.ingest.uploads import UploadError, safe_pdf_name

    assert safe_pdf_name("Annual report (2023).pdf") == "Annual report (2023).pdf"
    assert safe_pdf_name("../../etc/passwd") == "passwd.pdf"
    assert safe_pdf_name("C:\\Users\\me\\évolution.PDF") == "évolution.pdf"
    assert safe_pdf_name(".hidden.pdf") == "hidden.pdf"
    assert safe_pdf_name("a;b|c$d.pdf") == "a_b_c_d.pdf"
    with pytest.raises(UploadError):
        safe_pdf_name("../...pdf")


def test_store_uploads_checks_magic_size_and_names(tmp_path, make_pdf):
    from rag.ingest.uploads import store_uploads

    good = make_pdf("in/report.pdf", ["Some text."], folder=tmp_path)
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"<html>not a pdf</html>")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    data = tmp_path / "data"
    stored, rejected = store_uploads(
        [(good, "../../escape.pdf"), (fake, "fake.pdf"), (empty, "empty.pdf"), (good, "big.pdf")],
        data, max_bytes=good.stat().st_size)
    assert stored == [data.resolve() / "escape.pdf", data.resolve() / "big.pdf"]  # the limit itself is allowed
    assert stored[0].read_bytes() == good.read_bytes()
    reasons = {item.name: item.reason for item in rejected}
    assert set(reasons) == {"fake.pdf", "empty.pdf"}
    assert "not a PDF" in reasons["fake.pdf"] and "empty" in reasons["empty.pdf"]
    stored, rejected = store_uploads([(good, "bigger.pdf")], data, max_bytes=good.stat().st_size - 1)
    assert stored == [] and "upload limit" in rejected[0].reason
    assert sorted(p.name for p in data.iterdir()) == ["big.pdf", "escape.pdf"]  # no temporary file left behind


@pytest.fixture
def pdf_client(settings, make_pdf, tmp_path):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from rag.web.app import add_pdf_route
    from rag.web.engine import Engine

    make_pdf("sub/doc.pdf", ["Page one.", "Page two."])
    (tmp_path / "secret.pdf").write_bytes(b"%PDF-1.4 outside the data folder")
    (settings.data_dir / "notes.txt").write_text("not a pdf")
    (settings.data_dir / "link.pdf").symlink_to(tmp_path / "secret.pdf")
    app = FastAPI()
    add_pdf_route(app, Engine(settings))
    return TestClient(app)


def test_pdf_route_serves_data_files_inline(pdf_client):
    response = pdf_client.get("/pdf/sub/doc.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")


@pytest.mark.parametrize("path", ["/pdf/../secret.pdf", "/pdf/%2e%2e/secret.pdf", "/pdf/..%2fsecret.pdf",
                                  "/pdf/link.pdf", "/pdf/notes.txt", "/pdf/missing.pdf", "/pdf//etc/passwd"])
def test_pdf_route_refuses_anything_outside_the_data_folder(pdf_client, path):
    assert pdf_client.get(path).status_code == 404


# ---------------------------------------------------------------- errors reach the page


def respond_messages(ui, question: str, **overrides) -> list[dict]:
    settings = ui.engine.settings
    values = {"backend": settings.backend, "model": "", "k": 2, "max_new_tokens": 16, "temperature": 0.0,
              "top_k": 1, "top_p": 1.0, "repetition_penalty": 1.0, **overrides}
    *_, (messages, _box, _view, _sources) = ui.respond(question, *values.values(), request=None)
    return messages


def test_no_index_and_a_bad_model_are_shown_in_the_chat(settings, make_pdf, embeddings):
    from rag.web.engine import Engine
    from rag.web.ui import WebUI

    engine = Engine(settings)
    ui = WebUI(engine, max_upload_bytes=10**6)
    messages = respond_messages(ui, "Anything?")
    assert "no documents are indexed yet" in messages[-1]["content"]

    make_pdf("kites.pdf", ["The Zephyr Kite Company employs 1,234 people."])
    engine.embeddings = embeddings
    report, rows, _box, status = ui.add_documents([str(settings.data_dir / "kites.pdf")])
    assert "kites.pdf" in report and rows == [["kites.pdf", 1, 1, ""]] and "1 file(s)" in status
    messages = respond_messages(ui, "How many people work there?", model="/nonexistent/model.gguf")
    assert messages[-1]["content"].startswith("⚠️ **Error:**") and "model.gguf" in messages[-1]["content"]
    assert "cannot load" in ui.load_model("ctransformers", "/nonexistent/model.gguf")


def test_each_model_is_loaded_once_and_kept_warm(settings):
    from rag.web.engine import Engine, with_overrides

    engine = Engine(settings)
    first = engine.backend(settings)
    assert engine.backend(with_overrides(settings, k=7, temperature=0.5)) is first  # sampling settings: same model
    assert engine.loaded_backends() == [first.describe()]


# ---------------------------------------------------------------- the browser, end to end


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"python -m rag.web exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    pytest.fail(f"python -m rag.web did not answer on {url} within {timeout:.0f}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def web_server(chromium, shared_data, manu_index, tmp_path_factory):
    """`python -m rag.web` on a free port, over copies of the 20-F and its index (uploads must not touch shared/)."""
    root = tmp_path_factory.mktemp("web")
    data = root / "data"
    data.mkdir()
    shutil.copy(shared_data / MANU_PDF, data / MANU_PDF)
    shutil.copytree(manu_index.index_dir, root / "index")
    port = free_port()
    log = root / "server.log"
    env = {**os.environ, "RAG_MODELS_DIR": str(REPO / "models"), "RAG_CACHE_DIR": str(REPO / ".cache")}
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "rag.web", "--port", str(port), "--data-dir", str(data),
             "--index-dir", str(root / "index")],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url, process, log)
        yield url
    finally:
        stop(process, 30)


def last_bot_text(page) -> str:
    return page.evaluate(f"() => {{ const m = {LAST_BOT_MESSAGE}; return m.length ? m[m.length - 1].innerText : ''; }}")


def ask(page, question: str) -> float:
    """Send `question`; return the seconds until the first answer text showed in the page."""
    bots_before = page.locator("#chat [data-testid='bot']").count()
    page.fill("#question textarea", question)
    started = time.perf_counter()
    page.click("#send")
    page.wait_for_function(
        f"""(before) => {{ const m = {LAST_BOT_MESSAGE};
            if (m.length <= before) return false;
            const text = m[m.length - 1].innerText.trim();
            return text.length > 0 && !text.includes('Searching your documents'); }}""",
        arg=bots_before, timeout=ANSWER_TIMEOUT_MS)
    return time.perf_counter() - started


def record_bot_texts(page) -> None:
    """Record, in the page, every text the last answer shows while it streams (a poll from the test may come too
    late on a loaded machine: 14 tokens take 0.13 s)."""
    page.evaluate(f"""() => {{ window.__botTexts = [];
        new MutationObserver(() => {{ const m = {LAST_BOT_MESSAGE};
            const t = m.length ? m[m.length - 1].innerText : '';
            if (t && t !== window.__botTexts[window.__botTexts.length - 1]) window.__botTexts.push(t); }})
        .observe(document.querySelector('#chat'), {{subtree: true, childList: true, characterData: true}}); }}""")


def wait_for_complete_answer(page) -> str:
    """The last answer once complete and the event is over (Gradio ignores a Send while its event is pending)."""
    page.wait_for_function(
        f"() => {{ const m = {LAST_BOT_MESSAGE}; const t = m.length ? m[m.length - 1].innerText : '';"
        " return (t.includes('Timings:') || t.includes('Error:')) && !document.querySelector('.generating'); }",
        timeout=ANSWER_TIMEOUT_MS)
    return last_bot_text(page)


def open_source(page, context, pattern: str) -> str:
    """Click the first source link whose href matches `pattern`; return the URL the new tab opened."""
    links = page.locator("#chat a[href^='/view/']")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    index = next((i for i, href in enumerate(hrefs) if re.search(pattern, href)), None)
    assert index is not None, f"no source link matching {pattern} among {hrefs}"
    with context.expect_page() as opened:
        links.nth(index).click()
    return opened.value.url


def evidence_shown_seconds(page, started: float) -> float:
    """Seconds from `started` until the evidence line is in the chat and its page frame is in the panel."""
    page.wait_for_function(
        f"""() => {{ const m = {LAST_BOT_MESSAGE};
            return m.length && m[m.length - 1].innerText.includes('Evidence')
                && document.querySelector('#page-view iframe#page-frame'); }}""", timeout=ANSWER_TIMEOUT_MS)
    return time.perf_counter() - started


def highlight_covers(frame, pdf: Path, phrase: str) -> bool:
    """Whether a highlight box in the page frame covers pdfium's box of `phrase` on the rendered page."""
    import pypdfium2 as pdfium

    number = int(re.search(r"[?&]p=(\d+)", frame.url).group(1))
    frame.wait_for_function("() => { const i = document.querySelector('#page img'); "
                            "return i && i.complete && i.naturalWidth > 0; }")
    document = pdfium.PdfDocument(str(pdf))
    try:
        pdf_page = document[number - 1]
        width, height = pdf_page.get_size()
        textpage = pdf_page.get_textpage()
        start, count = textpage.search(phrase, match_case=False).get_next()
        rects = [textpage.get_rect(i) for i in range(textpage.count_rects(start, count))]
    finally:
        document.close()
    image = frame.locator("#page img").bounding_box()
    marks = [frame.locator(".hl").nth(i).bounding_box() for i in range(frame.locator(".hl").count())]
    for left, bottom, right, top in rects:
        x0, x1 = image["x"] + left / width * image["width"], image["x"] + right / width * image["width"]
        y0, y1 = image["y"] + (height - top) / height * image["height"], image["y"] + (height - bottom) / height * image["height"]
        if any(m["x"] < x1 and x0 < m["x"] + m["width"] and m["y"] < y1 and y0 < m["y"] + m["height"] for m in marks):
            return True
    return False


def answer_visible_without_scrolling(page, text: str) -> bool:
    """Whether the line of the last answer holding `text` is inside both the chat box and the window."""
    return page.evaluate(
        f"""(text) => {{ const m = {LAST_BOT_MESSAGE}; const bot = m[m.length - 1];
            const line = [...bot.querySelectorAll('p, li')].find(e => e.innerText.includes(text));
            if (!line) return false;
            const r = line.getBoundingClientRect();
            const chat = document.querySelector('#chat [role="log"]') || document.querySelector('#chat');
            const c = chat.getBoundingClientRect();
            return r.top >= Math.max(c.top, 0) && r.bottom <= Math.min(c.bottom, window.innerHeight); }}""", text)


@pytest.mark.slow
@pytest.mark.shared
def test_browser_chat_sources_upload_stop_and_clear(chromium, web_server, shared_data, tmp_path):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.goto(web_server)
    page.wait_for_selector("#question textarea")

    # The adidas question: the evidence and its page first, then the streamed answer with 750.
    bots_before = page.locator("#chat [data-testid='bot']").count()
    page.fill("#question textarea", ADIDAS)
    record_bot_texts(page)
    started = time.perf_counter()
    page.click("#send")
    evidence_seconds = evidence_shown_seconds(page, started)
    page.wait_for_function(
        f"(before) => {{ const m = {LAST_BOT_MESSAGE}; return m.length > before && "
        "!m[m.length - 1].innerText.includes('Searching your documents'); }", arg=bots_before,
        timeout=ANSWER_TIMEOUT_MS)
    ui_ttft = time.perf_counter() - started
    answer = wait_for_complete_answer(page)
    assert "750" in answer, answer
    shown = [text for text in page.evaluate("() => window.__botTexts") if "Searching your documents" not in text]
    assert len(shown) >= 2 and "Timings:" not in shown[0], shown  # text kept arriving after the first piece
    ttft_shown = float(re.search(r"first token ([\d.]+) s", answer).group(1))
    assert "Cited: none" not in answer and "Sources:" in answer
    assert answer_visible_without_scrolling(page, "750"), "the answer is not readable without scrolling"

    # Beside it, the evidence page with the quoted words highlighted on the rendered page.
    frame = page.frame_locator("#page-frame")
    frame_page = next(f for f in page.frames if "/view/" in f.url)
    assert re.search(rf"/view/{MANU_PDF}\?p=\d+&q=", frame_page.url), frame_page.url
    assert "minimum guarantee" in frame_page.url.replace("%20", " ").lower()
    assert highlight_covers(frame_page, shared_data / MANU_PDF, "minimum guarantee"), "highlight misses the words"
    assert frame.locator(".hl").count() >= 1
    page.screenshot(path=str(tmp_path / "docqa-web.png"))

    # A source opens its page the same way in a new tab, and the page image really is served.
    opened = open_source(page, context, r"\?p=5[34]&")
    assert re.search(rf"/view/{MANU_PDF}\?p=5[34]&q=", opened), opened
    response = page.request.get(re.sub(r"/view/(.*)\?p=(\d+).*", r"/page/\1?p=\2", opened))
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    page.click("#settings button")  # open the settings panel for the full-page screenshot
    page.screenshot(path=str(tmp_path / "docqa-web-full.png"), full_page=True)

    # Upload a new PDF (and a fake one), then ask about it.
    upload = write_pdf(tmp_path / "upload" / "Zephyr kites 2023.pdf", [
        "Annual report of the Zephyr Kite Company for 2023.",
        "Staff. The Zephyr Kite Company employs 1,234 people in its workshop in Lisbon."])
    fake = tmp_path / "upload" / "notes.pdf"
    fake.write_text("just text, not a PDF")
    page.set_input_files("#upload input[type=file]", [str(upload), str(fake)])
    page.wait_for_function("() => document.querySelector('#ingest-report textarea').value.includes('Files:')",
                           timeout=ANSWER_TIMEOUT_MS)
    report = page.input_value("#ingest-report textarea")
    assert "ADDED     Zephyr kites 2023.pdf: 2 pages" in report and "REFUSED notes.pdf: not a PDF" in report
    assert "Zephyr kites 2023.pdf" in page.locator("#docs").inner_text()
    ask(page, "How many people does the Zephyr Kite Company employ?")
    answer = wait_for_complete_answer(page)
    assert "1,234" in answer or "1234" in answer, answer
    assert re.search(r"Zephyr kites 2023\.pdf: (.* · )?\[\d\] page 2", answer), answer
    page.screenshot(path=str(tmp_path / "docqa-web-upload.png"), full_page=True)

    # A question over the 20-F, stopped while its long prompt is processed (so after its first piece; the
    # tiny Zephyr file answers in about two seconds, too fast to stop reliably); then Clear empties the chat.
    page.fill("#question textarea", "How much broadcasting revenue did Manchester United report for fiscal 2022?")
    page.click("#send")
    page.wait_for_function(f"() => {{ const m = {LAST_BOT_MESSAGE}; "
                           "return m.length && m[m.length - 1].innerText.includes('Searching your documents'); }")
    page.click("#stop")
    assert "(stopped)" in wait_for_complete_answer(page)
    page.click("#clear")
    page.wait_for_function(f"() => {LAST_BOT_MESSAGE}.length === 0")

    assert hosts == {web_server.split("/")[2]}, f"requests left the machine: {hosts}"
    measured = {"ui_first_evidence_seconds": round(evidence_seconds, 2), "ui_first_token_seconds": round(ui_ttft, 2),
                "server_ttft_seconds": ttft_shown,
                "screenshot": str(tmp_path / "docqa-web.png")}
    (tmp_path / "ttft.json").write_text(json.dumps(measured))
    print(f"\nweb UI: {measured}")
    context.close()


# ---------------------------------------------------------------- hardening (issue 16)


def test_uploads_never_overwrite_an_existing_document(tmp_path, make_pdf):
    from rag.ingest.uploads import store_uploads

    first = make_pdf("in1/report.pdf", ["First report."], folder=tmp_path)
    second = make_pdf("in2/report.pdf", ["A different report."], folder=tmp_path)
    data = tmp_path / "data"
    notes: list[str] = []
    stored, _ = store_uploads([(first, "report.pdf")], data, 10**6, notes)
    again, _ = store_uploads([(first, "report.pdf"), (second, "report.pdf")], data, 10**6, notes)
    assert again[0] == stored[0]  # the same document again: the same file
    assert again[1] == data.resolve() / "report (2).pdf" and again[1].read_bytes() == second.read_bytes()
    assert stored[0].read_bytes() == first.read_bytes()  # the original is untouched
    assert notes == ["RENAMED report.pdf: report.pdf already exists with other content; stored as report (2).pdf"]
    assert sorted(p.name for p in data.iterdir()) == ["report (2).pdf", "report.pdf"]


def test_model_box_offers_only_known_models(settings, tmp_path):
    from rag.web.engine import Engine
    from rag.web.ui import WebUI

    engine = Engine(settings)
    choices = engine.model_choices()
    assert choices[0] == "" and all("/" not in name for name in choices)
    assert "SmolLM2-135M-Instruct.ctransformers.q8_0.gguf" in choices
    assert engine.model_path(choices[1]) == settings.models_dir / choices[1]
    (tmp_path / "exists.gguf").write_bytes(b"GGUF not really")
    messages = []
    for path in (tmp_path / "exists.gguf", tmp_path / "missing.gguf", Path("/etc/passwd")):
        with pytest.raises(UserError) as caught:
            engine.model_path(str(path))
        messages.append(str(caught.value).replace(repr(str(path)), "X"))
    assert len(set(messages)) == 1 and "not one of the models offered" in messages[0]  # no existence oracle
    ui = WebUI(engine, max_upload_bytes=10**6)
    assert "not one of the models offered" in ui.load_model("ctransformers", "/etc/passwd")
    assert engine.loaded_backends() == []  # nothing was parsed


def test_loaded_models_are_bounded(settings):
    from rag.web.engine import Engine, with_overrides

    engine = Engine(settings.model_copy(update={"web_max_models": 1}))
    first = engine.backend(settings)
    second = engine.backend(with_overrides(settings, threads=1))  # another load key
    assert second is not first and engine.loaded_backends() == [second.describe()]


def test_retriever_built_once_per_index_version_and_reloaded_after_a_cli_ingest(settings, make_pdf, embeddings,
                                                                                llm_backend):
    from rag.ingest.pipeline import ingest
    from rag.web.engine import Engine

    make_pdf("kites.pdf", ["The Zephyr Kite Company employs 1,234 people."])
    ingest(settings, progress=False, embeddings=embeddings)
    engine = Engine(settings)
    engine.embeddings = embeddings
    engine.reload_index()
    engine._backends[engine._backend_key(settings)] = llm_backend  # the default model, already loaded
    first = engine.answerer(k=3)
    assert engine.answerer(k=3).retriever is first.retriever
    make_pdf("boats.pdf", ["The Nautilus Boat Works builds 56 sailing boats a year."])
    ingest(settings, progress=False, embeddings=embeddings)  # as `python -m rag.ingest` would, beside the server
    after = engine.answerer(k=3)
    assert after.retriever is not first.retriever
    assert set(after.retriever.index.manifest.files) == {"kites.pdf", "boats.pdf"}
    assert "Nautilus" in after.retriever.invoke("Who builds sailing boats?")[0].page_content


@pytest.mark.slow
def test_uploads_are_parsed_in_a_worker_with_a_time_limit(settings, make_pdf, embeddings, tmp_path):
    """A file that takes too long to parse fails alone: the worker is killed, the server and the other files go on."""
    from rag.web.engine import Engine
    from rag.web.ui import WebUI

    slow = make_pdf("long.pdf", [f"Page {n} of a long report about kites and wind. " * 30 for n in range(600)],
                    folder=tmp_path / "in")
    good = make_pdf("kites.pdf", ["The Zephyr Kite Company employs 1,234 people."], folder=tmp_path / "in")
    engine = Engine(settings.model_copy(update={"upload_parse_seconds": 0.3}))
    engine.embeddings = embeddings
    ui = WebUI(engine, max_upload_bytes=10**8)
    report, rows, _box, _status = ui.add_documents([str(slow), str(good)])
    assert "FAILED  long.pdf: parsing took longer than 0.3 s (limit)" in report, report
    assert [row[0] for row in rows] == ["kites.pdf"]


def test_answers_and_questions_are_shown_inert():
    from rag.answer.answerer import Answer
    from rag.web.ui import answer_markdown, inert_markdown

    evil = "See ![x](http://203.0.113.9/?q=secret) and [here](http://203.0.113.9/) or <img src=http://a/b>."
    for shown in (inert_markdown(evil), answer_markdown(Answer(question="q", answer=evil), [])):
        text = shown.split("\n\n")[0]
        assert not re.search(r"(?<!\\)[!\[\]()<>]", text) and "://" not in text, text  # every one escaped


def test_responses_carry_a_csp_and_a_token_guards_every_route(settings, make_pdf):
    from fastapi.testclient import TestClient

    from rag.web.app import build_app
    from rag.web.engine import Engine

    make_pdf("doc.pdf", ["Page one."])
    open_app = TestClient(build_app(Engine(settings), max_upload_bytes=10**6))
    response = open_app.get("/")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "img-src 'self' data: blob:" in csp and "http" not in csp
    guarded = TestClient(build_app(Engine(settings), max_upload_bytes=10**6, token="s3cret"))
    for path in ("/", "/pdf/doc.pdf", "/config", "/?token=wrong"):
        assert guarded.get(path).status_code == 401, path
    assert guarded.get("/pdf/doc.pdf", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    entered = guarded.get("/?token=s3cret", follow_redirects=False)
    assert entered.status_code == 303 and entered.headers["location"] == "/"
    assert guarded.get("/pdf/doc.pdf").status_code == 200  # the cookie set above


def test_binding_beyond_loopback_needs_a_token(settings):
    env = {"PATH": "/usr/bin:/bin", "RAG_INDEX_DIR": str(settings.index_dir), "RAG_DATA_DIR": str(settings.data_dir)}
    run = subprocess.run([sys.executable, "-m", "rag.web", "--host", "0.0.0.0", "--port", "1"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and run.stderr.startswith("error: ") and "--token" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.slow
@pytest.mark.shared
def test_browser_makes_no_request_for_remote_images_or_links(chromium, web_server):
    """Markdown images and links in the chat (typed here, or copied from a document by the model) are shown as text,
    and the page's CSP blocks any request to another host even if one reached the DOM."""
    import http.server
    import threading

    hits: list[str] = []

    class Listener(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    remote = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Listener)  # another origin, standing for the Internet
    threading.Thread(target=remote.serve_forever, daemon=True).start()
    elsewhere = f"http://127.0.0.2:{remote.server_address[1]}"
    context = chromium.new_context()
    page = context.new_page()
    try:
        response = page.goto(web_server)
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_selector("#question textarea")
        ask(page, f"What is shown in ![chart]({elsewhere}/image.png) and [this page]({elsewhere}/link)?")
        wait_for_complete_answer(page)
        chat = page.locator("#chat")
        assert chat.locator(f"img[src*='127.0.0.2']").count() == 0
        assert chat.locator(f"a[href*='127.0.0.2']").count() == 0
        assert "![chart](" in page.locator("#chat [data-testid='user']").last.inner_text()  # shown as typed text
        page.evaluate("""(url) => { const img = document.createElement('img'); img.src = url + '/injected.png';
                                    document.querySelector('#chat').appendChild(img);
                                    fetch(url + '/fetched').catch(() => null); }""", elsewhere)
        page.wait_for_timeout(2000)
        assert hits == [], f"the browser contacted another host: {hits}"
    finally:
        context.close()
        remote.shutdown()


def test_verdict_table_and_lead_evidence_are_shown():
    from rag.answer.answerer import Answer, Source
    from rag.answer.verify import verify
    from rag.web.ui import answer_markdown, lead_markdown, sources_markdown

    row = "Broadcasting revenue (£’000): 2022: 214,847; 2021: 254,815"
    text = f"Table: Selected financial data (£’000) columns: 2022 | 2021\n{row}"
    table = {"caption": "Selected financial data", "unit": "£’000", "headers": ["2022", "2021"],
             "rows": [["Broadcasting revenue", "214,847", "254,815"]]}
    source = Source(number=1, file="club.pdf", page=7, score=0.8, text=text, table=table)
    question = "What was broadcasting revenue in 2021?"
    answer = Answer(question=question, answer="£214,847 thousand", sources=[source])
    answer.verdict = verify(answer.answer, answer.sources, question)
    shown = answer_markdown(answer, [])
    assert "❌ **Contradicted**" in shown and "254,815 for 2021" in shown
    panel = sources_markdown(answer)
    assert "| Broadcasting revenue | 214,847 | 254,815 |" in panel and "|  | 2022 | 2021 |" in panel
    assert "/view/club.pdf?p=7&q=Broadcasting%20revenue" in shown  # the row opens its page, highlighted
    assert shown.index("£214,847 thousand") < shown.index("Contradicted") < shown.index("**Sources:**")
    assert "Cited" not in shown and "|" not in shown.split("**Sources:**")[1]  # the message stays short
    lead = lead_markdown(answer.verdict.unit)
    assert lead.startswith("**Evidence**") and "page 7" in lead
