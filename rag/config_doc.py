"""`python -m rag.config_doc [--check]`: write docs/configuration.md, the page of every setting, from the source.

Each setting's meaning is the comment above it (or beside it) in `rag/config.py`, its group the `# ---- stage`
heading it sits under, its default the `Settings` default, its environment variable `RAG_<NAME>`, and its flags the
command-line options whose value the commands hand to `load_settings(name=args.dest)`. Everything is read from the
source files as text (nothing of the commands is imported), so the page cannot drift from the code:
`tests/test_config_doc.py` fails when the committed page differs from what this writes.
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "rag" / "config.py"
PAGE = ROOT / "docs" / "configuration.md"
# The commands that take settings from flags, as a person types them.
COMMANDS = {
    "main.py": "main.py",
    "rag/ingest/__main__.py": "rag.ingest",
    "rag/web/__main__.py": "rag.web",
    "rag/serve/__main__.py": "rag.serve",
    "rag/eval/__main__.py": "rag.eval",
}
GROUP_MARK = "# ----"

HEADER = """# Configuration

Every setting lives in one typed place, `rag/config.py`, with a default that works out of the box. From lowest to
highest priority, a setting comes from its default, the config file (`rag.toml` in the working directory, or the file
named by `RAG_CONFIG`), its `RAG_*` environment variable, then a command-line flag where one exists:

```toml
# rag.toml
k = 6
context_chars = 1600
model_pack = "qwen2.5-coder-1.5b"
ocr_lang = "eng+chi_sim"
```

```bash
RAG_K=6 RAG_BACKEND=openvino .venv/bin/python main.py "How much is the minimum guarantee payable by adidas?"
```

A bad value is refused with one line naming the setting (`invalid setting: k: Input should be greater than 0`).
Changing a setting the index depends on (`chunk_size`, `chunk_overlap`, `chunk_context`, `tables`,
`embedding_model`, `embedding_precision`) makes the next ingest ask for `python -m rag.ingest --rebuild`, or re-index
the files it changes.

This page is generated from `rag/config.py` by `python -m rag.config_doc`; a test checks that it is current.
"""


@dataclass
class Setting:
    name: str
    group: str
    type: str
    comment: list[str] = field(default_factory=list)


def _comments_by_line(source: str) -> dict[int, str]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {tok.start[0]: tok.string for tok in tokens if tok.type == tokenize.COMMENT}


def _settings_class(tree: ast.Module) -> ast.ClassDef:
    return next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "Settings")


def read_settings(source: str) -> list[Setting]:
    """The settings in source order, each with its group and the comment that explains it."""
    lines = source.splitlines()
    comments = _comments_by_line(source)
    settings, group = [], "Paths"
    previous_end = 0
    for node in _settings_class(ast.parse(source)).body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
            previous_end = getattr(node, "end_lineno", previous_end)
            continue
        above: list[str] = []
        for number in range(node.lineno - 1, previous_end, -1):
            text = lines[number - 1].strip()
            if not text.startswith("#"):
                break
            if text.startswith(GROUP_MARK):
                group = text.removeprefix(GROUP_MARK).strip()
                break
            above.insert(0, text.lstrip("# "))
        for number in range(previous_end + 1, node.lineno):  # a group heading further up, past a blank line
            if lines[number - 1].strip().startswith(GROUP_MARK):
                group = lines[number - 1].strip().removeprefix(GROUP_MARK).strip()
        beside = [comments[n].lstrip("# ") for n in range(node.lineno, node.end_lineno + 1) if n in comments]
        settings.append(Setting(node.target.id, group, ast.unparse(node.annotation), above + beside))
        previous_end = node.end_lineno
    return settings


def _dest_of(call: ast.Call) -> tuple[str, str] | None:
    """(dest, the option as typed) of a `parser.add_argument(...)` call with a long or short option."""
    options = [arg.value for arg in call.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
    if not options or not options[0].startswith("-"):
        return None
    dest = next((kw.value.value for kw in call.keywords if kw.arg == "dest"), None)
    long = next((opt for opt in options if opt.startswith("--")), options[0])
    return dest or long.lstrip("-").replace("-", "_"), long


def flags_in(source: str) -> dict[str, str]:
    """Setting name -> the flag of this command that sets it."""
    options: dict[str, str] = {}
    handed: dict[str, str] = {}
    for call in (node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)):
        name = getattr(call.func, "attr", None) or getattr(call.func, "id", None)
        if name == "add_argument" and (found := _dest_of(call)):
            options.setdefault(*found)
        elif name == "load_settings":
            for kw in call.keywords:
                if isinstance(kw.value, ast.Attribute) and isinstance(kw.value.value, ast.Name):
                    handed[kw.arg] = kw.value.attr
    return {setting: options[dest] for setting, dest in handed.items() if dest in options}


def all_flags(root: Path = ROOT) -> dict[str, list[str]]:
    """Setting name -> "`--flag` (commands)" for each flag that sets it."""
    found: dict[str, dict[str, list[str]]] = {}
    for path, command in COMMANDS.items():
        for setting, flag in flags_in((root / path).read_text(encoding="utf-8")).items():
            found.setdefault(setting, {}).setdefault(flag, []).append(command)
    return {setting: [f"`{flag}` ({', '.join(commands)})" for flag, commands in by_flag.items()]
            for setting, by_flag in found.items()}


def _default(name: str) -> str:
    from rag.config import Settings

    value = Settings.model_fields[name].default
    if value is None:
        return "none"
    return f"`{value}`" if not isinstance(value, bool) else f"`{str(value).lower()}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(root: Path = ROOT) -> str:
    settings = read_settings((root / "rag" / "config.py").read_text(encoding="utf-8"))
    flags = all_flags(root)
    out = [HEADER]
    group = None
    for setting in settings:
        if setting.group != group:
            group = setting.group
            out += [f"\n## {group[0].upper() + group[1:]}\n",
                    "| setting | default | environment / flags | type | meaning |", "|---|---|---|---|---|"]
        where = ", ".join([f"`RAG_{setting.name.upper()}`"] + flags.get(setting.name, []))
        out.append(f"| `{setting.name}` | {_cell(_default(setting.name))} | {where} | `{_cell(setting.type)}` | "
                   f"{_cell(' '.join(setting.comment))} |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if set(argv) - {"--check"}:
        print(__doc__.splitlines()[0] + "\n\n  --check  exit 1 when docs/configuration.md is out of date, instead of writing it\n\n"
              "docs: docs/configuration.md", file=sys.stderr if "--help" not in argv and "-h" not in argv else sys.stdout)
        return 0 if {"--help", "-h"} & set(argv) else 2
    page = render()
    if "--check" in argv:
        current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
        if current != page:
            print(f"{PAGE.relative_to(ROOT)} is out of date: run python -m rag.config_doc", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(page, encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)} ({page.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
