"""The passages for a question about a whole document: excerpts from every section, not the five nearest pages.

A summary, "the main risks" or "list all …" needs the whole document, which a small CPU reader cannot read. The
ingest keeps an overview of each file (`rag.ingest.overview`: its outline and, per section, its most central
sentences). Here the excerpts for one question are chosen from it (`document_passages`):

- a plain summary ("Summarise this report") takes sentences section by section, larger sections first, so every
  part of the document is represented within the budget;
- a question with a topic ("the main risks", "list all subsidiaries") also draws on the sentences of the passages
  retrieved in that document that hold its words, and picks the ones most like the question, a few per section;
  when a section or a heading inside one names the topic ("35 Subsidiaries", "D. RISK FACTORS"), its list and
  table rows and the first sentence of each of its paragraphs come first, in order (an even sample of a long one).

The excerpts are grouped by page into passages (`Document`s with the page and the section title), so the reader
cites them as usual and every source links to its page. `target_document` picks the document; `coverage` says what
the answer was drawn from ("from 14 of the 39 sections of …").
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from langchain_core.documents import Document

from rag.ingest.overview import NUMBERING, SENTENCE_END, common_tokens, running_lines
from rag.query.analysis import QueryAnalysis
from rag.query.scope import summary_request
from rag.query.terms import capitalised_runs
from rag.retrieve.subject import TITLE_SHARE
from rag.text import STOPWORDS, stem, tokenize

SECTION_CAP = 5  # excerpts from one section for a question with a topic ("the main risks")
LEAD_PRIORITY = -100  # the lead's sentences come before any section's (whose priorities are 1/pages and more)
LATER_WAIT = 2.0  # a section at a document's end waits three times as long for a summary's excerpts as one at its start
DOCUMENT_CHARS = 2000  # excerpts given to the reader for a whole-document question (a prompt of ~700 tokens)
INSIDE_BONUS = 0.5  # added to the score of a sentence of the part whose title names the topic
LISTING_CHARS = 6000  # a list question's rows shown under the answer, the reader's excerpts included
# Words that ask for a summary rather than name what it is about.
_CUE_WORDS = {stem(w) for w in (
    "summarise summarize summary summaries overview outline main key major principal important points point "
    "themes theme topics topic ideas findings takeaways conclusions messages issues sections section list all "
    "every each document documents report reports filing filings paper file book manual chapter chapters gist "
    "give describe what which are is the this these about of in does do company companies tl dr brief briefly "
    "short lists listed mention mentions mentioned discuss discussed cover covers annual year fiscal form 10-k "
    "20-f say says said describe described describes name named names compare comparison differ difference "
    "differences versus between both and how its their part parts structure contents content organised organized "
    "main course plan guide handbook article thesis presentation brochure syllabus according "
    "plc inc incorporated ltd llc corp corporation limited").split()}  # and a company's legal form


@dataclass
class WholeDocument:
    """The excerpts chosen for a whole-document question, and what they cover."""

    source: str
    passages: list[Document]
    drawn: int  # sections the excerpts come from
    sections: int  # sections of the document
    topic: bool  # the question names what it is about ("the main risks"), not only "summarise"
    overview: dict  # the document's overview (rag.ingest.overview)
    more: list[Document] = field(default_factory=list)  # rows listed under the answer that the reader had no room for


@dataclass
class Excerpt:
    page: int
    section: str
    text: str
    order: int  # place in the document, for reading order
    priority: float = 1.0  # for a plain summary, lower first (rag.answer.whole.overview_excerpts)
    row: bool = False  # listed whole and in order: a row, heading or paragraph opener of the topic (passage_excerpts)
    weak: bool = False  # a row listed only when the others leave room: the opener of a longer paragraph
    inside: bool = False  # a sentence of the part whose title names the topic, topic word or not


_KIND = re.compile(r"\b(?:this|the) (book|paper|report|manual|guide|handbook|article|thesis|filing|presentation"
                   r"|specification|standard|document)\b", re.IGNORECASE)


def target_document(analysis: QueryAnalysis, retrieved: Sequence[Document], files: Sequence[str],
                    chunks: Sequence[Document] = ()) -> str | None:
    """The document a whole-document question is about: the one it names, the only one, the one that calls itself
    what the question calls it ("Summarise this book": the file whose text says "this book" most), or the best
    passage's."""
    named = sorted(analysis.named_files)
    if len(named) == 1:
        return named[0]
    if len(files) == 1:
        return files[0]
    kind = _KIND.search(analysis.question)
    if kind and not named and chunks:
        calls = self_called(chunks, kind.group(1).lower())
        if calls:
            return max(calls, key=calls.get)
    for doc in retrieved:
        if not named or doc.metadata.get("source") in named:
            return doc.metadata.get("source")
    return None


