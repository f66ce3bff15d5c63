"""docqa composes with LangChain: its retriever, LLM and index run inside a plain LCEL chain."""

from __future__ import annotations

from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import PromptTemplate
from langchain_core.runnables import RunnableLambda, RunnablePassthrough

from rag.ingest.pipeline import ingest
from rag.llm.base import GenerationParams
from rag.answer.lcel import LocalLLM, as_langchain_retriever
from rag.retrieve.hybrid import build_retriever
from rag.index.store import as_vectorstore, load_index

KITES = ["Cover page of the Zephyr Kite Company annual report.",
         "The Zephyr Kite Company employs 1,234 people in its workshop in Lisbon."]
PROMPT = PromptTemplate.from_template(
    "<|im_start|>system\nAnswer from the context only.<|im_end|>\n<|im_start|>user\nContext:\n{context}\n\n"
    "Question: {question}<|im_end|>\n<|im_start|>assistant\n")


def joined(docs) -> str:
    return "\n\n".join(doc.page_content for doc in docs)


def test_an_lcel_chain_runs_over_docqas_retriever_and_llm(settings, make_pdf, embeddings, llm_backend):
    make_pdf("kites.pdf", KITES)
    ingest(settings, progress=False, embeddings=embeddings)
    retriever = build_retriever(settings.model_copy(update={"k": 2}), load_index(settings.index_dir), embeddings)
    llm = LocalLLM(backend=llm_backend, params=GenerationParams(max_new_tokens=32, stop=["<|im_end|>"]))
    chain = ({"context": as_langchain_retriever(retriever) | RunnableLambda(joined), "question": RunnablePassthrough()}
             | PROMPT | llm | StrOutputParser())
    answer = chain.invoke("How many people does the Zephyr Kite Company employ?")
    assert "1,234" in answer or "1234" in answer, answer


def test_the_index_is_a_langchain_vector_store(settings, make_pdf, embeddings):
    make_pdf("kites.pdf", KITES)
    ingest(settings, progress=False, embeddings=embeddings)
    store = as_vectorstore(load_index(settings.index_dir), embeddings)
    chain = store.as_retriever(search_kwargs={"k": 1}) | RunnableLambda(lambda docs: docs[0].metadata["page"])
    assert chain.invoke("How many people work in the Lisbon workshop?") == 2
