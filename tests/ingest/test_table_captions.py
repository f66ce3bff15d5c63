"""A numbered caption printed under a table is that table's caption, unless it heads the table right under it."""

from __future__ import annotations

from rag.ingest.table_captions import take_captions_below
from rag.ingest.table_words import group_lines
from rag.ingest.text_grids import find_grids
from tests.ingest.test_text_grids import _line

HEADER = [("Package", 70), ("Popcon", 180), ("Size", 250), ("Description", 300)]
RECORDS = [[("schroot", 70), ("V:6,I:8", 180), ("2508", 250), ("chroot tool", 300)],
           [("sbuild", 70), ("V:1,I:4", 180), ("242", 250), ("builder", 300)],
           [("pipx", 70), ("V:0,I:1", 180), ("887", 250), ("installer", 300)]]


def _table_at(top: float) -> list:
    words = _line(top, HEADER)
    for i, record in enumerate(RECORDS):
        words += _line(top + 13 * (i + 1), record)
    return words


def test_the_numbered_line_under_a_table_is_its_caption():
    words = _table_at(100) + _line(172, [("Table 9.27: Virtualization tools", 70)]) + _line(200, [("Prose follows.", 70)])
    tables = find_grids(words)
    take_captions_below(tables, group_lines(words))
    assert tables[0].caption == "Table 9.27: Virtualization tools"


def test_a_caption_heading_the_next_table_or_far_below_or_unnumbered_is_not_taken():
    heading_next = _table_at(100) + _line(172, [("Table 2: Other tools", 70)]) + _table_at(186)
    tables = find_grids(heading_next)
    take_captions_below(tables, group_lines(heading_next))
    assert len(tables) == 2 and tables[0].caption == ""
    far = _table_at(100) + _line(220, [("Table 3: Far below", 70)])
    unnumbered = _table_at(100) + _line(172, [("The tools are listed above.", 70)])
    for words in (far, unnumbered):
        tables = find_grids(words)
        take_captions_below(tables, group_lines(words))
        assert tables[0].caption == ""


def test_a_table_running_onto_the_next_page_takes_the_caption_under_its_rest():
    from types import SimpleNamespace

    from rag.ingest.pdf_tables import caption_back
    from rag.ingest.tables import take_headers

    first = find_grids(_table_at(100))[0]
    rest_words = _table_at(40)[len(_line(40, HEADER)):] + _line(90, [("Table 7.3: Known GUI applications", 70)])
    rest = find_grids(rest_words)[0]
    take_headers(rest, first)  # the rest has no header line: it takes the first part's (no caption) ...
    take_captions_below([rest], group_lines(rest_words))  # ... and then the caption printed under it
    assert rest.caption == "Table 7.3: Known GUI applications" and rest.continued
    page = SimpleNamespace(text=f"Intro.\n\n{first.text()}\n\nAfter.")
    caption_back(first, rest, page)
    assert first.caption == rest.caption and page.text.startswith("Intro.\n\nTable: Table 7.3: Known GUI applications")
