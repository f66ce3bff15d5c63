"""Settling a finished answer: an invented figure is withdrawn with its closest evidence; a misspelt name is not."""

from __future__ import annotations

from rag.answer.result import Answer, Source
from rag.answer.settle import settle
from rag.answer.streaming import HeldAbstention

TEXT = "The Zephyr Kite Company employs 1,234 people in its workshop in Lisbon."


def _settled(answer_text: str, question: str, withdraw: bool = True) -> tuple[Answer, list[str]]:
    answer = Answer(question=question, answer=answer_text,
                    sources=[Source(number=1, file="kites.pdf", page=2, score=0.8, text=TEXT)])
    notes: list[str] = []
    settle(answer, HeldAbstention(None, question), question, False, None, notes.append, withdraw)
    return answer, notes


def test_an_invented_figure_is_withdrawn_and_the_closest_evidence_kept():
    answer, notes = _settled("The company employs 4,500 people.", "How many people does the company employ?")
    assert answer.abstained and "“4,500”" in answer.abstain_reason
    assert answer.answer.startswith("The documents do not contain the answer")
    assert answer.verdict.verdict == "unsupported" and answer.verdict.unit.page == 2
    assert notes and notes[0].startswith("note: answer withdrawn")


def test_a_stated_figure_stays_and_a_misspelt_name_is_only_marked():
    answer, _ = _settled("It employs 1,234 people.", "How many people does the Zephyr Kite Company employ?")
    assert not answer.abstained and answer.verdict.verdict == "verified"
    answer, _ = _settled("In Lisbon, at the Zephyre Kite Company.", "In which city is the workshop?")
    assert not answer.abstained and answer.grounding.grounded is False


def test_withdrawal_can_be_turned_off():
    answer, _ = _settled("The company employs 4,500 people.", "How many people does the company employ?",
                         withdraw=False)
    assert not answer.abstained and answer.verdict.verdict == "unsupported"


def test_another_years_figure_for_a_year_no_row_covers_is_withdrawn_with_what_the_rows_state():
    table = ("Table: Consolidated Statements of Income (In thousands) columns: Fiscal 2022 | Fiscal 2021\n"
             "Net sales (In thousands): Fiscal 2022: $10,208,580 thousand; Fiscal 2021: $8,630,889 thousand")
    question = "What were the company's net sales in fiscal 2023?"
    answer = Answer(question=question, answer="Net sales in fiscal 2023 were $10,208,580 thousand.",
                    sources=[Source(number=1, file="ulta.pdf", page=6, score=0.8, text=table)])
    notes: list[str] = []
    settle(answer, HeldAbstention(None, question), question, False, None, notes.append, True)
    assert answer.abstained and answer.verdict.verdict == "contradicted" and answer.verdict.unit.page == 6
    assert "gives $10,208,580 thousand for 2022 (Net sales) and no figure for 2023" in answer.answer
    assert notes and notes[0].startswith("note: answer withdrawn")
    stated = Answer(question="What were net sales in fiscal 2021?", answer="$10,208,580 thousand",
                    sources=answer.sources)
    settle(stated, HeldAbstention(None, stated.question), stated.question, False, None, None, True)
    assert not stated.abstained and stated.verdict.verdict == "contradicted"  # the asked year is there: shown


BALANCE = """Table: 主要会计数据 (单位：元) columns: 2024年末 | 2023年末
总资产: 2024年末: 7,552,816,903.44; 2023年末: 6,901,004,512.10
营业收入: 2024年末: 4,186,225,017.35; 2023年末: 3,742,905,318.27"""


def _settled_on(text: str, answer_text: str, question: str) -> Answer:
    answer = Answer(question=question, answer=answer_text,
                    sources=[Source(number=1, file="report.pdf", page=2, score=0.8, text=text)])
    settle(answer, HeldAbstention(None, question), question, False, None, None)
    return answer


def test_a_figure_the_tables_state_only_for_another_item_is_withdrawn_with_that_cell():
    answer = _settled_on(BALANCE, "审计费用为7,552,816,903.44元。", "鹭汀新材2024年度支付给会计师事务所的审计费用是多少？")
    assert answer.abstained and answer.abstain_reason.startswith("page 2 gives 7,552,816,903.44 for 总资产")
    assert answer.verdict.unit.label == "总资产"
    # the asked item's own row: verified, not withdrawn
    answer = _settled_on(BALANCE, "2024年营业收入为4,186,225,017.35元。", "鹭汀新材2024年的营业收入是多少？")
    assert not answer.abstained and answer.verdict.verdict == "verified"
    # an English question about a Chinese table shares no word with its rows: left alone
    answer = _settled_on(BALANCE, "Total assets were 7,552,816,903.44 yuan.", "What were Luting's total assets in 2024?")
    assert not answer.abstained
