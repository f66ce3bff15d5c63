"""The table cell a question names: read from its labelled row, or None wherever the rows or the question leave doubt."""

from __future__ import annotations

import pytest

from rag.answer.cell import table_cell, disproved_answer
from rag.answer.result import Answer
from rag.answer.settle import UNFOUND_REASON
from rag.answer.verdict import CONTRADICTED, UNSUPPORTED, VERIFIED, Verdict
from rag.answer.verify import verify
from tests.answer.test_verify import P  # a passage: number, file, page, text


CASH_FLOW = """Table: Consolidated Statement of Cash Flows, Years ended December 31 (Millions) columns: 2018 | 2017 | 2016
Net cash provided by (used in) operating activities: 2018: 6,439 million; 2017: 6,240 million; 2016: 6,662 million
Purchases of property, plant and equipment (PP&E): 2018: (1,577 million); 2017: (1,373 million); 2016: (1,420 million)
Total: 2018: $408; 2017: $488; 2016: $300"""
PROSE = "In 2018, 63% of 3M's capital spending was within the United States."
SEGMENTS = """Table: Revenue by segment (Millions) columns: 2022 | 2021
Revenue: 2022: 1,200 million; 2021: 1,100 million
Table: Revenue by region (Millions) columns: 2022 | 2021
Revenue: 2022: 900 million; 2021: 850 million"""
LOAN = """Table: Borrowings (£'000) columns: 2022 | 2021
Secured term loan facility (£'000): 2022: 183,192; 2021: 165,300"""
PRINCIPAL = "The outstanding principal amount of the secured term loan facility was $225.0 million."
FILE = "3M_2018_10K.pdf"


def passages(*texts: str) -> list[P]:
    return [P(i + 1, FILE, 60 + i, text) for i, text in enumerate(texts)]


def test_a_question_naming_a_row_by_its_statement_name_gets_the_asked_years_cell():
    cell = table_cell("What is the FY2018 capital expenditure amount (in USD millions) for 3M? Give a response to "
                      "the question by relying on the details shown in the cash flow statement.",
                      passages(PROSE, CASH_FLOW))
    assert cell is not None and cell.exact
    assert (cell.row.page, cell.header, cell.value) == (61, "2018", "(1,577 million)")
    assert cell.answer() == "Purchases of property, plant and equipment, 2018: (1,577 million) [2]."


def test_the_cell_answer_is_verified_by_its_row():
    question = "How much did 3M spend on capital expenditure in 2017?"
    cell = table_cell(question, passages(CASH_FLOW))
    assert cell is not None and cell.value == "(1,373 million)"
    verdict = verify(cell.answer(), passages(CASH_FLOW), question)
    assert verdict.verdict == VERIFIED and verdict.unit.page == 60


@pytest.mark.parametrize("question, texts", [
    ("What was capital expenditure in 2015?", (CASH_FLOW,)),  # no 2015 column
    ("What was capital expenditure?", (CASH_FLOW,)),  # no year, three columns
    ("What was the average capital expenditure over 2016-2018?", (CASH_FLOW,)),  # arithmetic
    ("How did capital expenditure change from 2017 to 2018?", (CASH_FLOW,)),
    ("Was capital expenditure higher in 2018?", (CASH_FLOW,)),  # yes or no
    ("What were total liabilities in 2018?", (CASH_FLOW,)),  # "Total" alone names nothing
    ("What was revenue in 2022?", (SEGMENTS,)),  # two rows named alike disagree
    ("What was the dividend paid in 2018?", (CASH_FLOW, PROSE)),  # no row names it
])
def test_doubt_leaves_the_question_to_the_reader(question, texts):
    assert table_cell(question, passages(*texts)) is None


MD_A = """Table: Revenue (dollars in millions) columns: Fiscal 2015 | Fiscal 2014 | % Change 2015-2014
Total revenue: Fiscal 2015: $4,795.5 million; Fiscal 2014: $4,147.1 million; % Change 2015-2014: 16%"""
INCOME = """Table: Consolidated statements of income (in thousands) columns: November 27, 2015 | November 28, 2014
Total revenue: November 27, 2015: 4,795,511 thousand; November 28, 2014: 4,147,065 thousand
Table: Provision for Income Taxes (dollars in millions) columns: Fiscal 2015 | Fiscal 2014
Provision 163% 40% › Percentage of total revenue: Fiscal 2015: 5%; Fiscal 2014: 2%"""
NO_HEADERS = """Table: Net revenues by distribution channel (in millions)
Total net revenues: 4,795.5 million; 100 million"""


def test_the_same_figure_rounded_differently_agrees_and_a_change_column_is_no_years_value():
    cell = table_cell("What was Adobe's total revenue in fiscal 2015?",
                      [P(1, "ADOBE_2015_10K.pdf", 41, MD_A), P(2, "ADOBE_2015_10K.pdf", 60, INCOME)])
    assert cell is not None and (cell.header, cell.value, cell.row.page) == ("Fiscal 2015", "$4,795.5 million", 41)
    other = INCOME.replace("4,795,511", "4,801,000")  # 0.1% apart: another figure, not a rounding; the
    cell = table_cell("What was Adobe's total revenue in fiscal 2015?",  # statement's is the line item's amount
                      [P(1, "ADOBE_2015_10K.pdf", 41, MD_A), P(2, "ADOBE_2015_10K.pdf", 60, other)])
    assert cell is not None and (cell.value, cell.row.page) == ("4,801,000 thousand", 60)
    notes = other.replace("Consolidated statements of income", "Revenue by product")
    assert table_cell("What was Adobe's total revenue in fiscal 2015?",
                      [P(1, "ADOBE_2015_10K.pdf", 41, MD_A), P(2, "ADOBE_2015_10K.pdf", 60, notes)]) is None


def test_a_row_without_the_asked_years_column_does_not_stand_in_the_way():
    cell = table_cell("What was Adobe's total revenue in fiscal 2014?",
                      [P(1, "ADOBE_2015_10K.pdf", 37, NO_HEADERS), P(2, "ADOBE_2015_10K.pdf", 60, INCOME)])
    assert cell is not None and cell.value == "4,147,065 thousand"


def test_a_label_holding_most_of_the_subject_is_a_partial_fit():
    cell = table_cell("What was the outstanding principal amount of the secured term loan facility at 30 June 2022?",
                      [P(1, "manu-20f.pdf", 158, LOAN), P(2, "manu-20f.pdf", 80, PRINCIPAL)])
    assert cell is not None and not cell.exact and cell.value == "183,192"


def test_rows_in_two_passages_that_agree_give_one_cell():
    cell = table_cell("What were purchases of property, plant and equipment in 2016?", passages(CASH_FLOW, CASH_FLOW))
    assert cell is not None and cell.value == "(1,420 million)" and cell.row.source == 1


def test_only_a_contradicted_or_invented_answer_is_replaced():
    answer = Answer(question="q", answer="$63")
    answer.verdict = Verdict(CONTRADICTED)
    assert disproved_answer(answer)
    for verdict in (UNSUPPORTED, VERIFIED):  # the sentence stating an unsupported answer may fit better than the row
        answer.verdict = Verdict(verdict)
        assert not disproved_answer(answer)
    answer.abstained, answer.abstain_reason = True, f"{UNFOUND_REASON} (“$63”)"
    assert disproved_answer(answer)
    answer.abstain_reason = "page 3 gives $63 for Other revenue, 2022, not for what was asked"  # another item's
    assert disproved_answer(answer)
    answer.abstain_reason = "the model found no answer in the passages"
    assert not disproved_answer(answer)


# ---------------------------------------------------------------- through the answerer, on a real index

LONG_STATEMENT = [(f"Line item number {n}", [f"{n},1{n:02d}", f"{n},2{n:02d}"]) for n in range(1, 31)] + [
    ("Purchases of property, plant and equipment", ["(1,577)", "(1,373)"]),
    ("Total assets", ["59,268", "55,556"]),
    ("Goodwill impairment", ["n/a", "(210)"]),
]


