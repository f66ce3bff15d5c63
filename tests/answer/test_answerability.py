"""The abstention check: near-miss numbers, acronyms the passages never mention, questions about how pages look."""

from __future__ import annotations

from langchain_core.documents import Document

from rag.answer.answerability import judge, unmentioned
from rag.query.terms import acronyms, content_words, quarters


def chunk(text: str, source: str = "a.pdf", score: float = 0.5) -> Document:
    return Document(page_content=text, metadata={"source": source, "page": 1, "chunk": 0, "score": score})


PLAN = [chunk("Florida Department of Health. Revised May 2016. Strategic priorities.", "plan.pdf")]
PAPER = [chunk("Step-Back prompting with PaLM-2L reaches 73.2% on MMLU Physics; GPT-4 reaches 70.3%.", "stepback.pdf")]


def test_a_question_about_a_year_the_passages_lack_is_refused_with_the_year():
    assert judge("Who produced the document that was revised on May 2016?", PLAN, 0.3, 0.0).passages == PLAN
    verdict = judge("Who produced the document that was revised on May 2018?", PLAN, 0.3, 0.0)
    assert verdict.passages == [] and verdict.reason == 'the passages found never mention "2018"'
    assert judge("Who produced the document that was revised on May 2018?", PLAN, 0.3, 1.0).passages == PLAN


RELEASE = [chunk("Table: Consolidated Statements of Income (In thousands) columns: January 28, 2023 (fiscal 2022) | "
                 "January 29, 2022 (fiscal 2021)\nNet sales: January 28, 2023 (fiscal 2022): $10,208,580 thousand; "
                 "January 29, 2022 (fiscal 2021): $8,630,889 thousand", "ULTA_2023Q4.pdf")]


def test_a_fiscal_year_stated_only_as_another_years_january_date_is_refused():
    verdict = judge("What were Ulta Beauty's net sales in fiscal 2023?", RELEASE, 0.3, 0.0)
    assert verdict.passages == [] and verdict.reason == 'the passages found never mention "fiscal 2023"'
    assert judge("What were Ulta Beauty's net sales in fiscal 2022?", RELEASE, 0.3, 0.0).passages == RELEASE
    # "in 2023" may mean the year ended January 2023, and a question naming the day names that column
    assert judge("What were Ulta Beauty's net sales in 2023?", RELEASE, 0.3, 0.0).passages == RELEASE
    assert judge("What were net sales for the year ended January 28, 2023?", RELEASE, 0.3, 0.0).passages == RELEASE
    prose = [chunk("We expect fiscal 2023 net sales of $10.95 billion to $11.05 billion.", "ULTA_2023Q4.pdf")]
    assert judge("What net sales does Ulta expect for fiscal 2023?", RELEASE + prose, 0.3, 0.0).passages


def test_nothing_close_enough_is_refused():
    verdict = judge("Anything?", [chunk("x", score=0.1)], 0.3, 1.0)
    assert verdict.passages == [] and "close enough" in verdict.reason


def test_an_acronym_or_unusual_name_the_passages_never_mention_is_refused():
    assert judge("What score did PaLM-2L + Step-Back achieve in MMLU Physics?", PAPER, 0.3, 0.5).passages == PAPER
    verdict = judge("What score did LLaVa + Step-Back achieve in MMLU Physics?", PAPER, 0.3, 0.5)
    assert verdict.passages == [] and verdict.reason == 'the passages found never mention "LLaVa"'
    assert judge("How many people are in the HAQ Executive Leadership?", PLAN, 0.3, 0.5).reason == \
        'the passages found never mention "HAQ"'


def test_common_abbreviations_file_names_and_shouted_questions_are_not_names():
    assert acronyms("What is the FY2018 EBITDA (in USD millions) and R&D of 3M, per PP&E?") == []
    assert acronyms("what is roa for ADBE in FY2015?", ignore={"adbe"}) == []
    assert acronyms("WHAT IS THE 2nd OBJECTIVE OF REGULATORY EFFICIENCY?") == []
    assert acronyms("How does GPT-4o compare with LLaVa and SituatedQA?") == ["GPT-4o", "LLaVa", "SituatedQA"]
    page = [chunk("Advertising expenses were $714.3 million in 2015.", "NETFLIX_2015_10K.pdf")]
    assert judge("what is advertsing expense of Neflix in FY 2015? Answer in USD", page, 0.3, 0.5).passages == page
    assert judge("what is advertsing expense of Neflix in FY 2016?", page, 0.3, 0.5).passages == []


def test_a_question_with_an_ordinary_word_about_looks_is_judged_like_any_other():
    question = "What are the names with grey background in Florida Department of Health's plan?"
    assert judge(question, PLAN, 0.3, 0.5).passages == PLAN


