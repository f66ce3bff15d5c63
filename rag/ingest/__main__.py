"""`python -m rag.ingest`."""

import sys

from rag.cli import run_cli
from rag.ingest import main

sys.exit(run_cli(main))
