"""The web server: the Gradio page at `/`, the user's PDFs at `/pdf/<file>` (only files inside the data folder)."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse

from rag.web.engine import Engine
from rag.web.ui import CSS, PDF_ROUTE, WebUI
from rag.web.uploads import resolve_data_file


def add_pdf_route(app: FastAPI, engine: Engine) -> None:
    @app.get(PDF_ROUTE + "/{relative:path}", include_in_schema=False)
    def serve_pdf(relative: str) -> FileResponse:
        path = resolve_data_file(engine.settings.data_dir, relative)
        if path is None:
            raise HTTPException(status_code=404, detail="no such PDF in the data folder")
        return FileResponse(path, media_type="application/pdf", filename=path.name,
                            content_disposition_type="inline", headers={"X-Content-Type-Options": "nosniff"})


def build_app(engine: Engine, *, max_upload_bytes: int) -> FastAPI:
    import gradio as gr

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    add_pdf_route(app, engine)  # before the mount, so /pdf/ is not swallowed by the page
    page = WebUI(engine, max_upload_bytes).build()
    page.queue(default_concurrency_limit=1)
    return gr.mount_gradio_app(app, page, path="", max_file_size=max_upload_bytes, ssr_mode=False,
                               footer_links=[], css=CSS, mcp_server=False, show_error=True)


def serve(app: FastAPI, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning")
