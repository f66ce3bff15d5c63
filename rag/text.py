"""Text helpers shared by every stage: normalising, tokenising, control and special characters.

Stages further down the pipeline (chunking, keyword index, retrieval, answering) import from here, never the
other way round.

`neutralise_special_tokens` keeps document text data: a PDF (or a question, or an earlier turn) that contains
"<|im_start|>system" must not become a control token of the model's chat format. The strings are rewritten with
look-alike characters before the prompt is assembled, so a person still reads them but no tokenizer maps them to a
special token id.

Tokenising (`tokenize`) hands the keyword index and the relevance checks their search tokens: stemmed words without
stopwords for alphabetic scripts, and overlapping character pairs (bigrams) for runs of Chinese characters and
Japanese kana, which are written without spaces ("股东持股情况" -> 股东 东持 持股 股情 情况).

Hands on plain functions; `without_control_characters` also keeps stray C0 characters from PDFs out of passages
and out of ctransformers' tokenizer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def place_text(page: int, place: str | None = None) -> str:
    """Where a passage is, as a person reads it: its `place` when the format has one ("slide 3", "sheet Q1, rows
    2–9", "Terms › Payment") or "page N"."""
    return place or f"page {page}"


def without_control_characters(text: str) -> str:
    """Text without C0 control characters (kept: tab, newline, carriage return). PDFs carry stray ones, and
    ctransformers' tokenizer crashes the process on some of them (e.g. \\x13)."""
    return _CONTROL_RE.sub(" ", text)


# Control strings of the common chat formats (ChatML, Llama-2/3, Mistral, Gemma, Phi, BERT-style), neutralised
# whatever the loaded model is: a model never needs them from a document.
SPECIAL_TOKENS = (
    "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|im_sep|>", "<|begin_of_text|>", "<|end_of_text|>",
    "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<|eom_id|>", "<|system|>", "<|user|>",
    "<|assistant|>", "<|end|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|fim_pad|>",
    "<|file_sep|>", "<|repo_name|>", "<|vision_start|>", "<|vision_end|>", "<|object_ref_start|>", "<|box_start|>",
    "<tool_call>", "</tool_call>", "<s>", "</s>", "<unk>", "<pad>", "<bos>", "<eos>", "[INST]", "[/INST]",
    "<<SYS>>", "<</SYS>>", "<start_of_turn>", "<end_of_turn>", "[CLS]", "[SEP]", "[MASK]",
)  # fmt: skip

# Look-alikes that no tokenizer treats as markup: the text stays readable, the token cannot form.
_LOOKALIKES = str.maketrans({"<": "\u2039", ">": "\u203a", "[": "\u27e6", "]": "\u27e7", "|": "\u00a6"})
_ZERO_WIDTH_SPACE = "\u200b"

# Variants a tokenizer might still read as the token, or a model as the format: "< |im_start| >", "[ INST ]".
_LOOSE_RE = re.compile(r"<\s*\|[^<>|\n]{1,40}\|\s*>|\[\s*/?\s*INST\s*\]|<<\s*/?\s*SYS\s*>>", re.IGNORECASE)


def neutralise(token: str) -> str:
    """`token` rewritten so that it is no longer the special token (readable look-alike characters)."""
    changed = token.translate(_LOOKALIKES)
    if changed == token:  # a special token with none of <>[]| (rare): break it after its first character
        changed = token[:1] + _ZERO_WIDTH_SPACE + token[1:]
    return changed


def special_token_pattern(extra: Iterable[str] = ()) -> re.Pattern[str]:
    """A pattern matching `SPECIAL_TOKENS` and the model's own `extra` special tokens, longest first."""
    # A model's own list can hold odd entries (a single character, a plain word): only markup-like ones count.
    own = {token for token in extra if len(token.strip()) >= 3 and re.search(r"[^\w\s]", token)}
    tokens = {*SPECIAL_TOKENS, *own}
    alternatives = "|".join(re.escape(token) for token in sorted(tokens, key=len, reverse=True))
    return re.compile(f"{alternatives}|{_LOOSE_RE.pattern}", re.IGNORECASE)


_DEFAULT_PATTERN = special_token_pattern()


def neutralise_special_tokens(text: str, extra: Iterable[str] = (), pattern: re.Pattern[str] | None = None) -> str:
    """`text` with every special-token string (`SPECIAL_TOKENS`, the model's `extra` ones) made harmless.

    Pass a `pattern` from `special_token_pattern` to avoid rebuilding it for every passage.
    """
    if pattern is None:
        extra = tuple(extra)
        pattern = special_token_pattern(extra) if extra else _DEFAULT_PATTERN
    return pattern.sub(lambda match: neutralise(match.group()), text)


# Function words that carry no meaning for search (also "being", so it never looks like the word "Boeing").
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her here
hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or other
our ours out over own same she should so some such than that the their theirs them then there these they this
those through to too under until up very was we were what when where which while who whom why will with would
you your yours please give using use based answer question
""".split())

_WORD_RE = re.compile(r"[^\W_]+")
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_DIGITS_RE = re.compile(r"\d+")
_LETTERS_RE = re.compile(r"[^\W\d_]{2,}")

# Han ideographs (with 々〆〇), hiragana, katakana (with ー), and their extensions.
_CJK_CHARS = ("\u3005-\u3007\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
              "\U00020000-\U0003134f")
CJK_CHARS = _CJK_CHARS
"""The Chinese/Japanese characters as the inside of a regular-expression character class."""
_CJK_RUN_RE = re.compile(f"[{_CJK_CHARS}]+")
# CJK characters and CJK punctuation / full-width forms, between which OCR puts spaces that the script does not have
_CJK_OR_PUNCT = f"[{_CJK_CHARS}\u3000-\u303f\uff00-\uffef]"
_CJK_SPACES_RE = re.compile(f"(?<={_CJK_OR_PUNCT})[ \t]+(?={_CJK_OR_PUNCT})")
_KANA_MARKS = frozenset("\u3099\u309a")  # the (han)dakuten of が, ぱ: not accents to strip


def join_thousands(text: str) -> str:
    """1,577,000 -> 1577000 (so a figure is one token whichever way it is written)."""
    return _THOUSANDS_RE.sub("", text)


def normalize(text: str) -> str:
    """Case-folded text without accents, and without thousands separators (1,577 -> 1577)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch) or ch in _KANA_MARKS).casefold()
    if "\u3099" in plain or "\u309a" in plain:
        plain = unicodedata.normalize("NFC", plain)  # が stays が, not か
    return join_thousands(plain)


