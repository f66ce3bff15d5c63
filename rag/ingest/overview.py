"""A document's overview, built at ingest without a model: its outline and, per section, its most central sentences.

A summary or "the main points" of a 177-page filing cannot come from five retrieved passages, and a small CPU reader
cannot read the whole document. So at ingest each file gets an overview (`build_overview`), stored in its manifest
entry and versioned with the index:

- the outline: PDF bookmarks when the file has them, else the headings its text shows ("ITEM 5. OPERATING AND
  FINANCIAL REVIEW", "2 Summary of significant accounting policies", "PART II"), else the places of other formats
  (slide titles, sheet names, the first level of a heading path);
- per section, its opening sentences and a few chosen with the chunk vectors the ingest has just computed: the chunks
  nearest the section's centroid, kept diverse by maximal marginal relevance, and from each the sentence that shares
  most of the section's frequent words. The number of sentences grows with the section's share of the document;
- the document's lead (`lead_sentences`): the sentences that say what the document or its subject is ("3M is a
  diversified technology company …", "This book explains …") and the opening of its overview, introduction or
  business section: what a summary starts from;
- the headings inside sections (`subheadings_from_text`), where a question's topic may be.

Sentences about the document rather than its subject (legal boilerplate: "Unless the context otherwise requires …",
"incorporated herein by reference", cover-page addresses) are never chosen.

Hands on a plain dict (`{"version", "lead": [{"page", "text"}], "sections": [{"title", "page", "last_page",
"sentences": [{"page", "text", "rank"}]}], "subsections": [{"title", "page", "level"}]}`), read by `rag.answer.whole` to
answer questions about a whole document.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from langchain_core.documents import Document

from rag.ingest.pdf_headings import font_headings
from rag.text import tokenize

OVERVIEW_VERSION = 11  # an overview stored by an older ingest is built again when read (rag.answer.whole.overview_of)
TOTAL_SENTENCES = 48  # per document, shared out over its sections by their size
MAX_PER_SECTION = 4  # at least; a document of few sections takes more from each
LEAD_SENTENCES = 2  # a section's opening sentences, kept besides its central ones (a third of its share if more)
SAME_WORDS = 0.6  # of the shorter sentence's words (and the same first three), for an opening to repeat one
FIGURES = 5  # a sentence with more digits than 1 in this many characters is a table's line, not prose
MMR_LAMBDA = 0.7  # closeness to the section's centroid against difference from the sentences already chosen
TOC_HEADINGS = 8  # a page showing more headings than this is a table of contents, not where sections start
SENTENCE_WORDS = (6, 60)
LEAD_MAX = 6  # sentences of the document's lead
LEAD_SHARE = 0.5  # of the document (its first half) where the lead is looked for

# A heading line: "PART II", "ITEM 7A. QUANTITATIVE ...", "Item 1A. Risk Factors", "Chapter 3 ...", "2 Summary of
# significant accounting policies" (numbered, title-like); its depth is the count of numbers ("2.1" is 2); a note to
# financial statements ("NOTE 17. Stock-Based Compensation") is at depth 2, inside its Item.
_HEADING = re.compile(
    r"^(?:(?P<part>PART\s+[IVX]+\b.{0,60})"
    r"|(?P<item>(?:ITEM|Item)\s+\d{1,2}[A-Z]?\.?\s+[A-Z].{2,90})"
    r"|(?P<chapter>(?:CHAPTER|Chapter|SECTION|Section)\s+\d{1,3}\b.{0,80})"
    r"|(?P<note>(?:NOTE|Note)\s+\d{1,2}[.:]?\s*[-–—:.]?\s+[A-Z][A-Za-z].{2,80})"
    r"|(?P<number>\d{1,2}(?:\.\d{1,2}){0,2})\.?\s+(?P<title>[A-Z][A-Za-z][A-Za-z ,&'’()/-]{2,80}))$")
_LEADER = re.compile(r"(?:\.{3,}|…|\s)\s*\d{1,3}$")  # "... 28": a table-of-contents line
_CONTINUED = re.compile(r"\((?:continued|cont'd)\)", re.IGNORECASE)  # a running header repeating a heading
_CHECKBOXES = re.compile(r"[☐☒☑■□]")
# A sentence ends at . ! ? (or 。！？) and a space, but not after a title or a company's abbreviation ("Mr.", "Inc.")
# or an initial ("J. Smith").
SENTENCE_END = re.compile(r"(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bNo\.)(?<!\bCo\.)(?<!\bInc\.)(?<!\bMrs\.)"
                           r"(?<!\bLtd\.)(?<!\bvs\.)(?<!\b[A-Z]\.)(?<=[.!?。！？])\s+")
_NUMBERS = re.compile(r"\d")
# Sentences about the document, its filing or its legal form rather than its subject.
_BOILERPLATE = re.compile(
    r"\bcontext (?:otherwise )?(?:requires|indicates)|\byou should read\b|\bpursuant to\b"
    r"|incorporat\w* (?:herein )?by reference"
    r"|\bcertify\b|\bI have reviewed\b|securities (?:exchange )?act|reform act|public accounting firm"
    r"|accounting principles generally accepted|generally accepted accounting principles"
    r"|\bmanagement (?:\w+ ){0,3}(?:is|are) responsible for"
    r"|forward[- ]looking|\bcheck mark\b|\bregistrant\b|\bhereby\b|\bherein\b|all rights reserved"
    r"|\bthe terms? [“\"]|\bas used (?:herein|in this)|\bsee (?:note|item|part|the section)\b"
    r"|\b(?:e-?mail|telephone|facsimile|fax)\b|https?://|www\.|@\w", re.IGNORECASE)
# A sentence saying what the document or its subject is: "3M is a diversified technology company", "We are one of
# the most popular sports teams", "This book explains how to use MuPDF".
_DEFINES = re.compile(
    r"^(?:(?:[A-Z][a-z’'-]+ ){0,2}We are|We’re|We're"
    r"|(?!(?:It|This|That|There|These|Those|Such|Each|He|She|They|Which|What|Our)\b)"
    r"(?:The )?[A-Z0-9][\w&.’'-]*(?: [A-Z][\w&.’'-]*){0,4},? (?:is|are))"
    r" (?:a|an|the|one of|among)\b"
    r"|^(?:This|The) (?:book|paper|report|manual|guide|document|article|thesis|chapter) "
    r"(?:is|describes|explains|presents|covers|introduces|shows|proposes|gives|provides)\b")
# Titles of the parts that say what a document is about.
_OVERVIEW_TITLE = re.compile(
    r"\b(?:overview|introduction|abstract|summary|business|about|general|information on the company|preface"
    r"|description of (?:the )?business|who we are|our company)\b", re.IGNORECASE)


def heading_of(line: str, in_contents: bool = False) -> tuple[str, int] | None:
    """(title, depth) when `line` reads as a section heading, else None; `in_contents`: also a table-of-contents
    line ("ITEM 5. OPERATING ... 67")."""
    line = line.strip()
    if len(line) > 100 or _CONTINUED.search(line) or (_LEADER.search(line) and not in_contents):
        return None
    match = _HEADING.match(_LEADER.sub("", line).strip() if in_contents else line)
    if match is None:
        return None
    if match["number"] is not None:
        if sum(ch.isdigit() for ch in match["title"]) or match["title"].rstrip().endswith((",", "-")):
            return None
        return line, match["number"].count(".") + 1
    return line, 2 if match["note"] else 1


_SUBHEADING = re.compile(r"^(?:[A-H]\.|\d{1,2}\.\d{1,2})\s+[A-Z][A-Za-z ,&'’()/-]{3,70}$|^[A-Z][A-Z ,&'’-]{6,60}$")
# A short line in title case standing alone: "Revenue Sectors", "Strategic Risks", "Our Sponsors".
_TITLE_LINE = re.compile(r"^[A-Z][a-z’'-]+(?: (?:and|of|the|&|in|for|to|on|a|[A-Z][a-z’'-]*)){0,5}$")
_TITLE_SMALL = {"and", "of", "the", "&", "in", "for", "to", "on", "a"}


def subheadings_from_text(pages: dict[int, str], running: frozenset[str] = frozenset()
                          ) -> list[tuple[str, int, int]]:
    """(title, page, level) of the headings inside sections ("D. RISK FACTORS", "2.1 Basis of preparation", "Item
    1A. Risk Factors", a line in capitals, a short line in title case between sentences: "Strategic Risks"; levels
    as `heading_level` gives them): where a question's topic may be, without being a section of the outline."""
    found, seen = [], set()
    for page in sorted(pages):
        lines = [line.strip() for line in pages[page].splitlines()]
        if sum(heading_of(line, in_contents=True) is not None for line in lines) > TOC_HEADINGS:
            continue
        for n, line in enumerate(lines):
            if line in running or _CONTINUED.search(line) or line.lower() in seen:
                continue
            level = heading_level(line, lines, n)
            if level and not _runs_on(lines, n):
                seen.add(line.lower())
                found.append((line, page, level))
    return found


