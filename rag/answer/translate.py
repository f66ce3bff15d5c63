"""Cross-lingual questions: the question translated by the reader into the documents' language before searching.

The bundled embedder is English only and the keyword index matches words, so an English question about a Chinese
filing finds nothing by either. When the question is written in another language than some of the indexed
documents (English vs Chinese/Japanese, by script: `rag.query.languages`), the loaded reader translates it (one short
generation, greedy, at most `MAX_TRANSLATION_TOKENS`), and the retriever fuses the rankings of the translation
with those of the original question (`rag.retrieve.hybrid.HybridRetriever.invoke(..., also=...)`). A question in
the documents' own language is never translated, so English on English documents pays nothing.

Translations are cached by (model, target language, question), in memory and in `<cache_dir>/translations.json`,
so asking again costs nothing. The question is data: special-token strings in it are neutralised before it is put
into the prompt, and the translation is only ever used as a search query (never shown as an answer).
"""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

from rag.llm.base import GenerationParams, LLMBackend
from rag.query.languages import LANGUAGE_NAMES, document_languages, language_of, targets  # noqa: F401
from rag.text import neutralise_special_tokens

MAX_TRANSLATION_TOKENS = 80


class Translator:
    """Translates questions with a loaded reader; cached in memory and in `cache_file` (JSON), thread-safe."""

    def __init__(self, backend: LLMBackend, cache_file: Path | None = None):
        self.backend = backend
        self.cache_file = cache_file
        self._lock = threading.Lock()
        self._cache: dict[str, str] = self._load()
        self.last_seconds = 0.0  # time spent translating in the last `translate` call (0 when cached)

    def translate(self, question: str, target: str) -> str:
        """`question` in language `target` ("en", "zh", "ja"); "" when the model gives nothing usable."""
        key = json.dumps([self.backend.model_path.name, target, question.strip()], ensure_ascii=False)
        with self._lock:
            if key in self._cache:
                self.last_seconds = 0.0
                return self._cache[key]
        started = time.perf_counter()
        text = clean_translation(self.backend.generate(self.prompt(question, target), self.params()), question)
        self.last_seconds = time.perf_counter() - started
        with self._lock:
            self._cache[key] = text
            self._save()
        return text

    def prompt(self, question: str, target: str) -> str:
        """The translation prompt in the model's chat format (its own template when it has one)."""
        language = LANGUAGE_NAMES[target]
        system = (f"You translate questions about documents into {language}. Keep numbers, dates, codes and "
                  f"names of companies and people as they are written. Reply with the {language} translation "
                  f"only, on one line.")
        question = neutralise_special_tokens(" ".join(question.split()),
                                             getattr(self.backend, "special_tokens", ()))
        template = getattr(self.backend, "chat_template", None)
        if template:
            from rag.answer.prompts import _render

            try:
                return _render(template, [{"role": "system", "content": system},
                                          {"role": "user", "content": question}])
            except Exception:  # noqa: BLE001 - a template that refuses a system turn: the plain layout below
                pass
        if self.backend.chat_format == "chatml":
            return (f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{question}<|im_end|>\n"
                    f"<|im_start|>assistant\n")
        return f"{system}\n\nQuestion: {question}\n{language}:"

    def params(self) -> GenerationParams:
        return GenerationParams(max_new_tokens=MAX_TRANSLATION_TOKENS, temperature=0.0, top_k=1,
                                stop=[*self.backend.stop, "\n"])

    def _load(self) -> dict[str, str]:
        if self.cache_file is None or not self.cache_file.is_file():
            return {}
        try:
            data = json.loads(self.cache_file.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _save(self) -> None:
        if self.cache_file is None:
            return
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.cache_file.with_suffix(".tmp")
            temporary.write_text(json.dumps(self._cache, ensure_ascii=False, indent=0), "utf-8")
            temporary.replace(self.cache_file)
        except OSError:
            pass  # a cache that cannot be written only costs time


def clean_translation(text: str, question: str) -> str:
    """The first line of the model's output without quotes or a "Translation:" label; "" when it only repeated
    the question or gave nothing."""
    line = next((line.strip() for line in text.strip().splitlines() if line.strip()), "")
    line = re.sub(r"^(?:translation|翻译|翻訳|译文|訳)\s*[:：]\s*", "", line, flags=re.IGNORECASE)
    line = line.strip().strip("\"'“”「」『』").strip()
    if not line or line == question.strip():
        return ""
    return line
