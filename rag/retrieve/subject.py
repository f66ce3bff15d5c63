"""The words of a question that name the document's own subject, and the question without them (`without_subject`).

Inside one company's filing its name is on most pages, so a dense search for "How many employees does Manchester
United have?" ranks the pages that say "Manchester United" most (the stadium, the notes, the bonds) above the
employees table, which never names the club. The retriever adds a dense ranking of the question without the words
that name the document's subject ("How many employees does have?"): the name of a file the question gives ("Best
Buy" for BESTBUY_2023_10K.pdf), or a name the document's first page gives and many of its pages repeat ("Manchester United", "Nike").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from rag.query.terms import capitalised_runs
from rag.text import tokenize

TITLE_SHARE = 0.6  # of a capitalised run's words on a document's first page, for the run to name the document
SUBJECT_PAGES = 0.25  # a name on fewer of a document's pages is one of the many its first page may give, no subject
MIN_LEFT = 2  # search words the question must keep without its subject for the ranking to be worth adding
_WORD_RE = re.compile(r"[\w'’.&-]+")


def title_words(index, source: str) -> set[str]:
    """The words of a document's first page (its title, its subject's name), once per index version."""
    from rag.index.base import derived

    def build() -> set[str]:
        chunks = [doc for doc in index.chunks if doc.metadata.get("source") == source]
        first = min((doc.metadata.get("page", 1) for doc in chunks), default=1)
        return {t for doc in chunks if doc.metadata.get("page", 1) == first for t in tokenize(doc.page_content)}

    return derived(index, ("title_words", source), build)


def page_shares(index, source: str) -> dict[str, float]:
    """Each word of a document and the share of its pages that hold it, once per index version."""
    from rag.index.base import derived

    def build() -> dict[str, float]:
        pages: dict[int, set[str]] = {}
        for doc in index.chunks:
            if doc.metadata.get("source") == source:
                pages.setdefault(doc.metadata.get("page", 1), set()).update(tokenize(doc.page_content))
        counts = Counter(token for tokens in pages.values() for token in tokens)
        return {token: count / len(pages) for token, count in counts.items()}

    return derived(index, ("page_shares", source), build)


def subject_words(question: str, title: set[str], shares: Callable[[], Mapping[str, float]],
                  naming: Iterable[str] = ()) -> set[str]:
    """The words of `question` that name the document: those in `naming` (the words that named its file), and the
    capitalised runs and words (past the question's first) that its first page gives (`title`) and many of its pages
    repeat (`shares()`, read only for such a name: "Manchester United" on 40% of the club's filing, not a company
    named in one row of a list)."""
    found, in_runs = set(naming), set()
    for run in capitalised_runs(question):
        tokens = set(tokenize(run))
        in_runs.update(run.split())
        if tokens and len(tokens & title) >= TITLE_SHARE * len(tokens) and _repeated(tokens, shares):
            found.update(run.split())
    for word in _WORD_RE.findall(question)[1:]:
        if word in in_runs:  # "Mountain" of "Mountain Pass" is no name of its own
            continue
        bare = re.sub(r"['’]s$", "", word)
        tokens = set(tokenize(bare))
        if bare[:1].isupper() and not bare.isupper() and tokens and tokens <= title and _repeated(tokens, shares):
            found.add(word)
    return found


def _repeated(tokens: set[str], shares: Callable[[], Mapping[str, float]]) -> bool:
    held = shares()
    return max(held.get(token, 0.0) for token in tokens) >= SUBJECT_PAGES


def without_subject(question: str, words: set[str]) -> str | None:
    """`question` without `words` (and their "'s"), or None when that leaves it nothing to search by or changes
    nothing."""
    if not words:
        return None
    names = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    left = re.sub(rf"(?<![\w-])(?:{names})(?:['’]s)?(?![\w-])", " ", question, flags=re.IGNORECASE)
    left = re.sub(r"\s{2,}", " ", left).strip()
    if left == question.strip() or len(set(tokenize(left))) < MIN_LEFT:
        return None
    return left