CAPITALS_LEVEL, TITLE_LEVEL = 3, 4  # a line in capitals may be a label ("CAUTION"), a title line a child heading


def heading_level(line: str, lines: list[str], n: int) -> int:
    """How high a heading `line` (the n-th of `lines`) is, 0 for no heading: an Item, Part or lettered heading 1, a
    numbered one its depth ("3.5" 2, "3.5.2" 3), a line in capitals 3, a title line between sentences 4. A part
    runs to the next heading of its level or higher."""
    numbered = heading_of(line)
    if numbered is not None:
        return numbered[1]
    if _SUBHEADING.match(line):
        if re.match(r"[A-H]\.\s", line):
            return 1
        return line.split()[0].rstrip(".").count(".") + 1 if line[:1].isdigit() else CAPITALS_LEVEL
    return TITLE_LEVEL if _title_line(lines, n) else 0


def _title_line(lines: list[str], n: int) -> bool:
    """A line in title case of two to six words that follows the end of a sentence (or a blank) and is followed by
    text: a heading, not a name in a list or a table's label."""
    line = lines[n]
    if not _TITLE_LINE.match(line) or not 2 <= len(line.split()) <= 6 or line.split()[-1].lower() in _TITLE_SMALL:
        return False
    before = lines[n - 1] if n else ""
    after = lines[n + 1] if n + 1 < len(lines) else ""
    return (not before or before.endswith((".", ":", "?", "!"))) and len(after.split()) >= 4


