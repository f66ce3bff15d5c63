"""Headings read from a PDF's fonts: larger or bold lines over body text, a heading's lines joined."""

from __future__ import annotations

from pathlib import Path

from rag.ingest.pdf_headings import font_headings, headings_from_lines

BODY = ("Seniors continue to adopt new technology at a steady pace, and most of those who go online do so every "
        "day. The survey asked about phones, tablets and social networks, and about what holds people back. ")


def _styled_pdf(path: Path) -> Path:
    """Three pages: an 18 pt part title, a 12 pt bold headline over two lines, 11 pt body, a running footer."""
    from fpdf import FPDF

    pdf = FPDF()
    for page, (title, headline) in enumerate([
            ("Main Findings", "Six in ten seniors now go online, and just under half are broadband adopters"),
            ("Usage and Adoption", "Older adults face a number of hurdles to adopting new technologies"),
            ("Methods", "The survey was run by telephone in English and Spanish")], start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=18)
        pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", style="B", size=12)
        pdf.multi_cell(70, 6, headline)  # narrow: the headline wraps onto a second line
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, BODY * 3)
        pdf.set_font("Helvetica", size=9)
        pdf.cell(0, 6, "PEW RESEARCH CENTER www.pewresearch.org")
    pdf.output(str(path))
    return path


def test_titles_and_bold_headlines_are_headings_with_levels_by_size(tmp_path):
    found = font_headings(_styled_pdf(tmp_path / "report.pdf"))
    assert ("Main Findings", 1, 1) in found
    assert ("Usage and Adoption", 2, 1) in found
    assert ("Six in ten seniors now go online, and just under half are broadband adopters", 1, 2) in found  # joined
    assert not any("PEW RESEARCH" in title for title, _, _ in found)  # smaller than the body
    assert not any(title.startswith("Seniors continue") for title, _, _ in found)  # body text
    assert [page for _, page, _ in found] == sorted(page for _, page, _ in found)  # reading order


def test_a_type_on_every_line_is_body_text_and_a_line_on_many_pages_a_running_header():
    lines = [(page, f"Row label {page}-{n}", 10.0, True, 9) for page in (1, 2) for n in range(8)]  # bold table labels
    lines += [(page, "Annual Report of the Kite Society", 14.0, False, 30) for page in (1, 2, 3)]
    lines += [(page, f"plain body sentence number {n} on this page", 10.0, False, 40) for page in (1, 2, 3)
              for n in range(20)]
    lines += [(3, "Risks and safety", 14.0, False, 14)]
    assert headings_from_lines(lines) == [("Risks and safety", 3, 1)]
    table = [(1, "Intro to the facilities and their margins as agreed", 10.0, False, 40)] * 30
    table += [(1, "Margin % (per annum)", 10.0, True, 14), (1, "Greater than 3.5 ... 1.75", 10.0, False, 11),
              (1, "Indebtedness", 10.0, True, 12)]
    assert headings_from_lines(table) == [("Indebtedness", 1, 5)]  # a bold table header is no heading


def test_an_unreadable_file_has_no_font_headings(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    assert font_headings(bad) == []


def test_lines_without_a_font_size_give_no_headings_and_do_not_stop_the_ingest():
    """A page whose text pdfium reports at size 0 (camelot's rotated_page.pdf) had crashed the whole ingest."""
    assert headings_from_lines([(1, "Table S-4", 0.0, False, 8), (1, "Outlays", 0.0, True, 7)]) == []
    shipped = Path(__file__).parents[1] / "data" / "camelot" / "pdfs" / "rotated_page.pdf"
    assert isinstance(font_headings(shipped), list)
