"""PowerPoint (.pptx) presentations with python-pptx: one unit per slide, its speaker notes included.

A slide's text is its shapes' text in order (grouped shapes opened), its tables and charts' data labelled like PDF
tables (the slide title, or the chart's own, as caption), then "Speaker notes: ..." when it has notes. Its place is "slide N" (N as the slide
sorter shows it, hidden slides counted). Nothing embedded is run or opened.

Hands on: `Page`s (number = the slide number, place "slide N", tables) to the dispatcher.
"""

from __future__ import annotations

from pathlib import Path

from rag.ingest.cleaning import clean_text
from rag.ingest.formats.common import binary, cell_text, flat_rows, grid_table, need
from rag.ingest.pdf import Page, ParsedDocument


def read(source: Path | bytes, tables: bool = True) -> ParsedDocument:
    pptx = need("pptx", "python-pptx")
    with binary(source) as handle:
        presentation = pptx.Presentation(handle)
    result = ParsedDocument(kind="pptx")
    for number, slide in enumerate(presentation.slides, start=1):
        title = _title(slide)
        parts: list[str] = []
        found = []
        for shape in _shapes(slide.shapes):
            if getattr(shape, "has_table", False) and shape.has_table:
                grid = [[cell_text(cell.text) for cell in row.cells] for row in shape.table.rows]
                table = grid_table(grid, caption=title, page=number) if tables else None
                parts.append(_grid_text(grid, table, found))
            elif getattr(shape, "has_chart", False) and shape.has_chart:
                grid, caption = _chart_grid(shape.chart, title)
                table = grid_table(grid, caption=caption, page=number, label_column=True) if tables and grid else None
                parts.append(_grid_text(grid, table, found))
            elif getattr(shape, "has_text_frame", False) and shape.has_text_frame:
                parts.append(clean_text(shape.text_frame.text))
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            notes = clean_text(slide.notes_slide.notes_text_frame.text)
            if notes:
                parts.append(f"Speaker notes: {notes}")
        text = "\n".join(part for part in parts if part)
        result.pages.append(Page(number=number, text=text, place=f"slide {number}", tables=found))
    result.page_count = len(result.pages)
    return result


def _title(slide) -> str:
    try:
        shape = slide.shapes.title
    except (KeyError, AttributeError):
        return ""
    return clean_text(shape.text_frame.text).replace("\n", " ") if shape is not None and shape.has_text_frame else ""


def _chart_grid(chart, title: str) -> tuple[list[list[str]], str]:
    """A chart's data as a grid (categories down, one column per series) and its caption (its own title)."""
    caption = title
    try:
        if chart.has_title and chart.chart_title.has_text_frame:
            caption = clean_text(chart.chart_title.text_frame.text).replace("\n", " ") or title
        categories = [cell_text(c) for c in chart.plots[0].categories] if chart.plots else []
        series = [(cell_text(s.name), [cell_text(v) for v in s.values]) for s in chart.series]
    except Exception:  # noqa: BLE001 - a chart python-pptx cannot read keeps the slide's other text
        return [], caption
    if not series:
        return [], caption
    rows = len(categories) or max(len(values) for _, values in series)
    grid = [["Category", *(name for name, _ in series)]]
    for i in range(rows):
        grid.append([categories[i] if i < len(categories) else f"{i + 1}",
                     *(values[i] if i < len(values) else "" for _, values in series)])
    return grid, caption


def _shapes(shapes):
    """Shapes in order, group shapes opened."""
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _shapes(shape.shapes)
        else:
            yield shape


def _grid_text(grid, table, found: list) -> str:
    """A slide table's or chart's text: its labelled rows when it was read as a table (kept in `found`), else its
    cells row by row."""
    if table is None:
        return flat_rows(grid)
    found.append(table)
    return table.text()