def self_called(chunks: Sequence[Document], kind: str) -> dict[str, int]:
    """Per file, how many of its chunks say "this `kind`" ("this book", "this report")."""
    wanted = re.compile(rf"\bthis {kind}\b", re.IGNORECASE)
    counts: dict[str, int] = {}
    for doc in chunks:
        if wanted.search(doc.page_content):
            counts[doc.metadata.get("source")] = counts.get(doc.metadata.get("source"), 0) + 1
    return counts


def overview_of(index, source: str) -> dict | None:
    """The overview the ingest kept for `source`; for a file indexed before overviews existed or by an older ingest,
    one built now from its chunks (and their vectors where the index holds them in memory), with the outline it kept,
    once per index version."""
    from rag.index.base import derived
    from rag.ingest.overview import OVERVIEW_VERSION, build_overview

    entry = index.manifest.files.get(source)
    if entry is None:
        return None
    stored = entry.overview
    if stored is not None and stored.get("version") == OVERVIEW_VERSION:
        return stored
    outline = [(s["title"], s["page"]) for s in (stored or {}).get("sections", [])] or None

    def build() -> dict:
        rows = [i for i, doc in enumerate(index.chunks) if doc.metadata.get("source") == source]
        vectors = index.get_vectors()[rows] if hasattr(index, "get_vectors") else np.zeros((len(rows), 1))
        return build_overview([index.chunks[i] for i in rows], vectors, outline, name=source)

    return derived(index, ("overview", source), build)


def topic_tokens(analysis: QueryAnalysis, source: str, common: set[str] = frozenset(),
                 title: set[str] = frozenset()) -> set[str]:
    """The question's search words less those that only ask for a summary, those naming documents ("Best Buy's",
    or a name its first page gives, `title`: "the Cajon High School Business Management course") and those `common`
    in this one (its own name, "Manchester United", is on most pages and says nothing of the topic) unless the
    question writes them in lower case: "What units does the course cover?" asks about the units it is made of. A
    request to summarise a document has no topic: its words describe the document."""
    if summary_request(analysis.question):
        return set()
    name_words = set(tokenize(re.sub(r"[_\-.]+", " ", source)))
    name_words |= {t for word in analysis.file_names[1] for t in tokenize(word)}
    for run in capitalised_runs(analysis.question):  # "CVS Health's": the file names CVS, the run is a name
        words = set(tokenize(run))
        if name_words & words or (title and len(words & title) >= TITLE_SHARE * len(words)):
            name_words |= words
    asked = without_exceptions(analysis.question)
    lower = {t for word in asked.split() if word[:1].islower() for t in tokenize(word)}
    return {t for t in tokenize(asked) if t not in _CUE_WORDS and t not in name_words
            and t not in STOPWORDS and not t.isdigit() and (t not in common or t in lower)}


# "Apart from environmental and PFAS matters, what product liability litigation …": what it leaves out, up to its
# comma, is no topic
_EXCEPTION = re.compile(r"\b(?:apart from|aside from|other than|besides|excluding|except(?: for)?)\s+[^,;:?]+[,;:]",
                        re.IGNORECASE)


def without_exceptions(question: str) -> str:
    """`question` less what it sets aside ("Apart from PFAS matters, …"), so that a topic is not looked for there."""
    return " ".join(_EXCEPTION.sub(" ", question).split())


def common_words(index, source: str, share: float = 0.3) -> set[str]:
    """The words on more than `share` of a document's chunks, once per index version."""
    from rag.index.base import derived

    def build() -> set[str]:
        return common_tokens([doc for doc in index.chunks if doc.metadata.get("source") == source], share)

    return derived(index, ("common_words", source), build)


def overview_excerpts(overview: dict) -> list[Excerpt]:
    """The overview's sentences as excerpts: the document's lead first (what it is), then each section's."""
    sections = overview.get("sections", [])
    excerpts = []
    for rank, sentence in enumerate(overview.get("lead", [])):
        section = next((s["title"] for s in sections if s["page"] <= sentence["page"] <= s["last_page"]), "")
        excerpts.append(Excerpt(sentence["page"], section, sentence["text"], sentence["page"] * 1_000_000,
                                LEAD_PRIORITY + rank))
    length = max((s["last_page"] for s in sections), default=1)
    for section in sections:
        pages = section["last_page"] - section["page"] + 1
        later = 1 + LATER_WAIT * (section["page"] - 1) / length  # documents say what matters most first
        for sentence in section.get("sentences", []):
            # a summary takes more sentences from larger sections: the n-th sentence of a section waits (n+1)/pages
            priority = later * (sentence.get("rank", 0) + 1) / pages
            excerpts.append(Excerpt(sentence["page"], section["title"], sentence["text"],
                                    sentence["page"] * 1_000_000, priority))
    return excerpts


