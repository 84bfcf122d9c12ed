"""What `server.py` stands on: the app, errors in the spec's shape, request ids, credentials,
parameters, request bodies (JSON, text, raw bytes, forms and multipart uploads), binary answers
and the command line. Nothing here knows an operation; `server.py` wires these pieces per
operation, and hands over what the spec decides (its error model, title, base path) as data.

Errors. Every error the server sends is `{"error": {"message", "type", "param", "code"}}`, the
shape OpenAI's API uses. When the spec's common error schema accepts that shape, the body is
built and dumped through that model (so it conforms to the spec by construction); otherwise the
same object is sent as plain JSON. Each app has its own `ErrorFormat` (`build_app`). `param`
names what was wrong: a body field as `messages[0].role`, or a parameter by its name on the wire.

Bodies. A body is read as it arrives (`read_body`), within its operation's limit (the spec's,
see `MediaRule.max_size`, else the app's `max_body_size`): one that says or turns out to be
larger is refused with 413 before it is held, one whose bytes stop coming for `body_timeout`
seconds with 408; both close the connection. A client that goes away mid-body is logged as one
line at INFO, not as a failure. JSON is parsed once by pydantic, from the bytes, after a check
that refuses what JSON does not allow but parsers take (`check_json`: NaN, Infinity, numbers
out of range, repeated keys), so parsing holds a small multiple of the body besides the models.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hmac
import importlib
import itertools
import json
import logging
import math
import os
import re
import secrets
import sys
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Mapping,
    Sequence,
)
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, Protocol, TypeVar
from urllib.parse import parse_qsl, unquote

import anyio
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticSerializationError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# `<package>.server`, whatever the package is called (and wherever it is vendored).
logger = logging.getLogger(__name__.rpartition(".")[0] + ".server")

Authenticate = Callable[[str], Awaitable[Any]]
"""Gets the credential a request carried (a Bearer token, an API key) and returns the principal
the handler will see in `RequestContext.principal`, or None to reject it with 401."""

Endpoint = Callable[[Request], Awaitable[Response]]
"""One operation's route: the request in, the response out."""

REQUEST_ID_HEADER = "x-request-id"

DOCUMENT = Path(__file__).with_name("openapi.json")
"""The spec the package was generated from, as JSON, beside this module."""

# --- errors ---------------------------------------------------------------------------------------

# The error `type` sent for each status, as OpenAI names them.
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "invalid_request_error",
    405: "invalid_request_error",
    409: "invalid_request_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
}
INTERNAL_ERROR_MESSAGE = "The server had an error while processing your request."


def error_payload(
    message: str, type: str, param: str | None = None, code: str | None = None
) -> dict[str, Any]:
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


class ErrorFormat:
    """How one app writes its error bodies: through the spec's error `model` when it takes
    OpenAI's shape and gives it back unchanged, else as plain JSON of the same object."""

    __slots__ = ("adapter",)

    def __init__(self, model: Any = None) -> None:
        self.adapter = _faithful_adapter(model) if model is not None else None

    def encode(self, payload: dict[str, Any]) -> bytes:
        if self.adapter is not None:
            valid = self.adapter.validate_python(payload)
            return self.adapter.dump_json(valid, by_alias=True, exclude_unset=True)
        return json.dumps(payload, ensure_ascii=False).encode()

    def response(self, error: HandlerError) -> Response:
        body = self.encode(error.payload())
        return Response(body, error.status, error.headers, media_type="application/json")


def _faithful_adapter(model: Any) -> TypeAdapter[Any] | None:
    """An adapter of `model` when it takes OpenAI's error shape and gives it back unchanged."""
    probe = error_payload("probe", "server_error", "field", "code")
    typed = adapter(model)
    try:
        dumped = typed.dump_json(typed.validate_python(probe), by_alias=True, exclude_unset=True)
    except (ValidationError, PydanticSerializationError):  # another shape: plain JSON it is
        return None
    return typed if json.loads(dumped) == probe else None


PLAIN_ERRORS = ErrorFormat()
"""The error format of a spec without a common error model, and of routes outside our apps."""


def error_format_of(scope: Scope) -> ErrorFormat:
    """The error format of the app serving the request (`build_app` keeps it in the app's state);
    plain JSON for a request that reaches these routes through an app of another making."""
    found = getattr(getattr(scope.get("app"), "state", None), "error_format", None)
    return found if isinstance(found, ErrorFormat) else PLAIN_ERRORS


class HandlerError(Exception):
    """Raise it from a handler (or `authenticate`) to answer with an error status and the spec's
    error body, e.g. `HandlerError(404, "No such model.", param="model", code="model_not_found")`.
    Raised while a stream is running, it becomes the stream's error event instead."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str | None = None,
        param: str | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type or ERROR_TYPES.get(
            status, "server_error" if status >= 500 else "invalid_request_error"
        )
        self.param = param
        self.code = code
        self.headers = dict(headers or {})

    def payload(self) -> dict[str, Any]:
        return error_payload(self.message, self.type, self.param, self.code)

    def response(self, errors: ErrorFormat = PLAIN_ERRORS) -> Response:
        return errors.response(self)


def error_response(
    status: int,
    message: str,
    *,
    type: str | None = None,
    param: str | None = None,
    code: str | None = None,
    headers: Mapping[str, str] | None = None,
    errors: ErrorFormat = PLAIN_ERRORS,
) -> Response:
    error = HandlerError(status, message, type=type, param=param, code=code, headers=headers)
    return errors.response(error)


def internal_error() -> HandlerError:
    """The 500 of a failure whose details go to the log and never to the client."""
    return HandlerError(500, INTERNAL_ERROR_MESSAGE, type="server_error")


def guarded(operation: str, handle: Endpoint) -> Endpoint:
    """`handle` as a route's endpoint: a `HandlerError` it raises answers as it asks, anything
    else as a 500 whose details go to the log (with the operation and the request id) and never
    to the client. Route wrappers need no `except` of their own."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handle(request)
        except HandlerError as error:
            return error_format_of(request.scope).response(error)
        except ClientDisconnect:
            return client_gone(operation, request.scope)
        except Exception:
            logger.exception(FAILURE_MESSAGE, operation, request_id_of(request.scope))
            return error_format_of(request.scope).response(internal_error())

    return endpoint


