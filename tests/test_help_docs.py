"""Every command's --help names the docs page that explains it, and that page exists."""

from __future__ import annotations

import argparse
import importlib
import re
import subprocess
import sys

import pytest

from conftest import REPO

COMMANDS = ["main", "rag.ingest.__main__", "rag.web.__main__", "rag.serve.__main__", "rag.eval.__main__",
            "rag.bench.__main__", "rag.llm.convert.__main__"]


def parsers(parser: argparse.ArgumentParser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from parsers(sub)


@pytest.mark.parametrize("module", COMMANDS)
def test_help_names_its_docs_page(module):
    sys.path.insert(0, str(REPO))
    try:
        command = importlib.import_module(module)
    finally:
        sys.path.remove(str(REPO))
    for parser in parsers(command.build_parser()):
        pages = re.findall(r"docs/[\w.-]+\.md", parser.format_help())
        assert pages, f"{parser.prog} --help names no docs page"
        for page in pages:
            assert (REPO / page).is_file(), f"{parser.prog} --help names {page}, which does not exist"


def test_the_settings_page_command_has_help():
    done = subprocess.run([sys.executable, "-m", "rag.config_doc", "--help"], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0 and "docs/configuration.md" in done.stdout
