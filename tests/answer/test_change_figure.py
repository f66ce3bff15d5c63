"""A figure stated as a change is no answer to a question about a level."""

from __future__ import annotations

import pytest

from rag.answer.change_figure import asks_change, stated_as_change
from rag.answer.verdict import CONTRADICTED, VERIFIED
from rag.answer.verify import verify
from tests.answer.test_verify import P

PAPER = ("STEP-BACK PROMPTING improves the performance of PaLM-2L across the board: 7% and 11% on MMLU Physics and "
         "Chemistry, 27% on TimeQA. PaLM-2L + Step-Back achieves 73.2% on MMLU Physics.")


@pytest.mark.parametrize("text, figure, expected", [
    ("Net sales increased 18.3% to $10.2 billion.", "18.3%", True),
    ("Net sales increased 18.3% to $10.2 billion.", "$10.2", False),
    ("It improves MMLU Physics and Chemistry by 7% and 11%, TimeQA by 27%.", "11%", True),
    ("It improves MMLU Physics and Chemistry by 7% and 11%, TimeQA by 27%.", "27%", True),
    ("Operating income was up 5% in the year.", "5%", True),
    ("We reduced our debt by approximately $500 million.", "$500", True),
    ("Revenue was $5.1 billion. It increased by 3%.", "$5.1", False),  # another sentence's verb
    ("The plan was approved by 2,000 members.", "2,000", False),  # "by" without a verb of change
    ("Revenue from Digital Marketing increased $126.3 million during fiscal 2014.", "126.3", True),  # after "$"
    ("Revenue from Digital Marketing was $126.3 million in fiscal 2014.", "126.3", False),
])
def test_figures_stated_as_changes(text, figure, expected):
    assert stated_as_change(text, text.index(figure)) is expected


def test_a_change_does_not_verify_a_level_but_answers_a_question_about_the_change():
    assert not asks_change("What score did PaLM-2L + Step-Back achieve in MMLU Physics?")
    assert asks_change("By how much did Step-Back improve PaLM-2L on MMLU Physics?")
    passages = [P(1, "STEPBACK.pdf", 3, PAPER)]
    wrong = verify("PaLM-2L + Step-Back achieved 7% in MMLU Physics.", passages,
                   "What score did PaLM-2L + Step-Back achieve in MMLU Physics?")
    assert wrong.verdict == CONTRADICTED and "as a change" in wrong.reason
    assert verify("73.2%", passages, "What score did PaLM-2L + Step-Back achieve in MMLU Physics?").verdict \
        == VERIFIED
    assert verify("7%", passages, "By how much did Step-Back improve PaLM-2L on MMLU Physics?").verdict == VERIFIED
