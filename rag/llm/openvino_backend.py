"""OpenVINO backend: an OpenVINO IR LLM folder run with openvino_genai (default) or optimum-intel.

Both engines are driven the same way: the prompt is tokenized here with the engine's tokenizer (the OpenVINO
tokenizer for genai, the Hugging Face one for optimum), so the window check, `count_tokens` and the model see the
same ids; generated token ids arrive through a streamer on a worker thread, and this module decodes them
incrementally, applies the stop strings and times every token.
Measured on the bundled SmolLM2 int8 IR (600-token prompt, 2 cores), openvino_genai gave the shorter time to first
token and the faster generation, so it is the default; `engine="optimum"` selects OVModelForCausalLM.
"""

from __future__ import annotations

import json
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from rag.errors import ModelError, missing_extra
from rag.llm.base import STOPS, ChatFormat, GenerationParams, GenerationStats, LLMBackend, StatsTimer

if TYPE_CHECKING:
    from rag.config import Settings

ENGINES = ("genai", "optimum")
MODEL_XML = "openvino_model.xml"
OV_TOKENIZER_FILES = ("openvino_tokenizer.xml", "openvino_detokenizer.xml")
HF_TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model")
_DONE = object()


class OpenVINOBackend(LLMBackend):
    """A loaded OpenVINO IR LLM (see the module docstring)."""

    name = "openvino"

    def __init__(
        self,
        model_path: Path,
        *,
        device: str = "CPU",
        cache_dir: Path | None = None,
        threads: int | None = None,
        context_length: int | None = None,
        engine: str = "genai",
    ):
        started = time.perf_counter()
        self.model_path = Path(model_path)
        self.engine_name = engine
        if engine not in ENGINES:
            raise ModelError(f"unknown OpenVINO engine {engine!r}; choose one of: {', '.join(ENGINES)}")
        config = validate_ir_folder(self.model_path, needs_hf_tokenizer=engine == "optimum")
        device = check_device(device)
        ov_config = _ov_config(cache_dir, threads)
        engine_class = _GenAIEngine if engine == "genai" else _OptimumEngine
        self._engine = engine_class(self.model_path, device, ov_config)
        _quiet_torch_threads()  # after the engine: optimum imports torch
        self.tokenizer = self._engine.tokenizer
        self.chat_format = detect_chat_format(self.tokenizer.chat_template, config)
        self.chat_template = self.tokenizer.chat_template if isinstance(self.tokenizer.chat_template, str) else None
        self.stop = list(STOPS[self.chat_format])
        model_window = config.get("max_position_embeddings") or config.get("max_sequence_length")
        self.context_length = _window(context_length, model_window)
        self.eos_ids = _eos_ids(self.model_path, config, self.tokenizer.eos_token_id)
        self.special_tokens = folder_special_tokens(self.model_path)  # neutralised in document text (rag.text)
        self.last_stats = GenerationStats()
        self.load_seconds = time.perf_counter() - started

    @classmethod
    def from_settings(cls, settings: "Settings", announce: Callable[[str], None] = print) -> "OpenVINOBackend":
        if settings.model is not None:
            model_path = Path(settings.model)
        else:
            model_path = _default_model(settings, announce)
        return cls(
            model_path,
            device=settings.device,
            cache_dir=Path(settings.cache_dir) / "openvino",
            threads=settings.threads,
            context_length=settings.context_length,
            engine=getattr(settings, "openvino_engine", "genai"),  # the setting lives in rag/config.py
        )

    def describe(self) -> str:
        return f"{self.name} ({self.engine_name}): {self.model_path.name}"

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False))

    def stream(self, prompt: str, params: GenerationParams) -> Iterator[str]:
        input_ids = self._prompt_ids(prompt)
        if len(input_ids) + params.max_new_tokens > self.context_length:
            raise ModelError(
                f"the prompt ({len(input_ids)} tokens) plus max_new_tokens ({params.max_new_tokens}) exceeds "
                f"the model's window of {self.context_length} tokens"
            )
        timer = StatsTimer(len(input_ids))
        self.last_stats = timer.stats
        decoder = _StopStringDecoder(self.tokenizer, params.stop or self.stop)
        with _Generation(self._engine, input_ids, params, self.eos_ids) as tokens:
            for token_id in tokens:
                timer.token()
                if token_id in self.eos_ids:
                    break
                piece = decoder.add(token_id)
                if piece:
                    yield piece
                if decoder.stopped:
                    break
            else:
                tail = decoder.flush()
                if tail:
                    yield tail
        self.last_stats = timer.finish()

    def _prompt_ids(self, prompt: str) -> list[int]:
        ids = self.tokenizer.encode(prompt, add_special_tokens=True)
        bos = self.tokenizer.bos_token_id
        if bos is not None and len(ids) > 1 and ids[0] == bos and ids[1] == bos:
            ids = ids[1:]  # the prompt already started with the BOS text and the tokenizer added another
        return ids


