"""Whole-document questions: the excerpts chosen from the overview, the points checked, a comparison per document."""

from __future__ import annotations

import numpy as np
import pytest
from langchain_core.documents import Document

from conftest import build_answerer
from rag.answer.points import check_points, split_points
from rag.answer.whole import Excerpt, excerpt_points, spread_by_section, topic_tokens
from rag.ingest.pipeline import ingest
from rag.query.analysis import QueryAnalysis
from rag.query.scope import DOCUMENT, DOCUMENTS

from ingest.test_overview import CONTENTS, INTRO, METHODS, RISKS


def test_a_summary_takes_more_from_larger_sections_and_openings_first():
    excerpts = [Excerpt(1, "big", "big opening", 1, 1 / 10), Excerpt(5, "big", "big central", 5, 2 / 10),
                Excerpt(12, "small", "small opening", 12, 1 / 1), Excerpt(13, "tiny", "tiny opening", 13, 1 / 1)]
    chosen = spread_by_section(excerpts, budget=40)
    assert [e.text for e in chosen] == ["big opening", "big central", "small opening"]  # budget: 3 fit


def test_topic_words_leave_out_the_words_that_ask_for_a_summary():
    analysis = QueryAnalysis("What are the main risks the company lists in the Kite Society report?")
    assert topic_tokens(analysis, "kite_society_report.pdf") == {"risk"}
    assert topic_tokens(QueryAnalysis("Summarise this report"), "x.pdf") == set()


def test_each_point_of_a_list_answer_is_checked_against_the_passages():
    passages = [Document("Flying near power lines can kill the person holding the line. Tails add drag.",
                         metadata={"source": "k.pdf", "page": 4})]
    answer = "- Flying near power lines can kill the flyer [1]\n- Kites are banned in twelve countries [1]"
    assert split_points(answer) == ["Flying near power lines can kill the flyer [1]",
                                    "Kites are banned in twelve countries [1]"]
    points = check_points(answer, passages)
    assert [(p.supported, p.source) for p in points] == [(True, 1), (False, None)]


def test_the_excerpts_are_listed_with_their_passage_numbers():
    passages = [Document("One sentence. … Another one.", metadata={"source": "k.pdf", "page": 2}),
                Document("Third one.", metadata={"source": "k.pdf", "page": 7})]
    listed = excerpt_points(passages).splitlines()
    assert listed[1:] == ["- One sentence. [1]", "- Another one. [1]", "- Third one. [2]"]


@pytest.fixture
def kites_and_boats(settings, make_pdf, embeddings):
    make_pdf("kites.pdf", [CONTENTS, INTRO, METHODS, RISKS])
    make_pdf("boats.pdf", ["1 Introduction\nSailing boats are moved by the wind acting on their sails. "
                           "Boats have been built of wood, steel and fibreglass.",
                           "2 Risks at sea\nCapsizing in cold water is the main danger for small boat sailors. "
                           "Storms and collisions with ships are other risks."])
    ingest(settings, progress=False, embeddings=embeddings)
    return settings


def test_a_summary_question_gets_excerpts_from_every_section(kites_and_boats, embeddings, llm_backend):
    answerer = build_answerer(kites_and_boats, embeddings, llm_backend)
    answer = answerer.ask("Summarise the kites report.")
    assert answer.scope == DOCUMENT and not answer.abstained
    assert {s.file for s in answer.sources} == {"kites.pdf"}
    assert {2, 3, 4} <= {s.page for s in answer.sources}  # every section of the document, not the top pages
    assert all(s.excerpt for s in answer.sources)
    assert "Main points in the document's own words" in answer.answer
    assert "sections" in answer.coverage and "kites.pdf" in answer.coverage
    assert "Flying near power lines can kill" in answer.answer


