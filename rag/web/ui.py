"""The Gradio page: a streamed chat, the evidence page beside it with the quote highlighted, the sources under it;
settings and documents panels.

An answer's message is short so it is read without scrolling: the answer, its verdict mark and the sentence or row
it rests on, one line of numbered source links, timings. The evidence is shown first, as soon as retrieval has
found it (before the model's first token), both as a line in the message and as its page (`rag.web.pages`) in the
panel beside the chat; every source link opens its page the same way, with its passage highlighted.

Every handler turns failures into a message on the page (in the chat, the status line or the ingest
report), so a bad upload or a model that will not load never leaves the page dead.
"""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote as quote_url

import gradio as gr

from rag.cli.output import format_parts, format_points
from rag.errors import UserError
from rag.text import place_text
from rag.ingest.pipeline import IngestSummary, format_summary
from rag.llm import BACKENDS
from rag.answer.answerer import Answer
from rag.index.keys import EVERYTHING, Grant
from rag.web.engine import ChatSession, Engine, with_overrides
from rag.ingest.uploads import Rejected
from rag.ingest.detect import SUFFIXES

log = logging.getLogger("rag.web")

PDF_ROUTE = "/pdf"
IMAGE_ROUTE = "/page"  # a page rendered as PNG: /page/<file>?p=N
VIEW_ROUTE = "/view"  # a page with a quote highlighted: /view/<file>?p=N&q=<quote>
PAGE_VIEW_HEIGHT = 560
SEARCHING = "_Searching your documents…_"
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+|!~-])")
CSS = """
#status {font-size: 0.9em}
#page-view iframe {width: 100%; border: 1px solid #ddd; border-radius: 6px}
#page-view .empty {color: #777; padding: 1em}
.gradio-container {max-width: 1400px !important}
"""


# ---------------------------------------------------------------- formatting


def escape_markdown(text: str) -> str:
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def inert_markdown(text: str) -> str:
    """Text from the model or the user (so possibly copied from a document) shown as plain text: Markdown images
    and links, HTML and autolinked addresses become characters, never a request (the page's CSP blocks the rest)."""
    return escape_markdown(text).replace("://", ":&#47;&#47;").replace("www.", "www&#46;")


def view_link(file: str, page: int, quote: str = "") -> str:
    """The page view of `file` at `page` with `quote` highlighted (`rag.web.pages.view_html`); a file of another
    format opens at its place (`rag.web.places`)."""
    if not file.lower().endswith(".pdf"):
        from rag.web.places import place_link

        return place_link(file, page, quote)
    link = f"{VIEW_ROUTE}/{quote_url(file)}?p={page}"
    return link + (f"&q={quote_url(' '.join(quote.split())[:600], safe='')}" if quote.strip() else "")


def page_view_html(file: str, page: int, quote: str = "", where: str | None = None) -> str:
    """The panel beside the chat: the page view in a frame (its own document: the chat keeps streaming while the
    page renders and its words are placed)."""
    title = html.escape(f"{file}, {where or f'page {page}'}")
    return (f'<iframe id="page-frame" title="{title}" src="{html.escape(view_link(file, page, quote))}" '
            f'style="height:{PAGE_VIEW_HEIGHT}px" loading="eager"></iframe>')


EMPTY_PAGE_VIEW = '<div class="empty">The page of the evidence shows here, with the quoted words highlighted.</div>'


def grounding_markdown(answer: Answer) -> str:
    """A visible mark when a figure, date or name of the answer is in no passage; else the evidence sentence."""
    grounding = answer.grounding
    if grounding is None:
        return ""
    lines = []
    if grounding.grounded is False:
        missing = ", ".join(f"“{escape_markdown(text)}”" for text in grounding.missing)
        lines.append(f"⚠️ **Not found in the sources:** {missing}: no passage given to the model holds it; "
                     "check before relying on this answer.")
    for evidence in grounding.evidence:
        label = escape_markdown(f"[{evidence.source}] {evidence.file}, {evidence.where}")
        lines.append(f"**Evidence** [{label}]({view_link(evidence.file, evidence.page, evidence.sentence)}): "
                     f"“{escape_markdown(evidence.sentence)}”")
    if grounding.also_in:
        lines.append(also_stated(grounding.also_in, grounding.evidence[0].file if grounding.evidence else "",
                                 {source.number: source.place for source in answer.sources}))
    return "  \n".join(lines)


