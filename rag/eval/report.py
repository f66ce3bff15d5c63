"""An evaluation run as one self-contained HTML page (`render_report`, `write_report`).

Reads what `python -m rag.eval --out` writes (the settings and per-question results of each preset) and lays out:
the run's settings and machine; hit@k per preset as a curve; accuracy, abstention, false refusals and verdict
precision and coverage with their counts; accuracy by category and by document; latency histograms with p50/p95;
and one row per question (question, gold, answer, verdict, evidence quote, retrieved pages), filterable to the
wrong, abstained and unverified ones. With a previous run (`compare`) the charts show both and the questions that
changed are listed.

The page needs nothing from outside itself: charts are SVG drawn by matplotlib and inlined, the filter is CSS (no
script), and its own Content-Security-Policy forbids every request, so document text quoted in it (escaped) can
never fetch anything.
"""

from __future__ import annotations

import html
import io
import json
import re
import statistics
from collections.abc import Sequence
from pathlib import Path

from rag.errors import UserError

MAX_K = 10
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
LATENCIES = [("retrieval", "retrieval"), ("first_evidence", "first evidence"), ("ttft", "first token"),
             ("total", "total")]
FILTERS = [("all", "all"), ("wrong", "wrong"), ("abstained", "abstained"), ("unverified", "not verified"),
           ("missed", "evidence page not retrieved")]


def load_run(path: Path) -> dict:
    """A saved run (`rag.eval --out FILE`), or a one-line error naming the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"{path}: cannot read the run ({exc.strerror or exc})") from None
    except ValueError:
        raise UserError(f"{path}: not JSON; expected the file `python -m rag.eval ... --out FILE` writes") from None
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list) or not data["runs"]:
        raise UserError(f"{path}: no runs in it; expected the file `python -m rag.eval ... --out FILE` writes")
    return data


def write_report(path: Path, run: dict, compare: dict | None = None) -> None:
    page = render_report(run, compare)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)


# ---------------------------------------------------------------- figures from the questions


def answered(questions: Sequence[dict]) -> list[dict]:
    return [q for q in questions if q.get("answer") is not None]


def hit_curve(questions: Sequence[dict], k_max: int) -> list[float | None]:
    """Share of questions with evidence pages whose first evidence page is ranked within k, for k = 1..k_max."""
    with_evidence = [q for q in questions if q.get("has_evidence")]
    if not with_evidence:
        return [None] * k_max
    return [sum(1 for q in with_evidence if q.get("page_rank") and q["page_rank"] <= k) / len(with_evidence)
            for k in range(1, k_max + 1)]


def rate(flags: Sequence[bool]) -> tuple[float | None, int, int]:
    """(share, count, of) for a list of flags."""
    return (sum(flags) / len(flags) if flags else None, sum(flags), len(flags))


def headline(questions: Sequence[dict]) -> dict[str, tuple[float | None, int, int]]:
    """The run's main figures, each with its count: (share, count, of)."""
    with_evidence = [q for q in questions if q.get("has_evidence")]
    rows = {"hit@1": rate([bool(q.get("page_rank")) and q["page_rank"] <= 1 for q in with_evidence]),
            "hit@5": rate([bool(q.get("page_rank")) and q["page_rank"] <= 5 for q in with_evidence])}
    reciprocal = [1 / q["page_rank"] if q.get("page_rank") else 0.0 for q in with_evidence]
    rows["MRR"] = (statistics.fmean(reciprocal) if reciprocal else None, 0, len(reciprocal))
    done = answered(questions)
    if done:
        answerable = [q for q in done if q.get("answerable")]
        unanswerable = [q for q in done if not q.get("answerable")]
        rows["answers right"] = rate([bool(q.get("correct")) for q in answerable])
        rows["unanswerable abstained"] = rate([bool(q.get("abstained")) for q in unanswerable])
        rows["false refusals"] = rate([bool(q.get("abstained")) for q in answerable])
        verified = [q for q in answerable if verdict_of(q) == "verified"]
        if any(verdict_of(q) for q in done):
            rows["verified precision"] = rate([bool(q.get("correct")) for q in verified])
            rows["verified coverage"] = rate([verdict_of(q) == "verified" for q in answerable
                                              if not q.get("abstained")])
    return rows


