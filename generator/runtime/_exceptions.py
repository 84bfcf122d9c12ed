"""The exceptions the client raises, all under `APIError`, and how they are made from answers.

    APIError
    ├── APIConnectionError            the request never got an HTTP answer
    │   ├── APITimeoutError           ... because it timed out
    │   └── IncompleteStreamError     a stream ended before its terminator
    ├── APIStatusError                an HTTP answer outside 2xx
    │   ├── BadRequestError           400
    │   ├── AuthenticationError       401
    │   ├── PermissionDeniedError     403
    │   ├── NotFoundError             404
    │   ├── ConflictError             409
    │   ├── UnprocessableEntityError  422
    │   ├── RateLimitError            429
    │   └── InternalServerError       >= 500
    ├── APIStreamError                an error event in the middle of a stream
    └── APIResponseValidationError    a 2xx answer that does not match the spec

What the spec says about its errors reaches this module as data, a `SpecErrors` that the
package's `errors.py` makes and the client carries: how a payload is read as the spec's error
schema, where that schema keeps `type`, `code` and `param` (every error has them as attributes,
None when the payload does not say), and which response headers carry a request id.
`errors.py` re-exports the classes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APIStreamError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "IncompleteStreamError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "SpecErrors",
    "UnprocessableEntityError",
]

# Response headers that carry the id a server gives each request, when the spec names no others.
DEFAULT_REQUEST_ID_HEADERS: Final = ("x-request-id", "request-id")
# The fields of an error payload every error carries as an attribute.
ERROR_FIELDS: Final = ("type", "code", "param")


class APIError(Exception):
    """Base of every exception the client raises. `str(error)` is `message`."""

    message: str
    request: httpx.Request | None
    body: Any
    """The payload in the spec's error schema (`errors.ErrorBody`), or None when it does not fit."""
    data: object
    request_id: str | None
    type: str | None
    """The error's `type`, as the spec's error schema places it (`{"error": {"type": ...}}`)."""
    code: str | None
    """The error's `code` (`"model_not_found"`, say)."""
    param: str | None
    """The request field the error is about, when the server names one."""

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        body: Any = None,
        data: object = None,
        request_id: str | None = None,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body
        self.data = data
        self.request_id = request_id
        self.type = type
        self.code = code
        self.param = param

    def __str__(self) -> str:
        return self.message


class APIConnectionError(APIError):
    """No HTTP answer: the connection failed, broke, or (subclasses) timed out or was cut."""

    def __init__(
        self, message: str = "Connection error.", *, request: httpx.Request | None = None
    ) -> None:
        super().__init__(message, request=request)


class APITimeoutError(APIConnectionError):
    """The request, or a read in the middle of a stream, took longer than its timeout."""

    def __init__(
        self, message: str = "Request timed out.", *, request: httpx.Request | None = None
    ) -> None:
        super().__init__(message, request=request)


class IncompleteStreamError(APIConnectionError):
    """The event stream ended (or broke) before its terminator: the answer is incomplete."""

    def __init__(
        self,
        message: str = "The stream ended before its terminator: the answer is incomplete.",
        *,
        request: httpx.Request | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, request=request)
        self.request_id = request_id


class APIStatusError(APIError):
    """An HTTP answer outside 2xx. Subclasses name the common status codes."""

    status_code: int
    response: httpx.Response

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: Any,
        data: object,
        request_id: str | None = None,
        **fields: str | None,
    ) -> None:
        super().__init__(
            message, request=response.request, body=body, data=data, request_id=request_id, **fields
        )
        self.response = response
        self.status_code = response.status_code


class BadRequestError(APIStatusError):
    """400: the request is malformed or fails validation."""


class AuthenticationError(APIStatusError):
    """401: the token is missing, wrong or expired."""


class PermissionDeniedError(APIStatusError):
    """403: the token is valid but not allowed to do this."""


class NotFoundError(APIStatusError):
    """404: no such resource (check the path parameters)."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's current state (retried)."""


class UnprocessableEntityError(APIStatusError):
    """422: well-formed but semantically invalid."""


class RateLimitError(APIStatusError):
    """429: too many requests (retried, honouring Retry-After)."""


class InternalServerError(APIStatusError):
    """500 and above: the server failed (retried)."""


class APIStreamError(APIError):
    """The server sent an error event in the middle of a stream: `{"error": ...}`, or an event
    of type `error`."""

    event: str

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None,
        body: Any,
        data: object,
        event: str,
        request_id: str | None,
        **fields: str | None,
    ) -> None:
        super().__init__(
            message, request=request, body=body, data=data, request_id=request_id, **fields
        )
        self.event = event


