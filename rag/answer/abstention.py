"""Whether the reader model itself said the passages do not answer the question ("The documents do not say.").

The prompt asks the model to reply exactly "The documents do not say." when the numbered passages lack the answer;
models also write "I don't know", "This is not mentioned in the passages", "The passages do not contain ...". The
answerer (`rag.answer.answerer.Answerer.ask`) reports such a reply as an abstention with `READER_REASON`.

Only the answer's first sentence is read: "Revenue was £5m [1]. The documents do not say how it split." answers.

An answer can also say nothing while looking like one: "The telephone number of the Commission is [1]." or "48
tables were consistent." for "Of the 48 tables, how many were consistent?". `repeats_question` finds answers whose
words all come from the question (no figure, name or word of their own, no yes/no or negation); the answerer
reports them as abstentions with `ECHO_REASON`. On the eval sets' runs it withdrew no correct answer.
`may_repeat_question` tells, while the answer streams, whether the text so far could still end up such an echo.

Hands on `reader_abstained`, `repeats_question`, `may_repeat_question`, `READER_REASON` and `ECHO_REASON` to the
answerer.
"""

from __future__ import annotations

import re
import unicodedata

from rag.text import normalize, tokenize

READER_REASON = "the model found no answer in the passages"
ECHO_REASON = "the model's answer only repeats the question"

_DOCS = (r"(?:documents?|passages?|context|sources?|excerpts?|texts?|information|materials?|pdfs?|files?|records?"
         r"|reports?|data|pages?|sections?)")
_IN_DOCS = rf"(?:in|from|within|by) (?:the |these |this |any of the |any )?(?:given |provided |above |retrieved )?{_DOCS}"
_SAYS = r"(?:say|state|mention|specify|disclose|answer|address|cover|indicate|discuss|tell)"
_HOLDS = r"(?:contain|include|provide|give|show|have|hold|list|offer)"
_INFO = (r"(?:(?:the|any|enough|sufficient|specific|such|this|that|an?|explicit|relevant|direct|clear|exact)\s)*"
         r"(?:answers?|information|info|details?|data|mentions?|figures?|numbers?|references?|specifics|this|that|it"
         r"|such)\b")
_NOT = r"(?:do|does|did) not "
_PATTERNS = [
    rf"\b{_DOCS}\b[^.!?\n]{{0,60}}?\b{_NOT}{_SAYS}\b",        # "the passages do not say ..."
    rf"\b{_DOCS}\b[^.!?\n]{{0,60}}?\b{_NOT}{_HOLDS} {_INFO}",  # "... do not contain the information"
    rf"\b(?:passages?|documents?|context|excerpts?|sources?)\b[^.!?\n]{{0,60}}?\b{_NOT}{_HOLDS}\b",
    rf"^(?:it|this|they|that) {_NOT}(?:say|state|mention|specify)\b",
    rf"\bnot (?:\w+ )?(?:mentioned|found|provided|stated|specified|available|given|included|present|contained"
    rf"|disclosed|covered|addressed|discussed|listed|answered) (?:anywhere )?{_IN_DOCS}",
    rf"\b(?:is|are|was|were) not {_IN_DOCS}",
    r"^(?:sorry, )?(?:i|we) (?:do|did) not (?:know|have (?:enough |sufficient |the |any )?(?:information|data|details))",
    r"^(?:i am|i'm) not sure\b",
    r"\b(?:can|could) not be (?:answered|determined|found|inferred|derived|identified|located)\b",
    r"\b(?:unable|not able) to (?:answer|find|determine|locate|identify|tell)\b",
    r"^(?:i |we )?(?:can|could) not (?:find|determine|answer|locate|identify|tell)\b",
    r"\bthere (?:is|are|was|were) no (?:mention|information|reference|indication|answer|details?|data)\b",
    rf"^no (?:relevant |specific |such )?(?:information|mention|answer|details?|data)\b",
    rf"\bnone of the (?:given |provided |retrieved )?{_DOCS}\b",
    r"^\W*(?:n/?a|unknown|no answer|not (?:mentioned|found|provided|available|stated|specified|given|known))\W*$",
]
_RE = re.compile("|".join(f"(?:{pattern})" for pattern in _PATTERNS))
_CITATION_RE = re.compile(r"\[\s*\d+(?:\s*[,-]\s*\d+)*\s*\]")


def first_sentence(answer: str) -> str:
    """The answer's first sentence (citation markers removed), lower-cased with contractions spelled out."""
    text = unicodedata.normalize("NFKC", answer).replace("\u2019", "'").replace("\u2018", "'")
    text = _CITATION_RE.sub(" ", text).strip().casefold()
    text = re.sub(r"^(?:answer|helpful answer)\s*:\s*", "", text)
    text = re.split(r"(?<=[.!?])\s+|\n", text, maxsplit=1)[0]
    text = re.sub(r"\bcan'?t\b|\bcannot\b", "can not", text)
    text = re.sub(r"\bwon't\b", "will not", text)
    text = re.sub(r"n't\b", " not", text)
    return re.sub(r"\s+", " ", text).strip()


def reader_abstained(answer: str) -> bool:
    """Whether the model's answer is its own "the documents do not say" (see the module docstring)."""
    return bool(_RE.search(first_sentence(answer)))


# Words that answer by themselves although the question has them or search ignores them: "No.", "It did not."
_ANSWER_WORDS = frozenset("yes no not none never neither nor nothing nobody zero".split())
_WORDS_RE = re.compile(r"[^\W_]+")


def repeats_question(answer: str, question: str) -> bool:
    """Whether the answer adds nothing to the question: every word of it is the question's or a function word.

    A question offering choices ("A or B?", "whether") is answered by one of its own words, so it never counts.
    """
    question_words = set(_WORDS_RE.findall(normalize(question)))
    if question_words & {"or", "whether"}:
        return False
    text = _CITATION_RE.sub(" ", answer)
    words = _WORDS_RE.findall(normalize(text).replace("n't", " not"))
    if any(word in _ANSWER_WORDS and word not in question_words for word in words):
        return False
    asked = set(tokenize(question)) | {word for word in question_words if len(word) == 1}
    own = set(tokenize(text)) | {word for word in words if len(word) == 1}
    return own <= asked


_UNFINISHED_RE = re.compile(r"(?:\[[^\]]*|[^\W_]+)$")


def may_repeat_question(partial: str, question: str) -> bool:
    """Whether a streamed answer, `partial` so far, could still turn out to only repeat the question: its finished
    words (a word or a citation still being written is left out) all come from the question."""
    return repeats_question(_UNFINISHED_RE.sub("", partial), question)
