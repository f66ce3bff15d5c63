"""`python -m rag.eval keypoints QUESTIONS.jsonl --docs DIR`: whole-document and comparison questions scored by the
key points a good answer holds.

Each line of the question file: `id`, `question`, `docs` (the files it is about), `part` (`dev`: looked at while
building; `holdout`: set aside), `group`, and `key_points`: `[{"point", "keys": [regex, ...], "page", "doc"?}]`,
written from the documents by hand. A key point is covered when every one of its `keys` (case-insensitive regular
expressions, each allowing alternatives) matches the answer. Also measured: how many of the answer's points the
passages support (`rag.answer.points`), the sources cited, and the time to the first token and to the end.

Prints a table per part and group, and `--out FILE` keeps every answer for reading by hand: a key-word match
flatters, so the figures that matter are checked against the answers themselves.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

from rag.errors import UserError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag.eval keypoints", description=__doc__.splitlines()[0],
                                     epilog="docs: docs/evaluation.md")
    parser.add_argument("questions", type=Path, metavar="QUESTIONS.jsonl")
    parser.add_argument("--docs", type=Path, required=True, metavar="DIR", help="folder of the documents asked about")
    parser.add_argument("--where", action="append", default=[], metavar="FIELD=VALUE",
                        help="keep questions whose field has this value (e.g. part=dev, group=20f); repeatable")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write every question's answer and score as JSON")
    return parser


def read_questions(path: Path, where: list[str]) -> list[dict]:
    if not path.is_file():
        raise UserError(f"{path}: no such question file")
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            question = json.loads(line)
            question["question"], question["key_points"]  # noqa: B018 - both required
        except (ValueError, KeyError, TypeError):
            raise UserError(f"{path}:{number}: not a question with 'question' and 'key_points'") from None
        if all(str(question.get(f)) == v for f, _, v in (c.partition("=") for c in where)):
            questions.append(question)
    return questions


def covered(point: dict, answer: str) -> bool:
    return all(re.search(key, answer, re.IGNORECASE) for key in point["keys"])


def score(question: dict, answer) -> dict:
    text = answer.answer
    hits = [covered(point, text) for point in question["key_points"]]
    checked = [p for p in answer.points]
    return {
        "id": question["id"], "part": question.get("part", ""), "group": question.get("group", ""),
        "question": question["question"], "answer": text, "scope": answer.scope, "abstained": answer.abstained,
        "coverage_note": answer.coverage, "key_points": len(hits), "covered": sum(hits),
        "missed": [p["point"] for p, hit in zip(question["key_points"], hits) if not hit],
        "points": len(checked), "points_supported": sum(p.supported for p in checked),
        "sources": [{"number": s.number, "file": s.file, "page": s.page} for s in answer.sources],
        "cited": answer.cited,
        "ttft": answer.timings.get("ttft"), "total": answer.timings.get("total"),
    }


def summarise(rows: list[dict]) -> str:
    lines = [f"{'part':8} {'group':8} {'n':>3} {'key points':>11} {'covered':>8} {'none':>5} {'points ok':>10} "
             f"{'ttft p50':>9} {'total p50':>10}"]
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["part"], row["group"]), []).append(row)
        groups.setdefault((row["part"], "all"), []).append(row)
    for (part, group), items in sorted(groups.items()):
        points = sum(r["key_points"] for r in items)
        hit = sum(r["covered"] for r in items)
        checked = sum(r["points"] for r in items)
        ok = sum(r["points_supported"] for r in items)
        ttft = [r["ttft"] for r in items if r["ttft"]]
        total = [r["total"] for r in items if r["total"]]
        lines.append(f"{part:8} {group:8} {len(items):>3} {points:>11} {hit / max(points, 1):>7.1%} "
                     f"{sum(r['covered'] == 0 for r in items):>5} {f'{ok}/{checked}':>10} "
                     f"{statistics.median(ttft) if ttft else 0:>8.2f}s {statistics.median(total) if total else 0:>9.2f}s")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    from rag.answer.answerer import Answerer
    from rag.config import load_settings
    from rag.eval.runner import eval_index_dir, prepare_index
    from rag.index.embeddings import LocalEmbeddings
    from rag.llm import load_backend
    from rag.retrieve.hybrid import build_retriever

    args = build_parser().parse_args(argv)
    if not args.docs.is_dir():
        raise UserError(f"{args.docs}: no such folder of documents")
    questions = read_questions(args.questions, args.where)
    settings = load_settings(data_dir=args.docs)
    settings = settings.model_copy(update={"index_dir": eval_index_dir(settings, args.docs)})
    embeddings = LocalEmbeddings(settings)
    index = prepare_index(settings, args.docs, embeddings, progress=sys.stderr.isatty())
    answerer = Answerer(settings, build_retriever(settings, index, embeddings),
                        load_backend(settings, announce=lambda m: print(m, file=sys.stderr)), {})
    rows = []
    for question in questions:
        started = time.perf_counter()
        answer = answerer.ask(question["question"])
        row = score(question, answer)
        rows.append(row)
        print(f"{row['id']:24} {row['covered']}/{row['key_points']} key points, "
              f"{row['points_supported']}/{row['points']} points supported, {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
    print(summarise(rows))
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0
