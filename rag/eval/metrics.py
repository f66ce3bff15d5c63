"""Scoring functions for the evaluation, and per-group summaries.

Everything here is pure: no I/O, no model, no index. A retrieved chunk is represented by its ``(doc, page)`` pair
(`Hit`), pages 1-based; an evidence ``doc`` of None means "the only document", so any retrieved document matches it.
Document names are compared by file name, case-insensitively, so a retrieved path matches a bare evidence file name.

Answer matching (`contains_answer`) compares token sequences, not raw substrings:

- text is Unicode-normalized, case-folded, accents removed; punctuation separates tokens;
- numbers lose currency symbols (``$ £ € ¥``) and thousands separators (also the Indian ``3,02,16,492``) and are
  compared as decimals, so ``$1577.00`` matches ``1,577`` but ``1577`` never matches ``15770`` or ``1577.5``;
- a unit word after a number (thousand/k, million/m/mn, billion/bn/b, trillion, %, percent) is dropped, so
  ``$1577.00`` matches ``1,577 million``; two numbers that both carry units must agree on the scaled value
  (``£750 million`` matches ``£0.75 billion`` but not ``£750 billion``);
- currency words next to a number (pounds, sterling, dollars, usd, gbp, eur, euros) are dropped, so
  ``£750 million`` matches ``750 million pounds`` and ``£750m``;
- signs and accounting parentheses are ignored (``(1,577)`` matches ``1577``);
- Chinese and Japanese characters are one token each, since these scripts put no spaces between words: the gold
  name ``刘道骐`` is found inside ``公司负责人是刘道骐。`` (Han, kana; full-width digits and punctuation become ASCII);
  the scale characters after a number (万 10^4, 亿/億 10^8, 兆 10^12, 千, 百万, 千万, 万亿) are units, so ``372.53亿元`` matches
  ``3,725,300万元`` and ``37,253,000,000``; the currency characters 元, 円, 圆 after a number are dropped.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rag.eval.questions import Question
from rag.answer.templates import ABSTAIN_TEXT  # noqa: F401 - re-exported for the evaluation
from rag.text import CJK_CHARS

Hit = tuple[str | None, int | None]
"""One retrieved chunk (or one citation): its document name and 1-based page; None when unknown."""


# --- retrieval ---------------------------------------------------------------------------------------------------


def same_doc(retrieved_doc: str | None, evidence_doc: str | None) -> bool:
    """True when the retrieved document is the evidence document (always true when the evidence doc is None)."""
    if evidence_doc is None:
        return True
    if retrieved_doc is None:
        return False
    return _file_name(retrieved_doc) == _file_name(evidence_doc)


def is_page_hit(hit: Hit, doc: str | None, pages: Iterable[int]) -> bool:
    """True when a retrieved chunk lies on one of the evidence pages of the evidence document."""
    hit_doc, hit_page = hit
    return hit_page is not None and hit_page in set(pages) and same_doc(hit_doc, doc)


def first_page_hit_rank(retrieved: Sequence[Hit], doc: str | None, pages: Iterable[int]) -> int | None:
    """1-based rank of the first retrieved chunk on an evidence page, or None when there is none."""
    pages = set(pages)
    return _first_rank(retrieved, lambda hit: is_page_hit(hit, doc, pages))


def first_doc_hit_rank(retrieved: Sequence[Hit], doc: str | None) -> int | None:
    """1-based rank of the first retrieved chunk from the evidence document, or None."""
    return _first_rank(retrieved, lambda hit: same_doc(hit[0], doc))


def page_hit_at_k(retrieved: Sequence[Hit], doc: str | None, pages: Iterable[int], k: int) -> bool:
    """True when one of the top ``k`` retrieved chunks is on an evidence page."""
    return _within(first_page_hit_rank(retrieved, doc, pages), k)


def doc_hit_at_k(retrieved: Sequence[Hit], doc: str | None, k: int) -> bool:
    """True when one of the top ``k`` retrieved chunks comes from the evidence document."""
    return _within(first_doc_hit_rank(retrieved, doc), k)


def reciprocal_rank(rank: int | None) -> float:
    """1/rank for a hit, 0.0 for a miss."""
    return 0.0 if rank is None else 1.0 / rank


def mean_reciprocal_rank(ranks: Iterable[int | None]) -> float | None:
    """Mean of 1/rank over questions (a miss counts 0); None when there are no questions."""
    values = [reciprocal_rank(rank) for rank in ranks]
    return sum(values) / len(values) if values else None


def _first_rank(retrieved: Sequence[Hit], matches: Callable[[Hit], bool]) -> int | None:
    return next((rank for rank, hit in enumerate(retrieved, start=1) if matches(hit)), None)


def _within(rank: int | None, k: int) -> bool:
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    return rank is not None and rank <= k


def _file_name(doc: str) -> str:
    return re.split(r"[\\/]", doc.strip())[-1].casefold()


# --- answer matching -----------------------------------------------------------------------------------------------

_UNIT_SCALES = {
    "thousand": 10**3, "thousands": 10**3, "k": 10**3,
    "million": 10**6, "millions": 10**6, "mn": 10**6, "mm": 10**6, "m": 10**6,
    "billion": 10**9, "billions": 10**9, "bn": 10**9, "b": 10**9,
    "trillion": 10**12, "trillions": 10**12, "tn": 10**12,
    "%": 1, "percent": 1, "pct": 1,
    "千": 10**3, "万": 10**4, "百万": 10**6, "千万": 10**7, "亿": 10**8, "億": 10**8, "万亿": 10**12, "兆": 10**12,
}  # fmt: skip
# Chinese/Japanese scale characters that combine with the next one ("百万" = 10^6, "万亿" = 10^12).
_CJK_SCALE_PAIRS = frozenset({"百万", "千万", "万亿"})
_CURRENCY_AFTER = frozenset({"pound", "pounds", "sterling", "gbp", "dollar", "dollars", "usd", "eur", "euro", "euros",
                             "元", "円", "圆"})
_CURRENCY_BEFORE = frozenset({"gbp", "usd", "us", "eur"})
_LEADING_ARTICLES = frozenset({"a", "an", "the"})
_NUMBER = (
    r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?"  # 1,577,000.00
    r"|\d{1,2}(?:,\d{2})+,\d{3}(?!\d)(?:\.\d+)?"  # Indian grouping: 3,02,16,492.00
    r"|\d+(?:\.\d+)?"
)
_TOKEN_RE = re.compile(rf"(?P<num>{_NUMBER})|(?P<pct>%)|(?P<cjk>[{CJK_CHARS}])|(?P<word>(?:(?![{CJK_CHARS}])[^\W\d_])+)")


@dataclass(frozen=True, eq=False)
class _Number:
    value: Decimal
    unit: str | None  # the unit word as written (normalized), None when absent

    @property
    def scaled(self) -> Decimal:
        return self.value * _UNIT_SCALES.get(self.unit or "", 1)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Number):
            return False
        if self.scaled == other.scaled:
            return True
        units_conflict = self.unit is not None and other.unit is not None
        return self.value == other.value and not units_conflict


def answer_tokens(text: str) -> list[str | _Number]:
    """Normalized tokens of ``text``: words as strings, numbers as comparable number tokens (see module docstring)."""
    raw = [_raw_token(match) for match in _TOKEN_RE.finditer(_normalize(text))]
    return _fold_units(raw)


def contains_answer(text: str, needle: str) -> bool:
    """True when the tokens of ``needle`` appear contiguously in ``text`` (an empty needle never matches)."""
    wanted = _strip_leading_article(answer_tokens(needle))
    have = answer_tokens(text)
    if not wanted:
        return False
    width = len(wanted)
    return any(have[start : start + width] == wanted for start in range(len(have) - width + 1))


def answer_matches(answer: str, gold: str, answer_keys: Iterable[str] = ()) -> bool:
    """True when any answer key, or the gold answer itself, appears in ``answer``."""
    needles = [*answer_keys, gold]
    return any(contains_answer(answer, needle) for needle in needles if needle and needle.strip())


def _normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _raw_token(match: re.Match[str]) -> str | Decimal:
    if match.group("num"):
        try:
            return Decimal(match.group("num").replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the regex only admits valid decimals
            return match.group("num")
    return match.group("pct") or match.group("cjk") or match.group("word")


def _fold_units(raw: list[str | Decimal]) -> list[str | _Number]:
    tokens: list[str | _Number] = []
    index = 0
    while index < len(raw):
        token = raw[index]
        if not isinstance(token, Decimal):
            tokens.append(token)
            index += 1
            continue
        unit, index = _unit_after(raw, index + 1)
        if index < len(raw) and _is_word_in(raw[index], _CURRENCY_AFTER):
            index += 1
        if tokens and _is_word_in(tokens[-1], _CURRENCY_BEFORE):
            tokens.pop()
        tokens.append(_Number(token, unit))
    return tokens


def _unit_after(raw: list[str | Decimal], index: int) -> tuple[str | None, int]:
    """The unit word at ``index`` (if any) and the index after it; "per cent" counts as one unit."""
    if index >= len(raw) or not isinstance(raw[index], str):
        return None, index
    word = raw[index]
    if word == "per" and index + 1 < len(raw) and raw[index + 1] == "cent":
        return "percent", index + 2
    if index + 1 < len(raw) and isinstance(raw[index + 1], str) and word + raw[index + 1] in _CJK_SCALE_PAIRS:
        return word + raw[index + 1], index + 2
    if word in _UNIT_SCALES:
        return ("percent" if word in ("%", "pct") else word), index + 1
    return None, index


def _is_word_in(token: object, words: frozenset[str]) -> bool:
    return isinstance(token, str) and token in words


def _strip_leading_article(tokens: list[str | _Number]) -> list[str | _Number]:
    if len(tokens) > 1 and _is_word_in(tokens[0], _LEADING_ARTICLES):
        return tokens[1:]
    return tokens


# --- abstention ----------------------------------------------------------------------------------------------------

_DOC_WORDS = (
    r"(?:documents?|context|sources?|excerpts?|passages?|texts?|filings?|reports?|pdfs?|files?|materials?"
    r"|information (?:provided|given|available|retrieved))"
)
_SAYS_VERBS = r"(?:mention|specify|disclose|state|say|address|discuss|cover|indicate|reveal|answer)"
_HOLDS_VERBS = r"(?:contain|include|provide|give|have|offer|show|list|report)"
_INFO_WORDS = (
    r"(?:answers?|information|info|details?|data|mentions?|figures?|numbers?|references?|breakdown|specifics"
    r"|this|it)"
)
_QUALIFIERS = (
    r"(?:(?:the|any|enough|sufficient|specific|such|this|that|an?|explicit|relevant|direct|detailed|clear)\s)*"
)
_DOC_SAYS_NOT = rf"\b{_DOC_WORDS}\b[^.!?\n]*?\b(?:do|does|did) not "  # "the provided documents do not ..."
_IN_THE_DOCS = (
    rf"in (?:the |these |this |any of the |any )?(?:provided |given |available |retrieved |supplied )?{_DOC_WORDS}"
)
# Each pattern is one way of saying "no answer here"; they run on lower-cased text with contractions expanded
# ("doesn't" -> "does not"). Verbs like "contain"/"show" need an information-like object, so that "the reports do
# not show a loss" is an answer, not an abstention.
_ABSTENTION_PATTERNS = [
    rf"{_DOC_SAYS_NOT}{_SAYS_VERBS}\b",
    rf"{_DOC_SAYS_NOT}{_HOLDS_VERBS} {_QUALIFIERS}{_INFO_WORDS}\b",
    rf"\bnot (?:\w+ )?(?:mentioned|found|provided|stated|specified|available|given|included|present|contained"
    rf"|disclosed|covered|addressed|discussed) (?:anywhere )?{_IN_THE_DOCS}",
    rf"\b(?:is|are) not {_IN_THE_DOCS}",
    r"\b(?:i|we) (?:do|did) not (?:know|have (?:enough |sufficient |the |any )?(?:information|data|details|context))\b",
    r"\bnot answerable\b",
    r"\b(?:can|could) not be (?:answered|determined|found|inferred|derived|calculated|computed|identified|located)\b",
    r"\b(?:unable|not able) to (?:answer|find|determine|locate|identify|provide|tell)\b",
    r"\b(?:can|could) not (?:find|determine|answer|locate|identify|tell)\b",
    r"\b(?:no|not enough|insufficient|lack of) (?:relevant |specific |such |sufficient |further )?"
    r"(?:information|mention|details)\b",
    r"\bthere (?:is|was) no (?:mention|reference|indication|answer)\b",
    r"\b(?:outside|beyond) the scope of\b",
    rf"\b(?:none|neither) of the (?:provided |given |available |retrieved )?{_DOC_WORDS}\b",
    rf"\bno {_DOC_WORDS} (?:mentions?|specif(?:y|ies)|states?|says?|discloses?|contains?|provides?|includes?)\b",
    r"\b(?:information|details|data|answer) (?:is|are|was|were) not (?:provided|available|given|mentioned|stated"
    r"|specified|included|disclosed|present)\b",
    r"^\W*(?:n/?a|unknown|no answer|i do not know"
    r"|not (?:mentioned|found|provided|available|stated|specified|given|disclosed|known))\W*$",
]
_ABSTENTION_RE = re.compile("|".join(f"(?:{pattern})" for pattern in _ABSTENTION_PATTERNS))


def is_abstention(answer: str) -> bool:
    """True when the answer says the documents don't contain the answer / it doesn't know / not answerable.

    An empty answer is not an abstention: a system must say so explicitly (e.g. with `ABSTAIN_TEXT`).
    """
    return bool(_ABSTENTION_RE.search(_abstention_text(answer)))


def _abstention_text(answer: str) -> str:
    text = _normalize(answer).replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"\bcan'?t\b|\bcannot\b", "can not", text)
    text = re.sub(r"\bwon't\b", "will not", text)
    text = re.sub(r"n't\b", " not", text)
    return re.sub(r"\s+", " ", text).strip()


def score_answer(answer: str, *, gold: str, answer_keys: Iterable[str] = (), answerable: bool = True) -> bool:
    """Correctness of one answer: answerable questions must match the gold answer/keys; unanswerable must abstain."""
    if not answerable:
        return is_abstention(answer)
    return answer_matches(answer, gold, answer_keys)


# --- citations -----------------------------------------------------------------------------------------------------

_PDF_NAME_RE = re.compile(r"[^\s\[\](){}<>,;:\"'`]+\.pdf\b", re.IGNORECASE)
_PAGE_REF_RE = re.compile(
    r"\b(?:pages?|pgs?\.?|pp\.?|p\.|p(?=\d))\s*(\d+(?:\s*(?:-|\u2013|\u2014|,|and|&|to)\s*\d+)*)", re.IGNORECASE
)
_MAX_RANGE = 50
_DOC_LOOKBACK = 120


def extract_citations(text: str) -> list[Hit]:
    """``(doc, page)`` pairs cited in answer text, e.g. "[report.pdf, p. 53]", "(pages 53-54)", "pp. 3, 5".

    A page reference takes the nearest preceding ``*.pdf`` name within a short distance, else doc None.
    """
    names = [(match.end(), match.group()) for match in _PDF_NAME_RE.finditer(text)]
    citations: list[Hit] = []
    for match in _PAGE_REF_RE.finditer(text):
        doc = _preceding_doc(names, match.start())
        citations.extend((doc, page) for page in _expand_pages(match.group(1)))
    return list(dict.fromkeys(citations))


def cites_evidence(citations: Iterable[Hit], doc: str | None, pages: Iterable[int]) -> bool:
    """True when a citation names an evidence page (a citation without a document name matches any document)."""
    pages = set(pages)
    return any(page in pages and (cited is None or same_doc(cited, doc)) for cited, page in citations)


def _preceding_doc(names: list[tuple[int, str]], position: int) -> str | None:
    before = [(end, name) for end, name in names if end <= position and position - end <= _DOC_LOOKBACK]
    return before[-1][1] if before else None


def _expand_pages(spec: str) -> list[int]:
    pages: list[int] = []
    for part in re.split(r"\s*(?:,|and|&)\s*", spec):
        bounds = [int(number) for number in re.findall(r"\d+", part)]
        if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= _MAX_RANGE:
            pages.extend(range(bounds[0], bounds[1] + 1))
        else:
            pages.extend(bounds)
    return pages


# --- per-question results ------------------------------------------------------------------------------------------


@dataclass
class QuestionResult:
    """Scores of one question in one run. None means "not measured" (e.g. no answer in a retrieval-only run)."""

    id: str
    source: str | None = None
    category: str | None = None
    answerable: bool = True
    has_evidence: bool = True  # has evidence pages, so it counts in the retrieval metrics
    page_rank: int | None = None  # 1-based rank of the first retrieved chunk on an evidence page
    doc_rank: int | None = None  # 1-based rank of the first retrieved chunk from the evidence document
    answer: str | None = None
    correct: bool | None = None
    abstained: bool | None = None
    cites_evidence: bool | None = None
    latency_s: float | None = None
    retrieved: list[Hit] = field(default_factory=list)
    grounded: bool | None = None  # the grounding check (rag.answer.grounding); None: not checked or nothing to check
    verdict: str | None = None  # verified / unsupported / contradicted (rag.answer.verify); None: not checked


def score_question(
    question: Question,
    retrieved: Sequence[Hit],
    answer: str | None = None,
    citations: Iterable[Hit] | None = None,
    latency_s: float | None = None,
    grounded: bool | None = None,
    verdict: str | None = None,
) -> QuestionResult:
    """Score one question. ``citations`` default to those found in the answer text."""
    has_evidence = bool(question.evidence_pages)
    result = QuestionResult(
        id=question.id,
        source=question.source,
        category=question.category,
        answerable=question.answerable,
        has_evidence=has_evidence,
        page_rank=first_page_hit_rank(retrieved, question.doc, question.evidence_pages) if has_evidence else None,
        doc_rank=first_doc_hit_rank(retrieved, question.doc) if has_evidence else None,
        latency_s=latency_s,
        retrieved=list(retrieved),
        grounded=grounded,
        verdict=verdict,
    )
    if answer is not None:
        _score_answer_into(result, question, answer, citations)
    return result


def _score_answer_into(
    result: QuestionResult, question: Question, answer: str, citations: Iterable[Hit] | None
) -> None:
    cited = list(citations) if citations is not None else extract_citations(answer)
    result.answer = answer
    result.abstained = is_abstention(answer)
    result.correct = score_answer(
        answer, gold=question.answer, answer_keys=question.answer_keys, answerable=question.answerable
    )
    if question.evidence_pages:
        result.cites_evidence = cites_evidence(cited, question.doc, question.evidence_pages)


# --- summaries -----------------------------------------------------------------------------------------------------


@dataclass
class Summary:
    """Aggregate scores of a group of questions; rates are fractions in [0, 1], None when nothing to measure."""

    group: str
    questions: int
    answerable: int
    unanswerable: int
    k: int
    hit_at: dict[int, float | None]  # page hit@1, @3 and @k over questions with evidence pages
    mrr: float | None
    doc_hit: float | None  # doc hit@k
    doc_mrr: float | None
    answer_accuracy: float | None  # over answered answerable questions
    abstention_accuracy: float | None  # share of answered unanswerable questions where the system abstained
    false_abstention: float | None  # share of answered answerable questions where the system abstained
    cites_evidence: float | None  # over answered questions with evidence pages
    median_latency_s: float | None
    grounded: float | None = None  # share of checked answers (not abstentions) the grounding check found grounded
    verified_precision: float | None = None  # share of answers marked verified that are right
    verified_coverage: float | None = None  # share of answered answerable questions whose answer is marked verified


def summarize(results: Sequence[QuestionResult], k: int, group: str = "overall") -> Summary:
    """One `Summary` over ``results``: counts, page hit@1/@3/@k, MRR, doc hit@k and MRR, answer metrics, latency."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    retrieval = [r for r in results if r.has_evidence]
    answered = [r for r in results if r.answer is not None]
    answerable = [r for r in answered if r.answerable]
    unanswerable = [r for r in answered if not r.answerable]
    latencies = [r.latency_s for r in results if r.latency_s is not None]
    return Summary(
        group=group,
        questions=len(results),
        answerable=sum(r.answerable for r in results),
        unanswerable=sum(not r.answerable for r in results),
        k=k,
        hit_at={n: _rate(_within(r.page_rank, n) for r in retrieval) for n in hit_cutoffs(k)},
        mrr=mean_reciprocal_rank(r.page_rank for r in retrieval),
        doc_hit=_rate(_within(r.doc_rank, k) for r in retrieval),
        doc_mrr=mean_reciprocal_rank(r.doc_rank for r in retrieval),
        answer_accuracy=_rate(bool(r.correct) for r in answerable),
        abstention_accuracy=_rate(bool(r.abstained) for r in unanswerable),
        false_abstention=_rate(bool(r.abstained) for r in answerable),
        cites_evidence=_rate(bool(r.cites_evidence) for r in answered if r.cites_evidence is not None),
        median_latency_s=statistics.median(latencies) if latencies else None,
        grounded=_rate(bool(r.grounded) for r in answered if r.grounded is not None and not r.abstained),
        verified_precision=_rate(bool(r.correct) and r.answerable for r in answered if r.verdict == "verified"),
        verified_coverage=_rate(r.verdict == "verified" for r in answerable),
    )


