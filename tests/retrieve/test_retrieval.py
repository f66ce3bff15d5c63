"""Hybrid retrieval: rank fusion, page passages, named files and pages over a real index, and the BM25 index kept
(and updated incrementally) in the index folder."""

from __future__ import annotations

import numpy as np
import pytest
from langchain_core.documents import Document

from rag.index import bm25
from rag.ingest.pipeline import ingest
from rag.retrieve.fusion import reciprocal_rank_fusion
from rag.retrieve.hybrid import HybridRetriever
from rag.retrieve.passages import PageChunks, join_overlapping
from rag.index.store import load_index


def chunk(text: str, source: str = "a.pdf", page: int = 1, number: int = 0, score: float = 0.5) -> Document:
    return Document(page_content=text, metadata={"source": source, "page": page, "chunk": number, "score": score})


# ---------------------------------------------------------------- fusion


def test_reciprocal_rank_fusion_sums_weighted_reciprocal_ranks():
    fused = reciprocal_rank_fusion([([1, 2, 3], 1.0), ([3, 1], 1.0)], constant=60)
    assert [item for item, _ in fused] == [1, 3, 2]
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[2][1] == pytest.approx(1 / 62)
    keyword_only = reciprocal_rank_fusion([([1, 2, 3], 0.0), ([3, 1], 1.0)], constant=60)
    assert [item for item, _ in keyword_only][:2] == [3, 1]


# ---------------------------------------------------------------- passages


def test_join_overlapping_drops_the_repeated_overlap():
    assert join_overlapping(["The quick brown fox", "brown fox jumps"]) == "The quick brown fox jumps"
    assert join_overlapping(["First part.", "Second part."]) == "First part.\nSecond part."


def test_page_passage_grows_with_neighbours_on_the_same_page_only():
    chunks = [chunk("a" * 100, page=1, number=0), chunk("b" * 100, page=1, number=1),
              chunk("c" * 100, page=1, number=2), chunk("d" * 100, page=2, number=3)]
    pages = PageChunks(chunks)
    assert pages.passage_rows(1, 300) == [0, 1, 2]
    assert pages.passage_rows(2, 200) == [1, 2]
    assert pages.passage_rows(3, 1000) == [3]


# ---------------------------------------------------------------- over a real index


HARDWARE = [
    "Catalogue of the Acme Hardware Company. Cover page.",
    "Acme sells the QX-7731 torque wrench, the brass hinge kit and steel nails in bulk.",
    "Acme revenue for 2023 was 12 million dollars, from wrenches and hinges.",
]
GARDEN = [
    "Annual report of the Bloom Garden Centre.",
    "Bloom revenue for 2023 was 3 million dollars, mostly from roses.",
]


@pytest.fixture
def two_file_index(settings, make_pdf, embeddings):
    make_pdf("acme_hardware.pdf", HARDWARE)
    make_pdf("bloom_garden.pdf", GARDEN)
    ingest(settings, progress=False, embeddings=embeddings)
    return load_index(settings.index_dir)


def test_hybrid_passages_carry_cosine_scores_and_ranks(two_file_index, embeddings):
    retriever = HybridRetriever(index=two_file_index, embeddings=embeddings, k=3)
    passages = retriever.invoke("Which product has the part number QX-7731?")
    top = passages[0]
    assert (top.metadata["source"], top.metadata["page"]) == ("acme_hardware.pdf", 2)
    assert top.metadata["bm25_rank"] == 1 and top.metadata["dense_rank"] is not None
    assert all(0.0 <= p.metadata["score"] <= 1.0 and p.metadata["fused"] > 0 for p in passages)
    assert len({(p.metadata["source"], p.metadata["page"]) for p in passages}) == len(passages)  # one per page