@pytest.fixture
def statement_answerer(settings, embeddings, llm_backend):
    from conftest import build_answerer
    from rag.ingest.pipeline import ingest
    from tests.ingest.test_tables import _table_pdf, _years

    _table_pdf(settings.data_dir / "acme-2022-annual-report.pdf", [{
        "caption": "Consolidated statement of cash flows", "headers": _years("2022", "2021"),
        "unit": "(in millions of dollars)", "rows": LONG_STATEMENT}])
    ingest(settings, progress=False, embeddings=embeddings)
    return build_answerer(settings, embeddings, llm_backend)


def test_a_question_naming_a_row_is_answered_from_its_cell_without_the_reader(statement_answerer):
    shown, evidence = [], []
    answer = statement_answerer.ask("What was Acme's capital expenditure in 2021?", on_token=shown.append,
                                    on_evidence=evidence.append)
    assert answer.backend == "table" and "generated_tokens" not in answer.timings
    assert "(" in answer.answer and "1,373" in answer.answer and "Purchases of property" in answer.answer
    assert "".join(shown) == answer.answer
    assert answer.verdict.verdict == VERIFIED and answer.verdict.unit.label.startswith("Purchases of property")
    assert evidence and evidence[0].label.startswith("Purchases of property")  # the row is the evidence shown first


def test_a_cell_the_question_names_printed_as_not_given_answers_that_it_is_not_given(statement_answerer):
    answer = statement_answerer.ask("What was Acme's goodwill impairment in 2022?")
    assert answer.abstained and "generated_tokens" not in answer.timings
    assert "prints “n/a” for Goodwill impairment, 2022" in answer.answer


def test_the_rows_of_a_passages_page_beyond_it_are_read_for_the_cell(statement_answerer):
    from langchain_core.documents import Document
    from rag.retrieve.passages import with_page_tables

    index = statement_answerer.retriever.index
    first = index.chunks[0]  # the statement's caption and first rows; "Total assets" is chunks below
    assert "Total assets" not in first.page_content
    passage = Document(first.page_content, metadata=dict(first.metadata))
    tabled = with_page_tables(index, passage)
    assert tabled.page_content.startswith(first.page_content) and "Total assets: 2022: $59,268" in tabled.page_content
    cell = table_cell("What were Acme's total assets in 2022?", [P(1, passage.metadata["source"], 1,
                                                                  tabled.page_content)])
    assert cell is not None and cell.exact and cell.value == "$59,268 million"


RETAIL_LABELLED = """Table: Consolidated Statements of Income (52 Weeks Ended, In thousands) columns: January 28, 2023 (fiscal 2022) | January 28, 2023 (fiscal 2022) | January 29, 2022 (fiscal 2021)
Net income: January 28, 2023 (fiscal 2022): $1,242,408 thousand; January 28, 2023 (fiscal 2022): 12.2%; January 29, 2022 (fiscal 2021): $985,837 thousand"""
RETAIL_QUARTER = """Table: Consolidated Statements of Income (13 Weeks Ended, In thousands) columns: January 28, 2023 (fiscal 2022) | January 29, 2022 (fiscal 2021)
Net income: January 28, 2023 (fiscal 2022): $340,751 thousand; January 29, 2022 (fiscal 2021): $289,366 thousand"""
RETAIL_UNLABELLED = """Table: Consolidated Balance Sheets (In thousands) columns: January 28, 2023 | January 29, 2022
Total assets: January 28, 2023: $5,370,411 thousand; January 29, 2022: $4,764,379 thousand"""


def test_a_january_dated_column_is_a_fiscal_year_only_as_the_document_names_it():
    cell = table_cell("What was Ulta Beauty's net income in fiscal 2022?", [P(1, "ULTA.pdf", 6, RETAIL_LABELLED)])
    assert cell is not None and cell.value == "$1,242,408 thousand"  # not the 12.2% beside it
    assert table_cell("What was Ulta Beauty's net income in fiscal 2023?", [P(1, "ULTA.pdf", 6, RETAIL_LABELLED)]) \
        is None
    # printed dates alone do not say which fiscal year they close: no cell, and no verdict on that column
    unlabelled = [P(1, "ULTA.pdf", 7, RETAIL_UNLABELLED)]
    assert table_cell("What were Ulta Beauty's total assets at the end of fiscal 2022?", unlabelled) is None
    assert verify("$4,764,379 thousand", unlabelled, "What were total assets at the end of fiscal 2022?").verdict \
        != VERIFIED
    dated = table_cell("What were Ulta Beauty's total assets at January 28, 2023?", unlabelled)
    assert dated is not None and dated.value == "$5,370,411 thousand"


def test_a_quarters_row_and_a_years_row_are_told_apart_by_the_question():
    both = [P(1, "ULTA.pdf", 6, RETAIL_QUARTER), P(2, "ULTA.pdf", 6, RETAIL_LABELLED)]
    year = table_cell("What was Ulta Beauty's net income in fiscal 2022?", both)
    quarter = table_cell("What was Ulta Beauty's net income in the fourth quarter of fiscal 2022?", both)
    assert year is not None and year.value == "$1,242,408 thousand"
    assert quarter is not None and quarter.value == "$340,751 thousand"


AMAZON_CASH = """Table: CONSOLIDATED STATEMENTS OF CASH FLOWS (Year Ended December 31,, in millions) columns: 2015 | 2016 | 2017
Purchases of property and equipment, including internal-use software and website development: 2015: (5,387 million); 2016: (7,804 million); 2017: (11,955 million)"""
AMAZON_PPE = """Table: Note 3—PROPERTY AND EQUIPMENT (December 31,, in millions) columns: 2016 | 2017
Total property and equipment, net: 2016: $29,114 million; 2017: $48,866 million"""


def test_a_labels_trailing_qualifier_does_not_hide_the_row_it_names():
    question = "What were Amazon's purchases of property and equipment in 2016?"
    texts = [P(1, "AMAZON_2017_10K.pdf", 52, AMAZON_PPE), P(2, "AMAZON_2017_10K.pdf", 37, AMAZON_CASH)]
    cell = table_cell(question, texts)  # a partial fit: the reader answers first, the cell replaces a wrong answer
    assert cell is not None and not cell.exact and cell.value == "(7,804 million)"
    # the row missing "purchases" is no evidence for its figure while the row naming the purchases gives another
    verdict = verify("Total property and equipment, net, 2016: $29,114 million [1].", texts, question)
    assert verdict.verdict == CONTRADICTED and "7,804" in verdict.reason


BOEING = """Table: Consolidated Statements of Cash Flows (Dollars in millions) columns: 2022 | 2021
Cash & cash equivalents, including restricted, at end of year: 2022: $14,647 million; 2021: $8,104 million
Table: Consolidated Statements of Financial Position (Dollars in millions) columns: 2022 | 2021
Cash and cash equivalents: 2022: $14,614 million; 2021: $8,052 million"""


def test_a_qualified_label_does_not_name_the_measure_exactly():
    cell = table_cell("How much cash and cash equivalents did Boeing hold at the end of 2021?",
                      [P(1, "BOEING_2022_10K.pdf", 59, BOEING)])
    assert cell is not None and cell.exact and cell.value == "$8,052 million"


def test_a_quarters_cell_does_not_answer_a_question_about_the_year():
    quarterly = """Table: Quarterly data (Millions) columns: Second Quarter 2017 | Second Quarter 2016
Research, development and related expenses: Second Quarter 2017: 8 million; Second Quarter 2016: 9 million"""
    question = "What did 3M spend on research, development and related expenses in 2017?"
    assert table_cell(question, passages(quarterly)) is None
    cell = table_cell("What did 3M spend on research, development and related expenses in the second quarter of 2017?",
                      passages(quarterly))
    assert cell is not None and cell.value == "8 million"


# ---------------------------------------------------------------- columns named by words (held-out table set 4)

