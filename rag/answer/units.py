"""A passage read as units: its sentences, and each labelled table row with its label, cells, table and title.

The ingest writes a table's rows as `label (unit): header: value; ...` under a line opening the table ("Table:
caption (unit) columns: ..."); here a passage is split back into those rows (`Unit`, kind "row") and the sentences
of its prose. A row knows the title of the rows it stands under ("Operating activities", "2018:"), the rows it is
indented under, and, in a roll-forward, the year of the balance its movement ends in.

Hands on `Unit`, `passage_units` and `parse_row` to the verifier (`rag.answer.verify`) and the cell step
(`rag.answer.cell`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rag.answer.columns import years
from rag.answer.grounding import Passage, figures
from rag.ingest.table_rows import PARENT_MARK
from rag.text import place_text

UNIT_CHARS = 300  # a unit shown is cut to about this length
# a label may open with how the row is summed ("Less: Accumulated depreciation: 2018: ...")
OPERATOR = r"(?:less|add|plus|minus|deduct|add back|of which)"
_ROW_RE = re.compile(rf"^(?P<label>(?i:{OPERATOR}):\s+[^:\n]{{1,200}}?|[^:\n]{{1,200}}?)"
                     r"(?: \((?P<unit>[^()]*(?:\([^()]*\)[^()]*)*)\))?: (?P<cells>.+)$")
_CELL_SPLIT = re.compile(r";\s+")
_NAME_PART_RE = re.compile(r"^[A-Z][a-z]+(?: [A-Z][a-z]+){1,3}$")  # "(Torrey View)", not "(in millions)" or "(a)"
_MARKERS_RE = re.compile(r"(?:\(\d{1,2}\)){2,}|\*+")  # "(6)(7)": footnote marks ("(4)" alone is a negative four)
_SECTION_TITLE_RE = re.compile(r"^(?:[A-Z]|(?:19|20)\d\d\b)[^.;:]{0,58}:?$")  # a short line in a table: the title of
# the rows below ("Operating activities:", "2018:" over a year's quarterly rows)
# a labelled table's opening line (`rag.ingest.tables.Table.header_text`): "Table: caption ...", "Table (unit)",
# "Table columns: ...", or "Table" alone for a table with neither caption nor headers
_TABLE_HEAD_RE = re.compile(r"^Table(?::| \(| columns: |$)")
_SENTENCE_RE = re.compile(r"(?<=[.!?;])\s+(?=[^\sa-z])|(?<=[。！？；])|\n\s*\n|\s*\n(?=\s*[A-Z\u2022\-*])")


@dataclass
class Unit:
    """One sentence, or one labelled table row, of a passage."""

    source: int
    file: str
    page: int
    text: str
    kind: str = "sentence"  # or "row"
    label: str = ""  # a row's label
    cells: list[tuple[str, str]] = field(default_factory=list)  # a row's (column header, value)
    context: str = ""  # a row's table caption and unit
    section: str = ""  # the title of the rows a row stands under in its table ("Broadcasting" over "European
    # competitions"), or the labels of the rows it is indented under ("Severe disability" over "Employed")
    parents: str = ""  # those labels alone, as written before the row's own: "Severe disability › "
    place: str | None = None  # the place in a non-PDF file (`rag.text.place_text`)
    period: str = ""  # the year of a roll-forward's movement: that of the balance it ends in ("Forfeited" between
    # "Outstanding at December 31, 2018" and "... at December 31, 2019" is 2019's)

    @property
    def where(self) -> str:
        return place_text(self.page, self.place)

    def to_dict(self) -> dict:
        out = {"source": self.source, "file": self.file, "page": self.page, "place": self.place, "kind": self.kind,
               "text": _clip(self.text)}
        if self.kind == "row":
            out["row"] = {"label": self.parents + self.label, "cells": [[head, value] for head, value in self.cells]}
        return out


def table_caption(context: str) -> str:
    """A table's caption from a row's context, its opening line: "Table: Retail/LTC Segment (in millions)
    columns: 2017 | 2016" gives "Retail/LTC Segment (in millions)"."""
    return re.sub(r"^Table:?\s*|\s*columns: .*$", "", context)


