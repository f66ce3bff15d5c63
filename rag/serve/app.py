"""The HTTP app (Starlette): OpenAI-compatible routes, the API keys, request size limits, JSON errors.

Routes: `POST /v1/chat/completions`, `GET /v1/models`, `GET|POST /v1/documents[?collection=NAME]`, `GET /healthz`.
A collection is the model id `docqa/NAME` (`docqa` is the default collection; docs/collections.md). A key from
the keys file (rag.index.keys) opens only its collections; a collection it may not open gets the very same 404
as one that does not exist, so names do not leak. `--api-key` opens every collection.
Every error is an OpenAI-style JSON object (`{"error": {"message", "type", "param", "code"}}`) with the right
status; an unexpected failure is logged on the server and answered with a one-line 500, never a traceback.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import shutil
import tempfile
from pathlib import Path

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from rag.errors import UserError
from rag.serve.protocol import (
    LLM_MODEL,
    RAG_MODEL,
    ApiError,
    chunk,
    completion,
    conversation_of,
    docqa_extra,
    finish_reason_of,
    new_id,
    parse_chat_request,
    sources_text,
    sse,
    usage,
    usage_chunk,
)
from rag.index.keys import EVERYTHING, Grant, KeyFile
from rag.serve.service import Service, error_for, spool_uploads

log = logging.getLogger("rag.serve")

DEFAULT_MAX_REQUEST_BYTES = 1_000_000  # JSON bodies (a long conversation fits easily)
MULTIPART_OVERHEAD = 1_000_000  # form framing around an upload
MAX_FILES_PER_UPLOAD = 20
UNAUTHENTICATED_PATHS = ("/healthz",)
GRANT = "docqa.grant"  # the scope key where Guard leaves the request's Grant
COLLECTION_MODEL = RAG_MODEL + "/"  # docqa/NAME


def error_response(error: ApiError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


class BodyTooLarge(ApiError):
    def __init__(self, limit: int):
        super().__init__(413, f"the request body is over the {limit:,}-byte limit for this endpoint",
                         code="request_too_large")


class Guard:
    """ASGI middleware: the API key (constant-time compare) and request body limits, before any route runs."""

    def __init__(self, app: ASGIApp, *, api_key: str | None, max_request_bytes: int, max_upload_bytes: int,
                 key_file: KeyFile | None = None):
        self.app = app
        self.api_key = api_key.encode() if api_key else None
        self.key_file = key_file
        self.max_request_bytes = max_request_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        scope[GRANT] = EVERYTHING
        if path not in UNAUTHENTICATED_PATHS and scope.get("method") != "OPTIONS":
            try:
                grant = self._grant(scope)
            except UserError as exc:  # a keys file edited by hand into something unreadable
                log.error("%s", exc)
                await error_response(ApiError(500, "the server's keys file is unreadable; see the server log",
                                              type="server_error"))(scope, receive, send)
                return
            if grant is None:
                error = ApiError(401, "invalid or missing API key: send 'Authorization: Bearer <key>'",
                                 code="invalid_api_key", headers={"WWW-Authenticate": "Bearer"})
                await error_response(error)(scope, receive, send)
                return
            scope[GRANT] = grant
        limit = self.max_upload_bytes + MULTIPART_OVERHEAD if path.startswith("/v1/documents") else self.max_request_bytes
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await error_response(BodyTooLarge(limit))(scope, receive, send)
            return
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited_receive, send)

    def _grant(self, scope: Scope) -> Grant | None:
        """Every collection with no key configured or the --api-key; a keys-file key's collections; else None.
        The keys file is looked at on every request (re-read only when it changed): a revoked key fails at once."""
        keyed = self.key_file is not None and self.key_file.exists()
        if self.api_key is None and not keyed:
            return EVERYTHING
        header = _header(scope, b"authorization") or ""
        scheme, _, token = header.partition(" ")
        given = token.strip() if scheme.lower() == "bearer" else ""
        if self.api_key is not None and hmac.compare_digest(given.encode(), self.api_key):
            return EVERYTHING
        return self.key_file.grant(given) if keyed and given else None


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def model_card(model_id: str, created: int, window: int | None = None) -> dict:
    card = {"id": model_id, "object": "model", "created": created, "owned_by": "docqa"}
    if window:
        card["max_model_len"] = window  # as vLLM lists it: the window in tokens (prompt + answer)
    return card


def build_app(service: Service, *, api_key: str | None = None, cors_origins: list[str] | None = None,
              max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES, key_file: KeyFile | None = None) -> Starlette:
    created = int(service.started)

    def cards(grant: Grant) -> list[dict]:
        window = service.backend.context_length if service.backend is not None else None
        ids = [RAG_MODEL if name == service.default_name else COLLECTION_MODEL + name
               for name in service.collection_names() if grant.allows(name)]
        return [model_card(model_id, created, window) for model_id in [*ids, LLM_MODEL]]

    def collection_of(request: Request, model_id: str) -> str | None:
        """The collection a docqa model id names, if this request may read it (else the 404 of an unknown model);
        None for the bare model."""
        if model_id == LLM_MODEL:
            return None
        name = service.default_name if model_id == RAG_MODEL else model_id[len(COLLECTION_MODEL):] \
            if model_id.startswith(COLLECTION_MODEL) else ""
        if not name or not request.scope[GRANT].allows(name) or service.library(name) is None:
            raise _unknown_model(model_id)
        return name

    def collection_param(request: Request) -> str:
        """The collection of a documents request (`?collection=NAME`, default: default), if this request may
        open it; a forbidden one gets exactly the 404 of one that does not exist."""
        name = request.query_params.get("collection") or service.default_name
        if not request.scope[GRANT].allows(name) or service.library(name) is None:
            raise ApiError(404, "no such collection (GET /v1/models lists those you may use, as docqa/NAME)",
                           param="collection", code="collection_not_found")
        return name

    async def healthz(request: Request) -> Response:
        return JSONResponse(service.health())

    async def models(request: Request) -> Response:
        return JSONResponse({"object": "list", "data": cards(request.scope[GRANT])})

    async def model(request: Request) -> Response:
        model_id = request.path_params["model_id"]
        collection_of(request, model_id)
        window = service.backend.context_length if service.backend is not None else None
        return JSONResponse(model_card(model_id, created, window))

    async def chat_completions(request: Request) -> Response:
        chat = parse_chat_request(await request.body())
        name = collection_of(request, chat.model)
        if name is not None:
            turns, question = conversation_of(chat.messages)
            library = service.library(name)
            await anyio.to_thread.run_sync(library.refresh)  # a new index version, and 503 when there is none
            if library.index is None or not library.index.chunks:
                raise ApiError(503, "no documents are indexed yet: upload documents with POST /v1/documents or run "
                                    "`python -m rag.ingest`", type="server_error", code="no_index")
            job = service.answer_job(chat, turns, question, name)
        else:
            job = service.llm_job(chat)
        max_new_tokens = service.request_settings(chat).max_new_tokens  # request values, same in every collection
        service.slots.admit()
        request_id = new_id()
        if chat.stream:
            include_usage = bool(chat.stream_options and chat.stream_options.include_usage)
            return StreamingResponse(_stream(service, job, request_id, chat.model, max_new_tokens, include_usage),
                                     media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        return await _complete(request, service, job, request_id, chat.model, max_new_tokens)

    async def list_documents(request: Request) -> Response:
        name = collection_param(request)
        data = await anyio.to_thread.run_sync(service.documents, name)
        return JSONResponse({"object": "list", "data": data, "collection": name,
                             "index_version": service.library(name).version})

    async def upload_documents(request: Request) -> Response:
        name = collection_param(request)
        content_type = request.headers.get("content-type", "")
        if not content_type.startswith("multipart/form-data"):
            raise ApiError(415, "upload documents (PDF, Office, CSV, HTML, Markdown, text, e-mail, images) as multipart/form-data, one or more parts named 'file'", param="file")
        async with request.form(max_files=MAX_FILES_PER_UPLOAD, max_fields=MAX_FILES_PER_UPLOAD) as form:
            files = [(part.file, part.filename or "upload.pdf") for _, part in form.multi_items()
                     if hasattr(part, "filename") and hasattr(part, "file")]
            if not files:
                raise ApiError(400, "no file in the upload: send one or more parts named 'file'", param="file")
            folder = Path(tempfile.mkdtemp(prefix="docqa-upload-"))
            try:
                saved = await anyio.to_thread.run_sync(spool_uploads, files, folder)
                report = await anyio.to_thread.run_sync(service.add_pdfs, saved, name)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        status = 200 if any(f["status"] != "rejected" for f in report["data"]) else 400
        if status == 400:
            report["error"] = {"message": "; ".join(f"{f['file']}: {f['reason']}" for f in report["data"]),
                               "type": "invalid_request_error", "param": "file", "code": "upload_rejected"}
        return JSONResponse(report, status_code=status)

    async def api_error(request: Request, exc: ApiError) -> Response:
        return error_response(exc)

    async def http_error(request: Request, exc: HTTPException) -> Response:
        kinds = {404: "not_found", 405: "method_not_allowed"}
        message = exc.detail if exc.status_code not in kinds else (
            f"{request.method} {request.url.path} is not an endpoint of this server" if exc.status_code == 404
            else f"{request.method} is not allowed on {request.url.path}")
        return error_response(ApiError(exc.status_code, str(message), code=kinds.get(exc.status_code)))

    async def internal_error(request: Request, exc: Exception) -> Response:
        return error_response(error_for(exc))

    middleware = [Middleware(Guard, api_key=api_key, max_request_bytes=max_request_bytes,
                             max_upload_bytes=service.max_upload_bytes, key_file=key_file)]
    if cors_origins:
        middleware.insert(0, Middleware(CORSMiddleware, allow_origins=cors_origins, allow_methods=["GET", "POST"],
                                        allow_headers=["Authorization", "Content-Type"]))
    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/v1/models", models, methods=["GET"]),
            Route("/v1/models/{model_id:path}", model, methods=["GET"]),
            Route("/v1/chat/completions", chat_completions, methods=["POST"]),
            Route("/v1/documents", list_documents, methods=["GET"]),
            Route("/v1/documents", upload_documents, methods=["POST"]),
        ],
        middleware=middleware,
        exception_handlers={ApiError: api_error, HTTPException: http_error, Exception: internal_error},
    )


def _unknown_model(model_id: str) -> ApiError:
    # The id asked for is not repeated: the body of a forbidden collection's model equals an unknown one's.
    return ApiError(404, f"no such model: use {RAG_MODEL!r} or {COLLECTION_MODEL}NAME (answers from your documents; "
                         f"GET /v1/models lists those you may use) or {LLM_MODEL!r} (the bare model)", param="model",
                    code="model_not_found")


async def _stream(service: Service, job, request_id: str, model: str, max_new_tokens: int, include_usage: bool):
    """Server-sent events: a role chunk, text chunks, the sources as text, then a final chunk with `docqa`."""
    yield sse(chunk(request_id, model, {"role": "assistant", "content": ""}))
    async with contextlib.aclosing(service.stream_events(job)) as events:
        async for event in events:
            if event.kind == "evidence" and model != LLM_MODEL:  # an empty delta: OpenAI clients pass it by
                yield sse(chunk(request_id, model, {"content": ""}, extra={"evidence": event.evidence}))
            elif event.kind == "token":
                yield sse(chunk(request_id, model, {"content": event.text}))
            elif event.kind == "error":
                yield sse(event.error.body())  # mid-stream, the status is already sent: an error event instead
                yield sse("[DONE]")
                return
            elif event.kind == "done":
                answer = event.answer
                extra = docqa_extra(answer) if model != LLM_MODEL else None
                cited = sources_text(answer) if model != LLM_MODEL else ""
                if cited:
                    yield sse(chunk(request_id, model, {"content": cited}))
                yield sse(chunk(request_id, model, {}, finish_reason_of(answer, max_new_tokens), extra))
                if include_usage:
                    yield sse(usage_chunk(request_id, model, _usage_of(answer)))
    yield sse("[DONE]")


async def _complete(request: Request, service: Service, job, request_id: str, model: str, max_new_tokens: int):
    """The whole answer as one JSON response; a client that hangs up meanwhile stops the generation."""
    answer = error = None
    async with anyio.create_task_group() as group:

        async def watch_disconnect() -> None:
            while True:
                await anyio.sleep(0.25)
                if await request.is_disconnected():
                    group.cancel_scope.cancel()
                    return

        group.start_soon(watch_disconnect)
        async with contextlib.aclosing(service.stream_events(job)) as events:
            async for event in events:
                if event.kind == "error":
                    error = event.error
                if event.kind == "done":
                    answer = event.answer
        group.cancel_scope.cancel()
    if error is not None:
        raise error
    if answer is None:  # the client went away
        return Response(status_code=499)
    text = answer.answer + (sources_text(answer) if model != LLM_MODEL else "")
    extra = docqa_extra(answer) if model != LLM_MODEL else None
    return JSONResponse(completion(request_id, model, text, finish_reason_of(answer, max_new_tokens),
                                   _usage_of(answer), extra))


def _usage_of(answer) -> dict:
    return usage(int(answer.timings.get("prompt_tokens", 0) or 0), int(answer.timings.get("generated_tokens", 0) or 0))

