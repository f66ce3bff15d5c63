"""Relational verification: a value is verified only by a sentence or table row that states it for what was asked."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from rag.answer.columns import years
from rag.answer.units import parse_row, passage_units
from rag.answer.question_subject import subject_words
from rag.answer.verdict import CONTRADICTED, UNSUPPORTED, VERIFIED
from rag.answer.verify import verify


@dataclass
class P:
    number: int
    file: str
    page: int
    text: str


TABLE = """Table: Selected financial data (£’000, Year ended 30 June) columns: 2022 | 2021 | 2020
Commercial revenue (£’000, Year ended 30 June): 2022: 257,820; 2021: 232,205; 2020: 279,044
Broadcasting revenue (£’000, Year ended 30 June): 2022: 214,847; 2021: 254,815; 2020: 140,203
Matchday revenue (£’000, Year ended 30 June): 2022: 110,534; 2021: 7,097; 2020: 89,794"""
PROSE = ("The minimum guarantee payable by adidas is equal to £750 million, subject to certain adjustments. "
         "Revenue was £583.2 million in 2022 compared with £494.1 million in 2021.")
MANUAL = ("The anchor option sets the point of the page that the image is attached to. "
          "Release 3 added the export dialog. The viewer supports PDF and PNG files.")
PASSAGES = [P(1, "manu-20f.pdf", 7, TABLE), P(2, "manu-20f.pdf", 53, PROSE), P(3, "viewer-manual.pdf", 12, MANUAL)]


@pytest.mark.parametrize("question, answer, expected, page", [
    ("What was broadcasting revenue in 2021?", "Broadcasting revenue in 2021 was £254,815 thousand.", VERIFIED, 7),
    ("What was broadcasting revenue in FY2020?", "It was £140,203 thousand.", VERIFIED, 7),
    # the asked year written again ("FY2021" asked, "2021" answered) is not a claim of its own
    ("What was broadcasting revenue in FY2021?", "Broadcasting revenue, 2021: £254,815 thousand.", VERIFIED, 7),
    ("What was broadcasting revenue in FY2020? Answer in thousands.", "It was 140,203.", VERIFIED, 7),
    # the row is in £'000: "£140,203" is a thousand times too little
    ("What was broadcasting revenue in FY2020?", "It was £140,203.", UNSUPPORTED, None),
    ("How much is the minimum guarantee payable by adidas?", "The minimum guarantee payable by adidas is £750 million.",
     VERIFIED, 53),
    ("What was revenue in 2021?", "Revenue in 2021 was £494.1 million.", VERIFIED, 53),
    # another year's figure: the row or sentence states it for 2022
    ("What was broadcasting revenue in 2021?", "£214,847 thousand", CONTRADICTED, 7),
    ("What was revenue in 2021?", "Revenue in 2021 was £583.2 million.", CONTRADICTED, 53),
    # an invented value that happens to be a number in some passage
    ("In which release was the search feature added?", "In release 4.", UNSUPPORTED, None),
    # 2020's figure written without the table's thousands, and the table has no 2019 column: not stated for 2019
    ("What was matchday revenue in 2019?", "Matchday revenue in 2019 was 89,794.", CONTRADICTED, 7),
    # no figure, date or name: the sentence holding the answer's own words
    ("What does the anchor option control?", "It sets the point of the page the image is attached to.", VERIFIED, 12),
    ("What does the anchor option control?", "The anchor option controls the anchor.", UNSUPPORTED, None),
])
def test_verdicts(question, answer, expected, page):
    verdict = verify(answer, PASSAGES, question)
    assert verdict.verdict == expected, verdict.reason
    if page is not None:
        assert verdict.unit is not None and verdict.unit.page == page


def test_contradiction_names_the_asked_value_and_the_year_given():
    verdict = verify("£214,847 thousand", PASSAGES, "What was broadcasting revenue in 2021?")
    assert "254,815" in verdict.reason and "2022" in verdict.reason
    assert verdict.unit.kind == "row" and verdict.unit.label == "Broadcasting revenue"
    data = verdict.to_dict()
    assert data["verdict"] == "contradicted" and data["evidence"]["row"]["cells"][1] == ["2021", "254,815"]


def test_rows_and_sentences_are_units():
    units = passage_units(PASSAGES[0])
    assert [u.kind for u in units] == ["row"] * 3
    assert units[1].cells == [("2022", "214,847"), ("2021", "254,815"), ("2020", "140,203")]
    assert [u.kind for u in passage_units(PASSAGES[1])] == ["sentence", "sentence"]
    assert parse_row("Net cash (in millions): 2018: (1,577); 2017: —") == ("Net cash", [("2018", "(1,577)"),
                                                                                      ("2017", "—")])
    assert parse_row("Note: see the table below") is None


def test_question_subject_and_years():
    assert years("What was the FY2018 capex, and FY19's?") == {2018, 2019}
    assert subject_words("What is the FY2018 capital expenditure amount (in USD millions) for 3M?", "3M_2018_10K.pdf") \
        == {"capital", "expenditure"}


@pytest.mark.parametrize("sentence, answer, question, expected", [
    # the year after the figure in its stretch of the sentence is the figure's year
    ("Matchday revenue for the year ended 30 June 2022 was £110.5 million, an increase of £103.4 million, or "
     "1,456.3%, over the year ended 30 June 2021.", "£110.5 million", "What was matchday revenue in 2022?", VERIFIED),
    ("Matchday revenue was £7.1 million for the year ended 30 June 2021 and £110.5 million for 2022.",
     "£7.1 million", "What was matchday revenue in 2022?", CONTRADICTED),
    # "(2021: X)" labels the figure after it
    ("The outstanding principal amount of the secured term loan facility is $225,000,000 (2021: $225,000,000).",
     "$225,000,000", "What was the outstanding principal of the secured term loan facility at 30 June 2022?",
     UNSUPPORTED),
    # a number inside a word describes; the value is what is checked
    ("The minimum guarantee payable by adidas over the 10-year term of the agreement is £750 million.",
     "The minimum guarantee over the 10-year term is £750 million.",
     "What is the minimum guarantee payable by adidas?", VERIFIED),
])
def test_figures_and_their_years_in_sentences(sentence, answer, question, expected):
    passages = [P(1, "club.pdf", 3, sentence)]
    assert verify(answer, passages, question).verdict == expected


def test_rows_in_thousands_state_figures_in_millions_and_a_row_naming_the_subject_wants_a_figure():
    table = P(1, "club.pdf", 7, TABLE)
    assert verify("£254.8 million", [table], "What was broadcasting revenue in 2021?").verdict == VERIFIED
    verdict = verify("It is reported under Broadcasting.", [table], "What was broadcasting revenue in 2021?")
    assert verdict.verdict == UNSUPPORTED and "gives a figure for Broadcasting revenue" in verdict.reason


def test_names_found_only_outside_what_was_asked_are_unsupported_not_a_crash():
    passages = [P(1, "guide.pdf", 2, "The museum was opened by Ada Lovelace. Charles Babbage visited it later.")]
    verdict = verify("Ada Lovelace and Charles Babbage.", passages, "Who designed the harbour lighthouse?")
    assert verdict.verdict == UNSUPPORTED


def test_values_listed_with_their_years_in_order():
    passages = [P(1, "amazon.pdf", 55, "Amortization expense for acquired intangibles was $270 million, $287 million, "
                                        "and $366 million in 2015, 2016, and 2017.")]
    question = "What was the amortization expense for acquired intangibles in 2016?"
    assert verify("$287 million", passages, question).verdict == VERIFIED
    assert verify("$366 million", passages, question).verdict == CONTRADICTED


def test_years_listed_before_their_values_respectively():
    passages = [P(1, "manu.pdf", 24, "For each of the years ended 30 June 2022, 2021 and 2020, Broadcasting revenue "
                                     "constituted 36.8%, 51.6% and 27.6%, respectively, of our total revenue.")]
    question = "What share of total revenue was broadcasting revenue in fiscal 2022?"
    assert verify("36.8%", passages, question).verdict == VERIFIED
    contradicted = verify("51.6%", passages, question)
    assert contradicted.verdict == CONTRADICTED and "for 2021" in contradicted.reason


def test_a_per_share_row_is_not_in_millions_and_a_section_number_is_not_a_value():
    table = P(1, "bestbuy.pdf", 40, "Table: Consolidated Statements of Earnings ($ in millions, except per share "
                                    "amounts) columns: 2023 | 2022\nBasic earnings per share: 2023: $6.31; 2022: $9.94")
    question = "What is basic earnings per share in FY2023?"
    assert verify("$6.31", [table], question).verdict == VERIFIED
    assert verify("$6.31 million", [table], question).verdict != VERIFIED
    filing = P(1, "amex.pdf", 1, "Securities registered pursuant to Section 12(b) of the Act of 1934: none.")
    claims = verify("Securities registered under Section 12(b): none.", [filing],
                    "Which debt securities are registered under Section 12(b) in 2022?").claims
    assert "12" not in claims


def test_a_claim_stated_over_two_sentences_is_verified():
    passages = [P(1, "incident.pdf", 2, "The crew of Flight 12 turned back.\nThey landed in Lisbon.")]
    question = "Where did the crew of Flight 12 land?"
    assert verify("The crew landed in Lisbon.", passages, question).verdict == VERIFIED
    assert verify("The crew landed in Porto.", passages, question).verdict == UNSUPPORTED


def test_a_one_word_answer_needs_the_subject_right_beside_it():
    passages = [P(1, "guide.pdf", 21, "Two reserved words matter when searching. In contrast to fetch, which was "
                                      "described in the previous chapter at some length and with many examples, "
                                      "there is one more reserved word: borrow indicates that the call returns a "
                                      "pointer the caller does not own.")]
    question = "Which reserved word indicates that the call returns a pointer the caller does not own?"
    assert verify("borrow", passages, question).verdict == VERIFIED
    assert verify("fetch", passages, question).verdict == UNSUPPORTED


def test_a_name_beside_common_subject_words_but_not_the_telling_one_is_not_verified():
    form = P(1, "form.pdf", 1, "Wages, salaries, tips. Attach Form W-2.\nBusiness income or loss. Attach Schedule C.\n"
                               "Capital gain or loss. Attach Schedule D.\nRental real estate income. Attach Schedule E.\n"
                               "Farm income or loss. Attach Schedule F.\nUnemployment compensation.")
    question = "Which schedule should be attached to report farm income?"
    assert verify("Schedule F", [form], question).verdict == VERIFIED
    assert verify("Schedule C", [form], question).verdict == UNSUPPORTED


# --- Chinese and Japanese (issue #33): CJK sentence ends, full-width digits, 万/亿/百万円 scales -------------------

BOND_ZH = P(1, "bond_zh.pdf", 1, "截至2023 年3 月末，发行人各类授信额度总额达372.53 亿元，其中已使用额度252.06 亿元，"
                                  "尚未使用的授信额度为120.47 亿元。表 7-2：截至 2023 年 3 月末发行人授信及使用情况")
CREDIT_ROWS = P(2, "bond_zh.pdf", 1, """Table: 表 7-2 (单位：万元) columns: 授信总额 | 已使用情况 | 剩余额度
1 工商银行: 授信总额: 330,435.30 万元; 已使用情况: 234,850.00 万元; 剩余额度: 95,585.30 万元
3 兴业银行盐城分行: 授信总额: 302,600.00 万元; 已使用情况: 110,600.00 万元; 剩余额度: 192,000.00 万元""")
REPORT_JA = P(3, "minato_ja.pdf", 1, "当第３四半期連結累計期間における売上高は１８，４２０百万円（前年同期比８．５％増）となりました。"
                                     "海外売上高比率は４２．３％に上昇しました。")


@pytest.mark.parametrize("question, answer, expected", [
    ("截至2023年3月末，发行人各类授信额度总额是多少？", "发行人各类授信额度总额为372.53亿元。", VERIFIED),
    ("兴业银行盐城分行的授信总额是多少？", "302,600.00万元", VERIFIED),
    ("兴业银行盐城分行的授信总额是多少？", "30.26亿元", VERIFIED),  # the same amount in 亿 (10^8) instead of 万 (10^4)
    ("兴业银行盐城分行的授信总额是多少？", "302,600.00亿元", UNSUPPORTED),  # ten thousand times too much
    ("第３四半期連結累計期間の売上高はいくらですか？", "売上高は18,420百万円です。", VERIFIED),  # full-width in the text
    ("海外売上高比率は何％ですか？", "42.3%", VERIFIED),
])
def test_verdicts_on_chinese_and_japanese_passages(question, answer, expected):
    verdict = verify(answer, [BOND_ZH, CREDIT_ROWS, REPORT_JA], question)
    assert verdict.verdict == expected, verdict.reason


def test_figures_in_chinese_and_japanese_text():
    from rag.answer.grounding import figures

    found = [(f.value, f.exponent, f.percent) for _w, f, _s in figures("授信额度总额达372.53 亿元，欠款2,853万元、利息7,788,690元")]
    assert [(str(v), e, p) for v, e, p in found] == [("372.53", 8, False), ("2853", 4, False), ("7788690", 0, False)]
    found = [(str(f.value), f.exponent, f.percent) for _w, f, _s in figures("売上高は１８，４２０百万円（前年同期比８．５％増）")]
    assert found == [("18420", 6, False), ("8.5", 0, True)]
    assert [str(f.value) for _w, f, _s in figures("FY2021 revenue 3,500 in v1.5")] == ["3500"]  # unchanged in English


def test_the_evidence_shown_is_the_row_stating_the_figure_not_the_first_holding_the_date():
    balance = P(1, "COSTCO_2021_10K.pdf", 38, """Table: Consolidated balance sheets (in millions) columns: August 29, 2021 | August 30, 2020
