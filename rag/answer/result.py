"""What an answer hands on: its text, numbered sources, verdict, evidence and timings (`Answer`, `Source`).

Built by the answer stage (`rag.answer.answerer`) and read by the CLI (`rag.cli.output`), the web UI, the HTTP
server and the evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from langchain_core.documents import Document

from rag.answer.grounding import Grounding
from rag.answer.points import Point
from rag.answer.units import Unit
from rag.answer.verdict import Verdict
from rag.text import place_text

SNIPPET_CHARS = 160


@dataclass
class Source:
    number: int
    file: str
    page: int
    score: float
    text: str
    page_label: str | None = None
    match_start: int = 0  # where the best-matching chunk starts in `text`
    ocr: bool = False  # the page's text was recognised by OCR, not extracted
    table: dict | None = None  # the cells of the table rows in the passage: {caption, unit, headers, rows}
    place: str | None = None  # the place in a non-PDF file ("slide 3", "sheet Q1, rows 2–9"); None: the page
    excerpt: bool = False  # sentences from the document's overview (a whole-document question), not a search hit

    @property
    def where(self) -> str:
        return place_text(self.page, self.place)

    @property
    def snippet(self) -> str:
        """The passage from its best-matching chunk on, in one line of at most SNIPPET_CHARS."""
        flat = " ".join(self.text[self.match_start:].split())
        prefix = "…" if self.match_start else ""
        return prefix + (flat if len(flat) <= SNIPPET_CHARS else flat[: SNIPPET_CHARS - 1].rstrip() + "…")

    def cite(self) -> str:
        label = f" (printed {self.page_label})" if self.page_label else ""
        ocr = " (OCR text)" if self.ocr else ""
        how = "(excerpt)" if self.excerpt else f"(score {self.score:.2f})"
        return f"[{self.number}] {self.file}, {self.where}{label}{ocr} {how}"


@dataclass
class Answer:
    question: str
    answer: str = ""
    sources: list[Source] = field(default_factory=list)
    abstained: bool = False
    abstain_reason: str = ""  # why the documents cannot answer (when `abstained`)
    cited: list[int] = field(default_factory=list)  # the source numbers the answer cites as [n]
    dropped_chunks: int = 0  # retrieved but left out so the prompt fits the window
    stopped: bool = False  # generation ended early on request (should_stop)
    timings: dict[str, float] = field(default_factory=dict)
    model: str = ""
    backend: str = ""
    grounding: Grounding | None = None  # the answer's figures, dates and names looked up in the passages
    verdict: Verdict | None = None  # verified / unsupported / contradicted, with its evidence unit (rag.answer.verify)
    lead: Unit | None = None  # the evidence shown before the answer: the unit most like the question
    scope: str = "fact"  # "document" / "documents": the question is about a whole document or several (rag.query.scope)
    coverage: str = ""  # for such a question, what the answer was drawn from ("5 passages: pages 3, 9, 12 of …")
    translations: list[str] = field(default_factory=list)  # the question as searched in the documents' language
    points: list[Point] = field(default_factory=list)  # a list answer's points, each checked (rag.answer.points)
    parts: list[dict] = field(default_factory=list)  # a comparison: each document's answer, verdict and sources

    @property
    def supported_by(self) -> list[int]:
        """The source numbers holding the sentences the grounding check found for the answer (its evidence)."""
        found = [evidence.source for evidence in self.grounding.evidence] if self.grounding else []
        return list(dict.fromkeys(found))

    @property
    def points_to(self) -> list[int]:
        """The sources the answer rests on: those it cites as [n], else those its evidence sentences come from."""
        return self.cited or self.supported_by

    def to_dict(self) -> dict:
        return {
            "grounded": self.grounding.grounded if self.grounding else None,
            "grounding": self.grounding.to_dict() if self.grounding else None,
            "verdict": self.verdict.to_dict() if self.verdict else None,
            "lead_evidence": self.lead.to_dict() if self.lead else None,
            "scope": self.scope,
            "coverage": self.coverage,
            "points": [point.to_dict() for point in self.points],
            "parts": self.parts,
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "abstain_reason": self.abstain_reason,
            "cited": self.cited,
            "supported_by": self.supported_by,
            "sources": [{"number": s.number, "file": s.file, "page": s.page, "place": s.place, "page_label": s.page_label,
                         "score": s.score, "text": s.text, "ocr": s.ocr, "table": s.table, "excerpt": s.excerpt}
                        for s in self.sources],
            "dropped_chunks": self.dropped_chunks,
            "timings": {key: round(value, 4) for key, value in self.timings.items()},
            "model": self.model,
            "backend": self.backend,
        }


def coverage_note(sources: list[Source], scope: str) -> str:
    """What an answer to a whole-document question saw: its passages' places, by file, said plainly."""
    by_file: dict[str, list[str]] = {}
    for source in sources:
        by_file.setdefault(source.file, []).append(source.where)
    seen = "; ".join(f"{', '.join(places)} of {file}" for file, places in by_file.items())
    what = "compares documents" if scope == "documents" else "is about a whole document"
    return (f"This question {what}; the answer is drawn from {len(sources)} passage"
            f"{'s' if len(sources) != 1 else ''} only ({seen}), not from every page.")


def to_sources(docs: list[Document]) -> list[Source]:
    return [
        Source(number=i, file=d.metadata["source"], page=d.metadata["page"], score=d.metadata.get("score", 0.0),
               text=d.page_content, page_label=d.metadata.get("page_label"),
               match_start=d.metadata.get("match_start", 0), ocr=bool(d.metadata.get("ocr")),
               table=d.metadata.get("table"), place=d.metadata.get("place"), excerpt=bool(d.metadata.get("excerpt")))
        for i, d in enumerate(docs, start=1)
    ]
