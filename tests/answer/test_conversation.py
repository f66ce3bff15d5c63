"""Multi-turn answering on the real small model: history in the prompt, window trimming, standalone questions."""

from __future__ import annotations

import pytest

from rag.answer.answerer import Conversation
from rag.answer.conversation import (
    Turn,
    fit_history,
    history_template,
    is_follow_up,
    standalone_question,
)
from rag.ingest.pipeline import ingest
from rag.answer.templates import TEMPLATES

from conftest import build_answerer

KITES = [
    "Annual report of the Zephyr Kite Company for 2023. This cover page lists no figures at all.",
    "Staff. The Zephyr Kite Company employs 1,234 people in its workshop in Lisbon, where every kite is sewn by hand.",
    "Revenue for the year was 98 million euros, mostly from sales of the storm-proof Falcon kite.",
]
TURNS = [
    Turn("How many people work at Zephyr?", "Zephyr employs 1,234 people."),
    Turn("Where is the workshop?", "The workshop is in Lisbon {sewn by hand}."),
]


@pytest.fixture
def kite_answerer(settings, make_pdf, embeddings, llm_backend):
    make_pdf("kites.pdf", KITES)
    ingest(settings, progress=False, embeddings=embeddings)
    return build_answerer(settings.model_copy(update={"max_new_tokens": 48}), embeddings, llm_backend)


# ---------------------------------------------------------------- history to prompt


@pytest.mark.parametrize("chat_format", ["chatml", "llama2", "plain"])
def test_no_history_is_the_plain_answering_template(chat_format):
    assert history_template(chat_format, []).template == TEMPLATES[chat_format]


def test_history_goes_between_system_message_and_question_as_chat_turns(llm_backend):
    assert llm_backend.chat_format == "chatml"
    prompt = history_template("chatml", TURNS).format(context="CHUNKS", question="And its revenue?")
    order = [prompt.index(part) for part in (
        "<|im_start|>system", "How many people work at Zephyr?", "Zephyr employs 1,234 people.",
        "Where is the workshop?", "Lisbon {sewn by hand}", "Context: CHUNKS", "Question: And its revenue?",
    )]
    assert order == sorted(order)
    assert prompt.count("<|im_start|>user") == 3 and prompt.endswith("<|im_start|>assistant\n")
    # The model's tokenizer reads the turn markers as its special tokens, not as text.
    assert llm_backend.count_tokens("<|im_start|>user\nhi<|im_end|>\n") < 8


def test_llama2_and_plain_histories_use_their_own_turn_format():
    llama = history_template("llama2", TURNS[:1]).format(context="C", question="Q?")
    assert "How many people work at Zephyr? [/INST] Zephyr employs 1,234 people. </s><s>[INST] Context: C" in llama
    plain = history_template("plain", TURNS[:1]).format(context="C", question="Q?")
    assert plain.index("Earlier answer: Zephyr employs") < plain.index("Context: C")


# ---------------------------------------------------------------- window trimming


def test_oldest_turns_are_dropped_to_fit_the_budget(llm_backend):
    turns = [Turn(f"Question number {i} about the kites?", f"Answer number {i}. " + "Kites fly. " * 20) for i in range(6)]
    count = llm_backend.count_tokens
    full = count(history_template("chatml", turns).format(context="ctx", question="q?"))
    budget = count(history_template("chatml", turns[-2:]).format(context="ctx", question="q?")) + 5
    assert budget < full
    template, kept = fit_history("chatml", turns, "ctx", "q?", count, budget)
    assert kept == turns[-2:]
    assert count(template.format(context="ctx", question="q?")) <= budget
    template, kept = fit_history("chatml", turns, "ctx", "q?", count, 10)
    assert kept == [] and template.template == TEMPLATES["chatml"]


def test_answerer_drops_old_turns_and_says_so(kite_answerer):
    backend = kite_answerer.backend
    turns = [Turn(f"Old question {i} about kites?", "Old answer. " + "Kites are sewn by hand. " * 30) for i in range(5)]
    backend.context_length, saved = 450, backend.context_length
    try:
        notices = []
        answer = kite_answerer.ask("How many people does the Zephyr Kite Company employ?", history=turns,
                                   on_notice=notices.append)
    finally:
        backend.context_length = saved
    assert any("oldest turn(s)" in note for note in notices)
    assert answer.timings["prompt_tokens"] <= 450 - 48


# ---------------------------------------------------------------- standalone question


@pytest.mark.parametrize("question, expected", [
    ("and in 2021?", True),
    ("What about the Falcon kite?", True),
    ("Who signed it?", True),
    ("Why?", True),
    ("How much revenue did the Zephyr Kite Company make in 2023?", False),
    ("Where does the Zephyr Kite Company sew its kites?", True),  # "its" refers back, harmlessly here
])
def test_follow_up_detection(question, expected):
    assert is_follow_up(question) is expected


def test_standalone_question_prefixes_the_topic_and_keeps_new_topics_alone():
    first = Turn("How much is the minimum guarantee payable by adidas?", "£750 million.")
    assert standalone_question([], "and in 2021?") == "and in 2021?"
    assert standalone_question([first], "and in 2021?") == (
        "How much is the minimum guarantee payable by adidas? and in 2021?")
    chained = Turn("and in 2021?", "...", topic=first.question)
    assert standalone_question([first, chained], "what about 2020?") == (
        "How much is the minimum guarantee payable by adidas? what about 2020?")
    assert standalone_question([first, chained], "Who is the chairman of Manchester United?") == (
        "Who is the chairman of Manchester United?")


def test_follow_up_is_answered_from_the_topic_page(kite_answerer):
    conversation = Conversation()
    first = conversation.ask(kite_answerer, "How many people does the Zephyr Kite Company employ?")
    assert "1,234" in first.answer or "1234" in first.answer
    follow_up = conversation.ask(kite_answerer, "In which city?")
    assert follow_up.sources[0].page == 2
    assert "Lisbon" in follow_up.answer
    assert [turn.topic for turn in conversation.turns] == [first.question, first.question]
    conversation.clear()
    assert conversation.turns == []


def test_should_stop_ends_generation_early_and_keeps_the_text(kite_answerer):
    tokens, checks = [], []

    def stop_after_two_pieces() -> bool:  # counted as generated: the start of an answer may be held back unshown
        checks.append(1)
        return len(checks) >= 2

    answer = kite_answerer.ask("How many people does the Zephyr Kite Company employ?", on_token=tokens.append,
                               should_stop=stop_after_two_pieces)
    assert answer.stopped and len(checks) == 2
    assert answer.answer == "".join(tokens).strip()  # what was generated, shown once stopped (or withdrawn)
    assert answer.timings["generated_tokens"] <= 3
