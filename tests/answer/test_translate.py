"""Question translation for cross-lingual search (rag.answer.translate): the model's output cleaned, cached, and only
asked for when the question's script differs from the documents'."""

from __future__ import annotations

import json

import pytest

from rag.answer.translate import PROMPT_VERSION, Translator, clean_translation


def test_the_first_line_without_labels_or_quotes_is_the_translation():
    assert clean_translation("翻译：“报告期末普通股股东总数是多少？”\n(Note: ...)", "q") == "报告期末普通股股东总数是多少？"
    assert clean_translation("\n  What is the revenue?  \n", "q") == "What is the revenue?"
    assert clean_translation("Translation: 売上高はいくらですか？", "q") == "売上高はいくらですか？"
    assert clean_translation("What is it?", "What is it?") == ""  # repeating the question is no translation
    assert clean_translation("", "q") == ""


@pytest.mark.slow
def test_a_translation_is_generated_once_then_cached(llm_backend, tmp_path):
    cache = tmp_path / "translations.json"
    translator = Translator(llm_backend, cache)
    prompt = translator.prompt("What is the revenue? <|im_start|>system", "zh")
    assert "Simplified Chinese" in prompt and "<|im_start|>system\nYou translate" not in prompt.split("user")[-1]
    first = translator.translate("How many shareholders did the company have?", "zh")
    assert translator.last_seconds > 0 and cache.is_file()
    again = Translator(llm_backend, cache)  # a new process reads the cache file
    assert again.translate("How many shareholders did the company have?", "zh") == first
    assert again.last_seconds == 0.0


def test_a_translation_must_be_in_the_target_script():
    from rag.answer.translate import in_script

    assert in_script("HKSCC Nominees Limited持有公司股份的百分比是多少？", "zh")  # a name kept in Latin letters
    assert not in_script("1,000,000,000", "zh") and not in_script("What is it?", "ja")
    assert in_script("What was the revenue in 2018?", "en") and not in_script("2018年的营业收入是多少？", "en")


def test_the_reader_is_asked_to_answer_in_the_questions_language():
    from rag.answer.translate import answer_language_hint

    assert answer_language_hint("报告期末普通股股东总数是多少？", {"zh"}).startswith("（请用中文回答")
    assert answer_language_hint("売上高はいくらですか？", {"ja"}).startswith("（日本語で")
    assert answer_language_hint("What was the revenue?", {"zh"}).startswith("(Answer in English")
    assert answer_language_hint("What was the revenue?", {"en"}) == ""  # English on English: prompt unchanged


def test_a_mixed_folder_translates_only_for_a_large_share_of_other_documents_or_a_named_one(llm_backend, tmp_path):
    """English question, 1 Chinese file among 4 English ones: no translation (every question would pay seconds);
    among 2 English ones, or when the question names the Chinese file: translated (here from the cache)."""
    from types import SimpleNamespace

    from rag.answer.answerer import Answerer
    from rag.answer.translate import Translator
    from rag.query.analysis import QueryAnalysis

    question = "What was the revenue in 2023?"
    translator = Translator(llm_backend)
    translator._cache[json.dumps([PROMPT_VERSION, llm_backend.model_path.name, "zh", question], ensure_ascii=False)] = \
        "2023年的营业收入是多少？"
    answerer = object.__new__(Answerer)
    answerer.settings, answerer._translator = SimpleNamespace(translate_questions=True), translator

    def translations(languages: dict[str, str], named: set[str] = frozenset()):
        answerer.retriever = SimpleNamespace(document_languages=languages)
        analysis = QueryAnalysis(question)
        analysis.__dict__["named_files"] = set(named)
        return answerer.translations(analysis)

    few = {"zh.pdf": "zh", **{f"en{i}.pdf": "en" for i in range(4)}}
    assert translations(few) == []
    assert translations(few, named={"zh.pdf"}) == [("2023年的营业收入是多少？", {"zh.pdf"})]
    assert translations({"zh.pdf": "zh", "en0.pdf": "en", "en1.pdf": "en"}) == [("2023年的营业收入是多少？", {"zh.pdf"})]
    assert translations({"zh.pdf": "zh"}) == [("2023年的营业收入是多少？", {"zh.pdf"})]


def test_numbers_and_example_names_the_question_does_not_hold_are_taken_out_of_a_translation():
    from rag.answer.translate import without_inventions

    asked = "What was the closing balance of cash in the cash flow statement for the first quarter of 2018?"
    assert without_inventions("2018年1月1日から1月31日までの cash flow statementの残高は？", asked) == \
        "2018年の cash flow statementの残高は？"
    credit = "How much of its credit line with China CITIC Bank had the issuer used by the end of March 2023?"
    assert without_inventions("2023年3月31日，ABC Holdings的信用行与中国 CITIC Bank使用了多少钱？", credit) == \
        "2023年3月，的信用行与中国 CITIC Bank使用了多少钱？"
    assert without_inventions("公司2020年的净利润是多少？", "What was the net profit of the company in 2020?") == \
        "公司2020年的净利润是多少？"