def test_passage_scores_compare_the_question_with_the_chunk_text_alone(two_file_index, embeddings):
    """The index embeds chunks with their context; the score shown and used by the relevance check does not."""
    assert two_file_index.manifest.chunking.context == "title+headings"
    question = "Which product has the part number QX-7731?"
    top = HybridRetriever(index=two_file_index, embeddings=embeddings, k=1).invoke(question)[0]
    plain = float(np.dot(embeddings.embed_query(question), embeddings.embed_query(HARDWARE[1])))
    assert top.metadata["score"] == pytest.approx(plain, abs=1e-3)
    row = next(i for i, doc in enumerate(two_file_index.chunks) if doc.page_content == HARDWARE[1])
    assert abs(float(two_file_index.get_vectors()[row] @ np.asarray(embeddings.embed_query(question))) - plain) > 1e-3


def test_a_named_file_is_searched_alone(two_file_index, embeddings):
    retriever = HybridRetriever(index=two_file_index, embeddings=embeddings, k=3)
    passages = retriever.invoke("What was the revenue of Bloom in 2023?")
    assert passages and {p.metadata["source"] for p in passages} == {"bloom_garden.pdf"}
    assert passages[0].metadata["page"] == 2
    everywhere = HybridRetriever(index=two_file_index, embeddings=embeddings, k=5, match_documents=False)
    assert {p.metadata["source"] for p in everywhere.invoke("What was the revenue of Bloom in 2023?")} == \
        {"bloom_garden.pdf", "acme_hardware.pdf"}


def test_retrievers_over_one_index_share_its_derived_data(two_file_index, embeddings):
    """File names, page layouts and the token-to-file map are built once per index version, whatever k."""
    first = HybridRetriever(index=two_file_index, embeddings=embeddings, k=3)
    second = HybridRetriever(index=two_file_index, embeddings=embeddings, k=5)
    assert first.names is second.names and first.pages is second.pages
    first.search.files_with(["bloom"])
    files_of_token = two_file_index.derived["faiss.files_of_token"]
    assert second.search.files_with(["bloom"]) == {"bloom_garden.pdf"}
    assert two_file_index.derived["faiss.files_of_token"] is files_of_token


def test_an_analysis_given_to_the_retriever_is_used_as_it_is(two_file_index, embeddings):
    retriever = HybridRetriever(index=two_file_index, embeddings=embeddings, k=3)
    question = "What was the revenue of Bloom in 2023?"
    asked = retriever.analyse(question)
    assert asked.named_files == {"bloom_garden.pdf"}
    assert retriever.invoke(question, analysis=asked) == retriever.invoke(question)
    asked.named_files = {"acme_hardware.pdf"}  # an analysis is trusted: the file it names is searched
    assert {p.metadata["source"] for p in retriever.invoke(question, analysis=asked)} == {"acme_hardware.pdf"}


def test_a_name_only_one_file_contains_names_that_file(two_file_index, embeddings):
    retriever = HybridRetriever(index=two_file_index, embeddings=embeddings, k=5)
    assert retriever.analyse("What was the revenue of the Centre in 2023?").named_files == {"bloom_garden.pdf"}  # text
    assert {p.metadata["source"] for p in retriever.invoke("What was the revenue of the Centre in 2023?")} == \
        {"bloom_garden.pdf"}
    assert retriever.analyse("What was the Revenue in 2023?").named_files == set()  # in both files: names neither


def test_bm25_is_saved_with_the_index_and_updated_incrementally(settings, make_pdf, embeddings, monkeypatch):
    make_pdf("acme_hardware.pdf", HARDWARE)
    make_pdf("bloom_garden.pdf", GARDEN)
    ingest(settings, progress=False, embeddings=embeddings)
    first = load_index(settings.index_dir)
    assert bm25.exists(first.path) and first.bm25 is not None and first.bm25.size == len(first.chunks)
    assert not [p for p in first.path.iterdir() if p.suffix in (".pkl", ".pickle")]

    calls = []
    real_tokenize = bm25.tokenize
    monkeypatch.setattr(bm25, "tokenize", lambda text: calls.append(text) or real_tokenize(text))
    make_pdf("bloom_garden.pdf", ["Annual report of the Bloom Garden Centre.", "Bloom now sells tulips only."])
    ingest(settings, progress=False, embeddings=embeddings)
    second = load_index(settings.index_dir)
    assert calls == ["bloom garden\nBloom now sells tulips only."]  # only the chunk with new text was tokenized
    rows = {doc.page_content: row for row, doc in enumerate(second.chunks)}
    scores = second.bm25.scores("tulips")
    assert scores.argmax() == rows["Bloom now sells tulips only."]
    assert not second.bm25.scores("roses").any()
    assert second.bm25.scores("torque wrench").argmax() == rows[HARDWARE[1]]