TOTAL ASSETS: August 29, 2021: $59,268 million; August 30, 2020: $55,556 million
TOTAL LIABILITIES: August 29, 2021: 41,190 million; August 30, 2020: 36,851 million""")
    verdict = verify("TOTAL LIABILITIES, August 29, 2021: 41,190 million [1].", [balance],
                     "What were Costco's total liabilities in FY2021?")
    assert verdict.verdict == VERIFIED and verdict.unit.label == "TOTAL LIABILITIES"


def test_an_answer_that_only_lengthens_the_asked_name_is_not_verified():
    club = P(1, "manu-20f.pdf", 45, "Our club name changed to Manchester United Football Club in 1902, and we won "
                                    "the first of our 20 English League titles in 1908.")
    verdict = verify("Manchester United Football Club mascot is Manchester United.", [club],
                     "What is the name of Manchester United's club mascot?")
    assert verdict.verdict == UNSUPPORTED


def test_a_month_is_not_a_subject_word():
    assert subject_words("How many followers did we have on Instagram as of 30 June 2022?") == {"follower",
                                                                                               "instagram"}


def test_a_per_common_share_figure_is_not_in_millions():
    quarterly = P(1, "ACTIVISION_2019_10K.pdf", 122, """Table: Quarterly data (in millions, except per share data) columns: 2018 | 2017