FAILURE_MESSAGE = "%s failed (request id %s)"  # the operation, and the request's id
GONE_MESSAGE = "%s: the client went away before its request arrived (request id %s)"


def client_gone(operation: str, scope: Scope) -> Response:
    """A client that disconnected mid-request: not a failure of the handler, one line at INFO
    (a client that does it on purpose cannot flood the log with tracebacks); the answer goes
    nowhere."""
    logger.info(GONE_MESSAGE, operation, request_id_of(scope))
    error = HandlerError(400, "The client closed the connection before its request arrived.")
    return error_format_of(scope).response(error)


def log_failure(error: BaseException, operation: str, request_id: str | None) -> None:
    logger.error(FAILURE_MESSAGE, operation, request_id, exc_info=error)


async def http_exception_handler(request: Request, error: Exception) -> Response:
    """Starlette's own refusals (unknown path 404, wrong method 405, body too large 413)."""
    status = error.status_code if isinstance(error, HTTPException) else 500
    headers = dict(error.headers or {}) if isinstance(error, HTTPException) else {}
    if status == 404:
        message = f"Invalid URL ({request.method} {request.url.path})."
    elif status == 405:
        allowed = headers.get("Allow", "")
        message = (
            f"Method {request.method} is not allowed for {request.url.path}; allowed: {allowed}."
        )
    elif isinstance(error, HTTPException) and isinstance(error.detail, str):
        message = error.detail
    else:
        message = INTERNAL_ERROR_MESSAGE
    return error_response(status, message, headers=headers, errors=error_format_of(request.scope))


async def validation_exception_handler(request: Request, error: Exception) -> Response:
    """FastAPI's request validation (routes a team adds with FastAPI's decorators): 400, not 422."""
    errors = getattr(error, "errors", None)
    details = errors() if callable(errors) else []
    param, message = describe_errors(details, skip=1)
    return error_response(400, message, param=param, errors=error_format_of(request.scope))


async def internal_error_handler(request: Request, error: Exception) -> Response:
    """Anything that escaped everything else: a 500 with the error body, details to the log."""
    request_id = request_id_of(request.scope)
    if isinstance(error, ClientDisconnect):
        return client_gone(f"{request.method} {request.url.path}", request.scope)
    log_failure(error, f"{request.method} {request.url.path}", request_id)
    response = error_format_of(request.scope).response(internal_error())
    if request_id:  # this handler runs outside RequestIdMiddleware
        response.headers[REQUEST_ID_HEADER] = request_id
    return response


def describe_errors(errors: Sequence[Any], skip: int = 0) -> tuple[str | None, str]:
    """`param` and a message for pydantic's errors: the first error's location, cut where the
    errors of a union's alternatives part ways (`tool_choice`, not `tool_choice.str`)."""
    if not errors:
        return None, "The request is not valid."
    first = errors[0]
    location = tuple(first.get("loc", ()))[skip:]
    related = [tuple(error.get("loc", ()))[skip:] for error in errors[1:]]
    related = [loc for loc in related if loc[:1] == location[:1]]
    for loc in related:
        common = 0
        while common < min(len(loc), len(location)) and loc[common] == location[common]:
            common += 1
        location = location[:common]
    param = _location_text(location)
    if first.get("type") == "json_invalid":
        return None, f"We could not parse the JSON body of your request: {first.get('msg', '')}."
    if first.get("type") == "missing" and not related:
        return param, f"Missing required parameter: '{param}'."
    if not param:
        return None, f"Invalid request body: {first.get('msg', 'not valid')}."
    return param, f"Invalid value for '{param}': {first.get('msg', 'not valid')}."


def _location_text(location: Sequence[Any]) -> str | None:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or None


# --- request ids ----------------------------------------------------------------------------------

_REQUEST_ID_RE = re.compile(rb"[\x21-\x7e]{1,200}")
# Made ids: `req_`, 16 random hex digits fixed per process, then a counter, 36 characters in all.
_REQUEST_ID_PREFIX = "req_" + secrets.token_hex(8)
_request_numbers = itertools.count(int.from_bytes(secrets.token_bytes(4), "big"))


def new_request_id() -> str:
    """An id for a request that came without a sane one of its own."""
    return f"{_REQUEST_ID_PREFIX}{next(_request_numbers) & 0xFFFFFFFFFFFFFFFF:016x}"


class RequestIdMiddleware:
    """Echoes a sane `x-request-id` (printable ASCII, at most 200 bytes) or makes one, keeps it in
    `request.state.request_id`, and adds it to every response. Plain ASGI: no per-request task."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        text = None
        for key, value in scope["headers"]:
            if key == b"x-request-id":
                text = value.decode("ascii") if _REQUEST_ID_RE.fullmatch(value) else None
                break
        if text is None:
            text = new_request_id()
        if "state" in scope:
            scope["state"]["request_id"] = text
        else:
            scope["state"] = {"request_id": text}
        header = (b"x-request-id", text.encode("ascii"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", ()) if h[0] != b"x-request-id"]
                headers.append(header)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_id)


def request_id_of(scope: Scope) -> str | None:
    state = scope.get("state")
    return state.get("request_id") if isinstance(state, dict) else None


@dataclass(slots=True)
class RequestContext:
    """What a handler knows about the request besides its parameters and body."""

    principal: Any
    """What `authenticate` returned for the request's credential; None when the operation needs
    none."""
    request_id: str
    """The `x-request-id` the client sent, or the one made for this request; also in the
    response."""
    headers: Headers = field(repr=False)
    """The request's headers, credentials included: do not log them."""
    request: Request = field(repr=False)
    """The Starlette request, for anything else (client address, raw URL)."""