_ROW = re.compile(r"\.\.\.|: |\d\s*%?$")  # a list or table row: dot leaders, a label, or a figure at its end


def titled_sections(overview: dict, wanted: set[str], asked: set[str] = frozenset()) -> list[dict]:
    """The parts whose title names the topic, closest first ("35 Subsidiaries", "D. RISK FACTORS" for "the main
    risks"): sections of the outline, or headings inside them, each to the next heading of its level or above. A
    title holds a topic word (`wanted`); the closest names most of the question (`asked`, also the words common in
    the document: "30 Financial risk management" for "the financial risks"; "RISK FACTORS" before "MARKET RISK"); a
    catch-all title names its topic least ("Environmental Matters and Litigation" before "Other Matters")."""
    sections = overview.get("sections", [])
    subsections = overview.get("subsections", [])
    last = max((s["last_page"] for s in sections), default=1)
    wanted = wanted - _MOVES or wanted  # "how did those reserves change": no part titled "Change in Control"
    found = []
    for n, section in enumerate(sections):
        if _names(section["title"], wanted):
            after = sections[n + 1]["title"] if n + 1 < len(sections) else None
            found.append({**section, "last_page": section["last_page"] + bool(after), "until": after})
    for n, sub in enumerate(subsections):
        if _names(sub["title"], wanted) and not any(s["page"] == sub["page"] for s in found):
            level = sub.get("level", 1)
            starts = sorted({s["page"] for s in sections}
                            | {s["page"] for s in subsections if s.get("level", 1) <= level})
            end = next((page - 1 for page in starts if page > sub["page"]), last)
            after = next((s["title"] for s in subsections[n + 1:] if s.get("level", 1) <= level), None)
            found.append({"title": sub["title"], "page": sub["page"], "last_page": max(sub["page"], end + 1),
                          "until": after})  # to the next heading, which may be on the page it starts
    question = wanted | asked

    def fit(part: dict) -> tuple[float, int]:
        title = _LABEL.sub("", NUMBERING.sub("", part["title"]))
        words = {w for w in tokenize(title) if w not in STOPWORDS and len(w) > 1} \
            | {w for w in re.findall(r"[a-z]+", title.lower()) if w in _CATCH_ALL}
        return sum(_names(w, question) for w in words) / max(1, len(words)), part["last_page"] - part["page"]

    return sorted(found, key=fit, reverse=True)


def titled_parts(overview: dict, chunks: Sequence[Document], asked: Sequence[tuple[set[str], set[str]]]
                 ) -> list[tuple[dict, list[Document]]]:
    """For each thing a question asks (its topic words and all its words, as `titled_sections` takes them), the part
    whose title names it first and that says something ("A. DEBT SECURITIES Not applicable." says nothing), with
    its chunks (of the document's `chunks`), each part once."""
    found: list[tuple[dict, list[Document]]] = []
    for wanted, words in asked:
        for named in titled_sections(overview, wanted, words):
            if any(named == other for other, _chunks in found):
                break
            inside = section_chunks(chunks, named)
            if has_substance(inside):
                found.append((named, inside))
                break
    return found


# How a figure moved, which a question asks of its topic and a title may hold for another ("Change in Control")
_MOVES = {stem(word) for word in "change changed changes affect affected affects impact impacted impacts increase "
          "increased decrease decreased grow grew rise rose fall fell decline declined differ differed".split()}
# "NOTE 9 — INCOME TAXES": a note's label says nothing of its topic
_LABEL = re.compile(r"^(?:note|section|chapter|appendix|schedule|exhibit|part)\s+[\dA-Z]{1,3}\b\s*[—–.:-]?\s*",
                    re.IGNORECASE)
_CATCH_ALL = {"other", "others", "general", "miscellaneous", "additional", "various"}  # "Other Matters" names no topic


_SUFFIXES = {"ation", "ations", "es", "s", "ing", "ings", "ment", "ments"}  # of a three-letter word's derivations