def test_a_comparison_asks_each_document_on_its_own(kites_and_boats, embeddings, llm_backend):
    answerer = build_answerer(kites_and_boats, embeddings, llm_backend)
    notices = []
    answer = answerer.ask("Compare the risks of kites and boats.", on_notice=notices.append)
    assert answer.scope == DOCUMENTS
    assert [part["file"] for part in answer.parts] == ["boats.pdf", "kites.pdf"]
    assert {s.file for s in answer.sources} == {"boats.pdf", "kites.pdf"}
    for part in answer.parts:  # each part's sources come from its own document
        assert {s.file for s in answer.sources if s.number in part["sources"]} == {part["file"]}
    assert answer.answer.startswith("boats.pdf: ") and "\n\nkites.pdf: " in answer.answer
    assert sum("Comparing 2 documents" in n for n in notices) == 2
    stopped = answerer.ask("Compare the risks of kites and boats.", should_stop=lambda: True)
    assert stopped.stopped and not stopped.parts
    # one document named, the other not: a folder of two compares both
    one_named = answerer.ask("Compare the kites report with the other document.")
    assert [part["file"] for part in one_named.parts] == ["boats.pdf", "kites.pdf"]
    # years compared: one document's, not the folder's two
    years = answerer.ask("How did the main kite risks in 2021 compare with 2020?")
    assert years.scope == DOCUMENT and not years.parts


def test_a_comparison_of_years_in_the_only_document_reads_all_of_it(settings, make_pdf, embeddings, llm_backend):
    make_pdf("kites.pdf", [CONTENTS, INTRO, METHODS, RISKS])
    ingest(settings, progress=False, embeddings=embeddings)
    answerer = build_answerer(settings, embeddings, llm_backend)
    answer = answerer.ask("How did the kite methods compare with the risks: the main methods and the main risks?")
    assert answer.scope == DOCUMENT and all(s.excerpt for s in answer.sources)
    assert "Main points in the document's own words" in answer.answer


def test_this_book_is_the_file_that_calls_itself_a_book():
    from rag.answer.whole import target_document

    chunks = [Document("The filing covers our fiscal year.", metadata={"source": "a_10k.pdf", "page": 1}),
              Document("In this book we explain how kites fly.", metadata={"source": "kites.pdf", "page": 2}),
              Document("This book ends here.", metadata={"source": "kites.pdf", "page": 9})]
    retrieved = [chunks[0]]  # the search's best passage is from the other file
    files = ["a_10k.pdf", "kites.pdf"]
    assert target_document(QueryAnalysis("Summarise this book."), retrieved, files, chunks) == "kites.pdf"
    assert target_document(QueryAnalysis("Summarise the documents."), retrieved, files, chunks) == "a_10k.pdf"


def test_a_summary_starts_from_the_lead_and_topic_rows_are_listed_wherever_they_are():
    from rag.answer.whole import overview_excerpts, passage_excerpts

    overview = {"lead": [{"page": 3, "text": "The Kite Society is a charity."}],
                "sections": [{"title": "Notes", "page": 1, "last_page": 9,
                              "sentences": [{"page": 2, "text": "A note.", "rank": 0}]}]}
    chosen = spread_by_section(overview_excerpts(overview), budget=len("The Kite Society is a charity.") + 1)
    assert [e.text for e in chosen] == ["The Kite Society is a charity."]
    passage = Document("The table below lists our sponsors.\nAcme ... Global sponsor Kites\n"
                       "Sponsorship revenue: 200.0\nBolt ... Global sponsor Lines", metadata={"source": "k.pdf", "page": 5})
    rows = [e.text for e in passage_excerpts([passage], {"global", "sponsor"}, overview["sections"]) if e.row]
    assert rows == ["Acme ... Global sponsor Kites", "Bolt ... Global sponsor Lines"]


def test_a_long_list_gives_its_headlines_and_the_rest_is_listed_under_the_answer():
    from rag.answer.whole import best_by_topic, more_rows, passage_excerpts

    topics = ("wind storms rain fog hail snow heat dust birds trees power lines airports laws taxes rivals prices "
              "strings glue bamboo silk paper plastic shipping ports unions fashion schools parks beaches").split()
    risks = [f"Changes in {topic} can hurt our sales.\nIt is explained in this longer paragraph. "
             f"Another sentence follows here.\nYet more explanation of {topic} comes here." for topic in topics]
    section = {"title": "Risk Factors", "page": 1, "last_page": 30}
    chunks = [Document(text, metadata={"source": "k.pdf", "page": n + 1, "chunk": n}) for n, text in enumerate(risks)]
    excerpts = passage_excerpts(chunks, {"risk"}, [section], [section], rows_only=True)
    headlines = [e.text for e in excerpts if e.row and not e.weak]
    assert headlines[:2] == ["Changes in wind can hurt our sales.", "Changes in storms can hurt our sales."]
    assert all(e.weak for e in excerpts if e.text.startswith("It is explained"))  # an explaining paragraph
    chosen = best_by_topic(excerpts, 300, np.zeros(len(excerpts)))
    rest = more_rows(excerpts, chosen, 6000)
    assert {e.text for e in chosen} | {e.text for e in rest} == set(headlines)  # every headline, none twice
    assert not {e.text for e in chosen} & {e.text for e in rest}