def summarize_groups(
    results: Sequence[QuestionResult], k: int, by: Sequence[str] = ("source", "category")
) -> list[Summary]:
    """Summaries per value of each attribute in ``by`` (skipped when no result has one), then "overall" last."""
    summaries: list[Summary] = []
    for attribute in by:
        values = [getattr(result, attribute) for result in results]
        if all(value is None for value in values):
            continue
        for value in sorted(set(values), key=lambda v: (v is None, v or "")):
            members = [r for r, v in zip(results, values) if v == value]
            summaries.append(summarize(members, k, group=f"{attribute}: {value if value is not None else '-'}"))
    summaries.append(summarize(results, k))
    return summaries


def grounding_mark(results: Sequence[QuestionResult]) -> tuple[int, int, int, int]:
    """How right the "not found in the sources" mark is on answerable questions the model answered:
    (marked answers that are wrong, marked answers, wrong answers that are marked, wrong answers checked)."""
    checked = [r for r in results if r.answerable and r.answer is not None and not r.abstained
               and r.grounded is not None]
    marked = [r for r in checked if r.grounded is False]
    wrong = [r for r in checked if not r.correct]
    return sum(not r.correct for r in marked), len(marked), sum(r.grounded is False for r in wrong), len(wrong)


def verdict_counts(results: Sequence[QuestionResult]) -> dict[str, tuple[int, int]]:
    """For each verdict: (answers with it that are right, answers with it); an answer to an unanswerable question
    is never right."""
    counts: dict[str, tuple[int, int]] = {}
    for r in results:
        if r.answer is None or r.abstained or r.verdict is None:
            continue
        right, total = counts.get(r.verdict, (0, 0))
        counts[r.verdict] = (right + bool(r.correct and r.answerable), total + 1)
    return counts


