"""What an ingest engine is given (`Job`: the files to parse) and hands back (`Produced`: parsed files, OCR states,
chunks and their vectors), plus the per-file step both engines share (`chunk_file`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.documents import Document

from rag.config import Settings
from rag.ingest.document_unit import apply_document_unit
from rag.ingest.chunking import chunk_pages, embedding_text
from rag.ingest.ocr import OcrRun
from rag.ingest.pdf import ParsedPdf


@dataclass
class Job:
    """The new or changed files of one ingest run (only these reach the engine) and how to read them."""

    settings: Settings
    paths: list[Path]
    sources: list[str]  # names in the index, one per path
    digests: list[str]  # SHA-256 of each file, recorded in its chunks
    password: str | None = None
    progress: bool = True
    limits: Any = None  # rag.ingest.sandbox.ParseLimits: parse untrusted files under limits (local engine only)
    ocr_languages: str = ""
    embeddings: Any = None  # an already loaded rag.index.embeddings.LocalEmbeddings, if the caller has one
    need_dimension: bool = False  # a new index needs the model's dimension even with nothing to embed


@dataclass
class Produced:
    """One engine run's output, in the job's file order. Failed files (`parsed[i].error`) have no chunks."""

    parsed: list[ParsedPdf]
    ocr_states: list[str]
    ocr: OcrRun
    chunks: dict[str, list[Document]] = field(default_factory=dict)  # source -> its chunks (files that did not fail)
    vectors: Any = None  # numpy array: one row per chunk, in `chunks` order; None when nothing was embedded
    dimension: int | None = None

    def texts(self, context: str) -> list[str]:
        return embedding_texts(self.chunks, context)


def chunk_file(result: ParsedPdf, source: str, digest: str, splitter) -> list[Document] | None:
    """The chunks of one parsed file; None when it failed (nothing of it is indexed)."""
    if result.error:
        return None
    apply_document_unit(result.pages)  # over the whole file: a long one is parsed in parts
    return chunk_pages(result.pages, source, digest, splitter)


def embedding_texts(chunks: dict[str, list[Document]], context: str) -> list[str]:
    """What is embedded for each chunk, in order (the chunk with its title and headings in front)."""
    return [embedding_text(doc, context) for docs in chunks.values() for doc in docs]
