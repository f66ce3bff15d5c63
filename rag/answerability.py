"""Whether the retrieved passages can answer a question at all, and if not, why: the answerer abstains then.

Checks, in order (each one a reason a person can verify):
- the question asks how a page looks (colours, fonts, logos), which the text layer of a PDF does not hold;
- no passage is close enough to the question (cosine `score` below the threshold);
- the question names something the passages never mention: a number or year ("May 2018" asked, "May 2016"
  found), an acronym or an unusual name ("LLaVa", "HAQ"), or more than a set share of its names and figures.
Words that name a passage's file count as mentioned (also misspelt), and common business and unit abbreviations
(FY, USD, EBITDA, ...) never count as missing: they are vocabulary, not names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from langchain_core.documents import Document

from rag import bm25 as lexical
from rag.retrieval import DocumentNames, key_terms

# Asks how something looks: a colour, a type style, a logo. Only the words are indexed, not how they are drawn.
_APPEARANCE_RE = re.compile(
    r"\b(?:red|green|blue|yellow|grey|gray|orange|purple|pink|colou?r(?:s|ed)?|underlined|italics?|bold(?:ed)?"
    r"|highlighted|fonts?|logos?|background)\b", re.IGNORECASE)

# Abbreviations that are ordinary vocabulary in business documents; a question may use one the text spells out.
GENERAL_ABBREVIATIONS = frozenset("""
    fy ytd ttm ltm yoy qoq mom usd eur gbp jpy cny rmb inr chf cad aud us usa uk eu un
    ebit ebitda ebitdar eps dps roa roe roi roic roce cogs sga opex capex fcf ppe ppne nopat wacc npv irr
    dpo dso dio ccc gaap ifrs sec kpi ceo cfo coo cto cio evp svp vp ipo m&a r&d sg&a pp&e q&a faq id no
""".split())


@dataclass(frozen=True)
class Verdict:
    """The passages worth answering from; when there are none, `reason` says why (for the person asking)."""

    passages: list[Document] = field(default_factory=list)
    reason: str = ""


def judge(question: str, passages: Sequence[Document], score_threshold: float, max_missing: float = 1.0,
          refuse_appearance: bool = False) -> Verdict:
    """Which of `passages` can answer `question`, or why none can.

    `max_missing` below 1 turns on the check of what the question names: it is refused when a number or an
    acronym it names is in no passage, or when more than `max_missing` of its names and figures are in none.
    `refuse_appearance` refuses questions about colours, fonts and logos.
    """
    if refuse_appearance and asks_about_appearance(question):
        return Verdict(reason="the question is about how the pages look (colours, fonts, logos), and docqa reads "
                              "only their text")
    kept = [doc for doc in passages if doc.metadata.get("score", 0.0) >= score_threshold]
    if not kept:
        return Verdict(reason="no passage is close enough to the question")
    if max_missing >= 1.0:
        return Verdict(kept)
    ignore = DocumentNames(doc.metadata["source"] for doc in kept).named_in(question)[1]
    present = mentioned_tokens(kept)
    unmentioned = [word for word in acronyms(question, ignore) if not present.intersection(lexical.tokenize(word))]
    terms = key_terms(question, ignore | GENERAL_ABBREVIATIONS)
    missing = [term for term in terms if not present.intersection(term)]
    numbers = [term[-1] for term in missing if term[0][:1].isdigit()]
    if unmentioned or numbers:
        return Verdict(reason=f"the passages found never mention {_quoted([*numbers, *unmentioned])}")
    if len(missing) > max_missing * len(terms):
        return Verdict(reason="the passages found mention few of the names and figures the question gives")
    return Verdict(kept)


def asks_about_appearance(question: str) -> bool:
    return bool(_APPEARANCE_RE.search(question))


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
    letters = [ch for ch in question if ch.isalpha()]
    if sum(ch.isupper() for ch in letters) > len(letters) / 2:
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


def _quoted(words: Sequence[str]) -> str:
    return ", ".join(f'"{word}"' for word in dict.fromkeys(words))
