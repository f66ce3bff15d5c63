"""The web server: the Gradio page at `/`, the user's PDFs at `/pdf/<file>` (only files inside the data folder), the
places of other documents at `/place/<file>?n=N` (`rag.web.places`).

Every response carries a Content-Security-Policy that allows this origin only, so nothing on the page (an
image or link copied from a document into an answer included) can make the browser contact another host.
With a token (required for any bind beyond loopback) every request must present it: once as `?token=...`,
which sets an HttpOnly cookie, or as `Authorization: Bearer ...`. Beyond loopback a key from the keys file
(rag.index.keys, `python -m rag.serve keys add`) works as a token too and opens only its collections: the page's
collection picker offers just those, and documents are served only from them (docs/collections.md).
"""

from __future__ import annotations

import hmac
from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response

from rag.index.keys import EVERYTHING, Grant, KeyFile
from rag.web.engine import Engine
from rag.web.pages import NoSuchPage, page_png, view_html
from rag.web.ui import CSS, IMAGE_ROUTE, PDF_ROUTE, VIEW_ROUTE, WebUI
from rag.ingest.uploads import resolve_data_file

MAX_QUOTE = 2000  # characters of a quote to highlight; a longer one is cut


NOTHING = Grant()


def presented_secret(headers) -> str:
    """The token or key a request presents: the cookie set by `?token=`, else `Authorization: Bearer`."""
    from http.cookies import SimpleCookie

    cookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", "") or "")
    except Exception:  # noqa: BLE001 - a malformed cookie header presents nothing
        pass
    if TOKEN_COOKIE in cookie:
        return cookie[TOKEN_COOKIE].value
    bearer = headers.get("authorization", "") or ""
    return bearer[7:] if bearer.lower().startswith("bearer ") else ""


def make_access(token: str | None, key_file: KeyFile | None):
    """request -> Grant, for the routes and the page's handlers (Gradio passes its own request object, with the
    headers): everything with no token or key configured; else what the presented token or key opens."""

    def grant_for(presented: str) -> Grant | None:
        if token and hmac.compare_digest(presented.encode(), token.encode()):
            return EVERYTHING
        return key_file.grant(presented) if key_file is not None and presented else None

    def access(request) -> Grant:
        if not (token or key_file is not None):
            return EVERYTHING
        headers = getattr(request, "headers", None) or {}
        return grant_for(presented_secret(headers)) or NOTHING

    access.grant_for = grant_for
    # A keys file is given only beyond loopback: then a token or key is always needed, even once every key is
    # revoked (the file is re-read when it changed, so a revoked key fails at once).
    access.required = lambda: bool(token) or key_file is not None
    return access


def readable_engines(ui: WebUI, request) -> list[Engine]:
    """The engines of the collections this request may read, the default first."""
    engines = []
    for name in ui.allowed(request):
        if name not in ui.engines:
            from rag.index.collections import settings_for

            ui.engines[name] = ui.engine.sibling(settings_for(ui.engine.settings, name))
        engines.append(ui.engines[name])
    return engines


def find_file(ui: WebUI, request: Request, relative: str):
    """A document of a collection the request may read (the first that has this name), or None."""
    for engine in readable_engines(ui, request):
        path = resolve_data_file(engine.settings.data_dir, relative)
        if path is not None:
            return path
    return None


def _as_ui(ui) -> WebUI:
    """The page's handlers; an Engine alone stands for a page with its one default collection."""
    return ui if isinstance(ui, WebUI) else WebUI(ui, 0)


def add_pdf_route(app: FastAPI, ui: WebUI) -> None:
    ui = _as_ui(ui)

    @app.get(PDF_ROUTE + "/{relative:path}", include_in_schema=False)
    def serve_pdf(relative: str, request: Request) -> FileResponse:
        path = find_file(ui, request, relative)
        if path is None:
            raise HTTPException(status_code=404, detail="no such PDF in the data folder")
        return FileResponse(path, media_type="application/pdf", filename=path.name,
                            content_disposition_type="inline", headers={"X-Content-Type-Options": "nosniff"})


