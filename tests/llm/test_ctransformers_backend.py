"""The ctransformers backend streams, stops, times itself and refuses prompts that do not fit (real model)."""

from __future__ import annotations

import pytest
from fixtures_models import (  # noqa: F401 (fixtures)
    ADIDAS_CONTEXT,
    ADIDAS_QUESTION,
    TEST_CONTEXT_LENGTH,
    adidas_answer,
    chatml_prompt,
    ct_backend,
    prepared_default_model,
    write_tiny_legacy_llama,
)

from rag.config import load_settings
from rag.errors import ModelError
from rag.llm.base import GenerationParams
from rag.llm.ctransformers_backend import CTransformersBackend, StopStringFilter
from rag.llm.convert.bundled import smollm2_gguf

PROMPT = chatml_prompt(ADIDAS_CONTEXT, ADIDAS_QUESTION)


def test_loaded_from_default_settings(ct_backend, prepared_default_model):
    assert ct_backend.name == "ctransformers"
    assert ct_backend.model_path == prepared_default_model.path
    assert ct_backend.context_length == TEST_CONTEXT_LENGTH
    assert ct_backend.chat_format == "chatml"
    assert "<|im_end|>" in ct_backend.stop
    assert 0 < ct_backend.load_seconds < 30
    assert ct_backend.model_path.name in ct_backend.describe()


def test_stream_yields_pieces_and_fills_stats(ct_backend, adidas_answer):
    pieces, answer, stats = adidas_answer.pieces, adidas_answer.text, adidas_answer.stats
    assert len(pieces) > 3
    assert "750" in answer and "\ufffd" not in answer and answer == answer.strip()
    assert stats.prompt_tokens == ct_backend.count_tokens(PROMPT) > 50
    assert 0 < stats.prompt_seconds <= stats.ttft_seconds
    assert len(pieces) <= stats.generated_tokens <= 48
    assert stats.generation_seconds > 0 and stats.tokens_per_second > 0


def test_greedy_answers_repeat(ct_backend, adidas_answer):
    assert ct_backend.generate(PROMPT, GenerationParams(max_new_tokens=48)) == adidas_answer.text


def test_max_new_tokens_is_honoured(ct_backend):
    ct_backend.generate(PROMPT, GenerationParams(max_new_tokens=3))
    assert ct_backend.last_stats.generated_tokens == 3


def test_stop_string_split_across_tokens_is_not_emitted(ct_backend, adidas_answer):
    full = adidas_answer.text
    assert " guarantee payable" in full  # " guarantee" and " payable" are separate tokens
    pieces = list(ct_backend.stream(PROMPT, GenerationParams(max_new_tokens=48, stop=["guarantee pay"])))
    answer = "".join(pieces)
    assert answer == full[: full.index("guarantee pay")]
    assert not any("guarantee" in piece for piece in pieces)


def test_character_split_over_byte_tokens_is_streamed_whole(ct_backend):
    # "日" is not in the vocabulary: the model writes its three UTF-8 bytes (e6 97 a5) as more than one token.
    prompt = "<|im_start|>user\nWrite the Japanese word for Japan: 日本<|im_end|>\n<|im_start|>assistant\n"
    assert len(ct_backend.tokenize("日")) == 3
    pieces = list(ct_backend.stream(prompt, GenerationParams(max_new_tokens=4)))
    assert pieces[:2] == ["日", "本"] and "\ufffd" not in "".join(pieces)
    assert len(pieces) < ct_backend.last_stats.generated_tokens == 4


def test_sampling_with_temperature_runs(ct_backend):
    params = GenerationParams(max_new_tokens=8, temperature=0.7, top_k=40, top_p=0.9, repetition_penalty=1.1)
    assert ct_backend.generate(PROMPT, params)
    assert 0 < ct_backend.last_stats.generated_tokens <= 8


def test_special_tokens_in_the_prompt_are_single_tokens(ct_backend):
    assert ct_backend.count_tokens("<|im_start|>") == 1
    assert ct_backend.count_tokens("<|im_start|>user\n") == 3