def test_an_index_without_bm25_files_builds_them_in_memory(settings, make_pdf, embeddings):
    make_pdf("acme_hardware.pdf", HARDWARE)
    ingest(settings, progress=False, embeddings=embeddings)
    version = load_index(settings.index_dir).path
    for path in version.glob("bm25.*"):
        path.unlink()
    index = load_index(settings.index_dir)
    assert index.bm25 is None
    assert index.get_bm25().scores("QX-7731").argmax() == 1


def test_passages_carry_no_control_characters():
    from rag.text import without_control_characters

    assert without_control_characters("Net\x13sales\x00\tgrew\n") == "Net sales \tgrew\n"


def test_an_emptied_index_has_an_empty_keyword_index(settings, make_pdf, embeddings):
    pdf = make_pdf("acme_hardware.pdf", HARDWARE)
    ingest(settings, progress=False, embeddings=embeddings)
    pdf.unlink()
    ingest(settings, progress=False, embeddings=embeddings)
    index = load_index(settings.index_dir)
    assert index.chunks == [] and index.get_bm25().scores("wrench").size == 0


def indexed_pages(settings, make_pdf, embeddings, name: str, pages: list[str]):
    """Index a generated PDF; return a function giving the retrieved passages (k=2) for a question and options."""
    make_pdf(name, pages)
    ingest(settings, progress=False, embeddings=embeddings)
    index = load_index(settings.index_dir)
    return lambda question, **options: HybridRetriever(index=index, embeddings=embeddings, k=2,
                                                       **options).invoke(question)


def test_a_question_about_a_line_item_finds_the_statement_page(settings, make_pdf, embeddings):
    """The cash flow statement, a grid of figures that never says "capital expenditure", is found for it although
    prose pages say it often; without the statement ranking it is not in the top two."""
    rows = [("Net earnings", 1419, 2454), ("Depreciation and amortization", 918, 869),
            ("Restructuring charges", 147, -34), ("Receivables", -103, 17), ("Merchandise inventories", 809, -328),
            ("Total cash provided by operating activities", 1824, 3252),
            ("Additions to property and equipment", -930, -737), ("Purchases of investments", -46, -233),
            ("Total cash used in investing activities", -962, -1372), ("Repurchase of common stock", -1014, -3502),
            ("Dividends paid", -789, -688), ("Total cash used in financing activities", -1806, -4297)]
    statement = "Acme Stores Inc.\nConsolidated Statements of Cash Flows\n$ in millions\nFiscal Years 2023 2022\n" + \
        "\n".join(f"{name} {a:,} {b:,}" for name, a, b in rows) + "\n" + \
        "\n".join(f"Supplemental line {i} {1000 + i:,} {2000 + i:,}" for i in range(10))
    prose = [
        "Capital expenditure plans. Our capital expenditure in fiscal 2023 focused on stores and technology, and we "
        "expect capital expenditure to stay at this level as we review each capital expenditure project.",
        "Liquidity. We fund capital expenditure from operations. Capital expenditure for new stores is approved by "
        "the board; the capital expenditure budget for fiscal 2024 is under review.",
        "Risk factors. If capital expenditure rises, our margins could fall; capital expenditure depends on demand.",
        "Outlook. We plan capital expenditure of about one billion dollars, with capital expenditure on remodels.",
        "Segments. Capital expenditure by segment: most capital expenditure is in the domestic segment.",
    ]
    retrieve = indexed_pages(settings, make_pdf, embeddings, "acme_stores_10k.pdf",
                             [*prose[:3], statement, *prose[3:]])

    def pages(**options):
        return [p.metadata["page"] for p in retrieve("How much capital expenditure did the company have?", **options)]

    assert 4 not in pages(statement_weight=0.0, line_item_weight=0.0)
    assert 4 in pages()


