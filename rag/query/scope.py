"""How much of the documents a question is about (`question_scope`): one fact, a whole document, or several.

Top-k retrieval answers a fact from a few passages; a summary, "the main risks", "list all …" or a comparison needs
the whole of one or more documents. docqa answers those from its passages too, so the answer says how little it
saw (`rag.answer.answerer`); a scope other than "fact" is what a whole-document answering path will take over.
"""

from __future__ import annotations

import re

FACT, DOCUMENT, DOCUMENTS = "fact", "document", "documents"

_DOCUMENTS_RE = re.compile(
    r"\b(?:compare|comparison|comparing|differ|differs|difference|differences|versus|vs\.?)\b"
    r"|\b(?:across|between) (?:the |all |both |these )?(?:documents|reports|filings|files|papers|years)\b"
    r"|\bwhich of the (?:documents|reports|filings|files|papers|companies)\b", re.IGNORECASE)
_DOCUMENT_RE = re.compile(
    r"\b(?:summari[sz]e|summary|overview|outline|table of contents|gist|tl;?dr)\b"
    r"|\b(?:main|key|major|principal|most important) (?:points|risks|themes|topics|findings|ideas|arguments|"
    r"takeaways|conclusions|messages|sections|issues|changes)\b"
    r"|\bwhat (?:is|are) (?:this|the|these) (?:document|report|paper|filing|file|book|manual)s? about\b"
    r"|\blist (?:all|every|each)\b|\ball (?:the )?(?:risks|risk factors|sections|chapters)\b"
    r"|\b(?:main|key|major|principal|primary) (?:\w+ )?\w+s\b"  # "the main sources of revenue", "key categories"
    r"|\bwhat (?:\w+ )?(?:risks|segments|sources of|parts|sections|topics|subsidiaries|chapters)\b", re.IGNORECASE)


def question_scope(question: str) -> str:
    """FACT, DOCUMENT (a summary, main points, a full list) or DOCUMENTS (a comparison) for `question`."""
    if _DOCUMENTS_RE.search(question):
        return DOCUMENTS
    if _DOCUMENT_RE.search(question):
        return DOCUMENT
    return FACT
