"""Tables on generated PDFs (borderless, ruled, two-level headers, over two pages) and a real 20-F page: every
labelled row is checked cell by cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.ingest.chunking import chunk_pages, make_splitter
from rag.ingest.pdf import read_pdf
from rag.ingest.table_words import Word, is_figure
from rag.ingest.tables import find_tables


def _table_pdf(path: Path, pages: list[dict], ruled: bool = False) -> Path:
    """Each page: a caption, optional spanning header, column headers, rows (label, values) and prose after."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    for spec in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=10)
        y = 20
        if spec.get("intro"):
            pdf.set_xy(20, y)
            pdf.multi_cell(170, 5, spec["intro"])
            y = pdf.get_y() + 6
        if spec.get("caption"):
            pdf.set_font("Helvetica", "B", 11)
            pdf.set_xy(20, y)
            pdf.cell(0, 6, spec["caption"])
            pdf.set_font("Helvetica", size=10)
            y += 9
        columns = [110 + 25 * i for i in range(len(spec["headers"][-1]))]  # right edges, mm
        for level in spec.get("headers", []):
            for text, first, last in level:
                left, right = columns[first] - 22, columns[last]
                pdf.set_xy(left, y)
                pdf.cell(right - left, 5, text, align="C" if last > first else "R")
            y += 6
        if spec.get("unit"):
            pdf.set_xy(20, y)
            pdf.cell(0, 5, spec["unit"])
            y += 6
        for label, values in spec["rows"]:
            pdf.set_xy(20, y)
            pdf.cell(80, 5, label, border="B" if ruled else 0)
            for right, value in zip(columns, values):
                pdf.set_xy(right - 22, y)
                pdf.cell(22, 5, value, align="R", border="B" if ruled else 0)
            y += 6
        if spec.get("after"):
            pdf.set_xy(20, y + 6)
            pdf.multi_cell(170, 5, spec["after"])
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def _years(*years: str) -> list[list[tuple[str, int, int]]]:
    return [[(year, i, i) for i, year in enumerate(years)]]


STATEMENT_ROWS = [
    ("Commercial revenue", ["257,820", "232,205", "279,044"]),
    ("Broadcasting revenue", ["214,847", "254,815", "140,203"]),
    ("Matchday revenue", ["110,534", "7,097", "89,794"]),
    ("Operating expenses", ["(667,828)", "(538,424)", "(522,204)"]),
    ("Exceptional items", ["(24,692)", "-", "-"]),
]
PROSE = ("Revenue rose in the year as fans returned to the stadium, and broadcasting revenue fell because fewer "
         "matches were played than in the year before, which had included the delayed end of the prior season.")


def _page(pdf: Path, number: int = 1):
    return next(page for page in read_pdf(pdf).pages if page.number == number)


def test_borderless_statement_rows_carry_year_and_unit(tmp_path):
    pdf = _table_pdf(tmp_path / "statement.pdf", [{
        "intro": PROSE, "caption": "Statement of profit or loss data", "headers": _years("2022", "2021", "2020"),
        "unit": "(in thousands of pounds)", "rows": STATEMENT_ROWS, "after": PROSE}])
    page = _page(pdf)
    assert len(page.tables) == 1
    table = page.tables[0]
    assert table.headers == ["2022", "2021", "2020"]
    assert table.caption == "Statement of profit or loss data"
    assert "thousands" in table.unit
    assert [row[0] for row in table.rows] == [label for label, _ in STATEMENT_ROWS]
    for (label, values), (got_label, got) in zip(STATEMENT_ROWS, table.rows):
        assert got == values, label
    rows = table.row_texts()
    # each value carries the table's unit, so a reader cannot drop it ("£214,847" would be a thousand times less)
    assert rows[1] == "Broadcasting revenue: 2022: £214,847 thousand; 2021: £254,815 thousand; 2020: £140,203 thousand"
    assert "Operating expenses: 2022: (£667,828 thousand)" in rows[3]  # the sign stays
    assert "Exceptional items: 2022: (£24,692 thousand); 2021: -; 2020: -" == rows[4]
    # the labelled rows replace the flattened ones in the page text; the prose around the table stays
    assert "Broadcasting revenue: 2022: £214,847 thousand;" in page.text
    assert "214,847 254,815" not in page.text
    assert "fans returned to the stadium" in page.text


def test_ruled_table_with_text_headers(tmp_path):
    headers = [[("Units", 0, 0), ("Share %", 1, 1), ("Stores", 2, 2)]]
    rows = [("North America", ["1,204", "41.5", "978"]), ("Europe", ["812", "28.0", "160"]),
            ("Asia Pacific", ["655", "22.6", "301"]), ("Other", ["229", "7.9", "42"])]
    pdf = _table_pdf(tmp_path / "ruled.pdf", [{"caption": "Sales by region", "headers": headers, "rows": rows}],
                     ruled=True)
    table = _page(pdf).tables[0]
    assert table.headers == ["Units", "Share %", "Stores"]
    assert table.rows == [(label, values) for label, values in rows]
    assert table.row_texts()[1] == "Europe: Units: 812; Share %: 28.0; Stores: 160"


def test_two_level_headers_are_joined(tmp_path):
    headers = [[("Domestic", 0, 1), ("International", 2, 3)],
               [("2022", 0, 0), ("2021", 1, 1), ("2022", 2, 2), ("2021", 3, 3)]]
    rows = [("Stores", ["978", "1,001", "160", "170"]), ("Employees", ["71,100", "75,000", "9,200", "9,700"]),
            ("Square feet", ["36.4", "37.2", "3.9", "4.1"])]
    pdf = _table_pdf(tmp_path / "levels.pdf", [{"caption": "Store data", "headers": headers, "rows": rows}])
    table = _page(pdf).tables[0]
    assert table.headers == ["Domestic 2022", "Domestic 2021", "International 2022", "International 2021"]
    assert table.rows[0] == ("Stores", ["978", "1,001", "160", "170"])
    assert table.row_texts()[1] == ("Employees: Domestic 2022: 71,100; Domestic 2021: 75,000; "
                                    "International 2022: 9,200; International 2021: 9,700")


def test_table_over_two_pages_keeps_its_headers(tmp_path):
    first = STATEMENT_ROWS[:3]
    more = [("Other income", ["1,352", "2,961", "6,195"]), ("Finance costs", ["(85,915)", "(36,411)", "(27,391)"]),
            ("Tax", ["34,113", "(68,189)", "(2,415)"])]
    pdf = _table_pdf(tmp_path / "two_pages.pdf", [
        {"intro": PROSE, "caption": "Results", "headers": _years("2022", "2021", "2020"), "rows": first},
        {"headers": [[("", 0, 0), ("", 1, 1), ("", 2, 2)]], "rows": more, "after": PROSE}])
    pages = read_pdf(pdf).pages
    second = pages[1].tables[0]
    assert second.continued and second.headers == ["2022", "2021", "2020"] and second.caption == "Results"
    assert second.row_texts()[1] == "Finance costs: 2022: (85,915); 2021: (36,411); 2020: (27,391)"


def test_table_chunks_never_split_a_row_and_repeat_the_headers(tmp_path):
    rows = [(f"Line item number {i}", [f"{i},{i:03d}", f"{i + 1},000", f"({i},500)"]) for i in range(1, 31)]
    pdf = _table_pdf(tmp_path / "long.pdf", [{"caption": "Long statement", "headers": _years("2022", "2021", "2020"),
                                               "rows": rows}])
    page = _page(pdf)
    chunks = chunk_pages([page], "long.pdf", "0" * 64, make_splitter(500, 50))
    table_chunks = [c for c in chunks if "table" in c.metadata]
    assert len(table_chunks) >= 3
    seen = []
    for chunk in table_chunks:
        first_line, *lines = chunk.page_content.split("\n")
        assert first_line == "Table: Long statement columns: 2022 | 2021 | 2020"
        assert all(line.startswith("Line item number ") and line.count(";") == 2 for line in lines)
        cells = chunk.metadata["table"]
        assert cells["headers"] == ["2022", "2021", "2020"] and len(cells["rows"]) == len(lines)
        seen += [row[0] for row in cells["rows"]]
    assert seen == [label for label, _ in rows]


def test_prose_with_numbers_is_not_a_table(tmp_path):
    text = "\n".join(f"In {2010 + i} the company opened {i + 3} stores and hired {100 * i} people in {i} towns."
                     for i in range(8))
    from tests.conftest import write_pdf

    pdf = write_pdf(tmp_path / "prose.pdf", [text])
    assert _page(pdf).tables == []


def test_figures_and_words():
    assert all(is_figure(x) for x in ["214,847", "(667,828)", "$5,363", "12.5%", "-", "—", "(1.2)", "1,234(a)"])
    assert not any(is_figure(x) for x in ["Revenue", "2022a b", "Note", "(thousands)"])
    words = [Word("Total", 10, 40, 100, 110), Word("1,000", 200, 230, 100, 110), Word("2,000", 260, 290, 100, 110)]
    assert find_tables(words) == []  # one row is not a table


