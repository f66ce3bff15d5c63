"""`python -m rag.models`: the command's short name (README, Makefile); the code is `rag.llm.convert`."""