def stem(word: str) -> str:
    """Harman's "S" stemmer: plural endings only, so "expenditures" meets "expenditure" and nothing else moves."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and not word.endswith(("aies", "eies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith("s") and not word.endswith(("us", "ss")):
        return word[:-1]
    return word


def has_cjk(text: str) -> bool:
    return _CJK_RUN_RE.search(text) is not None


def cjk_bigrams(run: str) -> list[str]:
    """Overlapping character pairs of a run of CJK characters; a single character stands alone."""
    if len(run) < 2:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


def tokenize(text: str) -> list[str]:
    """Search tokens: stemmed words without stopwords; a word mixing letters and digits ("fy2021") also
    yields its digit and letter parts ("2021", "fy"); runs of Chinese/Japanese characters yield their bigrams."""
    tokens: list[str] = []
    for word in _WORD_RE.findall(normalize(text)):
        if _CJK_RUN_RE.search(word):
            _cjk_word_tokens(word, tokens)
        else:
            _word_tokens(word, tokens)
    return tokens


def _word_tokens(word: str, tokens: list[str]) -> None:
    if word in STOPWORDS:
        return
    if word.isalpha():
        if len(word) > 1:
            tokens.append(stem(word))
        return
    tokens.append(word)
    if not word.isdigit():
        tokens.extend(_DIGITS_RE.findall(word))
        tokens.extend(_LETTERS_RE.findall(word))


def _cjk_word_tokens(word: str, tokens: list[str]) -> None:
    """A word holding CJK runs ("2018年第一季度"): bigrams of the runs, other parts as ordinary words."""
    position = 0
    for match in _CJK_RUN_RE.finditer(word):
        if match.start() > position:
            _word_tokens(word[position:match.start()], tokens)
        tokens.extend(cjk_bigrams(match.group()))
        position = match.end()
    if position < len(word):
        _word_tokens(word[position:], tokens)


def join_cjk_spaces(text: str) -> str:
    """Remove the spaces OCR puts between Chinese/Japanese characters ("中 国 银 行" -> "中国银行")."""
    return _CJK_SPACES_RE.sub("", text)
