"""The remote reader for real: vLLM's CPU build serving the qwen2.5-coder-0.5b pack's weights, asked through
`main.py --backend openai --base-url`, gives the demo answer with the same sources and citations as the local reader
(the same pack on OpenVINO).

vLLM lives in its own venv with the pack as a Hugging Face folder, both built by scripts/setup_vllm.sh under
$DOCQA_VLLM_HOME (default ~/.cache/docqa-vllm) and reused between runs; its compile cache stays in ~/.cache/vllm.
The first start compiles for minutes on 2 cores. Skips, saying why, where vLLM cannot be installed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from fixtures_servers import free_port, wait_until_up

httpx = pytest.importorskip("httpx")

pytestmark = pytest.mark.slow

ADIDAS = "How much is the minimum guarantee payable by adidas?"
MODEL = "qwen2.5-coder-0.5b"
HOME = Path(os.environ.get("DOCQA_VLLM_HOME", Path.home() / ".cache" / "docqa-vllm"))
SETUP_TIMEOUT = 3600  # ~1 GB of torch and vLLM on a slow link
START_TIMEOUT = 1200  # the first start compiles its kernels (~4 min on 2 idle cores)


def setup_vllm() -> tuple[Path, Path]:
    venv, weights = HOME / "venv", HOME / f"{MODEL}-hf"
    if not ((venv / ".installed").is_file() and (weights / "config.json").is_file()):
        try:
            done = subprocess.run(["bash", str(REPO / "scripts" / "setup_vllm.sh")], cwd=REPO, capture_output=True,
                                  text=True, timeout=SETUP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.skip(f"vLLM could not be installed within {SETUP_TIMEOUT} s (scripts/setup_vllm.sh)")
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines() or ["no output"]
            pytest.skip(f"vLLM cannot be installed here (scripts/setup_vllm.sh): {lines[-1]}")
    return venv, weights


@pytest.fixture(scope="module")
def vllm_url(tmp_path_factory):
    from rag.config import load_settings
    from rag.llm.packs import get_pack, is_installed
    if not is_installed(get_pack(MODEL), load_settings(models_dir=REPO / "models")):
        pytest.skip(f"the {MODEL} pack is not installed (python -m rag.models install {MODEL})")
    venv, weights = setup_vllm()
    port = free_port()
    log_path = tmp_path_factory.mktemp("vllm") / "vllm.log"
    env = {**os.environ, "VLLM_TARGET_DEVICE": "cpu", "VLLM_CPU_KVCACHE_SPACE": "2"}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(venv / "bin" / "vllm"), "serve", str(weights), "--served-model-name", MODEL, "--host", "127.0.0.1",
             "--port", str(port), "--dtype", "bfloat16", "--max-model-len", "4096"],
            cwd=tmp_path_factory.getbasetemp(), env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_up(process, f"{base}/models", log_path, START_TIMEOUT, "vLLM")
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: the API server and its engine process
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def answer(manu_index, *backend_args) -> dict:
    done = subprocess.run(
        [sys.executable, "main.py", *backend_args, "--index-dir", str(manu_index.index_dir), "--max-new-tokens",
         "64", "--json", ADIDAS], cwd=REPO, capture_output=True, text=True, timeout=900,
        env={**os.environ, "RAG_BACKEND": "auto"})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_vllm_answers_the_demo_question_like_the_local_reader(vllm_url, manu_index):
    remote = answer(manu_index, "--backend", "openai", "--base-url", vllm_url, "--model", MODEL, "--api-key", "none")
    local = answer(manu_index, "--backend", "openvino", "--pack", MODEL)
    assert remote["backend"] == "openai" and local["backend"] == "openvino"
    assert "750" in remote["answer"] and "750" in local["answer"]
    pages = [(s["file"], s["page"]) for s in remote["sources"]]
    assert pages == [(s["file"], s["page"]) for s in local["sources"]]
    assert {page for _, page in pages} & {53, 54}
    assert remote["cited"] == local["cited"] and remote["supported_by"] == local["supported_by"]
    assert not remote["abstained"] and remote["timings"]["generated_tokens"] > 0
