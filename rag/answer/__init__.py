"""Stage 6, answer: from passages to a cited, checked answer.

- `answerer`: `Answerer.ask` (analyse the question once, retrieve, judge, fit the window, stream, cite, check),
  `Conversation` (turns through an answerer) and `load_answerer` (everything loaded once);
- `answerability`: whether the passages can answer at all, and why not (the relevance check);
- `prompts`: the reader's prompt from the model's own chat template, and the citations read back; `templates`:
  the fixed templates (the fallback for base models) and fitting passages into the window;
- `conversation`: earlier turns in the prompt, follow-ups made standalone for retrieval;
- `abstention`: whether the model itself said the documents do not say; `grounding`: whether every figure, date and
  name of the answer is in its passages.

Hands on an `Answer` (text, numbered sources, citations, grounding, timings) to the CLI, the web UI, the HTTP API
and the evaluation. Imports the stages below it: `rag.llm` (the backend interface), `rag.retrieve`, `rag.query`,
`rag.ingest` (ingesting data/ when there is no index yet) and `rag.index`.
"""
