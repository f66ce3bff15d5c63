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
    r"|\blist (?:all|every|each)\b|^\s*(?:please\s+)?list\b|\ball (?:the )?(?:risks|risk factors|sections|chapters)\b"
    r"|\bwhat (?:\w+ )?(?:risks|segments|sources of|parts|sections|topics|subsidiaries|chapters)\b"
    r"|^\s*what (?:does|do|did) .{1,80}? (?:say|said|write|state|tell us|explain|describe|discuss)s?"
    r" (?:about|on|regarding)\b"
    r"|^\s*how (?:does|do|did) .{1,80}? (?:describe|explain|present|discuss|characteri[sz]e)s?\b"
    # "Apart from PFAS, what product liability litigation does 3M describe in its 10-K?"
    r"|^\s*(?:[^,?]{3,80},\s*)?(?:what|which)\b[^?]{0,120}?\b(?:does|do|did)\s+[^?]{1,60}?\s+"
    r"(?:describe|discuss|mention|identify|outline)\b",
    re.IGNORECASE)  # "What does the book say about memory management?": what a document says on a topic


# "the main sources of revenue", "key categories": a list, unless the plural names a measure ("its principal
# contractual commitments", "key operating expenses" name figures)
_KEY_PLURAL_RE = re.compile(r"\b(?:main|key|major|principal|primary) (?:[\w-]+ )?(?P<head>\w+s)\b", re.IGNORECASE)

# "What is the class action filing about?": what a document is about, however it is named.
_ABOUT_RE = re.compile(r"^\s*what(?:'s| is| are| was| were)\b.{0,160}\babout\s*\??\s*$", re.IGNORECASE)
# A question whose head is a plural noun asks for a list: "What units does the course cover?", "Which regulations
# did the inspectors find breached?", "What are the strategic priorities in the plan?", "What are Netflix's segments?".
_PLURAL_HEAD_RE = re.compile(
    r"^\s*(?:what|which)\s+(?P<are>(?:are|were)\s+)?(?:(?:the|its|their|(?:[\w.&-]+\s+){0,2}[\w.&-]+['’]s)\s+)?"
    r"(?:(?!(?:is|was|does|did|do|has|have|had|of|with|for|in|to|by|from|on|at|per)\b)[\w-]+\s+){0,4}?"
    r"(?!(?:is|was|has|does|as|its|his|this|thus|plus|us|yes|less|unless|perhaps)\b)"  # words ending in s, no plurals
    r"(?P<head>[a-z-]*[a-rt-z]s|[a-z-]+ies)"
    r"(?=\s*\?|\s*$|\s*,|\s+and\s+(?:what|which|how|who)\b"  # "What are its segments, and what does each do?"
    r"|\s+(?:does|do|did|are|were|is|was|has|have|had|can|should|must|will|would|listed|described|named)\b"
    r"|(?(are)\s+(?:in|of|from|for|that)\b|(?!)))", re.IGNORECASE)  # "what are the X that/in/of ...": X is no verb
# Plural heads that name a measure, not a list: "What were the total revenues in 2022?" asks for one figure.
_MEASURES = {"revenues", "sales", "earnings", "expenses", "costs", "assets", "liabilities", "proceeds", "profits",
             "losses", "dividends", "taxes", "payments", "fees", "shares", "margins", "rates", "returns", "receivables",
             "payables", "borrowings", "reserves", "savings", "funds", "figures", "numbers", "amounts", "totals",
             "values", "prices", "years", "dates", "hours", "days", "months", "minutes", "weeks", "holdings",
             "inventories", "wages", "salaries", "benefits", "obligations", "commitments", "securities", "equities",
             "investments", "cents", "dollars", "pounds", "euros", "purchases", "equivalents", "expenditures",
             "provisions", "charges", "allowances", "impairments", "deposits", "loans", "outflows", "inflows",
             "gains", "increases", "decreases", "reductions", "additions", "balances", "credits", "deductions"}


