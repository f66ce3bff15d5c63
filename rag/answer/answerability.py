"""Whether the retrieved passages can answer a question at all, and if not, why: the answerer abstains then.

Checks, in order (each one a reason a person can verify):
- no passage is close enough to the question (cosine `score` below the threshold; a passage holding the contact
  detail the question asks for may sit a little lower, since an address block reads like no question; for a
  Chinese or Japanese question, a passage holding enough of its character pairs is close enough);
- the question names something the passages never mention: a number or year ("May 2018" asked, "May 2016"
  found; a fiscal year in a document whose January columns are named as the year before, "fiscal 2023" asked,
  "January 28, 2023 (fiscal 2022)" found: `rag.answer.columns.unstated_fiscal_years`), an acronym or an unusual
  name ("LLaVa", "HAQ"), an organisation ("Department of Science"), a quarter ("the third quarter"; a passage's
  "Three months ended December 31" columns are the fourth, so a table whose page names its quarter only in a
  title above is not refused);
- it asks for a telephone number, e-mail or web address and no passage holds one (`rag.query.contacts`);
- it names no name or figure and the passages share none of its words.
A proportional rule (refuse when more than half of the question's names and figures are in no passage) was dropped:
on a false-refusal test over documents no rule was written from it refused 4 of 61 answerable questions (table
rows whose name sat in a passage below the cosine floor, or beyond the passage's 1,200 characters) and caught
2 of mmlongbench's 31 unanswerable ones; the exact checks above refused none of the 61.
Words that name a passage's file count as mentioned (also misspelt), and common business and unit abbreviations
(FY, USD, EBITDA, ...) never count as missing: they are vocabulary, not names. A run of Chinese/Japanese characters
is a phrase, not a name (`rag.query.terms`). When the question and the passages are written in different scripts
(an English question about a Chinese filing), only its figures and quarters are checked: a name or word written in
one script cannot be looked up in the other.

What the question names is read from its `QueryAnalysis` (`rag.query.analysis`: the one retrieval used, built once
per question). Hands on a `Verdict`: the passages worth answering from, or why the answerer abstains.
"""

from __future__ import annotations

import re

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from langchain_core.documents import Document

from rag.answer.cell import LEGAL_FORMS
from rag.answer.columns import GENERIC, unstated_fiscal_years
from rag.index.bm25 import chunk_search_text
from rag.query import contacts
from rag.query.analysis import QueryAnalysis, analysed
from rag.query.terms import GENERAL_ABBREVIATIONS, latin_names, mostly_cjk, quarters
from rag.text import normalize, tokenize

CONTACT_MARGIN = 0.1  # how far below the score threshold a passage holding the asked contact detail (or a table row
# the question names) may be

QUARTER_NAMES = {1: "the first quarter", 2: "the second quarter", 3: "the third quarter", 4: "the fourth quarter"}


@dataclass(frozen=True)
class Verdict:
    """The passages worth answering from; when there are none, `reason` says why (for the person asking)."""

    passages: list[Document] = field(default_factory=list)
    reason: str = ""


def judge(question: str | QueryAnalysis, passages: Sequence[Document], score_threshold: float,
          max_missing: float = 1.0, translations: Sequence[str] = ()) -> Verdict:
    """Which of `passages` can answer `question` (its text, or the `QueryAnalysis` the retriever was given), or why
    none can.

    `max_missing` below 1 turns on the checks of what the question names (`unmentioned`). `translations` are the
    question in the documents' languages (`rag.answer.translate`): a passage holding enough of one is about it.
    (A rule that refused questions containing an ordinary word about looks, "colour", "font", "background", was
    dropped: it refused answerable questions on documents it was not written from and caught no unanswerable one.)
    """
    question = analysed(question)
    asked = set(tokenize(question.question))
    cjk_words = [asked] if question.mostly_cjk else []
    cjk_words += [set(tokenize(text)) for text in translations if mostly_cjk(text)]
    kept = [doc for doc in passages
            if _close_enough(doc, score_threshold, question.contacts, question.content_words, asked)
            or cjk_words and _shares_cjk_words(set(tokenize(chunk_search_text(doc))), cjk_words)]
    if not kept:
        return Verdict(reason="no passage is close enough to the question")
    if max_missing >= 1.0:
        return Verdict(kept)
    reason = unmentioned(question, kept, max_missing)
    return Verdict(reason=reason) if reason else Verdict(kept)


def unmentioned(question: str | QueryAnalysis, passages: Sequence[Document], max_missing: float) -> str:
    """Why `passages` cannot answer what `question` names, or "" when they may.

    They cannot when they never mention a number, acronym, organisation or quarter the question names, hold no
    contact detail of the kind it asks for, or,
    for a question naming nothing, mention none of its words.
    """
    question = analysed(question)
    ignore = question.words_naming(doc.metadata["source"] for doc in passages)
    texts = [tokenize(chunk_search_text(doc)) for doc in passages]
    present = set().union(*texts)
    if any(doc.metadata.get("named_page") for doc in passages):  # "page 53" is found by being on page 53
        present.update(str(number) for number in question.pages)
    terms = question.key_terms(ignore | GENERAL_ABBREVIATIONS)
    missing = [term for term in terms if not present.intersection(term)]
    # a number the question names must be in the passages, unless it is a small bare count ("3 year average",
    # "more than 20%", "state 0"): those are the question's own wording, not something the documents must name
    never = [term[-1] for term in missing if term[0][:1].isdigit() and not _small_count(term)]
    same_script = question.mostly_cjk == mostly_cjk(" ".join(doc.page_content for doc in passages))
    if same_script:
        never += [word for word in question.acronyms(ignore) if not present.intersection(tokenize(word))]
        never += [name for name in question.organisations if not set(name.split()) <= ignore
                  and not any(_contains(tokens, tokenize(name)) for tokens in texts)]
    never += [name for name in latin_names(question.question)
              if normalize(name) not in ignore and not any(_contains(tokens, tokenize(name)) for tokens in texts)]
    contents = [doc.page_content for doc in passages]
    never += [f"fiscal {year}" for year in unstated_fiscal_years(question.question, contents)
              if f"fiscal {year}" not in never and str(year) not in never]
    mentioned_quarters = set().union(*(quarters(doc.page_content) | _quarters_ended(doc.page_content)
                                       for doc in passages))
    never += [QUARTER_NAMES[number] for number in sorted(question.quarters - mentioned_quarters)]
    if never:
        return f"the passages found never mention {_quoted(never)}"
    for kind in sorted(question.contacts):
        if not any(contacts.holds(kind, doc.page_content) for doc in passages):
            return f"the passages found hold no {kind}"
    words = [] if terms or not same_script else question.content_words
    if len(words) >= 2 and not present.intersection(words):
        return f"the passages found never mention {_quoted(words)}"
    return ""