VERDICT_BADGES = {"verified": "✅ **Verified**", "contradicted": "❌ **Contradicted**",
                  "unsupported": "⚠️ **Unsupported**"}


def unit_link(unit) -> str:
    """An evidence unit's page view, the unit highlighted."""
    return view_link(unit.file, unit.page, unit.text)


def verdict_markdown(answer: Answer) -> str:
    """The verification verdict: the badge and why, and the sentence or table row it rests on, linked to its page."""
    verdict = answer.verdict
    if verdict is None:
        return grounding_markdown(answer)
    badge = VERDICT_BADGES[verdict.verdict]
    lines = [f"{badge}: {escape_markdown(verdict.reason)}" if verdict.verdict != "verified" else badge]
    unit = verdict.unit
    if unit is not None:
        label = escape_markdown(f"[{unit.source}] {unit.file}, {unit.where}")
        kind = "closest" if verdict.verdict == "unsupported" else "row" if unit.kind == "row" else "evidence"
        lines.append(f"{kind} [{label}]({unit_link(unit)}): “{escape_markdown(unit.to_dict()['text'])}”")
    grounding = answer.grounding
    if verdict.verdict == "verified" and grounding is not None and grounding.also_in:
        lines.append(also_stated(grounding.also_in, unit.file if unit else "",
                                 {source.number: source.place for source in answer.sources}))
    return "  \n".join(lines)


def also_stated(also_in, file: str, places: dict[int, str | None] | None = None) -> str:
    """The other pages (or places, by source number) stating the same figure, in one short line (the file named
    only when it is another)."""
    places = places or {}

    def label(n: int, other: str, page: int) -> str:
        where = place_text(page, places.get(n))
        return where if other == file else f"{other}, {where}"

    return "Also stated on " + ", ".join(
        f"[{escape_markdown(label(n, other, page))}]({view_link(other, page)})" for n, other, page in also_in)


def lead_markdown(unit) -> str:
    """The evidence shown first: the sentence or table row most like the question, linked to its page."""
    label = escape_markdown(f"{unit.file}, {unit.where}")
    return f"**Evidence** [{label}]({unit_link(unit)}): “{escape_markdown(unit.to_dict()['text'])}”"


def table_markdown(table: dict, limit: int = 8) -> str:
    """A passage's table rows as a Markdown table (label column, then one column per header)."""
    headers = [escape_markdown(head or "") for head in table.get("headers", [])]
    rows = [row for row in table.get("rows", []) if len(row) > 1]
    title = " ".join(part for part in (table.get("caption", ""), f"({table['unit']})" if table.get("unit") else "")
                     if part)
    out = [f"   *{escape_markdown(title)}*" if title else "",
           "| " + " | ".join(["", *headers]) + " |", "|" + "---|" * (len(headers) + 1)]
    for label, *values in rows[:limit]:
        out.append("| " + " | ".join(escape_markdown(str(cell)) for cell in [label, *values]) + " |")
    if len(rows) > limit:
        out.append(f"\n   … {len(rows) - limit} more row(s)")
    return "\n".join(line for line in out if line)


def source_link(source) -> str:
    """A source's page view, its best-matching passage text highlighted."""
    return view_link(source.file, source.page, source.snippet)


def source_marks(answer: Answer, source) -> str:
    return (" ✓ cited" if source.number in answer.cited
            else " ✓ evidence" if source.number in answer.supported_by else "")


