"""Grounding check: is every figure, date and proper name in the answer in the passages the model was given?

The reader is small and can write a figure no passage holds. After generation, `check_grounding` takes the
answer's claims and looks each one up in the passages:

- figures: numbers with their currency and scale, compared by value, so "£750 million", "£750m", "£0.75bn" and
  "750,000,000" are the same figure; a passage's bare "750" (a table in millions) also supports it, and a passage's
  more precise "7.46%" supports an answer's "7.5%" (rounding);
- dates: "30 June 2022", "June 30, 2022", "2022-06-30", "June 2022" compared as (year, month, day);
- proper names: runs of capitalised words ("Manchester United", "Ed Woodward", "LLaVA"), compared without case,
  punctuation or spaces (pypdf drops some spaces: "DaviddeGea").

Claims copied from the question are not checked: they say what was asked, not what was answered. The result names
the evidence sentence(s) and page that support the answer, and the claims no passage holds: the answer is then
shown as "not found in the sources" (`grounded` False) rather than as fact. `grounded` is None when the answer
holds nothing to check (no figure, date or name).

Hands on a `Grounding` to the answer (shown by the CLI, the web UI and the HTTP API).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Protocol

from rag.text import CJK_CHARS, place_text

NOT_FOUND = "not found in the sources"
EVIDENCE_CHARS = 240  # an evidence sentence is cut to about this length around what it supports


class Passage(Protocol):
    """What a passage needs for the check (`rag.answer.answerer.Source` has it)."""

    number: int
    file: str
    page: int
    text: str


@dataclass
class Claim:
    text: str  # as written in the answer
    kind: str  # "figure", "date" or "name"
    found: bool = False
    source: int | None = None  # the passage number that holds it
    sentence: str = ""  # the sentence of that passage that holds it


@dataclass
class Evidence:
    source: int
    file: str
    page: int
    sentence: str
    place: str | None = None  # the place in a non-PDF file ("slide 3"), shown instead of the page

    @property
    def where(self) -> str:
        return place_text(self.page, self.place)


@dataclass
class Grounding:
    grounded: bool | None = None  # None: the answer holds no figure, date or name to check
    claims: list[Claim] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    # other passages (number, file, page) holding a sentence that supports the same claims as the first evidence
    also_in: list[tuple[int, str, int]] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return [claim.text for claim in self.claims if not claim.found]

    def to_dict(self) -> dict:
        return {
            "grounded": self.grounded,
            "missing": self.missing,
            "claims": [{"text": c.text, "kind": c.kind, "found": c.found, "source": c.source} for c in self.claims],
            "evidence": [{"source": e.source, "file": e.file, "page": e.page, "place": e.place, "where": e.where,
                          "sentence": e.sentence} for e in self.evidence],
            "also_in": [{"source": n, "file": f, "page": p} for n, f, p in self.also_in],
        }


# ---------------------------------------------------------------- figures

_SCALES = {
    "thousand": 3, "k": 3, "million": 6, "millions": 6, "mn": 6, "m": 6, "mm": 6,
    "billion": 9, "billions": 9, "bn": 9, "b": 9, "trillion": 12, "tn": 12,
}  # fmt: skip
_GLUED_ONLY = {"k", "m", "mm", "b"}  # "£750m" is a scale, "750 m" may be metres
_NUMBER = r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
# Chinese/Japanese scale characters after a figure ("372.53亿元", "18,420百万円", "2,853万元")
CJK_SCALES = {"千": 3, "万": 4, "萬": 4, "百万": 6, "百萬": 6, "千万": 7, "千萬": 7, "亿": 8, "億": 8, "万亿": 12, "萬億": 12,
              "兆": 12}  # powers of ten
_FIGURE_RE = re.compile(
    rf"(?P<cur>[£$€¥])?\s?(?<![.])(?<!(?![{CJK_CHARS}])\w)(?P<num>{_NUMBER})(?!\.?\d)"
    r"(?:(?P<glued>k|m|mm|bn|mn|b|tn)\b|\s?(?P<pct>%|per\s?cent\b|percent\b)"
    r"|\s(?P<word>thousand|millions?|billions?|trillion|bn|mn|tn)\b"
    r"|\s?(?P<cjk>万亿|百万|百萬|千万|亿|億|万|萬|兆|千))?",
    re.IGNORECASE)
# Full-width digits and signs (０-９，．％) as ASCII, one character for one, so spans stay those of the text
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


@dataclass(frozen=True)
class Figure:
    value: Decimal
    exponent: int  # the scale: 6 for "million"
    percent: bool
    decimals: int  # digits after the point as written

    @property
    def scaled(self) -> Decimal:
        return self.value.scaleb(self.exponent)

    def supported_by(self, other: Figure) -> bool:
        """Whether a passage's `other` states this figure (same value, or a bare number, or rounds to it)."""
        if (self.percent and other.exponent) or (other.percent and self.exponent):
            return False  # "12%" is not "12 million"; a bare "12.5" (a table of percentages) may be "12.5%"
        if self.scaled == other.scaled:
            return True
        if (self.exponent == 0 or other.exponent == 0) and self.value == other.value:
            return True  # "£750 million" in the answer, "750" in a table "in £ millions"
        quantum = Decimal(1).scaleb(self.exponent - self.decimals)
        if other.scaled != 0 and abs(other.scaled) > quantum and _significant(self.value) >= 2:
            return (other.scaled / quantum).quantize(Decimal(1)) * quantum == self.scaled
        return False


