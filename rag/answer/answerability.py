"""Whether the retrieved passages can answer a question at all, and if not, why: the answerer abstains then.

Checks, in order (each one a reason a person can verify):
- no passage is close enough to the question (cosine `score` below the threshold; a passage holding the contact
  detail the question asks for may sit a little lower, since an address block reads like no question);
- the question names something the passages never mention: a number or year ("May 2018" asked, "May 2016"
  found), an acronym or an unusual name ("LLaVa", "HAQ"), an organisation ("Department of Science"), a quarter
  ("the third quarter");
- it asks for a telephone number, e-mail or web address and no passage holds one (`rag.contacts`);
- it names no name or figure and the passages share none of its words.
A proportional rule (refuse when more than half of the question's names and figures are in no passage) was dropped:
on a false-refusal test over documents no rule was written from it refused 4 of 61 answerable questions (table
rows whose name sat in a passage below the cosine floor, or beyond the passage's 1,200 characters) and caught
2 of mmlongbench's 31 unanswerable ones; the exact checks above refused none of the 61.
Words that name a passage's file count as mentioned (also misspelt), and common business and unit abbreviations
(FY, USD, EBITDA, ...) never count as missing: they are vocabulary, not names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from langchain_core.documents import Document

from rag import bm25 as lexical
from rag import contacts, page_refs
from rag.retrieval import DocumentNames, key_terms

CONTACT_MARGIN = 0.1  # how far below the score threshold a passage holding the asked contact detail may be

# Abbreviations that are ordinary vocabulary in business documents; a question may use one the text spells out.
GENERAL_ABBREVIATIONS = frozenset("""
    fy ytd ttm ltm yoy qoq mom usd eur gbp jpy cny rmb inr chf cad aud us usa uk eu un
    ebit ebitda ebitdar eps dps roa roe roi roic roce cogs sga opex capex fcf ppe ppne nopat wacc npv irr
    dpo dso dio ccc gaap ifrs sec kpi ceo cfo coo cto cio evp svp vp ipo m&a r&d sg&a pp&e q&a faq id no
""".split())

# Words that frame a question rather than say what it is about.
QUESTION_WORDS = frozenset(lexical.tokenize("""
    what which who whom whose when where why how much many number total amount percentage percent value name names
    list give write answer format integer float decimal decimals ascending descending order example according
    document report page pages shown show figure table chart section based mentioned stated company year years
    fiscal respectively compared difference gap higher lower lowest highest largest smallest ratio rate change
    please calculate round nearest top
""") + [*page_refs.NUMBER_WORDS, *page_refs.ORDINAL_WORDS])

# An organisation's name: "Department of Health", "Bank of England" (title case, so only in mixed-case questions).
_ORGANISATION_RE = re.compile(
    r"\b(?:Department|Ministry|Bureau|Office|Board|Commission|Council|Agency|Authority|Institute|University|College"
    r"|School|Division|Society|Association|Federation|Academy|Foundation|Bank|Court|Centre|Center|Hospital)"
    r"\s+of\s+(?:the\s+)?[A-Z][\w'&-]*(?:\s+(?:and\s+|&\s+)?[A-Z][\w'&-]*)*")

_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_ORDINAL = "|".join(_ORDINALS)
# "third quarter", "third and fourth quarters", "Q3", "3Q", "quarter 3"
_QUARTER_RE = re.compile(
    rf"\b((?:{_ORDINAL})(?:\s*(?:,|and|&|or)\s*(?:{_ORDINAL}))*)\s+(?:fiscal\s+)?quarters?\b"
    r"|\bq([1-4])\b|\b([1-4])q\b|\bquarter\s+([1-4])\b", re.IGNORECASE)
QUARTER_NAMES = {1: "the first quarter", 2: "the second quarter", 3: "the third quarter", 4: "the fourth quarter"}


@dataclass(frozen=True)
class Verdict:
    """The passages worth answering from; when there are none, `reason` says why (for the person asking)."""

    passages: list[Document] = field(default_factory=list)
    reason: str = ""


def judge(question: str, passages: Sequence[Document], score_threshold: float, max_missing: float = 1.0) -> Verdict:
    """Which of `passages` can answer `question`, or why none can.

    `max_missing` below 1 turns on the checks of what the question names (`unmentioned`). (A rule that refused
    questions containing an ordinary word about looks, "colour", "font", "background", was dropped: it refused
    answerable questions on documents it was not written from and caught no unanswerable one there.)
    """
    asked = contacts.asked_contacts(question)
    words = content_words(question)
    kept = [doc for doc in passages if _close_enough(doc, score_threshold, asked, words)]
    if not kept:
        return Verdict(reason="no passage is close enough to the question")
    if max_missing >= 1.0:
        return Verdict(kept)
    reason = unmentioned(question, kept, max_missing)
    return Verdict(reason=reason) if reason else Verdict(kept)


def unmentioned(question: str, passages: Sequence[Document], max_missing: float) -> str:
    """Why `passages` cannot answer what `question` names, or "" when they may.

    They cannot when they never mention a number, acronym, organisation or quarter the question names, hold no
    contact detail of the kind it asks for, or,
    for a question naming nothing, mention none of its words.
    """
    ignore = DocumentNames(doc.metadata["source"] for doc in passages).named_in(question)[1]
    texts = [lexical.tokenize(lexical.chunk_search_text(doc)) for doc in passages]
    present = set().union(*texts)
    if any(doc.metadata.get("named_page") for doc in passages):  # "page 53" is found by being on page 53
        present.update(str(number) for number in page_refs.named_pages(question))
    terms = key_terms(question, ignore | GENERAL_ABBREVIATIONS)
    missing = [term for term in terms if not present.intersection(term)]
    never = [term[-1] for term in missing if term[0][:1].isdigit()]
    never += [word for word in acronyms(question, ignore) if not present.intersection(lexical.tokenize(word))]
    never += [name for name in named_organisations(question)
              if not any(_contains(tokens, lexical.tokenize(name)) for tokens in texts)]
    mentioned_quarters = set().union(*(quarters(doc.page_content) for doc in passages))
    never += [QUARTER_NAMES[number] for number in sorted(quarters(question) - mentioned_quarters)]
    if never:
        return f"the passages found never mention {_quoted(never)}"
    for kind in sorted(contacts.asked_contacts(question)):
        if not any(contacts.holds(kind, doc.page_content) for doc in passages):
            return f"the passages found hold no {kind}"
    words = [] if terms else content_words(question)
    if len(words) >= 2 and not present.intersection(words):
        return f"the passages found never mention {_quoted(words)}"
    return ""


def _close_enough(doc: Document, score_threshold: float, asked_contacts: set[str], words: Sequence[str]) -> bool:
    """Whether a passage is about the question: by cosine, or, for a passage of low cosine, by holding the contact
    detail asked for (a block of names and numbers reads like no question), or by being on the page the question
    names and holding every word it asks about ("the governor" on "the first page"; "What does page 53 say?" asks
    about no word)."""
    score = doc.metadata.get("score", 0.0)
    if score >= score_threshold:
        return True
    if score >= score_threshold - CONTACT_MARGIN and any(
            contacts.holds(kind, doc.page_content) for kind in asked_contacts):
        return True
    return bool(doc.metadata.get("named_page")) and set(words) <= mentioned_tokens([doc])


def mentioned_tokens(passages: Iterable[Document]) -> set[str]:
    """The search tokens of the passages' text and file names."""
    present: set[str] = set()
    for doc in passages:
        present.update(lexical.tokenize(lexical.chunk_search_text(doc)))
    return present