@pytest.mark.shared
def test_real_20f_selected_financial_data(shared_data):
    """Page 7 of the 20-F: the printed values of the revenue rows, year by year."""
    page = _page(shared_data / "manu-20f-2022-09-24.pdf", 7)
    table = page.tables[0]
    assert table.headers == ["2022", "2021", "2020", "2019", "2018"]
    assert "£" in table.unit and "000" in table.unit
    rows = dict(table.rows)
    assert rows["Broadcasting revenue"] == ["214,847", "254,815", "140,203", "241,210", "204,137"]
    assert rows["Matchday revenue"] == ["110,534", "7,097", "89,794", "110,819", "109,786"]
    assert rows["Commercial revenue"] == ["257,820", "232,205", "279,044", "275,093", "275,835"]
    assert rows["Operating expenses–before exceptional items"] == [
        "(667,828)", "(538,424)", "(522,204)", "(583,337)", "(562,089)"]
    assert rows["Operating expenses–exceptional items"] == ["(24,692)", "—", "—", "(19,599)", "(1,917)"]
    assert rows["Basic (loss)/earnings per share (pence)(1)/(2)"] == ["(70.86)", "(56.60)", "(14.14)", "11.48",
                                                                       "(22.92)"]
    assert "Broadcasting revenue: 2022: £214,847 thousand; 2021: £254,815 thousand;" in page.text
    assert "Year ended 30 June" in table.header_text()
    cash_flows = _page(shared_data / "manu-20f-2022-09-24.pdf", 125)  # labels with dotted leaders to a note number
    assert all(cash_flows.text.find(t.text()) >= 0 for t in cash_flows.tables)  # so chunked as a table
    assert any(label.startswith("Cash generated from operations") and ". ." not in label
               for t in cash_flows.tables for label, _ in t.rows)


@pytest.mark.shared
def test_real_documents_with_characters_beyond_the_basic_plane_chunk_cleanly(shared_data):
    """pdfium gives UTF-16 units: characters outside the basic plane come as surrogate pairs, which are joined (a
    lone one dropped) so every chunk encodes as UTF-8."""
    pdf = shared_data / "mmlongbench" / "pdfs" / "afe620b9beac86c1027b96d31d396407.pdf"
    if not pdf.is_file():
        pytest.skip("the mmlongbench document is not present")
    parsed = read_pdf(pdf)
    assert sum(len(page.tables) for page in parsed.pages) >= 1 and parsed.table_failures == 0
    for chunk in chunk_pages(parsed.pages, pdf.name, "0" * 64, make_splitter(500, 50)):
        chunk.page_content.encode("utf-8")


def test_a_shared_unit_leaves_the_headers_and_an_unlabelled_sum_is_the_total():
    from rag.ingest.table_headers import common_suffix
    from rag.ingest.table_rows import label_totals

    assert common_suffix(["2022 £’000", "2021 £’000"]) == (["2022", "2021"], "£’000")
    assert common_suffix(["Domestic 2022", "International 2022"]) == (["Domestic 2022", "International 2022"], "")
    rows = [("Wages", ["(338,503)", "(283,463)"]), ("Pensions", ["(3,731)", "(3,362)"]),
            ("", ["(342,234)", "(286,825)"]), ("", ["1", "2"])]
    assert [label for label, _ in label_totals(rows)] == ["Wages", "Pensions", "Total", ""]


def test_a_per_share_row_does_not_take_the_tables_scale():
    from rag.ingest.tables import Table

    table = Table(["2019", "2018"], [("Net income", ["1,503", "1,813"]),
                                     ("Diluted earnings per common share", ["1.95", "2.40"])],
                  unit="in millions, except per share data")
    assert table.row_texts()[0] == "Net income: 2019: 1,503 million; 2018: 1,813 million"
    assert table.row_texts()[1] == "Diluted earnings per common share: 2019: 1.95; 2018: 2.40"


def test_a_currency_sign_before_the_brackets_still_takes_the_tables_scale():
    from rag.ingest.tables import Table

    table = Table(["2018", "2017"], [("Foreign exchange rates", ["$(290)", "$ (242)"]), ("Interest rates", ["-$20", "$15"])],
                  unit="(Millions)")
    assert table.row_texts() == ["Foreign exchange rates: 2018: ($290 million); 2017: ($242 million)",
                                 "Interest rates: 2018: -$20 million; 2017: $15 million"]


# --- Chinese and Japanese tables (issue #33) ---------------------------------------------------------------------


def test_chinese_and_japanese_units_label_every_value():
    from rag.ingest.table_units import UNIT_RE, is_unit, scale_of
    from rag.ingest.tables import _CJK_OWN_UNIT_RE

    assert is_unit("单位：万元") and is_unit("（単位：百万円）") and is_unit("单位：元") and is_unit("单位：股")
    assert scale_of("单位：万元") == ("", "万元")
    assert scale_of("単位：百万円") == ("", "百万円")
    assert scale_of("单位：人民币千元") == ("", "千元")
    assert scale_of("单位：元") is None and scale_of("单位：股") is None  # no scale: values stay as written
    assert _CJK_OWN_UNIT_RE.search("従業員数（名）") and _CJK_OWN_UNIT_RE.search("持股比例")
    assert not UNIT_RE.search("营业收入（元）")  # a row's own unit is not the table's
    # who drew the table up ("编制单位：") is no unit; the unit after it on the same line is
    found = UNIT_RE.search("2025年9月30日 编制单位：青岚新能源科技股份有限公司 单位：万元 币种：人民币")
    assert found and found.group().strip() == "单位：万元"
    assert _CJK_OWN_UNIT_RE.search("増減率") and _CJK_OWN_UNIT_RE.search("经常收支比率")  # a rate keeps its own unit
    assert not _CJK_OWN_UNIT_RE.search("一般会計") and not _CJK_OWN_UNIT_RE.search("Tax rate")


def test_the_bond_prospectus_credit_table_carries_its_unit(shared_data):
    import pypdfium2 as pdfium

    from rag.ingest.pdf_tables import tabled_text

    path = shared_data / "messy" / "chinese_tables_bond_prospectus.pdf"
    if not path.exists():
        pytest.skip("needs ../shared/data/messy")
    document = pdfium.PdfDocument(str(path))
    try:
        _text, tables = tabled_text(document[0], 1)
    finally:
        document.close()
    rows = [row for table in tables for row in table.row_texts()]
    assert "3 兴业银行盐城分行: 授信总额: 302,600.00 万元; 已使用情况: 110,600.00 万元; 剩余额度: 192,000.00 万元" in rows


def test_a_statement_written_value_first_by_pypdf_is_read_as_a_table():
    """pypdf writes some filings' statements a row's figures first, then the next row's label."""
    from rag.ingest.pdf_tables import looks_tabular

    value_first = ("December 31,\n2016 2017 ASSETS\nCurrent assets:\nCash and cash equivalents\n"
                   "$ 19,334 $ 20,522 Marketable securities\n6,647 10,464 Inventories\n"
                   "11,461 16,047 Accounts receivable, net\n(459 ) (484 ) Other income\n")
    assert looks_tabular(value_first)
    assert not looks_tabular("In 2016 and 2017 we opened 12 stores.\nSales rose 5 % in 2017.\nWe had 3 segments.\n")
    side_by_side = ("Spain 268 Spain 153 Germany 91\nGermany 233 Germany 119 Spain 85\n"
                    "United Kingdom 139 Italy 114 Ireland 74\n")
    assert looks_tabular(side_by_side)
    assert not looks_tabular("See Note 5 and Note 6.\nThe Board met 4 times in Paris.\nIn 2019 we sold 5 units\n")


@pytest.mark.shared
def test_real_amazon_balance_sheet_written_value_first(shared_data):
    """Amazon's 2017 balance sheet (page 40), which pypdf writes value first: its rows labelled by year."""
    path = shared_data / "financebench" / "pdfs" / "AMAZON_2017_10K.pdf"
    if not path.is_file():
        pytest.skip("needs ../shared/data/financebench")
    page = next(page for page in read_pdf(path, pages=range(40, 41)).pages if page.number == 40)
    rows = dict(page.tables[0].rows)
    assert page.tables[0].headers == ["2016", "2017"]
    assert rows["Total assets"] == ["$83,402", "$131,310"]
    assert "Total assets" in page.text and "2017: $131,310 million" in page.text


# --- tables of other kinds of documents (held-out table set 4) -----------------------------------------------------


def test_a_second_row_of_years_starts_a_new_table(tmp_path):
    """A five-year summary printed as two tables ("Year ended", then "As of") whose columns sit apart: each keeps
    its own columns, no two years run together into one cell."""
    first = {"caption": "Year ended 30 June", "headers": _years("2022", "2021", "2020"), "rows": STATEMENT_ROWS[:3]}
    pdf = _table_pdf(tmp_path / "two.pdf", [first])
    tables = _page(pdf).tables
    assert tables[0].headers == ["2022", "2021", "2020"]
    from rag.ingest.table_words import group_lines
    from rag.ingest.tables import _table_regions

    words = [Word(t, x0, x1, top, top + 8) for top, cells in [
        (100, [("2022", 300, 320), ("2021", 350, 370), ("2020", 400, 420)]),
        (112, [("Revenue", 50, 90), ("257,820", 290, 322), ("232,205", 340, 372), ("279,044", 390, 422)]),
        (124, [("Costs", 50, 80), ("147,881", 290, 322), ("140,209", 340, 372), ("182,709", 390, 422)]),
        (136, [("Profit", 50, 80), ("109,939", 290, 322), ("91,996", 340, 372), ("96,335", 390, 422)]),
        (148, [("2022", 270, 290), ("2021", 330, 350), ("2020", 380, 400)]),
        (160, [("Assets", 50, 80), ("1,293,665", 255, 292), ("1,260,310", 315, 352), ("1,383,466", 365, 402)]),
        (172, [("Debt", 50, 80), ("1,166,157", 255, 292), ("987,798", 322, 352), ("1,032,234", 365, 402)]),
        (184, [("Equity", 50, 80), ("127,508", 260, 292), ("272,512", 320, 352), ("351,232", 370, 402)]),
    ] for t, x0, x1 in cells]
    assert len(_table_regions(group_lines(words))) == 2
    tables = find_tables(words)
    assert [t.headers for t in tables] == [["2022", "2021", "2020"]] * 2
    assert dict(tables[1].rows)["Assets"] == ["1,293,665", "1,260,310", "1,383,466"]