def _names(title: str, wanted: set[str]) -> bool:
    """Whether a title holds one of the `wanted` words, or a word of the same stem ("Competition" for
    "competitors": the first letters alike, six at least and three quarters of the shorter word; "Indebtedness" for
    "debt"; "Taxation" for "tax")."""
    for word in tokenize(title):
        for other in wanted:
            if word == other:
                return True
            shared = len(os.path.commonprefix([word, other]))
            if shared >= max(6, 0.75 * min(len(word), len(other))) or \
                    len(other) >= 4 and re.sub(r"^(?:in|un|non|sub)", "", word).startswith(other) or \
                    len(other) == 3 and word.startswith(other) and word[3:] in _SUFFIXES:  # "indebtedness", "taxation"
                return True
    return False


def section_chunks(chunks: Sequence[Document], part: dict) -> list[Document]:
    """The chunks of a part of a document (`titled_sections`) cut to its text: from its heading to the next heading
    of its level ("2. Acquisitions" ends where "3. Restructuring" starts on the same page)."""
    inside = [doc for doc in chunks if part["page"] <= doc.metadata.get("page", 1) <= part["last_page"]]
    title, until = part["title"], part.get("until")
    number = re.match(r"(\d{1,3})\.?\s", title)
    if until:
        ends = re.compile(rf"(?m)^[ \t]*{re.escape(until)}[ \t]*$")
    elif number:  # the last numbered part ("35 Subsidiaries") ends where the next number starts ("36 Additional …")
        ends = re.compile(rf"(?m)^[ \t]*{int(number.group(1)) + 1}\.?[ \t]+[A-Z]")
    else:
        ends = None
    start = next((n for n, doc in enumerate(inside) if title in doc.page_content), 0)
    out = []
    for n, doc in enumerate(inside[start:]):
        text = doc.page_content
        begin = text.index(title) + len(title) if n == 0 and title in text else 0
        stop = ends.search(text, begin) if ends else None
        piece = text[begin:stop.start() if stop else len(text)]
        if piece.strip():
            out.append(doc if piece == text else Document(piece, metadata=doc.metadata))
        if stop:
            break
    return out


SUBSTANCE_CHARS = 40  # of text in a part, for it to say something ("Not applicable." does not)


def has_substance(part: Sequence[Document]) -> bool:
    """Whether a part's chunks say something beyond "Not applicable" or "None"."""
    text = " ".join(doc.page_content for doc in part)
    return len(re.sub(r"(?i)not applicable\.?|\bnone\.?", "", text).strip()) >= SUBSTANCE_CHARS


def _openers(text: str) -> list[tuple[str, bool]]:
    """The first sentence of each paragraph (a line that follows a line ending a sentence), and whether it is the
    whole paragraph: in a section of risk factors or strategies each point is a one-sentence headline ("Our business
    depends on relationships with certain third parties.") over the paragraphs that explain it."""
    lines = [line.strip() for line in text.splitlines()]
    found = []
    for i, line in enumerate(lines):
        if line[:1].isupper() and (i == 0 or lines[i - 1].endswith((".", ":"))):
            rest = " ".join(lines[i:i + 4])
            sentence = SENTENCE_END.split(rest)[0]
            if 6 <= len(sentence.split()) <= 60 and sentence.endswith("."):
                end = next((j for j in range(i, min(i + 4, len(lines))) if lines[j].endswith(".")), None)
                whole = end is not None and " ".join(lines[i:end + 1]) == sentence and end + 1 < len(lines)
                found.append((sentence, whole))
    return found