def test_a_misspelt_query_word_is_searched_as_the_indexed_word(two_file_index):
    keyword = two_file_index.get_bm25()
    assert keyword.spelled("wrenchs") == "wrench" and keyword.spelled("hinge") == "hinge"
    assert keyword.spelled("zzzzzzz") is None and keyword.spelled("wrench2") is None
    assert keyword.spelled("hing") is None  # too short to correct: short words are often other real words
    assert np.array_equal(keyword.scores("Which wrenchhes?"), keyword.scores("Which wrenches?"))


def test_the_source_snippet_starts_at_the_matching_chunk(settings, make_pdf, embeddings):
    from rag.answer.answerer import to_sources

    filler = " ".join(f"Paragraph {i} describes the club's stadium, its history and its supporters." for i in range(8))
    make_pdf("club.pdf", [filler + " The minimum guarantee payable by adidas is 750 million pounds over ten years."])
    ingest(settings, progress=False, embeddings=embeddings)
    index = load_index(settings.index_dir)
    passage = HybridRetriever(index=index, embeddings=embeddings, k=1).invoke("minimum guarantee payable by adidas")[0]
    assert len(passage.metadata["chunks"]) > 1 and passage.metadata["match_start"] > 0
    snippet = to_sources([passage])[0].snippet
    assert snippet.startswith("…") and "750 million" in snippet  # not the page's first lines


def test_a_question_asking_for_a_telephone_number_finds_the_page_that_holds_one(settings, make_pdf, embeddings):
    """The address block writes "Tel:", never "telephone"; prose pages say "telephone" and the home's name often."""
    prose = [
        "The Limes Residential Home. People told us staff answered the telephone quickly and that the home kept "
        "in touch with families by telephone. The Limes Residential Home telephone line was always staffed.",
        "Complaints. People at The Limes Residential Home could complain in person or by telephone; a telephone "
        "complaint was logged by the manager of The Limes Residential Home.",
        "Visiting. Relatives of people at The Limes Residential Home could telephone ahead; the telephone number "
        "was in the guide. Staff used the telephone to call GPs.",
    ]
    address = "Inspection report\n43 Foreland Road\nBembridge\nIsle of Wight\nPO35 5XN\nTel: 01983 873655\n" \
        "Date of inspection visit: 7 and 10 July 2015"
    retrieve = indexed_pages(settings, make_pdf, embeddings, "limes_report.pdf", [*prose, address])

    def pages(**options):
        return [p.metadata["page"] for p in retrieve("What is the telephone no for The Limes Residential Home?",
                                                     **options)]

    assert 4 not in pages(contact_weight=0.0)
    assert 4 in pages()


def test_a_question_naming_a_page_ranks_that_page_and_marks_its_passage(settings, make_pdf, embeddings):
    pages = [f"Section {n}. The governor reviewed the budget, and the governor's office published the plan."
             for n in range(1, 6)]
    pages[3] = "Signed for the board. Chair of the audit committee."
    retrieve = indexed_pages(settings, make_pdf, embeddings, "plan.pdf", pages)

    def found(**options):
        return [(p.metadata["page"], p.metadata.get("named_page", False))
                for p in retrieve("Who is the governor mentioned on page 4?", **options)]

    assert 4 not in [page for page, _named in found(page_weight=0.0)]
    assert (4, True) in found()
    assert all(named == (page == 4) for page, named in found())


def test_an_ordinary_word_of_a_file_name_does_not_route_the_search(settings, make_pdf, embeddings):
    # "tables" is in a file's name but also, in lower case, in most other files' text: it is a word, not a name.
    # "Zephyrcorp" is in one file's name and, capitalised mid-sentence, in the others' text: it names that file.
    make_pdf("chinese_tables_bond_prospectus.pdf", ["Bond prospectus. Coupon rates and maturities of the notes."])
    make_pdf("zephyrcorp_annual_report.pdf", ["Zephyr Corp annual report. Kites sold: 12,000 units."])
    for name, topic in [("orchard.pdf", "apple harvests"), ("harbour.pdf", "ship arrivals"),
                        ("library.pdf", "book loans"), ("weather.pdf", "rainfall by month")]:
        make_pdf(name, [f"Report on {topic}. The tables below list {topic} for each year, as kept by Zephyrcorp."])
    ingest(settings, progress=False, embeddings=embeddings)
    retriever = HybridRetriever(index=load_index(settings.index_dir), embeddings=embeddings, k=5)
    assert retriever.analyse("Which tables list the rainfall by month?").named_files == set()
    assert {p.metadata["source"] for p in retriever.invoke("Which tables list the rainfall by month?")} >= \
        {"weather.pdf"}
    assert retriever.analyse("How many kites did zephyrcorp sell?").named_files == {"zephyrcorp_annual_report.pdf"}
    assert retriever.analyse("How many kites did Zephyrcorp sell?").named_files == {"zephyrcorp_annual_report.pdf"}