def passage_units(passage: Passage) -> list[Unit]:
    """A passage's table rows (lines of a labelled table) and sentences, in order."""
    units: list[Unit] = []
    context = ""
    prose: list[str] = []
    place = getattr(passage, "place", None)

    def flush() -> None:
        text = "\n".join(prose)
        prose.clear()
        for piece in _SENTENCE_RE.split(text):
            piece = " ".join(piece.split())
            if piece:
                units.append(Unit(passage.number, passage.file, passage.page, piece, place=place))

    section, under = "", 0  # the title of the rows under way, and how many rows stood under it
    for line in passage.text.split("\n"):
        stripped = line.strip().lstrip("… ").strip()
        if _TABLE_HEAD_RE.match(stripped):
            flush()
            context, section, under = stripped, "", 0
            continue
        row = parse_row(stripped) if context else None
        if row is not None and all(_MARKERS_RE.fullmatch(value) for _, value in row[1]):
            row, stripped = None, row[0]  # "Generic dispensing rate: (6)(7)": footnote marks, a title of rows
        if row is not None:
            flush()
            label, cells = row
            parents, _, label = label.rpartition(PARENT_MARK)  # "Severe disability › Employed": its own label
            units.append(Unit(passage.number, passage.file, passage.page, stripped, "row", label, cells, context,
                              place=place, section=parents or section,
                              parents=parents + PARENT_MARK if parents else ""))
            if label.casefold().startswith("total") and under:
                section = ""  # "Total non-operating income (expense), net" after its rows closes its part
            under += 1
            continue
        if context and _SECTION_TITLE_RE.match(stripped):
            section, under = stripped.rstrip(":"), 0
        prose.append(line)
    flush()
    _date_movements(units)
    return units


_BALANCE_RE = re.compile(r"\b(?:balances?|outstanding|unvested|nonvested|beginning|ending)\b", re.IGNORECASE)


def _date_movements(units: Sequence[Unit]) -> None:
    """Date a roll-forward's movements by the balances around them: the rows between a dated balance ("Balance as
    of December 31, 2016", "Outstanding at December 31, 2018") and the next are the next balance's year's; after
    the last, the year after a December balance's (or its own)."""
    opening: tuple[str, int] | None = None  # the table and year of the last balance row
    waiting: list[Unit] = []
    for unit in units:
        if unit.kind != "row" or opening is not None and unit.context != opening[0]:
            _give_year(waiting, opening)
            opening, waiting = None, []
            if unit.kind != "row":
                continue
        dated = years(unit.label)
        if _BALANCE_RE.search(unit.label) and len(dated) == 1:
            year = next(iter(dated))
            for movement in waiting:
                movement.period = str(year)
            opening, waiting = (unit.context, year + 1 if "dec" in unit.label.casefold() else year), []
        elif opening is not None and not dated:
            waiting.append(unit)
    _give_year(waiting, opening)


def _give_year(movements: list[Unit], opening: tuple[str, int] | None) -> None:
    for movement in movements if opening is not None else []:
        movement.period = str(opening[1])


def parse_row(line: str) -> tuple[str, list[tuple[str, str]]] | None:
    """(label, [(header, value)]) of a labelled row "Label (unit): 2022: 214,847; 2021: 254,815", or None. A
    record's cells may be words under their headers ("City: Torrance"); one at least is a figure."""
    match = _ROW_RE.match(line)
    if not match:
        return None
    cells = []
    for part in _CELL_SPLIT.split(match.group("cells")):
        head, sep, value = part.rpartition(": ")
        if not sep:
            head, value = "", part
        words = not figures(value) and value.strip() not in ("-", "—", "–")
        if words and not (sep and len(value) <= 60):  # a record's word under its header ("City: Torrance")
            return None
        cells.append((head.strip(), value.strip()))
    if not any(figures(value) for _, value in cells):
        return None
    label, unit = match.group("label").strip(), match.group("unit")
    if unit and _NAME_PART_RE.match(unit):  # "CareFusion (Torrey View)": part of the name, not a unit
        label = f"{label} ({unit})"
    return label, cells


def _clip(text: str) -> str:
    return text if len(text) <= UNIT_CHARS else text[: UNIT_CHARS - 1].rstrip() + "\u2026"
