"""The tokenizer built from the bundled SmolLM2 GGUF's metadata gives the model's own token ids.

Three independent references: ids checked by hand against the vocabulary, a small re-implementation of
llama.cpp's byte-level BPE for this file (`tokenizer.ggml.pre = "smollm"`: every digit on its own, then the GPT-2
split, then merges by rank), and ctransformers' bundled llama.cpp on the file converted for it.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache

import pytest
import regex
from fixtures_openvino import gguf_tokenizer, gguf_vocab, smollm2_gguf_path  # noqa: F401 (fixtures)

from rag.errors import ModelError

SAMPLES = [
    "Hello world",
    "  two  spaces\tand a tab",
    "line1\nline2\n\n\nend",
    "1234567 digits, 3.14 and 2022",
    "café naïve Zürich",
    "£750 million",
    "don't I'll we've",
    "😀 emoji ☃",
    "   leading",
    "trailing   ",
    "DaviddeGea ....... 53",
    "The minimum guarantee payable by adidas is £750 million.",
    "<|im_start|>user\nHow much?<|im_end|>\n<|im_start|>assistant\n",
]

# (text, tokens) read off the vocabulary by hand; ids are the tokens' positions in tokenizer.ggml.tokens.
HAND_CHECKED = [
    ("Hello world", ["Hello", "Ġworld"], [19556, 905]),
    ("£750 million", ["Â£", "7", "5", "0", "Ġmillion"], [37564, 39, 37, 32, 2215]),
    ("line1\n\n\nend", ["line", "1", "ĊĊ", "Ċ", "end"], [1311, 33, 1116, 198, 486]),
    ("   leading", ["ĠĠ", "Ġleading"], [256, 2899]),
    ("<|im_start|>user\nHi<|im_end|>", ["<|im_start|>", "user", "Ċ", "Hi", "<|im_end|>"], [1, 4093, 198, 26843, 2]),
]

GPT2_SPLIT = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


@lru_cache
def _byte_to_unicode() -> dict[int, str]:
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    others = [b for b in range(256) if b not in printable]
    return {**{b: chr(b) for b in printable}, **{b: chr(256 + i) for i, b in enumerate(others)}}


class ReferenceBPE:
    """llama.cpp's algorithm for this vocabulary, written from its description, not from `tokenizers`."""

    def __init__(self, vocab):
        self.ids = {token: index for index, token in enumerate(vocab.tokens)}
        self.ranks = {merge: rank for rank, merge in enumerate(vocab.merges)}
        self.specials = [token for token, kind in zip(vocab.tokens, vocab.token_types) if kind == 3]

    def encode(self, text: str) -> list[int]:
        ids: list[int] = []
        pattern = "(" + "|".join(regex.escape(s) for s in self.specials) + ")"
        for segment in regex.split(pattern, text):
            if segment in self.specials:
                ids.append(self.ids[segment])
            elif segment:
                ids += self._encode_plain(segment)
        return ids

    def _encode_plain(self, text: str) -> list[int]:
        ids = []
        for piece in regex.split(r"(\p{N})", text):
            for word in regex.findall(GPT2_SPLIT, piece):
                mapped = "".join(_byte_to_unicode()[b] for b in word.encode())
                ids += [self.ids[part] for part in self._merge(list(mapped))]
        return ids

    def _merge(self, parts: list[str]) -> list[str]:
        while len(parts) > 1:
            ranked = [(self.ranks.get(f"{a} {b}"), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))]
            ranked = [(rank, i) for rank, i in ranked if rank is not None]
            if not ranked:
                break
            _, i = min(ranked)
            parts[i : i + 2] = [parts[i] + parts[i + 1]]
        return parts


@pytest.mark.parametrize("text, tokens, ids", HAND_CHECKED)
def test_hand_checked_ids(gguf_tokenizer, gguf_vocab, text, tokens, ids):
    assert [gguf_vocab.tokens.index(token) for token in tokens] == ids
    encoded = gguf_tokenizer.encode(text, add_special_tokens=False)
    assert gguf_tokenizer.convert_ids_to_tokens(encoded) == tokens
    assert encoded == ids


def test_ids_match_reference_llama_cpp_bpe(gguf_tokenizer, gguf_vocab):
    reference = ReferenceBPE(gguf_vocab)
    for text in SAMPLES:
        assert gguf_tokenizer.encode(text, add_special_tokens=False) == reference.encode(text), text


def test_decode_round_trips(gguf_tokenizer):
    for text in SAMPLES:
        ids = gguf_tokenizer.encode(text, add_special_tokens=False)
        assert gguf_tokenizer.decode(ids, clean_up_tokenization_spaces=False) == text


def test_special_tokens_and_chat_template(gguf_tokenizer):
    assert (gguf_tokenizer.bos_token, gguf_tokenizer.bos_token_id) == ("<|im_start|>", 1)
    assert (gguf_tokenizer.eos_token, gguf_tokenizer.eos_token_id) == ("<|im_end|>", 2)
    assert gguf_tokenizer.encode("Hi", add_special_tokens=True) == gguf_tokenizer.encode("Hi", add_special_tokens=False)
    text = gguf_tokenizer.apply_chat_template(
        [{"role": "user", "content": "Hi"}], tokenize=False, add_generation_prompt=True
    )
    assert text.endswith("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")


def test_saved_tokenizer_loads_back_identically(gguf_tokenizer, smollm2_gguf_path, tmp_path):
    from transformers import AutoTokenizer

    from rag.llm.convert.gguf_tokenizer import save_gguf_tokenizer

    save_gguf_tokenizer(smollm2_gguf_path, tmp_path)
    loaded = AutoTokenizer.from_pretrained(str(tmp_path))
    for text in SAMPLES:
        assert loaded.encode(text, add_special_tokens=False) == gguf_tokenizer.encode(text, add_special_tokens=False)
    assert loaded.chat_template == gguf_tokenizer.chat_template


def test_unsupported_pre_tokenizer_is_a_clear_error(gguf_vocab):
    from dataclasses import replace

    from rag.llm.convert.gguf_tokenizer import build_bpe_tokenizer

    with pytest.raises(ModelError, match="pre-tokenizer 'mystery' is not supported"):
        build_bpe_tokenizer(replace(gguf_vocab, pre="mystery"))


# ctransformers' August-2023 llama.cpp: no special-token parsing in text, so plain strings only. Accented letters
# and emoji are left out: on the converted file it splits "ï" + "ve" where the GGUF's merges (and the reference
# above) give "ïve", a difference of the legacy tokenizer, not of the model.
CTRANSFORMERS_SAMPLES = [s for s in SAMPLES if "<|" not in s and not any(c in s for c in "éïü😀☃")]


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("rag.llm.convert.gguf_convert") is None or importlib.util.find_spec("ctransformers") is None,
    reason="needs ctransformers and rag.llm.convert.gguf_convert",
)
def test_ids_match_ctransformers_llama_cpp(gguf_tokenizer, smollm2_gguf_path, tmp_path):
    from ctransformers import AutoModelForCausalLM

    from rag.llm.convert.gguf_convert import convert_for_ctransformers

    converted = convert_for_ctransformers(smollm2_gguf_path, tmp_path / "smollm2.q8_0.gguf")
    llm = AutoModelForCausalLM.from_pretrained(str(converted), model_type="llama")
    for text in CTRANSFORMERS_SAMPLES:
        assert gguf_tokenizer.encode(text, add_special_tokens=False) == list(llm.tokenize(text, add_bos_token=False)), text
