"""The retry strategy: how many looks the reader gets at the passages, and on what.

1. The first look reads the focused passages (the sentences and rows that share the question's words).
2. An answer that only restates the question is asked for again, on the same passages, with "Answer with the exact
   word, name or number from the passages." (the restatement was never shown); one that still restates it gets a
   last look at the closest evidence alone, the lead sentence with its neighbours (`rag.answer.close_look`).
3. The reader's own "no answer" on the focused passages gets one more look at the whole passages (its first "no
   answer" was never shown). An answer that still only restates the question gets no such look: on the evaluation
   sets the whole passages answered none of those right, and answered an unanswerable one.

Setting `second_look` off: the first look only. Hands on the `HeldAbstention` of the last look (what it holds back is
shown or replaced when the answer is settled, `rag.answer.settle`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from langchain_core.documents import Document

from rag.answer.abstention import reader_abstained, repeats_question
from rag.answer.close_look import lead_window
from rag.answer.conversation import Turn
from rag.answer.prompts import EXACT_ANSWER
from rag.answer.reading import Reader
from rag.answer.result import Answer
from rag.answer.streaming import HeldAbstention
from rag.answer.units import Unit


@dataclass
class Looks:
    """The looks one question gets (see the module docstring)."""

    reader: Reader
    second_look: bool = True

    def run(self, result: Answer, focused: list[Document], relevant: list[Document], question: str, asked: str,
            history: Sequence[Turn], on_token: Callable[[str], None] | None,
            on_notice: Callable[[str], None] | None, should_stop: Callable[[], bool] | None,
            started: float, lead: Unit | None = None) -> HeldAbstention:
        """Read, then look again where the strategy says; `question` is the prompt's copy, `asked` the person's,
        `lead` the closest evidence shown first."""
        held = HeldAbstention(on_token, asked)
        self.reader.read(result, focused, relevant, question, history, held, on_notice, should_stop)
        look_again = self.second_look and not result.stopped and not self.reader.cut_short()
        closest_alone = False
        if look_again and repeats_question(result.answer, asked):
            result.timings["first_look"] = time.perf_counter() - started - result.timings["retrieval"]
            if on_notice:
                on_notice("note: the answer only repeated the question; asking for the exact word, name or number")
            plain, question = question, f"{question} {EXACT_ANSWER}"
            held = HeldAbstention(on_token, asked)
            self.reader.read(result, focused, relevant, question, history, held, on_notice, should_stop)
            window = lead_window(lead, relevant)
            if window is not None and not result.stopped and repeats_question(result.answer, asked):
                if on_notice:
                    on_notice("note: the answer again repeated the question; reading the closest evidence alone")
                held = HeldAbstention(on_token, asked)
                self.reader.read(result, [window], relevant, plain, history, held, on_notice, should_stop)
                closest_alone = True
        if (look_again and not closest_alone and not result.stopped and reader_abstained(result.answer)
                and [d.page_content for d in focused] != [d.page_content for d in relevant]):
            result.timings["first_look"] = time.perf_counter() - started - result.timings["retrieval"]
            if on_notice:
                on_notice("note: no answer in the focused passages; reading the whole passages")
            if held.passing and on_token:  # a "no answer" in other words was shown: the new answer goes below it
                on_token("\n\n")
            held = HeldAbstention(on_token, asked)
            self.reader.read(result, relevant, relevant, question, history, held, on_notice, should_stop)
        return held
