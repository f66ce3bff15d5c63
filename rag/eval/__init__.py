"""Evaluation of retrieval and answers against question sets with known evidence pages.

- `rag.eval.questions`: read a JSON Lines question file into `Question` records, reporting malformed lines.
- `rag.eval.metrics`: pure scoring functions (page/doc hit@k, reciprocal rank, answer matching with numbers and
  currencies, abstention detection, citation checks) and per-group summaries rendered as a text table.

The retrieval/answer pipeline is plugged in by the `python -m rag.eval` command; nothing here depends on it.
"""
