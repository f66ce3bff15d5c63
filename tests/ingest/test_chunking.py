"""Chunks of one page each, and the context they are embedded with (`rag.ingest.chunking`)."""

from __future__ import annotations

import numpy as np

from rag.ingest.chunking import chunk_pages, embedding_text, make_splitter, page_headings
from rag.ingest.pipeline import ingest
from rag.ingest.pdf import Page
from rag.index.store import load_index

STATEMENT_PAGE = "Table of Contents\n3M Company and Subsidiaries\nConsolidated Statement of Cash Flow\ns\n" + \
    "Years ended December 31\n(Millions)\n2018\n2017\n" + "Purchases of property, plant and equipment (PP&E)\n(1,577)\n" * 30


def test_page_headings_are_the_first_short_capitalised_lines():
    assert page_headings(STATEMENT_PAGE) == "3M Company and Subsidiaries / Consolidated Statement of Cash Flow"
    assert page_headings("Table of Contents\n12\nItem 3. Legal Proceedings.\nWe are party to a variety of claims, "
                         "and management believes the outcome will not be material.") == "Item 3. Legal Proceedings."
    assert page_headings("the revenue grew by 4% in 2018, driven by sales in Asia and Europe.\n(1,234) 5,678") == ""


def test_chunks_keep_their_page_headings_and_are_embedded_with_them():
    splitter = make_splitter(200, 20)
    chunks = chunk_pages([Page(number=60, text=STATEMENT_PAGE)], "3M_2018_10K.pdf", "sha", splitter)
    assert len(chunks) > 3 and {doc.metadata["page"] for doc in chunks} == {60}
    last = chunks[-1]
    assert "Cash Flow" not in last.page_content  # the title is far above the last chunk ...
    assert last.metadata["headings"] == "3M Company and Subsidiaries / Consolidated Statement of Cash Flow"
    assert embedding_text(last, "title+headings") == \
        f"3M 2018 10K. {last.metadata['headings']}\n{last.page_content}"  # ... but it is embedded with it
    assert embedding_text(last, "none") == last.page_content


def test_an_index_embedded_without_context_is_rebuilt_with_it(settings, make_pdf, embeddings, capsys):
    make_pdf("report.pdf", ["Annual Report\nOur revenue grew in 2023.", "Risk Factors\nDemand may fall."])
    plain = settings.model_copy(update={"chunk_context": "none"})
    ingest(plain, progress=False, embeddings=embeddings)
    before = load_index(settings.index_dir)
    assert before.manifest.chunking.context == "none"

    summary = ingest(settings, progress=False, embeddings=embeddings)  # same files, default context
    assert "re-indexing every file" in capsys.readouterr().err
    after = load_index(settings.index_dir)
    assert summary.chunks_embedded == len(after.chunks) == len(before.chunks)
    assert after.manifest.chunking.context == "title+headings"
    assert not np.allclose(after.get_vectors(), before.get_vectors())  # the vectors now carry the context
    assert ingest(settings, progress=False, embeddings=embeddings).chunks_embedded == 0  # and stay up to date


def test_a_long_table_chunk_keeps_the_title_of_the_rows_it_goes_on_with():
    from rag.ingest.chunking import table_chunks
    from rag.ingest.tables import Table

    rows = [("Generic dispensing rate (6)(7)", []), ("Total", ["87.3%", "87.0%"]),
            ("Pharmacy network (3)", ["87.9%", "87.7%"]), ("Mail choice (5)", ["83.9%", "83.1%"])]
    table = Table(["2018", "2017"], rows, caption="Pharmacy Services")
    chunks = [text for text, _ in table_chunks(table, 150)]
    assert len(chunks) >= 2
    assert all(text.split("\n")[1] == "Generic dispensing rate (6)(7)" for text in chunks)


def test_words_broken_at_a_line_end_are_whole_in_the_prose_chunks():
    pages = [Page(number=1, text="We evaluated 48 tables. Among these, 36 tables were consis-\ntent, and the long-\nterm "
                                 "speciﬁc rate of Non-\nGAAP items rose in 2021-\n2022."),
             Page(number=2, text="Its long-term debt is held by subsidi-\naries.")]
    text = "\n".join(doc.page_content for doc in chunk_pages(pages, "paper.pdf", "sha", make_splitter(500, 0)))
    assert "36 tables were consistent, and the long-term specific rate" in text  # "long-term" is the document's
    assert "Non-\nGAAP" in text and "2021-\n2022" in text  # a capital or a figure after the hyphen: kept as printed
    assert "held by subsidiaries." in text


def test_an_ingested_pdf_is_searched_by_the_words_its_lines_broke(settings, make_pdf, embeddings):
    make_pdf("paper.pdf", ["Results\nWe evaluated 48 randomly chosen tables. Among these tables, we found that 36 "
                           "tables were consis-\ntent with their descriptions."])
    ingest(settings, progress=False, embeddings=embeddings)
    chunks = load_index(settings.index_dir).chunks
    assert any("36 tables were consistent with" in doc.page_content for doc in chunks)
