"""`python -m rag.bench COMMAND --report FILE.html`: the benchmark's tables with their charts, on one page."""

from __future__ import annotations

import pytest

from rag.bench.__main__ import main

pytest.importorskip("matplotlib")


def test_a_benchmark_writes_its_tables_and_charts_as_a_page(tmp_path, capsys):
    out = tmp_path / "tables.html"
    assert main(["tables", "--candidates", "ours", "--report", str(out)]) == 0
    printed = capsys.readouterr().out
    page = out.read_text()
    assert "<th>cells right</th>" in page and "<td>ours</td>" in page and page.count("<svg") == 1
    assert "median s/page" in page and "default-src 'none'" in page and "<script" not in page
    assert printed.strip().splitlines()[-1].split()[0] == "ours"  # the terminal still gets the table
