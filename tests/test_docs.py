"""The README and docs/ hold together: every relative link and anchor resolves, and no page repeats another's text
(each topic is written once and linked from elsewhere)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return {slug(m.group(1)) for m in re.finditer(r"^#+ (.+)$", text, re.M)}


def test_links_and_anchors_resolve():
    broken = []
    for page in PAGES:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            if not file.exists():
                broken.append(f"{page.name}: {target}")
            elif anchor and file.suffix == ".md" and anchor not in anchors(file):
                broken.append(f"{page.name}: {target} (no such heading)")
    assert not broken, broken


def test_no_page_repeats_another():
    seen: dict[str, str] = {}
    repeated = []
    for page in PAGES[1:]:
        lines = page.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            header = number + 1 < len(lines) and lines[number + 1].startswith("|---")
            text = line.strip()
            if len(text) < 80 or text.startswith("|---") or header:
                continue
            if seen.setdefault(text, page.name) != page.name:
                repeated.append(f"{page.name} and {seen[text]}: {text[:80]}")
    assert not repeated, repeated