def add_page_routes(app: FastAPI, ui: WebUI) -> None:
    """A page as an image (`/page/<file>?p=N`) and the page view with a quote highlighted (`/view/<file>?p=N&q=…`)."""
    ui = _as_ui(ui)
    engine = ui.engine

    def found(relative: str, request: Request):
        path = find_file(ui, request, relative)
        if path is None:
            raise HTTPException(status_code=404, detail="no such PDF in the data folder")
        return path

    @app.get(IMAGE_ROUTE + "/{relative:path}", include_in_schema=False)
    def page_image(relative: str, request: Request, p: int = 1) -> Response:
        try:
            return Response(page_png(found(relative, request), p), media_type="image/png",
                            headers={"Cache-Control": "private, max-age=300"})
        except NoSuchPage:
            raise HTTPException(status_code=404, detail="no such page") from None

    @app.get(VIEW_ROUTE + "/{relative:path}", include_in_schema=False)
    def page_view(relative: str, request: Request, p: int = 1, q: str = "") -> HTMLResponse:
        try:
            return HTMLResponse(view_html(relative, found(relative, request), p, q[:MAX_QUOTE], pdf_route=PDF_ROUTE,
                                          image_route=IMAGE_ROUTE, ocr_languages=engine.ocr_languages()))
        except NoSuchPage:
            raise HTTPException(status_code=404, detail="no such page") from None


def add_place_route(app: FastAPI, ui: WebUI) -> None:
    """`/place/<file>?n=N`: unit N of a non-PDF document as the index holds it (`rag.web.places`)."""
    from rag.web.places import PLACE_ROUTE, place_page

    ui = _as_ui(ui)

    @app.get(PLACE_ROUTE + "/{relative:path}", include_in_schema=False)
    def serve_place(relative: str, request: Request, n: int = 1, q: str = "") -> HTMLResponse:
        page = None
        for engine in readable_engines(ui, request):
            page = place_page(engine.index, relative, n, q[:MAX_QUOTE]) if engine.index is not None else None
            if page is not None:
                break
        if page is None:
            raise HTTPException(status_code=404, detail="no such place in the indexed documents")
        return HTMLResponse(page)


# Gradio's page needs inline scripts and styles; data:/blob: cover its own icons and uploads. No remote source at all.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self' data:; connect-src 'self'; "
       "frame-src 'self'; object-src 'self'; worker-src 'self' blob:; form-action 'self'; base-uri 'self'; "
       "frame-ancestors 'self'")
TOKEN_COOKIE = "docqa_token"


def add_security(app: FastAPI, access) -> None:
    """The CSP and no-sniff headers on every response; when `access` requires a token (or key), refuse requests
    that present none that works. `access` may also be just the token (or None), from `make_access`'s caller."""
    if not callable(access):
        access = make_access(access, None)
    grant_for = access.grant_for

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if access.required():
            given = request.query_params.get("token")
            if given is not None and grant_for(given) is not None:
                rest = urlencode([(k, v) for k, v in parse_qsl(request.url.query) if k != "token"])
                response = RedirectResponse(request.url.path + (f"?{rest}" if rest else ""), status_code=303)
                response.set_cookie(TOKEN_COOKIE, given, httponly=True, samesite="strict")
                return _secured(response)
            if grant_for(presented_secret(request.headers)) is None:
                return _secured(PlainTextResponse("docqa: open this page with ?token=<the server's token>\n",
                                                  status_code=401))
        return _secured(await call_next(request))


def _secured(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def build_app(engine: Engine, *, max_upload_bytes: int, token: str | None = None,
              key_file: KeyFile | None = None, start: str = "default") -> FastAPI:
    import gradio as gr

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    access = make_access(token, key_file)
    add_security(app, access)
    ui = WebUI(engine, max_upload_bytes, access=access, start=start)
    add_pdf_route(app, ui)  # before the mount, so /pdf/ is not swallowed by the page
    add_page_routes(app, ui)
    add_place_route(app, ui)
    page = ui.build()
    page.queue(default_concurrency_limit=1)
    return gr.mount_gradio_app(app, page, path="", max_file_size=max_upload_bytes, ssr_mode=False,
                               footer_links=[], css=CSS, mcp_server=False, show_error=True)


def serve(app: FastAPI, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning")