def passage_excerpts(passages: Sequence[Document], wanted: set[str], sections: list[dict],
                     titled: Sequence[dict] = (), rows_only: bool = False,
                     headings: dict[int, list[str]] | None = None) -> list[Excerpt]:
    """The sentences, bullet items and table rows of the passages that hold a topic word (all of them in the part
    whose title names the topic, marked `inside`), each under the section its page is in; marked as rows to be
    listed in order: in the part whose title names the topic (`titled`), every list or table row, every heading
    ("Strategic Risks") and the first sentence of every paragraph, and anywhere, a list or table row holding the
    topic's words ("DXC ... Global sponsor Digital platform development" for "the global
    sponsors"). `rows_only`: the rows alone, not the sentences holding a topic word. `headings`: per page, the
    overview's heading titles (set in a heading type, over several lines perhaps), rows in a titled part too."""
    found, seen = [], set()
    needed = min(2, len(wanted))
    running = {" ".join(line.split()) for line in running_lines(passages, share=0.0)}  # on 3 pages or more
    for doc in passages:
        page = doc.metadata.get("page", 1)
        named = next((s for s in titled if s["page"] <= page <= s["last_page"]), None)
        section = named or next((s for s in sections if s["page"] <= page <= s["last_page"]), None)
        title = section["title"] if section else ""
        lines = [" ".join(line.split()) for line in doc.page_content.splitlines()]
        lines = [line for line in lines if line not in running]
        text = "\n".join(lines)
        weak: set[str] = set()  # rows to list only when the strong ones are too few: openers of long paragraphs
        if named:
            rows = [line for line in lines if _labelled_row(line) or _heading_line(line)]
            bullets = [_BULLET.sub("", line) for line in lines if _BULLET.match(line) and line not in rows]
            openers = _openers(text)
            rows += bullets + [sentence for sentence, _whole in openers]
            weak = set(bullets) | {sentence for sentence, whole in openers if not whole}  # sub-items of a point
            flat = " ".join(lines)
            titles = [title for title in (headings or {}).get(page, ()) if title in flat]
            rows = [_after_heading(row, titles) for row in rows] + [title for title in titles if title not in rows]
            rows = [row for row in dict.fromkeys(rows) if row]
            rows.sort(key=lambda row: flat.find(row) if row in flat else len(flat))  # in reading order
        else:
            rows = [line for line in lines if _labelled_row(line) and len(wanted & set(tokenize(line))) >= needed]
        rows += listed_after(text, wanted)
        for position, piece in enumerate(rows + ([] if rows_only else _pieces(text))):  # rows first
            if piece not in seen and (position < len(rows) or named or wanted & set(tokenize(piece))):
                seen.add(piece)  # reading order: page, chunk, place in the chunk
                order = page * 1_000_000 + doc.metadata.get("chunk", 0) % 1000 * 1000 + position
                found.append(Excerpt(page, title, piece, order, row=position < len(rows), weak=piece in weak,
                                     inside=named is not None))
    return found


def _after_heading(row: str, titles: list[str]) -> str:
    """A row less the heading it starts with: a paragraph's opener read on from a headline without a full stop."""
    title = next((title for title in titles if row.startswith(title + " ")), None)
    return row[len(title):].strip() if title else row


_ITEM_MARK = re.compile(r"(?:^|\s)(?:\d{1,2}\)|\([a-z0-9]{1,3}\)|[•▪])\s+")


def listed_after(text: str, wanted: set[str]) -> list[str]:
    """The items of a list whose lead-in names the topic ("We are organized into seven reportable segments, as
    follows: 1) Frito-Lay North America …; 2) …"): each item to its ";" or ".", numbered, lettered or bulleted."""
    flat = " ".join(text.split())
    found = []
    for match in re.finditer(r"([^.:;]*):\s+((?:\d{1,2}\)|\([a-z0-9]{1,3}\)|[•▪])\s.*)", flat):
        if not wanted & set(tokenize(match.group(1))):
            continue
        for item in _ITEM_MARK.split(match.group(2))[1:]:
            head = re.split(r"[;.](?:\s|$)", item, maxsplit=1)[0].strip()
            if 1 <= len(head.split()) <= 40:
                found.append(head)
            if re.search(r"\.\s+[A-Z]", item):  # the list ends with this item's sentence
                break
    return found


_BULLET = re.compile(r"^[•▪◦·\-*]\s+(?=\w)")  # a bulleted line of a list


def _labelled_row(line: str) -> bool:
    """A line of a list or table with a label, not figures alone."""
    return 2 <= len(line.split()) <= 40 and bool(_ROW.search(line)) and sum(w.isalpha() for w in line.split()) >= 2


def _heading_line(line: str) -> bool:
    """A short heading inside a section: "Strategic Risks", "Risks Related to Our Business"."""
    words = line.split()
    return 2 <= len(words) <= 8 and not line.endswith((".", ",", ";", ":")) and line[:1].isupper() \
        and sum(w[:1].isupper() for w in words if len(w) > 3) >= 0.8 * max(1, sum(len(w) > 3 for w in words)) \
        and not any(ch.isdigit() for ch in line)


def informative(excerpts: list[Excerpt], file_counts, files: int, keep: float = 0.7) -> list[Excerpt]:
    """The excerpts whose words are most particular to their document, by how few of the indexed files use them
    (`file_counts(words)`: the searcher's, one look-up for all); the boilerplate every filing carries ("Unless the
    context otherwise requires, the terms we, us ...") scores low. All of them when the index holds too few files to
    tell."""
    if files < 3 or len(excerpts) < 4:
        return excerpts
    words_of = [[t for t in set(tokenize(e.text)) if t not in STOPWORDS and not t.isdigit()] for e in excerpts]
    counts = file_counts({word for words in words_of for word in words})
    rarity = {word: float(np.log(files / max(1, count))) for word, count in counts.items()}
    scores = np.array([sum(rarity[w] for w in words) / max(1, len(words)) for words in words_of])
    floor = np.quantile(scores, 1 - keep)
    return [e for e, value in zip(excerpts, scores) if value >= floor]


