"""Which language a question or document is in (by script), and which languages a question is translated into."""

from __future__ import annotations

from rag.query.languages import document_languages, language_of, targets


def test_language_by_script():
    assert language_of("What was the operating revenue in 2018?") == "en"
    assert language_of("报告期末普通股股东总数是多少？") == "zh"
    assert language_of("发行人2021年的主体信用评级是什么？AA+") == "zh"  # a Latin code inside stays Chinese
    assert language_of("みなと精機の代表取締役社長は誰ですか？") == "ja"
    assert language_of("第３四半期連結累計期間の売上高はいくらですか？") == "ja"
    assert language_of("") == "en"


def test_documents_languages_from_their_chunks():
    found = document_languages({"zh.pdf": ["东北电气发展股份有限公司 2018 年第一季度报告全文"],
                                "ja.pdf": ["当社は東京都港区に本社を置き、精密機械の製造と販売を行っています。"],
                                "en.pdf": ["Annual report 2022", "Revenue grew by 12%."]})
    assert found == {"zh.pdf": "zh", "ja.pdf": "ja", "en.pdf": "en"}


def test_only_questions_in_another_script_than_some_documents_are_translated():
    assert targets("en", ["en"]) == []  # English on English costs nothing
    assert targets("en", ["en", "zh"]) == ["zh"]
    assert targets("en", ["zh", "ja"]) == ["ja", "zh"]
    assert targets("zh", ["zh", "ja"]) == []  # shared Han characters: the keyword index matches them
    assert targets("ja", ["en", "ja"]) == ["en"]
