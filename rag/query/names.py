"""Which indexed files a question names, from the words of their file names ("Best Buy" -> BESTBUY_2023_10K.pdf).

`document_names(index)` is the look-up for a loaded index, built once per index version and shared
(`rag.index.base.derived`); the relevance check builds one over the files of the passages it judges. Hands on the
files a question names and the question words that named them (`DocumentNames.named_in`), for `QueryAnalysis`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher

from rag.index.base import derived
from rag.index.bm25 import document_title
from rag.text import STOPWORDS, normalize, tokenize

FUZZY_NAME_MATCH = 0.85  # "Neflix" finds NETFLIX_2015_10K.pdf, "Being" never finds Boeing (a stopword)
MIN_FUZZY_LENGTH = 4
_LAST_WORD_RE = re.compile(r"([^\W\d_][^\W_]*)[ \t]+$")  # the word just before a position, on the same line
ORDINARY_WORD_SHARE = 0.25  # a file-name word that a quarter of the other files use is an ordinary word, not a name
ORDINARY_WORD_MIN_FILES = 4  # ... judged only when there are this many other files to judge by
MIN_LOWERCASE_NAME = 5  # a lowercase word names a file only if this long: "long" must not name "acl-long.pdf"


class DocumentNames:
    """Which indexed files a question names, from the words of their file names ("Best Buy" -> BESTBUY_2023_10K.pdf)."""

    def __init__(self, sources: Iterable[str]):
        self.sources = sorted(set(sources))
        by_word: dict[str, set[str]] = {}
        for source in self.sources:
            for word in name_words(source):
                by_word.setdefault(word, set()).add(source)
        # A word shared by many names ("10k", "annual") names none of them.
        limit = max(2, len(self.sources) // 3)
        self.by_word = {word: found for word, found in by_word.items() if len(found) <= limit}

    def named_in(self, question: str, ordinary: Callable[[str, set[str]], bool] | None = None
                 ) -> tuple[set[str], set[str]]:
        """The files the question names, and the question words (case-folded) that named them.

        `ordinary(word, files)` says whether a single word that matches `files`' names is an ordinary word of the
        documents rather than a name ("tables" in chinese_tables_bond_prospectus.pdf); such a word names nothing."""
        files: set[str] = set()
        words: set[str] = set()
        for candidate, parts in _name_candidates(question):
            found = self._lookup(candidate)
            if found and not (len(parts) == 1 and ordinary and ordinary(candidate, found)):
                files |= found
                words |= parts
        for word in {normalize(word) for word in re.findall(r"[^\W_]+", question) if word.islower()}:
            if len(word) >= MIN_LOWERCASE_NAME and word in self.by_word:  # "for costco": exact only, never fuzzy
                if not (ordinary and ordinary(word, self.by_word[word])):
                    files |= self.by_word[word]
                    words.add(word)
        return files, words

    def _lookup(self, candidate: str) -> set[str]:
        if candidate in self.by_word:
            return self.by_word[candidate]
        if len(candidate) < MIN_FUZZY_LENGTH:
            return set()
        found: set[str] = set()
        for word, sources in self.by_word.items():
            if len(word) >= MIN_FUZZY_LENGTH and SequenceMatcher(None, candidate, word).ratio() >= FUZZY_NAME_MATCH:
                found |= sources
        return found


def name_words(source: str) -> set[str]:
    """Words of a file name that could name it: not numbers, stopwords or hash-like strings."""
    words = set()
    for word in re.split(r"[^0-9a-z]+", normalize(document_title(source))):
        digits = sum(ch.isdigit() for ch in word)
        mostly_letters = digits < len(word) and (digits * 2 <= len(word) or len(word) <= 3)  # "3m", not "040314"
        if len(word) >= 2 and word not in STOPWORDS and mostly_letters and len(word) <= 20:
            words.add(word)
    return words


def _name_candidates(question: str) -> list[tuple[str, set[str]]]:
    """Capitalised words of the question ("Netflix", "COSTCO", "3M"), alone and run together with the next one or
    two ("Best Buy" -> "bestbuy", "Step-Back" -> "stepback"), each with the words it is made of."""
    words = re.findall(r"[^\W_]+", question)
    candidates = []
    for start in range(len(words)):
        for width in (1, 2, 3):
            group = words[start:start + width]
            if len(group) < width or not any(ch.isupper() for ch in group[0]):
                break
            folded = [normalize(word) for word in group]
            if width == 1 and folded[0] in STOPWORDS:
                break
            candidates.append(("".join(folded), set(folded)))
    return candidates


def document_names(index) -> DocumentNames:
    """The file-name look-up of a loaded index, built once per index version and shared by every caller."""
    return derived(index, "query.document_names", lambda: DocumentNames(doc.metadata["source"] for doc in index.chunks))


def is_ordinary_word(names: DocumentNames, files_with: Callable[[Iterable[str]], set[str]],
                     lowercase: Callable[[str], bool], word: str, files: set[str]) -> bool:
    """A word of some file names that many other files' text uses too, and mostly in lower case ("tables",
    "pages", "report"), is a word of the documents, not a name. A name is rare outside its own files
    ("costco"), or written capitalised where others mention it ("Amazon" in a competitor's 10-K).

    `files_with` is the store's token-to-file look-up (`rag.index.base.Searcher.files_with`), `lowercase(word)`
    whether the documents mostly write the word in lower case (`mostly_lowercase`)."""
    others = len(names.sources) - len(files)
    if others < ORDINARY_WORD_MIN_FILES:
        return False
    whole = tokenize(word)[:1]  # "10k" as one token, not its parts "10" and "k"
    using = files_with(whole) - files
    return len(using) >= ORDINARY_WORD_SHARE * others and lowercase(word)


def mostly_lowercase(index, word: str) -> bool:
    """Whether the documents of a loaded index write `word` in lower case at least as often as capitalised after a
    lower-case word ("such as Amazon": a name; "Annual Report" in a heading says nothing), over its first 200 uses;
    found once per index version and word."""
    return derived(index, ("query.mostly_lowercase", word), lambda: _mostly_lowercase(index.chunks, word))


def _mostly_lowercase(chunks, word: str) -> bool:
    pattern = re.compile(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", re.IGNORECASE)
    lower = proper = 0
    for doc in chunks:
        text = doc.page_content
        for found in pattern.finditer(text):
            if found.group()[0].islower():
                lower += 1
            else:
                before = _LAST_WORD_RE.search(text, max(0, found.start() - 40), found.start())
                proper += bool(before and before.group(1)[0].islower())
        if lower + proper >= 200:
            break
    return lower >= proper