# ---------------------------------------------------------------------------------------------------------------
# Validation and setup


def _default_model(settings: "Settings", announce: Callable[[str], None]) -> Path:
    """The configured model pack's folder when it is installed, else the bundled SmolLM2 (exported on first use)."""
    from rag.llm.packs import DEFAULT_PACK, get_pack, is_installed, pack_model_dir

    pack = get_pack(getattr(settings, "model_pack", "smollm2-135m"))
    if pack.bundled_file is None:
        if is_installed(pack, settings):
            return pack_model_dir(pack, settings)
        if pack.name != DEFAULT_PACK:  # asked for by name: answering with another model would mislead
            raise ModelError(f"model pack {pack.name} is not installed in {settings.models_dir}; install it with: "
                             f"python -m rag.models install {pack.name}")
        announce(f"note: the reader model pack {pack.name} is not installed (python -m rag.models install "
                 f"{pack.name}); using the bundled SmolLM2-135M, whose answers are often wrong")
    from rag.llm.convert.openvino_export import ensure_default_openvino_model

    return ensure_default_openvino_model(settings, announce=announce)


def validate_ir_folder(folder: Path, needs_hf_tokenizer: bool = False) -> dict:
    """The model config of an OpenVINO IR LLM folder, or a one-line ModelError saying what is wrong."""
    if not folder.exists():
        raise ModelError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise ModelError(f"{folder}: an OpenVINO model is a folder with {MODEL_XML}; export this file to one with: "
                         f"python -m rag.models export-openvino {folder}")
    if not (folder / MODEL_XML).is_file():
        raise ModelError(f"{folder}: no {MODEL_XML} here, not an OpenVINO IR folder (export one with: "
                         "python -m rag.models export-openvino)")
    if not (folder / "config.json").is_file():
        raise ModelError(f"{folder}: no config.json beside {MODEL_XML}")
    try:
        config = json.loads((folder / "config.json").read_text())
    except ValueError as exc:
        raise ModelError(f"{folder / 'config.json'}: not valid JSON ({exc})") from None
    if not _is_causal_lm_ir(folder / MODEL_XML, config):
        raise ModelError(f"{folder}: {MODEL_XML} is not a text-generation LLM (needs input_ids in and logits out)")
    missing = [name for name in OV_TOKENIZER_FILES if not (folder / name).is_file()]
    if needs_hf_tokenizer and not any((folder / name).is_file() for name in HF_TOKENIZER_FILES):
        missing.append("tokenizer.json")
    if missing:
        what = ", ".join(missing)
        raise ModelError(f"{folder}: missing tokenizer ({what}); re-export the model with: "
                         "python -m rag.models export-openvino")
    return config


def _is_causal_lm_ir(xml: Path, config: dict) -> bool:
    architectures = config.get("architectures") or []
    if architectures and not any(a.endswith(("ForCausalLM", "LMHeadModel")) for a in architectures):
        return False
    # Reading the model would take ~0.3 s; its XML names the inputs and outputs, which is all we need here.
    text = xml.read_text(errors="replace")
    return 'name="input_ids"' in text and "logits" in text


def check_device(device: str) -> str:
    """The device name, if OpenVINO has it here (AUTO and HETERO/MULTI combinations are passed through)."""
    try:
        import openvino as ov
    except ImportError:
        raise missing_extra("openvino", "openvino") from None
    device = device.upper()
    available = ov.Core().available_devices
    base = device.split(".")[0]
    if base in available or device.startswith(("AUTO", "HETERO", "MULTI")):
        return device
    raise ModelError(f"OpenVINO device {device!r} is not available here; available: {', '.join(available)}")


