"""OpenVINO export of the bundled SmolLM2 GGUF to an int8 IR, and the backend that runs it.

The export (~1 minute) runs once per session in a tmp folder (tests/fixtures_openvino.py); tests that need it are
marked slow. Error cases use small hand-made folders and run in a second.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from fixtures_openvino import (  # noqa: F401 (fixtures)
    ADIDAS_CONTEXT,
    ADIDAS_QUESTION,
    chatml_prompt,
    needs_openvino,
    openvino_backend,
    openvino_ir,
    openvino_settings,
)

from rag.errors import ModelError, UserError
from rag.llm.base import STOPS, GenerationParams

pytestmark = needs_openvino


# ---------------------------------------------------------------------------------------------------------------
# Export


@pytest.mark.slow
def test_export_writes_a_complete_ir_with_metadata(openvino_ir):
    names = {path.name for path in openvino_ir.path.iterdir()}
    for required in ("openvino_model.xml", "openvino_model.bin", "openvino_tokenizer.xml", "openvino_detokenizer.xml",
                     "config.json", "tokenizer.json", "docqa_export.json"):
        assert required in names
    metadata = json.loads((openvino_ir.path / "docqa_export.json").read_text())
    assert metadata["weight_format"] == "int8" and metadata["group_size"] is None
    assert metadata["source_fingerprint"].startswith("sha256:")
    assert {"openvino", "optimum-intel", "nncf", "transformers"} <= set(metadata["versions"])
    assert any(message.startswith("[2/4]") for message in openvino_ir.messages)
    assert " MB." in openvino_ir.messages[-1] and " s, " in openvino_ir.messages[-1]


@pytest.mark.slow
def test_export_leaves_no_temporary_files(openvino_ir):
    leftovers = [p.name for p in openvino_ir.path.parent.iterdir() if p.name.startswith(f".{openvino_ir.path.name}.tmp")]
    assert leftovers == []


@pytest.mark.slow
def test_second_export_is_skipped(openvino_ir):
    from rag.llm.convert.openvino_export import export_openvino

    messages: list[str] = []
    started = time.perf_counter()
    path = export_openvino(None, openvino_ir.path, settings=openvino_ir.settings, announce=messages.append)
    assert path == openvino_ir.path
    assert time.perf_counter() - started < 15  # hashing the 98 MB source, no export
    assert any("export skipped" in message for message in messages)


@pytest.mark.slow
def test_default_model_is_found_without_exporting(openvino_ir):
    from rag.llm.convert.openvino_export import ensure_default_openvino_model

    messages: list[str] = []
    assert ensure_default_openvino_model(openvino_ir.settings, announce=messages.append) == openvino_ir.path
    assert messages == []


@pytest.mark.slow
def test_openvino_tokenizer_matches_the_hf_tokenizer(openvino_ir, openvino_backend):
    import openvino as ov
    import openvino_tokenizers  # noqa: F401 (registers the tokenizer operations)

    from transformers import AutoTokenizer

    hf_tokenizer = AutoTokenizer.from_pretrained(str(openvino_ir.path))
    compiled = ov.Core().compile_model(str(openvino_ir.path / "openvino_tokenizer.xml"), "CPU")
    for text in ("£750 million", "café naïve 2022\n\n", "😀 <|im_start|>user\nHi<|im_end|>\n"):
        hf_ids = hf_tokenizer(text, add_special_tokens=False)["input_ids"]
        assert compiled([text])["input_ids"][0].tolist() == hf_ids
        assert openvino_backend.tokenizer.encode(text, add_special_tokens=False) == hf_ids
        assert openvino_backend.tokenizer.decode(hf_ids) == text


def test_int4_group_size_must_divide_the_hidden_size(tmp_path):
    from rag.llm.convert.openvino_export import export_openvino

    out = tmp_path / "int4"
    with pytest.raises(UserError, match=r"group size 100 must divide the hidden size \(576\)"):
        export_openvino(None, out, weight_format="int4", group_size=100, announce=lambda _: None)
    assert not out.exists()


def test_group_size_only_applies_to_int4(tmp_path):
    from rag.llm.convert.openvino_export import export_openvino

    with pytest.raises(UserError, match="only to --weight-format int4"):
        export_openvino(None, tmp_path / "x", weight_format="int8", group_size=64, announce=lambda _: None)


def test_source_that_is_neither_gguf_nor_hf_folder(tmp_path):
    from rag.llm.convert.openvino_export import export_openvino

    not_gguf = tmp_path / "model.bin"
    not_gguf.write_bytes(b"ggjt" + b"\0" * 60)
    with pytest.raises(UserError, match="not a GGUF file"):
        export_openvino(not_gguf, tmp_path / "out", announce=lambda _: None)
    with pytest.raises(UserError, match="no config.json"):
        export_openvino(tmp_path, tmp_path / "out", announce=lambda _: None)


# ---------------------------------------------------------------------------------------------------------------
# The backend on the exported IR


@pytest.mark.slow
def test_backend_describes_the_model(openvino_backend, openvino_ir):
    assert openvino_backend.name == "openvino"
    assert openvino_backend.model_path == openvino_ir.path
    assert openvino_backend.chat_format == "chatml"
    assert openvino_backend.stop == STOPS["chatml"]
    assert openvino_backend.context_length == 8192
    assert openvino_backend.load_seconds > 0
    assert openvino_backend.count_tokens("£750 million") == 5


@pytest.mark.slow
def test_ir_answers_the_adidas_question(openvino_backend):
    pieces = list(openvino_backend.stream(chatml_prompt(ADIDAS_CONTEXT, ADIDAS_QUESTION), GenerationParams()))
    answer = "".join(pieces)
    assert "750" in answer
    assert "<|im_end|>" not in answer and "<|im_start|>" not in answer
    assert len(pieces) > 3  # streamed, not returned in one piece
    stats = openvino_backend.last_stats
    assert stats.prompt_tokens == openvino_backend.count_tokens(chatml_prompt(ADIDAS_CONTEXT, ADIDAS_QUESTION))
    assert stats.generated_tokens >= len(pieces) and stats.ttft_seconds > 0 and stats.generation_seconds > 0


@pytest.mark.slow
def test_greedy_generation_is_deterministic_and_honours_stop_strings(openvino_backend):
    prompt = chatml_prompt(ADIDAS_CONTEXT, ADIDAS_QUESTION)
    first = openvino_backend.generate(prompt, GenerationParams(max_new_tokens=40))
    assert openvino_backend.generate(prompt, GenerationParams(max_new_tokens=40)) == first
    cut = openvino_backend.generate(prompt, GenerationParams(max_new_tokens=40, stop=["750"]))
    assert "750" not in cut and first.startswith(cut)


@pytest.mark.slow
def test_sampling_parameters_are_accepted(openvino_backend):
    params = GenerationParams(max_new_tokens=8, temperature=0.7, top_k=40, top_p=0.9, repetition_penalty=1.1)
    assert openvino_backend.generate(chatml_prompt(ADIDAS_CONTEXT, ADIDAS_QUESTION), params)


@pytest.mark.slow
def test_prompt_longer_than_the_window_is_an_error(openvino_backend):
    with pytest.raises(ModelError, match="exceeds the model's window of 8192 tokens"):
        list(openvino_backend.stream("word " * 100, GenerationParams(max_new_tokens=8150)))


@pytest.mark.slow
def test_stopping_the_stream_early_stops_generation(openvino_backend):
    stream = openvino_backend.stream(chatml_prompt(ADIDAS_CONTEXT, ADIDAS_QUESTION), GenerationParams())
    assert next(stream)
    stream.close()  # must not hang or leave the worker thread running
    assert "750" in openvino_backend.generate(chatml_prompt(ADIDAS_CONTEXT, ADIDAS_QUESTION), GenerationParams())


@pytest.mark.slow
def test_optimum_engine_gives_the_same_greedy_answer(openvino_ir, openvino_backend):
    from rag.llm.openvino_backend import OpenVINOBackend

    optimum = OpenVINOBackend(openvino_ir.path, cache_dir=Path(openvino_ir.settings.cache_dir) / "ov", engine="optimum")
    prompt = chatml_prompt(ADIDAS_CONTEXT, ADIDAS_QUESTION)
    params = GenerationParams(max_new_tokens=24)
    assert optimum.generate(prompt, params) == openvino_backend.generate(prompt, params)


@pytest.mark.slow
def test_from_settings_loads_the_named_folder(openvino_ir):
    from rag.llm import load_backend

    settings = openvino_ir.settings.model_copy(update={"backend": "openvino", "model": openvino_ir.path})
    backend = load_backend(settings, announce=lambda _: None)
    assert backend.name == "openvino" and backend.model_path == openvino_ir.path


# ---------------------------------------------------------------------------------------------------------------
# Folders that are not an OpenVINO LLM


def _looks_like_an_llm_ir(folder: Path, *, tokenizer: bool = True) -> Path:
    """A folder that passes the file checks (the backend reads files, not the network, to validate)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps({"architectures": ["LlamaForCausalLM"]}))
    (folder / "openvino_model.xml").write_text('<net><layer name="input_ids"/><layer name="logits"/></net>')
    if tokenizer:
        for name in ("openvino_tokenizer.xml", "openvino_detokenizer.xml", "tokenizer.json"):
            (folder / name).write_text("{}")
    return folder


