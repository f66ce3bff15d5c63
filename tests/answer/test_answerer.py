"""Answering with the real small model: cited pages, abstention, fitting the window."""

from __future__ import annotations

import pytest

from rag.errors import UserError
from rag.eval.metrics import is_abstention
from rag.ingest.pipeline import ingest
from rag.answer.templates import fit_context, prompt_template
from rag.answer.answerer import ABSTAIN_TEXT

from conftest import build_answerer

KITES = [
    "Annual report of the Zephyr Kite Company for 2023. This cover page lists no figures at all.",
    "Staff. The Zephyr Kite Company employs 1,234 people in its workshop in Lisbon, where every kite is sewn by hand.",
    "Revenue for the year was 98 million euros, mostly from sales of the storm-proof Falcon kite.",
]


@pytest.fixture
def kite_answerer(settings, make_pdf, embeddings, llm_backend):
    make_pdf("kites.pdf", KITES)
    ingest(settings, progress=False, embeddings=embeddings)
    return build_answerer(settings, embeddings, llm_backend)


def test_answer_cites_the_page_and_states_the_fact(kite_answerer):
    tokens = []
    answer = kite_answerer.ask("How many people does the Zephyr Kite Company employ?", on_token=tokens.append)
    assert not answer.abstained
    assert "1,234" in answer.answer or "1234" in answer.answer
    assert answer.sources[0].file == "kites.pdf" and answer.sources[0].page == 2
    assert len(tokens) > 1 and "".join(tokens).strip() == answer.answer
    timings = answer.timings
    assert timings["prompt_tokens"] > 20 and timings["generated_tokens"] >= 2
    assert 0 < timings["ttft"] <= timings["total"]


def test_unrelated_question_abstains_without_the_model(kite_answerer):
    answer = kite_answerer.ask("What is the boiling point of mercury in Kelvin?")
    assert answer.abstained and answer.answer.startswith(ABSTAIN_TEXT[:-1])
    assert answer.abstain_reason and answer.abstain_reason in answer.answer
    assert answer.sources == [] and "ttft" not in answer.timings
    assert is_abstention(answer.answer)


def test_empty_question_is_a_usage_error(kite_answerer):
    with pytest.raises(UserError) as info:
        kite_answerer.ask("   ")
    assert info.value.exit_code == 2


def test_long_context_drops_lowest_ranked_chunks(settings, make_pdf, embeddings, llm_backend):
    pages = [f"Chapter {i}. " + f"The lighthouse keeper number {i} logged storms and ships. " * 9 for i in range(8)]
    make_pdf("log.pdf", pages)
    small = settings.model_copy(update={"k": 6, "context_length": 400, "max_new_tokens": 64, "context_chars": 0})
    ingest(small, progress=False, embeddings=embeddings)
    answerer = build_answerer(small, embeddings, llm_backend)
    answerer.backend.context_length, saved = 400, answerer.backend.context_length
    try:
        notices = []
        answer = answerer.ask("What did the lighthouse keeper log?", on_notice=notices.append)
    finally:
        answerer.backend.context_length = saved
    assert answer.dropped_chunks > 0 and notices and "left out" in notices[0]
    assert len(answer.sources) + answer.dropped_chunks == 6
    assert answer.timings["prompt_tokens"] <= 400 - 64


def test_fit_context_keeps_order_and_refuses_an_oversized_question(llm_backend):
    from langchain_core.documents import Document

    template = prompt_template("chatml")
    docs = [Document(page_content=f"chunk {i} " + "word " * 80) for i in range(5)]
    kept, dropped, tokens = fit_context(docs, "q?", template, llm_backend.count_tokens, 300, 50)
    assert kept == docs[: len(kept)] and dropped == docs[len(kept):] and 0 < len(kept) < 5 and tokens <= 250
    with pytest.raises(UserError, match="window"):
        fit_context(docs, "why " * 400, template, llm_backend.count_tokens, 300, 50)


@pytest.mark.shared
def test_adidas_question_on_the_20f(manu_index, embeddings, llm_backend):
    answer = build_answerer(manu_index, embeddings, llm_backend).ask(
        "How much is the minimum guarantee payable by adidas?")
    assert "750" in answer.answer
    assert {53, 54} & {source.page for source in answer.sources}


def test_a_generation_loop_is_detected_at_its_second_copy_or_a_short_one_at_its_third():
    from rag.answer.answerer import loop_excess

    start = "The guarantee is £750 million. Payments increase if the team wins the Premier League"
    loop = ", or FA Cup, or Champions League"
    assert loop_excess([start, loop]) == 0
    assert loop_excess([start, loop, loop]) == len(loop)
    assert loop_excess(list(start + loop * 2)) == len(loop)  # piece by piece, as tokens arrive
    assert loop_excess(["1,000 1,000"]) == 0 and loop_excess(["1,000 1,000 1,000"]) == 0  # short repeats are text
    assert loop_excess(["Total: £42.1m. Total: £42.1m. Total: £42.1m. "]) == 2 * len("Total: £42.1m. ")
    assert loop_excess(["Revenue was £583.2 million in 2022 and £494.1 million in 2021."]) == 0


def test_the_answer_is_checked_against_its_passages(kite_answerer):
    answer = kite_answerer.ask("How many people does the Zephyr Kite Company employ?")
    assert answer.grounding is not None
    data = answer.to_dict()
    assert data["grounded"] is answer.grounding.grounded and "evidence" in data["grounding"]
    if "1,234" in answer.answer:  # the figure it states is on page 2, and the evidence says so
        assert answer.grounding.grounded is True
        assert answer.grounding.evidence[0].page == 2 and "1,234" in answer.grounding.evidence[0].sentence
        page_2 = [source.number for source in answer.sources if source.page == 2]
        assert answer.supported_by[:1] == page_2 and data["supported_by"] == answer.supported_by
        assert answer.points_to == (answer.cited or page_2)  # its own [n] first, else where the evidence is


def test_the_question_is_analysed_once_for_retrieval_and_the_relevance_check(monkeypatch):
    """One `QueryAnalysis` per question: the retriever builds it (it knows the file names), the answerer hands that
    same object to the search and to the relevance check."""
    from pathlib import Path
    from types import SimpleNamespace

    import rag.answer.answerer as answerer_module
    from rag.answer.answerer import Answerer
    from rag.config import Settings
    from rag.query.analysis import QueryAnalysis

    built, searched, judged = [], [], []

    class Retriever:
        def analyse(self, query):
            built.append(QueryAnalysis(query))
            return built[-1]

        def invoke(self, query, analysis=None):
            searched.append(analysis)
            return []

    real_judge = answerer_module.judge
    monkeypatch.setattr(answerer_module, "judge", lambda asked, *args: judged.append(asked) or real_judge(asked, *args))
    backend = SimpleNamespace(name="stub", model_path=Path("stub"), stop=[], chat_format="chatml", chat_template=None,
                              special_tokens=())
    answer = Answerer(Settings(), Retriever(), backend, {}).ask("How many kites were sold in 2023?")
    assert answer.abstained  # nothing retrieved: the model is never asked
    assert len(built) == 1 and searched == built and judged == built