def test_the_items_of_a_list_whose_lead_in_names_the_topic_are_rows():
    from rag.answer.whole import listed_after

    text = ("We are organized into three reportable segments, as follows:\n  1) Kites North America (KNA), which "
            "includes our kites in\n  Canada;\n  2) Lines Europe, which includes our lines;\n  3) Asia Pacific.\n"
            "Our staff: (a) pilots; (b) builders.")
    assert listed_after(text, {"segment", "reportable"}) == [
        "Kites North America (KNA), which includes our kites in Canada", "Lines Europe, which includes our lines",
        "Asia Pacific"]


def test_a_titled_part_ends_at_the_next_heading_of_its_level_on_the_same_page():
    from rag.answer.whole import section_chunks, titled_sections

    overview = {"sections": [{"title": "Notes", "page": 50, "last_page": 53, "sentences": []}],
                "subsections": [{"title": "2. Acquisitions", "page": 51, "level": 1},
                                {"title": "Current Health", "page": 51, "level": 2},
                                {"title": "3. Restructuring", "page": 51, "level": 1}]}
    part = titled_sections(overview, {"acquisition"})[0]
    chunks = [Document("1. Basis\nText of note one.\n2. Acquisitions\nWe bought Current Health.\nCurrent Health\n"
                       "It cost $400 million.", metadata={"source": "b.pdf", "page": 51}),
              Document("More on the purchase.\n3. Restructuring\nWe closed stores in Mexico.",
                       metadata={"source": "b.pdf", "page": 51}),
              Document("Restructuring charges: 2022: $10", metadata={"source": "b.pdf", "page": 52})]
    texts = [doc.page_content.strip() for doc in section_chunks(chunks, part)]
    assert texts == ["We bought Current Health.\nCurrent Health\nIt cost $400 million.", "More on the purchase."]


def test_each_document_of_a_comparison_is_asked_without_the_others_names():
    from rag.answer.compare import own_question

    asked = "Compare the reportable segments of American Express and PepsiCo."
    assert own_question(asked, {"american", "express"}) == "Compare the reportable segments of PepsiCo."
    assert own_question(asked, {"pepsico"}) == "Compare the reportable segments of American Express."
    assert own_question("Compare Costco's and Nike's risks.", {"nike"}) == "Compare Costco's risks."
    assert own_question("How do the 2021 and 2022 filings differ?", set()) == "How do the 2021 and 2022 filings differ?"
    asked = "Compare how Amazon (2017 10-K) and Adobe (2015 10-K) describe their competition."
    assert own_question(asked, {"amazon"}) == "Compare how Adobe (2015 10-K) describe their competition."


def test_names_only_another_compared_document_holds_are_not_asked_of_this_one():
    from rag.query.analysis import QueryAnalysis

    holds = {"itc": {"itc.pdf"}, "godfrey": {"gp.pdf"}, "phillips": {"gp.pdf"}, "india": {"itc.pdf", "gp.pdf"}}

    def files_with(tokens):  # the index's answer: the files whose chunks hold any of these tokens
        return set().union(*(holds.get(token, set()) for token in tokens))

    analysis = QueryAnalysis("Compare what the ITC report and the Godfrey Phillips report say about taxes in India.",
                             files_with=files_with)
    assert {"ITC", "itc"} <= analysis.names_only_in({"itc.pdf"}, "gp.pdf")
    assert {"Godfrey", "Phillips"} <= analysis.names_only_in({"gp.pdf"}, "itc.pdf")
    assert not {"India", "india"} & analysis.names_only_in({"gp.pdf"}, "itc.pdf")


def test_rows_of_a_titled_part_include_the_headings_its_fonts_show():
    from rag.answer.whole import passage_excerpts

    part = {"title": "Main Findings", "page": 2, "last_page": 3}
    chunk = Document("Six in ten seniors now go online, and just\nunder half are broadband adopters\n"
                     "Fully 59% of older adults go online and 47% have broadband at home, up from 2008 when the\n"
                     "figure was lower.", metadata={"source": "pew.pdf", "page": 2})
    headings = {2: ["Six in ten seniors now go online, and just under half are broadband adopters"]}
    rows = [e.text for e in passage_excerpts([chunk], {"finding"}, [], [part], rows_only=True, headings=headings)]
    assert rows[0] == "Six in ten seniors now go online, and just under half are broadband adopters"
    assert rows[1].startswith("Fully 59% of older adults")  # the paragraph's opener, less the headline