def test_group_headers_head_only_the_columns_beneath_them():
    """Columns before and after the groups ("Permit", "Totals") take no group header; a header line of many cells
    is headers even when it is long; a header cell over several groups is cut where its words stand apart."""
    from rag.ingest.table_headers import _split_spread
    from rag.ingest.table_words import Cell

    def line(top, cells):
        return [Word(t, x0, x1, top, top + 8) for t, x0, x1 in cells]

    words = line(60, [("Pre-Pawn", 200, 240), ("Redemption", 320, 370)])
    words += line(72, [("State", 20, 50), ("Permit", 100, 130), ("Admin", 140, 170), ("Handgun", 180, 215),
                       ("Long", 226, 241), ("Gun", 244, 258), ("Handgun", 300, 335), ("Long", 346, 361),
                       ("Gun", 364, 378), ("Totals", 440, 470)])
    for i, state in enumerate(["Alabama", "Alaska", "Arizona", "Arkansas"]):
        words += line(84 + 12 * i, [(state, 20, 60), ("1,000", 112, 130), ("5", 165, 170), ("14", 205, 215),
                                    ("15", 248, 258), ("2,179", 315, 335), ("2,307", 358, 378), ("71,137", 445, 470)])
    table = find_tables(words)[0]
    assert table.headers == ["Permit", "Admin", "Pre-Pawn Handgun", "Pre-Pawn Long Gun", "Redemption Handgun",
                             "Redemption Long Gun", "Totals"]
    spread = Cell("HOVER (2-hop) HOVER (3-hop)", 228, 372, [
        Word("HOVER", 228, 262, 0, 8), Word("(2-hop)", 265, 294, 0, 8), Word("HOVER", 305, 339, 0, 8),
        Word("(3-hop)", 342, 372, 0, 8)])
    from rag.ingest.table_words import Column

    columns = [Column(228, 250), Column(266, 288), Column(305, 327), Column(344, 365)]
    assert [c.text for c in _split_spread(spread, columns)] == ["HOVER (2-hop)", "HOVER (3-hop)"]
    even = Cell("Year ended 30 June", 228, 372, [Word("Year", 228, 250, 0, 8), Word("ended", 253, 280, 0, 8),
                                                 Word("30", 283, 292, 0, 8), Word("June", 295, 320, 0, 8)])
    assert len(_split_spread(even, columns)) == 1


def test_a_value_with_its_spread_is_one_figure_and_a_chart_axis_is_no_table():
    assert all(is_figure(x) for x in ["35.5% (3%)", "86.4% (1%)", "0.71 ± 0.02"])
    from rag.ingest.table_rows import axis_ticks

    assert axis_ticks([("performance is", ["0.75"]), ("re", ["0.74"]), ("spectively", ["0.73"]),
                        ("prompting", ["0.72"]), ("hardness", ["0.71"]), ("2 3 4 5", ["1"])])
    assert not axis_ticks([("Wages", ["338,503"]), ("Pensions", ["3,731"]), ("Bonus", ["1,026"]),
                            ("Total", ["343,260"])])


@pytest.mark.shared
def test_real_results_tables_of_a_paper_and_a_statistics_sheet(shared_data):
    """A paper's results table with two header levels, the first one group names on one line; the FBI's NICS sheet,
    whose header line is long and whose groups leave the first and last columns alone."""
    paper = shared_data / "mmlongbench" / "pdfs" / "2023.acl-long.386.pdf"
    nics = shared_data / "messy" / "table_fbi_nics_2015_11.pdf"
    if not paper.is_file() or not nics.is_file():
        pytest.skip("the documents are not present")
    table = _page(paper, 6).tables[0]
    assert table.headers[:4] == ["HOVER (2-hop) Gold", "HOVER (2-hop) Open", "HOVER (3-hop) Gold",
                                 "HOVER (3-hop) Open"]
    assert dict(table.rows)["MULTIVERS (Wadden et al., 2022b)"][3] == "52.55"
    table = _page(nics, 1).tables[0]
    assert table.headers[0] == "Permit" and table.headers[-1] == "Totals"
    assert "Redemption Long Gun" in table.headers and "Returned/Disposition *Other" in table.headers
    row = dict(table.rows)["Kentucky"]
    assert row[table.headers.index("Permit")] == "264,140"
    assert row[table.headers.index("Redemption Long Gun")] == "2,315"


def test_significance_letters_stay_apart_and_a_percent_of_caption_makes_percentages():
    from rag.ingest.table_rows import clean_value
    from rag.ingest.tables import Table

    assert is_figure("73ab") and is_figure("65bcd") and clean_value("73ab") == "73 (ab)"
    table = Table([""], [("$50,000-$74,999 (n=192)", ["73 (ab)"]), ("Total for all 65+", ["47%"])],
                  caption="Broadband adoption for older adults, % ofthose 65 and older with broadband at home")
    assert table.row_texts() == ["$50,000-$74,999 (n=192): 73% (ab)", "Total for all 65+: 47%"]
    assert Table([""], [("Stores", ["73"])], caption="Store count").row_texts() == ["Stores: 73"]


def test_a_percent_of_sales_unit_makes_every_value_a_percentage():
    from rag.ingest.table_units import is_unit
    from rag.ingest.tables import Table

    assert is_unit("(Percent of net sales)")
    table = Table(["2018", "2017"], [("Research, development and related expenses", ["5.6", "(0.3)"])],
                  caption="Operating Expenses:", unit="Percent of net sales")
    assert table.row_texts() == ["Research, development and related expenses (Percent of net sales): 2018: 5.6%; "
                                 "2017: (0.3)%"]


def test_rows_under_a_per_share_title_take_no_scale():
    from rag.ingest.tables import Table

    table = Table(["2018"], [("Net income", ["1,813"]), ("Earnings per common share:", []), ("Diluted", ["2.40"])],
                  unit="Amounts in millions, except per share data")
    assert table.row_texts() == ["Net income: 2018: 1,813 million", "Earnings per common share:", "Diluted: 2018: 2.40"]


def test_a_forms_numbered_lines_are_no_table():
    from rag.ingest.table_rows import line_numbers

    assert line_numbers([("8 Wages, salaries, tips", ["8"]), ("9a Taxable interest", ["9a"]),
                          ("b Tax-exempt interest", ["9b"]), ("10 Dividends", ["10"])])
    assert not line_numbers([("Stores", ["978", "1,001"]), ("Employees", ["71", "75"]), ("Regions", ["9", "9"])])


def test_a_per_item_row_excepted_by_the_unit_takes_no_scale():
    from rag.ingest.tables import Table

    table = Table(["2015"], [("Contribution profit", ["1,375,500"]),
                             ("Average monthly revenue per paying membership", ["$8.50"])],
                  unit="in thousands, except revenue per membership data")
    assert table.row_texts() == ["Contribution profit: 2015: 1,375,500 thousand",
                                 "Average monthly revenue per paying membership: 2015: $8.50"]


def _words(lines):
    return [Word(t, x0, x1, top, top + 8) for top, cells in lines for t, x0, x1 in cells]


def test_years_or_small_numbers_down_the_left_are_the_row_labels_and_a_table_caption_is_no_header():
    """"2004 34.7 36.2 ..." under "Q1 Q2 ... Total": the years label the rows; "Table 3 - ..." above the headers
    is the caption, not the first column's header."""
    words = _words([(80, [("Table", 70, 95), ("3", 98, 103), ("-", 106, 110), ("European", 113, 160),
                          ("ABCP", 163, 190), ("issuance", 193, 228)]),
                    (100, [("Q1", 201, 215), ("Q2", 273, 287), ("Q3", 344, 358), ("Total", 482, 506)])]
                   + [(112 + 12 * i, [(year, 125, 149), (a, 198, 219), (b, 269, 290), (c, 341, 361), (t, 481, 507)])
                      for i, (year, a, b, c, t) in enumerate([("2004", "34.7", "36.2", "44.5", "166.7"),
                                                               ("2005", "58.1", "63.4", "61.6", "238.4"),
                                                               ("2006", "74.7", "84.1", "96.5", "367.1")])])
    table = find_tables(words)[0]
    assert table.headers == ["Q1", "Q2", "Q3", "Total"]
    assert dict(table.rows)["2005"] == ["58.1", "63.4", "61.6", "238.4"]
    assert "European ABCP issuance" in table.caption
    counts = _words([(100, [("Answers", 20, 60), ("Freq.", 200, 220), ("Percent", 260, 290), ("Cum.", 320, 340)])]
                    + [(112 + 12 * i, [(str(i), 20, 25), (f, 200, 218), (p, 260, 275), (c, 320, 338)])
                       for i, (f, p, c) in enumerate([("138", "6.9", "6.9"), ("178", "8.8", "15.7"),
                                                      ("626", "31.1", "46.8")])])
    assert dict(find_tables(counts)[0].rows)["1"] == ["178", "8.8", "15.7"]
    # amounts down the left of a table that has word labels stay values
    labelled = _words([(100, [("2022", 200, 220), ("2021", 260, 280), ("2020", 320, 340)])]
                      + [(112 + 12 * i, [(label, 20, 60), ("10", 205, 220), ("20", 265, 280), ("30", 325, 340)])
                         for i, label in enumerate(["Revenue", "Costs", "Profit"])])
    assert dict(find_tables(labelled)[0].rows)["Costs"] == ["10", "20", "30"]