# "How do you connect the monitor?", "How to reset the device": steps, which a manual gives over a page or more;
# "How should the display be cleaned?": the same, in the passive.
_PROCEDURE_RE = re.compile(r"^\s*how (?:(?:do|can|should|would|could|must) (?:i|you|we|one|users?)|to)\b"
                           r"|^\s*how (?:should|must|can|could) (?!.*\bmuch\b).{1,60}? be \w+(?:ed|en)\b",
                           re.IGNORECASE)
# "How does Netflix account for its content?", "Where and how does Nike make its shoes?": how a thing is done, told
# over a section, unless it asks how a figure moved ("How did revenue change?") or how much.
_HOW_DOES_RE = re.compile(r"^\s*(?:(?:where|why|when) and )?how (?:does|do|did) (?P<rest>.+)", re.IGNORECASE)
_FIGURE_MOVES_RE = re.compile(r"\b(?:change|changed|compare|compared|differ|perform|performed|grow|grew|increase|"
                              r"decrease|decline|rise|rose|fall|fell|rank|ranked|fare|fared)\b", re.IGNORECASE)
# "How does Manchester United account for the cost of players' registrations?": a policy or method, told over a note
_ACCOUNTS_FOR_RE = re.compile(r"\baccount(?:s|ed)? for\b|\b(?:estimate|determine|calculate|assess)(?:s|d|es|ed)?\b",
                              re.IGNORECASE)  # "How does American Express estimate its reserves for credit losses?"
# "Who are Best Buy's executive officers?": people named in a list ("Who are the authors of the paper on …?" names
# its subject after "of" and stays a fact, as do "who is …" questions).
_WHO_ARE_RE = re.compile(r"^\s*who (?:are|were) (?:the |its |their |(?:[\w.&-]+ ){0,2}[\w.&-]+['’]s )"
                         r"(?:(?!of\b)[\w-]+ ){0,3}?[a-z-]+s"
                         r"(?=\s*\?|\s*$|\s+(?:and|listed|named)\b)", re.IGNORECASE)


# A table named so: "in its five-year financial summary", "the summary compensation table" ask for one of its cells.
_TABLE_NAME_RE = re.compile(r"\b(?:(?:five|ten|\d+)[- ]year|selected|financial|statistical|quarterly|segment)"
                            r"(?: financial| statistical)? (?:summary|overview)\b|\bsummary (?:compensation )?table\b",
                            re.IGNORECASE)


# "How many people does it employ, in which areas do they work, and how much does it spend on them?": a question
# asking three things or more is answered from several parts of a document; two, when one of them is ("How does X
# estimate its reserves, and how did they change?"): "How many options were granted, and at what price?" asks for
# one table row's cells.
_ASKS_RE = re.compile(r"^\s*(?:how|what|which|who|whom|whose|where|when|why|is|are|was|were|do|does|did|can|list"
                      r"|name)\b", re.IGNORECASE)
_NEXT_ASK_RE = re.compile(r"(?:[,;]\s*(?:and\s+)?|\s+and\s+|\?\s+)(?P<ask>(?:(?:in|on|for|to|from|by|at|of|with)\s+)?"
                          r"(?:which|what|how|who|whom|where|when|why)\b)", re.IGNORECASE)
SEVERAL_ASKS = 3


def asked_parts(question: str) -> list[str]:
    """The things `question` asks, each from its question word on ("How many people does X employ", "in which
    areas do they work", "how much does the club spend on staff?"), when it starts with one; else the question."""
    if not _ASKS_RE.search(question):
        return [question]
    joins = [match for match in _NEXT_ASK_RE.finditer(question) if len(question[:match.start()].split()) >= 3]
    starts, ends = [0, *(match.start("ask") for match in joins)], [*(match.start() for match in joins), len(question)]
    return [question[start:end].strip() for start, end in zip(starts, ends)]


