"""Finding the chunks that answer a question: a LangChain retriever over the project's own index."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever


class IndexRetriever(BaseRetriever):
    """Top-k chunks by cosine similarity, each carrying its `score` in the metadata."""

    vectorstore: Any
    k: int = 4

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        results = self.vectorstore.similarity_search_with_score(query, k=self.k)
        return [_with_score(doc, float(score)) for doc, score in results]


def _with_score(doc: Document, score: float) -> Document:
    return Document(id=doc.id, page_content=doc.page_content, metadata={**doc.metadata, "score": round(score, 4)})
