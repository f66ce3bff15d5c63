"""docqa: private, local, CPU-only question answering over your own PDFs, with cited pages."""

__version__ = "0.1.0"
