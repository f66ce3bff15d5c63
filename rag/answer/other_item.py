"""Whether an unsupported answer's figure is another item's: stated in the passages only in table cells whose row and
column name nothing the question asks about.

A small reader asked for something the documents do not state ("审计费用", the audit fee) often answers with a
figure it read in a table: "7,552,816,903.44元", the total assets of 2022. No sentence or row states that figure
for what was asked (the verdict is `unsupported`), and every cell that holds it is named by other words: its row's
label, the title it stands under and its column's header share no word with the question's subject. Such an answer is
withdrawn, the cell kept as the closest evidence. A figure a sentence also holds is left alone (a sentence's
subject is not told apart this way), as is a question in another script than the row (an English question about a
Chinese table shares no word with it however right the answer).

Measured on the saved answers of 16 English and Chinese/Japanese evaluation runs before adoption: 12 flagged (4 to
unanswerable questions, 8 wrong answers), none of them right (see docs/verification.md).

Hands on `other_items_cell` to `rag.answer.settle`.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.answer.grounding import Figure, Passage, figures
from rag.answer.question_subject import subject_words
from rag.answer.units import Unit, passage_units
from rag.answer.verify import label_words
from rag.query.terms import mostly_cjk
from rag.text import has_cjk, tokenize


def other_items_cell(answer: str, passages: Sequence[Passage], question: str) -> tuple[Unit, str, str] | None:
    """The (row, column header, value) stating the answer's figure for another item, when every cell holding it is
    another item's and no sentence holds it; None otherwise."""
    claimed = _new_figures(answer, question)
    if not claimed or not passages:
        return None
    subject = subject_words(question, passages[0].file)
    cells: list[tuple[Unit, str, str]] = []
    for passage in passages:
        for unit in passage_units(passage):
            if unit.kind != "row":
                if _holds(unit.text, claimed):
                    return None  # a sentence states it: its subject is not told apart here
                continue
            cells += [(unit, head, value) for head, value in unit.cells if _holds(value, claimed)]
    if not cells or any(has_cjk(unit.label) != mostly_cjk(question) for unit, _, _ in cells):
        return None
    if any(_naming_words(unit, head) & subject for unit, head, _ in cells):
        return None
    return cells[0]


def _new_figures(answer: str, question: str) -> list[Figure]:
    """The answer's figures that the question does not itself hold (a year, "3.250% Notes")."""
    asked = [figure for _, figure, _ in figures(question)]
    return [figure for _, figure, _ in figures(answer) if not any(figure.value == other.value for other in asked)]


def _holds(text: str, claimed: list[Figure]) -> bool:
    return any(figure.supported_by(other) for figure in claimed for _, other, _ in figures(text))


def _naming_words(unit: Unit, head: str) -> set[str]:
    """The words naming a cell: its row's label, the title the row stands under and its column's header."""
    return label_words(unit.label) | set(tokenize(unit.section)) | set(tokenize(head))