def test_an_organisation_the_passages_never_name_is_refused():
    assert judge("What is the address of Florida Department of Health?", PLAN, 0.3, 0.5).passages == PLAN
    verdict = judge("What is the address of Florida Department of Science?", PLAN, 0.3, 0.5)
    assert verdict.reason == 'the passages found never mention "Department of Science"'


def test_two_names_run_together_by_the_question_are_found_apart():
    plan = [chunk("Florida Department of Health, Division of Medical Quality Assurance: strategic plan.", "p.pdf")]
    question = "What are the priorities of the Department of Health Medical Quality Assurance?"
    assert judge(question, plan, 0.3, 0.5).passages == plan
    assert judge("What are the priorities of the Department of Health Nursing Quality Board?", plan, 0.3,
                 0.5).passages == []


def test_a_quarter_the_passages_never_mention_is_refused():
    growth = [chunk("Real GDP grew 5.3% in the first quarter and 5.2% in the second quarter of 2003-04.")]
    assert judge("What was GDP growth in the first and second quarters?", growth, 0.3, 0.5).passages == growth
    assert judge("What was GDP growth in Q2?", growth, 0.3, 0.5).passages == growth
    verdict = judge("What were the GDP growth amounts for the third and fourth quarters respectively?", growth, 0.3,
                    0.5)
    assert verdict.reason == 'the passages found never mention "the third quarter", "the fourth quarter"'
    assert quarters("First Quarter Results : July 2003; Q3 and 4Q results") == {1, 3, 4}
    results = [chunk("Fourth-quarter 2018 sales results by geographic area: Asia Pacific $2,453 million.")]
    assert judge("What were net sales in Asia Pacific in the fourth quarter of 2018?", results, 0.3, 0.5).passages
    table = [chunk("Table: Three months ended December 31, 2018 columns: United States | Asia Pacific\n"
                   "Net sales (millions): United States: $3,183; Asia Pacific: $2,453")]  # the title is elsewhere
    assert judge("What were net sales in Asia Pacific in the fourth quarter of 2018?", table, 0.3, 0.5).passages
    assert not judge("What were net sales in Asia Pacific in the second quarter of 2018?", table, 0.3, 0.5).passages


def test_a_question_asking_for_a_telephone_number_needs_a_passage_holding_one():
    prose = [chunk("Complaints could be made to the Care Quality Commission by telephone or in writing.")]
    verdict = judge("What is the telephone no for the Care Quality Commission?", prose, 0.3, 0.5)
    assert verdict.reason == "the passages found hold no telephone or fax number"
    # An address block reads like no question: it may score a little under the threshold and still be kept.
    block = chunk("INF LLP\nMtre Laurent Nahmiash\nlnahmiash@infavocats.com\nTel: 514-312-0293", score=0.27)
    assert judge("what is the email id of the mtre laurent nahmiash ?", [block], 0.3, 0.5).passages == [block]
    assert judge("what is the name of the mtre laurent nahmiash ?", [block], 0.3, 0.5).passages == []


def test_a_question_naming_nothing_is_refused_when_the_passages_share_none_of_its_words():
    lesson = [chunk("Monitor your stocks daily and note the closing price of each stock.", score=0.45)]
    verdict = judge("When will the market open?", lesson, 0.3, 0.5)
    assert verdict.reason == 'the passages found never mention "market", "open"'
    assert judge("When will the stocks close?", lesson, 0.3, 0.5).passages == lesson
    assert content_words("What is the gap of infants with College graduates?") == ["infant", "graduate"]


def test_a_passage_on_the_named_page_holding_the_asked_words_is_kept_below_the_floor():
    cover = chunk("Florida Department of Health Strategic Plan. Rick Scott GOVERNOR.", score=0.28)
    cover.metadata["named_page"] = True
    question = "What is the name of the governor as mentioned on the first page of the document?"
    assert judge(question, [cover], 0.35, 0.5).passages == [cover]
    assert judge("What is the title of the diagram on the first page?", [cover], 0.35, 0.5).passages == []
    assert judge("What does the first page say?", [cover], 0.35, 0.5).passages == [cover]
    assert judge("Who is the governor on page 1?", [cover], 0.35, 0.5).passages == [cover]
    cover.metadata["named_page"] = False
    assert judge(question, [cover], 0.35, 0.5).passages == []


# --- Chinese and Japanese (issue #33): a run of CJK characters is a phrase, not a name ----------------------------

REPORT_ZH = [chunk("东北电气发展股份有限公司 2018 年第一季度报告全文。报告期末普通股股东总数 79,053。"
                   "归属于上市公司股东的净利润（元） -4,648,986.52", "report_zh.pdf")]


