"""What the person sees while the reader streams: loops cut unseen (`LoopGuard`), and a "no answer" or a restated
question held back until it is known to be an answer (`HeldAbstention`).

Hands on callables that take streamed pieces and pass the shown text to the caller's `on_token`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rag.answer.abstention import may_repeat_question
from rag.answer.prompts import READER_ABSTAIN

LOOP_PERIODS = range(8, 400)  # lengths of looping text that are detected, in characters (a sentence or two)
LONG_LOOP = 20  # a span this long generated twice in a row is a loop; a shorter one must come three times


def loop_excess(pieces: Sequence[str]) -> int:
    """How many characters at the end of the generated text repeat the span before them, or 0 if it is not looping.

    Greedy decoding makes small models loop ("or FA Cup, or Champions League, or FA Cup, or Champions League, ...")
    until the token limit; this is checked after every piece so the loop is cut short. A span of `LONG_LOOP`
    characters or more counts as a loop at its second copy, a shorter one at its third ("1,000 1,000" is text).
    """
    text = "".join(pieces)[-3 * LOOP_PERIODS.stop:]
    for period in LOOP_PERIODS:
        copies = 2 if period >= LONG_LOOP else 3
        if len(text) < copies * period:
            break
        tail = text[-period:]
        if all(text[-(copy + 1) * period: len(text) - copy * period] == tail for copy in range(1, copies)):
            return (copies - 1) * period
    return 0


def repeating_tail(text: str) -> int:
    """Characters at the end of `text` that repeat the text one period (of LOOP_PERIODS) before them.

    Such a tail may be the second copy of a loop in the making, so it is held back from the screen until it stops
    repeating (then it is ordinary text, e.g. a figure quoted twice) or becomes a loop (then it is cut unseen).
    """
    longest = 0
    for period in LOOP_PERIODS:
        if len(text) <= period + longest:
            break
        limit = min(period * (1 if period >= LONG_LOOP else 2), len(text) - period)
        size = 0
        while size < limit and text[-1 - size] == text[-1 - size - period]:
            size += 1
        longest = max(longest, size)
    return longest


class LoopGuard:
    """Streams generated text to the screen, holding back a tail that may be a loop; no loop is ever shown."""

    def __init__(self, show: Callable[[str], None] | None):
        self.show = show
        self.text = ""
        self.shown = 0
        self.looped = False

    def add(self, piece: str) -> bool:
        """Take a generated piece; True when the text has started to loop (the loop is cut, one copy kept)."""
        self.text += piece
        excess = loop_excess([self.text])
        if excess:
            self.text = self.text[: len(self.text) - excess]
            self.looped = True
            self.flush()
            return True
        self._show_until(len(self.text) - repeating_tail(self.text))
        return False

    def flush(self) -> None:
        self._show_until(len(self.text))

    def _show_until(self, end: int) -> None:
        if end > self.shown:
            if self.show:
                self.show(self.text[self.shown : end])
            self.shown = end


class HeldAbstention:
    """Passes streamed text on, except while it could still be no answer: the reader's "The documents do not say."
    or, given the `question`, an answer whose words so far all come from the question ("48 tables were consistent."
    for "Of the 48 tables, how many were consistent?"). That text is held back, so a "no answer" that a second look
    replaces is never shown; `release` shows what is held, `passing` tells whether anything was shown."""

    def __init__(self, show: Callable[[str], None] | None, question: str = ""):
        self.show = show
        self.question = question
        self.held = ""
        self.passing = False

    def __call__(self, piece: str) -> None:
        if self.passing:
            self._show(piece)
            return
        self.held += piece
        if not (self._may_be_no_answer() or self.question and may_repeat_question(self.held, self.question)):
            self.release()

    def _may_be_no_answer(self) -> bool:
        return READER_ABSTAIN.casefold().startswith(self.held.lstrip().casefold())

    def release(self) -> None:
        self.passing = True
        held, self.held = self.held, ""
        if held:
            self._show(held)

    def _show(self, text: str) -> None:
        if self.show:
            self.show(text)