def acronyms(question: str, ignore: Iterable[str] = ()) -> list[str]:
    """Words written as acronyms or unusual names: "HAQ", "LLaVa", "GPT-4o", "SituatedQA".

    Common abbreviations and words in `ignore` are left out; so is everything in a question written in capitals.
    """
    if _mostly_capitals(question):
        return []
    ignore = set(ignore)
    found = []
    for word in re.findall(r"[^\W_]+(?:[-&][^\W_]+)*", question):
        capitals = sum(ch.isupper() for ch in word)
        if capitals < 2 and not (capitals and word[0].islower()):
            continue
        if word.lower() in GENERAL_ABBREVIATIONS or re.search(r"\d{3}", word):  # "FY2018" is a number, checked as one
            continue
        tokens = lexical.tokenize(word)
        if tokens and lexical.normalize(word) not in ignore and not all(
                token in ignore or token in GENERAL_ABBREVIATIONS for token in tokens):
            found.append(word)
    return list(dict.fromkeys(found))


def named_organisations(question: str) -> list[str]:
    """Organisations the question names by their title ("Florida Department of Health"), in a mixed-case question."""
    if _mostly_capitals(question):
        return []
    return list(dict.fromkeys(match.group() for match in _ORGANISATION_RE.finditer(question)))


def quarters(text: str) -> set[int]:
    """The quarters of a year `text` names: {3, 4} for "the third and fourth quarters" or "Q3 and Q4"."""
    found: set[int] = set()
    for match in _QUARTER_RE.finditer(text):
        if match.group(1):
            found.update(_ORDINALS[word.casefold()] for word in re.findall(_ORDINAL, match.group(1), re.IGNORECASE))
        else:
            found.add(int(next(group for group in match.groups()[1:] if group)))
    return found


def content_words(question: str) -> list[str]:
    """The search tokens of the question's lower-case words that say what it is about ("market", "open")."""
    words = " ".join(word for word in re.findall(r"[^\W\d_]{4,}", question) if word.islower())
    return list(dict.fromkeys(token for token in lexical.tokenize(words) if token not in QUESTION_WORDS))


def _contains(tokens: Sequence[str], phrase: Sequence[str]) -> bool:
    width = len(phrase)
    return bool(width) and any(list(tokens[at:at + width]) == list(phrase) for at in range(len(tokens) - width + 1))


def _mostly_capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return sum(ch.isupper() for ch in letters) > len(letters) / 2


def _quoted(words: Sequence[str]) -> str:
    return ", ".join(f'"{word}"' for word in dict.fromkeys(words))
