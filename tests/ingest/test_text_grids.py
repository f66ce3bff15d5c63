"""Tables of words (a register of records): each record one row, every cell with its column's header."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.ingest.table_words import Word
from rag.ingest.text_grids import find_grids


def _line(top: float, cells: list[tuple[str, float]]) -> list[Word]:
    """Words of one line: each cell's words a space apart from x0 on (5.5 points a character)."""
    words = []
    for text, x0 in cells:
        for word in text.split():
            words.append(Word(word, x0, x0 + 5.5 * len(word), top, top + 9))
            x0 += 5.5 * len(word) + 3
    return words


HEADER = [("Notice Date", 34), ("Company", 300), ("City", 466), ("No. Of", 540), ("Layoff/Closure", 640)]
RECORDS = [
    [("06/22/2015", 30), ("Maxim Integrated Product", 235), ("San Jose", 431), ("150", 524), ("Closure Permanent", 607)],
    [("06/30/2015", 30), ("McGraw-Hill Education", 235), ("Monterey", 431), ("137", 524), ("Layoff Permanent", 607)],
    [("07/20/2015", 30), ("Toyota Motor North America", 235), ("Torrance", 431), ("3000", 524),
     ("Closure Permanent", 607)],
    [("07/20/2015", 30), ("Toyota Motor North America", 235), ("Gardena", 431), ("90", 524), ("Closure Permanent", 607)],
]


def _page(top: float = 100, header: bool = True) -> list[Word]:
    words = _line(top, HEADER) if header else []
    for i, record in enumerate(RECORDS):
        words += _line(top + 13 * (i + 1), record)
    return words


def test_a_register_of_records_is_one_row_per_record_under_its_headers():
    grid = find_grids(_page())[0]
    assert grid.headers == ["Notice Date", "City", "No. Of", "Layoff/Closure"]  # the company is the label
    assert grid.rows[2] == ("Toyota Motor North America", ["07/20/2015", "Torrance", "3000", "Closure Permanent"])
    assert grid.row_texts()[2] == ("Toyota Motor North America: Notice Date: 07/20/2015; City: Torrance; "
                                   "No. Of: 3000; Layoff/Closure: Closure Permanent")


def test_a_register_going_on_over_the_page_takes_the_headers_of_the_page_before():
    from rag.ingest.tables import continues

    before, after = find_grids(_page()), find_grids(_page(40, header=False))
    assert not any(after[0].headers) and continues(after[0], before[-1])


def test_prose_and_a_list_of_two_columns_are_no_grid():
    prose = []
    for i in range(6):
        prose += _line(100 + 13 * i, [("The company closed two plants in the year and moved", 30)])
    assert find_grids(prose) == []
    pairs = []
    for i in range(6):
        pairs += _line(100 + 13 * i, [(f"Item {i}", 30), (f"{i * 10}", 300)])
    assert find_grids(pairs) == []


@pytest.mark.shared
def test_real_warn_register_over_sixteen_pages(shared_data):
    from rag.ingest.pdf import read_pdf

    pdf = shared_data / "messy" / "table_multipage_ca_warn.pdf"
    if not pdf.is_file():
        pytest.skip("the WARN report is not present")
    parsed = read_pdf(Path(pdf))
    assert parsed.table_failures == 0
    second = parsed.pages[1]
    assert "Toyota Motor North America: Notice Date: 07/20/2015; Effective: 12/31/2017; Received: 07/22/2015; " \
           "City: Torrance; No. Of: 3000; Layoff/Closure: Closure Permanent" in second.text


def test_prose_set_in_three_columns_is_no_grid():
    words = []
    for i in range(6):
        words += _line(100 + 13 * i, [("the applicable actions identified as", 30),
                                      ("markers if applicable, by accomplishing", 230),
                                      ("Board Report at the address below", 430)])
    assert find_grids(words) == []


