"""rag.cli: with --json everything but the result goes to stderr, from Python, native code and child processes."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO

SCRIPT = """
import json, os, subprocess, sys
from rag.cli import stdout_to_stderr
with stdout_to_stderr():
    print("progress from python")
    os.write(1, b"progress from native code\\n")
    subprocess.run(["echo", "progress from a child process"], check=True)
print(json.dumps({"ok": True}))
"""


def test_stdout_to_stderr_leaves_only_the_result_on_stdout():
    run = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"ok": True}
    for source in ("python", "native code", "a child process"):
        assert f"progress from {source}" in run.stderr


def test_the_verdict_under_the_answer_is_compact_when_it_rests_on_the_evidence_shown_first():
    from rag.answer.result import Answer, Source
    from rag.answer.verify import lead_evidence, verify
    from rag.cli.output import format_lead, format_verdict

    text = "The minimum guarantee payable by adidas over the term of the agreement is equal to £750 million."
    sources = [Source(number=1, file="manu.pdf", page=53, score=0.8, text=text)]
    question = "How much is the minimum guarantee payable by adidas?"
    answer = Answer(question=question, answer="It is £750 million.", sources=sources)
    answer.verdict = verify(answer.answer, sources, question)
    assert answer.verdict.verdict == "verified"
    assert format_verdict(answer).startswith('Verified: [1] manu.pdf, page 53: "The minimum guarantee')
    answer.lead = lead_evidence(sources, question)
    assert format_lead(answer.lead).startswith('Evidence first: manu.pdf, page 53: "The minimum guarantee')
    assert format_verdict(answer) == "Verified: by the evidence above ([1] manu.pdf, page 53)"
