"""Model files are inspected before loading: format, metadata, and a clear reason when ctransformers can't load one."""

from __future__ import annotations

import os
import struct
import time
from pathlib import Path

import pytest

from rag.errors import ModelError
from rag.llm.convert.bundled import smollm2_gguf
from rag.llm.convert.inspect import (
    ModelFileInfo,
    check_ctransformers_loadable,
    detect_chat_format,
    inspect_model_file,
)

LLAMA_7B_HPARAMS = (32000, 4096, 256, 32, 32, 128)  # n_vocab, n_embd, n_mult, n_head, n_layer, n_rot
FTYPE_F16, FTYPE_Q8_0 = 1, 7


def legacy_file(path: Path, magic: bytes, version: int | None, ftype: int = FTYPE_Q8_0) -> Path:
    """The header of a legacy llama GGML file (the rest would be vocab and tensors)."""
    header = magic[::-1]  # the magic is a little-endian uint32, so 'ggjt' is stored as b'tjgg'
    if version is not None:
        header += struct.pack("<I", version)
    header += struct.pack("<7I", *LLAMA_7B_HPARAMS, ftype) + os.urandom(64)
    path.write_bytes(header)
    return path


def small_gguf(path: Path, arch: str, **strings: str) -> Path:
    import numpy as np
    from gguf import GGUFWriter

    writer = GGUFWriter(path, arch=arch)
    for key, value in strings.items():
        writer.add_string(key.replace("__", "."), value)
    writer.add_tensor("token_embd.weight", np.zeros((4, 32), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def test_bundled_gguf_is_described():
    start = time.perf_counter()
    info = inspect_model_file(smollm2_gguf())
    assert time.perf_counter() - start < 2  # read on every start, so it must stay fast
    assert (info.format, info.version, info.architecture) == ("gguf", 3, "llama")
    assert info.context_length == 8192 and info.vocab_size == 49152
    assert "<|im_start|>" in info.chat_template and info.tokenizer_model == "gpt2"
    assert info.file_size == smollm2_gguf().stat().st_size
    assert info.has_output_weight is False and info.has_tokenizer_scores is False
    assert info.byte_level_vocab_mapped is True
    assert info.special_tokens["<|im_end|>"] == info.eos_token_id == 2
    assert info.add_bos_token is False
    assert info.tensor_types["Q4_1"] > 0
    assert detect_chat_format(info) == "chatml"


def test_bundled_gguf_is_refused_with_the_prepare_command():
    path = smollm2_gguf()
    with pytest.raises(ModelError) as caught:
        check_ctransformers_loadable(inspect_model_file(path))
    message = str(caught.value)
    assert f"python -m rag.models prepare {path}" in message
    assert "tokenizer.ggml.scores" in message and "output.weight" in message and "\n" not in message


def test_legacy_ggjt_v3_llama2_chat_file(tmp_path):
    path = legacy_file(tmp_path / "llama-2-7b-chat.ggmlv3.q8_0.bin", b"ggjt", 3)
    info = inspect_model_file(path)
    assert (info.format, info.version, info.format_label) == ("ggjt", 3, "ggjt v3")
    assert info.legacy_hparams["n_embd"] == 4096 and info.legacy_hparams["ftype"] == FTYPE_Q8_0
    assert info.context_length == 4096  # Llama-2
    assert detect_chat_format(info) == "llama2"
    check_ctransformers_loadable(info, "llama")
    with pytest.raises(ModelError, match="--model-type"):
        check_ctransformers_loadable(info, None)


def test_legacy_formats_are_told_apart(tmp_path):
    old = inspect_model_file(legacy_file(tmp_path / "ggml-model-f16.bin", b"ggml", None, FTYPE_F16))
    assert old.format == "ggml" and old.version is None and old.context_length == 2048
    assert detect_chat_format(old) == "plain"
    check_ctransformers_loadable(old, "llama")  # unquantized: still readable
    ggmf = inspect_model_file(legacy_file(tmp_path / "model.bin", b"ggmf", 1))
    assert ggmf.format_label == "ggmf v1"
    with pytest.raises(ModelError, match="GGJT v3"):
        check_ctransformers_loadable(ggmf, "llama")
    ggjt_v2 = inspect_model_file(legacy_file(tmp_path / "llama-7b.ggmlv2.q4_0.bin", b"ggjt", 2, ftype=2))
    with pytest.raises(ModelError, match="quantization layout"):
        check_ctransformers_loadable(ggjt_v2, "llama")


def test_random_bytes_are_not_a_model(tmp_path):
    path = tmp_path / "notes.bin"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(ModelError, match="not a model file"):
        inspect_model_file(path)
    (tmp_path / "empty.gguf").write_bytes(b"")
    with pytest.raises(ModelError, match="not a model file"):
        inspect_model_file(tmp_path / "empty.gguf")


def test_missing_file_says_where_to_put_it(tmp_path):
    with pytest.raises(ModelError) as caught:
        inspect_model_file(tmp_path / "models" / "llama-2-7b-chat.ggmlv3.q8_0.bin")
    message = str(caught.value)
    assert "does not exist" in message and "--model" in message and "python -m rag.models prepare" in message


def test_folder_and_truncated_gguf_are_refused(tmp_path):
    with pytest.raises(ModelError, match="folder"):
        inspect_model_file(tmp_path)
    truncated = tmp_path / "cut.gguf"
    with open(smollm2_gguf(), "rb") as source:
        truncated.write_bytes(source.read(100_000))
    with pytest.raises(ModelError, match="incomplete"):
        inspect_model_file(truncated)


def test_architecture_too_new_for_ctransformers(tmp_path):
    info = inspect_model_file(small_gguf(tmp_path / "qwen2.gguf", "qwen2"))
    assert info.architecture == "qwen2"
    with pytest.raises(ModelError, match="architecture 'qwen2' is not supported"):
        check_ctransformers_loadable(info)


@pytest.mark.parametrize(
    ("template", "name", "expected"),
    [
        ("{{ '<|im_start|>' + message['role'] }}", "x.gguf", "chatml"),
        ("{{ bos_token + '[INST] ' + content + ' [/INST]' }}", "x.gguf", "llama2"),
        (None, "llama-2-7b-chat.ggmlv3.q8_0.bin", "llama2"),
        (None, "Llama-2-13B-chat.Q8_0.gguf", "llama2"),
        (None, "llama-2-7b.ggmlv3.q8_0.bin", "plain"),  # the base model is not a chat model
        (None, "mistral-7b.Q4_0.gguf", "plain"),
        ("{{ '<start_of_turn>user' }}", "gemma.gguf", "plain"),
    ],
)
def test_chat_format_detection(template, name, expected):
    info = ModelFileInfo(path=Path(name), format="gguf", version=3, file_size=0, chat_template=template)
    assert detect_chat_format(info) == expected


def test_chat_format_from_gguf_name(tmp_path):
    path = small_gguf(tmp_path / "model.gguf", "llama", general__name="TheBloke Llama-2-7B-Chat")
    assert detect_chat_format(inspect_model_file(path)) == "llama2"
