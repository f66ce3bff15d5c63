"""`QueryAnalysis`: what a question asks, worked out once and handed to retrieval and to the relevance check.

Before, the retriever and the relevance check each read the question again. Now the answerer builds one analysis
per question (`HybridRetriever.analyse`, which knows the index's file names) and passes it to both:

- the files it names: by their file names ("Best Buy" -> BESTBUY_2023_10K.pdf, `rag.query.names`; not by a word
  most other files' text uses too, "tables"), or else by a name or acronym only one file's text holds ("ADBE");
- the pages it names ("page 14", "the last page": `rag.query.page_refs`);
- the financial statement or line item it asks about (`rag.query.statements`), the contact detail it asks for
  (`rag.query.contacts`);
- its figures, names, acronyms, organisations and quarters, and its content words (`rag.query.terms`);
- its search tokens, and whether it is written mostly in Chinese/Japanese.

Every value is computed on first use and then kept; the ones that depend on what is left out (`key_terms`,
`acronyms`) or on the files of the passages being judged (`words_naming`) are kept per argument.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property

from rag.query import contacts, page_refs, statements, terms
from rag.query.names import DocumentNames
from rag.text import tokenize


class QueryAnalysis:
    """What `question` asks. `names` (the index's file names) and `files_with` (the store's token-to-file look-up,
    `rag.index.base.Searcher.files_with`) let it find the files the question names; without them it names none.
    `ordinary(word, files)` says when a file-name word is an ordinary word of the documents ("tables")."""

    def __init__(self, question: str, names: DocumentNames | None = None,
                 files_with: Callable[[Iterable[str]], set[str]] | None = None,
                 ordinary: Callable[[str, set[str]], bool] | None = None):
        self.question = question
        self._names = names
        self._files_with = files_with
        self._ordinary = ordinary  # names.is_ordinary_word for this index: a file-name word that names nothing
        self._key_terms: dict[frozenset[str], list[tuple[str, ...]]] = {}
        self._acronyms: dict[frozenset[str], list[str]] = {}
        self._words_naming: dict[frozenset[str], set[str]] = {}
        self._compared: set[str] = set()  # words naming the other documents of a comparison (`restricted_to`)

    def __repr__(self) -> str:
        return f"QueryAnalysis({self.question!r})"

    def restricted_to(self, files: set[str], scope: str = "fact", others: Iterable[str] = ()) -> "QueryAnalysis":
        """The same question asked of `files` only, with `scope` (a comparison asks each document this way: about
        that whole document); `others`: more words that name the other documents."""
        other = QueryAnalysis(self.question, self._names, self._files_with, self._ordinary)
        other.__dict__["named_files"] = set(files)  # the cached properties, set
        other.__dict__["scope"] = scope
        other.__dict__["file_names"] = self.file_names  # the words naming documents are still not its topic
        other._compared = self._compared | self.file_names[1] | set(others)  # nor must it mention the others
        return other

    def rescoped(self, scope: str) -> "QueryAnalysis":
        """This analysis (itself, changed) with `scope` in place of the one its words give: a comparison that finds
        one document is asked as a question about it."""
        self.__dict__["scope"] = scope
        return self

    def asking(self, question: str, files: set[str]) -> "QueryAnalysis":
        """Another question about `files` (a part of this one: "how much does the club spend on staff?"), with this
        one's look-ups."""
        other = QueryAnalysis(question, self._names, self._files_with, self._ordinary)
        other.__dict__["named_files"] = set(files)
        other._compared = set(self._compared)
        return other

    def names_only_in(self, others: set[str], source: str) -> set[str]:
        """The words of the names the question gives (organisations, acronyms) that `source` never holds and one of
        `others` does: in a comparison of files whose names say nothing ("a5879805….pdf"), the names of the other
        documents' subjects ("ITC" is not asked of the Godfrey Phillips report)."""
        if self._files_with is None:
            return set()
        found: set[str] = set()
        runs = terms.capitalised_runs(self.question)  # "Godfrey Phillips"
        for name in dict.fromkeys([*self.organisations, *self.acronyms(), *runs]):
            holders = self._files_with(tokenize(name))
            if source not in holders and holders & others:
                found.update(name.split())
                found.update(tokenize(name))
        return found

    @cached_property
    def scope(self) -> str:
        """How much of the documents the question is about: "fact", "document" or "documents" (rag.query.scope)."""
        from rag.query.scope import question_scope

        return question_scope(self.question)

    # ------------------------------------------------------------ files and pages

    @cached_property
    def file_names(self) -> tuple[set[str], set[str]]:
        """The files the question names by their file names, and the question words (case-folded) that named them."""
        if self._names is None:
            return set(), set()
        return self._names.named_in(self.question, self._ordinary)

    @cached_property
    def named_files(self) -> set[str]:
        """The files the question names: by their file names ("Best Buy"), or else by a name or acronym of the
        question that only one file's text contains ("ADBE", "AMEX")."""
        named, words = set(self.file_names[0]), self.file_names[1]
        if named or self._names is None or self._files_with is None:
            return named
        for term in self.key_terms(words):
            if not any(ch.isdigit() for ch in term[0]):
                found = self._files_with(term)
                if len(found) == 1:
                    named |= found
        return named

    @cached_property
    def pages(self) -> list[int]:
        """The page numbers the question names, in order (`page_refs.LAST` for "the last page")."""
        return page_refs.named_pages(self.question)

    # ------------------------------------------------------------ what kind of thing it asks for

    @cached_property
    def statements(self) -> tuple[set[str], bool]:
        """The financial statements it asks about, and whether it names one outright (not just a line item)."""
        return statements.asked_statements(self.question)

    @cached_property
    def contacts(self) -> set[str]:
        """The kinds of contact detail it asks for (telephone, e-mail, web address); usually none."""
        return contacts.asked_contacts(self.question)

    # ------------------------------------------------------------ its words

    @cached_property
    def focus_tokens(self) -> set[str]:
        """The search tokens and those of the usual statement names of the line items asked about
        (`rag.query.aliases`): what the reader's focused context is chosen by."""
        from rag.query.aliases import alias_tokens

        return set(self.search_tokens) | alias_tokens(self.question)

    @cached_property
    def search_tokens(self) -> set[str]:
        return set(tokenize(self.question))

    @cached_property
    def mostly_cjk(self) -> bool:
        return terms.mostly_cjk(self.question)

    @cached_property
    def content_words(self) -> list[str]:
        return terms.content_words(self.question)

    @cached_property
    def organisations(self) -> list[str]:
        return terms.named_organisations(self.question)

    @cached_property
    def quarters(self) -> set[int]:
        return terms.quarters(self.question)

    def key_terms(self, ignore: Iterable[str] = ()) -> list[tuple[str, ...]]:
        """`terms.key_terms` of the question without the words in `ignore`."""
        key = frozenset(ignore)
        if key not in self._key_terms:
            self._key_terms[key] = terms.key_terms(self.question, key)
        return list(self._key_terms[key])

    def acronyms(self, ignore: Iterable[str] = ()) -> list[str]:
        """`terms.acronyms` of the question without the words in `ignore`."""
        key = frozenset(ignore)
        if key not in self._acronyms:
            self._acronyms[key] = terms.acronyms(self.question, key)
        return list(self._acronyms[key])

    def words_naming(self, sources: Iterable[str]) -> set[str]:
        """The question words that name one of `sources` (the files of the passages being judged), and, for one
        document of a comparison, those naming the others ("PepsiCo" is not asked of the 3M filing)."""
        key = frozenset(sources)
        if key not in self._words_naming:
            self._words_naming[key] = DocumentNames(key).named_in(self.question)[1]
        return set(self._words_naming[key]) | self._compared


def analysed(question: str | QueryAnalysis) -> QueryAnalysis:
    """`question` as an analysis (an analysis is returned as it is)."""
    return question if isinstance(question, QueryAnalysis) else QueryAnalysis(question)