def _significant(value: Decimal) -> int:
    return len(value.normalize().as_tuple().digits)


def figures(text: str) -> list[tuple[str, Figure, tuple[int, int]]]:
    """The figures in `text`: (as written, value, span)."""
    found = []
    text = text.translate(_FULL_WIDTH)
    for match in _FIGURE_RE.finditer(text):
        raw = match.group("num")
        try:
            value = Decimal(raw.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            continue
        unit = (match.group("glued") or match.group("word") or "").lower()
        exponent = _SCALES.get(unit, 0) or CJK_SCALES.get(match.group("cjk") or "", 0)
        if unit in _GLUED_ONLY and not match.group("cur"):
            exponent = 0 if unit in ("m", "b") and not _currency_near(text, match.start()) else exponent
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        figure = Figure(value, exponent, bool(match.group("pct")), decimals)
        found.append((match.group().strip(), figure, match.span("num")))
    return found


def _currency_near(text: str, at: int) -> bool:
    return bool(re.search(r"(?:[£$€¥]|\b(?:usd|gbp|eur)\b)\s*$", text[max(0, at - 6):at], re.IGNORECASE))


# ---------------------------------------------------------------- dates

MONTH_NUMBERS = {name: number for number, names in enumerate([
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")], start=1) for name in names}
_MONTH = r"(?P<{g}>" + "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True)) + r")\.?"
_DATE_RE = re.compile(
    r"\b(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH.format(g="m1") + r",?\s+(?P<y1>\d{4})"  # 30 June 2022
    r"|" + _MONTH.format(g="m2") + r"\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{4})"  # June 30, 2022
    r"|(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})"  # 2022-06-30
    r"|" + _MONTH.format(g="m4") + r",?\s+(?P<y4>\d{4})"  # June 2022
    r"|(?P<d5>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH.format(g="m5") + r"(?![\w-])"  # 30 June
    r"|" + _MONTH.format(g="m6") + r"\s+(?P<d6>\d{1,2})(?:st|nd|rd|th)?(?!\d)"  # June 30
    r"|(?P<a8>\d{1,2})/(?P<b8>\d{1,2})/(?P<y8>(?:19|20)\d{2})"  # 01/18/2015 (month first unless it cannot be)
    r")\b", re.IGNORECASE)
# 2018年4月10日, 2023年3月末 (no word boundary: the characters around are letters to the pattern)
_CJK_DATE_RE = re.compile(r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?")

Date = tuple[int | None, int | None, int | None]


def dates(text: str) -> list[tuple[str, Date, tuple[int, int]]]:
    """The dates in `text`: (as written, (year, month, day) with None for a part not given, span)."""
    found = []
    text = text.translate(_FULL_WIDTH)  # one character for one: the spans stay those of `text`
    for match in _DATE_RE.finditer(text):
        g = match.groupdict()
        month_name = next((g[k] for k in ("m1", "m2", "m4", "m5", "m6") if g[k]), None)
        month = MONTH_NUMBERS[month_name.lower().rstrip(".")] if month_name else int(g["m3"]) if g["m3"] else None
        year = next((int(g[k]) for k in ("y1", "y2", "y3", "y4", "y8") if g[k]), None)
        day = next((int(g[k]) for k in ("d1", "d2", "d3", "d5", "d6") if g[k]), None)
        if g["a8"]:
            month, day = (int(g["a8"]), int(g["b8"])) if int(g["a8"]) <= 12 else (int(g["b8"]), int(g["a8"]))
        if month_name and month_name.lower() == "may" and day is None and year is None:
            continue
        if day is not None and not 1 <= day <= 31 or month is not None and not 1 <= month <= 12:
            continue
        found.append((match.group(), (year, month, day), match.span()))
    for match in _CJK_DATE_RE.finditer(text):
        month, day = int(match["m"]), int(match["d"]) if match["d"] else None
        if 1 <= month <= 12 and (day is None or 1 <= day <= 31):
            found.append((match.group(), (int(match["y"]), month, day), match.span()))
    return sorted(found, key=lambda item: item[2])


def _date_supported(claim: Date, passage_dates: Iterable[Date], sentence: str) -> bool:
    for other in passage_dates:
        if all(mine is None or mine == theirs for mine, theirs in zip(claim, other)) and \
                sum(theirs is not None for mine, theirs in zip(claim, other) if mine is not None) == \
                sum(mine is not None for mine in claim):
            return True
    # "the year ended 30 June 2022" written as a table header, the month and the year apart
    year, month, day = claim
    words = _fold(sentence).split()
    month_words = {name for name, number in MONTH_NUMBERS.items() if number == month}
    return (month is not None and bool(month_words & set(words)) and (year is None or str(year) in words)
            and (day is None or str(day) in words))


# ---------------------------------------------------------------- names

_CONNECTORS = {"of", "&", "de", "da", "del", "der", "van", "von", "du", "la", "le", "for", "the", "y"}
_COMMON = set("""
    the a an it its this that these those they them their there he she his her we our i you your in on at for by from
    with as to of and or but so if when while what which who whom whose where why how yes no not also however
    therefore thus hence according based answer answers source sources page pages note total each all both
    per some any many most more less other another such than then one two three four five six seven eight
    nine ten first second third last next new net year years quarter table figure section part chapter item
    mr mrs ms dr inc ltd plc llc co corp company group limited documents document passage passages
    monday tuesday wednesday thursday friday saturday sunday
""".split()) | set(MONTH_NUMBERS)
_WORD_RE = re.compile(r"[^\W_][\w'\u2019&.-]*")


def names(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Proper names in `text`: runs of capitalised (or mixed-case, or all-capital) words, e.g. "Manchester United".

    A capitalised common word ("The", "According") is not a name; nor is a run of such words.
    """
    found: list[tuple[str, tuple[int, int]]] = []
    run: list[re.Match[str]] = []

    def close() -> None:
        while run and run[-1].group().lower().strip(".'\u2019") in _CONNECTORS:
            run.pop()
        while run and _is_common(run[0].group()):
            run.pop(0)
        if len(run) == 1 and _sentence_start(text, run[0].start()) and not _marked(run[0].group()):
            run.clear()  # "Revenue rose ...": a capital that only starts the sentence
        if run:
            start, end = run[0].start(), run[-1].end()
            value = text[start:end].rstrip(".")
            value = re.sub(r"['\u2019]s$", "", value)
            if len(value) >= 2 and not value.isdigit():
                found.append((value, (start, start + len(value))))
        run.clear()

    for match in _WORD_RE.finditer(text):
        word = match.group()
        gap = text[run[-1].end():match.start()] if run else ""
        if run and (not gap.strip() == "" or "\n" in gap):
            close()
        if _capitalised(word):
            run.append(match)
        elif run and word.lower() in _CONNECTORS:
            run.append(match)
        else:
            close()
    close()
    return found


def _sentence_start(text: str, at: int) -> bool:
    return not text[:at].strip() or bool(re.search(r"(?:[.!?;\n\u2022*-]|\[\d+\])[\s\"'(\u201c]*$", text[:at]))


def _marked(word: str) -> bool:
    """A word whose capitals are not just the first letter: "LLaVA", "adidas'" no, "McDonald", "EBITDA"."""
    return sum(ch.isupper() for ch in word[1:]) >= 1 or any(ch.isdigit() for ch in word)


def _capitalised(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return bool(letters) and (letters[0].isupper() or sum(ch.isupper() for ch in letters) >= 2)


def _is_common(word: str) -> bool:
    return word.lower().strip(".'\u2019") in _COMMON or word.lower().strip(".'\u2019") in _CONNECTORS


def _fold(text: str) -> str:
    """Lower case, accents and punctuation removed, single spaces: what names are compared on."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w\s]|_", " ", plain).split())


def _name_supported(name: str, folded_text: str, squeezed_text: str) -> bool:
    folded = _fold(name)
    if not folded:
        return True
    if re.search(rf"(?<!\w){re.escape(folded)}(?!\w)", folded_text):
        return True
    squeezed = folded.replace(" ", "")
    if len(squeezed) >= 6 and squeezed in squeezed_text:
        return True
    parts = [part for part in re.split(r"\b(?:of|and|for|the)\b", folded) if part.strip()]
    return len(parts) > 1 and all(_name_supported(part, folded_text, squeezed_text) for part in parts)


# ---------------------------------------------------------------- the check

_CITATION_RE = re.compile(r"\[\s*\d+(?:\s*[,;-]\s*\d+)*\s*\]")
_PAGE_RE = re.compile(r"\b(?:pages?|pp?\.)\s*\d+(?:\s*(?:-|\u2013|and|,|to)\s*\d+)*", re.IGNORECASE)
_SENTENCE_RE = re.compile(r"(?<=[.!?;:])\s+|(?<=[。！？；])|\n\s*\n|\s*\n(?=\s*[A-Z\u2022\-*])")


@dataclass
class _Sentence:
    source: Passage
    text: str
    folded: str
    squeezed: str
    figures: list[Figure]
    dates: list[Date]


def _sentences(passage: Passage) -> list[_Sentence]:
    pieces = [" ".join(piece.split()) for piece in _SENTENCE_RE.split(passage.text)]
    out = []
    for piece in pieces:
        if not piece:
            continue
        folded = _fold(piece)
        out.append(_Sentence(passage, piece, folded, folded.replace(" ", ""),
                             [figure for _, figure, _ in figures(piece)], [date for _, date, _ in dates(piece)]))
    return out


_ASKED_YEAR_RE = re.compile(r"(?:(?<!\w)|(?<=FY)|(?<=fy))((?:19|20)\d{2})(?!\d)")  # "2021", "FY2021"; not "JPEG2000"


_PERIOD_LENGTH_RE = re.compile(r"[\s-]*(?:weeks?|months?|days?)\s+ended\b", re.IGNORECASE)


_THOUSANDS_MARK_RE = re.compile(r"[£$€]\s?['’]?000\b|['’]000\b")


def answer_claims(answer: str, question: str = "") -> list[Claim]:
    """The figures, dates and names of `answer` that it does not copy from `question` (citations left out)."""
    text = _PAGE_RE.sub(lambda m: " " * len(m.group()), _CITATION_RE.sub(lambda m: " " * len(m.group()), answer))
    text = re.sub(r"(?m)^\s*\d{1,2}[.)]\s", lambda m: " " * len(m.group()), text)  # list numbering "1. "
    asked = _fold(question)
    asked_figures = [figure for _, figure, _ in figures(question)]
    asked_dates = [date for _, date, _ in dates(question)]
    asked_years = {Decimal(year) for year in _ASKED_YEAR_RE.findall(question)}  # "FY2021" asks about 2021
    claims: list[Claim] = []
    taken: list[tuple[int, int]] = []
    for written, date, span in dates(text):
        taken.append(span)
        if date not in asked_dates:
            claims.append(Claim(written, "date"))
    for written, figure, span in figures(text):
        if any(start <= span[0] < end for start, end in taken):
            continue
        if figure.exponent == 0 and not figure.percent and figure.decimals == 0 and figure.value in asked_years:
            continue  # the asked year, written again
        if _PERIOD_LENGTH_RE.match(text, span[1]):
            continue  # "52 Weeks Ended August 30, 2020" names the period, it is not a value
        if _THOUSANDS_MARK_RE.search(text[max(0, span[0] - 2):span[1]]):
            continue  # "£’000", "$000": a column's unit, not a value
        if not any(figure.scaled == other.scaled and figure.percent == other.percent for other in asked_figures):
            claims.append(Claim(written, "figure"))
    for written, span in names(text):
        if any(start <= span[0] < end for start, end in taken) or re.fullmatch(r"[\d.,%£$€-]+", written):
            continue
        folded = _fold(written)
        if folded and not re.search(rf"(?<!\w){re.escape(folded)}(?!\w)", asked):
            claims.append(Claim(written, "name"))
    unique: dict[tuple[str, str], Claim] = {}
    for claim in claims:
        unique.setdefault((claim.kind, _fold(claim.text)), claim)
    return list(unique.values())


def _supports(claim: Claim, sentence: _Sentence) -> bool:
    if claim.kind == "figure":
        mine = figures(claim.text)
        return bool(mine) and any(mine[0][1].supported_by(other) for other in sentence.figures)
    if claim.kind == "date":
        mine = dates(claim.text)
        return bool(mine) and _date_supported(mine[0][1], sentence.dates, sentence.text)
    return _name_supported(claim.text, sentence.folded, sentence.squeezed)


def check_grounding(answer: str, passages: Sequence[Passage], question: str = "") -> Grounding:
    """Look every claim of `answer` up in `passages` (see the module docstring)."""
    claims = answer_claims(answer, question)
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", answer)}
    ordered = sorted(passages, key=lambda p: (p.number not in cited, p.number))
    sentences = [sentence for passage in ordered for sentence in _sentences(passage)]
    for claim in claims:
        for sentence in sentences:
            if _supports(claim, sentence):
                claim.found, claim.source, claim.sentence = True, sentence.source.number, sentence.text
                break
        if not claim.found and claim.kind == "name":  # a name split over two lines or sentences
            for passage in ordered:
                folded = _fold(passage.text)
                if _name_supported(claim.text, folded, folded.replace(" ", "")):
                    claim.found, claim.source = True, passage.number
                    break
    result = Grounding(claims=claims)
    result.grounded = all(claim.found for claim in claims) if claims else None
    chosen = _evidence_sentences(claims, sentences, answer)
    result.evidence = [Evidence(s.source.number, s.source.file, s.source.page, _clip(s.text),
                                getattr(s.source, "place", None)) for s in chosen]
    result.also_in = _also_in(claims, sentences, chosen)
    return result


def _also_in(claims: Sequence[Claim], sentences: Sequence[_Sentence], chosen: Sequence[_Sentence]
             ) -> list[tuple[int, str, int]]:
    """The other passages with a sentence supporting every found claim the first evidence sentence supports (the
    same figure stated on several pages), in passage order."""
    covered = [claim for claim in claims if claim.found and _supports(claim, chosen[0])] if chosen else []
    if not covered:
        return []
    shown = {s.source.number for s in chosen}
    found = {s.source.number: (s.source.number, s.source.file, s.source.page) for s in sentences
             if s.source.number not in shown and all(_supports(claim, s) for claim in covered)}
    return [found[number] for number in sorted(found)]


def _evidence_sentences(claims: Sequence[Claim], sentences: Sequence[_Sentence], answer: str) -> list[_Sentence]:
    """Sentences that support the answer: those holding its found claims (most claims first), at most two;
    with no claims, the sentence sharing the most words with the answer."""
    chosen: list[_Sentence] = []
    left = [claim for claim in claims if claim.found and claim.sentence]
    words = {w for w in _fold(_CITATION_RE.sub(" ", answer)).split() if len(w) >= 4}
    while left and len(chosen) < 2:
        # most claims first; among equals, the sentence that reads most like the answer (the £750 million of the
        # adidas guarantee, not the same figure in a summary table), then the best-ranked passage
        best = max(sentences, key=lambda s: (sum(_supports(claim, s) for claim in left),
                                             len(words & set(s.folded.split()))))
        covered = [claim for claim in left if _supports(claim, best)]
        if not covered:
            break
        chosen.append(best)
        left = [claim for claim in left if claim not in covered]
    if not claims:
        scored = [(len(words & set(s.folded.split())), -i) for i, s in enumerate(sentences)]
        if scored and max(scored)[0] >= 2:
            chosen.append(sentences[-max(scored)[1]])
    return chosen


def _clip(sentence: str) -> str:
    return sentence if len(sentence) <= EVIDENCE_CHARS else sentence[: EVIDENCE_CHARS - 1].rstrip() + "\u2026"