def test_a_name_the_first_page_gives_is_the_document_not_the_topic():
    from rag.answer.whole import topic_tokens
    from rag.query.analysis import QueryAnalysis

    analysis = QueryAnalysis("What units does the Cajon High School Business Management and Entrepreneurship course "
                             "cover?")
    title = {"cajon", "high", "school", "busi", "business", "management", "entrepreneurship"}
    assert topic_tokens(analysis, "f8d3.pdf", common={"unit", "cajon"}, title=title) == {"unit"}  # "units": lower case
    assert "entrepreneurship" in topic_tokens(analysis, "f8d3.pdf")  # without the first page it is a topic word


def test_a_title_of_the_same_stem_names_the_topic_and_an_empty_part_is_passed_over():
    from rag.answer.whole import has_substance, titled_sections

    overview = {"sections": [{"title": "Item 1. Business", "page": 3, "last_page": 20}],
                "subsections": [{"title": "Competition", "page": 5, "level": 4},
                                {"title": "A. DEBT SECURITIES", "page": 108, "level": 1},
                                {"title": "Indebtedness", "page": 79, "level": 4}]}
    assert titled_sections(overview, {"competitor"})[0]["title"] == "Competition"
    assert [p["title"] for p in titled_sections(overview, {"debt"})] == ["Indebtedness", "A. DEBT SECURITIES"]
    # a catch-all title names its topic least
    overview["subsections"] += [{"title": "Other Matters", "page": 120, "level": 4},
                                {"title": "Environmental Matters and Litigation", "page": 113, "level": 4}]
    assert titled_sections(overview, {"environmental", "pfa", "matter"})[0]["title"] == \
        "Environmental Matters and Litigation"
    assert not has_substance([Document("A. DEBT SECURITIES\nNot applicable.", metadata={"page": 108})])
    assert has_substance([Document("Masked images with aspect ratios other than 16:9", metadata={"page": 27})])


def test_a_short_outline_shows_the_numbered_headings_inside_its_sections():
    from rag.answer.whole import outline_line

    overview = {"sections": [{"title": "manual.pdf", "page": 1, "last_page": 1},
                             {"title": "Chapter 1: Setup", "page": 2, "last_page": 9},
                             {"title": "Chapter 2: Safety", "page": 10, "last_page": 20}],
                "subsections": [{"title": "1.1 Cables", "page": 3, "level": 2},
                                {"title": "CAUTION", "page": 4, "level": 3},
                                {"title": "2.1 Warnings", "page": 11, "level": 2}]}
    assert outline_line(overview) == ("Sections: Chapter 1: Setup (p. 2–9): 1.1 Cables (p. 3); "
                                      "Chapter 2: Safety (p. 10–20): 2.1 Warnings (p. 11)")


def test_each_thing_a_question_asks_brings_its_own_sentences(embeddings):
    """"How many people …, and how much does it spend on staff?": a sentence holding half the words of one part is
    about the question, though it holds few of all its words."""
    from rag.answer.whole import document_passages
    from rag.query.scope import asked_parts

    question = "How many people does Northwind employ, and how much does it spend on staff costs?"
    sentences = ["Northwind employs 412 people in its three warehouses.", "Staff costs were 40 million pounds.",
                 "The warehouses are in Leeds, York and Hull.", "Prices of fine foods rose in the year."]
    passages = [Document(text, metadata={"source": "n.pdf", "page": n + 2, "chunk": n})
                for n, text in enumerate(sentences)]
    overview = {"lead": [], "sections": [{"title": "Report", "page": 1, "last_page": 9, "sentences": []}]}
    analysis = QueryAnalysis(question)
    wanted = topic_tokens(analysis, "n.pdf")
    parts = [(text, topic_tokens(QueryAnalysis(text), "n.pdf")) for text in asked_parts(question)]
    assert len(parts) == 2

    def told(**options):
        chosen, _drawn, _sections, more = document_passages(overview, "n.pdf", analysis, passages, embeddings.encode,
                                                             wanted, budget=60, **options)
        return " ".join(doc.page_content for doc in chosen + more)

    assert "412 people" in told(parts=parts) and "Staff costs" in told(parts=parts)
    assert "Prices of fine foods" not in told(parts=parts)  # about neither


