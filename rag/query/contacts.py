"""Contact details a question asks for (a telephone or fax number, an e-mail or a web address), and whether a text
holds one.

A question's words seldom match how a page writes them ("telephone no" against "Tel: 01983 873655"), so the
retriever also ranks the chunks that hold the asked kind of detail, and the answerer refuses when no passage it
found holds one (`rag.answer.answerability`).

Hands on the kinds a question asks for (to `QueryAnalysis`) and `holds` (to retrieval and the relevance check).
"""

from __future__ import annotations

import re

PHONE = "telephone or fax number"
EMAIL = "e-mail address"
WEB = "web address"

_ASKED = {
    # "telephone no", "phone number", "fax": not "cell phone" or "phone owners"
    PHONE: re.compile(r"\b(?:(?:tele)?phone|tel\.?)\s*(?:numbers?|nos?\b|#)|\btelephone\s+(?:for|of)\b|\bfax\b"
                      r"|\bcontact\s+numbers?\b", re.IGNORECASE),
    EMAIL: re.compile(r"\be-?mail\b", re.IGNORECASE),
    WEB: re.compile(r"\bweb ?(?:site|page|address)\b|\burl\b|\bhome ?page\b", re.IGNORECASE),
}

# A phone number after its label ("Tel: 514-312-0293", "Fax : (02) 9876 5432"), or written in a common shape:
# North American 514-312-0293, a leading trunk zero "01983 873655", or an international "+44 20 7946 0958".
_DIGITS = r"\(?\+?\d[\d\s().-]{5,}\d"
_PHONE_RE = re.compile(
    rf"\b(?:tel(?:ephone)?|phone|fax|ph|mobile|call)\b\.?\s*(?:no\.?|number)?\s*[:.]?\s*{_DIGITS}"
    r"|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b"
    r"|(?<![\d,.])\(?0\d{2,4}\)?[\s-]\d{3,4}[\s-]?\d{3,4}\b"
    r"|\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]\d{2,5}){2,4}\b",
    re.IGNORECASE,
)
_FOUND = {
    PHONE: _PHONE_RE,
    EMAIL: re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    WEB: re.compile(r"\bwww\.[\w-]+|\bhttps?://|(?<![@\w.-])[\w-]+\.(?:com|org|net|gov|edu|int)\b", re.IGNORECASE),
}


def asked_contacts(question: str) -> set[str]:
    """The kinds of contact detail the question asks for (empty for most questions)."""
    return {kind for kind, pattern in _ASKED.items() if pattern.search(question)}


def holds(kind: str, text: str) -> bool:
    """Whether `text` holds a contact detail of `kind`."""
    return bool(_FOUND[kind].search(text))
