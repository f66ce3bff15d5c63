"""The overview kept for each document at ingest: its outline and, per section, opening and central sentences."""

from __future__ import annotations

import json

from pypdf import PdfReader, PdfWriter

from rag.ingest.overview import build_overview, heading_of, outline_from_text, running_lines
from rag.ingest.pipeline import ingest

INTRO = ("1 Introduction\nKites have been flown for more than two thousand years across many countries. "
         "They are made of paper, silk or plastic stretched over a light frame. "
         "People fly kites for sport, for science and for festivals.")
METHODS = ("2 Methods of construction\nA kite frame is usually made of bamboo or carbon fibre rods. "
           "The sail is glued or sewn to the frame and a bridle sets its angle to the wind. "
           "Tails add drag and keep a small kite stable in gusty air.")
RISKS = ("3 Risks and safety\nFlying near power lines can kill the person holding the line. "
         "Strong winds can pull a large kite and its flyer off their feet. "
         "Kite lines coated with glass injure birds and passers-by every year.")
CONTENTS = "Contents\n1 Introduction ... 2\n2 Methods of construction ... 3\n3 Risks and safety ... 4\n" + "\n".join(
    f"{n} Chapter {n} title ... {n}" for n in range(4, 14))


def test_headings_are_read_from_numbered_and_item_lines():
    assert heading_of("ITEM 5. OPERATING AND FINANCIAL REVIEW AND PROSPECTS") == (
        "ITEM 5. OPERATING AND FINANCIAL REVIEW AND PROSPECTS", 1)
    assert heading_of("2.1 Basis of preparation") == ("2.1 Basis of preparation", 2)
    assert heading_of("PART II") == ("PART II", 1)
    assert heading_of("ITEM 3. KEY INFORMATION ... 11") is None  # a table-of-contents line
    assert heading_of("2022 was a good year for the club, with revenue up.") is None
    assert heading_of("14 Leases (continued)") is None  # a running header
    # a note to the financial statements is a part inside its Item: "Other Matters" before it ends there
    assert heading_of("NOTE 17. Stock-Based Compensation") == ("NOTE 17. Stock-Based Compensation", 2)
    assert heading_of("Note 3 — Leases") == ("Note 3 — Leases", 2)
    assert heading_of("Note 12 to the consolidated financial statements") is None


def test_the_outline_skips_contents_pages_and_keeps_the_first_of_each_heading():
    pages = {1: CONTENTS, 2: INTRO, 3: METHODS, 4: RISKS + "\n1 Introduction"}
    assert outline_from_text(pages) == [("1 Introduction", 2), ("2 Methods of construction", 3),
                                        ("3 Risks and safety", 4)]


def test_an_ingest_keeps_an_overview_with_every_section(settings, make_pdf, embeddings):
    make_pdf("kites.pdf", [CONTENTS, INTRO, METHODS, RISKS])
    ingest(settings, progress=False, embeddings=embeddings)
    manifest = json.loads(next(settings.index_dir.glob("v-*/manifest.json")).read_text())
    sections = manifest["files"]["kites.pdf"]["overview"]["sections"]
    assert [s["title"] for s in sections[-3:]] == ["1 Introduction", "2 Methods of construction", "3 Risks and safety"]
    risks = sections[-1]
    assert (risks["page"], risks["last_page"]) == (4, 4)
    assert risks["sentences"][0]["text"].startswith("Flying near power lines")  # how the section opens
    assert all(s["page"] == 4 for s in risks["sentences"])


def test_pdf_bookmarks_are_the_outline_when_a_file_has_them(settings, make_pdf, embeddings, tmp_path):
    plain = make_pdf("plain.pdf", [INTRO.replace("1 Introduction", "Kites"), METHODS.replace("2 Methods", "Ways")],
                     folder=tmp_path / "src")
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.add_outline_item(title="Why people fly kites", page_number=0)
    writer.add_outline_item(title="How kites are built", page_number=1)
    with open(settings.data_dir / "marked.pdf", "wb") as out:
        writer.write(out)
    ingest(settings, progress=False, embeddings=embeddings)
    manifest = json.loads(next(settings.index_dir.glob("v-*/manifest.json")).read_text())
    sections = manifest["files"]["marked.pdf"]["overview"]["sections"]
    assert [(s["title"], s["page"]) for s in sections] == [("Why people fly kites", 1), ("How kites are built", 2)]


def test_running_headers_are_no_sentences():
    import numpy as np
    from langchain_core.documents import Document

    header = "Annual report of the Kite Society (continued)"
    chunks = [Document(f"{header}\n{text}", metadata={"source": "k.pdf", "page": n})
              for n, text in enumerate([INTRO, METHODS, RISKS, INTRO.replace("1 Intro", "4 Again")], start=1)]
    assert header in running_lines(chunks)
    overview = build_overview(chunks, np.eye(len(chunks), 8, dtype=np.float32))
    assert not any(header in s["text"] for section in overview["sections"] for s in section["sentences"])


def _chunks(pages: list[str], source: str = "k.pdf"):
    from langchain_core.documents import Document

    return [Document(text, metadata={"source": source, "page": n}) for n, text in enumerate(pages, start=1)]