Diluted earnings per common share: 2018: 0.89 million; 2017: 0.26 million""")
    verdict = verify("Diluted earnings per share for 2018 was $0.89 million.", [quarterly],
                     "What was the diluted earnings per share for 2018?")
    assert verdict.verdict == UNSUPPORTED


def test_a_bare_figure_from_a_flattened_table_in_thousands_dropped_its_unit():
    flat = P(1, "NETFLIX_2015_10K.pdf", 19, "2013 (in thousands, except revenue per membership and percentages) "
                                             "Revenues $ 6,779,511 $ 5,504,656 $ 4,374,562 23 % 26 %")
    question = "What were Netflix's revenues in 2015?"
    assert verify("Netflix's revenues in 2015 were $6,779,511.", [flat], question).verdict == UNSUPPORTED
    assert verify("Netflix's revenues in 2015 were $6,779,511.", [flat], question + " Answer in thousands.").verdict \
        != UNSUPPORTED  # asked in thousands, the bare figure is


SOCIAL = P(1, "manu-20f.pdf", 59, "As of 30 June 2022 we had over 220.8 million social connections including "
                                  "approximately 75 million connections on our Facebook page, over 58.8 million "
                                  "followers on Instagram and over 36.2 million followers to our Twitter accounts.")


def test_a_value_listed_for_another_subject_in_the_same_sentence_is_contradicted():
    question = "How many followers did Manchester United have on Instagram as of 30 June 2022?"
    wrong = verify("Manchester United had over 36.2 million followers on Instagram.", [SOCIAL], question)
    assert wrong.verdict == CONTRADICTED
    assert "58.8 million" in wrong.reason and "instagram" in wrong.reason
    assert verify("Over 58.8 million followers on Instagram.", [SOCIAL], question).verdict == VERIFIED


def test_a_value_beside_a_comparison_keeps_its_year_rule_and_a_value_the_question_gives_is_no_rival():
    year = P(1, "r.pdf", 3, "Revenue was £583.2 million in 2022, up from £494.1 million in 2021.")
    assert verify("£494.1 million", [year], "What was revenue in 2021?").verdict == VERIFIED
    rows = P(1, "paper.pdf", 7, "We reviewed 10 incorrect rows from various tables and found 4 of them were due to "
                                "coreference errors and one error was due to a parse error.")
    assert verify("4 rows were due to coreference errors.", [rows],
                  "How many of the 10 reviewed incorrect rows were due to coreference errors?").verdict == VERIFIED


def test_an_answer_without_the_asked_kind_of_value_is_not_verified():
    cqc = P(1, "care.pdf", 9, "The Care Quality Commission (CQC) monitors the operation of the Deprivation of "
                              "Liberty Safeguards (DoLS) which applies to care homes.")
    verdict = verify("The Care Quality Commission (CQC) monitored the Deprivation of Liberty Safeguards (DoLS).",
                     [cqc], "What is the telephone no for the Care Quality Commission?")
    assert verdict.verdict == UNSUPPORTED and "telephone" in verdict.reason
    share = P(1, "manu-20f.pdf", 73, "Broadcasting revenue was £214.9 million in 2022, 36.8% of our total revenue.")
    assert verify("36.8% of our total revenue.", [share], "What was 2022 broadcasting revenue?").verdict == UNSUPPORTED
    assert verify("36.8% of our total revenue.", [share],
                  "What share of 2022 revenue was broadcasting revenue?").verdict == VERIFIED


def test_another_years_figure_for_a_year_no_column_holds_is_contradicted():
    table = ("Table: Consolidated Statements of Income (In thousands) columns: January 28, 2023 (fiscal 2022) | "
             "January 29, 2022 (fiscal 2021)\nNet sales: January 28, 2023 (fiscal 2022): $10,208,580 thousand; "
             "January 29, 2022 (fiscal 2021): $8,630,889 thousand")
    verdict = verify("Net sales in fiscal 2023 were $10,208,580 thousand.", [P(1, "ULTA.pdf", 6, table)],
                     "What were Ulta Beauty's net sales in fiscal 2023?")
    assert verdict.verdict == CONTRADICTED
    assert verdict.reason == ("page 6 gives $10,208,580 thousand for fiscal 2022 (Net sales) and no figure for "
                              "fiscal 2023")
    # the asked year's column is there: the usual contradiction names its value
    assert "$8,630,889 thousand" in verify("Net sales in fiscal 2021 were $10,208,580 thousand.",
                                           [P(1, "ULTA.pdf", 6, table)],
                                           "What were Ulta Beauty's net sales in fiscal 2021?").reason


def test_a_change_column_is_no_years_value_and_the_documents_name_is_no_extra_label_word():
    netflix = ("Table: Marketing (in thousands) columns: Year Ended December 31, 2015 | Year Ended December 31, 2014 | "
               "Change 2015 vs. 2014\nMarketing: Year Ended December 31, 2015: 317,646 thousand; Year Ended December "
               "31, 2014: 293,453 thousand; Change 2015 vs. 2014: 24,193 thousand")
    passages = [P(1, "NETFLIX_2015_10K.pdf", 21, netflix)]
    assert verify("24,193 thousand", passages, "What was Netflix's marketing expense in 2015?").verdict == CONTRADICTED
    assert verify("317,646 thousand", passages, "What was Netflix's marketing expense in 2015?").verdict == VERIFIED
    pepsico = ("Table: Consolidated Statement of Income (in millions) columns: 2022 | 2021\nNet Income Attributable to "
               "PepsiCo: 2022: $8,910 million; 2021: $7,618 million")
    verdict = verify("Net Income Attributable to PepsiCo, 2021: $7,618 million [1].",
                     [P(1, "PEPSICO_2022_10K.pdf", 62, pepsico)], "What was net income attributable to PepsiCo in 2021?")
    assert verdict.verdict == VERIFIED


def test_the_length_of_a_period_in_a_column_header_is_no_claim():
    costco = ("Table: CONSOLIDATED STATEMENTS OF INCOME (amounts in millions) columns: 52 Weeks Ended August 29, 2021 | "
              "52 Weeks Ended August 30, 2020\nOperating income: 52 Weeks Ended August 29, 2021: 6,708 million; 52 Weeks "
              "Ended August 30, 2020: 5,435 million")
    verdict = verify("Operating income, 52 Weeks Ended August 30, 2020: 5,435 million [1].",
                     [P(1, "COSTCO_2021_10K.pdf", 36, costco)], "What was Costco's operating income in fiscal 2020?")
    assert verdict.verdict == VERIFIED and "52" not in verdict.claims


def test_one_label_with_a_value_per_lost_column_verifies_none_of_them():
    sheet = P(1, "monitor-manual.pdf", 31, "Pixel Pitch 155.25 (H) x 155.25 (V) um 184.5 (H) x 184.5(V) um. "
                                           "Light Intensity 300 cd/m² (typ.) Optional for 700 cd/m2 (typ.) 350 cd/m² "
                                           "(typ.) Optional for 700 cd/m2 (typ.). Response Time 5 ms 5 ms 8 ms 8 ms")
    assert verify("155.25 um", [sheet], "What is the pixel pitch of the 32-inch model?").verdict == UNSUPPORTED
    assert verify("300 cd/m²", [sheet], "What is the typical brightness (light intensity)?").verdict == UNSUPPORTED
    one = P(1, "monitor-manual.pdf", 31, "Pixel Pitch 155.25 (H) x 155.25 (V) um. Weight 6.1 kg 7.4 kg 9.3 kg 2 kg")
    assert verify("155.25 um", [one], "What is the pixel pitch?").verdict == VERIFIED


def test_a_value_stated_for_another_amount_than_the_asked_ones_is_contradicted():
    passages = [P(1, "seniors.pdf", 7, "Among seniors with an annual household income of $75,000 or more, fully 90% "
                                       "go online and 82% have broadband at home.")]
    asked = "What share of seniors with a household income between $50,000 and $74,999 have broadband at home?"
    verdict = verify("82%", passages, asked)
    assert verdict.verdict == CONTRADICTED and "$75,000" in verdict.reason and "$50,000" in verdict.reason
    same = "What share of seniors with a household income of $75,000 or more have broadband at home?"
    assert verify("82%", passages, same).verdict == VERIFIED


def test_a_row_stating_another_year_of_its_own_does_not_verify_the_asked_year():
    """Year groups down the left ("1991" beside "Women", under a caption naming 1991 and 1996): the row with 1991
    in it is 1991's, not 1996's."""
    table = ("Table: Employment by sector, 1991 and 1996 (in %) columns: gender (in %) | Agriculture | Services\n"
             "Women (in %): gender (in %): 1991; Agriculture: 6.6; Services: 77.4\n"
             "Women (in %): Agriculture: 5.2; Services: 80.9")
    passages = [P(1, "finland.pdf", 4, table)]
    question = "In Finland in 1996, what percentage of employed women worked in services?"
    assert verify("77.4%", passages, question).verdict != VERIFIED
    assert verify("77.4%", passages, "In 1991, what percentage of employed women worked in services?").verdict \
        == VERIFIED


def test_a_difference_asked_is_verified_only_by_a_change_stated():
    """"How much higher ... than ...?": a level that happens to equal the answer does not state the difference; a
    change column or a sentence stating the change does."""
    level = P(1, "annual.pdf", 20, "Table: Dividends columns: 2003 | 2002\n"
                                   "Dividend paid (Rs. lakhs): 2003: 1,645.27; 2002: 1,400.00")
    asked = "How much higher was the dividend paid in 2003 compared to 2002?"
    assert verify("Rs. 1,645.27 lakhs", [level], asked).verdict != VERIFIED
    change = P(1, "annual.pdf", 20, "The dividend paid rose by INR 245.27 lakhs in 2003 compared to 2002.")
    assert verify("INR 245.27 lakhs", [change], asked).verdict == VERIFIED
    column = P(1, "annual.pdf", 20, "Table: Dividends columns: 2003 | 2002 | Increase\n"
                                    "Dividend paid (Rs. lakhs): 2003: 1,645.27; 2002: 1,400.00; Increase: 245.27")
    assert verify("Rs. 245.27 lakhs", [column], asked).verdict == VERIFIED


def test_a_row_of_several_unnamed_columns_verifies_none_of_them():
    """"how many Domestic stores": the row gives leased, owned and other locations, none of them named; a row
    with one amount and its share of the total still verifies the amount."""
    row = P(1, "bestbuy.pdf", 19, "Table: Store locations columns: Leased Locations | Owned Locations | Owned "
                                  "Buildings and Leased Land\nDomestic: Leased Locations: 922; Owned Locations: 24; "
                                  "Owned Buildings and Leased Land: 32")
    assert verify("922", [row], "How many Domestic stores does Best Buy have?").verdict != VERIFIED
    assert verify("922", [row], "How many leased Domestic locations does Best Buy have?").verdict == VERIFIED
    share = P(1, "retail.pdf", 40, "Table: Net sales by category columns: Amount | Share\n"
                                   "Cosmetics: Amount: $1,000; Share: 41.0%")
    assert verify("$1,000", [share], "What were cosmetics net sales?").verdict == VERIFIED


def test_a_column_headed_in_thousands_scales_its_values():
    """"12/31/2010 $000's: 3,147,000" is $3,147,000 thousand: "$3,147,000" dropped the unit, "$3.1 billion" is it."""
    row = P(1, "bank.pdf", 2, "Table: Loans columns: 12/31/2010 $000's | 12/31/2010 %\n"
                              "Lease financing receivables: 12/31/2010 $000's: 3,147,000; 12/31/2010 %: 21.2")
    asked = "What was the balance of lease financing receivables at December 31, 2010?"
    assert verify("$3,147,000", [row], asked).verdict != VERIFIED
    assert verify("$3.147 billion", [row], asked).verdict == VERIFIED


def test_one_of_several_columns_of_the_asked_year_that_the_question_does_not_name_verifies_nothing():
    """"Our estimates 1996: 77.9; PBUK 1996: 70.5; EH 1996: 93.5" for "the UK Pocketbook's figure for 1996": the
    question names none of the three sources' columns (not by their header's words), so 77.9 is not verified; an
    amount beside its own percentage of the same date is no rival column."""
    sources = """Table: Table 7.5 Comparisons of C5 from different sources columns: Our estimates 1996 | LDA 1997 | PBUK 1996 | EH 1996