def outline_from_text(pages: dict[int, str]) -> list[tuple[str, int]]:
    """(title, page) of each top-level heading, first time seen, outside table-of-contents pages."""
    found, seen = [], set()
    for page in sorted(pages):
        lines = pages[page].splitlines()
        if sum(heading_of(line, in_contents=True) is not None for line in lines) > TOC_HEADINGS:
            continue
        headings = [h for n, h in enumerate(heading_of(line) for line in lines)
                    if h is not None and not _runs_on(lines, n)]
        for title, depth in headings:
            key = re.sub(r"\W+", " ", title.lower()).strip()
            if depth == 1 and key not in seen:
                seen.add(key)
                found.append((title, page))
    return found


FONT_OUTLINE = (2, 40)  # top-level font headings that make an outline: fewer is a title, more a list of labels


def outline_from_fonts(headings: Sequence[tuple[str, int, int]]) -> list[tuple[str, int]]:
    """(title, page) of the headings of the largest type, when there are a few of them and that type is larger than
    the body's (a bold body-size line is a paragraph's head, not a part's)."""
    found, seen = [], set()
    for title, page, level in headings:
        key = _heading_key(title)
        if level == 1 and key not in seen:
            seen.add(key)
            found.append((title, page))
    return found if FONT_OUTLINE[0] <= len(found) <= FONT_OUTLINE[1] else []


def _heading_key(title: str) -> str:
    return re.sub(r"\W+", "", title.lower())