def hit_cutoffs(k: int) -> list[int]:
    """The hit@ cut-offs reported for a run with top-``k`` retrieval: 1, 3 and k (those not above k)."""
    return sorted({n for n in (1, 3) if n <= k} | {k})


def _rate(flags: Iterable[bool]) -> float | None:
    values = list(flags)
    return sum(values) / len(values) if values else None


# --- rendering -----------------------------------------------------------------------------------------------------


def render_table(summaries: Sequence[Summary]) -> str:
    """The summaries as an aligned plain-text table (percentages, MRR to 3 places, latency in seconds)."""
    if not summaries:
        return "(no results)"
    cutoffs = sorted({n for summary in summaries for n in summary.hit_at})
    header = ["group", "n", "ans", "unans", *(f"hit@{n}" for n in cutoffs), "MRR", f"doc@{summaries[0].k}",
              "answer", "abstain", "false abst", "cites", "grounded", "verif prec", "verif cov",
              "p50 s"]  # fmt: skip
    rows = [header, *(_table_row(summary, cutoffs) for summary in summaries)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = [_format_row(row, widths) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _table_row(summary: Summary, cutoffs: list[int]) -> list[str]:
    return [
        summary.group,
        str(summary.questions),
        str(summary.answerable),
        str(summary.unanswerable),
        *(_percent(summary.hit_at.get(n)) for n in cutoffs),
        _decimal(summary.mrr),
        _percent(summary.doc_hit),
        _percent(summary.answer_accuracy),
        _percent(summary.abstention_accuracy),
        _percent(summary.false_abstention),
        _percent(summary.cites_evidence),
        _percent(summary.grounded),
        _percent(summary.verified_precision),
        _percent(summary.verified_coverage),
        _decimal(summary.median_latency_s, places=2),
    ]


def _format_row(row: list[str], widths: list[int]) -> str:
    cells = [row[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(row[1:], widths[1:]))]
    return "  ".join(cells).rstrip()


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _decimal(value: float | None, places: int = 3) -> str:
    return "-" if value is None else f"{value:.{places}f}"
