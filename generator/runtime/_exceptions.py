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
    ├── APIResponseValidationError    a 2xx answer that does not match the spec
    └── ResponseTooLargeError         an answer larger, once decoded, than the client's cap
        └── EventTooLargeError        ... one event of a stream larger than its cap

Every failure of a call is one of these: what httpx raises (a redirect loop, a broken gzip body,
an invalid URL) becomes one by `from_httpx`, the original chained as `__cause__`.

What the spec says about its errors reaches this module as data, a `SpecErrors` that the
package's `errors.py` makes and the client carries: how a payload is read as the spec's error
schema, where that schema keeps `type`, `code` and `param` (every error has them as attributes,
None when the payload does not say), and which response headers carry a request id.
`errors.py` re-exports the classes.

Secrets (the client's token) are redacted from everything an error shows of an answer: its
message, `body`, `data`, the response's content and a chained pydantic error, before any of
them is cut short; see `redact`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import httpx
from pydantic import ValidationError

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
    "EventTooLargeError",
    "IncompleteStreamError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
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
    """The request, or a read in the middle of a stream, took longer than its timeout; or the
    call passed its deadline, or a stream sent no event for longer than its idle limit."""

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


class ResponseTooLargeError(APIError):
    """The answer grew, once decoded, past the client's `max_response_size` (a compressed body
    that inflates without end, say); it was cut off there, never held whole."""

    limit: int
    response: httpx.Response

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        limit: int,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, request=response.request, request_id=request_id)
        self.response = response
        self.limit = limit