Sweden: Our estimates 1996: 77.9; LDA 1997: 87; PBUK 1996: 70.5; EH 1996: 93.5"""
    question = "What five-firm concentration ratio did the UK Pocketbook give for Sweden in 1996?"
    texts = [P(1, "eu-005.pdf", 2, sources)]
    assert verify("The UK Pocketbook gave Sweden 77.9% in 1996.", texts, question).verdict != VERIFIED
    loans = """Table: Loans (in millions) columns: 2010 Amount | 2010 %
Lease financing receivables: 2010 Amount: $3,147 million; 2010 %: 21.2%"""
    question = "What was the balance of lease financing receivables in 2010?"
    assert verify("Lease financing receivables were $3,147 million in 2010 [1].",
                  [P(1, "bank.pdf", 2, loans)], question).verdict == VERIFIED


def test_a_particular_tables_row_does_not_verify_a_figure_asked_of_the_whole():
    """A segment's "Marketing" beside the consolidated statement's: the question names no segment, so the segment's
    figure is not verified, and the consolidated one is."""
    consolidated = """Table: CONSOLIDATED STATEMENTS OF OPERATIONS (in thousands) columns: 2015 | 2014
Marketing: 2015: 824,092 thousand; 2014: 607,186 thousand"""
    segment = """Table: Segment Results, Domestic Streaming Segment, Contribution profit (in thousands) columns: 2015 | 2014
