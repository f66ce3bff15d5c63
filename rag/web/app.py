"""The web server: the Gradio page at `/`, the user's PDFs at `/pdf/<file>` (only files inside the data folder), the
places of other documents at `/place/<file>?n=N` (`rag.web.places`).

Every response carries a Content-Security-Policy that allows this origin only, so nothing on the page (an
image or link copied from a document into an answer included) can make the browser contact another host.
With a token (required for any bind beyond loopback) every request must present it: once as `?token=...`,
which sets an HttpOnly cookie, or as `Authorization: Bearer ...`.
"""

from __future__ import annotations

import hmac
from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response

from rag.web.engine import Engine
from rag.web.pages import NoSuchPage, page_png, view_html
from rag.web.ui import CSS, IMAGE_ROUTE, PDF_ROUTE, VIEW_ROUTE, WebUI
from rag.ingest.uploads import resolve_data_file

MAX_QUOTE = 2000  # characters of a quote to highlight; a longer one is cut


def add_pdf_route(app: FastAPI, engine: Engine) -> None:
    @app.get(PDF_ROUTE + "/{relative:path}", include_in_schema=False)
    def serve_pdf(relative: str) -> FileResponse:
        path = resolve_data_file(engine.settings.data_dir, relative)
        if path is None:
            raise HTTPException(status_code=404, detail="no such PDF in the data folder")
        return FileResponse(path, media_type="application/pdf", filename=path.name,
                            content_disposition_type="inline", headers={"X-Content-Type-Options": "nosniff"})


def add_page_routes(app: FastAPI, engine: Engine) -> None:
    """A page as an image (`/page/<file>?p=N`) and the page view with a quote highlighted (`/view/<file>?p=N&q=…`)."""

    def found(relative: str):
        path = resolve_data_file(engine.settings.data_dir, relative)
        if path is None:
            raise HTTPException(status_code=404, detail="no such PDF in the data folder")
        return path

    @app.get(IMAGE_ROUTE + "/{relative:path}", include_in_schema=False)
    def page_image(relative: str, p: int = 1) -> Response:
        try:
            return Response(page_png(found(relative), p), media_type="image/png",
                            headers={"Cache-Control": "private, max-age=300"})
        except NoSuchPage:
            raise HTTPException(status_code=404, detail="no such page") from None

    @app.get(VIEW_ROUTE + "/{relative:path}", include_in_schema=False)
    def page_view(relative: str, p: int = 1, q: str = "") -> HTMLResponse:
        try:
            return HTMLResponse(view_html(relative, found(relative), p, q[:MAX_QUOTE], pdf_route=PDF_ROUTE,
                                          image_route=IMAGE_ROUTE, ocr_languages=engine.ocr_languages()))
        except NoSuchPage:
            raise HTTPException(status_code=404, detail="no such page") from None


def add_place_route(app: FastAPI, engine: Engine) -> None:
    """`/place/<file>?n=N`: unit N of a non-PDF document as the index holds it (`rag.web.places`)."""
    from rag.web.places import PLACE_ROUTE, place_page

    @app.get(PLACE_ROUTE + "/{relative:path}", include_in_schema=False)
    def serve_place(relative: str, n: int = 1, q: str = "") -> HTMLResponse:
        page = place_page(engine.index, relative, n, q[:MAX_QUOTE]) if engine.index is not None else None
        if page is None:
            raise HTTPException(status_code=404, detail="no such place in the indexed documents")
        return HTMLResponse(page)


# Gradio's page needs inline scripts and styles; data:/blob: cover its own icons and uploads. No remote source at all.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self' data:; connect-src 'self'; "
       "frame-src 'self'; object-src 'self'; worker-src 'self' blob:; form-action 'self'; base-uri 'self'; "
       "frame-ancestors 'self'")
TOKEN_COOKIE = "docqa_token"


def add_security(app: FastAPI, token: str | None) -> None:
    """The CSP and no-sniff headers on every response; with `token`, refuse requests that do not present it."""

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if token:
            given = request.query_params.get("token")
            if given is not None and hmac.compare_digest(given.encode(), token.encode()):
                rest = urlencode([(k, v) for k, v in parse_qsl(request.url.query) if k != "token"])
                response = RedirectResponse(request.url.path + (f"?{rest}" if rest else ""), status_code=303)
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
                return _secured(response)
            bearer = request.headers.get("authorization", "")
            presented = request.cookies.get(TOKEN_COOKIE) or (bearer[7:] if bearer.lower().startswith("bearer ")
                                                              else "")
            if not hmac.compare_digest(presented.encode(), token.encode()):
                return _secured(PlainTextResponse("docqa: open this page with ?token=<the server's token>\n",
                                                  status_code=401))
        return _secured(await call_next(request))


def _secured(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def build_app(engine: Engine, *, max_upload_bytes: int, token: str | None = None) -> FastAPI:
    import gradio as gr

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    add_security(app, token)
    add_pdf_route(app, engine)  # before the mount, so /pdf/ is not swallowed by the page
    add_page_routes(app, engine)


    add_place_route(app, engine)
    page = WebUI(engine, max_upload_bytes).build()
    page.queue(default_concurrency_limit=1)
    return gr.mount_gradio_app(app, page, path="", max_file_size=max_upload_bytes, ssr_mode=False,
                               footer_links=[], css=CSS, mcp_server=False, show_error=True)


def serve(app: FastAPI, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning")
