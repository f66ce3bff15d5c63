"""Stage 4, retrieve: rankings, fusion, passages.

- `hybrid`: `HybridRetriever` (a LangChain retriever): dense and BM25 rankings of the index's chunks, plus statement
  pages, contact chunks and named pages for the questions that ask for them, limited to the files a question
  names; `build_retriever(settings, index, embeddings)`;
- `fusion`: reciprocal rank fusion of those rankings;
- `passages`: one passage per page, grown from the best chunk with its neighbours (`PageChunks`, derived once per
  index version).

Takes a `QueryAnalysis` (`rag.query`) and a loaded index (`rag.index`); hands on passages, best first, with their
cosine `score`, to the answerer (`rag.answer`) and the evaluation.
"""