def verdict_of(question: dict) -> str | None:
    verdict = question.get("verdict")
    return verdict.get("verdict") if isinstance(verdict, dict) else verdict


def by_group(questions: Sequence[dict], field: str) -> dict[str, tuple[float | None, int, int]]:
    """Answer accuracy (answerable, answered) per question category or per document."""
    groups: dict[str, list[bool]] = {}
    for q in answered(questions):
        if q.get("answerable"):
            groups.setdefault(_group_of(q, field), []).append(bool(q.get("correct")))
    return {name: rate(flags) for name, flags in sorted(groups.items())}


def _group_of(q: dict, field: str) -> str:
    if field != "document":
        return str(q.get(field) or "-")
    first = (q.get("passages") or [{}])[0].get("source")  # one-document sets name no evidence document
    return Path(str(q.get("evidence_doc") or first or "-")).name


def latencies(questions: Sequence[dict]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for key, label in LATENCIES:
        values = [q["timings"][key] for q in questions if isinstance(q.get("timings"), dict) and key in q["timings"]]
        if key == "total" and not values:
            values = [q["latency_s"] for q in questions if q.get("latency_s") is not None]
        if values:
            out[label] = values
    return out


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def changes(now: Sequence[dict], before: Sequence[dict]) -> dict[str, list[tuple[dict, dict]]]:
    """Questions (matched by id) whose answer became right (fixed) or wrong (broken), or whose evidence page came
    into or fell out of the top 5."""
    old = {q.get("id"): q for q in before}
    out: dict[str, list[tuple[dict, dict]]] = {"fixed": [], "broken": [], "found": [], "lost": []}
    for q in now:
        p = old.get(q.get("id"))
        if p is None:
            continue
        if q.get("correct") is not None and p.get("correct") is not None and q["correct"] != p["correct"]:
            out["fixed" if q["correct"] else "broken"].append((q, p))
        hit_now, hit_before = _hit5(q), _hit5(p)
        if q.get("has_evidence") and hit_now != hit_before:
            out["found" if hit_now else "lost"].append((q, p))
    return out


def _hit5(q: dict) -> bool:
    return bool(q.get("page_rank")) and q["page_rank"] <= 5


# ---------------------------------------------------------------- charts


def pyplot():
    try:
        import matplotlib
    except ImportError:
        raise UserError("the evaluation report draws its charts with matplotlib; install the extra: "
                        "pip install -e '.[report]' (make setup installs it)") from None
    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False,
                                "axes.spines.right": False, "svg.hashsalt": "docqa"})
    import matplotlib.pyplot as plt

    return plt


def svg_of(fig) -> str:
    out = io.StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight")
    pyplot().close(fig)
    text = out.getvalue()
    text = text[text.index("<svg"):]  # the XML prolog and DOCTYPE are not allowed inside HTML
    return re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)  # RDF naming licences and matplotlib.org


def hit_chart(series: dict[str, list[float | None]]) -> str:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(4.6, 2.8))
    for name, values in series.items():
        points = [(k, v * 100) for k, v in enumerate(values, 1) if v is not None]
        if points:
            ax.plot(*zip(*points), marker="o", label=name)
    ax.set_xlabel("k (passages retrieved)")
    ax.set_xticks(range(1, max((len(v) for v in series.values()), default=1) + 1))
    ax.set_ylabel("evidence page in top k (%)")
    ax.set_ylim(0, 100)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", frameon=False)
    return svg_of(fig)


def bar_chart(series: dict[str, dict[str, tuple[float | None, int, int]]], xlabel: str) -> str:
    """Horizontal bars: one group of bars per key, one bar per series."""
    plt = pyplot()
    names = sorted({name for groups in series.values() for name in groups})
    fig, ax = plt.subplots(figsize=(5.2, 0.35 * max(3, len(names) * max(1, len(series))) + 0.6))
    height = 0.8 / max(1, len(series))
    for n, (label, groups) in enumerate(series.items()):
        ys = [i + n * height for i in range(len(names))]
        values = [(groups.get(name, (None, 0, 0))[0] or 0) * 100 for name in names]
        bars = ax.barh(ys, values, height=height, label=label)
        for bar, name in zip(bars, names):
            _, count, of = groups.get(name, (None, 0, 0))
            ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, f"{count}/{of}", va="center",
                    fontsize=7)
    ax.set_yticks([i + height * (len(series) - 1) / 2 for i in range(len(names))],
                  [_short(name, 40) for name in names])
    ax.invert_yaxis()
    ax.set_xlim(0, 110)
    ax.set_xlabel(xlabel)
    if len(series) > 1:
        ax.legend(loc="lower right", frameon=False)
    return svg_of(fig)


