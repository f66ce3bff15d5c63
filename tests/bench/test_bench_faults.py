"""A small run of the robustness suite's PDF fuzzing (`python -m rag.bench faults` does 1,000 and the rest)."""

from __future__ import annotations

import pytest


@pytest.mark.slow
@pytest.mark.shared
def test_corrupted_messy_pdfs_are_each_parsed_or_reported(shared_data, tmp_path):
    from rag.bench.faults import Suite

    suite = Suite(shared_data, tmp_path, corruptions=20, seed=1)
    suite.corrupted_pdfs()
    [case] = suite.cases
    assert case.held, case.detail
    assert "20 byte-level corruptions" in case.name and "0 unreported" in case.detail