Marketing: 2015: 317,646 thousand; 2014: 293,453 thousand"""
    texts = [P(1, "NETFLIX_2015_10K.pdf", 21, segment), P(2, "NETFLIX_2015_10K.pdf", 40, consolidated)]
    question = "What was Netflix's marketing expense in 2015?"
    assert verify("Netflix's marketing expense in 2015 was 317,646 thousand [1].", texts, question).verdict \
        != VERIFIED
    assert verify("Netflix's marketing expense in 2015 was 824,092 thousand [2].", texts, question).verdict == VERIFIED
    assert verify("Domestic streaming marketing in 2015 was 317,646 thousand [1].", texts,
                  "What was Netflix's domestic streaming segment marketing expense in 2015?").verdict == VERIFIED


def test_of_several_columns_of_the_asked_year_the_one_the_question_names_by_a_word_verifies():
    franchises = P(1, "eu-004.pdf", 9, "Table: Franchising in the member states columns: number of stores 1994 | "
                                       "of franchisees 1994\nUK: number of stores 1994: 18,600; of franchisees 1994: "
                                       "24900")
    question = "How many franchisees were there in the UK in 1994?"
    assert verify("UK, of franchisees 1994: 24900 [1].", [franchises], question).verdict == VERIFIED
    assert verify("There were 18,600 franchisees in the UK in 1994.", [franchises], question).verdict != VERIFIED


def test_columns_of_other_years_the_answer_names_are_no_rivals():
    """A cell answer names its column's date ("January 29, 2022 (fiscal 2021)"), so two years are asked; the
    other year's column is not a rival of the held value's."""
    income = P(1, "ULTABEAUTY_2023Q4_EARNINGS.pdf", 6, "Table: Consolidated Statements of Income (In thousands) "
               "columns: January 28, 2023 (fiscal 2022) | January 29, 2022 (fiscal 2021)\nNet income: January 28, "
               "2023 (fiscal 2022): $1,242,408 thousand; January 29, 2022 (fiscal 2021): $985,837 thousand")
    answer = "Net income, January 29, 2022 (fiscal 2021): $985,837 thousand [1]."
    assert verify(answer, [income], "What was Ulta Beauty's net income in fiscal 2021?").verdict == VERIFIED


INTANGIBLES = """Table: The change in the book value of indefinite-lived intangible assets is as follows columns: Balance, End of 2021 | Balance, End of 2022
Europe › Goodwill: Balance, End of 2021: $3,700 million; Balance, End of 2022: $3,646 million
Europe › Brands: Balance, End of 2021: $4,254 million; Balance, End of 2022: $1,664 million"""
CARRYING = ("The carrying value of indefinite-lived intangible assets as of December 31, 2022 was $32.5 billion which "
            "represents 35% of total assets.")


def test_a_sentence_is_no_evidence_where_a_row_names_the_subject_more_fully_and_gives_another_figure():
    question = "What was the book value of PepsiCo's Europe brands (indefinite-lived intangible assets) at the end of 2022?"
    passages = [P(1, "PEPSICO_2022_10K.pdf", 82, INTANGIBLES), P(2, "PEPSICO_2022_10K.pdf", 114, CARRYING)]
    assert verify("It was $32.5 billion.", passages, question).verdict == UNSUPPORTED  # the total, not Europe's
    assert verify("It was $1,664 million.", passages, question).verdict == VERIFIED
    total = "What was the carrying value of PepsiCo's indefinite-lived intangible assets at the end of 2022?"
    assert verify("It was $32.5 billion.", passages, total).verdict == VERIFIED  # no row names the total better


SEGMENT_REVENUES = """Table: For the Year Ended December 31, 2018 (in millions) columns: Activision | Blizzard | King | Total
Segment net revenues: Activision: $2,458 million; Blizzard: $2,291 million; King: $2,086 million; Total: $6,835 million"""
PLATFORMS = """Table: Notes to Consolidated Financial Statements, Year Ended December 31, 2018 (in millions) columns: Activision | Blizzard | King | Total
Net revenues by platform:
Console: Activision: $2,351 million; Blizzard: $187 million; King: $—; Total: $2,538 million
PC: Activision: 368 million; Blizzard: 1,711 million; King: 154 million; Total: 2,180 million"""


def test_a_row_is_no_evidence_where_another_row_names_the_subject_more_fully_and_gives_another_figure():
    question = ("In Activision Blizzard's 2018 net revenues by platform, how much PC revenue came from the Blizzard "
                "segment?")
    passages = [P(1, "ACTIVISIONBLIZZARD_2019_10K.pdf", 40, SEGMENT_REVENUES),
                P(2, "ACTIVISIONBLIZZARD_2019_10K.pdf", 108, PLATFORMS)]
    assert verify("Segment net revenues, Blizzard: $2,291 million.", passages, question).verdict == UNSUPPORTED
    plain = "What were Activision Blizzard's segment net revenues for the Blizzard segment in 2018?"
    assert verify("$2,291 million.", passages, plain).verdict == VERIFIED  # no row names that better


CONTRACEPTION = """Table: Table 21 Current use of contraception by background characteristics columns: Any method | Female sterilization | Pill | Condom/Nirodh | Number of women
Highest: Any method: 78.3; Female sterilization: 19.5; Pill: 9.7; Condom/Nirodh: 12.7; Number of women: 733"""


def test_a_percentage_in_a_table_that_prints_no_percent_sign_needs_its_column_named():
    """The row gives several percentages without "%": which column was asked is not stated by the row alone."""
    passages = [P(1, "survey.pdf", 54, CONTRACEPTION)]
    question = "What percentage of women in the highest wealth index group currently use condoms?"
    assert verify("78.3% of them use condoms.", passages, question).verdict != VERIFIED
    assert verify("12.7% of them use condoms (Nirodh).", passages, question + " (Nirodh)").verdict == VERIFIED


EQUITY_STATEMENT = """Table: COSTCO WHOLESALE CORPORATION CONSOLIDATED STATEMENTS OF EQUITY (amounts in millions) columns: Additional Paid-in Capital
Stock-based compensation: Additional Paid-in Capital: 621 million"""
CASH_FLOWS = """Table: CONSOLIDATED STATEMENTS OF CASH FLOWS, COSTCO WHOLESALE CORPORATION (amounts in millions) columns: 52 Weeks Ended August 30, 2020
Stock-based compensation: 52 Weeks Ended August 30, 2020: 619 million"""


def test_a_question_naming_a_statement_is_verified_by_that_statements_row_only():
    question = ("In Costco's consolidated statements of equity, how much stock-based compensation was recorded for "
                "the year ended August 30, 2020?")
    passages = [P(1, "COSTCO_2021_10K.pdf", 40, CASH_FLOWS), P(2, "COSTCO_2021_10K.pdf", 39, EQUITY_STATEMENT)]
    assert verify("$619 million.", passages, question).verdict != VERIFIED  # the cash flow statement's
    plain = "How much stock-based compensation did Costco record in the year ended August 30, 2020?"
    assert verify("$619 million.", passages, plain).verdict == VERIFIED


PARENT_BALANCE_SHEET = """Table: Condensed balance sheet of the Company, As of 30 June (£’000) columns: 2022 | 2021
Cash and cash equivalents: 2022: £131 thousand; 2021: £148 thousand"""


def test_the_parent_companys_own_statement_answers_only_a_question_about_the_parent():
    """A 20-F's Schedule I: the parent's cash (£131 thousand) is not the group's (£121.2 million)."""
    from rag.answer.cell import table_cell

    question = "What were cash and cash equivalents at 30 June 2022?"
    passages = [P(1, "manu-20f-2022-09-24.pdf", 174, PARENT_BALANCE_SHEET)]
    assert table_cell(question, passages) is None
    assert verify("£131 thousand.", passages, question).verdict != VERIFIED
    parent = "What cash and cash equivalents did the parent company hold at 30 June 2022?"
    assert table_cell(parent, passages).value == "£131 thousand"
    assert verify("£131 thousand.", passages, parent).verdict == VERIFIED


SEGMENTS_2018 = """Table: Year Ended December 31, 2018 (amounts in millions) columns: Activision | Blizzard | King | Total
Segment operating income: Activision: $1,011 million; Blizzard: $685 million; King: $750 million; Total: $2,446 million"""
SEGMENTS_2019 = SEGMENTS_2018.replace("2018", "2019").replace("$750", "$740").replace("$685", "$464")


def test_a_segment_column_the_company_name_also_names_and_a_year_printed_over_its_table():
    """Activision Blizzard's segments are Activision, Blizzard and King, one table per year: "Activision Blizzard's
    King segment" names the column King (the company's name is no column's), and the year is its table's."""
    from rag.answer.cell import table_cell

    question = "What was the segment operating income of Activision Blizzard's King segment in 2018?"
    passages = [P(1, "ACTIVISIONBLIZZARD_2019_10K.pdf", 101, SEGMENTS_2019),
                P(2, "ACTIVISIONBLIZZARD_2019_10K.pdf", 101, SEGMENTS_2018)]
    cell = table_cell(question, passages)
    assert (cell.header, cell.value, cell.row.source) == ("King", "$750 million", 2)
    assert verify("$750 million.", passages, question).verdict == VERIFIED
    other_year = verify("$740 million.", passages, question)
    assert other_year.verdict == CONTRADICTED and "its table of 2019, not 2018" in other_year.reason
    assert table_cell("What was Blizzard's segment operating income in 2018?", passages).value == "$685 million"


