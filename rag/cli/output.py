"""How an answer is shown in the terminal: the streamed text, numbered sources, and the timing block.

Takes an `Answer` (`rag.answer.answerer`) and prints it; `main.py` is its caller.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

from rag.answer.answerer import Answer
from rag.text import place_text

TIMING_ROWS = [
    ("embeddings_load", "embeddings load", "s"),
    ("index_load", "index load", "s"),
    ("model_load", "model load", "s"),
    ("retrieval", "retrieval", "s"),
    ("first_evidence", "first evidence shown", "s"),
    ("verification", "verification", "s"),
    ("first_look", "looks with no answer", "s"),
    ("prompt_tokens", "prompt tokens", ""),
    ("prompt_processing", "prompt processing", "s"),
    ("ttft", "time to first token", "s"),
    ("generated_tokens", "generated tokens", ""),
    ("tokens_per_second", "generation speed", " tok/s"),
    ("total", "total (this question)", "s"),
]


def stream_printer() -> Callable[[str], None]:
    def write(piece: str) -> None:
        sys.stdout.write(piece)
        sys.stdout.flush()

    return write


def format_lead(unit) -> str:
    """The evidence shown before the answer streams: file, page and the sentence or row most like the question."""
    return f'Evidence first: {unit.file}, {unit.where}: "{_short(unit.text)}"'


def lead_printer() -> Callable:
    def write(unit) -> None:
        print(format_lead(unit), flush=True)
        print(flush=True)

    return write


def format_sources(answer: Answer) -> str:
    if not answer.sources:
        return "Sources: none (the model was not asked: the passages found cannot answer the question)"
    lines = ["Sources:"]
    for source in answer.sources:
        lines.append(f"  {source.cite()}")
        if source.table and source.table.get("rows"):
            lines.extend("      " + line for line in format_table(source.table))
        else:
            lines.append(f"      {source.snippet}")
    return "\n".join(lines)


TABLE_ROWS_SHOWN = 6
LABEL_WIDTH = 42


def format_table(table: dict, limit: int = TABLE_ROWS_SHOWN) -> list[str]:
    """A passage's table rows as aligned text: caption and unit, the column headers, then the rows."""
    headers = [head or "" for head in table.get("headers", [])]
    rows = [row for row in table.get("rows", []) if len(row) > 1][:limit]
    widths = [max([len(head), *(len(str(row[i + 1])) for row in rows if i + 1 < len(row))]) for i, head in
              enumerate(headers)]
    title = " ".join(part for part in (table.get("caption", ""), f"({table['unit']})" if table.get("unit") else "")
                     if part)
    lines = [f"Table: {title}"] if title else []
    lines.append(" " * LABEL_WIDTH + "  " + "  ".join(head.rjust(w) for head, w in zip(headers, widths)))
    for label, *values in rows:
        label = label if len(label) <= LABEL_WIDTH else label[: LABEL_WIDTH - 1] + "…"
        lines.append(f"{label:<{LABEL_WIDTH}}  " + "  ".join(str(v).rjust(w) for v, w in zip(values, widths)))
    more = len([row for row in table.get("rows", []) if len(row) > 1]) - len(rows)
    if more > 0:
        lines.append(f"… {more} more row(s)")
    return lines


VERDICT_MARKS = {"verified": "Verified", "unsupported": "Unsupported", "contradicted": "Contradicted"}


def format_verdict(answer: Answer) -> str:
    """The verification verdict in two lines at most: the mark and why, then the evidence unit with its page."""
    verdict = answer.verdict
    if verdict is None:
        return ""
    lines = []
    unit = verdict.unit
    if verdict.verdict == "verified" and unit is not None and _same_unit(unit, answer.lead):
        lines.append(f"Verified: by the evidence above ([{unit.source}] {unit.file}, {unit.where})")
    elif verdict.verdict == "verified" and unit is not None:
        lines.append(f"Verified: [{unit.source}] {unit.file}, {unit.where}: \"{_short(unit.text)}\"")
    elif verdict.verdict == "contradicted":
        lines.append(f"Contradicted: {verdict.reason}")
        if unit is not None:
            lines.append(f"  [{unit.source}] {unit.file}, {unit.where}: \"{_short(unit.text)}\"")
    else:
        lines.append(f"Unsupported: {verdict.reason}")
        if unit is not None:
            lines.append(f"  closest: [{unit.source}] {unit.file}, {unit.where}: \"{_short(unit.text)}\"")
    grounding = answer.grounding
    if grounding is not None and grounding.also_in and verdict.verdict == "verified":
        lines.append(also_stated(grounding.also_in, unit.file if unit else "", places_of(answer)))
    return "\n".join(lines)


