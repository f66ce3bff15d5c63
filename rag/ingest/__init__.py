"""Stage 2, ingest: documents in (PDFs and every format of `formats`), a new index version out.

- `pdf`: the text of a PDF page by page (pypdf), coping with damaged and encrypted files;
- `detect`: a file's kind from its content (magic bytes, zip members), zip-bomb checks; `formats`: one reader per
  format (Word, PowerPoint, Excel/CSV/TSV, HTML, Markdown, text, e-mail, images), each unit with its place;
- `ocr`: Tesseract for pages without a usable text layer; `sandbox`: parsing in a limited worker process;
- `chunking`: page texts split into chunks that each belong to one page, and the text each is embedded as;
- `uploads`: uploaded files checked and stored in the data folder (web UI and HTTP API);
- `pipeline`: the incremental pipeline (`ingest`): discover files, skip unchanged ones, parse, chunk, embed and
  write the new version to the store; `python -m rag.ingest` (`__main__`) is its command.

Hands on an index version in the store (`rag.index`), which retrieval reads. Imports only `rag.index` and the
shared modules (`rag.config`, `rag.errors`, `rag.text`, `rag.hashing`).
"""
