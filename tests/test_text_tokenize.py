"""Search tokens (rag.text): English words as before, Chinese/Japanese runs as character bigrams."""

from __future__ import annotations

from rag.index import bm25
from rag.text import cjk_bigrams, has_cjk, join_cjk_spaces, normalize, tokenize


def test_english_tokens_are_the_keyword_index_tokens():
    assert bm25.tokenize is tokenize
    assert tokenize("What were the FY2021 capital expenditures: $1,577 million?") == \
        ["fy2021", "2021", "fy", "capital", "expenditure", "1577", "million"]


def test_chinese_runs_become_bigrams_beside_latin_words_and_figures():
    assert tokenize("2018年第一季度报告") == ["2018", "年第", "第一", "一季", "季度", "度报", "报告"]
    assert tokenize("股东，持股 (FY2021 revenues)") == ["股东", "持股", "fy2021", "2021", "fy", "revenue"]
    assert cjk_bigrams("股") == ["股"]


def test_japanese_kana_keep_their_voicing_marks():
    assert normalize("がぱ") == "がぱ"  # not か / は: different words
    assert tokenize("東京都に住んでいます") == ["東京", "京都", "都に", "に住", "住ん", "んで", "でい", "いま", "ます"]
    assert tokenize("ｶﾞｲﾄﾞ") == tokenize("ガイド")  # half-width katakana folds to full width
    assert normalize("Café") == "cafe"


def test_ocr_spaces_between_cjk_characters_are_removed_but_not_between_words():
    assert join_cjk_spaces("中 国 银 行 ， 2023 年 Bank of China") == "中国银行， 2023 年 Bank of China"
    assert has_cjk("テスト") and has_cjk("汉字") and not has_cjk("Ünïcode text 123")