def context_of(request: Request, principal: Any) -> RequestContext:
    state = request.scope.get("state")
    request_id = state.get("request_id", "") if state else ""
    return RequestContext(principal, request_id, request.headers, request)


# --- credentials ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CredentialSource:
    """Where one security scheme puts its credential: `Authorization: Bearer <token>` (bearer,
    OAuth 2, OpenID Connect), `Authorization: Basic <base64>` (basic; passed on undecoded), or a
    named header, query parameter or cookie (API key)."""

    kind: Literal["bearer", "basic", "api_key"]
    location: Literal["header", "query", "cookie"] = "header"
    name: str = "authorization"

    def read(self, request: Request) -> str | None:
        if self.kind == "api_key":
            if self.location == "query":
                return request.query_params.get(self.name) or None
            if self.location == "cookie":
                return request.cookies.get(self.name) or None
            return request.headers.get(self.name) or None
        value = request.headers.get("authorization")
        if not value:
            return None
        scheme, _, credential = value.partition(" ")
        credential = credential.strip(" ")
        wanted = "bearer" if self.kind == "bearer" else "basic"
        return (
            credential
            if scheme.lower() == wanted and credential and " " not in credential
            else None
        )

    @property
    def challenge(self) -> str | None:
        return {"bearer": "Bearer", "basic": "Basic"}.get(self.kind)


class Credentials:
    """One operation's credential check: where its security schemes put the credential, and the
    401 it answers when there is none or `authenticate` refuses it. The credential itself never
    appears in a message or a log."""

    def __init__(self, *sources: CredentialSource) -> None:
        self.sources = sources
        challenges = ", ".join(dict.fromkeys(s.challenge for s in sources if s.challenge))
        self.headers = {"WWW-Authenticate": challenges} if challenges else {}
        self.missing = (
            "You didn't provide a valid credential: send `Authorization: Bearer <token>`."
            if "Bearer" in challenges
            else "You didn't provide a credential."
        )

    async def principal(self, request: Request, authenticate: Authenticate | None) -> Any:
        credential = None
        for source in self.sources:
            credential = source.read(request)
            if credential:
                break
        if not credential:
            raise HandlerError(401, self.missing, code="missing_credential", headers=self.headers)
        principal = await authenticate(credential) if authenticate is not None else None
        if principal is None:
            message = "The access token provided is invalid or has expired."
            raise HandlerError(401, message, code="invalid_api_key", headers=self.headers)
        return principal


def static_tokens(tokens: Iterable[str] | Mapping[str, Any]) -> Authenticate:
    """An `authenticate` that accepts the given tokens, compared in constant time. With a mapping,
    a token's principal is its value; otherwise it is `"static-token-<n>"` (1-based), so that the
    token itself never travels further."""
    table = (
        dict(tokens)
        if isinstance(tokens, Mapping)
        else {t: f"static-token-{n}" for n, t in enumerate(tokens, 1)}
    )
    known = [(token.encode(), principal) for token, principal in table.items() if token]

    async def authenticate(token: str) -> Any:
        offered = token.encode()
        found = None
        for expected, principal in known:  # no early exit: the time does not tell which matched
            if hmac.compare_digest(offered, expected) and found is None:
                found = principal
        return found

    return authenticate


async def accept_any_token(token: str) -> Any:
    """An `authenticate` for development and mocks: any non-empty credential is `"anonymous"`."""
    return "anonymous" if token else None


# --- parameters and bodies ------------------------------------------------------------------------


@functools.cache
def adapter(annotation: Any) -> TypeAdapter[Any]:
    """One pydantic TypeAdapter per type, shared by every app this process builds."""
    return TypeAdapter(annotation)


def compile_pattern(pattern: str) -> re.Pattern[str] | None:
    """The spec's regular expression in Python's dialect; a pattern Python cannot read is logged
    and not enforced, rather than stopping the server from starting."""
    try:
        return re.compile(pattern)
    except re.error as error:
        logger.warning("pattern %r is not enforced: %s", pattern, error)
        return None