def test_a_header_set_left_of_its_right_aligned_figures_heads_that_column():
    """"Male" stands left of the figures beneath it (and further left than the first figure's edge); every label
    ends before it, so it still heads the first column."""
    words = _words([(80, [("Illnesses", 108, 143), ("Male", 226, 245), ("Female", 306, 336)])]
                   + [(92 + 12 * i, [(label, 59, 126), (m, 267, 277), (f, 352, 362)])
                      for i, (label, m, f) in enumerate([("Allergy", "25", "68"), ("Anxiety", "17", "64"),
                                                         ("Asthma", "6", "25")])])
    table = find_tables(words)[0]
    assert table.headers == ["Male", "Female"]
    assert dict(table.rows)["Anxiety"] == ["17", "64"]


def test_a_label_wrapped_below_its_figures_stays_with_its_row():
    """"Applications and mashups   0   237" / "developed by the public and" / "government": the label ends below its
    figures; a note below the last row ("χ2 = 484.6") is not part of it."""
    words = _words([(80, [("2009", 200, 220), ("2010", 260, 280), ("2011", 320, 340)]),
                    (92, [("Total", 20, 40), ("data", 43, 60), ("sets", 63, 80), ("47", 210, 220), ("272", 265, 280),
                          ("389", 325, 340)]),
                    (104, [("Applications", 20, 70), ("and", 73, 88), ("mashups", 91, 130), ("0", 215, 220),
                           ("237", 265, 280), ("1,079", 320, 340)]),
                    (112, [("developed", 20, 60), ("by", 63, 72), ("the", 75, 88), ("public", 91, 115)]),
                    (128, [("Downloads", 20, 70), ("0", 215, 220), ("652", 265, 280), ("2,348", 320, 340)]),
                    (136, [("χ2", 20, 30), ("=", 33, 36), ("484.6", 39, 60)])])
    table = find_tables(words)[0]
    assert dict(table.rows)["Applications and mashups developed by the public"] == ["0", "237", "1,079"]
    assert "Downloads" in dict(table.rows)


def test_right_aligned_stacked_headers_are_cut_at_their_columns_edges_and_are_no_group_headers():
    """Headers right-aligned over their figures and wrapped over four lines: "Percentage of" over the first column
    only is its header, not a group over all; "exclusion rate before substitution" run together is cut where the
    second column's figures end."""
    words = _words([(114, [("Percentage", 161, 195), ("of", 198, 209), ("weighted", 510, 535), ("school", 538, 554)]),
                    (125, [("National", 222, 250), ("desired", 253, 278), ("Weighted", 290, 320), ("school", 323, 347),
                           ("participation", 513, 554)]),
                    (142, [("Education", 38, 70), ("system", 73, 99), ("coverage", 177, 209), ("exclusion", 230, 262),
                           ("rate", 265, 278), ("before", 282, 310), ("substitution", 313, 347),
                           ("response", 520, 545), ("rate", 546, 554)])]
                   + [(153 + 11 * i, [(name, 38, 68), ("100", 197, 209), (a, 270, 278), (b, 339, 347),
                                      (c, 546, 554)])
                      for i, (name, a, b, c) in enumerate([("Australia", "4", "96", "93"), ("Austria", "5", "99", "98"),
                                                           ("Bulgaria", "3", "97", "95")])])
    table = find_tables(words)[0]
    assert table.headers == ["Percentage of coverage", "National desired exclusion rate",
                             "Weighted school before substitution", "weighted school participation response rate"]
    assert dict(table.rows)["Austria"] == ["100", "5", "99", "98"]


@pytest.mark.parametrize("angle", [90, -90])
def test_a_table_set_sideways_on_an_upright_page_is_read_in_its_own_frame(tmp_path, angle):
    """A landscape table printed turned on a portrait page (text running up or down it): its rows are read as
    in the upright table, labelled, not as stacks of letters."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    with pdf.rotation(angle, x=105, y=148):
        x, y = 35, 110
        pdf.set_xy(x, y)
        pdf.cell(0, 6, "Enquiries by country")
        for i, (label, values) in enumerate([("", ["2021", "2022"]), ("Spain", ["268", "153"]),
                                             ("Germany", ["233", "119"]), ("United Kingdom", ["139", "114"])]):
            pdf.set_xy(x, y + 8 + 6 * i)
            pdf.cell(50, 5, label)
            for j, value in enumerate(values):
                pdf.set_xy(x + 60 + 25 * j, y + 8 + 6 * i)
                pdf.cell(20, 5, value, align="R")
    path = tmp_path / "sideways.pdf"
    pdf.output(str(path))
    import pypdfium2 as pdfium

    from rag.ingest.pdf_words import page_layout

    document = pdfium.PdfDocument(str(path))
    layout = page_layout(document[0])
    document.close()
    assert layout.turn == (270 if angle == 90 else 90)
    tables = [find_tables(layout.words)[0]] + (_page(path).tables if angle == 90 else [])  # pypdf runs the
    for table in tables:  # cells of text turned clockwise together: that page does not look tabular to the ingest
        assert table.headers == ["2021", "2022"]
        assert dict(table.rows)["United Kingdom"] == ["139", "114"]


def test_tables_side_by_side_are_read_apart():
    """"Spain 268   Spain 153   Germany 91": three rankings side by side, each a table of its own; a label
    printed beside the first row (a chart's) does not cost the first table that row (the third's, which it ends,
    is read as a header line)."""
    rankings = [[("Spain", "268"), ("Germany", "233"), ("France", "136"), ("Italy", "92")],
                [("Spain", "153"), ("Germany", "119"), ("France", "99"), ("Italy", "82")],
                [("Germany", "91"), ("Spain", "85"), ("Belgium", "56"), ("France", "46")]]
    lines = [(91, [("Enquiries", 138, 167), ("Enquiries", 264, 294), ("Enquiries", 396, 425)])]
    for i in range(4):
        cells = []
        for j, ranking in enumerate(rankings):
            label, value = ranking[i]
            cells += [(label, 58 + 130 * j, 58 + 130 * j + 6 * len(label)), (value, 160 + 130 * j, 170 + 130 * j)]
        lines.append((101 + 10 * i, cells + ([("Unspecified", 484, 517)] if i == 0 else [])))
    tables = find_tables(_words(lines))
    assert [dict(t.rows).get("Spain") for t in tables] == [["268"], ["153"], ["85"]]
    assert tables[0].headers == tables[1].headers == ["Enquiries"]
    assert dict(tables[0].rows)["Germany"] == ["233"] and dict(tables[2].rows)["Belgium"] == ["56"]


def test_statistical_marks_are_blank_values_and_percent_or_per_columns_take_no_scale():
    """A census table: "*****" and "(X)" for values not given, "*2,247" significant (a leading mark), and
    "(Numbers in thousands)" scaling the numbers but not the "Percent" column."""
    words = _words([(60, [("(Numbers", 20, 60), ("in", 63, 70), ("thousands)", 73, 120)]),
                    (72, [("Number", 200, 230), ("Percent", 260, 290), ("Difference", 320, 360)])]
                   + [(84 + 12 * i, [(label, 20, 90), (n, 205, 230), (p, 270, 290), (d, 335, 360)])
                      for i, (label, n, p, d) in enumerate([("All ages", "291,099", "100.0", "(X)"),
                                                            ("With a disability", "54,425", "18.7", "*2,247"),
                                                            ("Severe disability", "34,947", "12.0", "*****")])])
    table = find_tables(words)[0]
    assert dict(table.rows)["With a disability"] == ["54,425", "18.7", "*2,247"]
    assert table.row_texts()[1].startswith("With a disability: Number: 54,425 thousand; Percent: 18.7;")
    table.headers[0] = "Expenditure per pupil"  # an amount per something keeps its own unit too
    assert table.row_texts()[1].startswith("With a disability: Expenditure per pupil: 54,425; Percent: 18.7;")


def test_a_forms_numbered_lines_are_not_tables_side_by_side():
    """"State and  1  State income taxes ....  1": the line number after the margin's words is no table's value
    and the line's text no second table's label."""
    from rag.ingest.table_words import group_lines
    from rag.ingest.tables import _side_by_side, _table_regions

    lines = group_lines(_words([(109 + 12 * i, [(margin, 0, 40), (str(i + 1), 67, 72), (text, 83, 160),
                                                (str(i + 1), 327, 332)])
                                for i, (margin, text) in enumerate([("State and", "State income taxes"),
                                                                    ("Income", "Local income taxes"),
                                                                    ("Taxes", "Add lines 1 and 2"),
                                                                    ("Gifts", "Gifts by cash or check")])]))
    for region in _table_regions(lines):
        assert len(_side_by_side(lines, *region)) == 1


def test_a_year_printed_once_beside_its_group_labels_every_row_of_the_group_and_a_wrapped_caption_is_no_header():
    """"Men / 1996 Women / Total": the year (a vertically centred, merged cell) stands left of the middle row's
    label and heads the three rows; the caption's second line ("gender (in %)") is caption, not a column header,
    and its "(in %)" makes every value a percentage."""
    groups = [("1991", ["11.0 40.7 48.4", "6.6 16.0 77.4", "8.9 28.7 62.4"]),
              ("1996", ["9.5 39.4 51.0", "5.3 13.9 80.9", "7.5 27.3 65.2"])]
    lines = [(80, [("Table", 71, 93), ("2:", 95, 104), ("Persons", 136, 170), ("employed", 173, 215), ("by", 218, 228),
                   ("sector", 231, 258), ("with", 261, 280), ("breakdown", 283, 330), ("by", 333, 343)]),
             (92, [("gender", 136, 166), ("(in", 169, 180), ("%)", 183, 192)]),
             (108, [("Agriculture", 238, 293), ("Industry", 348, 389), ("Services", 452, 491)])]
    top = 124
    for year, rows in groups:
        for n, (label, values) in enumerate(zip(["Men", "Women", "Total"], rows)):
            cells = [(year, 81, 103)] if n == 1 else []
            cells += [(label, 119, 119 + 7 * len(label))]
            cells += [(v, right - 5 * len(v), right) for v, right in zip(values.split(), (278, 377, 484))]
            lines.append((top, cells))
            top += 16
    table = find_tables(_words(lines))[0]
    assert table.headers == ["Agriculture", "Industry", "Services"]
    assert table.caption == "Table 2: Persons employed by sector with breakdown by gender"
    rows = dict(table.rows)
    assert rows["1996 Women"] == ["5.3", "13.9", "80.9"]
    assert rows["1991 Men"] == ["11.0", "40.7", "48.4"] and rows["1996 Total"] == ["7.5", "27.3", "65.2"]
    assert "1996 Women: Agriculture: 5.3%; Industry: 13.9%; Services: 80.9%" in table.row_texts()


def test_a_row_indented_under_a_row_is_written_under_its_label_and_stacked_headers_run_together_are_cut():
    """"Severe disability" / "  Employed": the indented row is written "Severe disability › Employed". Not so for a
    total set further in, nor for a count larger than the row above (no part of it), nor in a table of money,
    whose items are set in under a revenue they are no part of. "Number Margin of" / "error (±)": a header line
    run together over two columns is cut at the first column's edge."""
    def row(top, label, x0, values):
        cells = [(word, x0 + 30 * i, x0 + 30 * i + 25) for i, word in enumerate(label.split())]
        return (top, cells + [(v, right - 5 * len(v), right) for v, right in zip(values, (202, 241, 300))])

    lines = [(72, [("Category", 91, 124), ("Number", 173.4, 201.9), ("Margin", 206.3, 230.8), ("of", 233, 239.7)]),
             (81, [("error", 209, 225.9), ("(±)", 228.1, 238.1), ("Percent", 273, 300)]),
             row(96, "With a disability", 53, ["28,141", "622", "16.5"]),
             row(108, "Employed", 61, ["12,838", "495", "45.6"]),
             row(120, "Severe disability", 53, ["18,705", "469", "11.0"]),
             row(132, "Employed", 61, ["5,570", "261", "27.5"]),
             row(144, "Aged 65+", 61, ["38,599", "193", "100.0"]),
             row(156, "No disability", 53, ["142,208", "636", "83.5"]),
             row(168, "Total", 61, ["170,349", "185", "100.0"])]
    table = find_tables(_words(lines))[0]
    assert table.headers == ["Number", "Margin of error (±)", "Percent"]
    texts = table.row_texts()
    assert "Severe disability › Employed: Number: 5,570; Margin of error (±): 261; Percent: 27.5" in texts
    assert any(text.startswith("With a disability › Employed: ") for text in texts)
    assert any(text.startswith("Aged 65+: ") for text in texts)  # 38,599 is no part of 18,705
    assert any(text.startswith("Total: ") for text in texts)
    assert dict(table.rows)["No disability"] == ["142,208", "636", "83.5"]  # the labels themselves stay as printed
    money = [(top, [(f"${text}" if text[0].isdigit() else text, x0, x1) for text, x0, x1 in cells])
             for top, cells in lines]
    assert not find_tables(_words(money))[0].parents