class EventTooLargeError(ResponseTooLargeError):
    """One event of a stream (or a line of one without its end) grew past the client's
    `max_event_size` characters."""


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
        """The exception for an answer outside 2xx whose body has been read; `secrets` are
        redacted from all of it (the response's content too) before anything is cut short."""
        content = redact_content(response, secrets)
        data = redact_data(decode_payload(content), secrets)
        message = cut(message_of(data) or response.reason_phrase or "no message")
        return status_error_class(response.status_code)(
            f"Error code: {response.status_code} - {message}",
            response=response,
            body=self.parse_body(content, data),
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
        """The exception for an error event received in the middle of a stream (`secrets`
        redacted from all of it)."""
        raw = redact(raw, secrets)
        data = redact_data(data, secrets)
        message = cut(message_of(data) or "the server sent an error event")
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
        self, message: str, response: httpx.Response, secrets: tuple[str, ...] = ()
    ) -> APIResponseValidationError:
        """The exception for a 2xx answer that does not match the spec (`secrets` redacted from
        the message and the response's content)."""
        if secrets and hasattr(response, "_content"):
            redact_content(response, secrets)
        return APIResponseValidationError(
            redact(message, secrets),
            response=response,
            request_id=self.request_id(response.headers),
        )

    def too_large(
        self, response: httpx.Response, limit: int, event: bool = False
    ) -> ResponseTooLargeError:
        """The exception for an answer (or, with `event`, a stream's event) past its cap."""
        if event:
            return EventTooLargeError(
                f"An event of the stream is longer than max_event_size ({limit} characters).",
                response=response,
                limit=limit,
                request_id=self.request_id(response.headers),
            )
        return ResponseTooLargeError(
            f"The response is larger than max_response_size ({limit} bytes once decoded).",
            response=response,
            limit=limit,
            request_id=self.request_id(response.headers),
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
        return cut(json.dumps(data, ensure_ascii=False))
    if isinstance(data, str):
        return cut(data)
    return None


MAX_MESSAGE = 1000
"""The most characters of a server's message an error's `str()` shows."""


def cut(text: str) -> str:
    """A message of at most MAX_MESSAGE characters (redact first: a cut can split a secret)."""
    return text[:MAX_MESSAGE]


REDACTED: Final = "[REDACTED]"

MIN_SECRET_IN_TEXT = 8
"""Secrets shorter than this are not looked for inside text: a token `x` would rewrite every
unrelated `x` (`/tenant/../x`). They are still redacted where they stand alone: a whole JSON
string, a whole message."""

SECRET_ANYWHERE = 16
"""Secrets this long are redacted wherever they occur, even glued inside a longer word (no word
holds a 16-character credential by chance); shorter ones only as whole tokens."""

# What may surround a secret for it to stand as a whole token: anything but the characters
# tokens are made of. `sk-abc` is not found in `sk-abcdef`, nor `abcdefgh` in `/abcdefghij`.
_TOKEN_CHARACTER = r"[A-Za-z0-9_\-]"


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """`text` with each secret replaced by `[REDACTED]`: one of SECRET_ANYWHERE characters or
    more wherever it occurs; a shorter one where it stands as a whole token (not part of a
    longer run of letters, digits, `_` and `-`); one shorter than MIN_SECRET_IN_TEXT only when
    it is the whole text. JSON-escaped occurrences (a `/` written `\\/`) count too."""
    for secret in secrets:
        if not secret:
            continue
        if text == secret:
            return REDACTED
        if len(secret) < MIN_SECRET_IN_TEXT:
            continue
        for form in _written_forms(secret):
            if form in text:
                text = _secret_pattern(form, len(secret) >= SECRET_ANYWHERE).sub(REDACTED, text)
    return text


@lru_cache(maxsize=64)
def _written_forms(secret: str) -> tuple[str, ...]:
    """The secret as it is, and as JSON may write it (escaped, `/` as `\\/`)."""
    escaped = json.dumps(secret)[1:-1]
    return tuple(dict.fromkeys((secret, escaped, escaped.replace("/", "\\/"))))


@lru_cache(maxsize=64)
def _secret_pattern(secret: str, anywhere: bool) -> re.Pattern[str]:
    if anywhere:
        return re.compile(re.escape(secret))
    before = f"(?<!{_TOKEN_CHARACTER})" if re.fullmatch(_TOKEN_CHARACTER, secret[0]) else ""
    after = f"(?!{_TOKEN_CHARACTER})" if re.fullmatch(_TOKEN_CHARACTER, secret[-1]) else ""
    return re.compile(before + re.escape(secret) + after)


def redact_data(data: Any, secrets: tuple[str, ...]) -> Any:
    """Decoded JSON (or text) with `redact` applied to every string in it, keys included."""
    if not secrets:
        return data
    if isinstance(data, str):
        return redact(data, secrets)
    if isinstance(data, dict):
        return {redact(str(k), secrets): redact_data(v, secrets) for k, v in data.items()}
    if isinstance(data, list):
        return [redact_data(item, secrets) for item in data]
    return data


def redact_content(response: httpx.Response, secrets: tuple[str, ...]) -> bytes:
    """The response's (read) content with the secrets redacted, kept as its content as well, so
    that `error.response.text` shows no more than the error does."""
    content = response.content
    if not secrets or not content:
        return content
    text = content.decode("utf-8", "replace")
    redacted = redact(text, secrets)
    if redacted == text:
        return content
    response._content = content = redacted.encode()  # what `read()` fills in
    return content


def redacted_cause(error: Exception, secrets: tuple[str, ...]) -> Exception:
    """`error` to chain under an exception the client raises, with the secrets redacted from
    what it shows: a pydantic error echoes the input (an answer that echoes the token)."""
    if not secrets:
        return error
    if isinstance(error, ValidationError):
        details = error.errors(include_url=False)
        if not any(_holds_secret(detail.get("input"), secrets) for detail in details):
            return error
        try:
            return ValidationError.from_exception_data(
                error.title,
                [
                    {
                        "type": detail["type"],
                        "loc": detail["loc"],
                        "input": redact_data(detail.get("input"), secrets),
                        **({"ctx": detail["ctx"]} if "ctx" in detail else {}),  # type: ignore[typeddict-item]
                    }
                    for detail in details
                ],
            )
        except (TypeError, ValueError, KeyError):  # an error type pydantic cannot remake
            return ValueError(redact(str(error), secrets))
    text = str(error)
    return error if redact(text, secrets) == text else ValueError(redact(text, secrets))


def _holds_secret(value: Any, secrets: tuple[str, ...]) -> bool:
    if isinstance(value, str):
        return redact(value, secrets) != value
    if isinstance(value, dict):
        return any(_holds_secret(k, secrets) or _holds_secret(v, secrets) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_secret(item, secrets) for item in value)
    return False


def from_httpx(
    error: Exception, request: httpx.Request | None, secrets: tuple[str, ...] = ()
) -> APIError:
    """The package's error for what httpx raised (raise it `from error`): a timeout is an
    `APITimeoutError`; anything else (a refused or broken connection, a redirect loop, a body
    that does not decode, an invalid URL) an `APIConnectionError` naming httpx's class."""
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(request=request)
    detail = redact(str(error), secrets)
    if isinstance(error, httpx.TooManyRedirects):
        return APIConnectionError(f"Too many redirects: {detail}", request=request)
    if isinstance(error, httpx.DecodingError):
        return APIConnectionError(f"The response could not be decoded: {detail}", request=request)
    return APIConnectionError(f"Connection error: {type(error).__name__}.", request=request)
