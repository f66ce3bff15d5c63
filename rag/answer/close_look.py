"""The closest evidence alone, for a last look by the reader: the lead unit (`rag.answer.verify.lead_evidence`, the
sentence or row most like the question) with the sentences either side of it in its passage.

A small reader given five passages sometimes only restates the question, even when asked for the exact word: the
sentence holding the answer is one of forty ("We evaluated 48 randomly chosen tables. Among these tables, we found
that 36 tables were consistent." answered "48 tables were consistent."). Given the three sentences around the
closest one, it has little else to restate. Hands on a passage `Document` (its metadata that of the passage it was
cut from, `focused_from` pointing at it) or None when the lead is not in the passages.
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.documents import Document

from rag.answer.result import to_sources
from rag.answer.units import Unit, passage_units

AROUND = 1  # sentences kept before and after the closest one


def lead_window(lead: Unit | None, passages: Sequence[Document]) -> Document | None:
    """The lead with its neighbouring sentences (a row with its table's caption), cut from its passage."""
    if lead is None or not 1 <= lead.source <= len(passages):
        return None
    passage = passages[lead.source - 1]
    units = passage_units(to_sources([passage])[0])
    at = next((i for i, unit in enumerate(units) if unit.text == lead.text), None)
    if at is None:
        return None
    if lead.kind == "row":
        text = "\n".join(part for part in (lead.context, lead.text) if part)
    else:
        near = units[max(0, at - AROUND):at + AROUND + 1]
        text = " ".join(unit.text for unit in near if unit.kind == "sentence")
    return Document(text, metadata={**passage.metadata, "focused_from": lead.source - 1})