def question_scope(question: str) -> str:
    """FACT, DOCUMENT (a summary, main points, a full list, how a thing is done) or DOCUMENTS (a comparison) for
    `question`."""
    question = _TABLE_NAME_RE.sub(" ", question)
    if _DOCUMENTS_RE.search(question):
        return DOCUMENTS
    return _one_document(question)


def one_document_scope(question: str) -> str:
    """FACT or DOCUMENT for `question` asked of one document, comparison or not ("How did 2022's results compare
    with 2021's: each revenue stream and the main cost lines?" is about the whole of one filing)."""
    return _one_document(_TABLE_NAME_RE.sub(" ", question))


def _one_document(question: str) -> str:
    parts = asked_parts(question)
    if len(parts) >= SEVERAL_ASKS or any(_whole(part) for part in parts):
        return DOCUMENT
    return FACT


def _whole(question: str) -> bool:
    """Whether one question (or one part of one) is answered from a whole document."""
    return bool(_DOCUMENT_RE.search(question) or _ABOUT_RE.search(question) or _lists(question)
                or _key_plural(question) or _describes(question))


def _describes(question: str) -> bool:
    """A question answered by a description over a section: steps, how a thing is done, who holds the roles."""
    if _PROCEDURE_RE.search(question) or _WHO_ARE_RE.search(question):
        return True
    how = _HOW_DOES_RE.search(question)
    if how is None:
        return False
    first = re.split(r"\s+and\s+(?:how|what|which|who|where|when|why)\b", how.group("rest"))[0]  # its first question
    words = {word.lower() for word in re.findall(r"[\w-]+", first)}
    if _ACCOUNTS_FOR_RE.search(first):  # an accounting policy, whatever figure it names
        return True
    return not _FIGURE_MOVES_RE.search(first) and not words & (_MEASURES | _FIGURES)


# A request to summarise a document, however it names it ("Summarise the care home inspection report for The Limes"),
# with no topic of its own ("Summarise what the report says about debt" has one).
_SUMMARY_REQUEST_RE = re.compile(
    r"^\s*(?:please\s+)?(?:summari[sz]e|(?:give|write)\s+(?:me\s+)?an?\s+(?:summary|overview)\s+of"
    r"|(?:an?\s+)?(?:summary|overview|gist)\s+of)\s+(?:the|this|these|(?:[\w.&-]+\s+){0,3}[\w.&-]+['’]s)\s+"
    r"(?:[\w'’.&-]+\s+){0,4}?(?:report|filing|10-k|20-f|document|paper|book|manual|article|study|plan|letter|"
    r"release|presentation|prospectus|guide|handbook|thesis|outline|transcript|file|rule|notice|order|ruling|"
    r"judgment|decision|minutes|proposal|agreement|contract|policy|results)s?\b"  # it names a document,
    r"(?!.*\b(?:about|regarding|concerning|says?|said|section|chapter|part)\b)", re.IGNORECASE)  # not a topic


_FIGURES = {"revenue", "sale", "income", "margin", "rate", "ratio", "percentage", "growth", "price", "cost", "expense",
            "profit", "loss", "earnings", "ebitda", "eps", "cash", "debt", "value", "amount", "number", "total"}


def summary_request(question: str) -> bool:
    """Whether `question` asks for a summary of a document and names no topic: its words name the document."""
    return bool(_SUMMARY_REQUEST_RE.search(question) or _ABOUT_RE.search(question))


def _key_plural(question: str) -> bool:
    """"What are the main risks ...": a list of the key things; not "how much in mortgage loan principal repayments
    ...", a figure (the loan's principal)."""
    return not _HOW_MUCH_RE.search(question) \
        and any(match.group("head").lower() not in _MEASURES for match in _KEY_PLURAL_RE.finditer(question))


_HOW_MUCH_RE = re.compile(r"\bhow (?:much|many)\b", re.IGNORECASE)


def _lists(question: str) -> bool:
    head = _PLURAL_HEAD_RE.search(question)
    return head is not None and not {word.lower() for word in re.findall(r"[\w-]+", head.group())} & _MEASURES