def test_a_chinese_question_is_not_refused_for_its_run_of_characters():
    for question in ("2018年1-3月归属于上市公司股东的净利润是多少？", "报告期末普通股股东总数是多少？",
                     "公司第一季度的净利润是多少？"):
        assert judge(question, REPORT_ZH, 0.3, 0.0).passages == REPORT_ZH, question
    # a year the passages lack is still refused, in a Chinese question too
    assert judge("2019年归属于上市公司股东的净利润是多少？", REPORT_ZH, 0.3, 0.0).reason == \
        'the passages found never mention "2019"'


def test_a_latin_name_in_a_chinese_question_the_passages_never_mention_is_refused():
    tools = [chunk("Table: Table 9.27: 虚拟化工具列表 columns: 流行度 | 大小\nqemu-kvm: 流行度: V:2, I:19; 大小: 107\n"
                   "virtualbox: 流行度: V:9, I:11; 大小: 126370", "debian_zh.pdf")]
    assert judge("在虚拟化工具列表中，virtualbox 软件包的大小是多少？", tools, 0.3, 0.0).passages == tools
    assert judge("在虚拟化工具列表中，docker.io 软件包的大小是多少？", tools, 0.3, 0.0).reason == \
        'the passages found never mention "docker.io"'
    # a unit after a figure is no name: "5.0GiB"
    assert judge("在虚拟化工具列表中，大小为 126370KiB 的软件包是哪个？", tools, 0.3, 0.0).passages == tools


def test_an_english_question_about_a_chinese_passage_is_checked_on_figures_and_quarters_only():
    asked = "How many ordinary shareholders did Northeast Electric have at the end of the first quarter of 2018?"
    assert judge(asked, REPORT_ZH, 0.3, 0.0).passages == REPORT_ZH
    assert judge("What did Northeast Electric report for the third quarter of 2018?", REPORT_ZH, 0.3, 0.0).reason \
        == 'the passages found never mention "the third quarter"'


def test_quarters_in_chinese_and_japanese():
    assert quarters("2018 年第一季度报告") == {1}
    assert quarters("三季度营业收入") == {3}
    assert quarters("2024年３月期 第３四半期決算短信") == {3}
    assert quarters("第二节 公司基本情况") == set()


def test_one_document_of_a_comparison_need_not_mention_the_others():
    from rag.query.analysis import QueryAnalysis
    from rag.query.names import DocumentNames

    names = DocumentNames(["PEPSICO_2022_10K.pdf", "3M_2018_10K.pdf"])
    analysis = QueryAnalysis("Compare the main risks of 3M and PepsiCo.", names)
    passage = [Document("The main risk we face is water scarcity.",
                        metadata={"source": "PEPSICO_2022_10K.pdf", "page": 16, "score": 0.9})]
    assert "3m" in unmentioned(analysis, passage, 0.5).lower()  # asked of every file, 3M is missing here
    assert unmentioned(analysis.restricted_to({"PEPSICO_2022_10K.pdf"}, "document"), passage, 0.5) == ""


def test_a_table_row_the_question_names_is_close_enough_a_little_below_the_threshold():
    from langchain_core.documents import Document
    from rag.answer.answerability import judge

    row = Document("Table: NICS Firearm Background Checks columns: Permit | Totals\nAlaska: Permit: 209; Totals: 7,095",
                   metadata={"source": "nics.pdf", "page": 1, "score": 0.32, "table": {}})
    assert judge("What is the total for Alaska?", [row], 0.35).passages == [row]
    assert not judge("What is the total for Alabama?", [row], 0.35).passages
    prose = Document("Alaska is a state.", metadata={"source": "nics.pdf", "page": 1, "score": 0.32})
    assert not judge("What is the total for Alaska?", [prose], 0.35).passages


def test_a_chinese_question_is_close_to_a_passage_holding_its_words_whatever_the_cosine():
    """The bundled embedder reads English only: a Chinese passage answering a Chinese question may score 0.23."""
    boot = [chunk("典型的系统启动过程就像一个四级的火箭，每一级火箭把系统控制权交给下一级。", "ref_zh.pdf", score=0.23)]
    assert judge("作者把典型的系统启动过程比作什么？", boot, 0.35, 1.0).passages == boot
    assert "close enough" in judge("公司的注册资本是多少？", boot, 0.35, 1.0).reason  # shares no words with it


def test_an_english_question_is_close_to_a_chinese_or_japanese_passage_holding_its_translation():
    manual = [chunk("潤滑油は専用のＭＳオイルＬ３２を使用してください。運転時間が２，０００時間に達するごとに交換。",
                    "manual_ja.pdf", score=0.03)]
    asked = "Which lubricating oil must be used with the MS series?"
    assert "close enough" in judge(asked, manual, 0.35, 1.0).reason
    assert judge(asked, manual, 0.35, 1.0, ["ＭＳシリーズに使用する潤滑油は何ですか？"]).passages == manual