class APIResponseValidationError(APIError):
    """A 2xx answer whose payload does not match the spec's schema (or is not what was asked)."""

    status_code: int
    response: httpx.Response

    def __init__(
        self, message: str, *, response: httpx.Response, request_id: str | None = None
    ) -> None:
        super().__init__(message, request=response.request, request_id=request_id)
        self.response = response
        self.status_code = response.status_code


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    if status_code >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status_code, APIStatusError)


def decode_payload(content: bytes | str) -> object:
    """JSON when it is JSON, else the text (empty text is None)."""
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        return text.strip() or None


def decoded_body(raw: bytes | str, data: object) -> object:
    """The `parse_body` of a spec without an error schema: the decoded payload as it came."""
    return data


@dataclass(frozen=True, slots=True)
class SpecErrors:
    """What the spec says about error answers, handed to the client by the package's `errors.py`:
    `parse_body(raw, decoded)` reads a payload as the spec's error schema (None when it does not
    fit), and `request_id_headers` are the response headers that carry the id a server gives each
    request, first found wins."""

    parse_body: Callable[[bytes | str, object], Any] = decoded_body
    request_id_headers: tuple[str, ...] = DEFAULT_REQUEST_ID_HEADERS
    # Where the error schema keeps `type`, `code` and `param`: the property holding them
    # ("error"), or None for the payload's top; and which of them it has. None: not known,
    # so they are looked for in an `error` object, else at the top.
    error_fields: tuple[str | None, tuple[str, ...]] | None = None

    def fields(self, data: object) -> dict[str, str | None]:
        """The `type`, `code` and `param` of an error payload, as the spec places them."""
        if self.error_fields is None:
            inner = data.get("error") if isinstance(data, dict) else None
            container: object = inner if isinstance(inner, dict) else data
            names: tuple[str, ...] = ERROR_FIELDS
        else:
            key, names = self.error_fields
            container = data.get(key) if key is not None and isinstance(data, dict) else data
        found = dict.fromkeys(ERROR_FIELDS)
        if isinstance(container, dict):
            for name in names:
                value = container.get(name)
                found[name] = None if value is None else str(value)
        return found

    def request_id(self, headers: httpx.Headers) -> str | None:
        for name in self.request_id_headers:
            value: str | None = headers.get(name)
            if value is not None:
                return value
        return None

    def status_error(
        self, response: httpx.Response, secrets: tuple[str, ...] = ()
    ) -> APIStatusError:
        """The exception for an answer outside 2xx whose body has been read."""
        data = decode_payload(response.content)
        message = redact(message_of(data) or response.reason_phrase or "no message", secrets)
        return status_error_class(response.status_code)(
            f"Error code: {response.status_code} - {message}",
            response=response,
            body=self.parse_body(response.content, data),
            data=data,
            request_id=self.request_id(response.headers),
            **self.fields(data),
        )

    def stream_error(
        self,
        data: object,
        raw: str,
        event: str,
        response: httpx.Response,
        secrets: tuple[str, ...] = (),
    ) -> APIStreamError:
        """The exception for an error event received in the middle of a stream."""
        message = redact(message_of(data) or "the server sent an error event", secrets)
        return APIStreamError(
            f"Error in the stream - {message}",
            request=response.request,
            body=self.parse_body(raw, data),
            data=data,
            event=event,
            request_id=self.request_id(response.headers),
            **self.fields(data),
        )

    def validation_error(
        self, message: str, response: httpx.Response
    ) -> APIResponseValidationError:
        """The exception for a 2xx answer that does not match the spec."""
        return APIResponseValidationError(
            message, response=response, request_id=self.request_id(response.headers)
        )


PLAIN_ERRORS: Final = SpecErrors()
"""Errors of a spec that names neither an error schema nor request-id headers of its own."""


def message_of(data: object) -> str | None:
    """The human message in an error payload, wherever the common shapes put it."""
    if isinstance(data, dict):
        inner = data.get("error")
        if isinstance(inner, dict):
            for key in ("message", "detail", "description"):
                if isinstance(inner.get(key), str):
                    return str(inner[key])
        if isinstance(inner, str):
            return inner
        for key in ("message", "detail", "title", "error_description"):
            if isinstance(data.get(key), str):
                return str(data[key])
        return json.dumps(data, ensure_ascii=False)[:1000]
    if isinstance(data, str):
        return data[:1000]
    return None


def redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, "[REDACTED]")
    return text
