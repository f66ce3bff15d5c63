"""The reader's prompt: numbered passages in the model's own chat template, and which passages an answer cites.

The chat template comes from the model (the GGUF's `tokenizer.chat_template`, the Hugging Face tokenizer's, or
OpenVINO GenAI's tokenizer's); it is rendered once with placeholders into a `PromptTemplate` (rag.answer.templates) with
`{context}` and `{question}`, so fitting the context into the window works as for the fixed templates in
`rag.answer.templates`, which remain the fallback for base models without a template. The passages are numbered
("[1] file, page N") and the model is asked to cite them as [n]; `cited_numbers` reads those back.
With the setting `reader_abstains` the reader is also told to answer exactly `READER_ABSTAIN` when the passages do
not hold the answer; its own "I don't know" is parsed either way (rag.answer.abstention).

Hands on the reader's `PromptTemplate` and the cited numbers to the answerer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from langchain_core.documents import Document

from rag.answer.templates import PromptTemplate
from rag.text import place_text

# The reader's own "not in the documents" answer (parsed as an abstention by rag.answer).
READER_ABSTAIN = "The documents do not say."

SYSTEM = (
    "You answer questions about the user's documents using only the numbered passages given with the question. "
    "Answer briefly, in one or two sentences, and quote figures, names and dates exactly as the passages write "
    "them. After each fact, cite the passage it comes from by its number in square brackets, like [1]."
)
# Added to SYSTEM only with the setting `reader_abstains`: the 0.5B reader, told this, declined about one in five
# answerable questions of the held-out messy set whose evidence it had been given (see docs/experiments.md, "Refusals").
ABSTAIN_INSTRUCTION = f'If the passages do not contain the answer, reply exactly "{READER_ABSTAIN}"'


def system_instruction(reader_abstains: bool = False) -> str:
    """The system turn: answer from the passages and cite them; with `reader_abstains`, also how to say "no answer"."""
    return f"{SYSTEM} {ABSTAIN_INSTRUCTION}" if reader_abstains else SYSTEM


# The user turn does not repeat the request for [n]: when it did, Qwen2.5-Coder-0.5B mostly answered with a bare
# "[2]" or a copied passage header and no fact (7 of 9 failed 20-F questions). Where the reader cites nothing, the
# grounding check names the passage sentences that support the answer (rag.answer.grounding).
# Added to the question when the reader's first answer only restated it ("The soldiers cut to build bunks on June
# 10th."): asked again with this, the 0.5B gave the missing word ("lookup", "Charniak") instead of the echo.
EXACT_ANSWER = "Answer with the exact word, name or number from the passages."

USER = "Passages:\n\n{context}\n\nQuestion: {question}\n\nAnswer in one sentence."
# A question about a whole document (a summary, the main points, a list): excerpts from every section, summed up in
# a few sentences (each checked on its own, rag.answer.points); the excerpts follow as a list (rag.answer.whole).
SYSTEM_POINTS = (
    "You answer questions about the user's documents using only the numbered excerpts given with the question. "
    "Answer in two or three sentences that sum up what the excerpts say about the question, in their own words, "
    "and cite the excerpts you use by their numbers in square brackets, like [1]. Leave out what the excerpts do "
    "not say."
)
USER_POINTS = "Excerpts:\n\n{context}\n\nQuestion: {question}\n\nAnswer in two or three sentences."

_CONTEXT, _QUESTION = "\ue000CONTEXT\ue000", "\ue000QUESTION\ue000"
_CITATION = re.compile(r"\[(\d{1,2}(?:\s*[,;]\s*\d{1,2})*)\]")


def passage_header(number: int, doc: Document) -> str:
    name = Path(str(doc.metadata.get("source", "document"))).name  # the file's name: a folder path only costs tokens
    return f"[{number}] {name}, {place_text(doc.metadata.get('page', '?'), doc.metadata.get('place'))}"


def format_passages(docs: Sequence[Document]) -> str:
    """The context: each passage under its "[n] file, page N" header."""
    return "\n\n".join(f"{passage_header(i, doc)}\n{doc.page_content.strip()}" for i, doc in enumerate(docs, 1))


def cited_numbers(answer: str, passages: int) -> list[int]:
    """The passage numbers an answer cites ("[1]", "[1, 3]"), in order of first citation, within 1..passages."""
    seen: list[int] = []
    for group in _CITATION.findall(answer):
        for number in re.split(r"\s*[,;]\s*", group):
            n = int(number)
            if 1 <= n <= passages and n not in seen:
                seen.append(n)
    return seen


def is_reader_abstention(answer: str) -> bool:
    """True when the answer is the reader's own "the documents do not say" (citations and punctuation aside)."""
    text = _CITATION.sub("", answer).strip().strip('"').strip().lower().rstrip(".")
    return text == READER_ABSTAIN.lower().rstrip(".")


def chat_template_prompt(chat_template: str, history: Sequence[tuple[str, str]] = (),
                         system: str = SYSTEM, user_turn: str = USER) -> PromptTemplate | None:
    """The model's chat template rendered around the system instruction, earlier (question, answer) turns and the
    passages, as a PromptTemplate with {context} and {question}; None when the template cannot be rendered."""
    turns = []
    for question, answer in history:
        turns += [{"role": "user", "content": question.strip()}, {"role": "assistant", "content": answer.strip()}]
    user = {"role": "user", "content": user_turn.format(context=_CONTEXT, question=_QUESTION)}
    try:
        text = _render(chat_template, [{"role": "system", "content": system}, *turns, user])
    except Exception:
        # Some templates refuse a system role: the instruction then opens the first user message.
        first = turns[0] if turns else user
        merged = [{**first, "content": f"{system}\n\n{first['content']}"}]
        try:
            text = _render(chat_template, merged + (turns[1:] + [user] if turns else []))
        except Exception:
            return None
    if text.count(_CONTEXT) != 1 or text.count(_QUESTION) != 1:
        return None
    text = text.replace("{", "{{").replace("}", "}}")
    return PromptTemplate.from_template(text.replace(_CONTEXT, "{context}").replace(_QUESTION, "{question}"))


def _render(chat_template: str, messages: list[dict]) -> str:
    from jinja2.exceptions import TemplateError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message):
        raise TemplateError(message)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = raise_exception
    # The tokenizer adds the BOS token itself, so the template's {{ bos_token }} is left empty.
    return env.from_string(chat_template).render(messages=messages, add_generation_prompt=True, bos_token="",
                                                 eos_token="", tools=None)


def fallback_template(chat_format: str, history: Sequence[tuple[str, str]] = (), system: str = SYSTEM) -> PromptTemplate:
    """The fixed template of `chat_format` (rag.answer.templates; the reference template for base models) with this
    module's instruction, for models that carry no chat template."""
    from rag.answer.conversation import Turn, history_template
    from rag.answer.templates import INSTRUCTION

    template = history_template(chat_format, [Turn(q, a) for q, a in history]).template
    return PromptTemplate.from_template(template.replace(INSTRUCTION, system))


def reader_template(backend, history: Sequence[tuple[str, str]] = (), *, reader_abstains: bool = False,
                    points: bool = False) -> PromptTemplate:
    """The answering prompt for a loaded backend: its chat template when it has a usable one, else the fallback;
    `points`: the list answer to a whole-document question."""
    system = SYSTEM_POINTS if points else system_instruction(reader_abstains)
    chat_template = getattr(backend, "chat_template", None)
    if chat_template:
        template = chat_template_prompt(chat_template, history, system, USER_POINTS if points else USER)
        if template is not None:
            return template
    return fallback_template(backend.chat_format, history, system)
