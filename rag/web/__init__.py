"""`python -m rag.web`: the browser UI (Gradio) over the same answering and ingest code as the CLI.

- `app`: the FastAPI app (the Gradio UI mounted at `/`, PDFs served from the data folder at `/pdf/`) and the server.
- `engine`: the loaded models and index behind the UI, shared by all browser sessions.
- `ui`: the Gradio page: chat, sources, settings and documents panels.

A top stage beside `serve` and `eval`: it uses the pipeline (uploads are checked and stored by `rag.ingest.uploads`)
and nothing uses it; it hands on a page in the browser.
"""