def _non_llm_ir(folder: Path) -> Path:
    import openvino as ov
    from openvino import opset13 as ops

    folder.mkdir(parents=True)
    pixels = ops.parameter([1, 3, 8, 8], ov.Type.f32, name="pixel_values")
    ov.save_model(ov.Model([ops.relu(pixels)], [pixels], "classifier"), str(folder / "openvino_model.xml"))
    (folder / "config.json").write_text(json.dumps({"architectures": ["ResNetForImageClassification"]}))
    return folder


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda tmp: tmp / "missing", "no such folder"),
        (lambda tmp: (tmp / "model.gguf").write_bytes(b"GGUF") and tmp / "model.gguf", "is a folder with openvino_model.xml; export this file"),
        (lambda tmp: (tmp / "empty").mkdir() or tmp / "empty", "no openvino_model.xml"),
        (lambda tmp: _non_llm_ir(tmp / "classifier"), "not a text-generation LLM"),
        (lambda tmp: _looks_like_an_llm_ir(tmp / "no-tokenizer", tokenizer=False), "missing tokenizer"),
    ],
    ids=["missing", "file", "empty", "not-llm", "no-tokenizer"],
)
def test_bad_ir_folders_are_clear_errors(tmp_path, make, message):
    from rag.llm.openvino_backend import OpenVINOBackend

    with pytest.raises(ModelError, match=message):
        OpenVINOBackend(make(tmp_path))


