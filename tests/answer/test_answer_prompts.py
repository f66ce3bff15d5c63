"""The reader's prompt (the model's own chat template, numbered passages), citations, and the loop hold-back."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document

from rag.answer.prompts import (
    READER_ABSTAIN,
    SYSTEM,
    chat_template_prompt,
    cited_numbers,
    format_passages,
    is_reader_abstention,
    reader_template,
    system_instruction,
)
from rag.answer.answerer import LoopGuard, repeating_tail

GEMMA_LIKE = (  # no system role: the instruction must be folded into the first user message
    "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'system' %}"
    "{{ raise_exception('System role not supported') }}{% endif %}"
    "<start_of_turn>{{ 'model' if message['role'] == 'assistant' else 'user' }}\n{{ message['content'] }}"
    "<end_of_turn>\n{% endfor %}{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)


@pytest.fixture(scope="module")
def smollm2_template() -> str:
    from rag.llm.convert.bundled import smollm2_gguf
    from rag.llm.convert.inspect import inspect_model_file

    return inspect_model_file(smollm2_gguf()).chat_template


def test_passages_are_numbered_with_file_and_page():
    docs = [Document("First text.", metadata={"source": "reports/a.pdf", "page": 53}),
            Document("Second.", metadata={"source": "b.pdf", "page": 2})]
    assert format_passages(docs) == "[1] a.pdf, page 53\nFirst text.\n\n[2] b.pdf, page 2\nSecond."


def test_the_models_own_chat_template_renders_the_prompt(smollm2_template):
    template = chat_template_prompt(smollm2_template, [("Earlier {question}?", "Earlier answer.")])
    prompt = template.format(context="[1] a.pdf, page 1\nText {with braces}", question="What is it?")
    assert prompt.startswith(f"<|im_start|>system\n{SYSTEM}<|im_end|>")
    assert "Earlier {question}?" in prompt and "Text {with braces}" in prompt  # document braces stay data
    assert "Question: What is it?" in prompt and prompt.endswith("<|im_end|>\n<|im_start|>assistant\n")
    assert READER_ABSTAIN not in prompt  # by default the reader is not told how to decline (setting reader_abstains)


def test_the_abstention_instruction_only_with_reader_abstains(smollm2_template):
    template = chat_template_prompt(smollm2_template, system=system_instruction(reader_abstains=True))
    prompt = template.format(context="[1] a.pdf, page 1\nX", question="Q?")
    assert prompt.startswith(f"<|im_start|>system\n{SYSTEM} If the passages") and f'reply exactly "{READER_ABSTAIN}"' in prompt

    class BaseModel:
        chat_template = None
        chat_format = "plain"

    assert READER_ABSTAIN in reader_template(BaseModel(), reader_abstains=True).format(context="X", question="Q?")
    assert READER_ABSTAIN not in reader_template(BaseModel()).format(context="X", question="Q?")


def test_a_template_without_a_system_role_gets_the_instruction_in_the_user_turn():
    prompt = chat_template_prompt(GEMMA_LIKE).format(context="[1] a.pdf, page 1\nX", question="Q?")
    assert prompt.startswith(f"<start_of_turn>user\n{SYSTEM}\n\nPassages:")
    assert prompt.endswith("<start_of_turn>model\n")


def test_a_model_without_a_chat_template_gets_the_fallback_template():
    class BaseModel:
        chat_template = None
        chat_format = "plain"

    prompt = reader_template(BaseModel()).format(context="[1] a.pdf, page 1\nX", question="Q?")
    assert SYSTEM in prompt and prompt.endswith("Helpful answer:")


def test_cited_numbers_and_the_readers_abstention():
    assert cited_numbers("£750 million [2], see also [1, 3] and [2] and [7].", passages=3) == [2, 1, 3]
    assert cited_numbers("No citation here.", passages=3) == []
    assert is_reader_abstention("The documents do not say.") and is_reader_abstention('"The documents do not say" [1]')
    assert not is_reader_abstention("The documents do not say when the agreement ends, but it began in 2015.")


def test_a_loop_is_cut_before_any_of_it_reaches_the_screen():
    shown: list[str] = []
    guard = LoopGuard(shown.append)
    text = "It is the FA Cup, or Champions League, or FA Cup, or Champions League, or FA Cup, or Champions"
    for i in range(0, len(text), 3):  # token-sized pieces
        if guard.add(text[i : i + 3]):
            break
    guard.flush()
    assert guard.looped and "".join(shown) == guard.text
    assert "".join(shown).count("Champions League") == 1


def test_a_long_sentence_said_again_is_a_loop():
    sentence = ("These factors have contributed to significant earnings charges on a number of fixed-price development "
                "programs which are expected to adversely affect cash flows in future periods, and may result in future "
                "earnings charges and adverse cash flow effects. ")  # 245 characters, as Boeing's summary repeated it
    shown: list[str] = []
    guard = LoopGuard(shown.append)
    text = "Boeing's programs have had losses. " + sentence * 3
    for i in range(0, len(text), 4):
        if guard.add(text[i : i + 4]):
            break
    guard.flush()
    assert guard.looped and "".join(shown).count("These factors") == 1


def test_ordinary_text_streams_at_once_and_repeats_that_are_not_loops_are_shown():
    shown: list[str] = []
    guard = LoopGuard(shown.append)
    for piece in ["Revenue was ", "£583.2 million", " in 2022"]:
        assert not guard.add(piece)
    assert "".join(shown).startswith("Revenue was £583.2 million in 20")  # only a character that repeats held back
    for piece in ["; revenue was £583.2 mil", "lion in 2021."]:
        guard.add(piece)
    guard.flush()
    assert "".join(shown) == "Revenue was £583.2 million in 2022; revenue was £583.2 million in 2021."
    assert repeating_tail("abcdefgh-abcdefgh") == 8 and repeating_tail("plain text") == 0