def _pieces(text: str) -> list[str]:
    """A passage's sentences, its bullet items ("• our dependence on Matchday revenue;") and its table rows as the
    ingest labels them ("Red Football Limited: Holding company; 100"), each whole."""
    flat = " ".join(text.split())
    items = re.split(r"\s*[•▪]\s+", flat)
    prose, found = [items[0]], []
    for item in items[1:]:  # a bullet item ends at its ";" or "."; what follows it is prose again
        end = re.search(r"[;.](?:\s|$)", item)
        head, rest = (item[:end.start() + 1], item[end.end():]) if end else (item, "")
        if 3 <= len(head.split()) <= 60:
            found.append(head.rstrip(";, "))
        prose.append(rest)
    for part in prose:
        found += [p for p in SENTENCE_END.split(part) if 6 <= len(p.split()) <= 80 and p[:1].isupper()]
    for line in text.splitlines():
        line = line.strip()
        if ": " in line and any(ch.isdigit() for ch in line) and 3 <= len(line.split()) <= 60:
            found.append(line)  # a labelled table row
    return list(dict.fromkeys(found))


def spread_by_section(excerpts: list[Excerpt], budget: int) -> list[Excerpt]:
    """For a plain summary: excerpts within `budget` characters, more of them from the larger sections, each
    section's opening sentences before its central ones, so every large part of the document is represented."""
    return _fill(excerpts, sorted(range(len(excerpts)), key=lambda i: excerpts[i].priority), budget)


def best_by_topic(excerpts: list[Excerpt], budget: int, scores: np.ndarray) -> list[Excerpt]:
    """For a question with a topic: first the excerpts marked as rows (the lists, headings and paragraph openers of
    the part whose title names the topic, "35 Subsidiaries" for "list all the subsidiaries", and rows holding the
    topic's words), in their own order; then the excerpts most like it, at most SECTION_CAP from one section."""
    taken: dict[str, int] = {}

    listed_rows = sorted((i for i, e in enumerate(excerpts) if e.row), key=lambda i: excerpts[i].order)
    fits = int(0.8 * budget / max(1, np.mean([len(excerpts[i].text) for i in listed_rows]))) if listed_rows else 0
    if _headlines_enough([excerpts[i] for i in listed_rows], fits):
        listed_rows = [i for i in listed_rows if not excerpts[i].weak]
    listed_rows = _even_sample(listed_rows, fits)  # a long section (risk factors over 20 pages): a sample of its points

    def order():
        rest = sorted((i for i, e in enumerate(excerpts) if not e.row), key=lambda i: -scores[i])
        for i in listed_rows + rest:
            section = excerpts[i].section
            if excerpts[i].row or taken.get(section, 0) < SECTION_CAP:
                taken[section] = taken.get(section, 0) + 1
                yield int(i)

    return _fill(excerpts, order(), budget)


def _fill(excerpts: list[Excerpt], order, budget: int, taken: Sequence[Excerpt] = ()) -> list[Excerpt]:
    """The excerpts in `order` that fit in `budget` characters, each once (and none of those `taken` before): a
    sentence nearly the same as one taken is the same sentence seen again (chunks overlap); a row must be the very
    same (two subsidiaries' rows differ in one word)."""
    chosen, used, kept_words, kept_rows = [], 0, [set(tokenize(e.text)) for e in taken], {e.text for e in taken}
    for i in order:
        text = excerpts[i].text
        words = set(tokenize(text))
        again = text in kept_rows if excerpts[i].row else \
            any(len(words & other) >= 0.8 * len(words) for other in kept_words)
        if used + len(text) > budget or again:
            continue
        kept_words.append(words)
        kept_rows.add(text)
        chosen.append(excerpts[i])
        used += len(text) + 2
    return sorted(chosen, key=lambda e: (e.order, e.page))


def as_passages(excerpts: list[Excerpt], source: str) -> list[Document]:
    """One passage per page, its excerpts joined with "…", with the section title as its heading."""
    pages: dict[int, list[Excerpt]] = {}
    for excerpt in excerpts:
        pages.setdefault(excerpt.page, []).append(excerpt)
    return [Document(EXCERPT_JOIN.join(e.text for e in group),
                     metadata={"source": source, "page": page, "headings": group[0].section, "score": 1.0,
                               "excerpt": True})
            for page, group in sorted(pages.items())]