def test_na_is_a_value_not_given_and_a_long_section_title_does_not_cut_the_headers_off():
    """"Children age 0-5 months exclusively breastfed  76.9  80.0  NA  NA": "NA" is a value not given, so the line
    is a row, not a header; the headers above the section title "Child feeding practices (based on ...) (%)"
    still head the columns, a group header over two columns ("DLHS-4 (2012-13)") heading both."""
    words = _words([(75, [("DLHS-4", 396, 424), ("(2012-13)", 427, 458), ("DLHS-3", 472, 500),
                          ("(2007-08)", 503, 534)]),
                    (89, [("Indicators", 73, 109), ("TOTAL", 399, 420), ("RURAL", 431, 454), ("TOTAL", 472, 500),
                          ("RURAL", 511, 534)]),
                    (103, [(word, 73 + 25 * i, 95 + 25 * i) for i, word in enumerate(
                        "Child feeding practices (based on last-born child in the period) (%)".split())]),
                    (116, [("Exclusively", 78, 120), ("breastfed", 123, 160), ("76.9", 405, 420), ("80.0", 439, 454),
                           ("NA", 489, 500), ("NA", 523, 534)]),
                    (131, [("Solid", 78, 100), ("food", 103, 120), ("78.6", 405, 420), ("75.0", 439, 454),
                           ("85.9", 485, 500), ("89.3", 519, 534)]),
                    (145, [("Complementary", 78, 140), ("feeding", 143, 170), ("31.8", 407, 420), ("24.2", 441, 454),
                           ("NA", 489, 500), ("NA", 523, 534)])])
    table = find_tables(words)[0]
    assert table.headers[:2] == ["DLHS-4 (2012-13) TOTAL", "DLHS-4 (2012-13) RURAL"]
    # the group header's first word ending at the left column's edge: the bracket still goes with it
    words = [Word("DLHS-3", 472, 500, 75, 83) if w.text == "DLHS-3" else w for w in words]
    assert find_tables(words)[0].headers[2:] == ["DLHS-3 (2007-08) TOTAL", "DLHS-3 (2007-08) RURAL"]
    assert dict(table.rows)["Exclusively breastfed"] == ["76.9", "80.0", "NA", "NA"]


def test_a_numbered_title_over_two_short_caption_lines_still_heads_the_table():
    """"TABLE 125: ... LIABILITIES - 1997" over "(As at end-March)" and "(Provisional)": the year of the title is the
    table's, so the title is part of its caption (read upwards from the table's first line)."""
    from rag.ingest.table_headers import caption_and_unit
    from rag.ingest.table_words import group_lines

    lines = group_lines(_words([(40, [("TABLE", 126, 160), ("125:", 163, 185), ("LIABILITIES", 188, 260),
                                      ("-", 263, 266), ("1997", 269, 292)]),
                                (53, [("(As", 310, 325), ("at", 328, 338), ("end-March)", 341, 398)]),
                                (66, [("(Provisional)", 320, 390)]),
                                (80, [("States", 99, 126), ("Market", 259, 290), ("Banks", 370, 400)])]))
    caption, _unit = caption_and_unit(lines, 3, [])
    assert caption == "TABLE 125: LIABILITIES - 1997, (As at end-March), (Provisional)"


def test_a_schedule_labelled_by_years_then_words_with_its_introducing_sentence_as_caption():
    """A lease schedule: "2019 ... 2023" down the left, then "Thereafter" and "Total"; the sentence ending in ":"
    above it introduces it (its caption), and "In millions" beside the headers is the unit, not the headers."""
    lines = [(40, [("The following table is a summary of the future minimum lease payments under capital and "
                    "operating leases as of December 31, 2018:", 18, 490)]),
             (60, [("Capital", 480, 508), ("Operating", 545, 583)]),
             (72, [("In millions", 19, 59), ("Leases", 481, 506), ("Leases", 547, 581)])]
    rows = [("2019", "$74", "$2,690"), ("2020", "73", "2,544"), ("2021", "73", "2,399"), ("2022", "73", "2,233")]
    lines += [(86 + 13 * i, [(year, 19, 36), (a, 517 - 5 * len(a), 517), (b, 588 - 5 * len(b), 588)])
              for i, (year, a, b) in enumerate(rows)]
    lines += [(140, [("Thereafter", 19, 55), ("875", 502, 517), ("16,004", 558, 588)]),
              (153, [("Total future lease payments", 26, 132), ("1,241", 492, 517), ("$27,980", 548, 588)])]
    table = find_tables(_words(lines))[0]
    assert table.caption.startswith("The following table is a summary of the future minimum lease payments")
    assert table.unit == "In millions" and table.headers == ["Capital Leases", "Operating Leases"]
    texts = table.row_texts()
    assert "2022: Capital Leases: 73 million; Operating Leases: 2,233 million" in texts
    assert "Thereafter: Capital Leases: 875 million; Operating Leases: 16,004 million" in texts
    assert "Total future lease payments: Capital Leases: 1,241 million; Operating Leases: $27,980 million" in texts


