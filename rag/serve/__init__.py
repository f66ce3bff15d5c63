"""`python -m rag.serve`: docqa over HTTP (an OpenAI-compatible API with citations)."""