def _quiet_torch_threads() -> None:
    # torch's own thread pool fighting OpenVINO's made generation 4-7x slower on a 2-core machine. A process that
    # has not imported torch has no such pool, and importing it only to say so would cost a second.
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)


def detect_chat_format(template, config: dict) -> ChatFormat:
    """chatml, llama2 or plain, from the tokenizer's chat template (or the model's name when it has none)."""
    template = template or ""
    if isinstance(template, dict):
        template = " ".join(template.values())
    if "<|im_start|>" in template:
        return "chatml"
    if "[INST]" in template:
        return "llama2"
    name = str(config.get("_name_or_path") or config.get("_model_name_or_path") or "").lower()
    if "llama-2" in name and "chat" in name:
        return "llama2"
    return "plain"


def _window(requested: int | None, model_window: int | None) -> int:
    if requested and model_window:
        return min(requested, model_window)
    return requested or model_window or 2048


def _eos_ids(folder: Path, config: dict, tokenizer_eos: int | None) -> set[int]:
    ids = {tokenizer_eos} if tokenizer_eos is not None and tokenizer_eos >= 0 else set()
    for source in (config, _read_json(folder / "generation_config.json")):
        value = source.get("eos_token_id")
        ids.update(value if isinstance(value, list) else [value] if value is not None else [])
    return ids


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _ov_config(cache_dir: Path | None, threads: int | None) -> dict[str, str]:
    config = {"PERFORMANCE_HINT": "LATENCY", "NUM_STREAMS": "1"}
    if cache_dir is not None:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        config["CACHE_DIR"] = str(cache_dir)
    if threads:
        config["INFERENCE_NUM_THREADS"] = str(threads)
    return config


# ---------------------------------------------------------------------------------------------------------------
# Decoding and stop strings


class _StopStringDecoder:
    """Turns token ids into text pieces; holds back text that may be the start of a stop string."""

    def __init__(self, tokenizer, stop: list[str]):
        self.tokenizer = tokenizer
        self.stop = [s for s in stop if s]
        self.ids: list[int] = []
        self.text = ""  # decoded text of all ids so far
        self.sent = 0  # characters of self.text already yielded
        self.stopped = False

    def add(self, token_id: int) -> str:
        self.ids.append(token_id)
        text = self.tokenizer.decode(self.ids)
        if text.endswith("\ufffd"):
            return ""  # an incomplete UTF-8 character: wait for the next token
        self.text = text
        cut = self._first_stop()
        if cut is not None:
            self.stopped = True
            return self._take(cut)
        return self._take(len(text) - self._held_back())

    def flush(self) -> str:
        cut = self._first_stop()
        return self._take(len(self.text) if cut is None else cut)

    def _first_stop(self) -> int | None:
        found = [i for i in (self.text.find(s, max(0, self.sent - len(s))) for s in self.stop) if i >= 0]
        return min(found) if found else None

    def _held_back(self) -> int:
        """Length of the longest tail of the text that is a proper prefix of a stop string."""
        longest = 0
        for stop in self.stop:
            for size in range(min(len(stop) - 1, len(self.text) - self.sent), longest, -1):
                if self.text.endswith(stop[:size]):
                    longest = size
                    break
        return longest

    def _take(self, end: int) -> str:
        end = max(end, self.sent)
        piece = self.text[self.sent : end]
        self.sent = end
        return piece


# ---------------------------------------------------------------------------------------------------------------
# Tokenizers: one small interface over the OpenVINO (genai) and Hugging Face tokenizers


class _GenAITokenizer:
    """openvino_genai.Tokenizer (the folder's openvino_tokenizer/detokenizer models)."""

    def __init__(self, tokenizer):
        self._tokenizer = tokenizer
        self.chat_template = tokenizer.chat_template
        self.bos_token_id = _token_id(tokenizer.get_bos_token_id())
        self.eos_token_id = _token_id(tokenizer.get_eos_token_id())

    def encode(self, text: str, add_special_tokens: bool) -> list[int]:
        encoded = self._tokenizer.encode(text, add_special_tokens=add_special_tokens)
        return encoded.input_ids.data[0].tolist()

    def decode(self, ids: list[int]) -> str:
        return self._tokenizer.decode(ids, skip_special_tokens=False)