PLATFORMS = """Table: Net revenues by platform (amounts in millions) columns: 2019 | 2018
PC: 2019: 1,904 million; 2018: 2,180 million"""
PLATFORMS_BY_SEGMENT = """Table: Notes to Consolidated Financial Statements (continued), Year Ended December 31, 2018 \
columns: Activision | Blizzard | King | Total
Net revenues by platform:
PC: Activision: 368; Blizzard: 1,711; King: 154; Total: 2,180"""


def test_the_segment_a_question_names_must_be_named_where_the_value_is_stated():
    from rag.answer.cell import table_cell

    question = "In Activision Blizzard's 2018 net revenues by platform, how much PC revenue came from the Blizzard segment?"
    passages = [P(1, "ACTIVISIONBLIZZARD_2019_10K.pdf", 37, PLATFORMS),
                P(2, "ACTIVISIONBLIZZARD_2019_10K.pdf", 108, PLATFORMS_BY_SEGMENT)]
    cell = table_cell(question, passages)
    assert (cell.header, cell.value) == ("Blizzard", "1,711")  # not the consolidated 2018 column's 2,180
    assert verify("2,180 million.", passages, question).verdict != VERIFIED


def test_a_row_of_what_the_measure_is_of_does_not_verify_the_measure():
    """"The cost of revenue of Adobe's Digital Marketing segment": the row "Revenue" gives what the cost is of,
    not the cost; "Cost of revenue" verifies."""
    segments = P(1, "ADOBE_2015_10K.pdf", 102, """Table: Segment results (dollars in thousands) columns: Digital Media | Digital Marketing
Fiscal 2014
Revenue: Digital Media: $2,603,179 thousand; Digital Marketing: $1,355,216 thousand
Cost of revenue: Digital Media: 148,958 thousand; Digital Marketing: 463,772 thousand""")
    question = "What was the cost of revenue of Adobe's Digital Marketing segment in fiscal 2014?"
    assert verify("$1,355,216 thousand.", [segments], question).verdict != VERIFIED
    assert verify("$463,772 thousand.", [segments], question).verdict == VERIFIED


def test_a_count_is_of_the_noun_written_after_it():
    paper = P(1, "multicolumn_acl_paper.pdf", 7, "We obtained 643,767 basic patterns from the articles. "
              "4 errors were due to multiple basic patterns distant from each other.")
    question = "How many basic patterns (tokens) were obtained in the experiment?"
    assert verify("4 errors were due to multiple basic patterns.", [paper], question).verdict != VERIFIED
    assert verify("643,767 basic patterns were obtained.", [paper], question).verdict == VERIFIED
    assert verify("4.", [paper], "How many errors were due to multiple basic patterns?").verdict == VERIFIED


def test_a_name_asked_needs_no_figure_from_the_row_naming_its_subject():
    """'Which bank is the lender under the secured term loan facility?' asks for a name: the facility's row gives an
    amount, which the answer need not repeat."""
    passages = [P(1, "manu-20f.pdf", 158, "Table: Borrowings (£’000) columns: 2022\nSecured term loan facility: "
                  "2022: 178,140"),
                P(2, "manu-20f.pdf", 80, "The lender under the secured term loan facility is Bank of America Europe "
                  "Designated Activity Company.")]
    question = "Which bank is the lender under the secured term loan facility?"
    answer = "The lender is Bank of America Europe Designated Activity Company."
    assert verify(answer, passages, question).verdict == VERIFIED
    assert verify("It was Barclays.", passages, question).verdict != VERIFIED


EPS_AND_SHARES = """Table: CONSOLIDATED STATEMENTS OF OPERATIONS (For the Years Ended December 31, Amounts in millions, except per share data) columns: 2019 | 2018
Earnings per common share
Basic: 2019: $1.96; 2018: $2.43
Diluted: 2019: $1.95; 2018: $2.40
Weighted-average number of shares outstanding
Basic weighted average common shares outstanding: 2019: 767 million; 2018: 762 million
Table: Denominator: columns: (no header)
Diluted earnings per common share: $1.95"""


def test_a_row_under_a_per_share_title_takes_no_millions_and_a_share_count_keeps_them():
    passages = [P(1, "ACTIVISIONBLIZZARD_2019_10K.pdf", 70, EPS_AND_SHARES)]
    eps = "What was Activision Blizzard's diluted earnings per share for 2018?"
    assert verify("Diluted, 2018: $2.40 million.", passages, eps).verdict != VERIFIED  # no millions per share
    shares = "What were Activision Blizzard's basic weighted average common shares outstanding in 2018?"
    assert verify("762 million [1].", passages, shares).verdict == VERIFIED


def test_a_dash_in_the_asked_column_means_the_document_gives_no_figure_for_it():
    from rag.answer.verify import period_absent

    census = P(1, "census.pdf", 1, "Table: Decadal growth rate of population (%) columns: 1951-1961 | 1961-1971\n"
               "Arunachal Pradesh: 1951-1961: -; 1961-1971: 38.91\nAssam: 1951-1961: 34.98; 1961-1971: 34.95")
    question = "What was Arunachal Pradesh's decadal population growth rate in 1951-1961?"
    verdict = verify("It was 38.91%.", [census], question)
    assert verdict.verdict == CONTRADICTED and period_absent(verdict)  # withdrawn: no figure for 1951-1961
    assert not period_absent(verify("It was 34.95%.", [census], question.replace("Arunachal Pradesh", "Assam")))


REPURCHASES = P(1, "costco-10k.pdf", 20, """Table: Issuer purchases of equity securities columns: Total Number of Shares Purchased | Average Price Paid per Share | Maximum Number of Shares that May Yet Be Purchased
July 5, 2021 - August 1, 2021: Total Number of Shares Purchased: 133,000; Average Price Paid per Share: $412.73; Maximum Number of Shares that May Yet Be Purchased: 2,937,000
During 2021, we repurchased 1,358,000 shares at an average price of $364.39, totaling approximately $495 million.""")


def test_a_month_asked_must_be_named_where_the_figure_is_stated():
    question = "What average price per share did Costco pay for shares repurchased in the July 5 to August 1, 2021 period?"
    assert verify("Costco paid $412.73 per share.", [REPURCHASES], question).verdict == VERIFIED
    verdict = verify("Costco paid $364.39 per share.", [REPURCHASES], question)  # the year's average
    assert verdict.verdict == UNSUPPORTED and "month" in verdict.reason


def test_shares_that_could_still_be_purchased_are_the_may_yet_be_purchased_column():
    question = "How many shares could still be purchased under Costco's program at the end of the July 5 to August 1, 2021 period?"
    assert verify("133,000 shares", [REPURCHASES], question).verdict == CONTRADICTED
    assert verify("2,937,000 shares", [REPURCHASES], question).verdict == VERIFIED


def test_a_name_in_brackets_is_part_of_a_rows_label():
    warn = P(1, "warn.pdf", 5, """Table columns: Notice Date | City | No. Of
CareFusion (Pacific Mesa): Notice Date: 09/15/2015; City: San Diego; No. Of: 19
CareFusion (Torrey View): Notice Date: 09/15/2015; City: San Diego; No. Of: 76""")
    assert parse_row("CareFusion (Torrey View): No. Of: 76")[0] == "CareFusion (Torrey View)"
    assert parse_row("Revenue (in millions): 2022: 5")[0] == "Revenue"
    question = "How many employees were affected by the CareFusion (Torrey View) layoff in San Diego?"
    assert verify("76 employees", [warn], question).verdict == VERIFIED
    assert verify("19 employees", [warn], question).verdict != VERIFIED


