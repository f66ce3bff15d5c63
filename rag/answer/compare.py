"""A question comparing documents ("How do the 2021 and 2022 filings differ on debt?"), answered per document.

Top-k retrieval over all files gives a comparison whatever pages score best, often all from one file. Here the same
question is asked of each document on its own (`compare_documents`), through the usual steps (retrieval restricted to
that file, relevance check, reader, verdict), and the answers are set side by side, each with its sources and
verdict. Each document is one reader call, so progress is announced and a stop request ends the job between them.

The documents are those the question names, else the files of the best passages of an ordinary search (at most
`MAX_DOCUMENTS`). With fewer than two, the question is answered as usual.
"""

from __future__ import annotations

import re
import time

from rag.answer.columns import years
from rag.answer.result import Answer
from rag.query.analysis import QueryAnalysis
from rag.query.scope import DOCUMENTS

MAX_DOCUMENTS = 4
_CITATION = re.compile(r"\[(\d+)\]")


def compared_files(answerer, analysis: QueryAnalysis) -> list[str]:
    """The documents a comparison is about: the ones it names; none when it names fewer than two and compares years
    (one document's); in a folder of two or three files, all of them; else the ones it names and then the files of
    the best passages of a search over every file."""
    named = sorted(analysis.named_files)
    if len(named) >= 2:
        return named[:MAX_DOCUMENTS]
    if len(years(analysis.question)) >= 2:  # "How did revenue in 2022 compare with 2021?": years of one document
        return []
    index = getattr(answerer.retriever, "index", None)
    files = sorted(index.manifest.files) if index is not None else []
    if 2 <= len(files) <= 3:
        return files
    found = list(named)
    if hasattr(answerer.retriever, "analyse"):  # one named file must not narrow the search to itself
        for doc in answerer.retriever.invoke(analysis.question, analysis=analysis.restricted_to(set(), DOCUMENTS)):
            if doc.metadata.get("source") not in found:
                found.append(doc.metadata.get("source"))
    return found[:MAX_DOCUMENTS] if len(found) >= 2 else []


_JOIN = r"(?:and|or|vs\.?|versus|&)"


def own_question(asked: str, others: set[str]) -> str:
    """`asked` for one document of a comparison: without the words naming the others and the "and" that joined
    them ("Compare the segments of American Express and PepsiCo." asks the PepsiCo filing "Compare the segments of
    PepsiCo."), so that a small reader does not give one company's facts to the other."""
    text = asked
    for word in sorted(others, key=len, reverse=True):
        # the name, its "'s" and what it says in brackets: "Amazon (2017 10-K)"
        name = rf"\b{re.escape(word)}(?:['’]s)?(?!\w)(?:\s*\([^()]*\))?"
        for form in (rf"\s*\b{_JOIN}\s+{name}", rf"{name}\s+{_JOIN}\b\s*", name):
            text, found = re.subn(form, " ", text, flags=re.IGNORECASE)
            if found:
                break
    text = re.sub(r"\s+([,.?!])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()
    return text if len(text.split()) >= 3 else asked


def _renumbered(text: str, offset: int) -> str:
    return _CITATION.sub(lambda m: f"[{int(m.group(1)) + offset}]", text)


def compare_documents(answerer, asked: str, analysis: QueryAnalysis, on_token, on_notice, should_stop,
                      started: float) -> Answer | None:
    """Each document's answer to `asked`, side by side; None when the question compares fewer than two."""
    files = compared_files(answerer, analysis)
    if len(files) < 2:
        return None
    result = Answer(question=asked, scope="documents")
    for number, source in enumerate(files, start=1):
        if should_stop and should_stop():
            result.stopped = True
            break
        if on_notice:
            on_notice(f"Comparing {len(files)} documents: reading {source} ({number} of {len(files)}) …")
        named = analysis.names_only_in(set(files) - {source}, source)
        others = (analysis.words_naming(set(files) - {source}) - analysis.words_naming({source})) | named
        own = own_question(asked, others)
        removed = set(re.findall(r"[\w-]+", asked)) - set(re.findall(r"[\w-]+", own))  # "Adobe", its "(2015 10-K)"
        part = answerer.answer(own, analysis.restricted_to({source}, scope="document", others=named | removed),
                               should_stop=should_stop)
        offset = len(result.sources)
        for item in part.sources:
            item.number += offset
        result.sources += part.sources
        result.cited += [n + offset for n in part.cited]
        text = f"{source}: {_renumbered(part.answer, offset)}"
        result.answer = f"{result.answer}\n\n{text}" if result.answer else text
        if on_token:
            on_token(("\n\n" if number > 1 else "") + text)
        result.parts.append({"file": source, "answer": part.answer, "abstained": part.abstained,
                             "verdict": part.verdict.to_dict() if part.verdict else None,
                             "sources": [item.number for item in part.sources]})
        result.model, result.backend = part.model, part.backend
        for key, value in part.timings.items():
            if key in ("retrieval", "time_to_first_token", "prompt_processing"):
                result.timings.setdefault(key, value)
    answered = [part["file"] for part in result.parts if not part["abstained"]]
    result.abstained = not answered
    result.coverage = (f"This question compares documents: each of {', '.join(files)} was asked on its own "
                       f"and the answers are set side by side ({len(answered)} of {len(files)} answered).")
    result.timings["total"] = time.perf_counter() - started
    return result
