"""A benchmark's output as one self-contained HTML page (`python -m rag.bench COMMAND ... --report FILE.html`).

Every table the benchmark printed (`rag.bench.common.print_table`) becomes an HTML table with a chart of its numeric
columns, one small bar chart per column with the rows' first column as labels; the whole text output follows, as
printed. Same page rules as the evaluation report (`rag.eval.report`): SVG charts inline, no script, a CSP that
forbids every request.
"""

from __future__ import annotations

import time
from pathlib import Path

from rag.bench.common import cell_text
from rag.eval.report import CSP, STYLE, escape, pyplot, svg_of

MAX_CHARTS = 8  # numeric columns charted per table


def write_bench_report(path: Path, command: str, tables: list, text: str, load: str) -> None:
    parts = [f"<h1>docqa benchmark: {escape(command)}</h1>",
             f"<p class=\"settings\">{escape(time.strftime('%Y-%m-%d %H:%M %Z'))} · {escape(load)}</p>"]
    for number, (rows, columns) in enumerate(tables, 1):
        parts.append(f"<h2>Table {number}</h2>")
        parts.append(_table(rows, columns))
        chart = _chart(rows, columns)
        if chart:
            parts.append(f"<figure class=\"chart\">{chart}</figure>")
    parts.append(f"<h2>Output</h2><pre>{escape(text)}</pre>")
    page = (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
            f"<title>{escape(command)}</title>\n<style>{STYLE}</style></head>\n<body>\n" + "\n".join(parts)
            + "\n</body></html>\n")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)


def _table(rows: list[dict], columns: list[tuple[str, str, str]]) -> str:
    head = "".join(f"<th>{escape(header)}</th>" for _, header, _ in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell_text(row, key, fmt))}</td>" for key, _, fmt in columns)
                   + "</tr>" for row in rows)
    return f"<table class=\"questions\"><tr>{head}</tr>{body}</table>"


def _numeric(rows: list[dict], key: str) -> bool:
    values = [row.get(key) for row in rows]
    return any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def _chart(rows: list[dict], columns: list[tuple[str, str, str]]) -> str:
    if not rows or len(columns) < 2:
        return ""
    label_key = columns[0][0]
    numeric = [(key, header) for key, header, _ in columns[1:] if _numeric(rows, key)][:MAX_CHARTS]
    if not numeric:
        return ""
    plt = pyplot()
    labels = [str(row.get(label_key, "")) for row in rows]
    fig, axes = plt.subplots(1, len(numeric), figsize=(2.3 * len(numeric), 0.3 * len(rows) + 1.0), squeeze=False,
                             sharey=True)
    for ax, (key, header) in zip(axes[0], numeric):
        values = [row.get(key) if isinstance(row.get(key), (int, float)) else 0 for row in rows]
        ax.barh(range(len(rows)), values)
        ax.set_title(header, fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
    axes[0][0].set_yticks(range(len(rows)), labels)
    axes[0][0].invert_yaxis()
    fig.tight_layout()
    return svg_of(fig)