def test_a_sentence_introducing_the_table_is_its_caption_though_it_ends_in_a_full_stop():
    """Boeing's warranty roll-forward: "Product Warranties", then "The following table summarizes product warranty
    activity ..." (ending in "."), then rows whose labels ("Beginning balance – January 1") name no measure; the
    sentence is the caption, whole when it wraps, and an ordinary sentence above a table is not."""
    def table(above):
        lines = [(20 + 12 * i, [(text, 18, 18 + 5 * len(text))]) for i, text in enumerate(above)]
        lines += [(80, [("2022", 480, 500), ("2021", 545, 565)])]
        rows = [("Beginning balance", "$1,900", "$1,527"), ("Additions", "202", "116"), ("Payments", "(403)", "(241)"),
                ("Ending balance", "$2,275", "$1,900")]
        lines += [(92 + 12 * i, [(label, 18, 90), (a, 500 - 5 * len(a), 500), (b, 565 - 5 * len(b), 565)])
                  for i, (label, a, b) in enumerate(rows)]
        return find_tables(_words(lines))[0]

    sentence = "The following table summarizes product warranty activity during 2022 and 2021."
    assert table(["Product Warranties", sentence]).caption == sentence
    assert table(["Product Warranties", "Net of reserves. The following table summarizes product warranty",
                  "activity during 2022 and 2021."]).caption == sentence
    assert table(["Product Warranties", "We accrue warranty costs when we deliver products."]).caption == ""
    only_unit = table(["Results", "All amounts set forth in the following tables are in millions."])
    assert only_unit.caption == "" and only_unit.unit == "in millions"


def test_a_share_price_column_and_columns_the_unit_excepts_take_no_scale():
    from rag.ingest.tables import Table

    options = Table(["Shares", "Weighted Average Exercise Price", "Average Remaining Contractual Term"],
                    [("Granted", ["7,144", "$51.06", ""]), ("Outstanding", ["22,909", "$71.15", "4.08"])],
                    unit="In thousands, except weighted average exercise price and remaining")
    assert options.row_texts() == ["Granted: Shares: 7,144 thousand; Weighted Average Exercise Price: $51.06",
                                   "Outstanding: Shares: 22,909 thousand; Weighted Average Exercise Price: $71.15; "
                                   "Average Remaining Contractual Term: 4.08"]
    units = Table(["Number of Units", "Weighted-Average Grant Date Fair Value"], [("Forfeited", ["(137)", "253.53"])],
                  unit="in 000's")
    assert units.row_texts() == ["Forfeited: Number of Units: (137 thousand); Weighted-Average Grant Date Fair "
                                 "Value: 253.53"]
    holdings = Table(["Total", "Estimated Fair Value as of December 31, 2017"], [("Corporate debt securities",
                                                                                 ["4,249", "4,257"])],
                     unit="in millions, except percentages")
    assert holdings.row_texts() == ["Corporate debt securities: Total: 4,249 million; Estimated Fair Value as of "
                                    "December 31, 2017: 4,257 million"]  # the holdings' fair value: in millions
    regions = Table(["United States", "Asia Pacific"], [("Net sales (millions)", ["$3,183", "$2,453"]),
                                                         ("% of worldwide sales", ["40.1%", "30.9%"])])
    assert regions.row_texts()[0] == "Net sales (millions): United States: $3,183 million; Asia Pacific: $2,453 million"
    notes = Table(["2016", "2017"], [("3.150% Notes due on August 22, 2027 (3)", ["—", "3,500"]),
                                     ("Percent of total debt %", ["", "14"])], unit="in millions")
    assert notes.row_texts() == ["3.150% Notes due on August 22, 2027 (3): 2016: —; 2017: 3,500 million",
                                 "Percent of total debt %: 2017: 14"]  # a rate in a note's name is no row unit


def test_a_second_years_table_below_the_first_takes_its_unit_and_a_word_over_one_column_heads_it():
    """Quarterly results printed one year under the other: the second table, under its own year's heading, has no
    unit line of its own and takes the first's; "Other" alone over the third of four columns is the top of that
    column's header, not a title over them all."""
    def year_table(top, title, unit, values):
        lines = [(top, [(title, 307, 437)])]
        if unit:
            lines.append((top + 10, [(unit, 20, 160)]))
        lines += [(top + 22, [("Other", 395, 420)]),
                  (top + 32, [("First", 250, 280), ("Second", 310, 345), ("International", 370, 430),
                              ("Total", 470, 495)])]
        lines += [(top + 46 + 12 * i, [(label, 20, 100)] + [(v, right - 5 * len(v), right)
                                                            for v, right in zip(row, (280, 345, 430, 495))])
                  for i, (label, row) in enumerate(zip(["Net sales", "Operating income", "Net income"], values))]
        return lines
    first = year_table(40, "Year Ended December 31, 2016", "(in millions, except per share data)",
                       [("29,128", "30,404", "32,714", "92,246"), ("1,071", "1,285", "575", "2,931"),
                        ("513", "857", "252", "1,622")])
    second = year_table(200, "Year Ended December 31, 2017", "",
                        [("35,714", "37,955", "43,744", "117,413"), ("1,005", "628", "347", "1,980"),
                         ("724", "197", "256", "1,177")])
    tables = find_tables(_words(first + second))
    assert len(tables) == 2
    assert tables[1].headers == ["First", "Second", "Other International", "Total"]
    assert "Operating income: First: 1,005 million; Second: 628 million; Other International: 347 million; " \
           "Total: 1,980 million" in tables[1].row_texts()


def test_a_page_whose_pypdf_text_glues_labels_to_figures_or_spaces_its_signs_is_read_as_tabular():
    from rag.ingest.pdf_tables import looks_tabular

    glued = ("Total revenues\n(1) $ 45,743   $ 46,922   $ 47,490 Operating income\n"
             "inuing operations998   (2,562 )   1,390   (422 )   (596 ) Net income (loss) attr\n"
             "ibutable to CVS Health998   (2,563 )   1,390   (419 )   (594 ) Per common share data:\n"
             "$ 2,535   $ 2,460   $ 2,429  \n")
    assert looks_tabular(glued)
    assert not looks_tabular("We paid $ 12 million in 2019, 2020 and 2021.\nRevenue rose 5% to 1,200.\n"
                             "See pages 12-14.\n")


def test_a_sentence_over_two_lines_introduces_its_table_and_headers_with_footnote_marks_are_no_row():
    lines = [(40, [("Aggregate annual maturities on long-term debt obligations (based on contractual maturity or "
                    "anticipated redemption dates) as of December 31, 2022 were as", 18, 580)]),
             (50, [("follows:", 18, 50)]),
             (66, [("Leased Square", 440, 490), ("Owned Square", 520, 580)]),
             (76, [("Segment", 19, 46), ("Footage (1)", 450, 486), ("Footage", 545, 575), ("(1)", 578, 588)])]
    lines += [(90 + 13 * i, [(label, 19, 80), (a, 502 - 5 * len(a), 502), (b, 588 - 5 * len(b), 588)])
              for i, (label, a, b) in enumerate([("North America", "147,277", "2,140"),
                                                 ("International", "66,328", "4,167"), ("AWS", "6,197", "4,024")])]
    table = find_tables(_words(lines))[0]
    assert table.caption.startswith("Aggregate annual maturities on long-term debt obligations")
    assert table.caption.endswith("were as follows:")
    assert [label for label, _ in table.rows] == ["North America", "International", "AWS"]
    assert table.headers[0] == "Leased Square Footage (1)"


def test_stacked_right_aligned_headers_over_tightly_packed_columns_head_their_own_column():
    """Nike's revenue by segment: headers of up to four lines, each right-aligned over its column (a comma or a
    dash column may overhang the figures by a few points), columns five points apart."""
    lines = [(84, [("EUROPE,", 207, 240), ("ASIA", 316, 333)]),
             (91, [("MIDDLE", 212, 240), ("PACIFIC &", 296, 333), ("GLOBAL", 355, 387)]),
             (99, [("NORTH", 168, 194), ("EAST &", 213, 240), ("GREATER", 251, 287), ("LATIN", 312, 333),
                   ("BRAND", 360, 387)]),
             (105, [("AMERICA", 160, 194), ("AFRICA", 212, 240), ("CHINA", 263, 287), ("AMERICA", 299, 333),
                    ("DIVISIONS", 349, 387)])]
    rows = [("Footwear", ["$10,045", "$6,293", "$4,262", "$3,622", "—"]),
            ("Apparel", ["5,260", "3,087", "1,808", "1,395", "—"]),
            ("Other", ["—", "—", "—", "—", "42"])]
    rights = (191, 237, 283, 330, 382)
    lines += [(127 + 10 * i, [(label, 26, 60)] + [(v, right - 5 * len(v), right) for v, right in zip(values, rights)])
              for i, (label, values) in enumerate(rows)]
    table = find_tables(_words(lines))[0]
    assert table.headers == ["NORTH AMERICA", "EUROPE, MIDDLE EAST & AFRICA", "GREATER CHINA",
                             "ASIA PACIFIC & LATIN AMERICA", "GLOBAL BRAND DIVISIONS"]
    assert dict(table.rows)["Apparel"][2] == "1,808"


