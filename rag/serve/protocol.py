"""The OpenAI chat-completions wire format: requests checked, responses and stream chunks built, errors shaped.

Only what docqa needs of the API is read (messages, stream, max_tokens, temperature, top_p, stop, model);
other fields a client sends (n=1, user, seed, ...) are accepted and ignored, as OpenAI-compatible servers do.
Sources go in the extra field `docqa` of the response and of the final stream chunk.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rag.answer.conversation import Turn, topic_of
from rag.answer.answerer import Answer

RAG_MODEL = "docqa"  # answers from the index, with citations
LLM_MODEL = "docqa-llm"  # the bare local model: no retrieval (a plain OpenAI-compatible LLM endpoint)
SOURCES_HEADER = "\n\nSources:\n"


class ApiError(Exception):
    """An error returned as an OpenAI-style JSON error object with an HTTP status."""

    def __init__(self, status: int, message: str, *, type: str = "invalid_request_error",
                 code: str | None = None, param: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.type, self.code, self.param = status, message, type, code, param
        self.headers = headers or {}

    def body(self) -> dict:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


class Message(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        """The message's text; content parts of type text are joined (images etc. are refused)."""
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        texts = []
        for part in self.content:
            if part.get("type") != "text":
                raise ApiError(400, f"content parts of type {part.get('type')!r} are not supported; send text",
                               param="messages")
            texts.append(str(part.get("text", "")))
        return "".join(texts)


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="ignore")
    include_usage: bool = False


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    model: str = RAG_MODEL
    messages: list[Message] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    max_tokens: int | None = Field(None, gt=0)
    max_completion_tokens: int | None = Field(None, gt=0)
    temperature: float | None = Field(None, ge=0.0, le=2.0)
    top_p: float | None = Field(None, gt=0.0, le=1.0)
    stop: str | list[str] | None = None
    n: int = Field(1, ge=1, le=1)

    def answer_tokens(self) -> int | None:
        return self.max_completion_tokens or self.max_tokens

    def stops(self) -> list[str]:
        if self.stop is None:
            return []
        return [self.stop] if isinstance(self.stop, str) else list(self.stop)


def parse_chat_request(raw: bytes) -> ChatRequest:
    """The request body as a ChatRequest, or a 400 ApiError naming the field that is wrong."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, f"the request body is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ApiError(400, "the request body must be a JSON object")
    try:
        return ChatRequest.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        raise ApiError(400, f"{field}: {first['msg']}", param=field) from None


def conversation_of(messages: list[Message]) -> tuple[list[Turn], str]:
    """Earlier (question, answer) turns and the question to answer (the last user message).

    System messages are ignored (docqa has its own instruction); the sources block docqa appends to its
    answers is cut from earlier assistant messages before they go back into the prompt.
    """
    turns: list[Turn] = []
    pending: str | None = None
    for message in messages[:-1]:
        if message.role == "user":
            if pending is not None:  # two user messages in a row: the first had no answer
                turns.append(Turn(pending, "", topic_of(turns, pending)))
            pending = message.text().strip()
        elif message.role == "assistant" and pending is not None:
            answer = message.text().split(SOURCES_HEADER, 1)[0].strip()
            turns.append(Turn(pending, answer, topic_of(turns, pending)))
            pending = None
    last = messages[-1]
    if last.role != "user":
        raise ApiError(400, "the last message must have role 'user' (the question)", param="messages")
    if pending is not None:
        turns.append(Turn(pending, "", topic_of(turns, pending)))
    question = last.text().strip()
    if not question:
        raise ApiError(400, "the last user message is empty; ask a question", param="messages")
    return turns, question


# ---------------------------------------------------------------- responses


def new_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex[:24]}"


def sources_text(answer: Answer) -> str:
    """The citations appended to the answer's text: one line per source, file and 1-based page."""
    if not answer.sources:
        return ""
    return SOURCES_HEADER + "\n".join(source.cite() for source in answer.sources)


def docqa_extra(answer: Answer) -> dict:
    """The structured sources and timings carried in the `docqa` field."""
    return {
        "sources": [{"number": s.number, "file": s.file, "page": s.page, "place": s.place, "where": s.where,
                     "page_label": s.page_label,
                     "score": round(float(s.score), 4), "snippet": s.snippet, "evidence": s.text,
                     "table": s.table}
                    for s in answer.sources],
        "verdict": answer.verdict.to_dict() if answer.verdict else None,
        "scope": answer.scope,
        "coverage": answer.coverage,
        "points": [point.to_dict() for point in answer.points],
        "parts": answer.parts,
        "abstained": answer.abstained,
        "abstain_reason": answer.abstain_reason,
        "dropped_chunks": answer.dropped_chunks,
        "stopped": answer.stopped,
        "timings": {key: round(float(value), 4) for key, value in answer.timings.items()},
        "backend": answer.backend,
        "llm": answer.model,
    }


def usage(prompt_tokens: int, completion_tokens: int) -> dict:
    return {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens}


def completion(request_id: str, model: str, text: str, finish_reason: str, usage_: dict,
               extra: dict | None = None) -> dict:
    body = {
        "id": request_id, "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish_reason}],
        "usage": usage_,
    }
    if extra is not None:
        body["docqa"] = extra
    return body


def chunk(request_id: str, model: str, delta: dict, finish_reason: str | None = None,
          extra: dict | None = None) -> dict:
    body = {
        "id": request_id, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }
    if extra is not None:
        body["docqa"] = extra
    return body


def usage_chunk(request_id: str, model: str, usage_: dict) -> dict:
    return {"id": request_id, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
            "choices": [], "usage": usage_}


def sse(data: dict | str) -> bytes:
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return f"data: {payload}\n\n".encode("utf-8")


def finish_reason_of(answer: Answer, max_new_tokens: int) -> str:
    generated = int(answer.timings.get("generated_tokens", 0) or 0)
    return "length" if generated >= max_new_tokens else "stop"
