"""The package layout is the pipeline: every import points down the stages (never sideways or up), and no module
imports itself back through others. Read from the source with `ast`, so lazy imports inside functions count too.

The stages, low to high (docs/architecture.md lists them too):

    base      rag, rag.config(_doc), rag.errors, rag.text, rag.hashing    settings (and their page), errors, text, hashes
    index     rag.index       the stores (FAISS, pgvector) behind one interface, embeddings, keyword index
    ingest    rag.ingest      PDFs in, chunks embedded and written to the index
    query     rag.query       what a question asks
    retrieve  rag.retrieve    rankings, fusion, passages
    llm       rag.llm         the backends and their model files (`rag.models` is the command's short name)
    answer    rag.answer      prompts, abstention, grounding, conversation, the answerer
    cli       rag.cli         command plumbing and the terminal's answer display
    web, serve, eval          the browser UI, the HTTP API, the evaluation: peers, none imports another
    bench     rag.bench       benchmarks of everything

A module imports its own stage and lower ones. A package's `__main__` (its command) may also import `rag.cli`.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "rag"

STAGES: list[tuple[int, str, tuple[str, ...]]] = [  # (rank, stage, module prefixes)
    (0, "base", ("rag", "rag.config", "rag.config_doc", "rag.errors", "rag.text", "rag.hashing")),
    (1, "index", ("rag.index",)),
    (2, "ingest", ("rag.ingest",)),
    (3, "query", ("rag.query",)),
    (4, "retrieve", ("rag.retrieve",)),
    (5, "llm", ("rag.llm", "rag.models")),
    (6, "answer", ("rag.answer",)),
    (7, "cli", ("rag.cli",)),
    (8, "web", ("rag.web",)),
    (8, "serve", ("rag.serve",)),
    (8, "eval", ("rag.eval",)),
    (9, "bench", ("rag.bench",)),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def stage_of(module: str) -> tuple[int, str] | None:
    """The stage of a module: the one with the longest matching prefix ("rag" alone is only the package itself)."""
    best = None
    for rank, stage, prefixes in STAGES:
        for prefix in prefixes:
            matches = module == prefix or (prefix != "rag" and module.startswith(prefix + "."))
            if matches and (best is None or len(prefix) > best[0]):
                best = (len(prefix), rank, stage)
    return None if best is None else best[1:]


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The rag modules `path` imports, anywhere in it (`from rag.x import y` counts as rag.x.y when y is a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "rag")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.split(".")[0] == "rag":
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in modules else node.module)
    return found


def graph() -> dict[str, set[str]]:
    modules = all_modules()
    return {name: imports_of(path, modules) for name, path in modules.items()}


def wrong_imports(edges: dict[str, set[str]]) -> list[str]:
    """Imports that point up or sideways between stages."""
    wrong = []
    for module, imported in sorted(edges.items()):
        rank, stage = stage_of(module)
        for target in sorted(imported):
            target_rank, target_stage = stage_of(target)
            if target_stage == stage or target_rank < rank:
                continue
            if module.endswith(".__main__") and target_stage == "cli":
                continue  # a command uses the command plumbing
            direction = "sideways" if target_rank == rank else "up"
            wrong.append(f"{module} ({stage}) imports {target} ({target_stage}): {direction}")
    return wrong


def import_cycles(edges: dict[str, set[str]]) -> list[str]:
    """Each circle of imports found, as "a -> b -> a"."""
    cycles, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(edges.get(module, ())):
            if target == module or target not in edges:
                continue
            if state.get(target) == "open":
                cycles.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    return cycles


def test_every_module_belongs_to_a_stage():
    assert [name for name in all_modules() if stage_of(name) is None] == []


def test_imports_point_down_the_pipeline():
    assert wrong_imports(graph()) == []


def test_no_import_cycles():
    assert import_cycles(graph()) == []


def test_the_checks_catch_what_they_are_for(tmp_path):
    """An upward, a sideways and a circular import are reported; a command may use the plumbing; lazy imports in
    functions are read like the others."""
    assert stage_of("rag") == (0, "base") and stage_of("rag.retrieve.hybrid") == (4, "retrieve")
    assert stage_of("rag.models.__main__") == (5, "llm") and stage_of("rag.ragged") is None
    source = tmp_path / "bad.py"
    source.write_text("from rag.retrieve import hybrid\n\ndef late():\n    from rag.web.app import build_app\n")
    assert imports_of(source, {"rag.retrieve.hybrid": source, "rag.web": source}) == {"rag.retrieve.hybrid", "rag.web.app"}
    edges = {
        "rag.query.terms": {"rag.retrieve.hybrid", "rag.text"},  # up
        "rag.retrieve.hybrid": {"rag.query.terms", "rag.index.base"},  # down, but a circle with the line above
        "rag.web.app": {"rag.serve.app", "rag.cli"},  # sideways, then down
        "rag.serve.app": set(),
        "rag.ingest.__main__": {"rag.cli", "rag.ingest.pipeline"},  # a command and its plumbing
    }
    assert wrong_imports(edges) == [
        "rag.query.terms (query) imports rag.retrieve.hybrid (retrieve): up",
        "rag.web.app (web) imports rag.serve.app (serve): sideways",
    ]
    assert import_cycles(edges) == ["rag.query.terms -> rag.retrieve.hybrid -> rag.query.terms"]
