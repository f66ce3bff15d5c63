"""Settling the answer once the reader is done: the reader's own "no answer" is an abstention; an answer that only
restates the question is withdrawn; any other answer is shown and checked (grounding and the verdict of
`rag.answer.verify`).

Hands on the finished `Answer` (abstained, reason, cited numbers, grounding, verdict).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rag.answer.abstention import ECHO_REASON, READER_REASON, reader_abstained, repeats_question
from rag.answer.grounding import check_grounding
from rag.answer.prompts import cited_numbers
from rag.answer.result import Answer
from rag.answer.streaming import HeldAbstention
from rag.answer.templates import ABSTAIN_TEXT
from rag.answer.verify import verify


def settle(result: Answer, held: HeldAbstention, asked: str, cut_short: bool,
           on_token: Callable[[str], None] | None, on_notice: Callable[[str], None] | None) -> None:
    """Decide what the finished answer is, showing what `held` still holds where it is an answer."""
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


def check(result: Answer, asked: str) -> None:
    """The grounding check and the verdict, timed."""
    t0 = time.perf_counter()
    result.grounding = check_grounding(result.answer, result.sources, asked)
    result.verdict = verify(result.answer, result.sources, asked)
    result.timings["verification"] = time.perf_counter() - t0
