"""The converter turns the bundled SmolLM2 GGUF into a Q8_0 file that ctransformers 0.2.27 loads and answers with."""

from __future__ import annotations

import argparse
import json

import pytest
from fixtures_models import (  # noqa: F401 (fixtures)
    adidas_answer,
    converted_model,
    ct_backend,
    prepared_default_model,
)

from rag.errors import ModelError
from rag.llm.convert.bundled import smollm2_gguf
from rag.llm.convert.gguf_convert import (
    convert_for_ctransformers,
    ensure_converted,
    is_up_to_date,
    output_name_for,
    prepare_cli,
    sidecar_path,
)
from rag.llm.convert.inspect import check_ctransformers_loadable, inspect_model_file, read_gguf_header

# Plain text whose ids the old tokenizer must give exactly as the model's own tokenizer does.
SAME_IDS = [
    "Hello world",
    "The minimum guarantee payable by adidas is £750 million.",
    "a\n\nb\tc  d",
    "Line one.\nLine two.\n\n\nEnd",
    "   many    spaces   ",
    "12345 and 3.14 in 2022",
    "£750m, €3.5bn and $1,000.00",
    "It’s the company’s “best” year — ever…",
    "Nadal’s résumé",
    "don't won't it's",
    "tab\tseparated\tvalues\r\nwindows",
]
# The August-2023 pre-tokenizer splits words at non-ASCII letters ("naï|ve"), so ids differ from the GGUF's
# own tokenizer there; the text must still survive the round trip.
ROUND_TRIP_ONLY = ["naïve café", "Zoë and Renée", "Ángel Di María", "Ünïcödé → ✓ 日本語"]