def test_prompt_longer_than_the_window_is_refused(ct_backend):
    long_prompt = chatml_prompt("word " * TEST_CONTEXT_LENGTH, ADIDAS_QUESTION)
    with pytest.raises(ModelError, match=f"{TEST_CONTEXT_LENGTH}-token window"):
        ct_backend.stream(long_prompt, GenerationParams(max_new_tokens=16))


def test_room_for_the_answer_is_required(ct_backend):
    prompt_tokens = ct_backend.count_tokens(PROMPT)
    fits = GenerationParams(max_new_tokens=TEST_CONTEXT_LENGTH - prompt_tokens)
    ct_backend.stream(PROMPT, fits).close()  # accepted
    with pytest.raises(ModelError, match=f"{prompt_tokens} tokens"):
        ct_backend.stream(PROMPT, GenerationParams(max_new_tokens=fits.max_new_tokens + 1))


def test_unconverted_gguf_is_refused_before_loading():
    with pytest.raises(ModelError, match="python -m rag.models prepare"):
        CTransformersBackend.load(smollm2_gguf())


def test_legacy_ggml_llama2_chat_file_loads_and_streams(tmp_path):
    # The legacy route of `--model models/llama-2-7b-chat.ggmlv3.q8_0.bin --model-type llama`, on a tiny random model.
    path = write_tiny_legacy_llama(tmp_path / "llama-2-7b-chat.ggmlv3.q8_0.bin")
    with pytest.raises(ModelError, match="--model-type"):
        CTransformersBackend.from_settings(load_settings(model=path))
    backend = CTransformersBackend.from_settings(load_settings(model=path, model_type="llama", threads=1))
    assert (backend.chat_format, backend.context_length) == ("llama2", 4096)
    assert backend.stop == ["</s>", "[INST]"]
    assert backend.tokenize("Hi") == [1, 3 + ord(" "), 259]  # <s>, the leading space (a byte token), "Hi"
    list(backend.stream("[INST] Hi [/INST]", GenerationParams(max_new_tokens=4)))
    assert backend.last_stats.prompt_tokens == backend.count_tokens("[INST] Hi [/INST]")
    assert backend.last_stats.generated_tokens <= 4


@pytest.mark.parametrize(
    ("chunks", "stops", "expected", "stopped"),
    [
        (["The answer", " is 7", "50.<|im", "_end|>more"], ["<|im_end|>"], ["The answer", " is 7", "50."], True),
        (["a\n", "\n", "b"], ["\n\n\n"], ["a", "\n\nb"], False),  # a held-back prefix that did not complete
        (["x\n\n", "\ny"], ["\n\n\n"], ["x"], True),
        (["no stops here"], [], ["no stops here"], False),
        (["Question", ": next"], ["\nQuestion:"], ["Question", ": next"], False),
    ],
)
def test_stop_string_filter(chunks, stops, expected, stopped):
    held = StopStringFilter(stops)
    out = [piece for piece in (held.push(chunk) for chunk in chunks) if piece]
    tail = held.flush()
    if tail:
        out.append(tail)
    assert out == expected and held.stopped == stopped


def test_control_characters_from_pdfs_do_not_crash_the_tokenizer(ct_backend):
    # \x13 and friends occur in real PDF text and used to kill the process inside ctransformers' tokenizer.
    text = "Revenue\x04 rose\x06 by\x13 10%\x14 in\x16 2022\x1d."
    assert ct_backend.tokenize(text) == ct_backend.tokenize(text.translate({c: " " for c in (4, 6, 0x13, 0x14, 0x16, 0x1d)}))
    assert ct_backend.generate(text, GenerationParams(max_new_tokens=4)) is not None


def test_clean_text_drops_control_characters():
    from rag.ingest.pdf import clean_text

    assert clean_text("a\x13b\x00c\td") == "a bc d"
