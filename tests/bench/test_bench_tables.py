"""`python -m rag.bench tables`: the gold set's scorer, the generic adapter, and our extractor on three gold tables."""

from __future__ import annotations

import pytest

from rag.bench.tables import (
    GOLD,
    Extracted,
    from_rows,
    load_gold,
    matching_columns,
    norm_text,
    norm_value,
    run_candidate,
    score_cell,
)

# manu-20f p7 (leaders, dashes, wrapped labels, footnote markers), 3M p60 (cash flows: "$", parentheses),
# Best Buy p40 (month-and-day headers, "-" for nil)
SAMPLE = {("manu-20f-2022-09-24.pdf", 7), ("financebench/pdfs/3M_2018_10K.pdf", 60),
          ("financebench/pdfs/BESTBUY_2023_10K.pdf", 40)}


def test_labels_headers_and_values_are_compared_loosely():
    assert norm_text("Income tax credit/(expense)(2) . . . . . .") == norm_text("income tax credit / (expense)")
    assert norm_text("EdwardWoodward") == norm_text("Edward Woodward")
    assert norm_value("$ 5,363") == norm_value("5,363")
    assert norm_value("—") == norm_value("-") == norm_value("–")
    assert norm_value("(1,577)") != norm_value("1,577")


def test_a_header_matches_equal_then_ending_then_containing_the_gold_column():
    headers = ["As of/ Year Ended December 31, 2015", "2015 vs. 2014", "2014"]
    assert matching_columns(headers, "2015") == [0]  # ends with it, before the one only containing it
    assert matching_columns(headers, "2015 vs. 2014") == [1]
    assert matching_columns(headers, "2014") == [2]  # equal wins
    assert matching_columns(headers, "2013") == []
    assert matching_columns(headers, "") == [0, 1, 2]  # no gold column: any


def test_a_cell_is_right_only_with_its_row_column_and_value():
    table = Extracted(["2022", "2021"], [("Revenue . . . .", ["583,201", "494,117"]),
                                         ("Matchday revenue", ["110,534", "—"])])
    assert score_cell([table], {"row": "Revenue", "column": "2022", "value": "583,201"}).right
    assert score_cell([table], {"row": "Matchday revenue", "column": "2021", "value": "-"}).right
    assert score_cell([table], {"row": "Revenue", "column": "2021", "value": "583,201"}).found == "got 494,117"
    assert score_cell([table], {"row": "Costs", "column": "2021", "value": "1"}).found == "row not found"
    assert score_cell([table], {"row": "Revenue", "column": "2019", "value": "1"}).found == "column not found"


def test_the_adapter_finds_value_columns_headers_and_wrapped_labels():
    rows = [["Years ended December 31", "", "", "", ""],
            ["(Millions)", "2018", "", "2017", ""],
            ["Net income", "$", "5,363", "$", "4,869"],
            ["Adjustments to reconcile net income", "", "", "", ""],
            ["provided by operating activities", "", "", "", ""],
            ["Deferred income taxes", "", "(57)", "", "107"]]
    table = from_rows(rows)
    assert table is not None
    assert table.headers == ["2018", "2017"]  # one header cell per value column, wherever it sat
    assert ("Net income", ["5,363", "4,869"]) in table.rows
    assert ("Adjustments to reconcile net income provided by operating activities", []) in table.rows
    assert ("Deferred income taxes", ["(57)", "107"]) in table.rows


def test_the_gold_set_is_well_formed():
    gold = load_gold(GOLD)
    assert len(gold) >= 30
    assert all(t.page >= 1 and 4 <= len(t.cells) <= 8 for t in gold)
    assert all(cell["row"] and cell["value"] for t in gold for cell in t.cells)
    assert sum(t.file.startswith("manu-20f") for t in gold) >= 10


@pytest.mark.shared
def test_our_extractor_gets_the_sample_tables_right(shared_data):
    gold = [t for t in load_gold(GOLD) if (t.file, t.page) in SAMPLE]
    assert len(gold) == 3
    result = run_candidate("ours", gold, shared_data)
    assert not result.errors
    assert result.right >= 0.9 * result.cells, [(t.gold.page, c.cell, c.found)
                                                for t in result.tables for c in t.cells if not c.right]


def test_parse_compare_times_both_settings(tmp_path):
    from rag.bench.tables import parse_compare
    from tests.ingest.test_tables import STATEMENT_ROWS, _table_pdf, _years

    _table_pdf(tmp_path / "t.pdf", [{"caption": "Results", "headers": _years("2022", "2021", "2020"),
                                     "rows": STATEMENT_ROWS}])
    result = parse_compare([tmp_path], runs=1)
    assert result["files"] == 1 and result["pages"] == 1 and result["tables"] == 1
    assert result["off_s"] > 0 and result["on_s"] > 0 and result["ratio"] > 0


def test_icdar_ground_truth_becomes_labelled_gold_cells_and_our_extractor_is_scored_on_them():
    """The ICDAR 2013 documents of the held-out set 5 (tests/data/icdar2013): headers over the figure cells,
    multi-level headers joined with their lowest level kept apart."""
    from pathlib import Path

    from rag.bench.icdar import load_icdar

    from rag.bench.tables import GoldTable

    folder = Path(__file__).resolve().parents[1] / "data" / "icdar2013"
    gold = load_icdar(folder)
    gold.tables = [GoldTable(*table) for table in gold.tables]
    assert len({t.file for t in gold.tables}) >= 10 and all(t.page >= 1 for t in gold.tables)
    table = next(t for t in gold.tables if t.file.endswith("eu-018.pdf"))
    assert all(cell["value"] and cell["row"] and cell["column"] for cell in table.cells)
    assert any(cell["leaf"] != cell["column"] for t in gold.tables for cell in t.cells)  # two-level headers
    result = run_candidate("ours", gold.tables[:6], folder)
    assert 0 < result.right <= result.cells
