"""Columns dated in January or February get the fiscal year the document's own prose or tables give them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from rag.ingest.fiscal_years import early_year, label_fiscal_years
from rag.ingest.tables import Table


@dataclass
class Page:
    number: int
    text: str
    tables: list[Table] = field(default_factory=list)


def _statement() -> Table:
    return Table(headers=["January 28, 2023", "January 29, 2022"], unit="(In thousands)", caption="Income",
                 rows=[("Net sales", ["10,208,580", "8,630,889"]), ("Net income", ["1,242,408", "985,837"])])


def _pages(prose: str) -> list[Page]:
    table = _statement()
    return [Page(1, prose), Page(2, f"Statements\n\n{table.text()}\n\nNotes", [table])]


def test_prose_naming_a_figure_by_its_fiscal_year_labels_the_dated_columns():
    pages = _pages("Net income increased 26.0% to $1.2 billion compared to $985.8 million in fiscal 2021.")
    assert label_fiscal_years(pages) == 2
    assert pages[1].tables[0].headers == ["January 28, 2023 (fiscal 2022)", "January 29, 2022 (fiscal 2021)"]
    assert "Net income: January 28, 2023 (fiscal 2022): 1,242,408 thousand; January 29, 2022 (fiscal 2021)" in pages[1].text


def test_a_company_naming_the_year_it_ends_and_no_evidence_at_all():
    ends = _pages("In fiscal 2023, net sales were $10,208.6 million.")
    label_fiscal_years(ends)
    assert ends[1].tables[0].headers[0] == "January 28, 2023 (fiscal 2023)"
    silent = _pages("Our stores are open every day.")
    assert label_fiscal_years(silent) == 0
    assert silent[1].tables[0].headers == ["January 28, 2023", "January 29, 2022"]


def test_a_table_headed_by_fiscal_years_votes_too():
    named = Table(headers=["2023", "2022"], unit="$ in millions", rows=[("Revenue", ["46,298", "51,761"])])
    dated = Table(headers=["January 28, 2023", "January 29, 2022"], unit="$ in millions",
                  rows=[("Revenue", ["46,298", "51,761"])])
    pages = [Page(1, named.text(), [named]), Page(2, dated.text(), [dated])]
    label_fiscal_years(pages)
    assert dated.headers == ["January 28, 2023 (fiscal 2023)", "January 29, 2022 (fiscal 2022)"]


def test_early_year():
    assert early_year("January 28, 2023 (Unaudited)") == 2023
    assert early_year("52 Weeks Ended January 29, 2022") == 2022
    assert early_year("December 31, 2022") is None and early_year("2022") is None


@pytest.mark.shared
@pytest.mark.parametrize("name, date, fiscal", [("ULTABEAUTY_2023Q4_EARNINGS.pdf", "January 28, 2023", 2022),
                                                ("BESTBUY_2023_10K.pdf", "January 28, 2023", 2023)])
def test_real_filings_naming_the_same_date_differently(shared_data, name, date, fiscal):
    from rag.ingest.pdf import read_pdf

    path = shared_data / "financebench" / "pdfs" / name
    if not path.is_file():
        pytest.skip("needs ../shared/data/financebench")
    headers = {head for page in read_pdf(Path(path)).pages for table in page.tables for head in table.headers}
    assert f"{date} (fiscal {fiscal})" in headers
