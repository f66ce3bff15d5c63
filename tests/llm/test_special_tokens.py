"""The special tokens of an IR folder are read from tokenizer.json's head, the same as from the whole file."""

from __future__ import annotations

import json

from rag.llm import openvino_backend
from rag.llm.openvino_backend import folder_special_tokens

ADDED = [{"id": 1, "content": "<|im_start|>", "special": True}, {"id": 2, "content": "<|im_end|>", "special": True},
         {"id": 3, "content": "plain", "special": False}]


def _folder(tmp_path, tokenizer: dict):
    (tmp_path / "tokenizer.json").write_text(json.dumps(tokenizer), encoding="utf-8")
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({"eos_token": "<|endoftext|>"}), encoding="utf-8")
    return tmp_path


def test_special_tokens_from_the_head_of_a_large_tokenizer_file(tmp_path):
    folder = _folder(tmp_path, {"version": "1.0", "added_tokens": ADDED, "model": {"vocab": {f"t{i}": i
                                                                                      for i in range(50_000)}}})
    assert folder_special_tokens(folder) == ["<|im_start|>", "<|im_end|>", "<|endoftext|>"]


def test_added_tokens_past_the_head_are_read_from_the_whole_file(tmp_path, monkeypatch):
    monkeypatch.setattr(openvino_backend, "_HEAD_CHARS", 40)  # the array is cut by the head
    folder = _folder(tmp_path, {"version": "1.0", "added_tokens": ADDED})
    assert folder_special_tokens(folder) == ["<|im_start|>", "<|im_end|>", "<|endoftext|>"]
    monkeypatch.setattr(openvino_backend, "_HEAD_CHARS", 5)  # the key itself is past the head
    assert folder_special_tokens(folder) == ["<|im_start|>", "<|im_end|>", "<|endoftext|>"]
