"""`python -m rag.bench`: one module per benchmark, each adding its subcommand to a small dispatcher."""

from __future__ import annotations

import pytest

from rag.bench.__main__ import BENCHMARKS, build_parser, main

SUBCOMMANDS = {"ingest", "llm", "llm-one", "serve", "faults", "ingest-compare", "startup", "store", "scan", "tables", "watch"}


def test_every_benchmark_module_adds_its_subcommand_and_runs_it():
    parser = build_parser()
    choices = next(action.choices for action in parser._actions if getattr(action, "choices", None))
    assert set(choices) == SUBCOMMANDS
    for name in SUBCOMMANDS - {"ingest-compare", "scan", "llm-one"}:  # these need arguments
        assert callable(parser.parse_args([name]).run), name
    assert all(hasattr(module, "add_parser") for module in BENCHMARKS)


def test_an_unknown_benchmark_is_a_usage_error():
    with pytest.raises(SystemExit) as info:
        main(["nonsense"])
    assert info.value.code == 2


def test_the_store_benchmark_refuses_an_unknown_store(capsys):
    from rag.errors import UserError

    with pytest.raises(UserError, match="unknown"):
        main(["store", "--stores", "nosuchstore", "--sizes", "10"])
