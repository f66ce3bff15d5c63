"""Named collections (rag.index.collections) and their commands: `python -m rag.ingest --collection NAME`,
`--list`, `--drop NAME`, and `--collection` on main.py and rag.eval. Real folders, indexes and a real PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from rag.errors import UserError
from conftest import REPO


def run(*args, cwd, env_extra=None):
    import os

    env = dict(os.environ, PYTHONPATH=str(REPO), RAG_MODELS_DIR=str(REPO / "models"),
               RAG_CACHE_DIR=str(REPO / ".cache"), **(env_extra or {}))
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_default_is_todays_layout_and_others_live_beside_it(settings, tmp_path):
    from rag.index import collections

    assert collections.settings_for(settings, "default") is settings
    assert collections.names(settings) == ["default"]
    legal = collections.create(settings, "legal", [tmp_path / "contracts"], {"ocr_lang": "deu", "store": None})
    own = collections.settings_for(settings, "legal")
    assert own.index_dir == settings.index_dir / "collections" / "legal" and own.data_dir == legal.folders[0]
    assert own.ocr_lang == "deu" and own.store == settings.store and own.pg_schema == "docqa_legal"
    assert (tmp_path / "contracts").is_dir() and collections.names(settings) == ["default", "legal"]
    # a collection created without a folder keeps its documents beside data/, never inside it
    collections.create(settings, "hr-2024", [])
    hr = collections.settings_for(settings, "hr-2024")
    assert not hr.data_dir.resolve().is_relative_to(settings.data_dir.resolve()) and hr.pg_schema == "docqa_hr_2024"


@pytest.mark.parametrize("name", ["Legal", "-x", "a b", "../etc", "", "x" * 64])
def test_bad_names_are_refused(settings, name):
    from rag.index import collections

    with pytest.raises(UserError, match="collection name"):
        collections.settings_for(settings, name)


def test_names_sharing_a_schema_are_refused(settings, tmp_path):
    from rag.index import collections

    collections.create(settings, "a-b", [tmp_path / "one"])
    with pytest.raises(UserError, match="schema docqa_a_b"):
        collections.create(settings, "a_b", [tmp_path / "two"])


def test_ingest_list_and_drop_from_the_command_line(tmp_path):
    for name, text in (("contracts", "The Zorblax licence fee is 4,321 krona.\n"),
                       ("people", "Every Quenwick employee has 29 days of holiday.\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{name}.txt").write_text(text)
    (tmp_path / "data").mkdir()
    first = run("-m", "rag.ingest", "--collection", "legal", "contracts", "--ocr", "never", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "created collection 'legal'" in first.stderr and "1 added" in first.stdout
    again = run("-m", "rag.ingest", "--collection", "legal", cwd=tmp_path)  # its recorded folder, unchanged
    assert again.returncode == 0 and "1 unchanged" in again.stdout
    assert run("-m", "rag.ingest", "--collection", "hr", "people", cwd=tmp_path).returncode == 0
    listed = run("-m", "rag.ingest", "--list", "--json", cwd=tmp_path)
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert set(rows) == {"default", "legal", "hr"} and rows["default"]["folders"] == ["data"]
    assert rows["legal"]["files"] == 1 and rows["legal"]["chunks"] >= 1 and rows["legal"]["updated"]
    assert rows["legal"]["bytes"] == (tmp_path / "contracts" / "contracts.txt").stat().st_size
    record = (tmp_path / "vectorstore" / "collections" / "legal" / "collection.toml").read_text()
    assert 'ocr = "never"' in record and str(tmp_path / "contracts") in record
    table = run("-m", "rag.ingest", "--list", cwd=tmp_path).stdout
    assert table.splitlines()[0].split()[:5] == ["NAME", "STORE", "FILES", "CHUNKS", "SIZE"]
    dropped = run("-m", "rag.ingest", "--drop", "legal", cwd=tmp_path)
    assert dropped.returncode == 0 and "not touched" in dropped.stdout
    assert (tmp_path / "contracts" / "contracts.txt").is_file()  # the user's files stay
    assert not (tmp_path / "vectorstore" / "collections" / "legal").exists()
    assert [row["name"] for row in json.loads(run("-m", "rag.ingest", "--list", "--json", cwd=tmp_path).stdout)] \
        == ["default", "hr"]


@pytest.mark.parametrize("command", [["-m", "rag.ingest", "--collection", "nosuch", "--drop", "nosuch"],
                                     ["-m", "rag.ingest", "--drop", "nosuch"],
                                     ["main.py", "--collection", "nosuch", "anything?"],
                                     ["-m", "rag.eval", "q.jsonl", "--collection", "nosuch"],
                                     ["-m", "rag.serve", "--collection", "nosuch"],
                                     ["-m", "rag.web", "--collection", "nosuch"]])
def test_an_unknown_collection_is_one_line_and_non_zero(tmp_path, command):
    if command[0] == "main.py":
        command = [str(REPO / "main.py"), *command[1:]]
    result = run(*command, cwd=tmp_path)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == ["error: no collection named 'nosuch'; create it with "
                                                  "`python -m rag.ingest --collection nosuch FOLDER` (list them "
                                                  "with `python -m rag.ingest --list`)"]


def test_a_bad_name_is_a_usage_error(tmp_path):
    result = run("-m", "rag.ingest", "--collection", "Bad Name", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("error: collection name 'Bad Name'")


def test_a_pgvector_collection_has_its_own_schema_and_drop_removes_it(settings, pg_server, embeddings, tmp_path):
    import psycopg

    from rag.index import collections
    from rag.ingest.pipeline import ingest

    base = settings.model_copy(update={"pg_dsn": pg_server})
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("The Marlowe budget is 88 million florins.\n")
    collections.create(base, "pgnotes", [tmp_path / "notes"], {"store": "pgvector"})
    own = collections.settings_for(base, "pgnotes")
    assert own.store == "pgvector" and own.pg_schema == "docqa_pgnotes"
    ingest(own, progress=False, embeddings=embeddings)
    row = collections.describe(base, "pgnotes")
    assert row["store"] == "pgvector" and row["files"] == 1 and row["chunks"] >= 1

    def schemas():
        with psycopg.connect(pg_server, autocommit=True) as conn:
            return {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace")}

    assert "docqa_pgnotes" in schemas() and "docqa" not in schemas()
    collections.drop(base, "pgnotes")
    assert "docqa_pgnotes" not in schemas() and (tmp_path / "notes" / "a.txt").is_file()
