"""Focused context: the units of the passages that bear on the question, within a character budget."""

from __future__ import annotations

from langchain_core.documents import Document

from rag.answer.focus import GAP, focus_passages, units
from rag.text import tokenize

PROSE = ("The club was founded in 1878 as Newton Heath and changed its name in 1902. The stadium has been\n"
         "its home since 1910 and, after many additions over the decades, it now seats 74,240 supporters on\n"
         "match days. Revenue for the year was £583.2 million, an increase of 18.0% over the year before.\n"
         "The U.S. listing dates from 2012.\n")
TABLE = ("Revenue by sector\n"
         "Commercial 257.8 232.2\n"
         "Broadcasting 214.9 254.8\n"
         "Matchday 110.5 7.7\n")


def texts(text: str) -> list[str]:
    return [text[s:e] for s, e in units(text)]


def test_units_are_sentences_across_wrapped_lines_and_lines_in_tables():
    sentences = texts(PROSE)
    assert sentences[1].startswith("The stadium") and sentences[1].endswith("match days.")  # wrapped, one unit
    assert any("£583.2 million, an increase of 18.0% over" in s for s in sentences)  # decimals end nothing
    assert "The U.S. listing dates from 2012." in sentences
    assert texts(PROSE + TABLE)[-4:] == ["Revenue by sector", "Commercial 257.8 232.2", "Broadcasting 214.9 254.8",
                            "Matchday 110.5 7.7"]


def doc(text: str, page: int) -> Document:
    return Document(page_content=text, metadata={"source": "report.pdf", "page": page})


def test_focus_keeps_what_the_question_asks_about_within_the_budget():
    filler = "The weather in the region was mild and nothing else of note happened that season. " * 12
    docs = [doc(filler + PROSE + filler, 4), doc(TABLE + filler, 9), doc(filler, 12)]
    question = "How many supporters does the stadium seat?"
    focused = focus_passages(docs, tokenize(question), 300)
    assert sum(len(d.page_content) for d in focused) <= 300 + 2 * len(GAP) * len(focused)
    assert "74,240 supporters" in focused[0].page_content and focused[0].metadata["page"] == 4
    assert focused[0].page_content.startswith("…")  # text before was left out
    assert [d.metadata["focused_from"] for d in focused] == [0]  # the others share none of its rarer words


def test_a_table_row_keeps_its_neighbours_and_reading_order():
    filler = "Nothing in this paragraph concerns the question that was asked about the club at all. " * 10
    docs = [doc(filler + "\n" + TABLE + filler, 3)]
    focused = focus_passages(docs, tokenize("How much did matchday bring in?"), 250)
    text = focused[0].page_content
    assert "Matchday 110.5 7.7" in text and text.index("Broadcasting") < text.index("Matchday")


def test_passages_within_the_budget_or_a_zero_budget_are_unchanged():
    docs = [doc(PROSE, 1), doc(TABLE, 2)]
    assert focus_passages(docs, tokenize("stadium seats"), 10_000) == docs
    assert focus_passages(docs, tokenize("stadium seats"), 0) == docs
    assert focus_passages(docs, set(), 50) == docs  # a question with no search words: nothing to focus on
    assert focus_passages(docs, tokenize("zebra"), 50) == docs  # no unit shares a word: nothing is lost


def test_the_reader_gets_the_focused_text_and_the_person_sees_whole_passages(settings, make_pdf, embeddings,
                                                                             llm_backend):
    from conftest import build_answerer
    from rag.ingest.pipeline import ingest

    pages = ["Staff. The Zephyr Kite Company employs 1,234 people in its workshop in Lisbon. " + PROSE,
             "Revenue for the year was 98 million euros, mostly from sales of the storm-proof Falcon kite. " + PROSE]
    make_pdf("kites.pdf", pages)
    ingest(settings, progress=False, embeddings=embeddings)
    question = "How many people does the Zephyr Kite Company employ?"
    prompts = {}
    for chars in (0, 150):
        answerer = build_answerer(settings.model_copy(update={"context_chars": chars}), embeddings, llm_backend)
        answer = answerer.ask(question)
        prompts[chars] = answer.timings["prompt_tokens"]
        assert any(source.text.startswith("Staff.") and "74,240" in source.text for source in answer.sources)
    assert prompts[150] < prompts[0] - 50


def test_chinese_full_stops_end_sentences_and_a_paragraph_without_stops_is_cut_at_line_breaks():
    chinese = "公司成立于1878年。球场可容纳74240名观众。收入为583.2百万英镑。"
    assert texts(chinese) == ["公司成立于1878年。", "球场可容纳74240名观众。", "收入为583.2百万英镑。"]
    paragraph = "\n".join(["a line of a long paragraph that never reaches a full stop, it only goes on and on"] * 12)
    pieces = texts(paragraph)
    assert len(pieces) > 1 and all(len(piece) <= 400 + 90 for piece in pieces)
