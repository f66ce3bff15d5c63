"""`python -m rag.serve`: docqa over HTTP (an OpenAI-compatible API with citations).

- `app`: the Starlette app: routes, the API key and body limits (`Guard`), OpenAI-style JSON errors, SSE streaming.
- `service`: the warm model, embeddings and index of the process, the bounded queue, answers in worker threads.
- `protocol`: the chat-completions wire format: requests checked, conversations rebuilt, responses and chunks built.

A top stage beside `web` and `eval`: it uses the pipeline and nothing uses it; it hands on HTTP responses.
"""