def places_of(answer: Answer) -> dict[int, str | None]:
    """Each source's place in a non-PDF file, by source number."""
    return {source.number: source.place for source in answer.sources}


def _same_unit(unit, lead) -> bool:
    return lead is not None and (lead.file, lead.page, lead.text) == (unit.file, unit.page, unit.text)


def also_stated(also_in, file: str, places: dict[int, str | None] | None = None) -> str:
    """The other pages (or places of other formats, by source number in `places`) stating the same value, in one
    line; the file is named only when it is another."""
    places = places or {}
    same = [page for n, other, page in also_in if other == file and not places.get(n)]
    others = [f"{place_text(page, places.get(n))}" + (f" of {other}" if other != file else "")
              for n, other, page in also_in if other != file or places.get(n)]
    pages = [f"page{'s' if len(same) > 1 else ''} {', '.join(map(str, same))}"] if same else []
    return "Also stated on " + "; ".join(pages + others)


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def format_grounding(answer: Answer) -> str:
    """The grounding check's verdict: the evidence sentence and page, or what no passage holds
    ("Not found in the sources: ..."); "" when there is nothing to show."""
    from rag.answer.grounding import NOT_FOUND

    grounding = answer.grounding
    if grounding is None:
        return ""
    lines = []
    if grounding.grounded is False:
        missing = ", ".join(f'"{text}"' for text in grounding.missing)
        lines.append(f"{NOT_FOUND[0].upper()}{NOT_FOUND[1:]}: {missing} (no passage given to the model holds it; "
                     "check before relying on this answer)")
    for evidence in grounding.evidence:
        lines.append(f'Evidence: [{evidence.source}] {evidence.file}, {evidence.where}: "{evidence.sentence}"')
    if grounding.also_in:
        lines.append("Also stated in: " + "; ".join(f"[{n}] {file}, page {page}" for n, file, page in grounding.also_in))
    return "\n".join(lines)


def format_cited(answer: Answer) -> str:
    """One line naming the sources the answer cites as [n], or saying it cites none."""
    if answer.abstained or not answer.sources:
        return ""
    by_number = {source.number: source for source in answer.sources}
    cited = [by_number[n] for n in answer.cited if n in by_number]
    if not cited:
        if answer.verdict is not None:
            return ""  # the verdict below names the sentence or row the answer rests on
        if answer.supported_by:
            return "Cites: no [n] in the answer; the evidence below was found by checking it against the passages"
        return "Cites: no passage (the answer names no [n])"
    return "Cites: " + "; ".join(f"[{s.number}] {s.file}, {s.where}" for s in cited)


def format_timings(answer: Answer) -> str:
    lines = ["Timings:"]
    for key, label, unit in TIMING_ROWS:
        if key not in answer.timings:
            continue
        value = answer.timings[key]
        shown = f"{value:d}" if isinstance(value, int) else f"{value:.2f}" if unit.strip() != "tok/s" else f"{value:.1f}"
        lines.append(f"  {label:<22} {shown}{unit}")
    return "\n".join(lines)


def format_points(answer: Answer) -> str:
    """A list answer checked point by point: how many points the excerpts support, and each one they do not."""
    if not answer.points:
        return ""
    held = sum(point.supported for point in answer.points)
    lines = [f"Points: {held} of {len(answer.points)} supported by a sentence of the passages"]
    lines += [f"  Not supported by the passages: \"{_short(point.text, 160)}\"" for point in answer.points
              if not point.supported]
    return "\n".join(lines)


def format_parts(answer: Answer) -> str:
    """A comparison's verdict per document."""
    lines = []
    for part in answer.parts:
        verdict = part["verdict"]
        if part["abstained"]:
            lines.append(f"{part['file']}: no answer in this document")
        elif verdict:
            lines.append(f"{part['file']}: {verdict['verdict'].capitalize()}: {_short(verdict.get('reason') or '', 160)}")
    return "\n".join(lines)


def print_answer(answer: Answer, streamed: bool) -> None:
    if streamed:
        print()
    else:
        print(answer.answer)
    cited = format_cited(answer)
    if cited:
        print(cited)
    if answer.coverage:
        print(f"Scope: {answer.coverage}")
    print()
    verdict = format_verdict(answer) if answer.verdict is not None else format_grounding(answer)
    for text in (verdict, format_points(answer), format_parts(answer)):
        if text:
            print(text)
            print()
    print(format_sources(answer))
    print()
    print(format_timings(answer))
    sys.stdout.flush()


def print_json(answer: Answer) -> None:
    print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