def merge_headings(from_text: list[tuple[str, int, int]], from_fonts: Sequence[tuple[str, int, int]],
                   page_texts: dict[int, str]) -> list[tuple[str, int, int]]:
    """The headings of both kinds in reading order; a font heading that is, holds or is held by a text heading of
    its page ("PART I ITEM 1. IDENTITY ..." and "ITEM 1. IDENTITY ...") is that heading, kept as the text gives it."""
    keys = {(page, _heading_key(title)) for title, page, _ in from_text}
    merged = list(from_text)
    for title, page, level in from_fonts:
        key = _heading_key(title)
        if key and not any(p == page and (key in k or k in key) for p, k in keys):
            keys.add((page, key))
            merged.append((title, page, level))

    def place(heading: tuple[str, int, int]) -> tuple[int, int]:
        flat = _heading_key(page_texts.get(heading[1], ""))
        at = flat.find(_heading_key(heading[0])[:40])
        return heading[1], at if at >= 0 else len(flat)

    return sorted(merged, key=place)


def _runs_on(lines: list[str], n: int) -> bool:
    """Whether line n is the first line of a numbered paragraph ("77. The market impact test is defined in" /
    "strictly economic terms ..."), not a heading: the next line goes on with the sentence in lower case."""
    after = lines[n + 1].strip() if n + 1 < len(lines) else ""
    return after[:1].islower()


def outline_from_places(chunks: Sequence[Document]) -> list[tuple[str, int]]:
    """(title, page) for formats whose units have places: a slide, a sheet, the first level of a heading path."""
    found, seen = [], set()
    for doc in chunks:
        place = doc.metadata.get("place")
        if not place:
            continue
        title = place.split(" › ")[0].split(", rows")[0]
        if title not in seen:
            seen.add(title)
            found.append((title, doc.metadata.get("page", 1)))
    return found


def _sections(outline: list[tuple[str, int]], pages: list[int], name: str) -> list[dict]:
    """Sections in page order, each from its heading's page to the page before the next one."""
    outline = sorted(outline, key=lambda item: item[1])
    if not outline or outline[0][1] > pages[0]:
        outline.insert(0, (name, pages[0]))
    sections = []
    for i, (title, page) in enumerate(outline):
        last = outline[i + 1][1] - 1 if i + 1 < len(outline) else pages[-1]
        if sections and sections[-1]["page"] == page:  # several headings on one page: one section under the last
            sections[-1].update(title=title, last_page=max(sections[-1]["last_page"], last))  # (the one that goes on)
            continue
        sections.append({"title": title, "page": page, "last_page": max(page, last), "sentences": []})
    return sections


def _sentences(text: str, running: frozenset[str] = frozenset()) -> list[str]:
    """The sentences of `text` that read as prose: not headings, table rows, running headers or "Not applicable"."""
    text = "\n".join(f"\n{line}\n" if _heading_alone(line) else line  # a heading is no part of the sentence below
                     for line in text.splitlines() if line.strip() not in running)
    out = []
    for line in text.replace("\r", "").split("\n\n"):
        for sentence in SENTENCE_END.split(" ".join(line.split())):
            words = sentence.split()
            digits = len(_NUMBERS.findall(sentence))
            if SENTENCE_WORDS[0] <= len(words) <= SENTENCE_WORDS[1] and digits < len(sentence) / FIGURES \
                    and not _CHECKBOXES.search(sentence) and not _shouting(words) \
                    and not _BOILERPLATE.search(sentence) and not _name_list(words) \
                    and "not applicable" not in sentence.lower() and not _table_row(sentence) \
                    and _starts_as_sentence(words[0]) and sentence.rstrip()[-1:] in ".!?。！？":
                out.append(sentence)
    return out


def _starts_as_sentence(word: str) -> bool:
    """A capital letter, or a name that starts with a figure ("3M is a diversified technology company")."""
    return word[0].isupper() or word[0].isdigit() and any(ch.isalpha() for ch in word)


def _heading_alone(line: str) -> bool:
    """A line that is a heading of one to six words in title case or capitals ("Overview", "General", "Description
    of Business"): not the start of the sentence that follows it."""
    words = line.split()
    return 0 < len(words) <= 6 and not line.rstrip().endswith((".", ",", ";", ":")) and line.strip()[:1].isupper() \
        and all(w[:1].isupper() or w.lower() in _TITLE_SMALL for w in words)


def _table_row(sentence: str) -> bool:
    """A table written as labelled rows by the ingest ("Glazer(8): Class A: —; Class B: 19,899,365; ...")."""
    return sentence.startswith("Table:") or sentence.count(";") >= 2 and sentence.count(":") >= 2