WARN = """Table: WARN Report, Listing by Notice Date columns: Notice Date | Effective | Received | Company | No. Of
Exel Inc. (Ontario): Notice Date: 11/11/2015; Effective: 01/18/2015; Received: 11/12/2015; No. Of: 146
First Transit (San Bernardino): Notice Date: 06/30/2015; Effective: 08/31/2015; Received: 07/01/2015; No. Of: 52"""
# a table whose header line took the first row's figures (as pdfium wrote Netflix's), all columns of 2014
DEPOSITS = """As of December 31, 2014
Table: Gross Gross, Amortized Unrealized Unrealized Estimated (in thousands) columns: Cost $1,007,543 | Gains $— | Fair Value $1,007,543 | investments $—
Certificate of deposits: Cost $1,007,543: 3,600 thousand; Gains $—: —; Fair Value $1,007,543: 3,600 thousand; investments $—: 3,600 thousand
Agency securities: Cost $1,007,543: 26,665 thousand; Gains $—: 5 thousand; Fair Value $1,007,543: 26,669 thousand; investments $—: 26,669 thousand"""  # noqa: E501


@pytest.mark.parametrize("question, answer", [
    ("According to the WARN report, what is the effective date of Exel Inc.'s closure in Ontario?", "01/18/2015"),
    ("On what date did First Transit give notice of its layoff in San Bernardino?",
     "First Transit gave notice on 06/30/2015."),
])
def test_a_date_cell_written_with_slashes_is_one_date(question, answer):
    verdict = verify(answer, [P(1, "warn.pdf", 8, WARN)], question)
    assert verdict.verdict == VERIFIED, verdict.reason


def test_the_asked_cell_holding_the_answers_figure_is_no_contradiction():
    verdict = verify("The amortized cost of certificates of deposit as of December 31, 2014 was $3,600 thousand.",
                     [P(1, "netflix.pdf", 50, DEPOSITS)],
                     "What was the amortized cost of Netflix's certificates of deposit as of December 31, 2014?")
    assert verdict.verdict != CONTRADICTED, verdict.reason


def test_an_identifier_the_question_names_must_be_in_the_sentence_stating_the_figure():
    page = [P(1, "debian_ja.pdf", 1, "Debian は amd64 アーキテクチャーでは 68980 個のパッケージが利用できます。")]
    assert verify("68980 個です。", page, "amd64 アーキテクチャーでは、いくつのパッケージが利用できますか？").verdict \
        == VERIFIED
    assert verify("68980 個です。", page, "i386 アーキテクチャーでは、いくつのパッケージが利用できますか？").verdict \
        != VERIFIED


def test_a_measure_the_question_names_must_be_named_by_the_row():
    oci = [P(1, "adobe.pdf", 61, "Table: CONSOLIDATED STATEMENTS OF COMPREHENSIVE INCOME (In thousands) columns: "
                               "2015 | 2014 | 2013\nForeign currency translation adjustments (In thousands): "
                               "2015: (123,065); 2014: (75,872); 2013: 21,826")]
    asked = "How much tax did Adobe record on foreign currency translation adjustments in fiscal 2013?"
    assert verify("21,826 thousand", oci, asked).verdict != VERIFIED
    assert verify("21,826 thousand", oci, asked.replace("How much tax did Adobe record on", "What were")).verdict \
        == VERIFIED


SEGMENTS = """Table (In millions) columns: Pharmacy Services | Retail/ LTC | Consolidated Totals
2017:
Revenues from customers: Pharmacy Services: 130,596 million; Retail/ LTC: 79,398 million; Consolidated Totals: 184,765 million
2016:
Revenues from customers: Pharmacy Services: 119,963 million; Retail/ LTC: 81,100 million; Consolidated Totals: 177,526 million"""  # noqa: E501


def test_a_segment_tables_row_under_another_year_is_that_years_figure():
    page = [P(1, "cvs.pdf", 371, SEGMENTS)]
    asked = "What were the revenues from customers of CVS Health's Pharmacy Services segment in {}?"
    assert verify("130,596 million", page, asked.format(2017)).verdict == VERIFIED
    absent = verify("130,596 million", page, asked.format(2015))
    assert absent.verdict == CONTRADICTED and "2017" in absent.reason and "no figure for 2015" in absent.reason


INCOME_ZH = """Table: 3、合并利润表 (continued) (单位：元) columns: 本期发生额 | 上期发生额
销售费用 (单位：元): 本期发生额: 764,036.62; 上期发生额: 705,678.32
管理费用 (单位：元): 本期发生额: 7,838,102.12; 上期发生额: 15,753,158.14"""


@pytest.mark.parametrize("question, answer, expected", [
    ("本报告期合并利润表中的销售费用是多少？", "本报告期的销售费用是764,036.62元。", VERIFIED),  # 本报告期: 本期发生额
    ("上年同期的销售费用是多少？", "705,678.32元", VERIFIED),  # 上年同期: 上期发生额
    ("本报告期合并利润表中的销售费用是多少？", "705,678.32元", CONTRADICTED),
])
def test_a_chinese_statements_columns_are_named_by_the_period_words_of_the_question(question, answer, expected):
    assert verify(answer, [P(1, "report_zh.pdf", 15, INCOME_ZH)], question).verdict == expected


@pytest.mark.parametrize("answer", [
    "青岚转债的转股价格自2025年7月3日起由14.86元/股调整为14.61元/股。",
    "The conversion price was adjusted from $14.86 to $14.61 per share on July 3, 2025.",
])
def test_the_former_value_an_answer_names_beside_the_new_one_takes_no_year_of_the_answer(answer):
    passages = [P(1, "report.pdf", 2, "2024年12月31日，青岚转债的转股价格为14.86元/股。因实施2024年度权益分派，"
                                     "青岚转债的转股价格自2025年7月3日起调整为14.61元/股。 In 2024 the conversion "
                                     "price was $14.86. From July 3, 2025 the conversion price is $14.61 per share.")]
    question = "青岚转债的转股价格调整后是多少？" if "青岚" in answer else "What is the adjusted conversion price?"
    assert verify(answer, passages, question).verdict != CONTRADICTED  # not "14.86 for 2024, not 2025"


def test_values_given_respectively_in_several_clauses_go_with_the_years_listed_before_them():
    sentence = ("For the years ended December 31, 2019 and 2018, the Company's income before income tax expense was "
                "$1.6 billion and $1.9 billion, respectively, and our income tax expense was $130 million (or an 8% "
                "effective tax rate) and $29 million (or a 2% effective tax rate), respectively.")
    passages = [P(1, "10k.pdf", 48, sentence)]
    question = "What was the Company's income tax expense in 2018?"
    verdict = verify("The income tax expense in 2018 was $130 million.", passages, question)
    assert verdict.verdict == CONTRADICTED and "for 2019, not 2018" in verdict.reason


@pytest.mark.parametrize("answer, expected", [
    ("The effective tax rate changed from 24.6% to 21.6% between FY2021 and FY2022.", VERIFIED),
    ("The effective tax rate changed from 21.6% to 24.6% between FY2021 and FY2022.", CONTRADICTED),
])
def test_from_one_value_to_another_between_two_years_pairs_them_in_order(answer, expected):
    sentence = "The effective tax rate was 21.6 percent and 24.6 percent for 2022 and 2021, respectively."
    passages = [P(1, "10k.pdf", 49, sentence)]
    assert verify(answer, passages, "How did the effective tax rate change from FY2021 to FY2022?").verdict == expected


