"""Settings precedence: defaults < rag.toml < RAG_* environment < CLI flags; bad values are usage errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.config import load_settings
from rag.errors import UserError


def test_defaults_work_without_configuration(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RAG_BACKEND", raising=False)  # conftest picks ctransformers for the fast tests
    settings = load_settings()
    assert (settings.chunk_size, settings.chunk_overlap, settings.k) == (500, 50, 5)
    assert settings.backend == "auto" and settings.temperature == 0.0
    assert settings.data_dir == Path("data") and settings.index_dir == Path("vectorstore")


def test_precedence_file_env_flags(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RAG_BACKEND", raising=False)  # set by conftest for the fast tests
    (tmp_path / "rag.toml").write_text('k = 6\nchunk_size = 800\nbackend = "openvino"\n')
    assert load_settings().k == 6 and load_settings().chunk_size == 800
    monkeypatch.setenv("RAG_K", "7")
    assert load_settings().k == 7 and load_settings().backend == "openvino"
    assert load_settings(k=9).k == 9
    assert load_settings(k=None).k == 7  # a flag that was not given does not override


def test_config_file_named_by_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    other = tmp_path / "other.toml"
    other.write_text("max_new_tokens = 99\n")
    monkeypatch.setenv("RAG_CONFIG", str(other))
    assert load_settings().max_new_tokens == 99
    monkeypatch.setenv("RAG_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(UserError, match="missing.toml"):
        load_settings()


@pytest.mark.parametrize("bad", [{"k": 0}, {"backend": "llamacpp"}, {"temperature": -1.0}])
def test_invalid_values_are_usage_errors(tmp_path, monkeypatch, bad):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError) as info:
        load_settings(**bad)
    assert info.value.exit_code == 2 and "invalid setting" in str(info.value)


def test_broken_toml_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rag.toml").write_text("k = = 3\n")
    with pytest.raises(UserError, match="configuration"):
        load_settings()
