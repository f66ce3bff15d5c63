"""The index: stores behind one interface (FAISS on disk, PostgreSQL + pgvector), embeddings, keyword index."""