NICS = """Table: NICS Firearm Background Checks (November - 2015) columns: Permit | Handgun | Long Gun | Redemption Handgun | Redemption Long Gun | Totals
Kentucky: Permit: 264,140; Handgun: 12,155; Long Gun: 14,847; Redemption Handgun: 1,491; Redemption Long Gun: 2,315; Totals: 295,891
Kansas: Permit: 894; Handgun: 7,086; Long Gun: 8,702; Redemption Handgun: 486; Redemption Long Gun: 530; Totals: 18,433"""
RESULTS = """Table: Macro-F1 scores columns: HOVER (2-hop) Gold | HOVER (2-hop) Open | HOVER (3-hop) Gold | HOVER (3-hop) Open
MULTIVERS (Wadden et al., 2022b): HOVER (2-hop) Gold: 68.86; HOVER (2-hop) Open: 60.17; HOVER (3-hop) Gold: 59.87; HOVER (3-hop) Open: 52.55
LisT5 (Jiang et al., 2021): HOVER (2-hop) Gold: 56.15; HOVER (2-hop) Open: 52.56; HOVER (3-hop) Gold: 53.76; HOVER (3-hop) Open: 51.89"""
STAFF = """Table: 7 Employee benefit expenses (£'000) columns: 2022 | 2021 | 2020
Social security costs: 2022: (£40,881 thousand); 2021: (£33,773 thousand); 2020: (£29,743 thousand)"""


@pytest.mark.parametrize("question, value", [
    ("How many permit checks did Kentucky run through NICS in November 2015?", "264,140"),
    ("How many long gun redemption checks did Kentucky have?", "2,315"),  # not "Long Gun"
    ("What were Kansas's total checks?", "18,433"),  # "Totals" alone names its column
    ("How many handgun checks did Kentucky have?", "12,155"),  # "Handgun" over "Redemption Handgun"
])
def test_a_column_headed_by_words_is_the_one_the_question_names(question, value):
    cell = table_cell(question, [P(1, "table_fbi_nics_2015_11.pdf", 1, NICS)])
    assert (cell.value if cell else None) == value
    if cell is not None:  # row and column named; "checks" only by the caption ("NICS Firearm Background Checks")
        assert cell.strong and not cell.exact


def test_a_results_table_cell_named_by_row_and_two_header_levels():
    question = "What macro-F1 did MULTIVERS score on HOVER 3-hop claims in the open-book setting?"
    cell = table_cell(question, [P(1, "2023.acl-long.386.pdf", 6, RESULTS)])
    assert cell is not None and cell.value == "52.55" and cell.header == "HOVER (3-hop) Open"
    assert table_cell("What did MULTIVERS score on HOVER 3-hop?", [P(1, "2023.acl-long.386.pdf", 6, RESULTS)]) is None


def test_the_documents_own_name_from_its_first_page_is_no_subject_word():
    from rag.answer.cell import title_names

    question = "How much did Manchester United pay in social security costs in fiscal 2021?"
    names = title_names(question, {"manchester", "united", "plc", "form", "20"})
    assert names == {"manchester", "united"}
    assert title_names(question, {"form", "20"}) == set()
    texts = [P(1, "manu-20f-2022-09-24.pdf", 140, STAFF),
             P(2, "manu-20f-2022-09-24.pdf", 80, "Manchester United will pay a dividend of $0.09 per share.")]
    assert table_cell(question, texts) is None  # "manchester united" are half the subject words
    cell = table_cell(question, texts, names)
    assert cell is not None and cell.value == "(£33,773 thousand)"


def test_another_columns_value_of_the_cells_row_or_an_unverified_answer_to_a_strong_cell_is_replaced():
    question = "How much did Manchester United pay in social security costs in fiscal 2021?"
    cell = table_cell(question, [P(1, "manu-20f-2022-09-24.pdf", 140, STAFF)])
    answer = Answer(question=question, answer="Manchester United paid £40,881 in social security costs.")
    answer.verdict = Verdict(UNSUPPORTED)
    assert disproved_answer(answer, cell)  # the 2022 value for 2021
    answer.answer = "It paid £33,773 thousand."
    assert not disproved_answer(answer, cell)  # the cell's own value
    nics = table_cell("How many permit checks did Kentucky run?", [P(1, "table_fbi_nics_2015_11.pdf", 1, NICS)])
    answer.answer = "Kentucky ran 671,330 permit checks."
    assert disproved_answer(answer, nics)  # unsupported, and the cell names row and column
    answer.verdict = Verdict(VERIFIED)
    assert not disproved_answer(answer, nics)


def test_a_value_from_another_named_column_is_contradicted():
    results = [P(1, "2023.acl-long.386.pdf", 6, RESULTS)]
    question = "What macro-F1 did MULTIVERS score on HOVER 3-hop claims in the open-book setting?"
    verdict = verify("MULTIVERS scored 59.87.", results, question)  # the gold-evidence column beside it
    assert verdict.verdict == CONTRADICTED and "52.55" in verdict.reason and "HOVER (3-hop) Gold" in verdict.reason
    assert verify("MULTIVERS scored 52.55.", results, question).verdict == VERIFIED


def test_another_months_report_answers_nothing_for_the_asked_month():
    texts = [P(1, "table_fbi_nics_2015_11.pdf", 1, NICS)]
    assert table_cell("How many permit checks did Kentucky run in October 2015?", texts) is None
    assert verify("Kentucky, Permit: 264,140 [1].", texts,
                  "How many permit checks did Kentucky run in October 2015?").verdict != VERIFIED
    assert table_cell("How many permit checks did Kentucky run in November 2015?", texts).value == "264,140"


def test_rows_of_a_table_without_caption_are_read():
    """A table with no caption opens with "Table columns: ..." (or "Table" alone): its rows are rows all the same."""
    plain = RESULTS.replace("Table: Macro-F1 scores columns:", "Table columns:")
    question = "What macro-F1 did MULTIVERS score on HOVER 3-hop claims in the open-book setting?"
    cell = table_cell(question, [P(1, "2023.acl-long.386.pdf", 6, plain)])
    assert cell is not None and cell.value == "52.55"
    bare = "Table\nKentucky: 264,140; 12,155"
    from rag.answer.units import passage_units

    assert [u.kind for u in passage_units(P(1, "nics.pdf", 1, bare))] == ["row"]


REVENUE_NOTE = """Table: Revenue can be analysed into its three main components as follows (£'000) columns: 2022 | 2021
Commercial: 2022: £257,820 thousand; 2021: £232,205 thousand
Broadcasting:
Domestic competitions: 2022: £140,629 thousand; 2021: £174,683 thousand
European competitions: 2022: £67,477 thousand; 2021: £73,827 thousand"""
GOODWILL = """Table: Goodwill by segment (in millions) columns: Pharmacy Services | Retail/LTC | Total
Balance at December 31, 2016: Pharmacy Services: 21,845 million; Retail/LTC: 16,558 million; Total: 38,403 million
Balance at December 31, 2017: Pharmacy Services: 21,871 million; Retail/LTC: 16,632 million; Total: 38,503 million"""


def test_a_rows_section_title_counts_for_its_subject_and_a_label_names_its_year():
    cell = table_cell("How much broadcasting revenue came from European competitions in 2022?",
                      [P(1, "manu-20f.pdf", 136, REVENUE_NOTE)])
    assert cell is not None and cell.value == "£67,477 thousand" and cell.row.section == "Broadcasting"
    cell = table_cell("What was the goodwill balance of the Retail/LTC segment at December 31, 2017?",
                      [P(1, "CVS_2018_10K.pdf", 341, GOODWILL)])
    assert cell is not None and cell.value == "16,632 million"


def test_a_statements_title_in_the_caption_names_no_row():
    statement = """Table: ACTIVISION BLIZZARD, INC. (CONSOLIDATED STATEMENTS OF OPERATIONS, in millions) columns: 2019 | 2018
Net income: 2019: $1,503 million; 2018: $1,813 million"""
    texts = [P(1, "ACTIVISIONBLIZZARD_2019_10K.pdf", 71, statement),
             P(2, "ACTIVISIONBLIZZARD_2019_10K.pdf", 40, "Operating income rose in 2019.")]
    assert table_cell("What was Activision Blizzard's operating income in 2019?", texts) is None


