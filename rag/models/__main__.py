"""`python -m rag.models ...`: the short name of `python -m rag.llm.convert` (model packs, conversion, export)."""

import sys

from rag.cli import run_cli
from rag.llm.convert.__main__ import main

if __name__ == "__main__":
    sys.exit(run_cli(main))