def _name_list(words: list[str]) -> bool:
    """A run of names rather than a sentence ("ProTheo, Inc. Delaware Best Buy Distributions Limited United Kingdom
    …"): most of its words capitalised."""
    capitalised = sum(1 for w in words if w[:1].isupper())
    return len(words) >= 8 and capitalised >= 0.6 * len(words)


def _shouting(words: list[str]) -> bool:
    """A sentence that starts with (or is) a heading in capitals: "DIRECTORS, SENIOR MANAGEMENT AND EMPLOYEES A."."""
    capitals = sum(1 for w in words if len(w) > 1 and w.isupper())
    return capitals >= 3 and capitals >= 0.25 * len(words)


def running_lines(chunks: Sequence[Document], share: float = 0.1) -> frozenset[str]:
    """Lines printed on many pages (running headers and footers: "Notes to the consolidated financial statements
    (Continued)", "Table of Contents"): they open no section and belong to no sentence."""
    pages: dict[str, set[int]] = {}
    numbered: dict[str, dict[str, set[int]]] = {}  # "12 The Limes ... report": the line less its page number
    for doc in chunks:
        page = doc.metadata.get("page", 1)
        for line in doc.page_content.splitlines():
            line = line.strip()
            pages.setdefault(line, set()).add(page)
            folio = _FOLIO.match(line)
            if folio:
                rest = folio.group("rest_before") or folio.group("rest_after")
                numbered.setdefault(rest, {}).setdefault(line, set()).add(page)
    total = len({doc.metadata.get("page", 1) for doc in chunks})
    least = max(3, share * total)
    running = {line for line, on in pages.items() if line and len(on) >= least}
    for lines in numbered.values():  # the same words with a number that changes from page to page
        if len(lines) >= least and len(set().union(*lines.values())) >= least:
            running.update(lines)
    return frozenset(running)


# A line with a page number at either end: "12 The Limes Residential Home Inspection report 05/10/2015".
_FOLIO = re.compile(r"^\d{1,4}\s+(?P<rest_after>\S+(?:\s+\S+){2,})$|^(?P<rest_before>\S+(?:\s+\S+){2,}?)\s+\d{1,4}$")


def _mmr(vectors: np.ndarray, count: int) -> list[int]:
    """Row numbers of `count` rows near the centroid and unlike each other (maximal marginal relevance)."""
    centroid = vectors.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    closeness = vectors @ centroid
    chosen: list[int] = []
    while len(chosen) < min(count, len(vectors)):
        redundancy = (vectors @ vectors[chosen].T).max(axis=1) if chosen else np.zeros(len(vectors))
        score = MMR_LAMBDA * closeness - (1 - MMR_LAMBDA) * redundancy
        score[chosen] = -np.inf
        chosen.append(int(score.argmax()))
    return chosen


def _after_heading(chunks: Sequence[Document], rows: list[int], title: str) -> tuple[list[int], str]:
    """The section's rows from the chunk holding its heading on, and that chunk's text after the heading (the text
    above a heading on its page belongs to the section before)."""
    for n, i in enumerate(rows):
        text = chunks[i].page_content
        at = text.find(title)
        if at >= 0:
            return rows[n:], text[at + len(title):]
    return rows, chunks[rows[0]].page_content


def _lead(chunks: Sequence[Document], rows: list[int], count: int, running: frozenset[str],
          title: str) -> list[dict]:
    """The first `count` sentences of a section (in reading order): how it opens usually says what it is about."""
    found, seen = [], []
    rows, first = _after_heading(chunks, rows, title)
    for n, i in enumerate(rows):
        for sentence in _sentences(first if n == 0 else chunks[i].page_content, running):
            words, opens = set(tokenize(sentence)), sentence.split()[:3]
            if not any(opens == start and len(words & other) >= SAME_WORDS * min(len(words), len(other))
                       for start, other in seen):  # not the same formula again: "It denies the allegations set …"
                seen.append((opens, words))
                found.append({"page": chunks[i].metadata.get("page", 1), "text": sentence})
            if len(found) == count:
                return found
    return found