def document_passages(overview: dict, source: str, analysis: QueryAnalysis, retrieved: Sequence[Document],
                      embed, wanted: set[str], budget: int = DOCUMENT_CHARS, file_counts=None,
                      files: int = 1, titled: Sequence[dict] = (), section_chunks: Sequence[Document] = (),
                      parts: Sequence[tuple[str, set[str]]] = ()) -> tuple[list[Document], int, int, list[Document]]:
    """The passages for a question about the whole of `source` whose topic words are `wanted` (none: a plain
    summary); with the number of sections drawn from and the document's number of sections. `embed(texts)` gives
    unit vectors (the index's embeddings); `titled` is the part whose title names the topic (`titled_sections`) and
    `section_chunks` its chunks (`section_chunks`), which give their rows, headings and headlines (their sentences
    come from the `retrieved` ones). Last, for a list question, the passages of the rows the reader has no room for
    (`more_rows`). `parts`: the things a question asks, each with its topic words ("How many people does X employ",
    "how much does it spend on staff"): a sentence is as close as it is to the closest of them."""
    sections = overview.get("sections", [])
    parts = [(text, words) for text, words in parts if words] or [(analysis.question, wanted)]
    excerpts = overview_excerpts(overview)
    headings: dict[int, list[str]] = {}
    for sub in overview.get("subsections", []):
        headings.setdefault(sub["page"], []).append(sub["title"])
    scores, relevant = None, None
    if wanted:
        own = [doc for doc in retrieved if doc.metadata.get("source") == source]
        excerpts += passage_excerpts(own, wanted, sections, titled, headings=headings)
        known = {e.text for e in excerpts}
        excerpts += [e for e in passage_excerpts(section_chunks, wanted, sections, titled, rows_only=True,
                                                 headings=headings) if e.text not in known]
        if titled and sum(e.row and e.inside and not e.weak for e in excerpts) < HEADLINES_ENOUGH:
            for e in excerpts:  # a part written as prose ("Competition"): its sentences are read in their order
                e.row = e.row or e.inside
        ranked = [i for i, e in enumerate(excerpts) if not e.row]  # rows are listed in their order, unranked
        scores = np.zeros(len(excerpts), dtype=np.float32)
        relevant = np.zeros(len(excerpts), dtype=bool)
        part_of = np.zeros(len(excerpts), dtype=int)  # the thing asked each sentence is closest to
        if ranked:
            vectors = np.asarray(embed([excerpts[i].text for i in ranked]), dtype=np.float32)
            questions = np.asarray(embed([without_exceptions(text) for text, _words in parts]), dtype=np.float32)
            held = [set(tokenize(excerpts[i].text)) for i in ranked]
            similar = vectors @ questions.T  # sentence × thing asked
            shares = np.array([[len(topic & tokens) / len(topic) for _text, topic in parts] for tokens in held])
            closest, words = similar.max(axis=1), shares.max(axis=1)
            inside = np.array([excerpts[i].inside for i in ranked], dtype=np.float32)
            scores[ranked] = closest + words + INSIDE_BONUS * inside  # the part about it says most
            part_of[ranked] = (similar + shares).argmax(axis=1)
            relevant[ranked] = (words >= RELEVANT_SHARE) | (inside > 0) | (closest >= CLOSE_ENOUGH)
    more: list[Excerpt] = []
    if scores is not None:
        chosen = best_by_topic(excerpts, budget, scores)
        more = more_rows(excerpts, chosen, LISTING_CHARS - budget)
        left = LISTING_CHARS - budget - sum(len(e.text) + 2 for e in more)
        more = sorted(more + more_sentences(excerpts, chosen + more, scores, relevant, left, part_of),
                      key=lambda e: e.order)
    else:
        chosen = spread_by_section(informative(excerpts, file_counts, files) if file_counts else excerpts, budget)
    return as_passages(chosen, source), len({e.section for e in chosen + more}), len(sections), \
        as_passages(more, source)


HEADLINES_ENOUGH = 5


