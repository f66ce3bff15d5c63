"""Stage 1, the index: what ingest writes and retrieval reads.

- `store`: the FAISS index on disk (vectors, chunks as JSON Lines, manifest; versions swapped atomically);
  `pgvector`: the same index in PostgreSQL with pgvector, shared by many processes;
- `base`: what both offer retrieval (the `Searcher` interface, `Cosines`, `top_rows`) and `derived`, the data later
  stages compute from a loaded index, built once per index version; `live`: opening the configured store;
  `faiss_search`: ranking FAISS rows in this process;
- `embeddings` (torch or plain OpenVINO, `embed_openvino`): the sentence embedder, as a LangChain `Embeddings`;
- `bm25`: the keyword index over the same chunks.

Hands on a loaded index (chunks, manifest, a searcher for its rows) and the embedder. Imports only the shared
modules (`rag.config`, `rag.errors`, `rag.text`).
"""