def test_the_lead_says_what_the_document_is_about_and_boilerplate_is_never_chosen():
    import numpy as np

    pages = ["1 Business\nUnless the context otherwise requires, the terms we and us refer to the Kite Society and its "
             "subsidiaries. The Kite Society is a charity that teaches children to build and fly kites. "
             "The Kite Society runs forty clubs in twelve countries and trains two hundred teachers.",
             METHODS.replace("2 Methods", "2 Kite Society methods"),
             RISKS.replace("3 Risks", "3 Kite Society risks") + " Skyline Ltd is a maker of kite lines that the "
             "Kite Society bought last year.", INTRO.replace("1 Intro", "4 Kite Society history")]
    overview = build_overview(_chunks(pages), np.eye(4, 8, dtype=np.float32))
    lead = [s["text"] for s in overview["lead"]]
    assert lead[0] == "The Kite Society is a charity that teaches children to build and fly kites."
    assert not any("Skyline" in text for text in lead)  # a company it mentions once is not its subject
    every = lead + [s["text"] for section in overview["sections"] for s in section["sentences"]]
    assert not any(text.startswith("Unless the context") for text in every)
    assert overview["version"] >= 2


def test_headings_inside_sections_include_item_lines_and_short_title_lines():
    from rag.ingest.overview import subheadings_from_text

    page = ("Item 1A. Risk Factors\nThe risks are grouped under these headings.\nStrategic Risks\n"
            "Our business depends on the demand for kites in spring.\nJohn Smith\nMary Jones")
    found = [(title, level) for title, _page, level in subheadings_from_text({3: page})]
    assert found == [("Item 1A. Risk Factors", 1), ("Strategic Risks", 4)]  # names in a list are no headings


def test_overview_parts_are_those_titled_mainly_so():
    from rag.ingest.overview import overview_title

    assert overview_title("Item 1. Business.") and overview_title("1 Introduction")
    assert overview_title("ITEM 4. INFORMATION ON THE COMPANY") and overview_title("Company Overview")
    assert not overview_title("Risks Related to Our Business")
    assert not overview_title("2 Summary of significant accounting policies")


def test_running_footers_with_their_page_numbers_are_no_sentences():
    from langchain_core.documents import Document

    chunks = [Document(f"{n} The Limes Residential Home Inspection report 05/10/2015\n{text}",
                       metadata={"source": "k.pdf", "page": n})
              for n, text in enumerate([INTRO, METHODS, RISKS, INTRO], start=1)]
    running = running_lines(chunks)
    assert "3 The Limes Residential Home Inspection report 05/10/2015" in running
    assert not any(line.startswith("2 Methods") for line in running)


def test_font_headings_join_the_text_ones_and_make_the_outline_when_the_text_shows_none():
    import numpy as np

    from rag.ingest.overview import merge_headings, outline_from_fonts

    pages = ["Main Findings\nSeniors continue to lag in tech adoption\n" + INTRO.split("\n", 1)[1],
             "Usage and Adoption\n" + METHODS.split("\n", 1)[1], "Methods\n" + RISKS.split("\n", 1)[1]]
    fonts = [("Main Findings", 1, 1), ("Seniors continue to lag in tech adoption", 1, 2), ("Usage and Adoption", 2, 1),
             ("Methods", 3, 1)]
    assert outline_from_fonts(fonts) == [("Main Findings", 1), ("Usage and Adoption", 2), ("Methods", 3)]
    assert outline_from_fonts(fonts[:1]) == []  # one title is no outline
    text = [("ITEM 1. BUSINESS", 2, 1)]
    merged = merge_headings(text, [("PART I ITEM 1. BUSINESS", 2, 4), ("Usage and Adoption", 2, 1)], {2: pages[1]})
    assert merged == [("Usage and Adoption", 2, 1), ("ITEM 1. BUSINESS", 2, 1)]  # the same heading once, as text
    overview = build_overview(_chunks(pages), np.eye(3, 8, dtype=np.float32), font_headings=fonts)
    assert [s["title"] for s in overview["sections"]] == ["Main Findings", "Usage and Adoption", "Methods"]
    assert {"title": "Seniors continue to lag in tech adoption", "page": 1, "level": 2} in overview["subsections"]


def test_an_ingest_refreshes_overviews_an_older_version_stored(settings, make_pdf, embeddings):
    from rag.index.store import load_index
    from rag.ingest.overview import OVERVIEW_VERSION

    make_pdf("kites.pdf", [CONTENTS, INTRO, METHODS, RISKS])
    ingest(settings, progress=False, embeddings=embeddings)
    index = load_index(settings.index_dir)
    index.manifest.files["kites.pdf"].overview = {"version": 1, "lead": [], "sections": [], "subsections": []}
    from rag.index.store import write_index

    write_index(settings.index_dir, index)
    summary = ingest(settings, progress=False, embeddings=embeddings)
    assert summary.chunks_embedded == 0  # nothing parsed or embedded again
    refreshed = load_index(settings.index_dir).manifest.files["kites.pdf"].overview
    assert refreshed["version"] == OVERVIEW_VERSION
    assert [s["title"] for s in refreshed["sections"]][-1] == "3 Risks and safety"


def test_numbered_paragraphs_are_no_headings_and_a_repeated_formula_opens_a_section_once():
    import numpy as np

    legal = ("77. The market impact test is defined in strictly economic terms and limits actionable\n"
             "misrepresentations to those that would affect the market price of the securities.\n"
             "It denies the allegations set forth at paragraph 8 of the Application as unfounded.\n"
             "It denies the allegations set forth at paragraph 9 of the Application as unfounded.\n"
             "The Plaintiffs rely on reports of the national broadcaster that prove nothing at all.")
    assert outline_from_text({1: legal}) == []
    overview = build_overview(_chunks([legal]), np.eye(1, 8, dtype=np.float32))
    texts = [s["text"] for section in overview["sections"] for s in section["sentences"]]
    assert sum(text.startswith("It denies the allegations") for text in texts) == 1