def _best_sentence(doc: Document, frequent: Counter, running: frozenset[str]) -> str | None:
    best, best_score = None, 0.0
    for sentence in _sentences(doc.page_content, running):
        words = set(tokenize(sentence))
        score = sum(frequent[word] for word in words) / (len(words) ** 0.5 or 1)
        if score > best_score:
            best, best_score = sentence, score
    return best


NUMBERING = re.compile(r"^(?:PART\s+[IVX]+|ITEM\s+\d{1,2}[A-Z]?\.?|[A-H]\.|\d{1,2}(?:\.\d{1,2})*\.?)\s*",
                        re.IGNORECASE)


def overview_title(title: str) -> bool:
    """Whether a heading names a part that says what the document is about: "Item 1. Business.", "1 Introduction",
    "Company Overview", "ITEM 4. INFORMATION ON THE COMPANY", not "Risks Related to Our Business"."""
    words = NUMBERING.sub("", title.strip()).split()
    return 0 < len(words) <= 4 and bool(_OVERVIEW_TITLE.search(" ".join(words)))


def common_tokens(chunks: Sequence[Document], share: float = 0.1) -> set[str]:
    """The words on more than `share` of the chunks: the document's own subject ("3M", "company") among them."""
    counts = Counter(token for doc in chunks for token in set(tokenize(doc.page_content)))
    return {token for token, n in counts.items() if n > share * len(chunks)}


def _defines_subject(sentence: str, common: set[str]) -> bool:
    """Whether `sentence` says what the document or its subject is: "We are …", "This book explains …", or "3M is
    a …" whose subject the document names throughout (not an acquired company it mentions once: "Semfinder is a
    leading developer …")."""
    match = _DEFINES.match(sentence)
    if match is None:
        return False
    head = match.group(0).split()
    if "We" in head[:3] or head[0] in ("We’re", "We're", "This") or head[:2] == ["The", "Company"]:
        return True
    subject = [t for t in tokenize(" ".join(head[:-2])) if t != "the" and not t.isdigit()]
    return bool(subject) and all(t in common for t in subject)