@dataclass(frozen=True, slots=True)
class ParameterRule:
    """Reads one parameter from the request as the spec's `style` and `explode` spread it,
    converts it to its type and checks the spec's constraints; failures are 400s naming it.

    Arrays: repeated (`form`, exploded) or joined by `,` (`form`, `simple`), ` `
    (`spaceDelimited`) or `|` (`pipeDelimited`). Objects: `name[key]=value` (`deepObject`), their
    properties as parameters of their own (`form`, exploded: every query parameter the operation
    does not declare), or `key,value,...` (otherwise; `key=value,...` for exploded headers).
    Values are text, converted the way pydantic reads strings (`"5"` is an integer here)."""

    name: str  # on the wire
    location: Literal["path", "query", "header", "cookie"]
    required: bool
    key: str = ""  # the path parameter's name in the route; the wire name when empty
    adapter: TypeAdapter[Any] | None = None  # None: the value stays a string
    shape: Literal["scalar", "array", "object"] = "scalar"
    style: str = "simple"
    explode: bool = False
    json: bool = False  # the value is JSON text (declared with `content: application/json`)
    known: frozenset[str] = frozenset()  # the query names the operation declares otherwise
    pattern: re.Pattern[str] | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None

    def read(self, request: Request) -> Any:
        raw: str | list[str] | dict[str, str] | None
        if self.location == "path":
            text: str | None = request.scope["path_params"].get(self.key or self.name)
            if text and self.adapter is None:  # the common case: a string in the path
                self._check_text(text)
                return text
            raw = text
        elif self.location == "query":
            raw = self._query(request)
        elif self.location == "header":
            raw = request.headers.get(self.name)
        else:
            raw = request.cookies.get(self.name)
        if isinstance(raw, str) and not self.json:
            if self.shape == "array":
                raw = self._split(raw)
            elif self.shape == "object":
                raw = self._pairs(raw)
        if raw is None or raw == [] or raw == {}:
            if self.required:
                raise HandlerError(
                    400, f"Missing required parameter: '{self.name}'.", param=self.name
                )
            return None
        for text in (
            raw if isinstance(raw, list) else raw.values() if isinstance(raw, dict) else (raw,)
        ):
            self._check_text(text)
        value: Any = raw
        if self.json and isinstance(raw, str):
            try:
                check_json(raw)
            except HandlerError as error:
                raise HandlerError(400, error.message, param=self.name) from None
        if self.adapter is not None:
            try:
                value = (
                    self.adapter.validate_json(raw)
                    if self.json and isinstance(raw, str)
                    else self.adapter.validate_python(raw, strict=False)  # text: "1" is 1
                )
            except ValidationError as error:
                message = error.errors()[0].get("msg", "not valid")
                raise HandlerError(
                    400, f"Invalid value for '{self.name}': {message}.", param=self.name
                ) from None
            for number in value if isinstance(value, list) else (value,):
                self._check_number(number)
        return value

    def _query(self, request: Request) -> str | list[str] | dict[str, str] | None:
        query = request.query_params
        if self.shape == "array" and self.explode and self.style == "form" and not self.json:
            return query.getlist(self.name)
        if self.shape == "object" and not self.json:
            if self.style == "deepObject":
                prefix = self.name + "["
                return {
                    k[len(prefix) : -1]: v
                    for k, v in query.multi_items()
                    if k.startswith(prefix) and k.endswith("]")
                }
            if self.explode and self.style == "form":  # every parameter the operation does not name
                known = self.known
                return {
                    k: v
                    for k, v in query.multi_items()
                    if k not in known and k.split("[", 1)[0] not in known
                }
        return query.get(self.name)

    def _split(self, text: str) -> list[str]:
        if not text:
            return []
        separator = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(self.style, ",")
        items = text.split(separator)
        return [item.strip() for item in items] if self.location == "header" else items

    def _pairs(self, text: str) -> dict[str, str]:
        if self.explode and self.location != "query":  # `a=1,b=2`
            return dict(pair.strip().partition("=")[::2] for pair in text.split(",") if pair)
        items = self._split(text)  # `a,1,b,2`
        if len(items) % 2:
            self._fail("not a list of key,value pairs")
        return dict(zip(items[::2], items[1::2], strict=True))

    def _check_text(self, text: str) -> None:
        if self.min_length is not None and len(text) < self.min_length:
            self._fail(f"shorter than {self.min_length} characters")
        if self.max_length is not None and len(text) > self.max_length:
            self._fail(f"longer than {self.max_length} characters")
        if self.pattern is not None and self.pattern.search(text) is None:
            self._fail(f"does not match the pattern {self.pattern.pattern}")

    def _check_number(self, number: Any) -> None:
        if isinstance(number, bool) or not isinstance(number, int | float):
            return
        if self.minimum is not None and number < self.minimum:
            self._fail(f"less than {self.minimum:g}")
        if self.maximum is not None and number > self.maximum:
            self._fail(f"greater than {self.maximum:g}")

    def _fail(self, why: str) -> None:
        raise HandlerError(400, f"Invalid value for '{self.name}': {why}.", param=self.name)


def media_essence(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


# --- how large and how slow a body may be ---------------------------------------------------------

DEFAULT_MAX_BODY_SIZE = 32 * 1024 * 1024
"""The most bytes a request body may have by default (32 MiB: a chat request with large images,
an audio upload), unless the spec gives its operation a limit of its own."""

DEFAULT_BODY_TIMEOUT = 30.0
"""The most seconds a request body may go without sending a byte, by default."""

CLOSE = {"connection": "close"}  # refused mid-request: the rest of the body is not worth reading


@dataclass(frozen=True, slots=True)
class BodyLimits:
    """An app's limits on request bodies: `max_size` bytes (None: no limit) and `timeout`
    seconds without a byte (None: wait forever)."""

    max_size: int | None = DEFAULT_MAX_BODY_SIZE
    timeout: float | None = DEFAULT_BODY_TIMEOUT


DEFAULT_BODY_LIMITS = BodyLimits()


def body_limits_of(scope: Scope) -> BodyLimits:
    """The body limits of the app serving the request (`build_app` keeps them in its state)."""
    found = getattr(getattr(scope.get("app"), "state", None), "body_limits", None)
    return found if isinstance(found, BodyLimits) else DEFAULT_BODY_LIMITS


def too_large(max_size: int) -> HandlerError:
    return HandlerError(
        413,
        f"The request body is larger than {max_size} bytes, the most this operation accepts.",
        code="request_too_large",
        headers=CLOSE,
    )


async def read_body(request: Request, max_size: int | None, timeout: float | None) -> bytes:
    """The request's body, read as it arrives: a 413 as soon as it is known to be larger than
    `max_size` bytes (its Content-Length says so, or its bytes pass it), before it is held; a
    408 when `timeout` seconds pass without a byte; `ClientDisconnect` if the client goes."""
    declared = request.headers.get("content-length", "")
    if max_size is not None and declared.isdigit() and int(declared) > max_size:
        raise too_large(max_size)
    body = bytearray()
    receive = request.receive
    while True:
        try:
            with anyio.fail_after(timeout):
                message = await receive()
        except TimeoutError:
            why = f"The request body stopped arriving: no byte for {timeout:g} s."
            raise HandlerError(408, why, code="request_timeout", headers=CLOSE) from None
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunk = message.get("body", b"")
        if max_size is not None and len(body) + len(chunk) > max_size:
            raise too_large(max_size)
        body += chunk
        if not message.get("more_body", False):
            return bytes(body)


class _Refused(Exception):
    """What `check_json` found, as the message of its 400."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> int:
    if len(pairs) > 1 and len({key for key, _ in pairs}) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refused(
                    f"The JSON body repeats the key {key!r} in one object; a key may appear once."
                )
            seen.add(key)
    return 0  # nothing of the document is kept: this pass only checks


def _no_constant(name: str) -> int:
    raise _Refused(f"The JSON body has {name}, which is not JSON: numbers must be finite.")


def _finite(text: str) -> int:
    if math.isinf(float(text)):
        raise _Refused(
            f"The number {text[:40]} in the JSON body is out of range: numbers must be finite."
        )
    return 0


def _ignored(text: str) -> int:
    return 0  # integers of any length are pydantic's to read


def check_json(data: bytes | str) -> None:
    """Refuse, with a 400 naming what it found, what JSON does not allow but Python's and
    pydantic's parsers take: `NaN`, `Infinity`, `-Infinity`, numbers out of a double's range
    (`1e400`) and objects that repeat a key (which parsers decide silently, each its own way).

    One pass of the standard library's C parser whose hooks keep nothing (every object and
    number becomes 0), so it holds little besides the strings; anything else wrong with the
    document is left to pydantic, which says where."""
    try:
        json.loads(
            data,
            object_pairs_hook=_unique_keys,
            parse_constant=_no_constant,
            parse_float=_finite,
            parse_int=_ignored,
        )
    except _Refused as refused:
        raise HandlerError(400, str(refused)) from None
    except (ValueError, RecursionError):
        return


M = TypeVar("M")

MAX_FORM_PARTS = 1000  # fields and files of one form or multipart body


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """One file part of a multipart body, as it arrived (held in memory)."""

    field_name: str
    """The form field it was sent as."""
    filename: str | None
    """The name the client gave it (never trust it as a path)."""
    content_type: str | None
    """The part's media type, when the client named one."""
    content: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True, slots=True)