WARN = """Table (continued) columns: Notice Date | Effective | Received | City | No. Of | Layoff/Closure
Toyota Motor North America: Notice Date: 07/20/2015; Effective: 12/31/2017; Received: 07/22/2015; City: Gardena; No. Of: 100; Layoff/Closure: Closure Permanent
Toyota Motor North America: Notice Date: 07/20/2015; Effective: 12/31/2017; Received: 07/22/2015; City: Torrance; No. Of: 3000; Layoff/Closure: Closure Permanent
Cisco Systems, Inc.: Notice Date: 07/21/2015; Effective: 07/22/2015; Received: 07/22/2015; City: San Jose; No. Of: 192; Layoff/Closure: Layoff Permanent"""


def test_a_record_is_told_from_its_others_by_its_words_and_its_one_count_answers_how_many():
    texts = [P(1, "table_multipage_ca_warn.pdf", 2, WARN)]
    cell = table_cell("How many employees were affected by Toyota Motor North America's closure in Torrance?", texts)
    assert cell is not None and cell.value == "3000" and cell.strong
    assert table_cell("How many employees did Toyota Motor North America lay off?", texts) is None  # two records
    date = table_cell("What was the notice date of the Cisco Systems layoff in San Jose?", texts)
    assert date is not None and date.value == "07/21/2015"


def test_a_negated_section_names_nothing_and_a_total_closes_its_section():
    income = """Table: ADOBE SYSTEMS INCORPORATED (Years Ended, In thousands) columns: 2015 | 2014
Non-operating income (expense):
Interest and other income (expense), net: 2015: 33,909 thousand; 2014: 7,267 thousand
Total non-operating income (expense), net: 2015: (29,314 thousand); 2014: (51,561 thousand)
Operating income: 2015: 903,095 thousand; 2014: 412,685 thousand
Net income: 2015: $629,551 thousand; 2014: $268,395 thousand"""
    cell = table_cell("What was Adobe's operating income in fiscal 2015?", [P(1, "ADOBE_2015_10K.pdf", 60, income)])
    assert cell is not None and cell.value == "903,095 thousand"
    from rag.answer.units import passage_units

    units = {u.label: u for u in passage_units(P(1, "ADOBE_2015_10K.pdf", 60, income)) if u.kind == "row"}
    assert units["Interest and other income (expense), net"].section == "Non-operating income (expense)"
    assert units["Net income"].section == ""


def test_of_rows_that_disagree_the_one_whose_table_states_its_unit_answers():
    statement = """Table: Consolidated Statements of Financial Position (Dollars in millions) columns: 2022 | 2021
Total liabilities: 2022: $152,948 million; 2021: $152,946 million"""
    fair_value = """Table columns: December 31, 2022 Total | December 31, 2022 Level 2
Total liabilities: December 31, 2022 Total: ($141); December 31, 2022 Level 2: ($141)"""
    cell = table_cell("What were Boeing's total liabilities at December 31, 2022?",
                      [P(1, "BOEING_2022_10K.pdf", 110, fair_value), P(2, "BOEING_2022_10K.pdf", 57, statement)])
    assert cell is not None and cell.value == "$152,948 million"


def test_a_date_in_a_column_header_names_no_column():
    from rag.answer.columns import header_words
    from rag.text import tokenize

    asked = set(tokenize("How much broadcasting revenue in the year to 30 June 2022?"))
    assert header_words("30 June 2022", asked) == set()
    assert header_words("HOVER (3-hop) Open", set(tokenize("HOVER 3-hop open-book"))) == {"hover", "3", "hop", "open"}


@pytest.mark.parametrize("reader", [
    "Front store revenue was 25.0% of Retail/LTC segment revenues in each of 2018, 2017 and 2016.",  # a percentage
    "Pharmacy revenues represented approximately three-fourths of Retail/LTC segment revenues in each of 2018, 2017 "
    "and 2016.",  # no figure at all
])
def test_a_percentage_or_no_figure_for_an_amount_asked_is_replaced_by_the_cell(reader):
    question = "What was front store revenue in CVS's Retail/LTC segment in 2016?"
    segment = """Table: Retail/LTC Segment (In millions) columns: 2017 | 2016
Revenues:
Front Store: 2017: $18,769 million; 2016: $19,123 million"""
    cell = table_cell(question, [P(1, "long_392p_cvs_10k_2018.pdf", 275, segment)])
    assert cell is not None and cell.value == "$19,123 million"
    answer = Answer(question=question, answer=reader)
    answer.verdict = Verdict(UNSUPPORTED)
    assert disproved_answer(answer, cell)


def test_a_label_fragment_under_its_title_is_a_strong_cell():
    eps = """Table: ACTIVISION BLIZZARD, INC. (Amounts in millions, except per share data) columns: 2018 | 2017
Earnings per common share:
Basic: 2018: 2.43; 2017: 0.36
Diluted: 2018: 2.40; 2017: 0.36"""
    cell = table_cell("What was Activision Blizzard's diluted earnings per share for 2018?",
                      [P(1, "ACTIVISIONBLIZZARD_2019_10K.pdf", 70, eps)])
    assert cell is not None and cell.value == "2.40" and cell.strong and not cell.exact


def test_a_records_count_is_verified_and_one_capitalised_word_is_no_name():
    from rag.answer.cell import title_names

    texts = [P(1, "table_multipage_ca_warn.pdf", 2, WARN)]
    question = "How many employees were affected by Toyota Motor North America's closure in Torrance?"
    assert verify("Toyota Motor North America, No. Of: 3000 [1].", texts, question).verdict == VERIFIED
    assert title_names("What was PaLM-2L + RAG's accuracy on StrategyQA?", {"palm", "2l", "2", "rag"}) == set()


def test_the_kind_asked_picks_between_an_amount_and_a_percent_column_of_the_same_date():
    """Columns "12/31/2010 $000's" and "12/31/2010 %": a balance asked is the amount, a share asked the percent."""
    from rag.answer.cell import _asked_value
    from rag.answer.units import Unit

    row = Unit(1, "bank.pdf", 2, "Lease financing receivables: 12/31/2010 $000's: 3,147,000; 12/31/2010 %: 21.2",
               kind="row", label="Lease financing receivables",
               cells=[("12/31/2010 $000's", "3,147,000"), ("12/31/2010 %", "21.2")])
    assert _asked_value(row, {2010}, by_date=True) == ("12/31/2010 $000's", "3,147,000")
    assert _asked_value(row, {2010}, by_date=True, percent_asked=True) == ("12/31/2010 %", "21.2")


STATS = """Table: Table 4: Employment rates (15 to 64 years) in Finland, EU-15 and EU-25 by gender in 1995, 2000 and 2005 (in %) columns: Finland Female | Finland Male | EU-15 Female | EU-15 Male | EU-25 Female | EU-25 Male
2000: Finland Female: 64.2%; Finland Male: 70.1%; EU-15 Female: 54.1%; EU-15 Male: 72.8%; EU-25 Female: 53.6%; EU-25 Male: 71.2%
2005: Finland Female: 66.5%; Finland Male: 70.3%; EU-15 Female: 57.4%; EU-15 Male: 72.9%; EU-25 Female: 56.3%; EU-25 Male: 71.3%
Table: Table 2: Persons employed by sector with breakdown by gender (in %) columns: Agriculture | Industry | Services
1996 Men: Agriculture: 9.5%; Industry: 39.4%; Services: 51.0%
1996 Women: Agriculture: 5.3%; Industry: 13.9%; Services: 80.9%"""
DISABILITY = """Table: Prevalence of Disability: 2005 and 2010 (Numbers in thousands) columns: 2005 Number | 2005 Margin of error (±) | 2010 Number | 2010 Margin of error (±) | 2010 Percent
With a disability › Employed: 2005 Number: 12,838 thousand; 2005 Margin of error (±): 495 thousand; 2010 Number: 12,115 thousand; 2010 Margin of error (±): 432 thousand; 2010 Percent: 41.1
Severe disability › Employed: 2005 Number: 5,738 thousand; 2005 Margin of error (±): 277 thousand; 2010 Number: 5,570 thousand; 2010 Margin of error (±): 261 thousand; 2010 Percent: 27.5"""