def test_a_total_row_does_not_verify_the_largest_item():
    table = P(1, "10k.pdf", 152, "Table: Funding sources (Billions) columns: 2022 | 2021\n"
                                 "Customer deposits: 2022: $110 billion; 2021: $84 billion\n"
                                 "Long-term debt: 2022: $43 billion; 2021: $38 billion\n"
                                 "Total on-balance sheet: 2022: $213 billion; 2021: $172 billion")
    question = "What was the largest liability on the balance sheet in 2022?"
    verdict = verify("The largest liability in 2022 was $213 billion.", [table], question)
    assert verdict.verdict == UNSUPPORTED and "gives the total" in verdict.reason
    asked_total = verify("The total on-balance sheet funding in 2022 was $213 billion.", [table],
                         "What was the total of the largest funding sources in 2022?")
    assert "gives the total" not in asked_total.reason  # a question asking for a total


def test_shares_authorized_do_not_verify_shares_issued():
    question = "How many shares of Boeing common stock were issued as of December 31, 2022?"
    passages = [P(1, "BOEING_2022_10K.pdf", 107, "As of December 31, 2022 and 2021, there were 1,200,000,000 shares of "
                  "common stock and 20,000,000 shares of preferred stock authorized.")]
    verdict = verify("1,200,000,000 shares were issued.", passages, question)
    assert verdict.verdict == UNSUPPORTED and "authorized, not issued" in verdict.reason
    authorized = "How many shares of common stock was Boeing authorized to issue as of December 31, 2022?"
    assert verify("1,200,000,000 shares.", passages, authorized).verdict == VERIFIED


def test_a_label_naming_its_measure_after_another_is_not_that_other():
    table = """Table: Significant components of our deferred tax assets/(liabilities) (in millions) columns: 2022 | 2021
Valuation allowance: 2022: (2,648 million); 2021: (2,423 million)
Net deferred tax assets/(liabilities) after valuation allowance: 2022: ($167 million); 2021: ($141 million)"""
    passages = [P(1, "BOEING_2022_10K.pdf", 77, table)]
    question = "What valuation allowance had Boeing recorded against its deferred tax assets at December 31, 2021?"
    assert verify("($141 million).", passages, question).verdict != VERIFIED
    assert verify("$2,423 million.", passages, question).verdict == VERIFIED
    after = "What were Boeing's net deferred tax assets after valuation allowance at December 31, 2021?"
    assert verify("($141 million).", passages, after).verdict == VERIFIED
    debt = """Table: Long-term debt (in millions) columns: 2022 | 2021
Less: Current portion of long-term debt: 2022: (500 million); 2021: (250 million)"""
    question = "What was the current portion of Boeing's long-term debt at December 31, 2022?"
    assert verify("$500 million.", [P(1, "BOEING_2022_10K.pdf", 90, debt)], question).verdict == VERIFIED
    acquisitions = """Table: Cash flows from investing activities (in millions) columns: 2022 | 2021
Acquisitions, net of cash acquired: 2022: (1,200 million); 2021: (300 million)"""  # ", net of": the item itself
    question = "How much did Boeing spend on acquisitions in 2022?"
    assert verify("$1,200 million.", [P(1, "BOEING_2022_10K.pdf", 60, acquisitions)], question).verdict == VERIFIED


def test_a_business_the_question_names_must_be_named_where_the_figure_is():
    table = """Table: Year ended December 31, 2017 columns: United States | Latin America/ Canada | Worldwide
Net sales (millions): United States: $12,372 million; Latin America/ Canada: $3,033 million; Worldwide: $31,657 million"""
    passages = [P(1, "3M_2018_10K.pdf", 25, table)]
    question = "How much in net sales did 3M's Consumer business generate in the Latin America and Canada region in 2017?"
    assert verify("$3,033 million.", passages, question).verdict != VERIFIED
    company = "How much in net sales did 3M generate in the Latin America and Canada region in 2017?"
    assert verify("$3,033 million.", passages, company).verdict == VERIFIED


def test_a_segment_column_under_a_year_header_is_found_by_the_segment_the_question_names():
    table = """Table: (amounts in millions) columns: For the Year Ended December 31, 2019 Activision | For the Year Ended December 31, 2019 Blizzard | For the Year Ended December 31, 2019 King
Segment net revenues: For the Year Ended December 31, 2019 Activision: $2,219 million; For the Year Ended December 31, 2019 Blizzard: $1,719 million; For the Year Ended December 31, 2019 King: $2,031 million"""
    passages = [P(1, "ACTIVISIONBLIZZARD_2019_10K.pdf", 40, table)]
    question = ("What were the segment net revenues of Activision Blizzard's Blizzard segment for the year ended "
                "December 31, 2019?")
    assert verify("$1,719 million.", passages, question).verdict == VERIFIED
    assert verify("$2,219 million.", passages, question).verdict != VERIFIED


def test_a_label_summing_the_asked_item_and_others_does_not_verify_it():
    table = """Table: Purchased and other intangible assets subject to amortization (in thousands) columns: 2015 Cost | 2015 Net
Purchased technology: 2015 Cost: $199,053 thousand; 2015 Net: $94,349 thousand
Purchased and other intangible assets, net: 2015 Cost: $968,893 thousand; 2015 Net: $510,007 thousand"""
    passages = [P(1, "ADOBE_2015_10K.pdf", 81, table)]
    question = "What was the gross cost of Adobe's purchased technology intangible assets as of November 27, 2015?"
    assert verify("$968,893 thousand.", passages, question).verdict != VERIFIED
    assert verify("$199,053 thousand.", passages, question).verdict == VERIFIED


def test_a_row_of_the_other_items_of_a_kind_is_not_the_kind_asked():
    """"other" is a stop word, so "Total other comprehensive income" holds every word of "total comprehensive
    income": the label's "other" (the question not saying it) rules the row out."""
    table = """Table: Consolidated Statements of Comprehensive Income (in millions) columns: 2019 | 2018
Net income: 2019: $1,503 million; 2018: $1,813 million
Total other comprehensive income (loss): 2019: ($18 million); 2018: $34 million
Comprehensive income: 2019: $1,485 million; 2018: $1,847 million"""
    passages = [P(1, "ACTIVISIONBLIZZARD_2019_10K.pdf", 71, table)]
    question = "What was Activision Blizzard's total comprehensive income for 2019?"
    assert verify("($18 million).", passages, question).verdict != VERIFIED
    assert verify("$1,485 million.", passages, question).verdict == VERIFIED
    other = "What was Activision Blizzard's total other comprehensive income (loss) for 2019?"
    assert verify("($18 million).", passages, other).verdict == VERIFIED


def test_a_cjk_questions_grammar_and_period_are_no_subject_words():
    from rag.answer.question_subject import subject_words

    assert subject_words("テキストデーター変換ツールのリストで、nkf パッケージのサイズはいくつですか？") >= {"nkf", "サイ", "イズ"}
    assert not {"のサ", "すか", "です", "いく"} & subject_words("nkf パッケージのサイズはいくつですか？")
    assert subject_words("2024年第四季度云岫市金融业增加值是多少？") >= {"云岫", "岫市", "市金", "金融", "融业", "业增",
                                                                  "增加", "加值", "第四", "四季", "季度"}
    assert not {"年第", "年云"} & subject_words("2024年第四季度云岫市金融业增加值是多少？")  # the year is checked apart