def test_unsupported_device_lists_the_available_ones(tmp_path):
    from rag.llm.openvino_backend import OpenVINOBackend

    with pytest.raises(ModelError, match=r"device 'NPU' is not available here; available: .*CPU"):
        OpenVINOBackend(_looks_like_an_llm_ir(tmp_path / "ir"), device="npu")


def test_tokenizer_removed_from_a_real_layout_is_reported(tmp_path):
    from rag.llm.openvino_backend import OpenVINOBackend

    folder = _looks_like_an_llm_ir(tmp_path / "ir")
    (folder / "openvino_detokenizer.xml").unlink()
    with pytest.raises(ModelError, match="missing tokenizer \\(openvino_detokenizer.xml\\)"):
        OpenVINOBackend(folder)
    shutil.rmtree(folder)


def test_export_refuses_to_replace_a_folder_it_did_not_make(tmp_path):
    from rag.llm.convert.openvino_export import export_openvino

    precious = tmp_path / "my-model"
    precious.mkdir()
    (precious / "weights.safetensors").write_bytes(b"data")
    with pytest.raises(UserError, match="not an OpenVINO export made by this tool"):
        export_openvino(None, precious, force=True, announce=lambda _: None)
    assert (precious / "weights.safetensors").read_bytes() == b"data"