@pytest.mark.parametrize("question, label, value", [
    # a year's row named by the column the question names; "EU-25" in the question's order over "EU-15"; women
    ("What was the employment rate of women aged 15 to 64 across the EU-25 in 2005?", "2005", "56.3%"),
    # a share the table prints as a percentage, in the row of the year asked
    ("In 1996, what percentage of employed women worked in services?", "1996 Women", "80.9%"),
])
def test_a_statistics_table_cell_named_by_year_column_and_sex_is_read_and_verified(question, label, value):
    texts = [P(1, "report.pdf", 5, STATS)]
    cell = table_cell(question, texts)
    assert cell is not None and (cell.row.label, cell.value) == (label, value)
    assert verify(cell.answer(), texts, question).verdict == VERIFIED


def test_a_margin_of_error_is_not_the_count_asked_and_an_echoed_figure_does_not_hide_a_percentage():
    question = "In 2010, how many people aged 21 to 64 with a severe disability were employed?"
    texts = [P(1, "census.pdf", 1, DISABILITY)]
    cell = table_cell(question, texts)
    assert cell is not None and (cell.header, cell.value) == ("2010 Number", "5,570 thousand")
    assert verify(cell.answer(), texts, question).verdict == VERIFIED  # the margins of error are no rival columns
    answer = Answer(question=question, answer="In 2010, 41.1% of individuals aged 21 to 64 with a severe "
                                              "disability were employed.")
    answer.verdict = Verdict(UNSUPPORTED)
    assert disproved_answer(answer, cell)
    assert table_cell("What share of revenue was capital expenditure in 2018?", passages(CASH_FLOW)) is None


def test_a_row_indented_under_another_is_named_by_its_own_label_under_that_title():
    """"West › Utah": the row is Utah's, under the title West; the cell's answer still says where it stands."""
    regions = """Table: Public high school graduates, by region and state: projected columns: 2018–19 | 2019–20
West: 2018–19: 763,300; 2019–20: 768,900
West › Utah: 2018–19: 36,990; 2019–20: 37,700"""
    question = "How many public high school graduates are projected for Utah in the 2019-20 school year?"
    cell = table_cell(question, [P(1, "projections.pdf", 2, regions)])
    assert cell is not None and (cell.row.label, cell.row.section, cell.value) == ("Utah", "West", "37,700")
    assert cell.answer() == "West › Utah, 2019–20: 37,700 [1]."


def test_a_cell_printed_as_not_given_is_no_figure_and_says_so():
    """"EU-25 Female: :" (Eurostat's ":" for not available): the cell the question names gives no figure, and the
    answer says so with its place; a row that gives a figure beside it is in doubt."""
    stats = STATS.replace("2000: Finland Female: 64.2%;", "1995: Finland Female: 59.0%; EU-25 Female: :\n"
                                                           "2000: Finland Female: 64.2%;")
    question = "What was the employment rate of women across the EU-25 in 1995?"
    cell = table_cell(question, [P(1, "report.pdf", 5, stats)])
    assert cell is not None and not cell.given and cell.value == ":"
    assert cell.not_given() == "page 5 prints “:” for 1995, EU-25 Female: the table gives no figure there"
    answer = Answer(question=question, answer="The rate was 49.7%.")
    answer.verdict = Verdict(UNSUPPORTED)
    assert not disproved_answer(answer, cell)
    assert table_cell(question.replace("1995", "2005"), [P(1, "report.pdf", 5, stats)]).given


def test_a_columns_period_words_do_not_name_it():
    """"January 28, 2023 (Unaudited) (fiscal 2022)": "fiscal" names the period, not the column, so "Net income"
    (two of five subject words) does not outrank "Diluted" under "Net income per common share:"."""
    release = """Table: Consolidated Statements of Income (In thousands, except per share data) columns: January 28, 2023 (Unaudited) (fiscal 2022) | January 29, 2022 (fiscal 2021)
Net income: January 28, 2023 (Unaudited) (fiscal 2022): $340,751 thousand; January 29, 2022 (fiscal 2021): $331,069 thousand
Net income per common share:
Basic: January 28, 2023 (Unaudited) (fiscal 2022): $6.72; January 29, 2022 (fiscal 2021): $6.09
Diluted: January 28, 2023 (Unaudited) (fiscal 2022): $6.68; January 29, 2022 (fiscal 2021): $6.05"""
    cell = table_cell("What were Ulta Beauty's diluted net income per share in fiscal 2022?",
                      [P(1, "ULTABEAUTY_2023Q4_EARNINGS.pdf", 6, release)])
    assert cell is not None and (cell.row.label, cell.value) == ("Diluted", "$6.68")


def test_a_span_of_years_asked_is_the_column_of_that_span():
    """"1951-1961" asked: the "1951-1961" column, not "1961-1971" that shares a year; printed "-" there, a figure
    of the next decade is not verified."""
    growth = """Table: TABLE 4: STATE-WISE DECADAL GROWTH RATE OF POPULATION (Per cent) columns: 1951-1961 | 1961-1971 | 1971-1981
Assam: 1951-1961: 34.98; 1961-1971: 34.95; 1971-1981: 23.36
Arunachal Pradesh: 1951-1961: -; 1961-1971: 38.91; 1971-1981: 35.15"""
    from rag.answer.columns import asked_cells
    from rag.answer.units import passage_units

    texts = [P(1, "population_growth.pdf", 1, growth)]
    assam = passage_units(texts[0])[0]
    assert asked_cells(assam, {1961, 1971}) == [("1961-1971", "34.95")]
    assert len(asked_cells(assam, {1961})) == 2  # one year asked: both spans that hold it
    question = "What was Arunachal Pradesh's decadal population growth rate in 1951-1961?"
    assert verify("Arunachal Pradesh's growth rate in 1951-1961 was 38.91%.", texts, question).verdict != VERIFIED


def test_a_measure_word_the_table_prints_is_no_computation():
    """"average", "growth", "increase" ask for a computation unless the cell's row, title, column or caption prints
    the word: the average monthly employees and the growth rate are cells, an average of the years is not."""
    employees = """Table: Employees columns: 2022 | 2021
Average monthly number of employees: 2022: 1,035; 2021: 983"""
    growth = """Table: TABLE 4: STATE-WISE DECADAL GROWTH RATE OF POPULATION (Per cent) columns: 1951-1961 | 1961-1971
Assam: 1951-1961: 34.98; 1961-1971: 34.95"""
    cash = """Table: Cash flows (Millions) columns: 2018 | 2017
Net increase (decrease) in cash and cash equivalents: 2018: 1,200 million; 2017: (300 million)"""
    cell = table_cell("What was the average monthly number of employees in 2022?", passages(employees))
    assert cell is not None and cell.value == "1,035"
    cell = table_cell("What was Assam's population growth rate in 1951-1961?",
                      [P(1, "population_growth.pdf", 1, growth)])
    assert cell is not None and cell.value == "34.98"
    cell = table_cell("What was the net increase in cash and cash equivalents in 2018?", passages(cash))
    assert cell is not None and cell.value == "1,200 million"
    assert table_cell("What was the average capital expenditure in 2018?", passages(CASH_FLOW)) is None
    assert table_cell("How much did capital expenditure increase in 2018?", passages(CASH_FLOW)) is None