def _headlines_enough(rows: list[Excerpt], fits: int) -> bool:
    """Whether the rows' headlines (not the openers of explaining paragraphs or bullets) are enough to list on their
    own (five, or half of what fits): a section of one-sentence headlines is listed by them."""
    return sum(not e.weak for e in rows) >= min(HEADLINES_ENOUGH, fits // 2)


def more_rows(excerpts: list[Excerpt], chosen: list[Excerpt], budget: int) -> list[Excerpt]:
    """The rows the reader had no room for (the rest of a list of sponsors, the other headlines of the risk
    factors), in their order, within `budget` characters: listed under the answer, not read. An even sample when
    more are left than fit; only the strong ones (not the openers of explaining paragraphs) when they are enough."""
    taken = {e.text for e in chosen}
    rows = sorted((e for e in excerpts if e.row and e.text not in taken), key=lambda e: e.order)
    fits = int(budget / max(1.0, float(np.mean([len(e.text) + 2 for e in rows])))) if rows else 0
    rows = _even_sample([e for e in rows if not e.weak] if _headlines_enough(rows, fits) else rows, fits)
    return _fill(rows, range(len(rows)), budget)


RELEVANT_SHARE = 0.5  # of the topic's words a sentence holds, to be listed under the answer beyond the reader's
CLOSE_ENOUGH = 0.4  # or its embedding's cosine to one thing asked: "fans returned at full capacity" is about COVID


def more_sentences(excerpts: list[Excerpt], taken: list[Excerpt], scores: np.ndarray, relevant: np.ndarray,
                   budget: int, part_of: np.ndarray | None = None) -> list[Excerpt]:
    """The sentences about the topic the reader had no room for (holding half its words or more, in the part whose
    title names it, or close to it in meaning), most like the question first, within `budget` characters: listed
    under the answer in their order, not read ("What does 3M say about PFAS?" is told over seven pages). A question
    asking several things (`part_of`: the one each sentence is closest to) has them taken in turn, the best of each
    first, so that no one thing fills the list."""
    known = {e.text for e in taken}
    order = [int(i) for i in np.argsort(-scores)
             if relevant[i] and not excerpts[i].row and excerpts[i].text not in known]
    if part_of is not None and len(set(part_of[order])) > 1:
        queues = [[i for i in order if part_of[i] == p] for p in sorted(set(part_of[order]))]
        order = [i for group in itertools.zip_longest(*queues) for i in group if i is not None]
    return _fill(excerpts, order, budget, taken) if budget > 0 else []


def _even_sample(items: list, count: int) -> list:
    """`count` of `items` spread evenly over them, in order; all of them when they are no more (or `count` is 0)."""
    if not 0 < count < len(items):
        return items
    step = len(items) / count
    return [items[int(k * step)] for k in range(count)]


EXCERPT_JOIN = " … "
POINTS_HEADING = "Main points in the document's own words (one or more per section, with their pages):"


def excerpt_points(passages: Sequence[Document]) -> str:
    """The excerpts themselves as a list, each with the number of its passage: what the document says, verbatim,
    under the reader's summary (a small reader's own list leaves most of them out)."""
    lines = [POINTS_HEADING]
    for number, doc in enumerate(passages, start=1):
        for text in doc.page_content.split(EXCERPT_JOIN):
            lines.append(f"- {text.strip()} [{number}]")
    return "\n".join(lines)


OUTLINE_PARTS = 30  # entries of a short outline with the numbered headings inside its sections


def outline_line(overview: dict, shown: int = 20) -> str:
    """The document's sections in order with their pages (the largest `shown` when there are more); when it has
    few, each with the numbered or Item headings inside it ("Chapter 3: Important Information (p. 20–40): 3.5
    Warning and Cautions (p. 24), 3.9 Troubleshooting (p. 28)"), so a manual's outline says what it covers."""
    sections = overview.get("sections", [])[1:] or overview.get("sections", [])  # not the front matter
    if len(sections) > shown:
        largest = sorted(sections, key=lambda s: s["page"] - s["last_page"])[:shown]
        sections = [s for s in sections if s in largest]
    pages = lambda s: f"p. {s['page']}" + (f"–{s['last_page']}" if s["last_page"] > s["page"] else "")  # noqa: E731
    inner = [sub for sub in overview.get("subsections", []) if sub.get("level", 1) <= 2
             and not any(sub["title"] == s["title"] for s in sections)]
    room = OUTLINE_PARTS - len(sections) if len(sections) < shown // 2 else 0
    entries = []
    for section in sections:
        inside = [sub for sub in inner if section["page"] <= sub["page"] <= section["last_page"]][:max(0, room)]
        room -= len(inside)
        parts = ", ".join(f"{sub['title']} (p. {sub['page']})" for sub in inside)
        entries.append(f"{section['title']} ({pages(section)})" + (f": {parts}" if parts else ""))
    return "Sections: " + "; ".join(entries)


def coverage(source: str, drawn: int, total: int, pages: Sequence[int]) -> str:
    shown = ", ".join(str(p) for p in pages[:12]) + (", …" if len(pages) > 12 else "")
    return (f"This question is about the whole of {source}: the answer is drawn from excerpts of {drawn} of its "
            f"{total} sections (pages {shown}), chosen at ingest as the most central sentences of each section, "
            "not from every sentence.")
