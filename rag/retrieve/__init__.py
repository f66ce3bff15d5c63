"""Retrieval: rankings, fusion, passages."""
