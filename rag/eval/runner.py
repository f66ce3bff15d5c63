"""Running an evaluation: index a folder of documents (PDFs and every other format) once, ask every question, score retrieval and answers.

The index lives under `<cache_dir>/eval/`, keyed by the documents folder and the settings that shape the index
(chunk size and overlap, embedding model), so a second run with the same documents and settings reuses it and
the user's own `vectorstore/` is never touched. Ingestion is incremental, so changed PDFs are re-indexed.

Presets: "reference" is the reference article's configuration (dense retrieval only, k=2, 500/50 chunks, no
relevance check: it always answers); "default" is the configured settings (hybrid retrieval as tuned).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.documents import Document
from tqdm import tqdm

from rag.config import Settings
from rag.errors import UserError
from rag.eval.metrics import (QuestionResult, Summary, grounding_mark, render_table, score_question, verdict_counts,
                              summarize_groups)
from rag.eval.questions import Question, load_questions

PRESETS: dict[str, dict[str, Any]] = {
    "reference": {"retrieval": "dense", "k": 2, "chunk_size": 500, "chunk_overlap": 50, "chunk_context": "none",
                  "match_documents": False, "passage_chars": 0, "statement_weight": 0.0, "line_item_weight": 0.0,
                  "contact_weight": 0.0, "page_weight": 0.0, "subject_weight": 0.0,
                  "score_threshold": -1.0, "max_missing_terms": 1.0},
    "default": {},
}


def apply_preset(settings: Settings, preset: str, k: int | None = None) -> Settings:
    if preset not in PRESETS:
        raise UserError(f"unknown preset {preset!r}; choose from {', '.join(PRESETS)}", exit_code=2)
    update = dict(PRESETS[preset])
    if k is not None:
        update["k"] = k
    return settings.model_copy(update=update)


def eval_index_dir(settings: Settings, docs: Path) -> Path:
    """The cached index folder for `docs` with these index settings."""
    from rag.ingest.chunking import NO_CONTEXT
    from rag.index.embeddings import embedding_model_name

    fields = {"docs": str(docs.resolve()), "chunk_size": settings.chunk_size,
              "chunk_overlap": settings.chunk_overlap, "embedding": embedding_model_name(settings)}
    if settings.chunk_context != NO_CONTEXT:  # indexes cached before chunk_context existed keep their folder
        fields["context"] = settings.chunk_context
    key = json.dumps(fields, sort_keys=True)
    return settings.cache_dir / "eval" / f"{docs.resolve().name}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"


# ---------------------------------------------------------------- questions


def read_questions(path: Path, where: Sequence[str] = (), limit: int | None = None,
                   warn: Callable[[str], None] = print) -> list[Question]:
    """Questions from a JSON Lines file; malformed lines are reported through `warn` and skipped."""
    if not path.is_file():
        raise UserError(f"{path}: no such question file")
    try:
        questions, problems = load_questions(path, default_source=path.resolve().parent.name)
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from None
    for problem in problems:
        warn(f"warning: {path}: {problem}")
    questions = [q for q in questions if all(_matches(q, condition) for condition in where)]
    questions = questions[:limit] if limit is not None else questions
    if not questions:
        raise UserError(f"{path}: no questions to ask" + (" after --where" if where else ""))
    return questions


def _matches(question: Question, condition: str) -> bool:
    """`field=value` on a question field or an extra one (FinanceBench's tier, single_page)."""
    name, sep, wanted = condition.partition("=")
    if not sep or not name:
        raise UserError(f"--where {condition!r}: expected FIELD=VALUE, e.g. tier=verified", exit_code=2)
    value = getattr(question, name) if name in Question.__dataclass_fields__ else question.extra.get(name)
    text = json.dumps(value) if isinstance(value, bool) else str(value)
    return text.casefold() == wanted.casefold()


def unknown_documents(questions: Sequence[Question], sources: Sequence[str]) -> list[str]:
    names = {Path(source).name.casefold() for source in sources}
    return sorted({q.doc for q in questions if q.doc and Path(q.doc).name.casefold() not in names})


# ---------------------------------------------------------------- one run


@dataclass
class PresetRun:
    """The results of one preset: settings used, per-question results and summaries."""

    preset: str
    settings: Settings
    index_dir: Path
    retrieval_only: bool
    results: list[QuestionResult] = field(default_factory=list)
    details: list[dict] = field(default_factory=list)  # per question: question text, passages, answer, gate

    def summaries(self) -> list[Summary]:
        return summarize_groups(self.results, self.settings.k)

    def gate_summary(self) -> tuple[int, int, int, int]:
        """(abstained unanswerable, unanswerable, abstained answerable, answerable) by the relevance check alone."""
        gated = [(detail["gate_abstained"], result.answerable) for detail, result in zip(self.details, self.results)]
        return (sum(g for g, a in gated if not a), sum(1 for _, a in gated if not a),
                sum(g for g, a in gated if a), sum(1 for _, a in gated if a))

    def apply_labels(self, labels: dict[tuple[str, str], bool]) -> int:
        """Score answers labelled by hand by their label (the gold-key match is lenient or strict where keys are
        ambiguous); returns how many were labelled."""
        count = 0
        for result, detail in zip(self.results, self.details):
            label = labels.get((result.id, " ".join(str(detail.get("answer", "")).split())))
            if label is not None and result.answer is not None:
                result.correct, detail["hand_label"] = label, label
                count += 1
        return count

    def to_dict(self) -> dict:
        return {
            "preset": self.preset,
            "index_dir": str(self.index_dir),
            "retrieval_only": self.retrieval_only,
            "settings": {key: getattr(self.settings, key) for key in RETRIEVAL_SETTINGS},
            "summaries": [asdict(summary) for summary in self.summaries()],
            "questions": [{**asdict(result), **detail} for result, detail in zip(self.results, self.details)],
        }


RETRIEVAL_SETTINGS = ("retrieval", "k", "chunk_size", "chunk_overlap", "chunk_context", "fusion_candidates",
                      "dense_weight", "bm25_weight", "rank_constant", "match_documents", "passage_chars",
                      "statement_weight", "line_item_weight", "contact_weight", "page_weight", "subject_weight",
                      "score_threshold", "max_missing_terms")


class RecordingRetriever:
    """The answerer's retriever: keeps what was retrieved (for the retrieval metrics) and records whether
    `rag.answer.answerability.judge` refuses it, which is what the answerer (judging the same passages with the
    same `QueryAnalysis`) does."""

    def __init__(self, inner, score_threshold: float, max_missing_terms: float):
        self.inner, self.score_threshold, self.max_missing_terms = inner, score_threshold, max_missing_terms
        self.last: list[Document] = []
        self.gated, self.gate_reason = False, ""

    def __getattr__(self, name: str):
        """Everything else is the inner retriever's (its index, searcher and embeddings: a whole-document question
        is answered here as by main.py)."""
        return getattr(self.inner, name)

    def analyse(self, query: str):
        return self.inner.analyse(query)

    @property
    def document_languages(self) -> dict[str, str]:
        return getattr(self.inner, "document_languages", {})

    def invoke(self, query: str, analysis=None, also=()) -> list[Document]:
        from rag.answer.answerability import judge

        if analysis is None or analysis.question != query:
            analysis = self.analyse(query)
        self.last = self.inner.invoke(query, analysis=analysis, also=also)
        verdict = judge(analysis, self.last, self.score_threshold, self.max_missing_terms)
        self.gated, self.gate_reason = not verdict.passages, verdict.reason
        return self.last


def read_labels(path: Path) -> dict[tuple[str, str], bool]:
    """Hand labels: one JSON object a line with the question `id`, the `answer` as given and `correct`."""
    labels = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UserError(f"{path}: cannot read the labels ({exc.strerror or exc})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            labels[(str(item["id"]), " ".join(str(item["answer"]).split()))] = bool(item["correct"])
        except (ValueError, KeyError, TypeError):
            raise UserError(f"{path}, line {number}: expected JSON with id, answer and correct") from None
    return labels


def prepare_index(settings: Settings, docs: Path, embeddings, progress: bool):
    """Bring the evaluation index for `docs` up to date and load it."""
    from rag.index.live import load_live
    from rag.ingest.pipeline import format_summary

    summary = _ingest_when_free(settings, docs, embeddings, progress)
    if summary.chunks_embedded or summary.count("removed"):
        print(format_summary(summary), file=sys.stderr)
    index = load_live(settings)
    if index is None or not index.chunks:
        raise UserError(f"{docs}: no text could be indexed from these PDFs")
    return index


def _ingest_when_free(settings: Settings, docs: Path, embeddings, progress: bool, wait_s: float = 3600.0):
    """Ingest, waiting for another evaluation that is updating the same cached index to finish first."""
    from filelock import FileLock, Timeout

    from rag.ingest.pipeline import ingest
    from rag.index.store import LOCK_NAME

    deadline = time.monotonic() + wait_s
    while True:
        try:
            return ingest(settings, [docs], progress=progress, embeddings=embeddings)
        except UserError:
            lock = FileLock(str(settings.index_dir / LOCK_NAME))
            try:
                lock.acquire(timeout=0)
                lock.release()
                raise  # the lock was free: the error is something else
            except Timeout:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1.0)


def run_preset(preset: str, settings: Settings, questions: Sequence[Question], docs: Path, embeddings,
               backend=None, progress: bool = True) -> PresetRun:
    """Index `docs` with the preset's settings and ask every question (with `backend`, answers too)."""
    from rag.answer.answerer import Answerer
    from rag.retrieve.hybrid import build_retriever

    index = prepare_index(settings, docs, embeddings, progress)
    questions = resolve_places(questions, index)
    for name in unknown_documents(questions, list(index.manifest.files)):
        print(f"warning: questions refer to {name}, which is not among the indexed files", file=sys.stderr)
    recorder = RecordingRetriever(inner=build_retriever(settings, index, embeddings),
                                  score_threshold=settings.score_threshold, max_missing_terms=settings.max_missing_terms)
    answerer = Answerer(settings, recorder, backend, {}) if backend is not None else None
    run = PresetRun(preset, settings, settings.index_dir, retrieval_only=answerer is None)
    bar = tqdm(questions, desc=f"{preset}", unit="q", file=sys.stderr, disable=not (progress and sys.stderr.isatty()))
    for question in bar:
        result, detail = ask(question, recorder, answerer)
        run.results.append(result)
        run.details.append(detail)
    return run


_RANGE_RE = re.compile(r"^(.*?)\b(rows?|lines?)\s+(\d+)(?:\s*[–-]\s*(\d+))?$")


def _normal_place(place: str) -> str:
    return " ".join(place.casefold().replace(" > ", " › ").replace(" / ", " › ").replace("-", "–").split())


def place_matches(unit_place: str | None, wanted: str) -> bool:
    """Whether an indexed unit's place is the wanted evidence place: the same text (case, spacing and the path
    separator aside), or a unit whose rows or lines ("sheet Q1, rows 2–51") hold the wanted ones ("sheet Q1, row 7")."""
    if not unit_place:
        return False
    unit, want = _normal_place(unit_place), _normal_place(wanted)
    if unit == want:
        return True
    have, asked = _RANGE_RE.match(unit), _RANGE_RE.match(want)
    if not have or not asked or have.group(1) != asked.group(1) or have.group(2)[:3] != asked.group(2)[:3]:
        return False
    low, high = int(have.group(3)), int(have.group(4) or have.group(3))
    first, last = int(asked.group(3)), int(asked.group(4) or asked.group(3))
    return first <= high and last >= low


def resolve_places(questions: Sequence[Question], index) -> list[Question]:
    """Questions whose `evidence_places` are turned into evidence pages: the numbers of the units at those places
    (in `doc`, or in the one document that has them). A place no unit has is said on stderr and scores as a miss."""
    from dataclasses import replace

    out = []
    for question in questions:
        if not question.evidence_places:
            out.append(question)
            continue
        units: dict[str, set[int]] = {}
        for doc in index.chunks:
            source = doc.metadata.get("source")
            if question.doc is not None and source != question.doc and Path(source).name != question.doc:
                continue
            if any(place_matches(doc.metadata.get("place"), wanted) for wanted in question.evidence_places):
                units.setdefault(source, set()).add(doc.metadata.get("page"))
        if not units:
            print(f"warning: {question.id}: no indexed unit is at {', '.join(question.evidence_places)}",
                  file=sys.stderr)
        doc = question.doc if question.doc is not None or len(units) != 1 else next(iter(units))
        pages = sorted({*question.evidence_pages, *(page for found in units.values() for page in found)})
        out.append(replace(question, doc=doc, evidence_pages=tuple(pages) or (0,) * bool(question.evidence_places)))
    return out


def ask(question: Question, recorder: RecordingRetriever, answerer) -> tuple[QuestionResult, dict]:
    """Score one question: retrieval always, the answer when there is an answerer."""
    started = time.perf_counter()
    answer = answerer.ask(question.question) if answerer is not None else None
    if answer is None:
        recorder.invoke(question.question)
    latency = time.perf_counter() - started
    passages = recorder.last
    retrieved = [(doc.metadata.get("source"), doc.metadata.get("page")) for doc in passages]
    if answer is None:
        result = score_question(question, retrieved, latency_s=latency)
    else:
        # what the answer points to: the passages it cites as [n], else those its evidence sentences come from
        pointed = [(source.file, source.page) for n in answer.points_to for source in answer.sources
                   if source.number == n]
        grounded = answer.grounding.grounded if answer.grounding else None
        result = score_question(question, retrieved, answer.answer, citations=pointed, latency_s=latency,
                                grounded=grounded, verdict=answer.verdict.verdict if answer.verdict else None)
    detail = {
        "question": question.question,
        "gold": question.answer,
        "evidence_doc": question.doc,
        "evidence_pages": list(question.evidence_pages),
        "evidence_places": list(question.evidence_places),
        "gate_abstained": recorder.gated,
        "gate_reason": recorder.gate_reason,
        "passages": [{"source": d.metadata.get("source"), "page": d.metadata.get("page"),
                      "place": d.metadata.get("place"), "score": d.metadata.get("score"), "fused": d.metadata.get("fused")} for d in passages],
    }
    if answer is not None:
        detail["answer"] = answer.answer
        detail["translations"] = answer.translations
        detail["cited"] = [[s.file, s.page] for n in answer.cited for s in answer.sources if s.number == n]
        detail["timings"] = {key: round(value, 4) for key, value in answer.timings.items()}
        detail["verdict"] = answer.verdict.to_dict() if answer.verdict else None
        detail["sources"] = [{"number": s.number, "file": s.file, "page": s.page, "text": s.text}
                             for s in answer.sources]
    return result, detail


# ---------------------------------------------------------------- output


def format_run(run: PresetRun) -> str:
    s = run.settings
    mode = "retrieval only" if run.retrieval_only else "full pipeline"
    lines = [
        f"== preset {run.preset} ({mode}): {s.retrieval}, k={s.k}, chunks {s.chunk_size}/{s.chunk_overlap}, "
        f"index {run.index_dir}",
        render_table(run.summaries()),
    ]
    abstained_u, unanswerable, abstained_a, answerable = run.gate_summary()
    if unanswerable or abstained_a:
        lines.append(f"relevance check alone (no model): abstains on {abstained_u}/{unanswerable} unanswerable, "
                     f"{abstained_a}/{answerable} answerable questions")
    if not run.retrieval_only:
        marked_wrong, marked, wrong_marked, wrong = grounding_mark(run.results)
        lines.append(f"grounding mark: {marked_wrong}/{marked} answers marked \"not found in the sources\" were wrong; "
                     f"{wrong_marked}/{wrong} wrong answers were marked")
        refused = [bool(r.abstained) or r.grounded is False for r in run.results]
        unans = [flag for flag, r in zip(refused, run.results) if not r.answerable]
        ans = [flag for flag, r in zip(refused, run.results) if r.answerable]
        lines.append(f"abstained or marked \"not found in the sources\": {sum(unans)}/{len(unans)} unanswerable, "
                     f"{sum(ans)}/{len(ans)} answerable questions")
        counts = verdict_counts(run.results)
        if counts:
            lines.append("verdicts (right/given): " + ", ".join(f"{name} {right}/{total}" for name, (right, total)
                                                                in sorted(counts.items())))
    ttfts = [d["timings"]["ttft"] for d in run.details if "ttft" in d.get("timings", {})]
    if ttfts:
        import statistics

        prompt_tokens = [d["timings"]["prompt_tokens"] for d in run.details if "prompt_tokens" in d["timings"]]
        lines.append(f"reader: median time to first token {statistics.median(ttfts):.2f} s over {len(ttfts)} "
                     f"answers, median prompt {statistics.median(prompt_tokens):.0f} tokens")
    return "\n".join(lines)
