"""Chinese and Japanese PDFs: keyword search on character bigrams finds the page a Chinese/Japanese question is
about, with the default English embedding model, and chunks are cut at CJK sentence ends, not only at spaces."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.ingest.chunking import make_splitter
from rag.ingest.pipeline import ingest
from rag.query.terms import mostly_cjk
from rag.retrieve.hybrid import build_retriever
from rag.index.store import load_index

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # Debian fonts-wqy-zenhei (see .ci/run)
needs_font = pytest.mark.skipif(not CJK_FONT.is_file(), reason="fonts-wqy-zenhei is not installed (see .ci/run)")

CHINESE_PAGES = [
    "第一章 公司简介。本公司成立于一九九八年，总部位于杭州，主要从事电动汽车及电池的研发与生产。",
    "第二章 董事会报告。董事会由九名董事组成，其中独立董事三名。董事长负责召集和主持董事会会议。",
    "第三章 财务摘要。本公司二零二三年的营业收入为五十亿元，同比增长百分之十二；净利润为六亿元。",
    "第四章 风险因素。原材料价格波动、汇率变化以及市场竞争加剧可能对公司经营产生不利影响。",
]
JAPANESE_PAGES = [
    "会社概要。当社は東京都港区に本社を置き、精密機械の製造と販売を行っています。",
    "従業員について。当社の従業員数は二千五百名で、そのうち技術者が半数を占めています。",
    "配当方針。当社は安定した配当を継続することを基本方針としています。",
]


def write_cjk_pdf(path: Path, pages: list[str]) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("zenhei", fname=str(CJK_FONT), collection_font_number=0)
    pdf.set_font("zenhei", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def top_page(settings, embeddings, question: str) -> tuple[str, int]:
    retriever = build_retriever(settings, load_index(settings.index_dir), embeddings)
    best = retriever.invoke(question)[0]
    return best.metadata["source"], best.metadata["page"]


@needs_font
def test_chinese_and_japanese_questions_find_their_page_through_keywords(settings, embeddings):
    write_cjk_pdf(settings.data_dir / "annual_report_zh.pdf", CHINESE_PAGES)
    write_cjk_pdf(settings.data_dir / "kaisha_ja.pdf", JAPANESE_PAGES)
    ingest(settings, progress=False, embeddings=embeddings)
    assert top_page(settings, embeddings, "公司二零二三年的营业收入是多少？") == ("annual_report_zh.pdf", 3)
    assert top_page(settings, embeddings, "董事会有几名独立董事？") == ("annual_report_zh.pdf", 2)
    assert top_page(settings, embeddings, "従業員数は何名ですか？") == ("kaisha_ja.pdf", 2)
    assert top_page(settings, embeddings, "本社はどこにありますか？") == ("kaisha_ja.pdf", 1)


@pytest.mark.shared
def test_a_chinese_question_finds_its_page_in_a_real_chinese_report(shared_data, settings, embeddings):
    import shutil

    shutil.copy(shared_data / "messy" / "chinese_quarterly_report_22p.pdf", settings.data_dir / "report.pdf")
    shutil.copy(shared_data / "messy" / "chinese_tables_bond_prospectus.pdf", settings.data_dir / "prospectus.pdf")
    ingest(settings, progress=False, embeddings=embeddings)
    assert top_page(settings, embeddings, "报告期末普通股股东总数是多少？") == ("report.pdf", 4)
    assert top_page(settings, embeddings, "公司的货币资金期末余额是多少？") == ("report.pdf", 9)
    assert top_page(settings, embeddings, "主体信用评级是什么？") == ("prospectus.pdf", 1)


def test_questions_written_in_chinese_or_japanese_lean_on_keywords():
    assert mostly_cjk("公司2023年的营业收入是多少？") and mostly_cjk("従業員数は何名ですか")
    assert not mostly_cjk("What does 股东 mean in the report?") and not mostly_cjk("2023")


def test_chinese_text_without_spaces_is_cut_at_sentence_ends():
    text = "".join(CHINESE_PAGES) * 3  # ~540 characters, no spaces, no newlines
    chunks = make_splitter(200, 0).split_text(text)
    assert len(chunks) > 2 and all(len(chunk) <= 200 for chunk in chunks)
    assert all(chunk.endswith("。") or chunks[i + 1].startswith("。") for i, chunk in enumerate(chunks[:-1]))


@needs_font
def test_an_english_question_finds_a_chinese_page_through_its_translation(settings, embeddings):
    """The fused ranking of the question's translation (`also`, made by the reader in `rag.answer.translate`)
    brings the Chinese page; the passage score is the best cosine of either."""
    write_cjk_pdf(settings.data_dir / "annual_report_zh.pdf", CHINESE_PAGES)
    write_cjk_pdf(settings.data_dir / "kaisha_ja.pdf", JAPANESE_PAGES)
    ingest(settings, progress=False, embeddings=embeddings)
    retriever = build_retriever(settings, load_index(settings.index_dir), embeddings)
    assert retriever.document_languages == {"annual_report_zh.pdf": "zh", "kaisha_ja.pdf": "ja"}
    question = "How many independent directors does the board have?"
    passages = retriever.invoke(question, also=["董事会有几名独立董事？"])
    assert (passages[0].metadata["source"], passages[0].metadata["page"]) == ("annual_report_zh.pdf", 2)
    alone = retriever.invoke(question)
    assert passages[0].metadata["score"] >= next(
        (p.metadata["score"] for p in alone if p.metadata["page"] == 2 and p.metadata["source"].endswith("zh.pdf")),
        0.0)


@needs_font
def test_a_translation_searches_only_the_documents_in_its_language(settings, embeddings, make_pdf):
    write_cjk_pdf(settings.data_dir / "annual_report_zh.pdf", CHINESE_PAGES)
    make_pdf("minutes_en.pdf", ["The board has nine directors, three of them independent. The chairman convenes it."])
    ingest(settings, progress=False, embeddings=embeddings)
    retriever = build_retriever(settings, load_index(settings.index_dir), embeddings)
    assert retriever.document_languages == {"annual_report_zh.pdf": "zh", "minutes_en.pdf": "en"}
    question = "How many independent directors does the board have?"
    alone = retriever.invoke(question)
    fused = retriever.invoke(question, also=[("董事会有几名独立董事？", {"annual_report_zh.pdf"})])
    # the English document keeps its place (in a mixed folder the translation's rankings weigh half);
    # the Chinese page the translation found joins the passages
    assert fused[0].metadata["source"] == alone[0].metadata["source"] == "minutes_en.pdf"
    assert ("annual_report_zh.pdf", 2) in [(p.metadata["source"], p.metadata["page"]) for p in fused]
    assert retriever.invoke(question, also=[("董事会有几名独立董事？", {"missing.pdf"})])[0].metadata == alone[0].metadata