class Multipart(Generic[M]):
    """A `multipart/form-data` body. `data` is the spec's body model, validated from the form
    fields (text converted the way pydantic reads strings, objects sent as JSON text decoded,
    repeated fields as lists), each file field holding the bytes of its file(s); `files` keeps
    every file part with its filename and media type (`file("name")` for a field's first)."""

    data: M
    files: tuple[UploadedFile, ...] = ()

    def file(self, name: str) -> UploadedFile | None:
        """The first file sent as field `name`, if any."""
        return next((upload for upload in self.files if upload.field_name == name), None)

    def files_named(self, name: str) -> list[UploadedFile]:
        """Every file sent as field `name`, in order."""
        return [upload for upload in self.files if upload.field_name == name]


@dataclass(frozen=True, slots=True)
class FormPart:
    name: str
    filename: str | None
    content_type: str | None
    content: bytes = field(repr=False)


BodyKind = Literal["json", "text", "binary", "form", "multipart"]


@dataclass(frozen=True, slots=True)
class MediaRule:
    """How one media type of a request body is read and what the handler gets: JSON through
    the spec's model, validated as strictly as JSON Schema reads it (no `"1"` for an integer);
    text as `str` (in the charset the content type names, UTF-8 by default); forms as the model
    (`Multipart` of it for multipart bodies); anything else as bytes."""

    kind: BodyKind
    adapter: TypeAdapter[Any] | None = None  # json, form, multipart: the type to validate into
    fields: frozenset[str] = frozenset()  # form fields the schema names
    files: frozenset[str] = frozenset()  # ... that take files (their parts are bytes)
    arrays: frozenset[str] = frozenset()  # ... that are arrays only (one part is a list)
    json: frozenset[str] = frozenset()  # ... that may be objects, sent as JSON text
    max_size: int | None = None  # the most bytes of a body the spec allows; None: the app's limit

    def read_json(self, data: bytes) -> Any:
        if not data:
            raise HandlerError(400, "The request body is missing; this operation needs one.")
        check_json(data)
        if self.adapter is None:
            return data
        try:
            return self.adapter.validate_json(data, strict=True)
        except ValidationError as error:
            param, message = describe_errors(error.errors(include_url=False, include_input=False))
            raise HandlerError(400, message, param=param) from None

    def read_form(self, data: bytes, content_type: str) -> Any:
        uploads: list[UploadedFile] = []
        if self.kind == "form":
            try:
                pairs: list[tuple[str, Any]] = parse_qsl(
                    data.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FORM_PARTS
                )
            except (UnicodeDecodeError, ValueError):
                raise HandlerError(
                    400, "The form body is not valid UTF-8 `name=value` pairs."
                ) from None
        else:
            pairs = []
            for part in parse_multipart(data, content_type):
                name = self._field(part.name)
                if name in self.files or part.filename is not None:
                    uploads.append(
                        UploadedFile(name, part.filename, part.content_type, part.content)
                    )
                    pairs.append((part.name, part.content))
                else:
                    pairs.append((part.name, _decode(part.content, part.content_type or "")))
        values = self._assemble(pairs)
        try:
            validated = (  # form fields are text: "1" is 1 here
                self.adapter.validate_python(values, strict=False)
                if self.adapter is not None
                else values
            )
        except ValidationError as error:
            param, message = describe_errors(error.errors(include_url=False, include_input=False))
            raise HandlerError(400, message, param=param) from None
        return validated if self.kind == "form" else Multipart(validated, tuple(uploads))

    def _field(self, key: str) -> str:
        """The property a form key names: `tags[]` (the PHP and Rails habit) is `tags`."""
        return key[:-2] if key.endswith("[]") and key not in self.fields else key

    def _assemble(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        """The object the form's pairs describe: repeated names (and `name[]`) make lists."""
        values: dict[str, Any] = {}
        lists: set[str] = set()
        for key, value in pairs:
            name = self._field(key)
            if isinstance(value, str) and name in self.json and value.lstrip()[:1] in ("{", "["):
                check_json(value)
                with contextlib.suppress(ValueError):  # not JSON after all: the model decides
                    value = json.loads(value)
            if name in lists:
                values[name].append(value)
            elif name in values:
                values[name] = [values[name], value]
                lists.add(name)
            elif isinstance(value, list) and name in self.arrays:
                values[name] = value
            elif name != key or name in self.arrays:
                values[name] = [value]
                lists.add(name)
            else:
                values[name] = value
        return values


JSON_BODY = MediaRule("json")
TEXT_BODY = MediaRule("text")
BINARY_BODY = MediaRule("binary")


@dataclass(frozen=True, slots=True)
class BodyRule:
    """Checks the content type against the media types the body may be sent as (by essence,
    lower case; `type/*` and `*/*` ranges match too) and reads the body as that one says."""

    media: Mapping[str, MediaRule]
    required: bool

    async def read(self, request: Request) -> Any:
        content_type = request.headers.get("content-type")
        rule = self.media.get(content_type) if content_type else None  # the common case
        if rule is None:
            rule = self._find_rule(media_essence(content_type))
        limits = body_limits_of(request.scope)
        max_size = limits.max_size if rule is None or rule.max_size is None else rule.max_size
        data = await read_body(request, max_size, limits.timeout)
        if not data and not self.required:
            return None
        if rule is None:
            rule = self._rule_for(media_essence(content_type))
        if rule.kind == "json":
            return rule.read_json(data)
        if rule.kind == "text":
            return _decode(data, content_type or "")
        if rule.kind == "binary":
            return data
        return rule.read_form(data, content_type or "")

    def _find_rule(self, essence: str) -> MediaRule | None:
        rule = None
        if essence:
            rule = self.media.get(essence) or self.media.get(essence.split("/")[0] + "/*")
        return rule or self.media.get("*/*")

    def _rule_for(self, essence: str) -> MediaRule:
        rule = self._find_rule(essence)
        if rule is None:
            wanted = " or ".join(f"'{c}'" for c in sorted(self.media))
            shown = f"'{essence}'" if essence else "none"
            raise HandlerError(
                400, f"Unsupported content type: {shown}. This operation accepts {wanted}."
            )
        return rule


_PARAMETER_RE = re.compile(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


def header_parameters(value: str) -> dict[str, str]:
    """The parameters of a header value (`form-data; name="a"; filename*=UTF-8''b%20c`),
    names lower case, quoted strings unquoted, RFC 5987 `name*` values decoded."""
    found: dict[str, str] = {}
    for name, raw in _PARAMETER_RE.findall(value):
        name = name.lower()
        text = raw.strip()
        if text.startswith('"'):
            text = re.sub(r"\\(.)", r"\1", text[1:-1])
        if name.endswith("*"):
            charset, _, encoded = text.partition("'")
            _, _, encoded = encoded.partition("'")
            try:
                found[name[:-1]] = unquote(encoded, encoding=charset or "utf-8", errors="strict")
            except (LookupError, UnicodeDecodeError):
                continue
        else:
            found.setdefault(name, text)
    return found


def _bad_multipart(why: str) -> HandlerError:
    return HandlerError(400, f"The multipart body is malformed: {why}.")


def parse_multipart(data: bytes, content_type: str) -> list[FormPart]:
    """The parts of a `multipart/form-data` body (RFC 7578), read from memory: each part's
    field name, filename, media type and content."""
    boundary = header_parameters(content_type).get("boundary")
    if not boundary or len(boundary) > 200:
        raise _bad_multipart("the content type names no boundary")
    delimiter = b"--" + boundary.encode("latin-1", "replace")
    position = data.find(delimiter)
    if position < 0 or (position > 0 and data[position - 2 : position] != b"\r\n"):
        raise _bad_multipart("no part starts")
    parts: list[FormPart] = []
    position += len(delimiter)
    while not data.startswith(b"--", position):
        line_end = data.find(b"\r\n", position)
        if line_end < 0 or data[position:line_end].strip(b" \t"):
            raise _bad_multipart("a boundary line is malformed")
        end = data.find(b"\r\n" + delimiter, line_end)
        if end < 0:
            raise _bad_multipart("the last part is not closed")
        if len(parts) == MAX_FORM_PARTS:
            raise HandlerError(400, f"The multipart body has more than {MAX_FORM_PARTS} parts.")
        parts.append(_form_part(data, line_end + 2, end))
        position = end + 2 + len(delimiter)
    return parts


def _form_part(data: bytes, start: int, end: int) -> FormPart:
    header_end = data.find(b"\r\n\r\n", start - 2, end)
    if header_end < 0:
        raise _bad_multipart("a part has no header")
    headers: dict[str, str] = {}
    for line in data[start:header_end].decode("utf-8", "replace").split("\r\n"):
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    disposition = headers.get("content-disposition", "")
    if not disposition.lower().startswith("form-data"):
        raise _bad_multipart("a part is not `Content-Disposition: form-data`")
    parameters = header_parameters(disposition)
    if "name" not in parameters:
        raise _bad_multipart("a part has no field name")
    return FormPart(
        parameters["name"],
        parameters.get("filename"),
        headers.get("content-type"),
        data[header_end + 4 : end],
    )


# --- binary answers ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Binary:
    """A binary answer with a media type of the handler's choosing (one the operation declares,
    `image/webp` rather than the first, say) or headers of its own (`Content-Disposition`).
    `content` is bytes, or an (async) iterator of bytes sent as it comes."""

    content: bytes | Iterable[bytes] | AsyncIterable[bytes] = field(repr=False)
    media_type: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


def binary_response(returned: Any, status: int, media_type: str) -> Response:
    """A handler's binary answer: bytes at once; an (async) iterator of bytes as it comes (a
    blocking one is read in a worker thread), never held whole in memory."""
    headers: Mapping[str, str] | None = None
    if isinstance(returned, Binary):
        media_type = returned.media_type or media_type
        headers = returned.headers
        returned = returned.content
    if isinstance(returned, bytes | bytearray | memoryview):
        return Response(bytes(returned), status, headers, media_type)
    if isinstance(returned, str):
        return Response(returned.encode(), status, headers, media_type)
    if isinstance(returned, AsyncIterable | Iterable):
        return StreamingResponse(returned, status, headers, media_type)
    raise TypeError(
        f"a binary answer is bytes, an iterator of bytes or Binary, not {type(returned).__name__}"
    )


async def peek(iterator: AsyncIterator[Any]) -> tuple[Any, AsyncIterator[Any]]:
    """The first item of `iterator` (`END` when there is none), and an iterator of them all."""
    first = await anext(iterator, END)
    return first, _chain(first, iterator)


END: Any = object()


async def _chain(first: Any, rest: AsyncIterator[Any]) -> AsyncIterator[Any]:
    try:
        if first is not END:
            yield first
            async for item in rest:
                yield item
    finally:
        aclose = getattr(rest, "aclose", None)
        if aclose is not None:
            await aclose()


def _decode(data: bytes, content_type: str) -> str:
    charset = "utf-8"
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"') or charset
    try:
        return data.decode(charset)
    except (LookupError, UnicodeDecodeError):
        raise HandlerError(400, f"The request body is not valid {charset} text.") from None


def stream_requested(body: Any, attribute: str, name: str) -> bool:
    """Whether the request body's stream flag (`stream: true`, say) is set."""
    if isinstance(body, Multipart):
        body = body.data
    if isinstance(body, Mapping):
        return body.get(name) is True
    return getattr(body, attribute, None) is True


# --- the app and the command line -----------------------------------------------------------------


@functools.cache
def load_document() -> dict[str, Any]:
    """The spec this package was generated from, as JSON; served as the app's OpenAPI document."""
    document: dict[str, Any] = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return document


class SpecApp(FastAPI):
    """FastAPI, serving the spec as written (`document()`) instead of a document derived from
    the routes."""

    def __init__(self, document: Callable[[], dict[str, Any]], **settings: Any) -> None:
        super().__init__(**settings)
        self._spec_document = document

    def openapi(self) -> dict[str, Any]:
        return self._spec_document()


def build_app(
    routes: Iterable[tuple[str, Mapping[str, Endpoint]]],
    *,
    title: str,
    version: str,
    base_path: str = "",
    error_model: Any = None,
    document: Callable[[], dict[str, Any]] = load_document,
    max_body_size: int | None = DEFAULT_MAX_BODY_SIZE,
    body_timeout: float | None = DEFAULT_BODY_TIMEOUT,
) -> FastAPI:
    """The app of `create_app`: `routes` are (path, {method: endpoint}) pairs, served under
    `base_path`; errors (its own refusals, FastAPI's validation, failures) are answered in the
    spec's shape, through `error_model` when it takes that shape (see `ErrorFormat`); every
    response carries an `x-request-id`; `/openapi.json` serves `document()`. A request body
    may have `max_body_size` bytes unless the spec gives its operation a limit of its own, and
    go `body_timeout` seconds without a byte (None: no limit)."""
    app = SpecApp(document, title=title, version=version)
    app.state.error_format = ErrorFormat(error_model)
    app.state.body_limits = BodyLimits(max_body_size, body_timeout)
    app.router.redirect_slashes = False
    app.add_middleware(RequestIdMiddleware)
    app.add_exception_handler(HTTPException, http_exception_handler)
    app.add_exception_handler(RequestValidationError, validation_exception_handler)
    app.add_exception_handler(Exception, internal_error_handler)
    # Paths with fewer parameters first, so that `/items/latest` is found before `/items/{id}`.
    for path, endpoints in sorted(routes, key=lambda route: route[0].count("{")):
        route = Route(base_path + path, by_method(endpoints), methods=list(endpoints))
        app.router.routes.append(route)
    return app


def by_method(endpoints: Mapping[str, Endpoint]) -> Endpoint:
    """One endpoint for the methods of one path (HEAD answered as GET)."""
    if len(endpoints) == 1:
        return next(iter(endpoints.values()))
    table = dict(endpoints)
    if "GET" in table:
        table.setdefault("HEAD", table["GET"])

    async def endpoint(request: Request) -> Response:
        return await table[request.method](request)

    return endpoint


def by_query(*candidates: tuple[tuple[tuple[str, str], ...], Endpoint]) -> Endpoint:
    """One method of one path shared by operations that the spec tells apart by query parameters
    written into their paths (`/responses` and `/responses?beta=true`): the first whose
    parameters the request carries answers, the one without any otherwise."""

    async def endpoint(request: Request) -> Response:
        query = request.query_params
        for fixed, candidate in candidates:
            if all(value in query.getlist(key) for key, value in fixed):
                return await candidate(request)
        raise HTTPException(404)

    return endpoint


class AppFactory(Protocol):
    """The package's `create_app`."""

    def __call__(
        self,
        handler: Any,
        /,
        *,
        authenticate: Authenticate | None = ...,
        base_path: str = ...,
        max_body_size: int | None = ...,
        body_timeout: float | None = ...,
    ) -> ASGIApp: ...


WORKER_SETTINGS = "SPECSMITH_SERVER_SETTINGS"
"""The environment variable that hands `main`'s settings to each worker process it starts."""


def main(
    argv: Sequence[str] | None,
    *,
    create_app: AppFactory,
    mock: Callable[[], Any],
    title: str,
    base_path: str,
    env_prefix: str,
    requires_auth: bool,
) -> None:
    """`python -m <package>.server`: serve `mock()` (`--mock`) or a handler of yours
    (`--handler MODULE:NAME`) with uvicorn, within the server's limits (`_server_http`), on one
    process or several (`--workers`). Tokens come from `--token` and from
    `<env_prefix>_SERVER_TOKENS`; without one, the mock accepts any, and a handler of yours is
    refused when the spec protects its operations (`requires_auth`)."""
    from ._server_http import DEFAULT_SERVER_LIMITS, ServerLimits, serve

    prog = f"python -m {__name__.rpartition('.')[0]}.server"
    tokens_env = f"{env_prefix}_SERVER_TOKENS"
    parser = argparse.ArgumentParser(prog=prog, description=f"Serve {title} with uvicorn.")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--mock", action="store_true", help="answer from the spec's examples")
    source.add_argument(
        "--handler", metavar="MODULE:NAME", help="serve this Handler (a class is instantiated)"
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument(
        "--token",
        action="append",
        default=[],
        help=f"a token to accept (repeatable); also read, comma-separated, from {tokens_env}. "
        "Without one, --mock accepts any non-empty token",
    )
    parser.add_argument(
        "--base-path",
        default=base_path,
        help=f"the path the operations are served under (default: {base_path or 'the root'},"
        " the spec's server path)",
    )
    parser.add_argument("--log-level", default="info", help="uvicorn's log level (default: info)")
    limits = parser.add_argument_group("limits")
    number = functools.partial(limits.add_argument, type=_positive)
    number(
        "--workers",
        type=_count,
        default=1,
        help="worker processes, each with its handler (default: 1)",
    )
    number(
        "--max-body-size",
        type=_count,
        default=DEFAULT_MAX_BODY_SIZE,
        metavar="BYTES",
        help="the most bytes of a request body, unless the spec gives an operation its own"
        f" limit (default: {DEFAULT_MAX_BODY_SIZE})",
    )
    defaults = DEFAULT_SERVER_LIMITS
    for flag, default, meaning in (
        ("--body-timeout", DEFAULT_BODY_TIMEOUT, "seconds a request body may go without a byte"),
        ("--head-timeout", defaults.head_timeout, "seconds a request's headers may take"),
        ("--keep-alive-timeout", defaults.keep_alive_timeout, "seconds an idle connection stays"),
        ("--concurrency", defaults.concurrency, "connections and requests at once, per worker"),
        ("--max-head-size", defaults.max_head_size, "bytes of a request's line and headers"),
        ("--graceful-shutdown-timeout", defaults.graceful_shutdown_timeout, "seconds to finish"),
    ):
        number(flag, default=default, metavar="N", help=f"{meaning} (default: {default})")
    arguments = parser.parse_args(argv)
    handler: Any = None
    if arguments.workers > 1:  # each worker makes its own: here a wrong name is an argument error
        _import(arguments.handler or _target(mock), parser)
    else:
        handler = mock() if arguments.mock else load_handler(parser, arguments.handler)
    tokens = [*arguments.token, *filter(None, os.environ.get(tokens_env, "").split(","))]
    if not tokens and not arguments.mock and requires_auth:
        parser.error(f"give --token (or {tokens_env}): the spec protects its operations")
    settings = {
        "create_app": _target(create_app),
        "handler": _target(mock) if arguments.mock else arguments.handler,
        "mock": arguments.mock,
        "tokens": tokens,
        "base_path": arguments.base_path.rstrip("/"),
        "max_body_size": arguments.max_body_size,
        "body_timeout": arguments.body_timeout,
    }
    server_limits = ServerLimits(
        head_timeout=arguments.head_timeout,
        keep_alive_timeout=int(arguments.keep_alive_timeout),
        concurrency=int(arguments.concurrency),
        max_head_size=int(arguments.max_head_size),
        graceful_shutdown_timeout=int(arguments.graceful_shutdown_timeout),
    )
    served = functools.partial(
        serve,
        host=arguments.host,
        port=arguments.port,
        limits=server_limits,
        log_level=arguments.log_level,
    )
    if arguments.workers > 1:  # each worker makes the app from the settings, in its own process
        os.environ[WORKER_SETTINGS] = json.dumps(settings)
        served(f"{__name__}:{worker_app.__name__}", factory=True, workers=arguments.workers)
    else:
        served(app_from(settings, create_app, handler))


def _count(text: str) -> int:
    value = _positive(text)
    if value != int(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    return int(value)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or math.isinf(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number")
    return value


def app_from(settings: Mapping[str, Any], create_app: AppFactory, handler: Any) -> ASGIApp:
    """The app `main`'s settings describe, serving `handler`."""
    tokens = settings["tokens"]
    authenticate: Authenticate | None = None
    if tokens:
        authenticate = static_tokens(tokens)
    elif settings["mock"]:
        authenticate = accept_any_token
    return create_app(
        handler,
        authenticate=authenticate,
        base_path=settings["base_path"],
        max_body_size=settings["max_body_size"],
        body_timeout=settings["body_timeout"],
    )


def worker_app() -> ASGIApp:
    """The app of one worker process that `main --workers N` started (uvicorn's factory): made
    from the settings `main` left in the environment, with a handler of its own."""
    settings = json.loads(os.environ[WORKER_SETTINGS])
    create_app = _import(settings["create_app"])
    found = _import(settings["handler"])
    handler = found() if isinstance(found, type) or settings["mock"] else found
    return app_from(settings, create_app, handler)


def _target(found: Any) -> str:
    """The `module:name` that imports `found` again (in a worker process); under
    `python -m <package>.server`, the module is that name, not `__main__`."""
    module = found.__module__
    if module == "__main__":
        spec = getattr(sys.modules["__main__"], "__spec__", None)
        module = getattr(spec, "name", None) or module
    return f"{module}:{found.__qualname__}"


def _import(target: str, parser: argparse.ArgumentParser | None = None) -> Any:
    module_name, _, name = target.partition(":")
    if not module_name or not name:
        if parser is not None:
            parser.error(f"--handler {target!r}: expected MODULE:NAME")
        raise ValueError(f"{target!r}: expected MODULE:NAME")
    return getattr(importlib.import_module(module_name), name)


def load_handler(parser: argparse.ArgumentParser, target: str) -> Any:
    """The handler `--handler MODULE:NAME` names (a class is instantiated)."""
    found = _import(target, parser)
    return found() if isinstance(found, type) else found


# --- a handler of the earlier, flat shape --------------------------------------------------------


def handler_tree(flat: object, methods: Mapping[str, str]) -> Any:
    """The resource tree `create_app` walks (`handler.chat.completions.create`), made of an
    object with one method per operation (`create_chat_completion`): `methods` maps each dotted
    place to the flat method's name. A method the object lacks is a TypeError naming both."""
    root = _Namespace()
    for dotted, name in methods.items():
        *path, method = dotted.split(".")
        node = root
        for part in path:
            if not hasattr(node, part):
                setattr(node, part, _Namespace())
            node = getattr(node, part)
        found = getattr(flat, name, None)
        if not callable(found):
            raise TypeError(f"the handler has no method {name}() (for handler.{dotted})")
        setattr(node, method, found)
    return root


class _Namespace:
    """A resource of a tree made by `handler_tree`: attributes only."""