def test_the_things_a_question_asks_take_turns_in_the_list_under_the_answer():
    from rag.answer.whole import more_sentences

    texts = ["Staff numbers rose to 412.", "Most staff work in Leeds.", "Staff turnover was low.", "Wages cost £40m."]
    excerpts = [Excerpt(n + 1, "Report", text, n) for n, text in enumerate(texts)]
    scores, relevant = np.array([0.9, 0.8, 0.7, 0.5]), np.ones(4, dtype=bool)
    budget = len(texts[0]) + len(texts[1]) + 4  # room for two
    alone = more_sentences(excerpts, [], scores, relevant, budget)
    in_turn = more_sentences(excerpts, [], scores, relevant, budget, part_of=np.array([0, 0, 0, 1]))
    assert [e.text for e in alone] == texts[:2]
    assert [e.text for e in in_turn] == [texts[0], texts[3]]


def test_a_sentence_close_in_meaning_is_listed_with_few_of_the_topics_words(embeddings):
    from rag.answer.whole import document_passages

    question = "How did the pandemic affect the club?"
    sentences = ["The club closed its stadium to fans for a season in the Covid-19 outbreak.",
                 "The club keeps its kit in warehouses in Leeds, York and Hull."]  # one topic word of three each
    passages = [Document(text, metadata={"source": "n.pdf", "page": n + 2, "chunk": n})
                for n, text in enumerate(sentences)]
    overview = {"lead": [], "sections": [{"title": "Report", "page": 1, "last_page": 9, "sentences": []}]}
    analysis = QueryAnalysis(question)
    wanted = topic_tokens(analysis, "n.pdf")
    assert wanted == {"pandemic", "affect", "club"}
    chosen, _drawn, _sections, more = document_passages(overview, "n.pdf", analysis, passages, embeddings.encode,
                                                         wanted, budget=10)
    listed = " ".join(doc.page_content for doc in chosen + more)
    assert "Covid-19 outbreak" in listed and "warehouses" not in listed


def test_a_three_letter_word_names_the_titles_of_its_derivations():
    from rag.answer.whole import _names

    assert _names("E. TAXATION", {"tax"}) and _names("Fees and charges", {"fee"})
    assert not _names("Articles of association", {"art"}) and not _names("Taxi services", {"tax"})


def test_what_a_question_sets_aside_is_not_its_topic():
    from rag.answer.whole import without_exceptions

    question = "Apart from environmental and PFAS matters, what product liability litigation does 3M describe?"
    assert without_exceptions(question) == "what product liability litigation does 3M describe?"
    assert topic_tokens(QueryAnalysis(question), "3m.pdf") == {"product", "liability", "litigation"}
    assert without_exceptions("Which costs, other than wages, rose?") == "Which costs, rose?"
    assert without_exceptions("What costs other than wages rose?") == "What costs other than wages rose?"  # unsure


def test_a_notes_label_does_not_count_against_its_title():
    from rag.answer.whole import titled_sections

    overview = {"sections": [{"title": "ITEM 7", "page": 30, "last_page": 90}],
                "subsections": [{"title": "INCOME TAXES", "page": 37, "level": 3},
                                {"title": "LIQUIDITY", "page": 39, "level": 3},
                                {"title": "NOTE 9 — INCOME TAXES", "page": 76, "level": 2},
                                {"title": "NOTE 10 — LEASES", "page": 80, "level": 2}]}
    found = titled_sections(overview, {"income", "tax"}, {"income", "tax"})
    assert [part["title"] for part in found] == ["NOTE 9 — INCOME TAXES", "INCOME TAXES"]  # the longer part first


def test_how_a_figure_moved_names_no_part():
    from rag.answer.whole import titled_sections

    overview = {"sections": [{"title": "Reserves for credit losses", "page": 3, "last_page": 5},
                             {"title": "Change in control", "page": 6, "last_page": 9}], "subsections": []}
    found = titled_sections(overview, {"reserve", "change"}, {"reserve", "change"})
    assert [part["title"] for part in found] == ["Reserves for credit losses"]
    assert [part["title"] for part in titled_sections(overview, {"change"})] == ["Change in control"]  # alone
