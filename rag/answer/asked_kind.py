"""Whether an answer gives the kind of value the question asks for, before any sentence is looked at.

A sentence can state an answer that is true and still not what was asked: "36.8% of our total revenue" for "What
was 2022 broadcasting revenue?" (the share, not the amount), or a sentence about the Care Quality Commission for
"What is the telephone no for the Care Quality Commission?" (no number at all). Such an answer is not `verified`,
however well a passage states it.

- a question asking for a telephone number, e-mail or web address (`rag.query.contacts`) needs one in the answer;
- a question asking for an amount of money (revenue, income, assets, "how much") needs more than percentages,
  unless it asks for a share, rate, margin or change ("how much did revenue grow", "what percentage of sales");
- a question that opens on the amount it asks for ("What was broadcasting revenue in fiscal 2022?", "How much ...")
  needs a figure: "It was derived from the rights to the Premier League" names, but gives no revenue;
- a question asking for a percentage or a ratio (a tax, interest or growth rate, "what percentage") needs more than
  amounts of money: "the $38.6 million release of tax reserves" does not give an effective tax rate;
- a question asking how much was spent or paid needs money, not a count: "Common Stock Shares: (1,358 thousand)";
  one asking how many (options exercised, stores) needs a count, not money: "Stock options: $323 million".

Hands on `missing_kind` to the verifier (`rag.answer.verify.verify`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer.grounding import Claim, figures
from rag.query.contacts import asked_contacts, holds

_AMOUNT_RE = re.compile(
    r"\b(?:revenues?|sales|income|profits?|earnings|costs?|expenses?|expenditures?|capex|assets|liabilities|debt"
    r"|cash|equity|spend(?:ing)?|price|payments?|fees?|turnover|wages|salar(?:y|ies)|how much)\b", re.IGNORECASE)
# a share, a rate or a change may well be answered by a percentage
_RELATIVE_RE = re.compile(
    r"%|\b(?:percent(?:age)?s?|share|proportion|portion|part|fraction|margins?|rates?|ratios?|yields?|returns?"
    r"|growth|grow|grew|grown|change[ds]?|increase[ds]?|decrease[ds]?|decline[ds]?|rise|rose|risen|fall|fell"
    r"|fallen|drop(?:ped)?|improve[ds]?|improvements?|compared?|much of|multiple)\b", re.IGNORECASE)


# "What was/were [the/its/X's] ... revenue(s)/sales/...": the question opens on the amount it asks for
_HOW_MUCH_OF_RE = re.compile(
    r"(?!.*\b(?:sources?|kinds?|types?|drivers?|reasons?|components?|categories|policy|policies)\b)"
    r"\s*(?:how much\b|what (?:was|were|is|are) (?:the |its |their )?(?:[\w'’.&-]+ ){0,5}?"
    r"(?:revenues?|sales|income|profits?|earnings|expenses?|expenditures?|capex|assets|liabilities|debt|cash"
    r"|spending|payments?|fees?|turnover)\b(?! (?:recognition|policy|policies|model|sources?|streams?|mix)\b))",
    re.IGNORECASE)
_PROPORTION_RE = re.compile(
    r"\b(?:percent(?:age)?|ratios?|(?:tax|interest|growth|discount|write-?off|churn|attrition|unemployment|inflation"
    r"|participation|response|return|default|vacancy|occupancy|utili[sz]ation) rates?)\b", re.IGNORECASE)
_MONEY_RE = re.compile(r"[$£€¥]|\b(?:thousand|million|billion|trillion|usd|eur|gbp|rmb|inr)\b", re.IGNORECASE)
# "How much did Costco spend on repurchasing common stock?" asks for money: a count of shares is not it
_SPENT_RE = re.compile(r"\bhow much (?:[\w'’.&-]+ ){0,6}?(?:spend|spent|pay|paid|invest|invested)\b", re.IGNORECASE)
_COUNT_WORDS_RE = re.compile(r"\b(?:shares|units|number of|employees|people|stores|customers)\b", re.IGNORECASE)
_CURRENCY_RE = re.compile(r"[$£€¥]|\b(?:dollars?|pounds?|euros?|usd|gbp|eur|yuan|yen|rmb|rs\.?|inr)\b|元|円",
                          re.IGNORECASE)
_HOW_MANY_RE = re.compile(r"\bhow many\b(?!\s+(?:dollars?|pounds?|euros?|yuan|yen|rupees?)\b)", re.IGNORECASE)


def money_for_a_count(question: str, value: str) -> bool:
    """Whether `value` is an amount of money where the question asks how many: "$323 million" for "How many stock
    options were exercised?"."""
    return bool(_HOW_MANY_RE.search(question)) and bool(_CURRENCY_RE.search(value))


def missing_kind(question: str, answer: str, claims: Sequence[Claim]) -> str | None:
    """The kind of value the question asks for and the answer does not give ("a telephone or fax number", "an amount,
    not only a percentage"), or None."""
    for kind in sorted(asked_contacts(question)):
        if not holds(kind, answer):
            return f"a {kind}"
    if _SPENT_RE.search(question) and _COUNT_WORDS_RE.search(answer) and not _CURRENCY_RE.search(answer) \
            and any(claim.kind == "figure" for claim in claims):
        return "an amount of money, not a count"  # "Repurchases of common stock, Common Stock Shares: (1,358
        # thousand)" for how much was spent on them
    if money_for_a_count(question, answer) and not any(
            not _CURRENCY_RE.search(claim.text) for claim in claims if claim.kind == "figure"):
        return "a count, not an amount of money"
    if _AMOUNT_RE.search(question) and not _RELATIVE_RE.search(question):
        values = [figure for claim in claims if claim.kind == "figure" for _, figure, _ in figures(claim.text)]
        if values and all(figure.percent for figure in values):
            return "an amount, not only a percentage"
        if not values and _HOW_MUCH_OF_RE.match(question):
            return "an amount"  # "What was broadcasting revenue in fiscal 2022?" answered "... was derived from
            # the broadcasting rights to the Premier League"
    elif _PROPORTION_RE.search(question) and not re.search(r"\bhow much\b", question, re.IGNORECASE):
        amounts = [claim for claim in claims if claim.kind == "figure"]
        if amounts and all(_MONEY_RE.search(claim.text) and not figures(claim.text)[0][1].percent
                           for claim in amounts):
            return "a percentage or ratio, not an amount of money"
    return None
