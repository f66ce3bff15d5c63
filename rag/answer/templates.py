"""Prompts that match the model (ChatML, Llama-2 chat, plain) and fit the model's window.

Hands on `PromptTemplate` (LangChain's f-string template without LangChain's runnables), `ABSTAIN_TEXT`, the fixed
templates (for `rag.answer.prompts` and `rag.answer.conversation`) and `fit_context`, which the answerer uses to
keep the prompt within the window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from langchain_core.documents import Document

from rag.errors import UserError
from rag.llm.base import ChatFormat


@dataclass(frozen=True)
class PromptTemplate:
    """A prompt with {context} and {question} fields in `str.format` syntax (literal braces doubled): the f-string
    form of LangChain's PromptTemplate, without importing LangChain's runnables on the question path."""

    template: str

    @classmethod
    def from_template(cls, template: str) -> PromptTemplate:
        return cls(template)

    def format(self, **values: str) -> str:
        return self.template.format(**values)


INSTRUCTION = (
    "Use the following pieces of information to answer the user's question.\n"
    "If you don't know the answer, just say that you don't know, don't try to make up an answer."
)
# What the tool answers when nothing retrieved is relevant enough (the model is not asked).
ABSTAIN_TEXT = "The documents do not contain the answer to this question."
CLOSING = "Only return the helpful answer below and nothing else."

TEMPLATES: dict[ChatFormat, str] = {
    # The reference article's template, for base models.
    "plain": f"{INSTRUCTION}\n\nContext: {{context}}\nQuestion: {{question}}\n\n{CLOSING}\nHelpful answer:",
    # Llama-2 chat; the BOS token is added by the tokenizer, not written as text.
    "llama2": f"[INST] <<SYS>>\n{INSTRUCTION}\n<</SYS>>\n\nContext: {{context}}\nQuestion: {{question}}\n\n{CLOSING} [/INST]",
    "chatml": (
        f"<|im_start|>system\n{INSTRUCTION}<|im_end|>\n"
        f"<|im_start|>user\nContext: {{context}}\nQuestion: {{question}}\n\n{CLOSING}<|im_end|>\n"
        "<|im_start|>assistant\n"
    ),
}


def prompt_template(chat_format: ChatFormat) -> PromptTemplate:
    return PromptTemplate.from_template(TEMPLATES[chat_format])


def format_context(docs: Sequence[Document]) -> str:
    return "\n\n".join(doc.page_content for doc in docs)


def fit_context(
    docs: Sequence[Document],
    question: str,
    template: PromptTemplate,
    count_tokens: Callable[[str], int],
    context_length: int,
    max_new_tokens: int,
    format: Callable[[Sequence[Document]], str] | None = None,
) -> tuple[list[Document], list[Document], int]:
    """Keep the highest-ranked chunks whose prompt leaves room for the answer in the window.

    Returns (kept, dropped, prompt tokens). Chunks are dropped from the lowest rank up; a question
    that does not fit even with no context is an error, never a silent truncation.
    """
    budget = context_length - max_new_tokens
    kept = list(docs)
    while True:
        tokens = count_tokens(template.format(context=(format or format_context)(kept), question=question))
        if tokens <= budget:
            return kept, list(docs[len(kept):]), tokens
        if not kept:
            raise UserError(
                f"the question alone needs {tokens} tokens but the model's window of {context_length} "
                f"leaves {budget} after {max_new_tokens} answer tokens; shorten it or lower --max-new-tokens"
            )
        kept.pop()
