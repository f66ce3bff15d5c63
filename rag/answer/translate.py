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
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from rag.answer.grounding import MONTH_NUMBERS
from rag.llm.base import GenerationParams, LLMBackend
from rag.query.languages import LANGUAGE_NAMES, document_languages, language_of, targets  # noqa: F401
from rag.text import has_cjk, neutralise_special_tokens

MAX_TRANSLATION_TOKENS = 80
PROMPT_VERSION = 3  # part of the cache key: a changed prompt makes new translations
# Worked examples for the prompt: general questions about no document in particular (a small reader copies their form:
# a question in, the same question out in the other language, figures and names as written).
EXAMPLES = (
    {"en": "What was the net profit of the company in 2020?", "zh": "公司2020年的净利润是多少？",
     "ja": "会社の2020年の純利益はいくらですか？"},
    {"en": "Who is the chairman of ABC Holdings?", "zh": "ABC Holdings的董事长是谁？",
     "ja": "ABC Holdingsの会長は誰ですか？"},
)


def in_script(text: str, target: str) -> bool:
    """Whether a translation is written in the target's script: some Chinese/Japanese characters for "zh"/"ja" (names
    kept in Latin letters are fine: "HKSCC Nominees Limited持有..."), mostly Latin letters for "en"."""
    if target == "en":
        return language_of(text) == "en" and any(ch.isalpha() for ch in text)
    return sum(has_cjk(ch) for ch in text) >= 2


def answer_language_hint(question: str, documents: Iterable[str]) -> str:
    """A line added after the question for the reader, so that it answers in the question's language: always for a
    Chinese/Japanese question (the instructions around it are English), and for an English question about documents
    in another script; "" otherwise (English on English: the prompt stays exactly as it was)."""
    asked = language_of(question)
    if asked == "zh":
        return "（请用中文回答，数字和名称照原文引用。）"
    if asked == "ja":
        return "（日本語で答えてください。数字と名前は原文のとおりに引用してください。）"
    if set(documents) - {"en"}:
        return "(Answer in English; quote figures and names as the document writes them.)"
    return ""


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
        key = json.dumps([PROMPT_VERSION, self.backend.model_path.name, target, question.strip()], ensure_ascii=False)
        with self._lock:
            if key in self._cache:
                self.last_seconds = 0.0
                return self._cache[key]
        started = time.perf_counter()
        text = clean_translation(self.backend.generate(self.prompt(question, target), self.params()), question)
        if text and not in_script(text, target):
            text = ""  # not in the asked script (a bare number, the question repeated in English): no use for search
        self.last_seconds = time.perf_counter() - started
        with self._lock:
            self._cache[key] = text
            self._save()
        return text

    def prompt(self, question: str, target: str) -> str:
        """The translation prompt in the model's chat format (its own template when it has one): an instruction and
        two worked examples (general ones, about no document), then the question."""
        language = LANGUAGE_NAMES[target]
        system = (f"You translate questions about documents into {language}. Keep numbers, dates, codes and "
                  f"names as they are written. Reply with the {language} translation only, on one line.")
        question = neutralise_special_tokens(" ".join(question.split()),
                                             getattr(self.backend, "special_tokens", ()))
        turns = [{"role": "system", "content": system}]
        for example in EXAMPLES:
            source = example["en"] if target != "en" else example["zh"]
            turns += [{"role": "user", "content": source}, {"role": "assistant", "content": example[target]}]
        turns.append({"role": "user", "content": question})
        template = getattr(self.backend, "chat_template", None)
        if template:
            from rag.answer.prompts import _render

            try:
                return _render(template, turns)
            except Exception:  # noqa: BLE001 - a template that refuses a system turn: the plain layout below
                pass
        if self.backend.chat_format == "chatml":
            return "".join(f"<|im_start|>{turn['role']}\n{turn['content']}<|im_end|>\n" for turn in turns) + \
                "<|im_start|>assistant\n"
        shots = "".join(f"Question: {a['content']}\n{language}: {b['content']}\n\n"
                        for a, b in zip(turns[1::2], turns[2::2]))
        return f"{system}\n\n{shots}Question: {question}\n{language}:"

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
    line = without_inventions(line, question)
    if not line or line == question.strip():
        return ""
    return line


# the examples' own names, which a small reader copies into other questions ("ABC Holdingsの信用ライン...")
_EXAMPLE_NAMES = {word for example in EXAMPLES for text in example.values()
                  for word in re.findall(r"(?<=\s)[A-Z][A-Za-z]+", text)}  # (not "What" opening a question)
# a number with what dates or counts it, and a "from"/"to" after it: "1月31日まで", "2020年10月1日から"
_NUMBER_PHRASE_RE = re.compile(r"(?<![\d.,])(\d+)(?:\s*[年月日号時点])?(?:から|まで|至|到)?")


def without_inventions(translation: str, question: str) -> str:
    """The translation without numbers the question does not hold (a month it names counts: "March" is 3) and
    without the worked examples' names it does not use: a 0.5B reader adds dates ("2018年1月1日から1月31日まで" for
    "the first quarter of 2018") and copies "ABC Holdings" from the examples, and either sends the search to the
    wrong pages."""
    plain = unicodedata.normalize("NFKC", question)
    allowed = {str(int(n)) for n in re.findall(r"\d+", plain)}
    words = {word.lower() for word in re.findall(r"[A-Za-z0-9]+", plain)}
    allowed |= {str(MONTH_NUMBERS[w]) for w in words if w in MONTH_NUMBERS}
    text = _NUMBER_PHRASE_RE.sub(lambda m: m.group(0) if str(int(m.group(1))) in allowed else "",
                                 translation)
    for name in _EXAMPLE_NAMES - set(re.findall(r"[A-Za-z]+", plain)):
        text = re.sub(rf"(?<![A-Za-z]){name}(?![A-Za-z])\s*", "", text)
    return " ".join(text.split()).strip(" 、，,の的")