_THREE_MONTHS_RE = re.compile(r"\b(?:three|3) months ended (?:on )?(january|february|march|april|may|june|july|august"
                              r"|september|october|november|december)\b", re.IGNORECASE)
_QUARTER_OF_MONTH = {"march": 1, "april": 1, "june": 2, "july": 2, "september": 3, "october": 3, "december": 4,
                     "january": 4}


def _quarters_ended(text: str) -> set[int]:
    """The calendar quarters a passage's "Three months ended December 31, 2018" columns are (a passage a question
    about the fourth quarter may answer from, though the page names that quarter only in its title)."""
    return {_QUARTER_OF_MONTH[month.lower()] for month in _THREE_MONTHS_RE.findall(text)
            if month.lower() in _QUARTER_OF_MONTH}


def _small_count(term: tuple[str, ...]) -> bool:
    return len(term) == 1 and term[0].isdigit() and len(term[0]) <= 2


def _close_enough(doc: Document, score_threshold: float, asked_contacts: set[str], words: Sequence[str],
                  asked: set[str] = frozenset()) -> bool:
    """Whether a passage is about the question: by cosine, or, for a passage of low cosine, by holding the contact
    detail asked for or a table row the question names by its label (a block of names and numbers reads like no
    question: "Alaska: Permit: 209; Handgun: 3,062; ..." for "What is the total for Alaska?"), or by being on the
    page the question names and holding every word it asks about ("the governor" on "the first page"; "What does
    page 53 say?" asks about no word)."""
    score = doc.metadata.get("score", 0.0)
    if score >= score_threshold:
        return True
    if score >= score_threshold - CONTACT_MARGIN and (
            any(contacts.holds(kind, doc.page_content) for kind in asked_contacts)
            or "table" in doc.metadata and _names_a_row(doc.page_content, asked)):
        return True
    return bool(doc.metadata.get("named_page")) and set(words) <= mentioned_tokens([doc])


CJK_SHARE = 0.3  # of a Chinese/Japanese question's character pairs a passage must hold to be about it
_KANA_ONLY_RE = re.compile(r"^[\u3040-\u309f]+$")  # "です", "すか": Japanese grammar, no subject


def _shares_cjk_words(passage: set[str], questions: Sequence[set[str]]) -> bool:
    """Whether a passage's search tokens hold `CJK_SHARE` of a Chinese or Japanese question's (character pairs), or
    of its translation's: the bundled embedder reads English only, so its cosine says nothing about such a question
    (0.23-0.34 for passages that answer it, measured on held-out questions; 0.03 for an English question's)."""
    for asked in questions:
        asked = {token for token in asked if not _KANA_ONLY_RE.match(token)}
        if asked and len(asked & passage) >= CJK_SHARE * len(asked):
            return True
    return False


_ROW_LABEL_RE = re.compile(r"^([^:\n]{2,120}): ", re.MULTILINE)
_LABEL_FILLER = LEGAL_FORMS | GENERIC  # "Inc.", "Total": no part of what a label names


def _names_a_row(text: str, asked: set[str]) -> bool:
    """Whether a table chunk has a row whose label the question writes in full ("Associate Management Resources,
    Inc." in "How many workers did Associate Management Resources in San Diego affect?")."""
    for match in _ROW_LABEL_RE.finditer(text):
        label = set(tokenize(match.group(1))) - _LABEL_FILLER
        if any(not token.isdigit() for token in label) and label <= asked and not match.group(1).startswith("Table"):
            return True
    return False


def mentioned_tokens(passages: Iterable[Document]) -> set[str]:
    """The search tokens of the passages' text and file names."""
    present: set[str] = set()
    for doc in passages:
        present.update(tokenize(chunk_search_text(doc)))
    return present


def _contains(tokens: Sequence[str], phrase: Sequence[str]) -> bool:
    """Whether the words of `phrase` are in `tokens` together: in order, or all within a stretch twice as long (a
    question runs two names into one: "Department of Health Medical Quality Assurance" for "Department of Health,
    Division of Medical Quality Assurance")."""
    width = len(phrase)
    if not width:
        return False
    if any(list(tokens[at:at + width]) == list(phrase) for at in range(len(tokens) - width + 1)):
        return True
    wanted, span = set(phrase), 2 * width
    return width > 2 and any(tokens[at] in wanted and wanted <= set(tokens[at:at + span])
                             for at in range(len(tokens)))


def _quoted(words: Sequence[str]) -> str:
    return ", ".join(f'"{word}"' for word in dict.fromkeys(words))
