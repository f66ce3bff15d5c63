"""`python -m rag.web`: the browser UI (Gradio) over the same answering and ingest code as the CLI.

- `app`: the FastAPI app (the Gradio UI mounted at `/`, PDFs served from the data folder at `/pdf/`) and the server.
- `engine`: the loaded models and index behind the UI, shared by all browser sessions.
- `ui`: the Gradio page: chat, sources, settings and documents panels.
- `uploads`: checking uploaded PDFs and storing them in the data folder.
"""
