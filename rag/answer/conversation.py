"""Multi-turn questions: earlier turns in the prompt, and follow-ups made standalone for retrieval.

Two decisions, both deterministic (a 135M model is not reliable enough to rewrite questions):

- Retrieval: a follow-up ("and in 2021?", "who signed it?") is searched for together with the question
  that started its topic, e.g. "How much is the minimum guarantee payable by adidas? and in 2021?".
  A question counts as a follow-up when it opens with a connective ("and", "what about", ...), refers
  back with a pronoun ("it", "they", "that", ...) or is at most three words long.
- Prompt: earlier questions and answers (not their retrieved chunks) go between the system message and
  the question, as turns in the model's own chat format. The retrieved chunks are fitted first (see
  `rag.answer.templates.fit_context`); then the oldest turns are dropped until the prompt leaves room for the answer.

Hands on `Turn`s, the standalone question and the history template to the answerer (`rag.answer.answerer`,
where `Conversation` asks through an `Answerer`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rag.answer.templates import TEMPLATES, PromptTemplate
from rag.llm.base import ChatFormat

MAX_TURNS = 8  # older turns are never sent, however large the window
SHORT_FOLLOW_UP_WORDS = 3
CONNECTIVES = ("and", "but", "also", "or", "so", "then", "what about", "how about")
BACK_REFERENCES = {
    "it", "its", "it's", "itself", "that", "this", "these", "those", "they", "them", "their", "theirs",
    "he", "him", "his", "she", "her", "hers", "there", "same", "former", "latter",
}

# Where earlier turns go in each template, and how one turn is written in that chat format.
HISTORY_ANCHORS: dict[ChatFormat, str] = {
    "chatml": "<|im_start|>user\nContext: {context}",
    "llama2": "Context: {context}",
    "plain": "Context: {context}",
}
TURN_FORMATS: dict[ChatFormat, str] = {
    "chatml": "<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n{answer}<|im_end|>\n",
    "llama2": "{question} [/INST] {answer} </s><s>[INST] ",
    "plain": "Earlier question: {question}\nEarlier answer: {answer}\n\n",
}


@dataclass
class Turn:
    question: str
    answer: str
    topic: str = ""  # the question that started this turn's topic (itself, unless it was a follow-up)

    def __post_init__(self):
        self.topic = self.topic or self.question


# ---------------------------------------------------------------- retrieval


def is_follow_up(question: str) -> bool:
    """Whether `question` leans on an earlier one (see the module docstring for the rule)."""
    text = question.strip().lower()
    words = re.findall(r"[a-z0-9']+", text)
    if not words:
        return False
    if len(words) <= SHORT_FOLLOW_UP_WORDS:
        return True
    if any(text == c or text.startswith(c + " ") or text.startswith(c + ",") for c in CONNECTIVES):
        return True
    return any(word in BACK_REFERENCES for word in words)


def topic_of(turns: Sequence[Turn], question: str) -> str:
    """The question that starts `question`'s topic: the previous topic for a follow-up, else itself."""
    question = question.strip()
    if turns and is_follow_up(question):
        return turns[-1].topic
    return question


def standalone_question(turns: Sequence[Turn], question: str) -> str:
    """What to search the index for: the follow-up prefixed with its topic's question, else the question."""
    question = question.strip()
    topic = topic_of(turns, question)
    return question if topic == question else f"{topic} {question}"


# ---------------------------------------------------------------- prompt


def history_text(chat_format: ChatFormat, turns: Sequence[Turn]) -> str:
    """Earlier turns written in the model's chat format."""
    layout = TURN_FORMATS[chat_format]
    return "".join(layout.format(question=t.question.strip(), answer=t.answer.strip()) for t in turns)


def history_template(chat_format: ChatFormat, turns: Sequence[Turn]) -> PromptTemplate:
    """The answering template of `chat_format` with earlier turns inserted; still has {context} and {question}.

    With no turns it is exactly `rag.answer.templates.TEMPLATES[chat_format]`.
    """
    base = TEMPLATES[chat_format]
    anchor = HISTORY_ANCHORS[chat_format]
    at = base.index(anchor)
    escaped = history_text(chat_format, turns).replace("{", "{{").replace("}", "}}")
    return PromptTemplate.from_template(base[:at] + escaped + base[at:])


def fit_history(
    chat_format: ChatFormat,
    turns: Sequence[Turn],
    context: str,
    question: str,
    count_tokens: Callable[[str], int],
    budget: int,
) -> tuple[PromptTemplate, list[Turn]]:
    """The template with the newest turns whose prompt stays within `budget` tokens, and those turns.

    Oldest turns go first. If even no turn fits, the template without history is returned (the caller
    has already made sure that one fits).
    """
    kept = list(turns)[-MAX_TURNS:]
    while kept:
        template = history_template(chat_format, kept)
        if count_tokens(template.format(context=context, question=question)) <= budget:
            return template, kept
        kept.pop(0)
    return history_template(chat_format, []), []
