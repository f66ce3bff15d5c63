"""`python -m rag.bench SUBCOMMAND`: speed and robustness numbers printed as tables (benchmarks, not tests).

The top stage: it may use every other one. One module per benchmark, named after its subcommand (`ingest-compare`:
`ingest_compare`), each with `add_parser(sub)` and `run(args)`; `__main__` is the dispatcher, `common` what they share.

- `ingest [PATH ...]`: parse and embed a folder into a throw-away index, `--runs` times; pages/s, chunks/s.
- `llm`: every available backend/model on the same ~600-token prompt (retrieved 20-F context + question):
  load time, TTFT, prompt tokens/s, generation tokens/s, peak RSS. Each model runs in its own process so
  its peak memory is its own. Medians of `--runs`; the machine's load average is printed beside them.
- `serve`: the HTTP server under 1, 4, 16 concurrent streaming clients.
- `faults`: the robustness suite: kills, races, damaged indexes, corrupted PDFs, hostile
  uploads; one table of cases, held or not, and data lost.
- `ingest-compare PATH ...`: `rag.ingest` against the reference pipeline on the same files in one run.
- `startup`: whole-process time to the first token of `python main.py "question"` per backend, with the split
  and peak RSS.
- `store`: vector stores at 10k-1M synthetic chunks.
- `scan PDF`: an image-only copy of a PDF, for OCR tests and evaluations.
- `tables`: table extractors (ours, pdfplumber, camelot) on hand-checked gold tables: cells right, s/page.
"""
