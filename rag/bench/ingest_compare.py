"""`python -m rag.bench ingest-compare PATH ...`: `rag.ingest` against the reference article's pipeline, same run.

The reference: LangChain's `PyPDFLoader` page by page, `RecursiveCharacterTextSplitter(500, 50)`, sentence-transformers
all-MiniLM-L6-v2 on torch (what `langchain_huggingface.HuggingFaceEmbeddings` does, without installing that package
for a benchmark: `reference_embeddings`), `FAISS.from_documents`. Ours: `rag.ingest.pipeline.ingest` into a
throw-away index with the configured settings. Both run in this process one after the other (reference first) on
the same files, each with its model loaded before the clock starts, so the ratio is measured under the same load;
the load average before and after is printed because other programs share the CPU.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from rag.bench.common import load_average
from rag.config import Settings


def pdf_files(paths: list[Path]) -> list[Path]:
    files = []
    for path in paths:
        files += sorted(p for p in path.rglob("*.pdf")) if path.is_dir() else [path]
    return files


def reference_embeddings(folder: Path):
    """LangChain's `HuggingFaceEmbeddings` as the reference uses it: newlines to spaces, normalised vectors."""
    from langchain_core.embeddings import Embeddings
    from sentence_transformers import SentenceTransformer

    class ReferenceEmbeddings(Embeddings):
        def __init__(self):
            self.model = SentenceTransformer(str(folder), device="cpu")

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            texts = [text.replace("\n", " ") for text in texts]
            return self.model.encode(texts, normalize_embeddings=True).tolist()

        def embed_query(self, text: str) -> list[float]:
            return self.embed_documents([text])[0]

    return ReferenceEmbeddings()



def reference_ingest(files: list[Path]) -> dict:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # langchain-community's sunset notice
        from langchain_community.document_loaders import PyPDFLoader
        from langchain_community.vectorstores import FAISS
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from rag.index.embeddings import minilm_folder

    embeddings = reference_embeddings(minilm_folder())
    embeddings.embed_query("warm up")
    started = time.perf_counter()
    pages = [page for path in files for page in PyPDFLoader(str(path)).load()]
    parsed = time.perf_counter()
    chunks = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50).split_documents(pages)
    store = FAISS.from_documents(chunks, embeddings)
    with tempfile.TemporaryDirectory(prefix="docqa-reference-") as tmp:
        store.save_local(tmp)
    return {"pages": len(pages), "chunks": len(chunks), "parse_s": parsed - started,
            "total_s": time.perf_counter() - started}


def our_ingest(settings: Settings, files: list[Path]) -> dict:
    from rag.index.embeddings import LocalEmbeddings
    from rag.ingest.pipeline import ingest

    embeddings = LocalEmbeddings(settings)
    embeddings.encode(["warm up"])
    with tempfile.TemporaryDirectory(prefix="docqa-ours-") as tmp:
        run = settings.model_copy(update={"index_dir": Path(tmp) / "index"})
        summary = ingest(run, files, rebuild=True, progress=False, embeddings=embeddings)
    return {"pages": summary.pages_parsed, "chunks": summary.chunks_embedded,
            "parse_s": summary.seconds.get("parse", 0.0), "embed_s": summary.seconds.get("embed", 0.0),
            "total_s": summary.seconds.get("total", 0.0), "embedding": embeddings.name,
            "embedding_backend": embeddings.backend}


def compare(settings: Settings, paths: list[Path], skip_reference: bool = False) -> dict:
    files = pdf_files(paths)
    report = {"files": [str(f) for f in files], "load_before": load_average()}
    if not skip_reference:
        report["reference"] = reference_ingest(files)
    report["ours"] = our_ingest(settings, files)
    report["load_after"] = load_average()
    if "reference" in report:
        report["ratio"] = report["ours"]["total_s"] / report["reference"]["total_s"]
    return report


def print_compare(report: dict) -> None:
    print(f"Ingest comparison on {len(report['files'])} PDFs ({report['load_before']} before, "
          f"{report['load_after']} after)")
    for name in ("reference", "ours"):
        if name in report:
            row = report[name]
            stages = ", ".join(f"{key[:-2]} {value:.1f}s" for key, value in row.items()
                               if key.endswith("_s") and key != "total_s")
            print(f"  {name:<9} {row['total_s']:7.1f}s  ({stages}; {row['pages']} pages, {row['chunks']} chunks)")
    if "ratio" in report:
        print(f"  ours / reference = {report['ratio']:.2f}")


def add_parser(sub) -> None:
    parser = sub.add_parser("ingest-compare", help="rag.ingest against the reference pipeline, same run")
    parser.add_argument("paths", nargs="+", type=Path, help="PDF files or folders")
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run)


def run(args) -> int:
    import json

    from rag.config import load_settings

    report = compare(load_settings(), args.paths, args.skip_reference)
    print(json.dumps(report, indent=2)) if args.json else print_compare(report)
    return 0