def test_the_words_naming_the_documents_subject_do_not_lead_the_search(settings, make_pdf, embeddings):
    """In the company's own report its name is on most pages; the employees page, which never names it, is the best
    match of "How many people does Northwind Traders employ?" without the name (rag.retrieve.subject), not with it,
    and that ranking lifts it in the fused one."""
    name = "Northwind Traders"
    prose = [
        f"{name} plc\nAnnual Report 2023\n{name} is a wholesaler of fine foods based in Leeds.",
        f"Our brand. {name} is known across Europe; the {name} brand is our most valuable asset and {name} "
        f"protects it in every market where {name} trades.",
        f"Financing. {name} issued senior notes in 2021; the notes of {name} are secured on the assets of {name} and "
        f"its subsidiaries.",
        f"Properties. {name} owns its head office in Leeds; {name} leases warehouses from which {name} serves "
        "customers.",
        f"Community. The {name} Foundation works with schools in Yorkshire; {name} funds the {name} Foundation "
        "every year.",
        "Employees. The average monthly number of employees during the year was as follows: warehouse 212; "
        "drivers 96; office and administration 104; total 412. We are not party to any collective agreement.",
        f"Sponsorship. {name} sponsors a cycling team; {name} rides with the team in events {name} supports.",
    ]
    make_pdf("northwind_2023_annual_report.pdf", prose)
    ingest(settings, progress=False, embeddings=embeddings)
    index = load_index(settings.index_dir)

    question, files = "How many people does Northwind Traders employ?", {"northwind_2023_annual_report.pdf"}
    retriever = HybridRetriever(index=index, embeddings=embeddings, k=len(prose))
    plain, _values = retriever.search.dense(np.asarray(embeddings.embed_query(question), dtype=np.float32), files, 50)
    subject, weight = retriever._subject_ranking(question, retriever.analyse(question), files)
    assert index.chunks[plain[0]].metadata["page"] != 6 and index.chunks[subject[0]].metadata["page"] == 6
    assert weight == retriever.subject_weight

    def rank(**options):
        found = HybridRetriever(index=index, embeddings=embeddings, k=len(prose), **options).invoke(question)
        return [p.metadata["page"] for p in found].index(6) + 1

    assert rank(subject_weight=1.0) < rank(subject_weight=0.0)


def test_the_subject_words_are_the_names_the_first_page_gives():
    from rag.retrieve.subject import subject_words, without_subject

    title = {"manchester", "united", "plc", "annual", "report", "molycorp", "minerals"}
    pages = {"manchester": 0.31, "united": 0.43, "molycorp": 0.01, "minerals": 0.02, "nike": 0.8}

    def shares():
        return pages
    question = "In which areas do Manchester United's employees work?"
    words = subject_words(question, title, shares)
    assert words == {"Manchester", "United's"}
    assert without_subject(question, words) == "In which areas do employees work?"
    assert subject_words("How many workers did Molycorp Minerals lay off?", title, shares) == set()  # one row's name
    assert subject_words("Who laid off workers in Manchester Pass?", title, shares) == set()  # part of another name
    assert subject_words("What was Nike revenue in 2021?", {"nike", "inc"}, shares) == {"Nike"}
    assert subject_words("How much did the Direct segment earn?", {"nike", "inc", "direct"}, shares) == set()
    assert without_subject("What is Nike?", {"Nike"}) is None  # nothing left to search by