def sources_line(answer: Answer) -> str:
    """The sources in one line under the answer, by file: number and place, each opening its page highlighted."""
    if answer.abstained and not answer.sources:
        return "**Sources:** none; the passages found cannot answer the question, so the model was not asked."
    by_file: dict[str, list[str]] = {}
    for s in answer.sources:
        by_file.setdefault(s.file, []).append(
            f"[{escape_markdown(f'[{s.number}] {s.where}')}]({source_link(s)}){escape_markdown(source_marks(answer, s))}")
    groups = [f"{escape_markdown(file)}: " + " · ".join(links) for file, links in by_file.items()]
    return "**Sources:** " + "; ".join(groups) if groups else ""


def sources_markdown(answer: Answer) -> str:
    """The sources in full for the panel beside the chat: score, the passage's snippet, its table rows."""
    if not answer.sources:
        return "_No sources: the passages found cannot answer the question._" if answer.abstained else ""
    lines = ["**Sources of the last answer**"]
    for source in answer.sources:
        label = escape_markdown(f"{source.file}, {source.where}" + (" (OCR text)" if source.ocr else ""))
        lines.append(f"{source.number}. [{label}]({source_link(source)}) · score {source.score:.2f}"
                     f"{escape_markdown(source_marks(answer, source))}  \n   {escape_markdown(source.snippet)}")
        if source.table and len(source.table.get("rows", [])) > 0:
            lines.append("\n" + table_markdown(source.table) + "\n")
    return "\n".join(lines)


def timings_markdown(answer: Answer) -> str:
    t = answer.timings
    parts = [f"retrieval {t.get('retrieval', 0.0):.2f} s"]
    if "first_look" in t:
        parts.append(f"looks with no answer {t['first_look']:.2f} s")
    if "ttft" in t:
        parts += [f"first token {t['ttft']:.2f} s", f"{t['tokens_per_second']:.1f} tokens/s",
                  f"{int(t['generated_tokens'])} tokens"]
    parts.append(f"total {t.get('total', 0.0):.2f} s")
    return "*Timings: " + " · ".join(parts) + "*"


def answer_markdown(answer: Answer, notices: list[str]) -> str:
    blocks = [inert_markdown(answer.answer) if answer.answer else "_(no answer)_"]
    if answer.stopped:
        blocks[0] += " _(stopped)_"
    blocks += [f"_{escape_markdown(note)}_" for note in notices]
    if answer.coverage:
        blocks.append(f"ℹ️ _{escape_markdown(answer.coverage)}_")
    checks = [format_points(answer), format_parts(answer)]  # a list answer's points, a comparison's verdicts
    blocks += [escape_markdown(text).replace("\n", "  \n") for text in checks if text]
    blocks += [block for block in [verdict_markdown(answer), sources_line(answer)] if block]
    blocks.append(timings_markdown(answer))
    return "\n\n".join(blocks)


def error_markdown(message: str) -> str:
    return f"⚠️ **Error:** {escape_markdown(message)}"


def upload_report(summary: IngestSummary | None, rejected: list[Rejected]) -> str:
    lines = [f"REFUSED {item.name}: {item.reason}" for item in rejected]
    if summary is not None:
        lines += [f"{item.status.upper():<9} {item.source}: {item.pages} pages, {item.chunks} chunks"
                  for item in summary.files if item.status != "failed"]
        lines.append(format_summary(summary))
    return "\n".join(lines) or "No files."


# ---------------------------------------------------------------- the page


