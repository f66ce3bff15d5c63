"""Stage 3, query: what a question asks (files, pages, figures, names), computed once per question.

- `analysis`: `QueryAnalysis`, everything below for one question, each part computed on first use and kept;
- `names`: which indexed files a question names by their file names (`document_names(index)`: once per version);
- `terms`: the figures, names, acronyms, organisations and quarters it names, and its content words;
- `statements`, `contacts`, `page_refs`: the financial statement, contact detail and pages it asks about (and how a
  page or a chunk is recognised as one).

Hands on a `QueryAnalysis` to retrieval (`rag.retrieve`) and to the relevance check (`rag.answer.answerability`).
Imports only `rag.index` (file titles, derived data) and the shared modules.
"""
