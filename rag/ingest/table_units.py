"""A table's unit, as printed ("(£'000)", "in millions", "单位：万元"), and as each of its values then carries it.

Hands on `UNIT_RE` (where a unit is printed), `is_unit` (a cell that only gives one), `short_unit`, `row_unit`,
`scale_of` (its currency sign and scale word) and `with_scale` ("(338,503)" in a £'000 table reads
"(£338,503 thousand)") to `rag.ingest.tables`.
"""

from __future__ import annotations

import re


# Chinese/Japanese: "单位：万元", "（単位：百万円）", "單位：人民幣千元", "单位：股" (the scale characters 千 万 百万 亿
# and the currency 元 円 before a count word are optional, not both); "编制单位：" names who drew the table up, no unit
CJK_UNIT = (r"[（(]?\s*(?<!编制)(?<!編製)(?<!编製)(?:单位|單位|単位)\s*[:：]\s*(?:人民币|人民幣|美元|港元|日元)?\s*"
            r"(?:(?:千|万|萬|百万|百萬|千万|亿|億)\s*(?:元|円|圆|股|人|户|名)?|元|円|圆|股|人|户|名|%|％)\s*[）)]?")
CJK_UNIT_RE = re.compile(CJK_UNIT)
UNIT_RE = re.compile(
    r"\((?:[^()]*(?:\b(?:in\s+)?(?:thousands|millions|billions)|(?<![\d,.])['’]?000s?)\b[^()]*|[£$€¥]\s?'?000s?|[£$€¥]m|[£$€¥]bn"
    r"|\s*(?:in\s+)?%\s*|in\s+[£$€¥][^()]*|millions|thousands|(?:percent(?:age)?|%)\s+of\s[^()]*)\)"
    r"|\b(?:in|amounts in|dollars in|\$ in)\s+(?:thousands|millions|billions)\b"
    r"(?:,?\s*(?:except|unless|other than)(?:\s*(?-i:[a-z])[\w'’-]*){0,6})?"  # its exceptions, in lower case, not
    # the headers beside it ("In millions, except per share amounts Quarter Quarter")
    r"|[£$€¥]\s?'000s?"
    rf"|{CJK_UNIT}",
    re.IGNORECASE,
)


def scale_of(unit: str) -> tuple[str, str] | None:
    """(currency sign, scale word) of a table's unit: "£’000" -> ("£", "thousand"), "$ in millions" -> ("$",
    "million"), "Millions" -> ("", "million"); None when the unit is not a scale (%, pence, a count)."""
    text = row_unit(unit).casefold()
    cjk = re.search(r"(?:单位|單位|単位)\s*[:：]\s*(?:人民币|人民幣|美元|港元|日元)?\s*(千|万|萬|百万|百萬|千万|亿|億)\s*(元|円|圆)?",
                    text)
    if cjk:  # "单位：万元": each value reads "302,600.00 万元" (rag.answer.grounding reads the scale back)
        return "", cjk.group(1) + (cjk.group(2) or "")
    if re.search(r"\bthousands?\b|['’]?000s?\b", text):
        word = "thousand"
    elif re.search(r"\bmillions?\b|\bmn\b|[£$€]m\b", text):
        word = "million"
    elif re.search(r"\bbillions?\b|\bbn\b", text):
        word = "billion"
    else:
        return None
    currency = next((sign for sign in ("£", "$", "€", "¥") if sign in text), "")
    if not currency:
        currency = {"usd": "$", "dollars": "$", "gbp": "£", "pounds": "£", "eur": "€", "euros": "€"}.get(
            next((w for w in re.findall(r"[a-z]+", text) if w in ("usd", "dollars", "gbp", "pounds", "eur", "euros")),
                 ""), "")
    return currency, word


def with_scale(value: str, currency: str, word: str) -> str:
    """"(338,503)" in a £'000 table -> "(£338,503 thousand)", "$(290)" -> "($290 million)", "-$12" -> "-$12
    million", "△772" -> "△772 百万円"; a dash or a percentage stays as it is."""
    match = re.fullmatch(r"([-△▲]\s*)?([$£€¥])?\s*(\()?\s*([$£€¥])?\s*(-?[\d,]+(?:\.\d+)?)\s*(\))?(.*)",
                         value.strip())
    if not match or "%" in value or not any(ch.isdigit() for ch in value):
        return value
    minus, outer_sign, opened, sign, number, closed, rest = match.groups()
    body = f"{outer_sign or sign or currency}{number} {word}"
    return (f"({body})" if opened and closed else f"{minus.strip() if minus else ''}{body}") + (rest or "")


def row_unit(unit: str) -> str:
    """The unit as each row carries it: the unit proper ("Millions", "£'000"), not its exceptions."""
    return re.split(r",\s*(?:except|unless|other than)\b", unit, maxsplit=1, flags=re.IGNORECASE)[0].strip()


def is_unit(text: str) -> bool:
    """A cell that only gives the unit: "(£'000)", "(£'000, unless otherwise indicated)", "(in millions)"."""
    text = text.strip()
    match = UNIT_RE.search(text)
    return bool(match) and (match.group() == text or text.startswith("(") and text.endswith(")"))


def short_unit(text: str) -> str:
    text = re.sub(r",?\s*unless otherwise (?:indicated|stated|noted)", "", text, flags=re.IGNORECASE)
    return text.strip("()（） ")