def latency_chart(series: dict[str, dict[str, list[float]]]) -> str:
    plt = pyplot()
    stages = [label for _, label in LATENCIES if any(label in values for values in series.values())]
    fig, axes = plt.subplots(1, len(stages), figsize=(2.4 * len(stages), 2.3), squeeze=False)
    for ax, stage in zip(axes[0], stages):
        for name, values in series.items():
            if stage in values:
                data = values[stage]
                ax.hist(data, bins=min(20, max(5, len(data) // 2)), alpha=0.6, label=name)
                for share, style in ((0.5, "-"), (0.95, ":")):
                    ax.axvline(percentile(data, share), linestyle=style, color="black", linewidth=0.8)
        first = next(iter(series.values())).get(stage)
        note = f"p50 {percentile(first, 0.5):.2f} s · p95 {percentile(first, 0.95):.2f} s" if first else ""
        ax.set_title(f"{stage}\n{note}", fontsize=8)
        ax.set_xlabel("seconds")
    axes[0][0].set_ylabel("questions")
    if len(series) > 1:
        axes[0][-1].legend(frameon=False, fontsize=7)
    fig.tight_layout()
    return svg_of(fig)


# ---------------------------------------------------------------- the page


def render_report(run: dict, compare: dict | None = None) -> str:
    meta = run.get("meta", {})
    title = f"docqa evaluation: {Path(str(run.get('questions_file', 'questions'))).name}"
    parts = [f"<h1>{escape(title)}</h1>", _about(run, compare)]
    runs = run["runs"]
    before = {r.get("preset"): r for r in (compare or {}).get("runs", [])}
    for preset_run in runs:
        parts.append(_preset_section(preset_run, before.get(preset_run.get("preset")), meta))
    return (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style></head>\n<body>\n" + "\n".join(parts)
            + "\n</body></html>\n")


def _about(run: dict, compare: dict | None) -> str:
    meta = run.get("meta", {})
    rows = [("questions", run.get("questions_file")), ("documents", run.get("docs")),
            ("filter", ", ".join(run.get("where") or []) or None), ("date", meta.get("date")),
            ("reader", meta.get("model")), ("machine", meta.get("machine")), ("load at start", meta.get("load")),
            ("compared with", _run_name(compare) if compare else None)]
    return "<table class=\"about\">" + "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>"
                                             for k, v in rows if v) + "</table>"


def _run_name(run: dict) -> str:
    date = run.get("meta", {}).get("date")
    return f"{run.get('questions_file')} run of {date}" if date else "a previous run"


def _preset_section(run: dict, before: dict | None, meta: dict) -> str:
    questions = run.get("questions", [])
    old = before.get("questions", []) if before else []
    name = run.get("preset", "default")
    k = int(run.get("settings", {}).get("k") or 5)
    k_max = min(MAX_K, max([k] + [len(q.get("retrieved") or []) for q in questions]))
    label_now, label_before = "this run", "previous run"
    out = [f"<h2>Preset {escape(name)}</h2>",
           f"<p class=\"settings\">{escape(_settings_line(run.get('settings', {})))}</p>",
           _headline_table(headline(questions), headline(old) if before else None)]
    curves = {label_now: hit_curve(questions, k_max)}
    if before:
        curves[label_before] = hit_curve(old, k_max)
    out.append("<div class=\"charts\">")
    out.append(_figure("Evidence page in the top k", hit_chart(curves),
                       f"k = 1..{k_max}: the run retrieved {k_max} passages (run with -k {MAX_K} for the whole curve)"
                       if k_max < MAX_K else ""))
    for field, heading in (("category", "Answers right by category"), ("document", "Answers right by document")):
        groups = {label_now: by_group(questions, field)}
        if before and by_group(old, field):
            groups[label_before] = by_group(old, field)
        if any(groups.values()) and len(groups[label_now]) > 0:
            out.append(_figure(heading, bar_chart(groups, "answers right (%)")))
    times = {label_now: latencies(questions)}
    if before and latencies(old):
        times[label_before] = latencies(old)
    if times[label_now]:
        out.append(_figure("Latency per question", latency_chart(times), "solid line p50, dotted p95"))
    out.append("</div>")
    if before:
        out.append(_changes(changes(questions, old)))
    out.append(_question_table(questions, name))
    return "\n".join(out)


def _settings_line(settings: dict) -> str:
    keys = ("retrieval", "k", "chunk_size", "chunk_overlap", "chunk_context", "score_threshold")
    return " · ".join(f"{key} {settings[key]}" for key in keys if key in settings)


def _headline_table(now: dict, before: dict | None) -> str:
    head = "<tr><th></th><th>this run</th>" + ("<th>previous run</th>" if before is not None else "") + "</tr>"
    rows = []
    for name, value in now.items():
        cells = [_figure_cell(name, value)]
        if before is not None:
            cells.append(_figure_cell(name, before.get(name, (None, 0, 0))))
        rows.append(f"<tr><th>{escape(name)}</th>" + "".join(cells) + "</tr>")
    return f"<table class=\"headline\">{head}{''.join(rows)}</table>"


def _figure_cell(name: str, value: tuple[float | None, int, int]) -> str:
    share, count, of = value
    if share is None:
        return "<td>–</td>"
    if name == "MRR":
        return f"<td>{share:.3f} <span class=\"n\">(n = {of})</span></td>"
    return f"<td>{share * 100:.1f}% <span class=\"n\">({count}/{of})</span></td>"


def _figure(title: str, svg: str, note: str = "") -> str:
    note_html = f"<figcaption>{escape(note)}</figcaption>" if note else ""
    return f"<figure class=\"chart\"><h3>{escape(title)}</h3>{svg}{note_html}</figure>"


def _changes(found: dict[str, list[tuple[dict, dict]]]) -> str:
    titles = {"fixed": "Now right (were wrong)", "broken": "Now wrong (were right)",
              "found": "Evidence page now in the top 5", "lost": "Evidence page no longer in the top 5"}
    out = ["<h3>Questions that changed</h3>"]
    for key, title in titles.items():
        items = found[key]
        out.append(f"<details{' open' if key in ('fixed', 'broken') and items else ''}><summary>{escape(title)}: "
                   f"{len(items)}</summary><ul>")
        for now, before in items:
            out.append(f"<li><b>{escape(str(now.get('id')))}</b> {escape(now.get('question', ''))}<br>"
                       f"<span class=\"was\">was: {escape(_short(str(before.get('answer') or '–'), 200))}</span><br>"
                       f"<span class=\"now\">now: {escape(_short(str(now.get('answer') or '–'), 200))}</span></li>")
        out.append("</ul></details>")
    return "\n".join(out)


def _row_classes(q: dict) -> list[str]:
    """The filters a question row belongs to (`FILTERS` keys)."""
    classes = []
    if q.get("answer") is not None:
        if q.get("abstained"):
            classes.append("abstained")
        elif q.get("correct") is False:
            classes.append("wrong")
        if verdict_of(q) != "verified":
            classes.append("unverified")
    if q.get("has_evidence") and not _hit5(q):
        classes.append("missed")
    return classes


def _question_table(questions: Sequence[dict], preset: str) -> str:
    slug = re.sub(r"\W+", "-", preset)
    counts = {key: sum(1 for q in questions if key in _row_classes(q)) for key, _ in FILTERS[1:]}
    counts["all"] = len(questions)
    radios = "".join(
        f"<input type=\"radio\" name=\"f-{slug}\" id=\"f-{slug}-{key}\" class=\"f-{key}\"{' checked' if key == 'all' else ''}>"
        f"<label for=\"f-{slug}-{key}\">{escape(label)} ({counts[key]})</label>" for key, label in FILTERS)
    rows = ["<tr><th>id</th><th>question</th><th>gold</th><th>answer</th><th>verdict</th><th>evidence</th>"
            "<th>retrieved pages</th></tr>"]
    for q in questions:
        rows.append(f"<tr class=\"{' '.join(['q'] + ['is-' + c for c in _row_classes(q)])}\">"
                    f"<td>{escape(str(q.get('id', '')))}</td><td>{escape(q.get('question', ''))}</td>"
                    f"<td>{escape(str(q.get('gold') or ('(unanswerable)' if not q.get('answerable') else '')))}</td>"
                    f"<td>{_answer_cell(q)}</td><td>{_verdict_cell(q)}</td><td>{_evidence_cell(q)}</td>"
                    f"<td>{_pages_cell(q)}</td></tr>")
    return (f"<h3>Questions</h3><div class=\"filter\">{radios}"
            f"<table class=\"questions\">{''.join(rows)}</table></div>")


def _answer_cell(q: dict) -> str:
    if q.get("answer") is None:
        return "<span class=\"n\">(retrieval only)</span>"
    mark = ("abstained" if q.get("abstained") else "right" if q.get("correct") else "wrong")
    hand = " · hand label" if "hand_label" in q else ""
    return f"{escape(_short(str(q['answer']), 400))}<br><span class=\"mark {mark}\">{mark}{hand}</span>"


def _verdict_cell(q: dict) -> str:
    verdict = q.get("verdict")
    if not isinstance(verdict, dict):
        return escape(verdict or "–")
    return f"<b>{escape(verdict.get('verdict', ''))}</b><br><span class=\"n\">{escape(verdict.get('reason', ''))}</span>"


def _evidence_cell(q: dict) -> str:
    verdict = q.get("verdict")
    unit = verdict.get("evidence") if isinstance(verdict, dict) else None
    if not unit:
        return "–"
    return (f"<span class=\"where\">{escape(unit.get('file', ''))}, page {escape(str(unit.get('page', '')))}</span><br>"
            f"“{escape(_short(unit.get('text', ''), 300))}”")


def _pages_cell(q: dict) -> str:
    wanted = set(q.get("evidence_pages") or [])
    doc = q.get("evidence_doc")
    cells = []
    hits = [(p.get("source"), p.get("page")) for p in q.get("passages") or []] or \
        [tuple(hit)[:2] for hit in q.get("retrieved") or [] if isinstance(hit, (list, tuple))]
    for rank, (source, page) in enumerate(hits, 1):
        on_evidence = page in wanted and (not doc or source and Path(str(source)).stem == Path(str(doc)).stem)
        cells.append(f"<span class=\"{'hit' if on_evidence else 'page'}\">{rank}: p.{escape(str(page))}</span>")
    gold = f"<br><span class=\"n\">evidence: {', '.join(map(str, sorted(wanted)))}</span>" if wanted else ""
    return " ".join(cells) + gold


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text) -> str:
    return html.escape(str(text), quote=True)


STYLE = """
body {font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1200px; padding: 0 16px; color: #222}
h1 {font-size: 22px} h2 {margin-top: 32px; border-bottom: 1px solid #ddd} h3 {font-size: 15px; margin: 6px 0}
table {border-collapse: collapse} th, td {text-align: left; vertical-align: top; padding: 4px 8px}
.about th, .headline th {color: #555; font-weight: 600} .headline td {font-variant-numeric: tabular-nums}
.n {color: #777; font-size: 12px} .settings {color: #555}
.charts {display: flex; flex-wrap: wrap; gap: 16px} .chart {margin: 0; border: 1px solid #eee; padding: 8px}
.chart svg {max-width: 100%; height: auto} figcaption {color: #777; font-size: 12px}
.questions {margin-top: 8px; font-size: 13px} .questions tr:nth-child(even) {background: #fafafa}
.questions td {border-top: 1px solid #eee; max-width: 320px; overflow-wrap: anywhere}
.mark {font-size: 12px; padding: 0 4px; border-radius: 3px} .right {background: #d9f2dd} .wrong {background: #f8d7d7}
.mark.abstained {background: #eee} .hit {background: #d9f2dd; padding: 0 3px} .page {padding: 0 3px}
.where {color: #555; font-size: 12px} .was {color: #a33} .now {color: #262}
.filter > input {margin-left: 12px}
.filter > input.f-wrong:checked ~ table tr.q:not(.is-wrong),
.filter > input.f-abstained:checked ~ table tr.q:not(.is-abstained),
.filter > input.f-unverified:checked ~ table tr.q:not(.is-unverified),
.filter > input.f-missed:checked ~ table tr.q:not(.is-missed) {display: none}
"""
