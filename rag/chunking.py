"""Split page texts into chunks that each belong to exactly one page."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from langchain_core.documents import Document
from langchain_text_splitters import RecursiveCharacterTextSplitter

from rag.pdf import Page

SPLITTER_NAME = "RecursiveCharacterTextSplitter"


def make_splitter(chunk_size: int, chunk_overlap: int) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        chunk_size=chunk_size,
        chunk_overlap=min(chunk_overlap, chunk_size // 2),
        separators=["\n\n", "\n", ". ", " ", ""],
    )


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def chunk_pages(
    pages: Iterable[Page], source: str, file_sha256: str, splitter: RecursiveCharacterTextSplitter
) -> list[Document]:
    """Chunks of every page of one file, page by page, so no chunk spans two pages."""
    chunks: list[Document] = []
    for page in pages:
        for text in splitter.split_text(page.text):
            metadata = {
                "source": source,
                "page": page.number,
                "chunk": len(chunks),
                "hash": content_hash(text),
                "file_sha256": file_sha256,
            }
            if page.label:
                metadata["page_label"] = page.label
            chunks.append(Document(page_content=text, metadata=metadata))
    return chunks
