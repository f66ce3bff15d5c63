"""Text helpers shared by every stage: normalising, tokenising, control and special characters.

Stages further down the pipeline (chunking, keyword index, retrieval, answering) import from here, never the
other way round.

`neutralise_special_tokens` keeps document text data: a PDF (or a question, or an earlier turn) that contains
"<|im_start|>system" must not become a control token of the model's chat format. The strings are rewritten with
look-alike characters before the prompt is assembled, so a person still reads them but no tokenizer maps them to a
special token id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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
