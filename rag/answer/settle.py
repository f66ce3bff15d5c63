"""Settling the answer once the reader is done: the reader's own "no answer" is an abstention; an answer that only
restates the question is withdrawn; any other answer is shown and checked (grounding and the verdict of
`rag.answer.verify`), and withdrawn when it is invented, another period's figure for one the documents do not
cover, or a figure they state only for other items (`rag.answer.other_item`).

Hands on the finished `Answer` (abstained, reason, cited numbers, grounding, verdict).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from rag.answer.abstention import ECHO_REASON, READER_REASON, reader_abstained, repeats_question
from rag.answer.grounding import check_grounding
from rag.answer.other_item import other_items_cell
from rag.answer.prompts import cited_numbers
from rag.answer.result import Answer
from rag.answer.streaming import HeldAbstention
from rag.answer.templates import ABSTAIN_TEXT
from rag.answer.units import Unit
from rag.answer.verdict import UNSUPPORTED
from rag.answer.verify import period_absent, verify

UNFOUND_REASON = "the model's answer states what no passage holds"
OTHER_ITEM_END = ", not for what was asked"  # ends the reason of an answer withdrawn as another item's figure


def settle(result: Answer, held: HeldAbstention, asked: str, cut_short: bool,
           on_token: Callable[[str], None] | None, on_notice: Callable[[str], None] | None,
           withdraw_unfound: bool = True) -> None:
    """Decide what the finished answer is, showing what `held` still holds where it is an answer. With
    `withdraw_unfound`, an answer whose figure, date or name no passage holds is withdrawn (an invented value)."""
    result.cited = cited_numbers(result.answer, len(result.sources))
    if reader_abstained(result.answer):
        held.release()
        result.abstained, result.abstain_reason = True, READER_REASON
    elif repeats_question(result.answer, asked) and not cut_short:  # a cut answer may not have got there
        result.abstained, result.abstain_reason = True, ECHO_REASON
        result.answer = f"{ABSTAIN_TEXT[:-1]}: {ECHO_REASON}."
        if held.passing:  # shown already (the stream looked like an answer at first): say it is withdrawn
            if on_notice:
                on_notice(f"note: not an answer: {ECHO_REASON}")
        elif on_token:
            on_token(result.answer)
    else:
        held.release()
        if result.answer:
            check(result, asked)
            if withdraw_unfound and invented(result):
                withdraw(result, on_notice)
            elif withdraw_unfound and period_absent(result.verdict):
                withdraw_absent(result, on_notice)
            elif withdraw_unfound and result.verdict is not None and result.verdict.verdict == UNSUPPORTED and (
                    cell := other_items_cell(result.answer, result.sources, asked)):
                withdraw_other_item(result, *cell, on_notice)


def invented(result: Answer) -> bool:
    """The answer states a figure or date that no passage holds, and no sentence or row states it. (A name no
    passage holds is often the reader's misspelling of one it read: that answer is shown, marked unsupported.)"""
    return (result.grounding is not None and result.verdict is not None and result.verdict.verdict == UNSUPPORTED
            and any(not claim.found and claim.kind in ("figure", "date") for claim in result.grounding.claims))


def withdraw(result: Answer, on_notice: Callable[[str], None] | None) -> None:
    """Replace an invented answer by "the documents do not contain the answer", keeping the closest evidence."""
    missing = ", ".join(f"“{claim.text}”" for claim in result.grounding.claims
                        if not claim.found and claim.kind in ("figure", "date"))
    result.abstained = True
    result.abstain_reason = f"{UNFOUND_REASON} ({missing})"
    result.answer = f"{ABSTAIN_TEXT[:-1]}: {result.abstain_reason}."
    if on_notice:
        on_notice(f"note: answer withdrawn: {result.abstain_reason}")


def withdraw_absent(result: Answer, on_notice: Callable[[str], None] | None) -> None:
    """Replace another period's figure, given for a period the documents state nothing for, by "the documents do
    not contain the answer" and what they do state ("page 6 gives $3,226,773 thousand for fiscal 2022 (Net sales)
    and no figure for fiscal 2023"), that row kept as the evidence."""
    result.abstained = True
    result.abstain_reason = result.verdict.reason
    result.answer = f"{ABSTAIN_TEXT[:-1]}: {result.abstain_reason}."
    if on_notice:
        on_notice(f"note: answer withdrawn: {result.abstain_reason}")


def withdraw_other_item(result: Answer, row: Unit, header: str, value: str,
                        on_notice: Callable[[str], None] | None) -> None:
    """Replace a figure that the passages state only for other items (`rag.answer.other_item`) by "the documents do
    not contain the answer" and the cell that does state it ("page 2 gives 7,552,816,903.44 for 总资产, 2022年末:
    another item"), that row kept as the evidence."""
    column = f", {header}" if header else ""
    result.abstained = True
    result.abstain_reason = f"{row.where} gives {value.strip()} for {row.parents}{row.label}{column}{OTHER_ITEM_END}"
    result.answer = f"{ABSTAIN_TEXT[:-1]}: {result.abstain_reason}."
    result.verdict = replace(result.verdict, unit=row, reason=result.abstain_reason)
    if on_notice:
        on_notice(f"note: answer withdrawn: {result.abstain_reason}")


def check(result: Answer, asked: str) -> None:
    """The grounding check and the verdict, timed."""
    t0 = time.perf_counter()
    result.grounding = check_grounding(result.answer, result.sources, asked)
    result.verdict = verify(result.answer, result.sources, asked)
    result.timings["verification"] = time.perf_counter() - t0
