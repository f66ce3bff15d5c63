"""Text helpers shared by every stage: normalising, tokenising, control and special characters.

Stages further down the pipeline (chunking, keyword index, retrieval, answering) import from here, never the
other way round.
"""

from __future__ import annotations