def test_a_row_of_another_month_or_of_a_whole_year_answers_no_question_about_a_month_or_a_span_of_days():
    """A repurchase table by month: December asked, the November title over the row does not verify its price; the
    days "from November 27, 2022 through December 31, 2022" are no year's column."""
    monthly = """Table: Issuer purchases of equity securities columns: Total Number of Shares Purchased | Average Price Paid Per Share
November 1-30, 2022
Repurchase program: Total Number of Shares Purchased: 3,228,300; Average Price Paid Per Share: $152.38
December 1-31, 2022
Repurchase program: Total Number of Shares Purchased: 1,505,700; Average Price Paid Per Share: $156.27"""
    texts = [P(1, "AMEX.pdf", 42, monthly)]
    question = "What average price per share did American Express pay for shares bought under its repurchase " \
               "program in December 2022?"
    assert verify("It paid $152.38 per share.", texts, question).verdict != VERIFIED
    assert verify("It paid $156.27 per share.", texts, question).verdict == VERIFIED
    yearly = """Table: Share repurchases columns: 2023 | 2022
Average price per share: 2023: $79.98; 2022: $108.97"""
    days = """Table: Repurchases during the fourth quarter columns: Total Number of Shares Purchased | Average Price Paid per Share
Nov. 27, 2022 through Dec. 31, 2022: Total Number of Shares Purchased: 3,580,328; Average Price Paid per Share: $82.18"""
    question = "What average price per share did Best Buy pay for common stock repurchased in the period from " \
               "November 27, 2022 through December 31, 2022?"
    assert table_cell(question, [P(1, "BBY.pdf", 40, yearly)]) is None
    cell = table_cell(question, [P(1, "BBY.pdf", 40, yearly), P(2, "BBY.pdf", 22, days)])
    assert cell is None or cell.value == "$82.18"
    assert verify("Best Buy paid $108.97 per share.", [P(1, "BBY.pdf", 40, yearly)], question).verdict != VERIFIED


def test_a_row_of_another_segments_table_neither_answers_nor_verifies_and_a_caption_naming_the_rest_is_strong():
    domestic = """Table: Domestic Segment, Selected financial data for the Domestic segment was as follows: ($ in millions) columns: 2023 | 2022
Revenue: 2023: $42,794 million; 2022: $47,830 million"""
    international = """Table: International Segment, Selected financial data for the International segment was as follows: ($ in millions) columns: 2023 | 2022
Revenue: 2023: $3,504 million; 2022: $3,907 million"""
    question = "How much revenue did Best Buy's International segment generate in fiscal 2023?"
    texts = [P(1, "BBY.pdf", 25, domestic), P(2, "BBY.pdf", 27, international)]
    assert verify("It generated $42,794 million.", texts, question).verdict != VERIFIED
    cell = table_cell(question, texts)
    assert cell is not None and cell.value == "$3,504 million"
    accrued = """Table: Accrued Liabilities, Accrued liabilities at December 31 consisted of the following: columns: 2022 | 2021
Forward loss recognition: 2022: 4,060; 2021: 2,014
Accrued interest payable: 2022: 599; 2021: 641"""
    cell = table_cell("How much did Boeing carry in accrued liabilities for forward loss recognition at December 31, "
                      "2022?", [P(1, "BOEING_2022_10K.pdf", 87, accrued)])
    assert cell is not None and cell.value == "4,060" and cell.strong and not cell.exact


def test_a_year_titling_quarterly_rows_and_a_schedules_year_row_are_the_asked_periods():
    """"2018:" over a quarterly table's rows dates them (the 2015 question finds no cell there); a schedule "as of
    December 31, 2018" answers "due in 2022" from its "2022" row, not its total, and a footnote mark in the column's
    header ("Operating Leases (1)") is no figure of the answer."""
    quarterly = """Table: 18. Quarterly Financial Information (Unaudited) (In millions, except per share amounts) columns: First Quarter | Second Quarter | Third Quarter | Fourth Quarter | Year
2018:
Total revenues (1): First Quarter: $45,743 million; Second Quarter: $46,922 million; Third Quarter: $47,490 million; Fourth Quarter: $54,424 million; Year: $194,579 million"""
    texts = [P(1, "CVS.pdf", 374, quarterly)]
    cell = table_cell("What were CVS Health's total revenues in the third quarter of 2018, according to its "
                      "unaudited quarterly financial information?", texts)
    assert cell is not None and cell.value == "$47,490 million"
    assert table_cell("What were CVS Health's total revenues in the third quarter of 2015?", texts) is None
    leases = """Table: The following table is a summary of the future minimum lease payments under capital and operating leases as of December 31, 2018 : (In millions) columns: Capital Leases | Operating Leases (1)
2022: Capital Leases: 73 million; Operating Leases (1): 2,233 million
2023: Capital Leases: 73 million; Operating Leases (1): 2,110 million
Total future lease payments: Capital Leases: 1,241 million; Operating Leases (1): $27,980 million"""
    texts = [P(1, "CVS.pdf", 344, leases)]
    question = ("Under CVS Health's future minimum lease payments as of December 31, 2018, how much is due on "
                "operating leases in 2022?")
    cell = table_cell(question, texts)
    assert cell is not None and cell.value == "2,233 million"
    assert cell.answer() == "2022, Operating Leases: 2,233 million [1]."
    assert verify(cell.answer(), texts, question).verdict == VERIFIED
    assert verify("Operating leases of $27,980 million are due in 2022.", texts, question).verdict != VERIFIED


def test_a_number_the_question_uses_as_a_name_must_be_in_the_verifying_passage():
    """"Boeing's 787 program": the company's total revenues do not verify a figure for the 787."""
    income = """Table: Consolidated Statements of Operations (Dollars in millions) columns: 2022 | 2021
Total revenues: 2022: $66,608 million; 2021: $62,286 million"""
    orders = """Table: Commercial Airplanes programs columns: 737 | 767 | 787
Cumulative firm orders: 737: 5,000; 767: 1,300; 787: 1,417"""
    question = "How much revenue did Boeing's 787 program generate in 2022?"
    assert verify("Boeing's 787 program generated $66,608 million in 2022.", [P(1, "BOEING.pdf", 55, income)],
                  question).verdict != VERIFIED
    assert verify("Cumulative firm orders, 787: 1,417 [1].", [P(1, "BOEING.pdf", 40, orders)],
                  "What was the cumulative number of firm orders for Boeing's 787 program?").verdict == VERIFIED


def test_the_row_naming_what_its_table_leaves_unsaid_is_the_one_asked():
    """"R&D credits" in "The components of deferred tax assets": the words the caption does not hold ("R&D
    credits") name the row, not the total that repeats the caption's words."""
    taxes = """Table: The components of deferred tax assets and liabilities were as follows: (As of December 31, in thousands) columns: 2015 | 2014
Stock-based compensation: 2015: $131,339 thousand; 2014: $100,397 thousand
R&D credits: 2015: 74,091 thousand; 2014: 21,014 thousand
Total deferred tax assets: 2015: $180,573 thousand; 2014: $131,201 thousand"""
    cell = table_cell("How large was Netflix's deferred tax asset from R&D credits as of December 31, 2015?",
                      [P(1, "NETFLIX_2015_10K.pdf", 59, taxes)])
    assert cell is not None and cell.value == "74,091 thousand" and cell.strong
    cell = table_cell("What were Netflix's total deferred tax assets as of December 31, 2015?",
                      [P(1, "NETFLIX_2015_10K.pdf", 59, taxes)])
    assert cell is not None and cell.value == "$180,573 thousand"


def test_consolidated_rows_answer_a_question_naming_no_segment_and_a_statements_row_outranks_a_notes():
    consolidated = """Table: Reconciliations of total segment net revenues (Amounts in millions) columns: 2019 | 2018
Consolidated net revenues: 2019: $6,489 million; 2018: $7,500 million"""
    segment = """Table: Domestic Segment, Selected financial data for the Domestic segment was as follows: ($ in millions) columns: 2019 | 2018
Net revenues: 2019: $5,000 million; 2018: $5,100 million"""
    texts = [P(1, "ACTIVISION.pdf", 41, consolidated), P(2, "ACTIVISION.pdf", 40, segment)]
    question = "What were Activision Blizzard's net revenues in 2019?"
    cell = table_cell(question, texts)
    assert cell is not None and cell.value == "$6,489 million" and cell.exact
    assert verify(cell.answer(), texts, question).verdict == VERIFIED
    income = """Table: Consolidated Statement of Income, Years ended December 31 (Millions) columns: 2018 | 2017
Research, development and related expenses: 2018: 1,821 million; 2017: 1,870 million"""
    stock = """Table: Stock-Based Compensation Expense (Millions) columns: 2018 | 2017
Research, development and related expenses: 2018: 45 million; 2017: 46 million"""
    cell = table_cell("What did 3M spend on research, development and related expenses in 2017?",
                      [P(1, FILE, 122, stock), P(2, FILE, 56, income)])
    assert cell is not None and cell.value == "1,870 million"


