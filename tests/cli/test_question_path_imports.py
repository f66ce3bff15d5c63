"""The question path stays light: answering imports neither LangChain's runnables and LangSmith's tracing (about
2 s of start-up), nor pypdf and the text splitter (ingest only), nor torch and friends (OpenVINO embeds the question)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
QUESTION_PATH = ["main", "rag.answer.answerer", "rag.retrieve.hybrid", "rag.query.analysis", "rag.answer.answerability",
                 "rag.cli.output", "rag.index.base", "rag.index.live", "rag.index.faiss_search", "rag.index.embeddings",
                 "rag.index.embed_openvino", "rag.llm.openvino_backend", "rag.index.store"]
HEAVY = ["langsmith", "langchain_core.runnables", "langchain_core.tracers", "langchain_core.language_models",
         "langchain_text_splitters", "pypdf", "torch", "transformers", "sentence_transformers"]


def test_the_question_path_imports_no_heavy_module():
    code = (f"import importlib, sys\nfor name in {QUESTION_PATH!r}: importlib.import_module(name)\n"
            f"print(sorted(h for h in {HEAVY!r} if h in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]", out.stdout