class _HFTokenizer:
    """A transformers tokenizer loaded from the folder's tokenizer.json / tokenizer_config.json."""

    def __init__(self, folder: Path):
        from transformers import AutoTokenizer

        try:
            self._tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        except Exception as exc:
            raise ModelError(f"{folder}: cannot load its tokenizer ({type(exc).__name__}: {exc})") from None
        self.chat_template = self._tokenizer.chat_template
        self.bos_token_id = self._tokenizer.bos_token_id
        self.eos_token_id = self._tokenizer.eos_token_id

    def encode(self, text: str, add_special_tokens: bool) -> list[int]:
        return self._tokenizer(text, add_special_tokens=add_special_tokens)["input_ids"]

    def decode(self, ids: list[int]) -> str:
        return self._tokenizer.decode(ids, skip_special_tokens=False, clean_up_tokenization_spaces=False)


def folder_special_tokens(folder: Path) -> list[str]:
    """The special tokens an IR folder's tokenizer files declare (tokenizer.json, tokenizer_config.json)."""
    found: list[str] = []
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        try:
            data = _added_tokens_only(folder / name) if name == "tokenizer.json" else \
                json.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        found += [t["content"] for t in data.get("added_tokens", []) if t.get("special") and t.get("content")]
        found += [t["content"] for t in (data.get("added_tokens_decoder") or {}).values()
                  if isinstance(t, dict) and t.get("special") and t.get("content")]
        for key in ("bos_token", "eos_token", "unk_token", "pad_token", "sep_token", "cls_token", "mask_token"):
            value = data.get(key)
            value = value.get("content") if isinstance(value, dict) else value
            if isinstance(value, str) and value:
                found.append(value)
    return list(dict.fromkeys(found))


_HEAD_CHARS = 1 << 20


def _added_tokens_only(path: Path) -> dict:
    """tokenizer.json's "added_tokens", read from the file's head where the tokenizers library writes them: the
    whole file (11 MB for Qwen2.5) took 0.2 s of the interpreter's time at every start. The whole file when the
    head does not hold them."""
    with open(path, encoding="utf-8") as file:
        head = file.read(_HEAD_CHARS)
        key = head.find('"added_tokens"')
        start = head.find("[", key) if key >= 0 else -1
        if start >= 0:
            try:
                return {"added_tokens": json.JSONDecoder().raw_decode(head, start)[0]}
            except ValueError:
                pass  # the array runs past the head
        return json.loads(head + file.read())


def _token_id(value: int) -> int | None:
    return value if 0 <= value < 2**31 else None  # genai reports "no such token" as -1 or a huge unsigned value


# ---------------------------------------------------------------------------------------------------------------
# Engines: each runs a blocking generate() that reports token ids to a callback


class _Generation:
    """Runs an engine on a worker thread and iterates the token ids it produces; stops it on early exit."""

    def __init__(self, engine, input_ids: list[int], params: GenerationParams, eos_ids: set[int]):
        self.engine, self.input_ids, self.params, self.eos_ids = engine, input_ids, params, eos_ids
        self.queue: queue.Queue = queue.Queue()
        self.cancel = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Iterator[int]:
        self.thread.start()
        return self._tokens()

    def __exit__(self, *exc) -> None:
        self.cancel.set()
        self.thread.join()

    def _run(self) -> None:
        try:
            self.engine.generate(self.input_ids, self.params, self.eos_ids, self._on_token, self.cancel)
            self.queue.put(_DONE)
        except BaseException as exc:  # re-raised on the consumer's thread
            self.queue.put(exc)

    def _on_token(self, token_id: int) -> bool:
        """Queue a token; returns True when generation should stop."""
        self.queue.put(int(token_id))
        return self.cancel.is_set()

    def _tokens(self) -> Iterator[int]:
        while True:
            item = self.queue.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise ModelError(f"OpenVINO generation failed ({type(item).__name__}: {item})") from item
            yield item