def test_a_column_headed_with_its_own_scale_gives_each_value_that_scale():
    from rag.ingest.tables import Table

    table = Table(["Number of Shares (in thousands)", "Weighted-average exercise price",
                   "Aggregate intrinsic value (in millions)"],
                  [("Forfeited", ["(2,852)", "46.19", ""]), ("Outstanding", ["14,029", "$44.31", "$221"])])
    assert table.row_texts() == [
        "Forfeited: Number of Shares (in thousands): (2,852 thousand); Weighted-average exercise price: 46.19",
        "Outstanding: Number of Shares (in thousands): 14,029 thousand; Weighted-average exercise price: $44.31; "
        "Aggregate intrinsic value (in millions): $221 million"]


def test_a_tables_without_headers_under_some_of_the_columns_above_take_their_headers():
    """A note's years "2022 2021 2020" printed once at the top of the page: a later table of two of those columns
    ("Accounts payable and other current liabilities") takes "2022" and "2021", and keeps its own caption."""
    lines = [(60, [("Balance Sheet", 16, 81)]), (92, [("2022", 425, 441), ("2021", 493, 509), ("2020", 561, 577)])]
    lines += [(104 + 11 * i, [(label, 17, 120), (a, 441 - 5 * len(a), 441), (b, 509 - 5 * len(b), 509),
                              (c, 577 - 5 * len(c), 577)])
              for i, (label, a, b, c) in enumerate([("Allowance, beginning of year", "147", "201", "105"),
                                                    ("Deductions", "(12)", "(25)", "(32)"),
                                                    ("Allowance, end of year", "150", "147", "201")])]
    lines += [(250, [("Accounts payable and other current liabilities", 17, 200)])]
    lines += [(262 + 11 * i, [(label, 17, 120), (a, 441 - 5 * len(a), 441), (b, 509 - 5 * len(b), 509)])
              for i, (label, a, b) in enumerate([("Accounts payable", "$10,732", "$9,834"),
                                                 ("Accrued marketplace spending", "3,637", "3,087"),
                                                 ("Dividends payable", "1,610", "1,508")])]
    first, second = find_tables(_words(lines))
    assert second.headers == ["2022", "2021"] and not second.continued
    assert dict(second.rows)["Accrued marketplace spending"] == ["3,637", "3,087"]


def test_a_header_word_a_line_end_broke_is_whole_and_double_spaces_are_single():
    """pdfium marks a hyphen ending a line ("Non-" over "reportable segments"); the header is read whole, and the
    table's text is the page's cleaned text (single spaces), so chunking finds it and repeats its headers."""
    words = _words([(68, [("Non-", 226, 245), ("Total", 306, 330)]),
                    (80, [("Illnesses", 108, 143), ("reportable", 220, 262), ("female", 306, 336)])]
                   + [(92 + 12 * i, [(label, 59, 126), (m, 267, 277), (f, 352, 362)])
                      for i, (label, m, f) in enumerate([("Allergy", "25", "68"), ("Anxiety", "17", "64"),
                                                         ("Asthma", "6", "25")])])
    table = find_tables(words)[0]
    assert table.headers[0] == "Non-reportable"
    assert "Non- reportable" not in table.text() and "  " not in table.text()


@pytest.mark.shared
def test_real_segment_table_with_a_broken_header_word_is_chunked_as_a_table(shared_data):
    """Activision Blizzard's 2018 revenues by platform (page 108 of its 2019 10-K): its "Non-reportable segments"
    header is broken over two lines; each chunk of the table opens with its headers."""
    pdf = shared_data / "financebench" / "pdfs" / "ACTIVISIONBLIZZARD_2019_10K.pdf"
    if not pdf.is_file():
        pytest.skip(f"{pdf} not available")
    page = _page(pdf, 108)
    assert "Non-reportable segments" in page.tables[0].headers
    assert all(page.text.find(table.text()) >= 0 for table in page.tables)
    chunks = chunk_pages([page], pdf.name, "sha", make_splitter(500, 50))
    pc = [doc for doc in chunks if "Blizzard: 1,711" in doc.page_content]
    assert pc and pc[0].metadata.get("table") and pc[0].page_content.startswith("Table: ")


def test_holders_set_in_under_a_measure_and_its_minimum_stand_under_it():
    """A regulator's table: each ratio's row gives the required minimum, the rows set in under it each holder's
    ratio in another column ("Total" / "American Express National Bank": 13.2). The holders' rows stand under their
    measure, "Total" included (a total heads the rows set in under it), though the last measure is set out
    further left than the others."""
    from rag.ingest.table_rows import parent_labels

    rows = [("Risk-Based Capital", []), ("Common Equity Tier 1", ["7.0%", ""]), ("Company", ["", "10.3%"]),
            ("National Bank", ["", "11.3"]), ("Total", ["10.5", ""]), ("Company", ["", "12.8"]),
            ("National Bank", ["", "13.2"]), ("Tier 1 Leverage", ["4.0%", ""]), ("Company", ["", "9.9"]),
            ("National Bank", ["", "9.7%"])]
    spans = {1: (39.4, 105.9), 2: (59.3, 141.3), 3: (59.3, 155.8), 4: (39.4, 54.0), 5: (59.3, 141.3),
             6: (59.3, 155.8), 7: (19.1, 67.6), 8: (59.3, 141.3), 9: (59.3, 155.8)}
    parents = parent_labels(rows, spans)
    assert parents[3] == "Common Equity Tier 1" and parents[6] == "Total" and parents[9] == "Tier 1 Leverage"
    assert 1 not in parents and 4 not in parents


def test_a_money_table_printing_no_unit_takes_the_documents_unit():
    """Most of a 10-K's tables state "(in millions)"; a note's table of whole dollar amounts that states none takes
    that unit, said to be the document's; prices (decimals), years and counts without a currency sign do not."""
    from rag.ingest.document_unit import UNIT_NOTE, apply_document_unit
    from rag.ingest.pdf import Page
    from rag.ingest.tables import Table

    stated = [Table(["2022", "2021"], [("Revenue", ["$1,200", "$1,100"]), ("Costs", ["800", "700"])],
                    unit="in millions") for _ in range(5)]
    brands = Table(["Balance, End of 2021", "Balance, End of 2022"], [("Brands", ["$ 4,254", "$ 1,664"]),
                                                                      ("Goodwill", ["3,700", "3,646"])])
    prices = Table(["High", "Low"], [("First Quarter", ["$ 79.10", "$ 69.74"]), ("Second Quarter", ["$ 80.56", "$ 72.97"])])
    counts = Table(["2022", "2021"], [("Employees", ["142,000", "141,000"]), ("Stores", ["1,138", "1,144"])])
    tables = [*stated, brands, prices, counts]
    page = Page(number=82, text="\n".join(table.text() for table in tables), tables=tables)
    assert apply_document_unit([page]) == 1
    assert brands.unit == f"in millions, {UNIT_NOTE}" and not prices.unit and not counts.unit
    assert "Brands: Balance, End of 2021: $4,254 million; Balance, End of 2022: $1,664 million" in page.text
    assert page.text.count("Table") == 8 and all(page.text.find(table.text()) >= 0 for table in tables)
    thousands = [Table(["2022"], [("Revenue", ["$1,200"])], unit="in thousands") for _ in range(3)]
    mixed = Page(number=1, text="", tables=[*thousands, *stated[:2],
                                            Table(["2022"], [("Fees", ["$ 300"]), ("Dues", ["$ 200"])])])
    assert apply_document_unit([mixed]) == 0  # no unit shared by 65% of the tables stating one
    counts = [Table(["2022"], [("Members", ["50,200"])], unit="in thousands") for _ in range(3)] + \
        [Table(["2022"], [("Granted", ["1,358", "$364.39"])], unit="shares in 000's") for _ in range(3)]
    fees = Table(["2022"], [("Fees", ["$ 300"]), ("Dues", ["$ 200"])])
    counted = Page(number=1, text="", tables=[*counts, *stated, fees])
    assert apply_document_unit([counted]) == 1 and fees.unit == f"in millions, {UNIT_NOTE}"  # counts in thousands
    # (members, shares) say nothing of the unit of the document's amounts
    cjk = [Table(["2022"], [("营业收入", ["1,200"])], unit="单位：万元") for _ in range(5)]
    chinese = Page(number=1, text="", tables=[*cjk, Table(["2022"], [("Fees", ["¥ 300"]), ("Dues", ["¥ 200"])])])
    assert apply_document_unit([chinese]) == 0  # a Chinese filing's 万元 tables: no Latin scale to give


def test_the_documents_unit_is_learnt_over_the_whole_file_not_a_part(settings, make_pdf, embeddings):
    """A long PDF is parsed in parts; the document's unit is given to the whole parsed file, before chunking."""
    from rag.ingest.engines.base import chunk_file
    from rag.ingest.chunking import make_splitter
    from rag.ingest.document_unit import UNIT_NOTE
    from rag.ingest.pdf import Page, ParsedDocument
    from rag.ingest.tables import Table

    stated = [Page(number=n, text="", tables=[Table(["2022"], [("Revenue", ["$1,200"]), ("Costs", ["800"])],
                                                  unit="in millions")]) for n in range(1, 6)]
    brands = Table(["2022", "2021"], [("Brands", ["$ 1,664", "$ 4,254"]), ("Goodwill", ["3,646", "3,700"])])
    note = Page(number=82, text=brands.text(), tables=[brands])
    for page in stated:
        page.text = page.tables[0].text()
    chunks = chunk_file(ParsedDocument(pages=[*stated, note], page_count=82), "pepsico.pdf", "sha",
                        make_splitter(500, 50))
    assert any(UNIT_NOTE in doc.page_content and "$1,664 million" in doc.page_content for doc in chunks)


CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # Debian fonts-wqy-zenhei (see .ci/run)


def _chinese_statement(path: Path) -> Path:
    """A Chinese balance sheet as such filings print it: every standard item listed, most of them empty, long items
    wrapped onto a second line that starts further left, and the statement running on over a second page."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("zh", fname=str(CJK_FONT))
    page1 = [("流动资产：", None, 22), ("货币资金", ("40,962,331.62", "45,175,761.77"), 28), ("结算备付金", None, 28),
             ("拆出资金", None, 28), ("以公允价值计量且其变动计入", None, 28), ("当期损益的金融资产", None, 22),
             ("衍生金融资产", None, 28), ("应收票据", ("50,000.00", "15,878,744.00"), 28),
             ("应收保费", None, 28), ("应收分保账款", None, 28), ("应收利息", None, 28), ("应收股利", None, 28),
             ("其他应收款", ("18,267,606.14", "3,123,072.43"), 28), ("存货", ("12,097,633.35", "11,533,044.52"), 28)]
    page2 = [("持有至到期投资", None, 28), ("长期应收款", None, 28), ("投资性房地产", None, 28),
             ("固定资产", ("34,456,606.27", "35,705,865.32"), 28), ("在建工程", ("42,574,804.34", "42,553,751.05"), 28),
             ("工程物资", None, 28), ("销售商品、提供劳务收到的现", ("7,715,912.60", "15,096,149.30"), 28),
             ("金", None, 22), ("商誉", ("72,097.15", "72,097.15"), 28)]
    for number, rows in enumerate((page1, page2), start=1):
        pdf.add_page()
        pdf.set_font("zh", size=10)
        pdf.set_xy(60, 12)
        pdf.cell(0, 5, "东北电气发展股份有限公司 2018 年第一季度报告全文")
        y = 30
        if number == 1:
            for text, x in (("1、合并资产负债表", 20), ("编制单位：东北电气发展股份有限公司", 20), ("单位：元", 175)):
                pdf.set_xy(x, y)
                pdf.cell(0, 5, text)
                y += 8
            for text, x in (("项目", 40), ("期末余额", 105), ("期初余额", 160)):
                pdf.set_xy(x, y)
                pdf.cell(0, 5, text)
            y += 8
        for label, values, x in rows:
            pdf.set_xy(x, y)
            pdf.cell(0, 5, label)
            for right, value in zip((130, 185), values or ()):
                pdf.set_xy(right - 40, y)
                pdf.cell(40, 5, value, align="R")
            y += 7
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


@pytest.mark.skipif(not CJK_FONT.is_file(), reason="fonts-wqy-zenhei is not installed (see .ci/run)")
def test_a_chinese_statement_with_empty_items_is_one_table_with_its_headers_over_both_pages(tmp_path):
    pdf = _chinese_statement(tmp_path / "statement.pdf")
    first, second = _page(pdf, 1), _page(pdf, 2)
    assert len(first.tables) == 1 and len(second.tables) == 1
    table = first.tables[0]
    assert "1、合并资产负债表" in table.caption and table.unit == "单位：元"
    assert table.headers == ["期末余额", "期初余额"] and second.tables[0].headers == ["期末余额", "期初余额"]
    rows = first.tables[0].row_texts() + second.tables[0].row_texts()
    assert "货币资金 (单位：元): 期末余额: 40,962,331.62; 期初余额: 45,175,761.77" in rows
    assert "其他应收款 (单位：元): 期末余额: 18,267,606.14; 期初余额: 3,123,072.43" in rows
    assert "在建工程 (单位：元): 期末余额: 42,574,804.34; 期初余额: 42,553,751.05" in rows
    # a wrapped item is one label, without a space between its lines; the running title is no header
    assert "以公允价值计量且其变动计入当期损益的金融资产" in rows
    assert any(row.startswith("销售商品、提供劳务收到的现金 (单位：元)") for row in rows)
    assert not any("报告全文" in header for header in second.tables[0].headers)


def test_real_chinese_quarterly_statements_keep_their_titles_and_columns(shared_data):
    import pypdfium2 as pdfium

    from rag.ingest.pdf_tables import tabled_text

    path = shared_data / "messy" / "chinese_quarterly_report_22p.pdf"
    if not path.exists():
        pytest.skip("needs ../shared/data/messy")
    document = pdfium.PdfDocument(str(path))
    previous, found = None, {}
    try:
        for number in range(9, 16):
            _text, tables = tabled_text(document[number - 1], number, previous)
            found[number] = tables
            previous = tables[-1] if tables else None
    finally:
        document.close()
    assert len(found[10]) == 1 and found[10][0].caption.startswith("1、合并资产负债表")
    rows = {number: [row for t in tables for row in t.row_texts()] for number, tables in found.items()}
    assert "在建工程 (单位：元): 期末余额: 42,574,804.34; 期初余额: 42,553,751.05" in rows[10]
    assert "销售费用 (单位：元): 本期发生额: 764,036.62; 上期发生额: 705,678.32" in rows[15]
    assert found[15][0].caption == "3、合并利润表"


def test_a_row_or_two_under_a_row_of_years_is_a_table_captioned_by_the_sentence_introducing_it(tmp_path):
    intro = ("Amortization expense for the years ended December 31, 2022 and 2021 was $241 and $284. Estimated "
             "amortization expense for the five succeeding years is as follows:")
    pdf = _table_pdf(tmp_path / "schedule.pdf", [{
        "intro": intro, "headers": _years("2023", "2024", "2025", "2026", "2027"),
        "rows": [("Estimated amortization expense", ["$234", "$219", "$194", "$190", "$172"])], "after": PROSE}])
    tables = _page(pdf).tables
    assert len(tables) == 1
    assert tables[0].caption.startswith("Estimated amortization expense for the five succeeding years")  # not "$284."
    assert tables[0].row_texts() == [
        "Estimated amortization expense: 2023: $234; 2024: $219; 2025: $194; 2026: $190; 2027: $172"]
    two_years = _table_pdf(tmp_path / "two.pdf", [{"headers": _years("2023", "2024"),
                                                  "rows": [("Debt", ["$5,128", "$5,081"])], "after": PROSE}])
    assert _page(two_years).tables == []  # two years over one row: too little to call a table


def test_japanese_results_of_two_periods_with_triangle_minus_are_tables_under_group_headers():
    """A 決算短信's summary (tests/data/cjk, generated, CC0): two rows (this period and the last) under measures
    each over an amount and a percentage column are a table; "△3.2" (the Japanese minus) is a value and keeps its
    sign with the unit; a segment table's "△772" takes the table's unit, its columns under their measure ("セグメント",
    the labels' header, stands between the two header lines)."""
    parsed = read_pdf(Path(__file__).parents[1] / "data" / "cjk" / "asanagi_kessan_tanshin_fy2025_ja.pdf")
    rows = [row for page in parsed.pages for table in page.tables for row in table.row_texts()]
    assert any(row.startswith("2024年3月期: 売上高 百万円: 78,991; 売上高 ％: 4.1; 営業利益 百万円: 4,561; "
                              "営業利益 ％: △3.2; 経常利益 百万円: 4,867") for row in rows)
    assert any(row.startswith("2025年3月期: 営業活動による キャッシュ・フロー 百万円: 6,842; "
                              "投資活動による キャッシュ・フロー 百万円: △4,915") for row in rows)
    assert any(row.startswith("調整額: 売上高（外部顧客への売上高） 当期: －;") and "セグメント利益 当期: △772 百万円; "
               "セグメント利益 前期: △758 百万円" in row for row in rows)


def test_chinese_group_headers_over_a_label_header_and_of_which_rows_as_siblings():
    """A statistics bulletin (tests/data/cjk, generated, CC0): "全年" and "第四季度" over two columns each, with
    "指标" (the labels' header) set between the two header lines, head their columns; rows after "其中：教育" set in
    as far are its siblings under the total."""
    parsed = read_pdf(Path(__file__).parents[1] / "data" / "cjk" / "yunxiu_statistics_bulletin_2024_zh.pdf")
    tables = [table for page in parsed.pages for table in page.tables]
    first = tables[0]
    assert "表１ 2024年地区生产总值及其增长速度" in first.caption
    assert first.headers == ["全年 绝对数（亿元）", "全年 比上年增长（%）", "第四季度 绝对数（亿元）", "第四季度 比上年增长（%）"]
    rows = [row for table in tables for row in table.row_texts()]
    assert any(row.startswith("一般公共预算支出 › 社会保障和就业: ") for row in rows)
    assert not any("其中：教育 › " in row for row in rows)


def test_a_run_of_records_with_a_figure_amid_words_is_searched_for_tables_of_words_only():
    from rag.ingest.pdf_tables import looks_like_records, looks_tabular

    records = "\n".join(f"pkg{i} V:{i},I:{i} {100 + i} a tool for text {i}" for i in range(5))
    assert looks_like_records(records) and not looks_tabular(records)
    contents = "\n".join(f"{i}.{i} Section title . . . . . {10 + i}" for i in range(1, 8))  # page numbers end lines
    assert not looks_like_records(contents)
    prose = "In 2019 we had 3 plants.\nSales rose 5 % in 2020 and\nthe 12 stores grew.\nWe hired 40 people.\n"
    assert not looks_like_records(prose)
