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
