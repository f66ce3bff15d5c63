"""Build a Hugging Face tokenizer from a GGUF file's own tokenizer metadata.

`AutoTokenizer.from_pretrained(..., gguf_file=...)` builds a broken tokenizer for SmolLM2 (spaces become
`<|endoftext|>`), so for byte-level BPE files (`tokenizer.ggml.model == "gpt2"`) we build it ourselves from
`tokenizer.ggml.tokens` / `merges` / `token_type`, with the pre-tokenizer llama.cpp uses for the file's
`tokenizer.ggml.pre`. Other tokenizer models (e.g. Llama-2's SentencePiece) go through transformers, which
handles them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rag.errors import ModelError

# llama.cpp token types (tokenizer.ggml.token_type).
TOKEN_NORMAL = 1
TOKEN_UNKNOWN = 2
TOKEN_CONTROL = 3
TOKEN_USER_DEFINED = 4

# GPT-2's split pattern (what tokenizers' ByteLevel(use_regex=True) applies).
_GPT2_FAMILY = {"default", "gpt-2", "gpt2"}
# llama.cpp pre-tokenizers that split every digit on its own, then apply the GPT-2 pattern.
_DIGITS_THEN_GPT2 = {"smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva"}
_LLAMA3_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)
_LLAMA3_FAMILY = {"llama-bpe", "llama3", "llama-v3"}
SUPPORTED_PRE = sorted(_GPT2_FAMILY | _DIGITS_THEN_GPT2 | _LLAMA3_FAMILY)


@dataclass
class GGUFVocab:
    """The tokenizer part of a GGUF file's metadata."""

    model: str
    pre: str
    tokens: list[str]
    token_types: list[int]
    merges: list[str]
    bos_id: int | None
    eos_id: int | None
    unk_id: int | None
    pad_id: int | None
    add_bos: bool
    chat_template: str | None

    def token(self, token_id: int | None) -> str | None:
        return self.tokens[token_id] if token_id is not None and 0 <= token_id < len(self.tokens) else None


def _field(fields, key: str, default=None):
    field = fields.get(key)
    return default if field is None else field.contents()


def read_gguf_vocab(path: Path) -> GGUFVocab:
    """The tokenizer metadata of a GGUF file (reads the header only; tensors stay memory-mapped)."""
    from gguf import GGUFReader

    try:
        fields = GGUFReader(path).fields
    except Exception as exc:
        raise ModelError(f"{path}: not a readable GGUF file ({exc})") from None
    tokens = _field(fields, "tokenizer.ggml.tokens")
    if not tokens:
        raise ModelError(f"{path}: the GGUF file has no tokenizer (tokenizer.ggml.tokens is missing)")
    return GGUFVocab(
        model=_field(fields, "tokenizer.ggml.model", ""),
        pre=_field(fields, "tokenizer.ggml.pre", "default"),
        tokens=list(tokens),
        token_types=list(_field(fields, "tokenizer.ggml.token_type", [TOKEN_NORMAL] * len(tokens))),
        merges=list(_field(fields, "tokenizer.ggml.merges", [])),
        bos_id=_field(fields, "tokenizer.ggml.bos_token_id"),
        eos_id=_field(fields, "tokenizer.ggml.eos_token_id"),
        unk_id=_field(fields, "tokenizer.ggml.unknown_token_id"),
        pad_id=_field(fields, "tokenizer.ggml.padding_token_id"),
        add_bos=bool(_field(fields, "tokenizer.ggml.add_bos_token", False)),
        chat_template=_field(fields, "tokenizer.chat_template"),
    )


def _pre_tokenizer(pre: str):
    from tokenizers import Regex, pre_tokenizers

    if pre in _DIGITS_THEN_GPT2:
        return pre_tokenizers.Sequence(
            [pre_tokenizers.Digits(individual_digits=True), pre_tokenizers.ByteLevel(add_prefix_space=False)]
        )
    if pre in _GPT2_FAMILY:
        return pre_tokenizers.ByteLevel(add_prefix_space=False)
    if pre in _LLAMA3_FAMILY:
        return pre_tokenizers.Sequence(
            [
                pre_tokenizers.Split(Regex(_LLAMA3_PATTERN), behavior="isolated"),
                pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
            ]
        )
    raise ModelError(
        f"GGUF pre-tokenizer {pre!r} is not supported; supported: {', '.join(SUPPORTED_PRE)}"
    )


def _split_merges(merges: list[str]) -> list[tuple[str, str]]:
    # Byte-level tokens never contain a raw space (it is mapped to "Ġ"), so one split is exact.
    return [tuple(merge.split(" ", 1)) for merge in merges]


def build_bpe_tokenizer(vocab: GGUFVocab):
    """A `tokenizers.Tokenizer` equivalent to llama.cpp's byte-level BPE for this vocabulary."""
    from tokenizers import AddedToken, Tokenizer, decoders, models

    if vocab.model != "gpt2":
        raise ModelError(f"tokenizer model {vocab.model!r} is not byte-level BPE ('gpt2')")
    bpe = models.BPE(
        vocab={token: index for index, token in enumerate(vocab.tokens)},
        merges=_split_merges(vocab.merges),
        fuse_unk=False,
        byte_fallback=False,
    )
    tokenizer = Tokenizer(bpe)
    tokenizer.pre_tokenizer = _pre_tokenizer(vocab.pre)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.add_special_tokens(
        [AddedToken(vocab.tokens[i], special=True, normalized=False) for i in _ids_of_type(vocab, TOKEN_CONTROL)]
    )
    user_defined = _ids_of_type(vocab, TOKEN_USER_DEFINED)
    if user_defined:
        tokenizer.add_tokens([AddedToken(vocab.tokens[i], normalized=False) for i in user_defined])
    return tokenizer


def _ids_of_type(vocab: GGUFVocab, token_type: int) -> list[int]:
    return [index for index, kind in enumerate(vocab.token_types) if kind == token_type]


def build_hf_tokenizer(vocab: GGUFVocab):
    """A `PreTrainedTokenizerFast` (with chat template and bos/eos/unk/pad) for a byte-level BPE vocabulary."""
    from transformers import PreTrainedTokenizerFast

    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=build_bpe_tokenizer(vocab),
        bos_token=vocab.token(vocab.bos_id),
        eos_token=vocab.token(vocab.eos_id),
        unk_token=vocab.token(vocab.unk_id),
        pad_token=vocab.token(vocab.pad_id),
        add_bos_token=vocab.add_bos,
        clean_up_tokenization_spaces=False,
        model_max_length=1_000_000,  # the model config's window is the real limit
    )
    if vocab.chat_template:
        tokenizer.chat_template = vocab.chat_template
    return tokenizer


def load_gguf_tokenizer(gguf_path: Path):
    """The right HF tokenizer for a GGUF file: built from its metadata for BPE, via transformers otherwise."""
    vocab = read_gguf_vocab(gguf_path)
    if vocab.model == "gpt2":
        return build_hf_tokenizer(vocab)
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name)
    except Exception as exc:
        raise ModelError(f"{gguf_path}: cannot build its tokenizer ({type(exc).__name__}: {exc})") from None


def save_gguf_tokenizer(gguf_path: Path, out_dir: Path):
    """Write the GGUF file's tokenizer to `out_dir` (tokenizer.json, tokenizer_config.json, chat template)."""
    tokenizer = load_gguf_tokenizer(gguf_path)
    tokenizer.save_pretrained(str(out_dir))
    return tokenizer
