"""Which year a sentence states a figure for: the year written after the figure in its stretch of the sentence,
else the one before it; years listed before values in order ("... 2022, 2021 and 2020 ... 36.8%, 51.6% and 27.6%,
respectively"); "(2021: $225,000,000)" labelling the figure after it.

Hands on `year_near_value` (a year, None, or -1 for several) and the value spans of a text to `rag.answer.verify`.
"""

from __future__ import annotations

import re

from rag.answer.columns import YEAR_RE
from rag.answer.grounding import Claim, Figure, dates, figures


def is_year_figure(figure: Figure, text: str) -> bool:
    return figure.exponent == 0 and not figure.percent and figure.decimals == 0 and 1900 <= figure.value <= 2099 \
        and f"{int(figure.value):,}" not in text


def value_spans(text: str) -> list[tuple[tuple[int, int], Figure]]:
    """The figures of `text` that are values: not years, not the day or year of a date ("30 June 2022")."""
    in_dates = [span for _, _, span in dates(text)]
    return [(span, figure) for _, figure, span in figures(text) if not is_year_figure(figure, text)
            and not any(start <= span[0] < end for start, end in in_dates)]


def year_near_value(text: str, claim: Claim) -> int | None:
    """The year the sentence gives the claim's figure for: the first year after the figure and before the next one
    ("£110.5 million for the year ended 30 June 2022 from £7.1 million ... 2021"), else the last year before it and
    after the figure before it ("In 2022, revenue was ..."); None when its stretch of the sentence names no year."""
    mine = figures(claim.text)
    if not mine:
        return None
    values = [span for span, _ in value_spans(text)]
    spots = [span for span, figure in value_spans(text) if mine[0][1].supported_by(figure)]
    year_spots = [(m.start(), int(m.group(1)) if m.group(1) else 2000 + int(m.group(2)))
                  for m in YEAR_RE.finditer(text)]
    # "$270 million, $287 million and $366 million in 2015, 2016 and 2017": as many years after the last value as
    # there are values, none between them: the values go with the years in order
    trailing = [year for at, year in year_spots if values and at >= values[-1][1]]
    if len(values) >= 2 and len(trailing) == len(values) and not any(values[0][0] <= at < values[-1][1]
                                                                      for at, _ in year_spots):
        found = [trailing[values.index(span)] for span in spots]
        return found[0] if len(set(found)) == 1 else -1
    # "For each of the years ended 30 June 2022, 2021 and 2020, revenue constituted 36.8%, 51.6% and 27.6%,
    # respectively": the years listed before the values, in the same order
    leading = [year for at, year in year_spots if values and at < values[0][0]]
    if len(values) >= 2 and (len(leading) == len(values) or "respectively" in text.lower()
                             and len(leading) > len(values)):
        found = [leading[len(leading) - len(values) + values.index(span)] for span in spots]
        return found[0] if len(set(found)) == 1 else -1
    respective = _respective_years(text, values, spots, leading)
    if respective is not None:
        return respective
    found = []
    for start, end in spots:  # the same figure may be stated twice ("$225,000,000 (2021: $225,000,000)")
        before = max((e for s, e in values if e <= start), default=0)
        after = min((s for s, e in values if s >= end), default=len(text))
        # "(2021: $225,000,000)": a year with a colon labels the figure after it, never the one before
        following = [year for at, year in year_spots if end <= at < after and not text[at + 4:at + 6].startswith(":")]
        preceding = [year for at, year in year_spots if before <= at < start]
        found.append(following[0] if following else preceding[-1] if preceding else None)
    if not found or None in found:
        return None
    return found[0] if len(set(found)) == 1 else -1  # -1: stated for several years


def _respective_years(text: str, values: list[tuple[int, int]], spots: list[tuple[int, int]], leading: list[int]
                      ) -> int | None:
    """"For the years ended December 31, 2019 and 2018, income before tax was $1.6 billion and $1.9 billion,
    respectively, and income tax expense was $130 million (or an 8% rate) and $29 million (or 2%), respectively":
    each clause ending in "respectively" gives its values (less those in brackets) to the years listed before the
    values, in order. None when the claim's clause does not pair up so."""
    if len(leading) < 2 or not spots:
        return None
    ends = [m.end() for m in re.finditer(r"\brespectively\b", text, re.IGNORECASE)]
    found = []
    for start, _end in spots:
        clause_end = next((end for end in ends if end > start), None)
        if clause_end is None:
            return None
        clause_start = max((end for end in ends if end <= start), default=0)
        own = [span for span in values if clause_start <= span[0] < clause_end and not _bracketed(text, span[0])]
        if len(own) != len(leading) or (start, _end) not in own:
            return None
        found.append(leading[own.index((start, _end))])
    return found[0] if len(set(found)) == 1 else -1


def _bracketed(text: str, at: int) -> bool:
    """Whether position `at` of `text` is inside round brackets ("(or an 8% effective tax rate)")."""
    return text.count("(", 0, at) > text.count(")", 0, at)
