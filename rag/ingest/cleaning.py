"""Page text as chunks should hold it: words, not layout (control characters, dotted leaders and runs of spaces
removed). Shared by the PDF reader and the table labelling.
"""

from __future__ import annotations

import re

from rag.text import without_control_characters

MIN_PAGE_CHARS = 10  # fewer extracted characters than this: the page has no usable text layer
LEADERS_RE = re.compile(r"(?:\. ?){4,}")  # dotted leader lines in tables of contents and statements
_SPACES = re.compile(r"[ \t\u00a0]+")


def clean_text(text: str) -> str:
    """Normalise whitespace and dotted leaders so chunks hold words, not layout."""
    text = without_control_characters(text.replace("\x00", ""))
    text = LEADERS_RE.sub(" ... ", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)
