"""Chinese and Japanese amounts for an English answer: glossed for the reader, restored as written in its answer."""

import pytest

from rag.answer.amounts import as_written, gloss_amounts, join_split_figures, restore_amounts, written_amounts


@pytest.mark.parametrize("text, glossed", [
    ("授信总额372.53亿元，已使用252.06亿元", "授信总额37.253 billion yuan (372.53亿元)，已使用25.206 billion yuan (252.06亿元)"),
    ("売上高は１８，４２０百万円（前年", "売上高は18.42 billion yen (１８，４２０百万円)（前年"),  # full-width digits
    ("特別損失2億1千万円を計上", "特別損失210 million yen (2億1千万円)を計上"),
    ("Revenue: 302,600.00 万元", "Revenue: 3.026 billion yuan (302,600.00 万元)"),
    ("4,755,785.11元", "4,755,785.11元"),  # no scale: nothing to say
    ("费用２, １０百万円", "费用２, １０百万円"),  # a figure broken by a line end is not glossed in part
    ("37.253 billion yuan (372.53亿元)", "37.253 billion yuan (372.53亿元)"),  # glossed once
])
def test_chinese_and_japanese_amounts_are_glossed_in_english_for_an_english_answer(text, glossed):
    assert gloss_amounts(text) == glossed


PASSAGES = ["截至 2023 年 3 月末，发行人各类授信额度总额达 372.53 亿元，其中已使用额度 252.06 亿元",
            "売上高は１８，４２０百万円（前年同期比８．５％増）、特別損失2億1千万円を計上"]


def test_the_amounts_a_document_writes_are_known_by_value():
    assert written_amounts(PASSAGES) == {37253000000.0: "372.53 亿元", 25206000000.0: "252.06 亿元",
                                         18420000000.0: "18,420百万円", 210000000.0: "2億1千万円"}


@pytest.mark.parametrize("answer, restored", [
    ("It was 37.253 billion yuan (372,53 亿元).", "It was 37.253 billion yuan (372.53 亿元)."),  # a mangled copy
    ("It had used 25.206 billion yuan (252.06 billion yuan).", "It had used 25.206 billion yuan (252.06 亿元)."),
    ("Sales were 18.42 billion yen（18, 420百万円）.", "Sales were 18.42 billion yen (18,420百万円)."),
    ("The loss was 210 million yen (2億1千万円).", "The loss was 210 million yen (2億1千万円)."),
    ("It must pay 1,986 billion yen (1,986 million yen).",  # no such amount is written
     "It must pay 1,986 billion yen (1,986 million yen)."),
    ("It was 37.253 billion yuan.", "It was 37.253 billion yuan."),  # no bracket to restore
])
def test_a_glossed_amount_copied_into_the_answer_is_restored_as_the_document_writes_it(answer, restored):
    assert restore_amounts(answer, written_amounts(PASSAGES)) == restored


@pytest.mark.parametrize("answer, joined", [
    ("up 8. 5％ on the year", "up 8.5％ on the year"),  # "８．５％" in the passage
    ("sales of 18, 420 million yen", "sales of 18,420 million yen"),  # "１８，４２０百万円"
    ("in 2018. 5 people joined", "in 2018. 5 people joined"),  # no passage prints 2018.5
    ("items 1, 2 and 3", "items 1, 2 and 3"),
])
def test_a_figure_split_by_a_space_is_joined_only_where_a_passage_prints_it_whole(answer, joined):
    assert join_split_figures(answer, PASSAGES) == joined


def test_english_answers_about_english_passages_are_unchanged():
    passages = ["Revenue was $1,234 million in 2022 (2021: $1,100 million)."]
    answer = "Revenue was $1,234 million (up 12%) in 2022."
    assert as_written(answer, passages) == answer
