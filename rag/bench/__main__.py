"""`python -m rag.bench`."""

import sys

from rag.cli import run_cli
from rag.bench import main

sys.exit(run_cli(main))
