"""Evaluation of retrieval and answers against question sets with known evidence pages (a top stage, beside `web`
and `serve`: it uses the pipeline and nothing uses it).

- `rag.eval.questions`: read a JSON Lines question file into `Question` records, reporting malformed lines.
- `rag.eval.metrics`: pure scoring functions (page/doc hit@k, reciprocal rank, answer matching with numbers and
  currencies, abstention detection, citation checks) and per-group summaries rendered as a text table.
- `rag.eval.runner`: the cached evaluation index, the presets, and every question asked through the same retriever
  (and answerer) as the CLI, recording what the relevance check decides.

`python -m rag.eval` hands on a table per source/category and preset, and every question's result as JSON.
"""