class WebUI:
    """The handlers behind the page, over one shared Engine."""

    def __init__(self, engine: Engine, max_upload_bytes: int, access=None, start: str = "default"):
        self.engine = engine  # the default collection's; the others' are its siblings (shared models)
        self.max_upload_bytes = max_upload_bytes
        self.sessions: dict[str, ChatSession] = {}
        self.access = access or (lambda request: EVERYTHING)  # gr.Request -> Grant (rag.web.app: token or key)
        self.engines: dict[str, Engine] = {"default": engine}
        self.start = start  # the collection a new page starts with (python -m rag.web --collection)

    # --- collections (docs/collections.md) ---

    def allowed(self, request: gr.Request | None) -> list[str]:
        """The collections this request's token or key opens, `default` first when it may."""
        from rag.index.collections import names

        grant: Grant = self.access(request)
        return [name for name in names(self.engine.settings) if grant.allows(name)]

    def engine_for(self, request: gr.Request | None) -> Engine:
        """The engine of the session's collection, checked against the request's grant every time (a revoked key
        loses it at once)."""
        name = self.session(request).collection
        if name not in self.allowed(request):
            raise UserError("no such collection; pick one from the list")
        if name not in self.engines:
            from rag.index.collections import settings_for

            self.engines[name] = self.engine.sibling(settings_for(self.engine.settings, name))
        return self.engines[name]

    def on_load(self, request: gr.Request):
        """A page opened: the picker offers only this token's collections; the first is selected."""
        allowed = self.allowed(request)
        session = self.session(request)
        if session.collection not in allowed:
            session.collection = allowed[0] if allowed else ""
        return (gr.update(choices=allowed, value=session.collection or None), self.documents(request),
                self.status(request))

    def pick(self, name: str, request: gr.Request):
        """Another collection picked: a new conversation over its documents."""
        session = self.session(request)
        if name and name != session.collection:
            session.collection = name
            session.clear()
        return [], self.documents(request), self.status(request), EMPTY_PAGE_VIEW, ""

    def session(self, request: gr.Request | None) -> ChatSession:
        key = getattr(request, "session_hash", None) or "default"
        if key not in self.sessions:
            self.sessions[key] = ChatSession(collection=self.start)
        return self.sessions[key]

    def forget_session(self, request: gr.Request) -> None:
        session = self.sessions.pop(getattr(request, "session_hash", None) or "default", None)
        if session:
            session.clear()

    # --- status and documents ---

    def status(self, request: gr.Request | None = None) -> str:
        try:
            engine = self.engine_for(request) if request is not None else self.engine
        except UserError as exc:
            return f"⚠️ {escape_markdown(str(exc))}"
        parts = []
        if engine.startup_error:
            parts.append(f"⚠️ {escape_markdown(engine.startup_error)}")
        loaded = engine.loaded_backends()
        parts.append("Model: " + (escape_markdown(", ".join(loaded)) if loaded else "not loaded yet (loads on the first question)"))
        files = len(engine.index.manifest.files) if engine.index else 0
        chunks = len(engine.index.chunks) if engine.index else 0
        collection = self.session(request).collection if request is not None else "default"
        parts.append(f"Collection `{collection}`: {files} file(s), {chunks} chunks · data folder "
                     f"`{engine.settings.data_dir}`")
        return " · ".join(parts)

    def documents(self, request: gr.Request | None = None) -> list[list[Any]]:
        try:
            engine = self.engine_for(request) if request is not None else self.engine
        except UserError:
            return []
        engine.refresh_index()
        return engine.documents()

    # --- chat ---

    def respond(self, question: str, backend: str, model: str, k: float, max_new_tokens: float,
                temperature: float, top_k: float, top_p: float, repetition_penalty: float,
                request: gr.Request):
        """Stream the answer into the chat; yields (messages, question box, page view, sources panel).

        The page view shows the lead evidence's page as soon as it is known, then the page of the unit the
        verdict rests on when that is another one."""
        session = self.session(request)
        question = (question or "").strip()
        if not question:
            yield session.messages, "", gr.skip(), gr.skip()
            return
        generation, conversation = session.generation, session.conversation
        stop = session.begin_answer()  # before the page shows anything, so no Stop click is lost
        session.messages += [{"role": "user", "content": inert_markdown(question)},
                             {"role": "assistant", "content": SEARCHING}]
        yield session.messages, "", gr.skip(), ""
        overrides = {"backend": backend, "model": (model or "").strip() or None, "k": int(k),
                     "max_new_tokens": int(max_new_tokens), "temperature": float(temperature), "top_k": int(top_k),
                     "top_p": float(top_p), "repetition_penalty": float(repetition_penalty)}
        text, notices, lead, shown = "", [], "", None
        try:
            engine = self.engine_for(request)
        except UserError as exc:
            session.messages[-1] = {"role": "assistant", "content": error_markdown(str(exc))}
            yield session.messages, "", gr.skip(), ""
            return
        for event in engine.stream_answer(conversation, question, overrides, stop):
            if session.generation != generation:  # Clear was pressed meanwhile
                return
            view, panel = gr.skip(), gr.skip()
            if event.kind == "evidence":  # shown while the reader reads its prompt; the answer comes above it
                lead = lead_markdown(event.unit)
                content = f"{SEARCHING}\n\n{lead}"
                shown = (event.unit.file, event.unit.page, event.unit.text)
                view = page_view_html(*shown, where=event.unit.where)
            elif event.kind == "token":
                text += event.text
                content = inert_markdown(text) + (f"\n\n{lead}" if lead else "")
            elif event.kind == "notice":
                notices.append(event.text)
                continue
            elif event.kind == "done":
                content = answer_markdown(event.answer, notices)
                panel = sources_markdown(event.answer)
                unit = event.answer.verdict.unit if event.answer.verdict else None
                if unit is not None and (unit.file, unit.page, unit.text) != shown:
                    view = page_view_html(unit.file, unit.page, unit.text, where=unit.where)
            else:
                content = error_markdown(event.text)
            session.messages[-1] = {"role": "assistant", "content": content}
            yield session.messages, "", view, panel

    def stop(self, request: gr.Request) -> None:
        self.session(request).stop()

    def clear(self, request: gr.Request):
        self.session(request).clear()
        return [], "", EMPTY_PAGE_VIEW, ""

    # --- settings ---

    def load_model(self, backend: str, model: str) -> str:
        """Load (or find warm) the model chosen in the settings panel; report it in the status line."""
        try:
            settings = with_overrides(self.engine.settings, backend=backend, model=self.engine.model_path(model))
            loaded = self.engine.backend(settings)
        except UserError as exc:
            return f"⚠️ cannot load the {backend} model: {escape_markdown(str(exc))} · " + self.status()
        except Exception as exc:
            log.exception("model load failed")
            return f"⚠️ cannot load the {backend} model: {escape_markdown(f'{type(exc).__name__}: {exc}')}"
        return f"Using {escape_markdown(loaded.describe())} · " + self.status()

    # --- documents ---

    def add_documents(self, files: list[str] | None, request: gr.Request = None, progress=gr.Progress()):
        """Store and ingest uploaded PDFs into the session's collection; returns (report, documents table, upload
        box, status)."""
        if not files:
            return "No files.", self.documents(request), None, self.status(request)
        uploads = [(Path(path), Path(path).name) for path in files]
        stages = iter([0.05, 0.3, 0.9])

        def on_stage(text: str) -> None:
            progress(next(stages, 0.95), desc=text)

        notes: list[str] = []
        try:
            engine = self.engine_for(request)
            Path(engine.settings.data_dir).mkdir(parents=True, exist_ok=True)
            summary, rejected = engine.add_pdfs(uploads, self.max_upload_bytes, on_stage=on_stage, notes=notes)
            report = "\n".join([*notes, upload_report(summary, rejected)])
        except UserError as exc:
            report = f"ERROR: {exc}"
        except Exception as exc:
            log.exception("ingest failed")
            report = f"ERROR (internal): {type(exc).__name__}: {exc}"
        return report, self.documents(request), None, self.status(request)

    # --- layout ---

    def build(self) -> gr.Blocks:
        s = self.engine.settings
        # Gradio keeps its own copy of each upload; drop those copies within the hour (the PDF lives on in data/).
        with gr.Blocks(title="docqa", analytics_enabled=False, delete_cache=(600, 3600)) as page:
            gr.Markdown("## docqa: ask your PDFs\nLocal and private: the models run on this machine, "
                        "and nothing you ask or upload leaves it.")
            status = gr.Markdown(self.status(), elem_id="status")
            picker = gr.Dropdown(["default"], value="default", label="Collection",
                                 elem_id="collection", info="each collection has its own documents and index "
                                 "(docs/collections.md)")
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(label="Conversation", show_label=False, height=560, elem_id="chat",
                                      feedback_options=None, buttons=["copy"],
                                      placeholder="Ask a question about your documents. Follow-up questions "
                                                  "are answered with the conversation in mind.")
                    with gr.Row():
                        question = gr.Textbox(show_label=False, placeholder="Your question…", scale=8,
                                              elem_id="question", autofocus=True, container=False)
                        send = gr.Button("Send", variant="primary", scale=0, min_width=80, elem_id="send")
                        stop = gr.Button("Stop", variant="stop", scale=0, min_width=80, elem_id="stop")
                        clear = gr.Button("Clear", scale=0, min_width=80, elem_id="clear")
                with gr.Column(scale=2):
                    page_view = gr.HTML(EMPTY_PAGE_VIEW, elem_id="page-view", padding=False)
                    sources = gr.Markdown("", elem_id="sources-panel")
                    with gr.Accordion("Settings", open=False, elem_id="settings"):
                        backend = gr.Dropdown(list(BACKENDS), value=s.backend, label="Backend", elem_id="backend")
                        # Only models docqa knows (files under models/, the one named at start), never a typed path.
                        model = gr.Dropdown(self.engine.model_choices(), label="Model", elem_id="model",
                                            value=Path(s.model).name if s.model else "",
                                            info="empty: the backend's default model")
                        k = gr.Slider(1, max(20, s.k), value=s.k, step=1, label="Chunks retrieved (k)")
                        max_new = gr.Slider(16, max(1024, s.max_new_tokens), value=s.max_new_tokens, step=1,
                                            label="Max new tokens")
                        temperature = gr.Slider(0.0, max(2.0, s.temperature), value=s.temperature, step=0.05,
                                                label="Temperature", info="0: deterministic")
                        top_k = gr.Slider(0, max(100, s.top_k), value=s.top_k, step=1, label="Top-k",
                                          info="0: no limit")
                        top_p = gr.Slider(0.05, 1.0, value=s.top_p, step=0.05, label="Top-p")
                        repetition = gr.Slider(0.5, max(2.0, s.repetition_penalty), value=s.repetition_penalty,
                                               step=0.05, label="Repetition penalty")
                    with gr.Accordion("Documents", open=True, elem_id="documents"):
                        docs = gr.Dataframe(value=self.documents(), headers=["file", "pages", "chunks", "warnings"],
                                            interactive=False, elem_id="docs", wrap=True)
                        upload = gr.File(label=f"Add documents (up to {self.max_upload_bytes // 10**6} MB each)",
                                         file_count="multiple", file_types=sorted(SUFFIXES), elem_id="upload")
                        report = gr.Textbox(label="Ingest report", lines=6, interactive=False,
                                            elem_id="ingest-report")

            settings_inputs = [backend, model, k, max_new, temperature, top_k, top_p, repetition]
            gr.on([question.submit, send.click], self.respond, [question, *settings_inputs],
                  [chat, question, page_view, sources])
            stop.click(self.stop, None, None, queue=False)
            clear.click(self.clear, None, [chat, question, page_view, sources], queue=False)
            chat.clear(self.clear, None, [chat, question, page_view, sources], queue=False)  # the chat's own trash
            backend.change(self.load_model, [backend, model], [status])
            model.change(self.load_model, [backend, model], [status])
            upload.upload(self.add_documents, [upload], [report, docs, upload, status])
            picker.change(self.pick, [picker], [chat, docs, status, page_view, sources])
            page.load(self.on_load, None, [picker, docs, status])
            page.unload(self.forget_session)
        return page
