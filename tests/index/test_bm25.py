"""The keyword index: built, saved and loaded with bm25s, without importing scipy on the way."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np

from rag.index import bm25


def test_an_index_scores_its_chunks_and_reloads_the_same(tmp_path):
    index = bm25.build([["minimum", "guarantee", "adidas"], ["broadcasting", "revenue"], ["revenue", "matchday"]])
    scores = index.scores("broadcasting revenue")
    assert scores.argmax() == 1 and scores[0] == 0 and scores[2] > 0
    index.save(tmp_path)
    again = bm25.load(tmp_path, rows=3)
    assert again.vocab == index.vocab
    assert np.allclose(again.scores("broadcasting revenue"), scores)


def test_loading_bm25s_leaves_scipy_unimported_and_importable():
    script = textwrap.dedent("""
        import sys
        from rag.index import bm25
        module = bm25._bm25s()
        assert "scipy" not in sys.modules, "bm25s pulled in scipy"
        assert not module.SCIPY_AVAILABLE
        import scipy.sparse  # anything else may still import it
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