class _GenAIEngine:
    """openvino_genai.LLMPipeline fed with token ids (the prompt is tokenized by the HF tokenizer)."""

    def __init__(self, folder: Path, device: str, ov_config: dict[str, str]):
        try:
            import openvino_genai
        except ImportError:
            raise missing_extra("openvino-genai", "openvino") from None
        self._genai = openvino_genai
        try:
            # One request at a time: the stateful SDPA pipeline loads from the compiled cache in ~0.8 s, where the
            # default paged-attention (continuous batching) one took ~3.2 s every start, for the same speed.
            self.pipe = openvino_genai.LLMPipeline(str(folder), device, ATTENTION_BACKEND="SDPA", **ov_config)
        except Exception as exc:
            raise ModelError(f"{folder}: OpenVINO cannot load this model ({type(exc).__name__}: {exc})") from None
        self.tokenizer = _GenAITokenizer(self.pipe.get_tokenizer())

    def generate(self, input_ids, params: GenerationParams, eos_ids, on_token, cancel) -> None:
        import numpy as np
        import openvino as ov

        genai = self._genai
        ids = ov.Tensor(np.array([input_ids], dtype=np.int64))
        mask = ov.Tensor(np.ones((1, len(input_ids)), dtype=np.int64))
        self.pipe.generate(
            genai.TokenizedInputs(ids, mask),
            generation_config=self._config(params, eos_ids),
            streamer=_TokenStreamer(genai, on_token),
        )

    def _config(self, params: GenerationParams, eos_ids: set[int]):
        config = self._genai.GenerationConfig()
        config.max_new_tokens = params.max_new_tokens
        config.repetition_penalty = params.repetition_penalty
        config.stop_token_ids = set(eos_ids)
        config.apply_chat_template = False
        config.do_sample = params.temperature > 0
        if config.do_sample:
            config.temperature = params.temperature
            config.top_p = params.top_p
            if params.top_k > 0:
                config.top_k = params.top_k
        return config


def _TokenStreamer(genai, on_token):
    """A genai streamer passing each generated token id to `on_token` (True from it stops generation)."""

    class TokenStreamer(genai.StreamerBase):
        def write(self, token):
            tokens = token if isinstance(token, list) else [token]
            stop = False
            for token_id in tokens:
                stop = on_token(token_id) or stop
            return genai.StreamingStatus.STOP if stop else genai.StreamingStatus.RUNNING

        def end(self):
            pass

    return TokenStreamer()


class _OptimumEngine:
    """optimum-intel's OVModelForCausalLM.generate() with a streamer that passes token ids on."""

    def __init__(self, folder: Path, device: str, ov_config: dict[str, str]):
        try:
            from optimum.intel import OVModelForCausalLM
        except ImportError:
            raise missing_extra("optimum-intel", "openvino") from None
        try:
            self.model = OVModelForCausalLM.from_pretrained(
                str(folder), export=False, device=device, ov_config=ov_config, local_files_only=True
            )
        except Exception as exc:
            raise ModelError(f"{folder}: OpenVINO cannot load this model ({type(exc).__name__}: {exc})") from None
        self.tokenizer = _HFTokenizer(folder)

    def generate(self, input_ids, params: GenerationParams, eos_ids, on_token, cancel) -> None:
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList

        class Cancelled(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs):
                return torch.full((input_ids.shape[0],), cancel.is_set(), dtype=torch.bool)

        ids = torch.tensor([input_ids], dtype=torch.long)
        sampling = {"do_sample": params.temperature > 0}
        if sampling["do_sample"]:
            sampling.update(temperature=params.temperature, top_p=params.top_p, top_k=params.top_k or None)
        self.model.generate(
            input_ids=ids,
            attention_mask=torch.ones_like(ids),
            max_new_tokens=params.max_new_tokens,
            repetition_penalty=params.repetition_penalty,
            eos_token_id=sorted(eos_ids) or None,
            pad_token_id=sorted(eos_ids)[0] if eos_ids else None,
            streamer=_HFTokenStreamer(on_token),
            stopping_criteria=StoppingCriteriaList([Cancelled()]),
            **sampling,
        )


class _HFTokenStreamer:
    """transformers streamer protocol: the first put() is the prompt, then one put() per generated token."""

    def __init__(self, on_token):
        self.on_token = on_token
        self.prompt_seen = False

    def put(self, value) -> None:
        if not self.prompt_seen:
            self.prompt_seen = True
            return
        for token_id in value.reshape(-1).tolist():
            self.on_token(token_id)

    def end(self) -> None:
        pass
