"""docqa's retriever and LLM as LangChain components, for people who compose their own LCEL chains.

docqa's own question path does not use LangChain's runnables (importing them costs about 2 s of start-up, most of it
LangSmith's tracing schemas); this module wraps the plain objects when a chain wants them:

    chain = {"context": as_langchain_retriever(retriever) | ..., "question": RunnablePassthrough()} | prompt | \\
        LocalLLM(backend=backend, params=GenerationParams(...))
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.language_models.llms import LLM
from langchain_core.outputs import GenerationChunk
from langchain_core.retrievers import BaseRetriever

from rag.llm.base import GenerationParams


class LocalLLM(LLM):
    """A loaded backend (`rag.llm.load_backend`) as a LangChain LLM, streaming token by token."""

    backend: Any
    params: GenerationParams

    @property
    def _llm_type(self) -> str:
        return f"docqa-{self.backend.name}"

    def _params(self, stop: list[str] | None) -> GenerationParams:
        return GenerationParams(**{**asdict(self.params), "stop": list(self.params.stop) + list(stop or [])})

    def _call(self, prompt: str, stop: list[str] | None = None, run_manager=None, **kwargs: Any) -> str:
        return "".join(chunk.text for chunk in self._stream(prompt, stop, run_manager))

    def _stream(self, prompt: str, stop: list[str] | None = None, run_manager=None, **kwargs: Any
                ) -> Iterator[GenerationChunk]:
        for piece in self.backend.stream(prompt, self._params(stop)):
            if run_manager:
                run_manager.on_llm_new_token(piece)
            yield GenerationChunk(text=piece)


class _Retriever(BaseRetriever):
    inner: Any

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return self.inner.invoke(query)


def as_langchain_retriever(retriever) -> BaseRetriever:
    """A docqa retriever (`rag.retrieve.hybrid.build_retriever`) as a LangChain retriever."""
    return _Retriever(inner=retriever)