def reference_tokenizer(path):
    """A `tokenizers` BPE built from the source GGUF's own metadata (SmolLM2: digits split, byte-level)."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

    kv = read_gguf_header(path).metadata
    tokens = [token.decode("utf-8") for token in kv["tokenizer.ggml.tokens"]]
    merges = [tuple(merge.decode("utf-8").split(" ", 1)) for merge in kv["tokenizer.ggml.merges"]]
    tokenizer = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(tokens)}, merges=merges))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Digits(individual_digits=True), pre_tokenizers.ByteLevel(add_prefix_space=False)]
    )
    tokenizer.decoder = decoders.ByteLevel()
    kinds = kv["tokenizer.ggml.token_type"]
    tokenizer.add_special_tokens([AddedToken(t, special=True) for t, kind in zip(tokens, kinds) if kind == 3])
    return tokenizer


def test_default_model_is_converted_once_with_a_sidecar(prepared_default_model):
    path = prepared_default_model.path
    assert path.name == "SmolLM2-135M-Instruct.ctransformers.q8_0.gguf"
    assert any("Converting" in message for message in prepared_default_model.messages)
    assert any(message.startswith(f"Wrote {path}") and "MB" in message for message in prepared_default_model.messages)
    record = json.loads(sidecar_path(path).read_text())
    assert record["source_sha256"] and record["size"] == path.stat().st_size
    again, converted, _ = ensure_converted(smollm2_gguf(), path, announce=pytest.fail)
    assert again == path and not converted


def test_sidecar_from_another_source_or_converter_is_stale(converted_model, tmp_path):
    sidecar = sidecar_path(converted_model)
    record = json.loads(sidecar.read_text())
    assert is_up_to_date(converted_model, record["source_sha256"])
    assert not is_up_to_date(converted_model, "0" * 64)
    copy = tmp_path / converted_model.name
    copy.symlink_to(converted_model)
    sidecar_path(copy).write_text(json.dumps({**record, "converter_version": -1}))
    assert not is_up_to_date(copy, record["source_sha256"])


def test_converted_file_has_what_the_old_loader_needs(converted_model):
    info = inspect_model_file(converted_model)
    assert info.has_output_weight and info.has_tokenizer_scores
    assert info.byte_level_vocab_mapped is False
    assert set(info.tensor_types) == {"Q8_0", "F32"}
    check_ctransformers_loadable(info)  # no error
    with pytest.raises(ModelError, match="python -m rag.models prepare"):
        check_ctransformers_loadable(inspect_model_file(smollm2_gguf()))


def test_metadata_is_kept(converted_model):
    source = read_gguf_header(smollm2_gguf()).metadata
    output = read_gguf_header(converted_model).metadata
    rewritten = {"general.file_type", "tokenizer.ggml.tokens", "tokenizer.ggml.merges"}
    for key, value in source.items():
        if key not in rewritten and not key.startswith("GGUF."):
            assert output[key] == value, key
    assert output["llama.rope.freq_base"] == 100000.0 and output["llama.context_length"] == 8192
    assert "<|im_start|>" in output["tokenizer.chat_template"]
    assert len(output["tokenizer.ggml.scores"]) == len(output["tokenizer.ggml.tokens"]) == 49152
    assert output["general.file_type"] == 7  # MOSTLY_Q8_0


def test_tokenizer_gives_the_models_own_ids(ct_backend):
    reference = reference_tokenizer(smollm2_gguf())
    for text in SAME_IDS:
        assert ct_backend.tokenize(text) == reference.encode(text).ids, text
    for text in SAME_IDS + ROUND_TRIP_ONLY:
        ids = ct_backend.tokenize(text)
        assert ct_backend._llm.detokenize(ids) == text, text
    chat = "<|im_start|>user\nHi<|im_end|>\n"
    assert ct_backend.tokenize(chat) == reference.encode(chat).ids == [1, 4093, 198, 26843, 2, 198]


def test_converted_model_answers_from_its_context(adidas_answer):
    # ChatML prompt: "How much is the minimum guarantee payable by adidas?" over a context with "£750 million".
    assert "750" in adidas_answer.text


def test_prepare_cli_reports_an_up_to_date_file(converted_model, capsys):
    args = argparse.Namespace(source=None, out=str(converted_model), force=False)
    assert prepare_cli(args, settings=None) == 0
    out = capsys.readouterr().out
    assert "Up to date" in out and str(converted_model) in out and "MB" in out


def test_a_failed_conversion_leaves_no_file(tmp_path):
    truncated = tmp_path / "truncated.gguf"
    with open(smollm2_gguf(), "rb") as source:
        truncated.write_bytes(source.read(200_000))
    out = tmp_path / "out" / "model.gguf"
    with pytest.raises(ModelError, match="truncated.gguf"):
        convert_for_ctransformers(truncated, out)
    assert not out.exists()
    assert not list(tmp_path.rglob("*.tmp"))


def test_other_architectures_are_refused(tmp_path):
    import numpy as np
    from gguf import GGUFWriter

    path = tmp_path / "qwen.gguf"
    writer = GGUFWriter(path, arch="qwen2")
    writer.add_tensor("token_embd.weight", np.zeros((4, 32), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    with pytest.raises(ModelError, match="architecture 'qwen2'"):
        convert_for_ctransformers(path, tmp_path / "out.gguf")
    assert not (tmp_path / "out.gguf").exists()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("SmolLM2-135M-Instruct.Q4_1.gguf", "SmolLM2-135M-Instruct.ctransformers.q8_0.gguf"),
        ("Meta-Llama-3.1-8B.Q4_K_M.gguf", "Meta-Llama-3.1-8B.ctransformers.q8_0.gguf"),
        ("tinyllama-1.1b.f16.gguf", "tinyllama-1.1b.ctransformers.q8_0.gguf"),
        ("llama-3.2-1b-instruct.gguf", "llama-3.2-1b-instruct.ctransformers.q8_0.gguf"),
    ],
)
def test_output_names(source, expected):
    from pathlib import Path

    assert output_name_for(Path(source)) == expected