def lead_sentences(chunks: Sequence[Document], sections: list[dict], subsections: list[tuple[str, int, int]],
                   running: frozenset[str]) -> list[dict]:
    """What a summary starts from: in the document's first half, the sentences saying what the document or its
    subject is (those inside its overview parts first), and the opening sentences of its overview, introduction or
    business parts (sections or headings inside them so titled, from the heading on), in reading order, at most
    LEAD_MAX."""
    pages = sorted({doc.metadata.get("page", 1) for doc in chunks})
    last = pages[int(LEAD_SHARE * (len(pages) - 1))]
    starts = sorted({s["page"] for s in sections} | {page for _t, page, _level in subsections})
    opens: dict[int, str] = {}  # the page an overview part starts on -> its heading
    continued: set[int] = set()  # the next page of an overview part
    for title, page in [(s["title"], s["page"]) for s in sections] + [(t, p) for t, p, _level in subsections]:
        if page <= last and overview_title(title) and page not in opens:
            opens[page] = title
            if next((p for p in starts if p > page), page + 2) > page + 1:
                continued.add(page + 1)
    common = common_tokens(chunks)
    found: list[dict] = []
    opened: set[int] = set()
    for doc in chunks:
        page, text = doc.metadata.get("page", 1), doc.page_content
        if page > last:
            break
        inside = page in continued or page in opened
        if page in opens and page not in opened and opens[page] in text:  # from the heading on
            text, inside = text[text.index(opens[page]) + len(opens[page]):], True
            opened.add(page)
        for sentence in _sentences(text, running):
            defines = _defines_subject(sentence, common)
            if (defines or inside) and sentence not in (f["text"] for f in found):
                found.append({"page": page, "text": sentence, "defines": defines, "inside": inside})
    defining = sorted((f for f in found if f["defines"]), key=lambda f: not f["inside"])[:LEAD_MAX // 2]
    opening = [f for f in found if f["inside"] and not f["defines"]][:LEAD_MAX - len(defining)]
    return [{"page": f["page"], "text": f["text"]} for f in sorted(defining + opening, key=found.index)]


def build_overview(chunks: Sequence[Document], vectors: np.ndarray, bookmarks: list[tuple[str, int]] | None = None,
                   name: str = "", font_headings: Sequence[tuple[str, int, int]] = ()) -> dict:
    """The overview of one document from its chunks (in order) and their vectors, row for row; `font_headings`:
    the (title, page, level) its fonts show (`rag.ingest.pdf_headings`), where it is a PDF."""
    if not len(chunks):
        return {"version": OVERVIEW_VERSION, "lead": [], "sections": [], "subsections": []}
    by_page: dict[int, list[str]] = {}
    for doc in chunks:
        by_page.setdefault(doc.metadata.get("page", 1), []).append(doc.page_content)
    pages = sorted(by_page)
    page_texts = {page: "\n".join(texts) for page, texts in by_page.items()}
    outline = bookmarks or outline_from_places(chunks) or outline_from_text(page_texts)
    if len(outline) < 2:
        outline = outline_from_fonts(font_headings) or outline
    sections = _sections(outline, pages, name or chunks[0].metadata.get("source", ""))
    running = running_lines(chunks)
    rows_of = [[i for i, doc in enumerate(chunks) if s["page"] <= doc.metadata.get("page", 1) <= s["last_page"]]
               for s in sections]
    for section, rows in zip(sections, rows_of):
        if not rows:
            continue
        most = max(MAX_PER_SECTION, TOTAL_SENTENCES // (2 * len(sections)))  # a document of few sections: more each
        share = max(1, min(most, round(TOTAL_SENTENCES * len(rows) / len(chunks))))
        frequent = Counter(word for i in rows for word in set(tokenize(chunks[i].page_content)))
        opening = max(LEAD_SENTENCES, share // 3)
        picked = _lead(chunks, rows, opening, running, section["title"])  # how the section opens: what it is about
        for row in _mmr(vectors[rows], share * 2):  # twice as many chunks: some hold no sentence (tables, lists)
            sentence = _best_sentence(chunks[rows[row]], frequent, running)
            if sentence and sentence not in (s["text"] for s in picked):
                picked.append({"page": chunks[rows[row]].metadata.get("page", 1), "text": sentence})
            if len(picked) == share + opening:
                break
        for rank, sentence in enumerate(picked):
            sentence["rank"] = rank  # the opening sentences first, then the most central
        section["sentences"] = sorted(picked, key=lambda s: s["page"])
    subsections = merge_headings(subheadings_from_text(page_texts, running), font_headings, page_texts)
    return {"version": OVERVIEW_VERSION, "lead": lead_sentences(chunks, sections, subsections, running),
            "sections": [s for s in sections if s["sentences"] or s["title"]],
            "subsections": [{"title": title, "page": page, "level": level} for title, page, level in subsections]}


def pdf_bookmarks(path, password: str | None = None) -> list[tuple[str, int]]:
    """(title, 1-based page) of a PDF's top-level bookmarks; none when it has none or they cannot be read."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            reader.decrypt(password or "")
        found = []
        for item in reader.outline:
            if isinstance(item, list):
                continue  # nested: the children of the entry before
            page = reader.get_destination_page_number(item)
            if page is not None and page >= 0 and item.title and item.title.strip():
                found.append((" ".join(item.title.split()), page + 1))
        return found
    except Exception:  # a damaged or odd outline only costs the bookmarks: the headings are used instead
        return []


def build_overviews(new_chunks: dict[str, list[Document]], vectors: np.ndarray | None, paths: dict,
                    password: str | None = None) -> dict[str, dict]:
    """The overview of each newly indexed file; `vectors` are the new chunks' vectors in `new_chunks` order."""
    overviews, start = {}, 0
    for source, docs in new_chunks.items():
        rows = vectors[start:start + len(docs)] if vectors is not None else np.zeros((len(docs), 1))
        start += len(docs)
        path = paths.get(source)
        pdf = path is not None and str(path).lower().endswith(".pdf")
        marks = pdf_bookmarks(path, password) if pdf else []
        fonts = font_headings(path, password) if pdf else []
        overviews[source] = build_overview(docs, rows, marks or None, name=source, font_headings=fonts)
    return overviews
