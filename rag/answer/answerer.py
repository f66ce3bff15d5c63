"""Answering a question, in steps: analyse → retrieve → judge → the table cell the question names (`rag.answer.cell`)
→ show the lead evidence (that cell's row, if any) → the cell as the answer, without the reader, when its row is the
whole subject; else focus → read (with the retry strategy of `rag.answer.looks`) → the reader's figures as the
passages write them (`rag.answer.amounts`) → settle and verify (`rag.answer.settle`) → the cell instead of a reader's
answer a row contradicts.

A question written in another script than the documents (English about a Chinese filing) is first translated by
the reader into their language (`rag.answer.translate`, cached) and both are searched.

`Answerer.ask` runs the steps in order and times them; each is a small unit of its own: the relevance check
(`rag.answer.answerability.judge`), the focused context (`rag.answer.focus`), the lead evidence and the verdict
(`rag.answer.verify`), one look by the reader (`rag.answer.reading.Reader`). The question is analysed once
(`rag.query.analysis.QueryAnalysis`, built by the retriever, which knows the index's file names) and that analysis
goes to retrieval and to the relevance check.

`load_answerer` loads everything once (model, embeddings, index; ingesting data/ first when there is no index);
`Conversation` asks through an `Answerer` with the earlier turns (`rag.answer.conversation`). Hands on an
`Answer` (`rag.answer.result`): the text, its numbered sources, citations, verdict, evidence and timings, for the
CLI (`rag.cli.output`), the web UI, the HTTP server and the evaluation.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from langchain_core.documents import Document

from rag.answer.answerability import judge
from rag.answer.conversation import Turn, standalone_question, topic_of
from rag.answer.focus import focus_passages
from rag.answer.looks import Looks
from rag.answer.reading import Reader
from rag.answer.cell import Cell, table_cell, disproved_answer, title_names
from rag.answer.compare import compare_documents
from rag.answer.points import check_points
from rag.answer.result import SNIPPET_CHARS, Answer, Source, coverage_note, to_sources  # noqa: F401 - the answer's types, here too
from rag.answer.prompts import cited_numbers
from rag.answer.settle import check, settle
from rag.answer.streaming import HeldAbstention, LoopGuard, loop_excess, repeating_tail  # noqa: F401
from rag.answer.templates import ABSTAIN_TEXT
from rag.answer.amounts import as_written, gloss_amounts
from rag.answer.translate import Translator, answer_language_hint
from rag.answer.columns import years
from rag.answer.units import Unit
from rag.answer.question_subject import subject_words
from rag.answer.verdict import CONTRADICTED
from rag.answer.verify import lead_evidence
from rag.answer.whole import (WholeDocument, common_words, document_passages, excerpt_points, outline_line,
                              overview_of, target_document, titled_parts, topic_tokens)
from rag.answer.whole import coverage as whole_coverage
from rag.config import Settings
from rag.errors import UserError
from rag.llm.background import BackgroundLoad
from rag.llm.base import LLMBackend
from rag.query.analysis import QueryAnalysis
from rag.query.languages import language_of, targets
from rag.query.scope import DOCUMENT, DOCUMENTS, FACT, asked_parts, one_document_scope
from rag.retrieve.hybrid import build_retriever
from rag.retrieve.passages import with_page_tables
from rag.retrieve.subject import title_words
from rag.text import neutralise_special_tokens, special_token_pattern, tokenize


ROW_SEARCH = 20  # table chunks of the document searched for the asked cell when the passages hold none
TITLE_PAGES = 3  # a document of more pages has a first page apart from its body (a cover, a title page)
TITLED_CHUNKS = 40  # chunks read from a section whose title names a whole-document question's topic
TRANSLATE_SHARE = 0.25  # in a folder that also holds documents in the question's own script, a language's documents
# are searched with a translated question when they are this share of the files, or when the question names them


class Answerer:
    """Everything loaded once (embeddings, index, model) to answer many questions."""

    def __init__(self, settings: Settings, retriever, backend: LLMBackend | BackgroundLoad,
                 load_timings: dict[str, float]):
        self.settings = settings
        self.retriever = retriever
        self.load_timings = load_timings
        self._translator: Translator | None = None
        self._pending = backend if isinstance(backend, BackgroundLoad) else None
        if self._pending is None:
            self._use(backend)

    @property
    def backend(self) -> LLMBackend:
        """The model; one still loading in the background (`load_answerer`) is waited for here."""
        if self._pending is not None:
            backend = self._pending.result()
            self._pending = None
            self.load_timings["model_load"] = backend.load_seconds
            self._use(backend)
        return self._backend

    def _use(self, backend: LLMBackend) -> None:
        self._backend = backend
        self.reader = Reader(backend, self.settings)
        self.looks = Looks(self.reader, second_look=self.settings.second_look)
        # document text is data: special-token strings in passages, question and history never reach the model
        self._specials = special_token_pattern(getattr(backend, "special_tokens", ()))

    def analyse(self, query: str) -> QueryAnalysis:
        """What `query` asks: by the retriever when it can (it knows the index's file names), else from the text."""
        analyse = getattr(self.retriever, "analyse", None)
        return analyse(query) if analyse is not None else QueryAnalysis(query)

    def _retrieve(self, analysis: QueryAnalysis, also: Sequence[tuple[str, set[str]]] = ()) -> list[Document]:
        """The passages for the analysed question; a retriever that analyses questions is given the analysis (and
        the question's translations, `also`)."""
        if hasattr(self.retriever, "analyse"):
            if also:
                return self.retriever.invoke(analysis.question, analysis=analysis, also=also)
            return self.retriever.invoke(analysis.question, analysis=analysis)
        return self.retriever.invoke(analysis.question)

    def _languages_of(self, passages: Sequence[Document]) -> set[str]:
        languages = getattr(self.retriever, "document_languages", None) or {}
        return {languages.get(doc.metadata.get("source"), "en") for doc in passages}

    def translations(self, analysis: QueryAnalysis) -> list[tuple[str, set[str]]]:
        """The question in the languages of the documents written in another script (`rag.answer.translate`), each
        with the files in that language (the only ones it searches); none when every document it may be about is in
        its own script, so English on English costs nothing."""
        languages = getattr(self.retriever, "document_languages", None)
        if not self.settings.translate_questions or not languages:
            return []
        named = analysis.named_files
        files: dict[str, set[str]] = {}
        for source, language in languages.items():
            if not named or source in named:
                files.setdefault(language, set()).add(source)
        asked_in = language_of(analysis.question)
        wanted = targets(asked_in, files)
        if not named and files.get(asked_in):  # a mixed folder: translate only for a large share of other documents,
            total = sum(len(sources) for sources in files.values())  # or every English question pays seconds
            wanted = [language for language in wanted if len(files[language]) >= TRANSLATE_SHARE * total]
        if not wanted:
            return []
        if self._translator is None:
            self._translator = Translator(self.backend, self.settings.cache_dir / "translations.json")
        found = [(self._translator.translate(analysis.question, language), files[language]) for language in wanted]
        return [(text, sources) for text, sources in found if text]

    def ask(self, question: str, on_token: Callable[[str], None] | None = None,
            on_notice: Callable[[str], None] | None = None, *, history: Sequence[Turn] = (),
            retrieval_query: str | None = None, should_stop: Callable[[], bool] | None = None,
            on_evidence: Callable[[Unit], None] | None = None) -> Answer:
        """Answer `question`, calling `on_token` with each piece of text as it is generated.

        `history` (earlier turns, see `rag.answer.conversation`) goes into the prompt, oldest dropped first to fit;
        `retrieval_query` replaces the question for the search; `should_stop` is checked after each piece
        and, once true, ends generation early (the answer so far is kept and `stopped` is set); `on_evidence` is
        called with the sentence or table row most like the question before the reader starts (evidence first).
        """
        asked = question.strip()  # as the person wrote it
        if not asked:
            raise UserError("empty question", exit_code=2)
        started = time.perf_counter()
        analysis = self.analyse(retrieval_query or asked)  # once: for retrieval and the relevance check
        if analysis.scope == DOCUMENTS and not history:
            compared = compare_documents(self, asked, analysis, on_token, on_notice, should_stop, started)
            if compared is not None:
                return compared
            analysis = analysis.rescoped(one_document_scope(analysis.question))  # it compares years of one
        return self.answer(asked, analysis, on_token, on_notice, history, should_stop, on_evidence, started)

    def answer(self, asked: str, analysis: QueryAnalysis, on_token=None, on_notice=None, history: Sequence[Turn] = (),
               should_stop=None, on_evidence=None, started: float | None = None) -> Answer:
        """The steps of `ask` for an analysed question (a comparison asks each document through here)."""
        started = time.perf_counter() if started is None else started
        also = self.translations(analysis)  # the question in the documents' language, when theirs differs
        translation_seconds = time.perf_counter() - started
        docs = self._retrieve(analysis, also)
        retrieval_seconds = time.perf_counter() - started
        whole = self._whole_document(analysis, docs) if analysis.scope == DOCUMENT else None
        verdict = judge(analysis, docs, self.settings.score_threshold, self.settings.max_missing_terms,
                        [text for text, _files in also])
        if whole is not None and (verdict.passages or not whole.topic):  # a summary needs no passage near it
            verdict = replace(verdict, passages=whole.passages)
        displayed = [Document(neutralise_special_tokens(d.page_content), metadata=d.metadata)
                     for d in verdict.passages]
        use_cells = whole is None and bool(displayed) and self.settings.table_cells
        tabled = self._with_page_tables(displayed) if use_cells else displayed
        names = self._title_names(analysis.question, tabled) if use_cells else set()
        cell = table_cell(analysis.question, to_sources(tabled), names) if use_cells else None
        if use_cells and cell is None:
            tabled, cell = self._cell_beyond(analysis.question, tabled, names)
        # the evidence first (the row of the cell the question names, if any): shown while a model still loading in
        # the background finishes
        lead, lead_seconds = self._show_lead(displayed, asked, on_evidence, started, cell.row if cell else None)
        result = Answer(question=asked, lead=lead)
        result.timings.update(self.load_timings)
        result.timings["retrieval"] = retrieval_seconds
        result.scope = analysis.scope
        if also:
            result.timings["translation"] = translation_seconds
            result.translations = [text for text, _files in also]
        if cell is not None and not cell.given and (cell.exact or cell.strong):  # the row and column named print
            return self._abstain(result, cell.not_given(), on_token, started)  # ":" or "(X)": no figure is given
        if cell is not None and not cell.given:
            cell = None
        if cell is not None and cell.exact:  # the question names one table row and its column: no reader needed
            result.timings["first_evidence"] = lead_seconds
            return self._from_table(result, cell, tabled, asked, on_token, started)
        backend = self.backend  # a model loading in the background meanwhile is ready from here on
        result.model, result.backend = backend.model_path.name, backend.name
        result.timings.update(self.load_timings)  # with the model's load, now known
        if not verdict.passages:
            return self._abstain(result, verdict.reason, on_token, started)
        result.timings["first_evidence"] = lead_seconds
        relevant, question, history = self._as_data(verdict.passages, asked, history)
        hint = answer_language_hint(asked, self._languages_of(relevant))
        if hint:
            question = f"{question}\n{hint}"
        if whole is not None:
            focused = relevant  # excerpts already chosen within their budget, from every section
        else:
            focus_tokens = analysis.focus_tokens.union(*(tokenize(text) for text, _files in also))
            focused = focus_passages(relevant, focus_tokens, self.settings.context_chars)
        if hint and language_of(asked) == "en":  # English about Chinese/Japanese documents: 亿 is no "million"
            focused = [Document(gloss_amounts(d.page_content), metadata=d.metadata) for d in focused]
        if whole is not None:  # one list answer from the excerpts; the echo and no-answer retries are for facts
            held = HeldAbstention(on_token, asked)
            self.reader.read(result, focused, relevant, question, history, held, on_notice, should_stop, points=True)
        else:
            held = self.looks.run(result, focused, relevant, question, asked, history, on_token, on_notice,
                                  should_stop, started, lead)
        self._as_written(result, relevant, on_notice)
        # a list answer is checked point by point below: one unfound figure does not withdraw the other points
        shown = on_token if whole is None or on_token is None else \
            (lambda text: None if result.abstained else on_token(text))  # an echo is dropped; the excerpts follow
        settle(result, held, asked, self.reader.cut_short(), shown, on_notice,
               self.settings.withdraw_unfound and whole is None)
        if cell is not None and not result.stopped and disproved_answer(result, cell):
            self._table_instead(result, cell, tabled, asked, on_token, on_notice)
        if whole is not None and result.abstained and result.sources:  # the reader only echoed the question:
            result.abstained, result.abstain_reason, result.answer = False, "", ""  # the excerpts still answer
        if result.scope != FACT and result.sources and not result.abstained:
            result.points = check_points(result.answer, relevant)
            if whole is not None:  # the excerpts themselves, after the reader's summary of them, then the rows it
                result.verdict = None  # had no room for, and the outline; one verdict cannot speak for a summary:
                shown_passages = relevant[:len(result.sources)] + whole.more  # each point is checked instead
                result.sources += [replace(s, number=s.number + len(result.sources)) for s in to_sources(whole.more)]
                listed = ("\n\n" if result.answer else "") + excerpt_points(shown_passages)
                listed += "\n\n" + outline_line(whole.overview)
                result.answer += listed
                if on_token:
                    on_token(listed)
            result.coverage = (whole_coverage(whole.source, whole.drawn, whole.sections,
                                              [s.page for s in result.sources])
                               if whole is not None else coverage_note(result.sources, result.scope))
        self.reader.record_generation(result)
        result.timings["total"] = time.perf_counter() - started
        return result

    @staticmethod
    def _as_written(result: Answer, relevant: list[Document], on_notice: Callable[[str], None] | None) -> None:
        """The reader's figures as the passages write them (`rag.answer.amounts`), said in a note when that changes
        what was streamed."""
        written = as_written(result.answer, [d.page_content for d in relevant])
        if written != result.answer and not result.stopped:
            result.answer = written
            if on_notice:
                on_notice(f"note: figures as the document writes them: {written}")

    def _whole_document(self, analysis: QueryAnalysis, retrieved: list[Document]) -> "WholeDocument | None":
        """Excerpts from every section of the document a whole-document question is about (`rag.answer.whole`);
        None when the index keeps no overview of it."""
        index = getattr(self.retriever, "index", None)
        if index is None:
            return None
        source = target_document(analysis, retrieved, sorted(index.manifest.files), index.chunks)
        overview = overview_of(index, source) if source else None
        if not overview or not overview.get("sections"):
            return None
        common, title = common_words(index, source), title_words(index, source)
        topic = topic_tokens(analysis, source, common, title)
        candidates, titled, part, asked = list(retrieved), [], [], [analysis]
        if topic and len(asked_parts(analysis.question)) > 1:  # "How many people …, in which areas …, and how much
            asked = [analysis.asking(text, {source}) for text in asked_parts(analysis.question)]  # …?": each part
            for question in asked:  # searched on its own too
                candidates += self.retriever.invoke(question.question, analysis=question)
        topics = [topic_tokens(question, source, common, title) for question in asked]
        if topic:  # "list all …": the chunks of every section that hold its words, not only the top five pages;
            own = [doc for doc in index.chunks if doc.metadata.get("source") == source]
            for question, words in zip(asked, topics):
                if words:
                    candidates += self.retriever.chunks_with(" ".join(sorted(words)), source)
            # the parts named so: all their rows and headlines, and the sentences of an even sample
            for named, chunks in titled_parts(overview, own, [(words, topic_tokens(question, source))
                                                              for question, words in zip(asked, topics) if words]):
                titled.append(named)
                part += chunks
                candidates += chunks[::max(1, len(chunks) // TITLED_CHUNKS)][:TITLED_CHUNKS]
        search = getattr(self.retriever, "search", None)
        passages, drawn, sections, more = document_passages(
            overview, source, analysis, candidates, self.retriever.embeddings.encode, topic,
            file_counts=getattr(search, "file_counts", None), files=len(index.manifest.files),
            titled=titled, section_chunks=part, parts=[(q.question, words) for q, words in zip(asked, topics)])
        return WholeDocument(source, passages, drawn, sections, bool(topic), overview, more) if passages else None

    def _cell_beyond(self, question: str, tabled: list[Document], names: set[str]
                     ) -> tuple[list[Document], Cell | None]:
        """The cell the question names in a table of the first passage's document that retrieval did not bring
        (a five-year summary's 2020 column when the statements found show 2022 and 2021), found by the question's
        words among its table chunks; the chunk holding it is added to the passages."""
        search = getattr(self.retriever, "chunks_with", None)
        if search is None or not tabled:
            return tabled, None
        held = {doc.page_content for doc in tabled}
        source = tabled[0].metadata.get("source")
        asked = " ".join([*sorted(subject_words(question, source) - names), *map(str, sorted(years(question)))])
        found = search(asked, source, ROW_SEARCH) if asked else []  # the row's words, not the company's,
        found += search(question, source, ROW_SEARCH)  # and the question as asked
        extra = []
        for chunk in found:
            if "table" in chunk.metadata and chunk.page_content not in held:
                held.add(chunk.page_content)
                extra.append(Document(neutralise_special_tokens(chunk.page_content), metadata=chunk.metadata))
        cell = table_cell(question, to_sources(tabled + extra), names) if extra else None
        if cell is None or cell.row.source <= len(tabled):
            return tabled, cell
        more = tabled + [extra[cell.row.source - len(tabled) - 1]]
        return more, table_cell(question, to_sources(more), names)

    def _title_names(self, question: str, passages: list[Document]) -> set[str]:
        """The question's names of the document its first passage is from (`rag.answer.cell.title_names`), when
        the document has a first page apart from its body (more than TITLE_PAGES pages)."""
        index = getattr(self.retriever, "index", None)
        if index is None or not passages:
            return set()
        from rag.index.base import derived

        source = passages[0].metadata.get("source")
        pages = derived(index, ("pages", source), lambda: max(
            (doc.metadata.get("page") or 1 for doc in index.chunks if doc.metadata.get("source") == source), default=1))
        return title_names(question, title_words(index, source)) if pages > TITLE_PAGES else set()

    def _with_page_tables(self, passages: list[Document]) -> list[Document]:
        """The passages with the other table rows of their pages (`rag.retrieve.passages.with_page_tables`)."""
        index = getattr(self.retriever, "index", None)
        if index is None:
            return passages
        tabled = [with_page_tables(index, passage) for passage in passages]
        return [new if new is old else Document(neutralise_special_tokens(new.page_content), metadata=new.metadata)
                for new, old in zip(tabled, passages)]

    def _from_table(self, result: Answer, cell: Cell, relevant: list[Document], asked: str,
                    on_token: Callable[[str], None] | None, started: float) -> Answer:
        """The answer read from the table cell the question names (`rag.answer.cell`), checked like any answer."""
        result.backend = "table"
        result.sources = to_sources(relevant)
        result.answer = cell.answer()
        if on_token:
            on_token(result.answer)
        result.cited = cited_numbers(result.answer, len(result.sources))
        check(result, asked)
        result.timings["total"] = time.perf_counter() - started
        return result

    def _table_instead(self, result: Answer, cell: Cell, relevant: list[Document], asked: str,
                       on_token: Callable[[str], None] | None, on_notice: Callable[[str], None] | None) -> None:
        """Replace a reader's answer a row contradicts (or an invented one) by the table cell the question names."""
        why = result.abstain_reason if result.abstained else result.verdict.reason if result.verdict else \
            "no figure is given"
        contradicted = result.verdict is not None and result.verdict.verdict == CONTRADICTED
        if on_notice:
            on_notice(f"note: the model's answer is {'contradicted' if contradicted else 'not verified'} ({why}); "
                      "the table row answers instead")
        result.abstained, result.abstain_reason = False, ""
        result.sources = to_sources(relevant)
        result.answer = cell.answer()
        if on_token:
            on_token("\n\n" + result.answer)
        result.cited = cited_numbers(result.answer, len(result.sources))
        check(result, asked)

    def _abstain(self, result: Answer, reason: str, on_token: Callable[[str], None] | None,
                 started: float) -> Answer:
        """No passage can answer: say why, without asking the model."""
        result.abstained, result.abstain_reason = True, reason
        result.answer = f"{ABSTAIN_TEXT[:-1]}: {reason}." if reason else ABSTAIN_TEXT
        if on_token:
            on_token(result.answer)
        result.timings["total"] = time.perf_counter() - started
        return result

    def _as_data(self, passages: list[Document], question: str, history: Sequence[Turn]
                 ) -> tuple[list[Document], str, list[Turn]]:
        """Passages, question and history with special-token strings neutralised, for the prompt."""
        def safe(text: str) -> str:
            return neutralise_special_tokens(text, pattern=self._specials)

        return ([Document(safe(d.page_content), metadata=d.metadata) for d in passages], safe(question),
                [replace(t, question=safe(t.question), answer=safe(t.answer)) for t in history])

    @staticmethod
    def _show_lead(shown: list[Document], asked: str, on_evidence: Callable[[Unit], None] | None,
                   started: float, row: Unit | None = None) -> tuple[Unit | None, float]:
        """`row`, else the sentence or row most like the question among the relevant passages (special-token
        strings already neutralised for display), shown before the model is needed, and when it was ready."""
        lead = row or (lead_evidence(to_sources(shown), asked) if shown else None)
        if on_evidence and lead is not None:
            on_evidence(lead)
        return lead, time.perf_counter() - started


@dataclass
class Conversation:
    """The turns of one chat, asked through an `Answerer` with the history and the standalone question."""

    turns: list[Turn] = field(default_factory=list)

    def ask(self, answerer: Answerer, question: str, **kwargs) -> Answer:
        """Answer `question` in the light of the earlier turns, then remember it as a turn.

        Keyword arguments (on_token, on_notice, should_stop) are passed to `Answerer.ask`.
        """
        question = question.strip()
        answer = answerer.ask(question, history=self.turns, retrieval_query=standalone_question(self.turns, question),
                              **kwargs)
        self.turns.append(Turn(question, answer.answer, topic_of(self.turns, question)))
        return answer

    def clear(self) -> None:
        self.turns.clear()


def load_answerer(settings: Settings, announce: Callable[[str], None] = print,
                  backend: BackgroundLoad | None = None) -> Answerer:
    """Load the model, the embeddings and the index (built from data/ first if there is none).

    Cheap checks come first, so a missing index or model file fails before anything slow is loaded. The model
    loads in a background thread meanwhile (`backend`, when the caller started it earlier still);
    `Answerer.backend` waits for it (and raises its error, if any).
    """
    from rag.index.live import has_index, index_label

    if not _has_pdfs(settings) and not has_index(settings):
        if backend is not None:
            backend.wait()
        raise UserError(f"no index in {index_label(settings)} and no PDFs in {settings.data_dir}: "
                        f"put your PDFs in {settings.data_dir} and run `python -m rag.ingest`")
    timings: dict[str, float] = {}
    backend = backend or BackgroundLoad(settings, announce)
    try:
        retriever = _load_retriever(settings, timings, announce, before_ingest=backend.raise_if_failed)
        backend.raise_if_failed()
    except BaseException:
        backend.wait()  # never leave the process with a model half-loaded in another thread
        raise
    return Answerer(settings, retriever, backend, timings)


def _load_retriever(settings: Settings, timings: dict[str, float], announce: Callable[[str], None],
                    before_ingest: Callable[[], None]):
    from rag.index.embeddings import LocalEmbeddings, embedding_model_name
    from rag.index.live import check_compatible, index_label, load_live

    t0 = time.perf_counter()
    embeddings = LocalEmbeddings(settings)
    timings["embeddings_load"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = load_live(settings)
    if index is None:
        before_ingest()
        index = _ingest_first(settings, embeddings, announce)
    check_compatible(index.manifest, settings, embedding_model_name(settings))
    if index.manifest.chunking.context != settings.chunk_context:
        announce(f"note: {index_label(settings)} was embedded with chunk context {index.manifest.chunking.context!r}, "
                 f"the settings say {settings.chunk_context!r}; run `python -m rag.ingest` to re-index "
                 "(retrieval is better with it)")
    if not index.chunks:
        raise UserError(f"{index_label(settings)}: the index holds no text; add documents with text (PDFs with a text layer, or any type of `rag.ingest.formats`) to "
                        f"{settings.data_dir} and run `python -m rag.ingest`")
    retriever = build_retriever(settings, index, embeddings)
    timings["index_load"] = time.perf_counter() - t0
    return retriever


def _has_pdfs(settings: Settings) -> bool:
    folder = settings.data_dir
    from rag.ingest.detect import SUFFIXES  # every type the ingest reads, not PDFs alone

    return folder.is_dir() and any(p.suffix.lower() in SUFFIXES and p.is_file() for p in folder.rglob("*"))


def _ingest_first(settings: Settings, embeddings, announce: Callable[[str], None]):
    from rag.index.live import load_live
    from rag.ingest.pipeline import format_summary, ingest

    announce(f"No index yet: ingesting {settings.data_dir} first (python -m rag.ingest) ...")
    summary = ingest(settings, embeddings=embeddings)
    announce(format_summary(summary))
    index = load_live(settings)
    if index is None:
        raise UserError(f"ingesting {settings.data_dir} produced no index; see the messages above")
    return index
