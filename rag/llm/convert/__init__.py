"""Model files for the reader: the bundled SmolLM2 (`bundled`), GGUF conversion for ctransformers (`gguf_convert`,
`gguf_tokenizer`), OpenVINO export (`openvino_export`) and inspecting a user's model file (`inspect`).

Hands on model files and folders under `models/` that the backends in `rag.llm` load; `python -m rag.models`
(`__main__`) is the command that installs model packs and prepares these files.
"""