def test_a_roll_forwards_movements_are_the_years_of_the_balances_around_them():
    """Movements between "Outstanding at December 31, 2018" and the 2019 balance are 2019's; 3M's goodwill
    roll-forward lists "Acquisition activity" once per year, each dated by the balance it ends in."""
    options = """Table: Stock Option Activity, Stock option activity is as follows: columns: Number of Shares (in thousands) | Weighted-average exercise price
Outstanding stock options at December 31, 2018: Number of Shares (in thousands): 17,137 thousand; Weighted-average exercise price: $39.73
Granted: Number of Shares (in thousands): 3,992 thousand; Weighted-average exercise price: 49.14
Forfeited: Number of Shares (in thousands): (2,852 thousand); Weighted-average exercise price: 46.19"""
    texts = [P(1, "ACTIVISIONBLIZZARD_2019_10K.pdf", 111, options)]
    question = "How many Activision Blizzard stock options were forfeited during 2019?"
    cell = table_cell(question, texts)
    assert cell is not None and cell.value == "(2,852 thousand)"
    assert verify(cell.answer(), texts, question).verdict == VERIFIED
    assert table_cell("How many Activision Blizzard stock options were forfeited during 2017?", texts) is None
    goodwill = """Table: Goodwill (Millions) columns: Safety and Graphics | Total Company
Balance as of December 31, 2016: Safety and Graphics: $3,324 million; Total Company: $9,166 million
Acquisition activity: Safety and Graphics: 1,296 million; Total Company: 1,302 million
Balance as of December 31, 2017: Safety and Graphics: 4,419 million; Total Company: 10,513 million
Acquisition activity: Safety and Graphics: 7 million; Total Company: 7 million
Balance as of December 31, 2018: Safety and Graphics: 4,426 million; Total Company: 10,520 million"""
    texts = [P(1, "3M_2018_10K.pdf", 77, goodwill)]
    cell = table_cell("How much goodwill did acquisition activity add to the Safety and Graphics segment during "
                      "2017?", texts)
    assert cell is not None and cell.value == "1,296 million"
    question = "How much goodwill did acquisition activity add to the Safety and Graphics segment in 2018?"
    assert verify("Acquisition activity added $1,296 million.", texts, question).verdict != VERIFIED


def test_a_statement_of_operations_is_no_segment_and_a_segment_asked_must_be_named_where_the_answer_is_stated():
    operations = """Table: CONSOLIDATED STATEMENTS OF OPERATIONS (Year Ended December 31, in millions) columns: 2016 | 2017
Total net sales: 2016: 135,987 million; 2017: 177,866 million"""
    cell = table_cell("What were Amazon's total net sales in 2017?", [P(1, "AMAZON_2017_10K.pdf", 38, operations)])
    assert cell is not None and cell.value == "177,866 million"
    brand = """Table: NIKE Brand revenues by product (Dollars in millions) columns: FY2019 | FY2018
Apparel: FY2019: $11,550 million; FY2018: $10,733 million"""
    question = "How much apparel revenue did Nike's Greater China segment generate in fiscal 2019?"
    assert verify("The Greater China segment generated $11,550 million.", [P(1, "NIKE.pdf", 41, brand)],
                  question).verdict != VERIFIED


def test_the_columns_after_a_units_exception_are_not_what_it_excepts():
    """"($ in millions, except per share amounts) columns: January 28, 2023 (fiscal 2023) | ...": the dates are
    columns, not what the unit excepts; the goodwill cell keeps its millions and verifies."""
    sheet = """Table: Consolidated Balance Sheets ($ in millions, except per share amounts) columns: January 28, 2023 (fiscal 2023) | January 29, 2022 (fiscal 2022)
Goodwill: January 28, 2023 (fiscal 2023): 1,383 million; January 29, 2022 (fiscal 2022): 1,384 million"""
    question = "What goodwill does Best Buy have for the fiscal year ending January 28, 2023?"
    texts = [P(1, "BESTBUY_2023_10K.pdf", 41, sheet)]
    cell = table_cell(question, texts)
    assert cell is not None and verify(cell.answer(), texts, question).verdict == VERIFIED


def test_a_segments_row_does_not_verify_a_question_naming_no_segment_even_when_it_is_the_only_one_found():
    streaming = """Table: Segment Results, Domestic Streaming Segment (in thousands) columns: 2015 | 2014
Marketing: 2015: 317,646 thousand; 2014: 293,453 thousand"""
    question = "What was Netflix's marketing expense in 2015?"
    assert verify("Netflix's marketing expense in 2015 was 317,646 thousand.", [P(1, "NETFLIX.pdf", 21, streaming)],
                  question).verdict != VERIFIED
    assert table_cell(question, [P(1, "NETFLIX.pdf", 21, streaming)]) is None
    assert verify("It was 317,646 thousand.", [P(1, "NETFLIX.pdf", 21, streaming)],
                  "What was the Domestic Streaming segment's marketing expense in 2015?").verdict == VERIFIED


def test_a_label_and_a_question_inflecting_a_word_differently_name_the_same_row():
    """"How many shares of treasury stock did 3M reacquire in 2017?" names the row "Reacquired stock" under
    "Treasury stock" (3M's supplemental share information)."""
    shares = P(1, "3M_2018_10K.pdf", 59, "Table: Supplemental share information columns: 2018 | 2017 | 2016\n"
                                          "Treasury stock\n"
                                          "Beginning balance: 2018: 349,148,819; 2017: 347,306,778; 2016: 334,702,932\n"
                                          "Reacquired stock: 2018: 23,526,293; 2017: 10,209,963; 2016: 22,602,748")
    cell = table_cell("How many shares of treasury stock did 3M reacquire in 2017?", [shares])
    assert cell is not None and cell.value == "10,209,963"


def test_a_quarterly_tables_date_column_an_undated_tables_latest_year_and_a_period_end_label():
    from rag.answer.cell import table_cell

    quarterly = P(1, "netflix-2015-10k.pdf", 63, """Table: Selected Quarterly Financial Data (in thousands) columns: December 31 | September 30 | June 30 | March 31 | 2015
Net income: December 31: 43,178 thousand; September 30: 29,432 thousand; June 30: 26,335 thousand; March 31: 23,696 thousand""")
    cell = table_cell("What was Netflix's net income for the quarter ended June 30, 2015?", [quarterly])
    assert cell is not None and cell.value == "26,335 thousand"
    # a table naming no year is of the year the document's other tables report on last
    facilities = P(1, "amazon-2017-10k.pdf", 16, """Table: Property and equipment by segment (in millions) columns: 2016 | 2017
AWS: 2016: 10,300 million; 2017: 14,885 million
Table columns: Leased Square Footage | Owned Square Footage
AWS: Leased Square Footage: 6,197; Owned Square Footage: 4,024""")
    cell = table_cell("How much owned square footage did Amazon's AWS segment have as of December 31, 2017?", [facilities])
    assert cell is not None and cell.value == "4,024"
    assert table_cell("How much owned square footage did Amazon's AWS segment have in 2016?", [facilities]) is None
    segment = P(1, "netflix-2015-10k.pdf", 22, """Table: International Streaming Segment (in thousands) columns: December 31, 2015 | December 31, 2014
Paid memberships at end of period: December 31, 2015: 27,438 thousand; December 31, 2014: 16,778 thousand""")
    cell = table_cell("How many paid memberships did Netflix's International streaming segment have at the end of 2014?",
                      [segment])
    assert cell is not None and cell.value == "16,778 thousand"