def test_a_description_wrapped_over_lines_around_its_row_is_folded_into_its_record():
    """A manual's package table: the description, centred on its row, starts on a line above it (words only,
    starting where the description column starts); a note line starting at the labels' edge stays out."""
    header = _line(100, [("Package", 30), ("Popcon", 150), ("Size", 250), ("Description", 320)])
    records = []
    for i, (name, size, first, second) in enumerate([("recode", "603", "converts text between", "many locales"),
                                                     ("konwert", "134", "converts text between", "locales (fancy)"),
                                                     ("tcs", "518", "character set translator", "for Unix"),
                                                     ("nkf", "360", "Japanese character set", "translator")]):
        top = 125 + 31 * i
        records += _line(top - 10, [(first, 320)]) + _line(top, [(name, 30), ("V:3,I:22", 150), (size, 250),
                                                                  (second, 320)])
    note = _line(252, [("See the manual page for each tool.", 30)])
    # a long line of prose beside the last record, starting where the descriptions start: it stays whole, in the text
    records += _line(232, [("and a further remark running on well past any cell of a table row here", 320)])
    grids = find_grids(header + records + note)
    assert len(grids) == 1
    rows = grids[0].row_texts()
    assert rows[0] == "recode: Popcon: V:3,I:22; Size: 603; Description: converts text between many locales"
    assert rows[3] == "nkf: Popcon: V:3,I:22; Size: 360; Description: Japanese character set translator"
    assert not any("manual page" in row or "further remark" in row for row in rows)


def test_real_japanese_package_table_with_wrapped_descriptions_and_header():
    """Page 1 of the Debian Reference's Japanese chapter 11 (tests/data/cjk, GPL-2+): a table whose last column is a
    description is found though no line ends in figures, its header "サイズ" broken over two lines is whole, and
    each wrapped description is joined to its own package."""
    from rag.ingest.pdf import read_pdf

    parsed = read_pdf(Path(__file__).parents[1] / "data" / "cjk" / "debian_reference_ja_ch11.pdf")
    rows = [row for table in parsed.pages[0].tables for row in table.row_texts()]
    assert "nkf: ポプコン: V:0, I:10; サイズ: 360; キーワード: 文字セット; 説明: 日本語のための文字セット翻訳ソフト" in rows
    assert "unaccent: ポプコン: V:0, I:0; サイズ: 35; キーワード: 文字セット; " \
           "説明: アクセント付き文字をアクセントの無しの等価文字に置換" in rows


def test_a_long_label_set_above_its_records_line_joins_that_record():
    header = [("Package", 70), ("Popcon", 180), ("Size", 250), ("Description", 300)]
    records = [[("schroot", 70), ("V:6,I:8", 180), ("2508", 250), ("chroot tool", 300)],
               [("sbuild", 70), ("V:1,I:4", 180), ("242", 250), ("builder", 300)]]
    words = _line(100, header)
    for i, record in enumerate(records):
        words += _line(113 + 13 * i, record)
    words += _line(137, [("libvirt-clients", 70)])  # overlaps the next line, which has no label of its own
    words += _line(141, [("V:43,I:62", 180), ("1311", 250), ("libvirt programs", 300)])
    words += _line(154, [("pipx", 70), ("V:0,I:1", 180), ("887", 250), ("installer", 300)])
    grid = find_grids(words)[0]
    assert ("libvirt-clients", ["V:43,I:62", "1311", "libvirt programs"]) in grid.rows
    assert grid.rows[-1][0] == "pipx" and len(grid.rows) == 4


def test_a_header_wrapped_over_three_lines_stays_a_header_and_a_name_broken_after_its_hyphen_is_one():
    words = _line(100, [("軟體", 233)]) + _line(112, [("軟體包", 68), ("流行度", 168), ("包大", 233), ("類型", 271),
                                                     ("說明", 336)])
    words += _line(124.5, [("小", 233)])  # about as near the header line above as the first record below
    records = [("evolution", "470", "GNOME"), ("kontact", "2195", "KDE"), ("abiword", "3467", "GNOME")]
    for i, (name, size, kind) in enumerate(records):
        words += _line(136 + 12 * i, [(name, 68), ("V:1,I:9", 168), (size, 233), (kind, 271), ("文書處理軟體", 336)])
    words += _line(172, [("fonts-sil-", 68)]) + _line(184, [("gentiumplus", 68)])  # a name over two lines beside
    words += _line(178, [("I:35", 168), ("13568", 233), ("-", 271), ("Gentium", 336)])  # its record
    grid = find_grids(words)[0]
    assert grid.headers == ["流行度", "軟體包大小", "類型", "說明"]
    assert grid.rows[0] == ("evolution", ["V:1,I:9", "470", "GNOME", "文書處理軟體"])
    assert grid.rows[-1][0] == "fonts-sil-gentiumplus"