def test_an_undated_total_of_a_table_whose_parts_name_their_months_is_not_the_latest_years():
    head = ("Table: Share repurchases columns: Total Number of Shares Purchased | Average Price Paid Per Share | "
            "Yet Be Purchased Under the Plans or Programs")
    repurchases = [P(1, "amex-2022-10k.pdf", 42, f"""{head}
November 1-30, 2022
Repurchase program(a): Total Number of Shares Purchased: 3,228,300; Average Price Paid Per Share: $152.38; Yet Be Purchased Under the Plans or Programs: 37,355,642"""),
                   P(2, "amex-2022-10k.pdf", 42, f"""{head}
Total
Repurchase program(a): Total Number of Shares Purchased: 4,169,484; Average Price Paid Per Share: $153.26; Yet Be Purchased Under the Plans or Programs: 36,414,458"""),
                   P(3, "amex-2022-10k.pdf", 40, """Table: Share data (millions) columns: 2022 | 2021
Shares outstanding: 2022: 743 million; 2021: 761 million""")]
    cell = table_cell("How many shares could still be purchased under American Express's repurchase program at the end "
                      "of November 2022?", repurchases)
    assert cell is not None and cell.value == "37,355,642"


def test_a_chinese_change_asked_is_read_only_from_a_column_printing_a_change():
    table = ("Table: 一、主要财务数据 (单位：万元) columns: 本报告期 | 年初至报告期末 | 年初至报告期末比上年同期增减(%)\n"
             "营业收入: 本报告期: 186,432.57 万元; 年初至报告期末: 512,908.31 万元; 年初至报告期末比上年同期增减(%): 9.87%")
    passages = [P(1, "report.pdf", 1, table)]
    assert table_cell("年初至报告期末，营业收入是多少？", passages).value == "512,908.31 万元"
    assert table_cell("年初至报告期末，营业收入同比增长了多少？", passages) is None or \
        table_cell("年初至报告期末，营业收入同比增长了多少？", passages).value == "9.87%"  # not the amount


WARN_ROWS = """Table columns: Notice Date | Effective | Received | City | No. Of
Pinecrest Schools: Notice Date: 02/12/2016; Effective: 06/15/2016; Received: 02/12/2016; City: Woodland Hills; No. Of: 71
Pinecrest Schools: Notice Date: 02/12/2016; Effective: 06/15/2016; Received: 02/12/2016; City: Thousand Oaks; No. Of: 37
Exel Inc.: Notice Date: 12/01/2014; Effective: 01/18/2015; Received: 12/03/2014; City: Ontario; No. Of: 160"""


def test_a_row_naming_its_place_in_a_cell_answers_only_for_that_place():
    passages = [P(1, "warn.pdf", 13, WARN_ROWS)]
    asked = "What is the effective date of Pinecrest Schools' closure in {}?"
    cell = table_cell(asked.format("Thousand Oaks"), passages)
    assert cell is not None and cell.value == "06/15/2016" and "Thousand Oaks" in cell.row.text
    assert table_cell(asked.format("Pasadena"), passages) is None  # no Pinecrest row is in Pasadena
    assert verify("The closure in Pasadena was effective on 06/15/2016.", passages,
                  asked.format("Pasadena")).verdict != VERIFIED
    assert verify("Exel Inc.'s closure was effective on 01/18/2015.", passages,
                  "What is the effective date of Exel Inc.'s closure in Ontario?").verdict == VERIFIED


def test_a_footnote_mark_on_the_rows_label_is_no_figure_of_the_answer():
    """Costco's "Investment in government and agency securities(1)": the cell answer left the "(1)" in, and the
    verifier read it as a second figure, "stated for a quarter"."""
    table = """Table: Level 2 fair value (in millions) columns: 2021 | 2020
Investment in government and agency securities(1): 2021: $393 million; 2020: $1,017 million"""
    question = "At the end of fiscal 2021, what was the Level 2 fair value of Costco's investment in government and agency securities?"
    cell = table_cell(question, passages(table))
    assert cell.answer() == "Investment in government and agency securities, 2021: $393 million [1]."
    assert verify(cell.answer(), passages(table), question).verdict == VERIFIED


def test_a_percentage_is_not_contradicted_by_the_amount_it_is_a_share_of():
    table = """Table: CONSOLIDATED STATEMENTS OF INCOME (Years Ended, In thousands) columns: November 27, 2015 | November 28, 2014
Total revenue: November 27, 2015: 4,795,511 thousand; November 28, 2014: 4,147,065 thousand
Table: Provision for Income Taxes (dollars in millions) columns: Fiscal 2015 | Fiscal 2014
Provision 163% 40% › Percentage of total revenue: Fiscal 2015: 5%; Fiscal 2014: 2%"""
    question = "What share of Adobe's total revenue did its provision for income taxes represent in fiscal 2015?"
    answer = "The provision for income taxes represented 5% of Adobe's total revenue in fiscal 2015."
    assert verify(answer, passages(table), question).verdict != CONTRADICTED


KESSAN_SEGMENTS = """Table: （報告セグメントごとの売上高及び利益の金額） columns: セグメント利益 当期 | セグメント利益 前期
業務用食品事業: セグメント利益 当期: 3,214 百万円; セグメント利益 前期: 2,806 百万円
外食事業: セグメント利益 当期: 1,146 百万円; セグメント利益 前期: 987 百万円"""


def test_a_japanese_question_naming_the_current_period_column_gets_its_cell():
    cell = table_cell("外食事業の当期（2025年3月期）のセグメント利益はいくらですか？", passages(KESSAN_SEGMENTS))
    assert cell is not None and cell.value == "1,146 百万円" and cell.row.label == "外食事業"
    # the year alone names no column of a table headed by the period: doubt, the reader answers
    assert table_cell("外食事業の2025年3月期のセグメント利益はいくらですか？", passages(KESSAN_SEGMENTS)) is None


PACKAGES = """Table: Table 11.1: テキストデーター変換ツールのリスト columns: ポプコン | サイズ | キーワード
libc6: ポプコン: V:930, I:999; サイズ: 12977; キーワード: 文字セット
nkf: ポプコン: V:0, I:10; サイズ: 360; キーワード: 文字セット"""


def test_a_package_tables_size_cell_is_named_by_the_package_the_column_and_the_caption():
    cell = table_cell("テキストデーター変換ツールのリストで、nkf パッケージのサイズはいくつですか？", passages(PACKAGES))
    assert cell is not None and cell.value == "360"


def test_money_is_no_answer_to_how_many():
    comp = """Table: Stock-based compensation (Dollars in millions) columns: 2021 | 2020
Stock options: 2021: $323 million; 2020: $237 million"""
    asked = "How many Nike stock options were exercised during the fiscal year ended May 31, 2021?"
    assert table_cell(asked, passages(comp)) is None
    assert verify("Stock options, 2021: $323 million [1].", passages(comp), asked).verdict == UNSUPPORTED
    assert table_cell("How much stock option expense did Nike record in 2021?", passages(comp)).value == "$323 million"


def test_a_row_not_naming_the_latin_name_a_cjk_question_asks_about_is_no_answer():
    ibus = """Table: Table 8.1: IBus 和它的引擎軟體包列表 columns: 流行度 | 大小
ibus: 流行度: V:198, I:234; 大小: 1637
ibus-mozc: 流行度: V:1, I:2; 大小: 951"""
    assert table_cell("在 IBus 輸入法相關的軟體包列表中，fcitx5 軟體包的大小是多少？", passages(ibus)) is None
    assert verify("ibus, 大小: 1637 [1].", passages(ibus), "在 IBus 輸入法相關的軟體包列表中，fcitx5 軟體包的大小是多少？"
                  ).verdict == UNSUPPORTED
    assert table_cell("在 IBus 輸入法相關的軟體包列表中，ibus-mozc 軟體包的大小是多少？", passages(ibus)).value == "951"


def test_a_fiscal_period_asked_by_its_number_is_the_column_headed_by_it():
    indicators = """Table: (2) 提出会社の経営指標等 columns: 第77期 2024年3月 | 第78期 2025年3月
（うち1株当たり中間配当額）(円): 第77期 2024年3月: (22.00); 第78期 2025年3月: (26.50)
配当性向 (％): 第77期 2024年3月: 32.3; 第78期 2025年3月: 34.1"""
    cell = table_cell("澪標工業の第78期の1株当たり配当額のうち、中間配当額はいくらですか？", passages(indicators))
    assert cell is not None and cell.value == "(26.50)" and cell.header == "第78期 2025年3月"
    assert table_cell("澪標工業の第79期の1株当たり配当額のうち、中間配当額はいくらですか？", passages(indicators)) is None
