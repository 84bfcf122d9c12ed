"""The machinery under `Client` and `AsyncClient`: sending with retries, typed errors, parsing.

Nothing here knows an operation: `client.py` builds each operation's `RequestParts` and hands
them here with the parser of its result, and what the spec says about errors comes from
`errors.py` as a `SpecErrors`. `with_raw_response` and `with_streaming_response` are views of a
client (`SyncAPIClient._view`) whose calls answer with the raw response, or with a
`StreamedResponse` whose body is read as it arrives, instead of the parsed result. Hot-path
rules: headers are built once per client (and once per content type), a call allocates a
handful of small objects, and JSON is parsed straight into the result model
(`model_validate_json`, no intermediate dicts).

What bounds a call (`Limits`, see `_limits`): httpx's `timeout` bounds each wait; `deadline`
the whole call, retries and body included; `max_response_size` what an answer may inflate to.
Every failure is one of the package's errors (`_exceptions`), httpx's own chained.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import email.utils
import json
import logging
import math
import os
import random
import time
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterator,
    Mapping,
)
from dataclasses import dataclass
from enum import Enum
from functools import cached_property, lru_cache
from types import MappingProxyType, TracebackType
from typing import (
    IO,
    Any,
    Final,
    Generic,
    Literal,
    TypeVar,
    cast,
)
from urllib.parse import quote

import anyio
import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError
from typing_extensions import Self

from ._exceptions import (
    PLAIN_ERRORS,
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    SpecErrors,
    from_httpx,
    redacted_cause,
)
from ._limits import (
    ACCEPT_ENCODING,
    DEFAULT_LIMITS,
    Deadline,
    Limits,
    LineSplitter,
    Rechunker,
    aiter_decoded,
    aread_body,
    awithin,
    bound_by_cutoffs,
    cutoff,
    iter_decoded,
    read_body,
    text_decoder,
    within,
)
from ._logs import log_request, log_response
from ._streaming import AsyncStream, Stream

__all__ = [
    "NOT_GIVEN",
    "APIResponse",
    "AsyncAPIClient",
    "AsyncStreamedResponse",
    "AsyncStreamedResponseContext",
    "Limits",
    "NotGiven",
    "RequestParts",
    "RetryPolicy",
    "StreamedResponse",
    "SyncAPIClient",
]

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

# `<package>.client`, whatever the package is called (and wherever it is vendored).
log = logging.getLogger(__name__.rpartition(".")[0] + ".client")

RETRY_STATUSES: Final = frozenset({408, 409, 429})  # and every status >= 500


class NotGiven:
    """The type of `NOT_GIVEN`: "use the client's setting", where None means something else
    (`timeout=None` is no timeout at all)."""

    __slots__ = ()

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

TimeoutTypes = float | httpx.Timeout | None


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to wait before trying a failed request again.

    Retried: connection errors, timeouts, 408, 409, 429 and 5xx (a server's `x-should-retry:
    true|false` header overrides). The wait is the server's `retry-after-ms` or `Retry-After`
    (seconds or an HTTP date) when it sends one, else `initial_delay * 2**n`, at most
    `max_delay`, minus up to `jitter` of it at random. A server that asks for a wait longer
    than `max_retry_after` seconds is not retried: the error is raised at once.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.25
    max_retry_after: float = 60.0

    def backoff(self, retries_taken: int) -> float:
        delay = min(self.initial_delay * 2.0**retries_taken, self.max_delay)
        return max(delay * (1.0 - self.jitter * random.random()), 0.0)

    def delay_for(self, response: httpx.Response, retries_taken: int) -> float | None:
        """How long to wait before retrying after `response`, or None not to retry it."""
        should_retry = response.headers.get("x-should-retry")
        if should_retry == "false":
            return None
        status = response.status_code
        if should_retry != "true" and status not in RETRY_STATUSES and status < 500:
            return None
        asked = retry_after(response.headers)
        if asked is None:
            return self.backoff(retries_taken)
        return asked if asked <= self.max_retry_after else None


def retry_after(headers: httpx.Headers, now: float | None = None) -> float | None:
    """The wait a server asks for, in seconds: `retry-after-ms`, else `Retry-After`."""
    milliseconds = _number(headers.get("retry-after-ms"))
    if milliseconds is not None:
        return milliseconds / 1000.0
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _number(value)
    if seconds is not None:
        return seconds
    try:
        date = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if date.tzinfo is None:
        return None
    return max(date.timestamp() - (time.time() if now is None else now), 0.0)


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


class RequestParts:
    """One operation's request, built by `client.py`: everything but the client's defaults.
    `opened` are files opened for the request (uploads given as paths), closed once it is sent."""

    __slots__ = (
        "accept",
        "content",
        "content_type",
        "data",
        "files",
        "headers",
        "method",
        "opened",
        "params",
        "path",
    )

    def __init__(
        self,
        method: str,
        path: str,
        params: list[tuple[str, Any]] | None,
        headers: dict[str, str] | None,
        content: bytes | None,
        content_type: str | None,
        accept: str,
        data: Mapping[str, Any] | None = None,
        files: list[tuple[str, Any]] | None = None,
        opened: list[IO[bytes]] | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.params = params
        self.headers = headers
        self.content = content
        self.content_type = content_type
        self.accept = accept
        self.data = data
        self.files = files
        self.opened = opened

    def close_files(self) -> None:
        for file in self.opened or ():
            file.close()


class APIResponse(Generic[T]):
    """The raw HTTP answer of a call (`client.with_raw_response.<operation>(...)`).

    Status, headers and request id are here; `parse()` gives what the plain call returns.
    """

    __slots__ = ("_errors", "_parse", "_parsed", "_secrets", "http_response", "retries_taken")

    def __init__(
        self,
        http_response: httpx.Response,
        parse: Callable[[httpx.Response], T],
        retries_taken: int,
        errors: SpecErrors = PLAIN_ERRORS,
        secrets: tuple[str, ...] = (),
    ) -> None:
        self.http_response = http_response
        self.retries_taken = retries_taken
        self._parse = parse
        self._parsed: tuple[T] | None = None
        self._errors = errors
        self._secrets = secrets

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        return self._errors.request_id(self.http_response.headers)

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def content(self) -> bytes:
        return self.http_response.content

    @property
    def text(self) -> str:
        return self.http_response.text

    def json(self) -> Any:
        return self.http_response.json()

    def parse(self) -> T:
        """The typed result (parsed once; a stream is opened once)."""
        if self._parsed is None:
            self._parsed = (parsed(self.http_response, self._parse, self._errors, self._secrets),)
        return self._parsed[0]

    def __repr__(self) -> str:
        request = self.http_response.request
        return f"<APIResponse [{self.status_code}] {request.method} {self.url.path}>"


class _OpenResponse(Generic[T]):
    """What both streamed responses share: an answer whose body has not been read yet."""

    __slots__ = (
        "_deadline",
        "_errors",
        "_limits",
        "_parse",
        "_secrets",
        "http_response",
        "retries_taken",
    )

    def __init__(
        self,
        http_response: httpx.Response,
        parse: Callable[[httpx.Response], T],
        retries_taken: int,
        errors: SpecErrors = PLAIN_ERRORS,
        limits: Limits = DEFAULT_LIMITS,
        deadline: Deadline | None = None,
        secrets: tuple[str, ...] = (),
    ) -> None:
        self.http_response = http_response
        self.retries_taken = retries_taken
        self._parse = parse
        self._errors = errors
        self._limits = limits
        self._deadline = deadline or Deadline(None)
        self._secrets = secrets

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        return self._errors.request_id(self.http_response.headers)

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def content_type(self) -> str | None:
        """The media type the server answered with (`video/mp4`, ...), without parameters."""
        value = self.http_response.headers.get("content-type")
        return value.split(";", 1)[0].strip() if value else None

    def _broken(self, error: httpx.HTTPError) -> APIError:
        request = self.http_response.request
        if isinstance(error, httpx.TimeoutException):
            if self._deadline.passed(slack=0.01):
                return self._deadline.error(request)
            return APITimeoutError("The response timed out before its end.", request=request)
        if not isinstance(error, httpx.TransportError):
            return from_httpx(error, request, self._secrets)
        return APIConnectionError(
            f"The response broke before its end ({type(error).__name__}): it is incomplete.",
            request=request,
        )

    def __repr__(self) -> str:
        request = self.http_response.request
        return f"<{type(self).__name__} [{self.status_code}] {request.method} {self.url.path}>"


class StreamedResponse(_OpenResponse[T]):
    """An answer read as it arrives (`client.with_streaming_response.<operation>(...)`): a large
    download (audio, an archive, a video) never has to fit in memory.

        with client.with_streaming_response.<operation>(...) as response:
            for chunk in response.iter_bytes():
                ...

    Read the body once: `iter_bytes`, `iter_text`, `iter_lines`, `write_to_file`, or `read` /
    `parse` (which hold it all). Close it (or use `with`) to release the connection; a
    connection that breaks mid-body raises `APIConnectionError` (`APITimeoutError`).
    """

    __slots__ = ()

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body in pieces as they arrive (of `chunk_size` bytes, but for the last, if given),
        inflated in bounded pieces; no cap on the total (nothing is held)."""
        chunks = Rechunker[bytes](chunk_size)
        decoded = iter_decoded(self.http_response, None, self._deadline, self._errors)
        try:
            for piece in within(decoded, self._deadline):
                yield from chunks.feed(piece)
        except httpx.HTTPError as error:
            raise self._broken(error) from error
        yield from chunks.end()

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        """The body as text (in the charset it names, else UTF-8), as it arrives."""
        decoder = text_decoder(self.http_response)
        chunks = Rechunker[str](chunk_size)
        for piece in self.iter_bytes():
            yield from chunks.feed(decoder.decode(piece))
        yield from chunks.feed(decoder.decode(b"", True))
        yield from chunks.end()

    def iter_lines(self) -> Iterator[str]:
        """The body's lines, as `str.splitlines` cuts them, as they arrive."""
        lines = LineSplitter()
        for text in self.iter_text():
            yield from lines.feed(text)
        yield from lines.end()

    def write_to_file(self, file: str | os.PathLike[str]) -> int:
        """Stream the body into `file` (created or replaced); the number of bytes written."""
        written = 0
        with open(file, "wb") as out:
            for chunk in self.iter_bytes():
                written += out.write(chunk)
        return written

    def read(self) -> bytes:
        """The whole body (held in memory: at most `max_response_size` bytes once decoded)."""
        if hasattr(self.http_response, "_content"):
            return self.http_response.content
        limit = self._limits.max_response_size
        try:
            return read_body(self.http_response, limit, self._deadline, self._errors)
        except httpx.HTTPError as error:
            raise self._broken(error) from error

    def parse(self) -> T:
        """The typed result, as the plain call returns it (reads the whole body)."""
        self.read()
        return parsed(self.http_response, self._parse, self._errors, self._secrets)

    def close(self) -> None:
        """Release the connection (the unread rest of the body is dropped)."""
        self.http_response.close()

    def __enter__(self) -> StreamedResponse[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncStreamedResponse(_OpenResponse[T]):
    """`StreamedResponse` for `AsyncClient`: `aiter_bytes`, `aiter_text`, `aiter_lines`,
    `write_to_file`, `aread`, `parse` (all awaited or `async for`), and `aclose()`.

        async with client.with_streaming_response.<operation>(...) as response:
            async for chunk in response.aiter_bytes():
                ...
    """

    __slots__ = ()

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        chunks = Rechunker[bytes](chunk_size)
        decoded = aiter_decoded(self.http_response, None, self._errors)
        try:
            async for piece in awithin(decoded, self._deadline, self.http_response.request):
                for chunk in chunks.feed(piece):
                    yield chunk
        except httpx.HTTPError as error:
            raise self._broken(error) from error
        for chunk in chunks.end():
            yield chunk

    async def aiter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        decoder = text_decoder(self.http_response)
        chunks = Rechunker[str](chunk_size)
        async for piece in self.aiter_bytes():
            for text in chunks.feed(decoder.decode(piece)):
                yield text
        for text in [*chunks.feed(decoder.decode(b"", True)), *chunks.end()]:
            yield text

    async def aiter_lines(self) -> AsyncIterator[str]:
        lines = LineSplitter()
        async for text in self.aiter_text():
            for line in lines.feed(text):
                yield line
        for line in lines.end():
            yield line

    async def write_to_file(self, file: str | os.PathLike[str]) -> int:
        """Stream the body into `file` (created or replaced); the number of bytes written."""
        written = 0
        async with await anyio.open_file(file, "wb") as out:
            async for chunk in self.aiter_bytes():
                written += await out.write(chunk)
        return written

    async def aread(self) -> bytes:
        if hasattr(self.http_response, "_content"):
            return self.http_response.content
        limit = self._limits.max_response_size
        try:
            with anyio.fail_after(self._deadline.remaining()):
                return await aread_body(self.http_response, limit, self._errors)
        except TimeoutError:
            raise self._deadline.error(self.http_response.request) from None
        except httpx.HTTPError as error:
            raise self._broken(error) from error

    async def parse(self) -> T:
        await self.aread()
        return parsed(self.http_response, self._parse, self._errors, self._secrets)

    async def aclose(self) -> None:
        await self.http_response.aclose()

    async def close(self) -> None:
        """The same as `aclose()`."""
        await self.aclose()

    async def __aenter__(self) -> AsyncStreamedResponse[T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


class AsyncStreamedResponseContext(Generic[T]):
    """What `AsyncClient.with_streaming_response.<operation>(...)` returns: use it in
    `async with` (the response is closed at the end), or await it for the response."""

    __slots__ = ("_call", "_response")

    def __init__(self, call: Awaitable[AsyncStreamedResponse[T]]) -> None:
        self._call = call
        self._response: AsyncStreamedResponse[T] | None = None

    def __await__(self) -> Generator[Any, None, AsyncStreamedResponse[T]]:
        return self._call.__await__()

    async def __aenter__(self) -> AsyncStreamedResponse[T]:
        self._response = await self._call
        return self._response

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._response is not None:
            await self._response.aclose()


# --- the views behind `with_raw_response` and `with_streaming_response` -------------------------

# What a client's calls answer with: the parsed result (a plain client), or, on its views, the
# raw response or a streamed one.
PARSED: Final = "parsed"
RAW: Final = "raw"
STREAMED: Final = "streamed"


# --- parsers: turn a 2xx response into the operation's result ----------------------------------


def model_parser(model: type[M]) -> Callable[[httpx.Response], M]:
    validate = model.model_validate_json
    return lambda response: validate(response.content)


def adapter_parser(adapter: TypeAdapter[T]) -> Callable[[httpx.Response], T]:
    validate = adapter.validate_json
    return lambda response: validate(response.content)


def json_parser(response: httpx.Response) -> Any:
    return json.loads(response.content) if response.content else None


_STRING: Final = TypeAdapter(str)


def json_string_parser(response: httpx.Response) -> str:
    """A result the spec calls a JSON string. A server that answers another media type instead
    (a file's content, where a spec says `application/json: {type: string}`) gives its text."""
    essence = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if essence == "application/json" or essence.endswith("+json"):
        return _STRING.validate_json(response.content)
    return response.text


def text_parser(response: httpx.Response) -> str:
    return response.text


def bytes_parser(response: httpx.Response) -> bytes:
    return response.content


def no_content(response: httpx.Response) -> None:
    return None


def json_chunk(data: str) -> Any:
    return json.loads(data)


def parsed(
    response: httpx.Response,
    parse: Callable[[httpx.Response], T],
    errors: SpecErrors = PLAIN_ERRORS,
    secrets: tuple[str, ...] = (),
) -> T:
    """What `parse` makes of a 2xx answer; an `APIResponseValidationError` if it does not fit
    (`secrets` redacted from it, its response and the pydantic error chained under it)."""
    try:
        return parse(response)
    except (ValidationError, ValueError) as error:
        message = f"The response does not match the spec: {_summary(error)}"
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            message = (
                "The server answered with an event stream: the body asks for one (its stream"
                " flag is set?); pass stream=True to the call to read it."
            )
        cause = redacted_cause(error, secrets)
        raise errors.validation_error(message, response, secrets) from cause


def _summary(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        location = ".".join(str(part) for part in first["loc"]) or "(root)"
        return f"{error.error_count()} error(s), first at {location}: {first['msg']}"
    return str(error)


# --- request building: path, query, headers and bodies -----------------------------------------


@lru_cache(maxsize=4096)
def _quote(value: str) -> str:
    return quote(value, safe="")


def path_value(value: object, default: object = None, name: str = "") -> str:
    """A path parameter, percent-encoded; `default` is the client's value for shared ones."""
    if value is None:
        value = default
        if value is None:
            raise TypeError(f"{name} is required: pass {name}=... to the call or to the client")
    return _quote(value if type(value) is str else _plain(value))


def _is_cached(kind: type, name: str) -> bool:
    return isinstance(getattr(kind, name, None), cached_property)


def _plain(value: object) -> str:
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def add_query(
    params: list[tuple[str, Any]],
    name: str,
    value: object,
    style: str = "form",
    explode: bool = True,
) -> None:
    """Add a query parameter the way OpenAPI's `style` and `explode` say (None adds nothing)."""
    if value is None:
        return
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        items = [(str(key), item) for key, item in value.items() if item is not None]
        if style == "deepObject":
            params.extend((f"{name}[{key}]", _plain(item)) for key, item in items)
        elif explode:
            params.extend((key, _plain(item)) for key, item in items)
        else:
            params.append((name, ",".join(f"{key},{_plain(item)}" for key, item in items)))
    elif isinstance(value, list | tuple | set | frozenset):
        if explode and style == "form":
            params.extend((name, _plain(item)) for item in value)
        else:
            separator = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")
            params.append((name, separator.join(_plain(item) for item in value)))
    else:
        params.append((name, _plain(value)))


def json_text(value: object) -> str | None:
    """A parameter declared with `content: application/json`: its value as JSON text."""
    if value is None:
        return None
    return _ANY.dump_json(value, by_alias=True, exclude_unset=True).decode()


def add_header(headers: dict[str, str], name: str, value: object) -> None:
    """Add a header parameter (`simple` style; None adds nothing)."""
    if value is None:
        return
    if isinstance(value, list | tuple):
        headers[name] = ",".join(_plain(item) for item in value)
    else:
        headers[name] = _plain(value)


def add_cookie(cookies: list[str], name: str, value: object) -> None:
    if value is not None:
        cookies.append(f"{name}={_plain(value)}")


def lower_keys(headers: Mapping[str, str]) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


_ANY: Final = TypeAdapter[Any](Any)


Flag = tuple[str, str, bool]
"""A body property a call sets (a stream flag): its wire name, attribute name and value."""


def json_body(
    body: object, extra: Mapping[str, Any] | None, flag: Flag | None = None
) -> bytes | None:
    """The JSON of a request body, as the models dump it (by alias, unset fields left out,
    explicit nulls and unknown fields kept). A mapping is sent as given, in its key order.
    `flag` is a property to set (a stream flag); `extra` adds or replaces top-level
    properties."""
    if body is None and not extra and flag is None:
        return None
    if flag is not None or extra:
        if isinstance(body, BaseModel):
            if flag is not None and not extra and flag[1] in type(body).model_fields:
                return _ANY.dump_json(
                    body.model_copy(update={flag[1]: flag[2]}), by_alias=True, exclude_unset=True
                )
            data = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
        elif body is None:
            data = {}
        elif isinstance(body, Mapping):
            data = dict(body)
        else:
            raise TypeError(
                f"extra_body and streaming need an object body, not {type(body).__name__}"
            )
        if flag is not None:
            data[flag[0]] = flag[2]
        if extra:
            data.update(extra)
        body = data
    return _ANY.dump_json(body, by_alias=True, exclude_unset=True)


def _form_fields(
    body: object, extra: Mapping[str, Any] | None, flag: Flag | None, mode: str
) -> dict[str, Any]:
    if body is None:
        fields: dict[str, Any] = {}
    elif isinstance(body, BaseModel):
        fields = body.model_dump(mode=mode, by_alias=True, exclude_unset=True)
    elif isinstance(body, Mapping):
        fields = dict(body)
    else:
        raise TypeError(f"a form body is an object, not {type(body).__name__}")
    if flag is not None:
        fields[flag[0]] = flag[2]
    if extra:
        fields.update(extra)
    return fields


def _form_value(value: object) -> str | list[str]:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return [item if isinstance(item, str) else json.dumps(item) for item in value]
    if isinstance(value, dict):
        return json.dumps(value)
    return _plain(value)


def form_body(
    body: object, extra: Mapping[str, Any] | None, flag: Flag | None = None
) -> dict[str, str | list[str]]:
    """An `application/x-www-form-urlencoded` body (nulls are left out)."""
    fields = _form_fields(body, extra, flag, "json")
    return {key: _form_value(value) for key, value in fields.items() if value is not None}


def multipart_body(
    body: object,
    extra: Mapping[str, Any] | None,
    flag: Flag | None = None,
    encoding: Mapping[str, str] | None = None,
) -> tuple[dict[str, str | list[str]], list[tuple[str, Any]], list[IO[bytes]]]:
    """A `multipart/form-data` body: form fields, file parts, and the files opened for it.

    Bytes, open binary files, paths (`pathlib.Path`: opened here, streamed, closed once sent)
    and `(filename, content[, content type])` tuples become file parts, a list of them one part
    each; objects are sent as JSON text, everything else as text fields. `encoding` gives the
    media type the spec names for a field's parts (`{"sdp": "application/sdp"}`)."""
    fields = _form_fields(body, extra, flag, "python")
    data: dict[str, str | list[str]] = {}
    files: list[tuple[str, Any]] = []
    opened: list[IO[bytes]] = []
    try:
        for key, value in fields.items():
            if value is None:
                continue
            if _is_file(value):
                files.append((key, _file_part(value, opened)))
            elif isinstance(value, list) and value and all(_is_file(item) for item in value):
                files.extend((key, _file_part(item, opened)) for item in value)
            elif encoding and key in encoding:
                text = _form_value(_jsonable(value))
                for item in text if isinstance(text, list) else (text,):
                    files.append((key, (None, item.encode(), encoding[key])))
            else:
                data[key] = _form_value(_jsonable(value))
    except BaseException:
        for file in opened:
            file.close()
        raise
    return data, files, opened


def _is_file(value: object) -> bool:
    return isinstance(value, bytes | bytearray | tuple | os.PathLike) or hasattr(value, "read")


def _file_part(value: Any, opened: list[IO[bytes]]) -> Any:
    """What httpx sends as a file part; a path is opened (its name becomes the filename)."""
    if isinstance(value, os.PathLike):
        file = open(value, "rb")  # noqa: SIM115 - closed by RequestParts.close_files once sent
        opened.append(file)
        return file
    if isinstance(value, tuple) and len(value) > 1 and isinstance(value[1], os.PathLike):
        file = open(value[1], "rb")  # noqa: SIM115 - closed by RequestParts.close_files once sent
        opened.append(file)
        return (value[0], file, *value[2:])
    return value


def _jsonable(value: object) -> Any:
    return _ANY.dump_python(value, mode="json", by_alias=True, exclude_unset=True)


def text_body(body: str | None) -> bytes | None:
    return None if body is None else body.encode()


def auth_credentials(
    kind: str, token: str | None, location: str | None, name: str | None
) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """The headers and query parameters that carry `token` for a security scheme."""
    if not token:
        return {}, ()
    if kind == "basic":  # the token is "user:password"
        return {"authorization": "Basic " + base64.b64encode(token.encode()).decode()}, ()
    if kind == "api_key" and name:
        if location == "query":
            return {}, ((name, token),)
        if location == "cookie":
            return {"cookie": f"{name}={token}"}, ()
        return {name.lower(): token}, ()
    return {"authorization": f"Bearer {token}"}, ()


# --- the clients ------------------------------------------------------------------------------


class BaseClient:
    """Settings and request preparation shared by the blocking and the asyncio client."""

    _base_url: str
    _timeout: httpx.Timeout
    _retry: RetryPolicy
    _limits: Limits
    _secrets: tuple[str, ...]
    _errors: SpecErrors
    # RAW or STREAMED on the views behind with_raw_response and with_streaming_response.
    _mode: str = PARSED
    # The client's values of the path parameters every operation takes (`tenant`, say), by
    # name: a call that passes none uses these.
    _path_defaults: Mapping[str, object] = MappingProxyType({})

    def __init__(
        self,
        *,
        base_url: str,
        token: str | None,
        auth: tuple[str, str | None, str | None],
        timeout: TimeoutTypes,
        retry: RetryPolicy,
        default_headers: Mapping[str, str] | None,
        user_agent: str,
        errors: SpecErrors = PLAIN_ERRORS,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._errors = errors
        self._timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self._retry = retry
        self._limits = limits
        self._secrets = (token,) if token else ()
        auth_headers, self._auth_params = auth_credentials(auth[0], token, auth[1], auth[2])
        self._sensitive = frozenset(auth_headers)  # the headers that carry the credential
        # The encodings asked for are those the client inflates in bounded pieces (`_limits`).
        headers = {
            "accept": "application/json",
            "accept-encoding": ACCEPT_ENCODING,
            "user-agent": user_agent,
        }
        headers.update(auth_headers)
        headers.update(lower_keys(default_headers or {}))
        self._headers = headers
        self._cookie = headers.get("cookie")  # an API key in a cookie, or a default header's
        self._user_accept = "accept" in lower_keys(default_headers or {})
        # What each request passes besides the http client's own headers: everything, unless the
        # client made the http client (with `self._headers` as its headers) and only differences
        # remain. Built once per (content type, accept) pair.
        self._header_base: dict[str, str] = headers
        self._header_sets: dict[tuple[str | None, str], dict[str, str]] = {}
        self._urls: dict[str, httpx.URL] = {}  # parsed once per path

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def timeout(self) -> httpx.Timeout:
        return self._timeout

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._retry

    @property
    def max_retries(self) -> int:
        return self._retry.max_retries

    @property
    def limits(self) -> Limits:
        """The deadline, stream idle limit and size caps of every call."""
        return self._limits

    def __repr__(self) -> str:  # never the token
        return f"{type(self).__name__}(base_url={self._base_url!r})"

    def _view(self, mode: str) -> Any:
        """This client, answering with raw (`RAW`) or streamed (`STREAMED`) responses; it shares
        the connections and settings, and closing it is the client's business. Resources the
        client has loaded are not shared: the view's own are made on the view."""
        view = copy.copy(self)
        view._mode = mode
        for name in [name for name in vars(view) if _is_cached(type(view), name)]:
            del vars(view)[name]
        return view

    def _headers_for(self, content_type: str | None, accept: str) -> dict[str, str]:
        key = (content_type, accept)
        headers = self._header_sets.get(key)
        if headers is None:
            headers = dict(self._header_base)
            if not self._user_accept and accept != self._headers["accept"]:
                headers["accept"] = accept
            if content_type is not None:
                headers["content-type"] = content_type
            self._header_sets[key] = headers
        return headers

    def _url(self, path: str) -> httpx.URL:
        url = self._urls.get(path)
        if url is None:
            if len(self._urls) >= 4096:
                self._urls.clear()
            url = self._urls[path] = httpx.URL(self._base_url + path)
        return url

    def _prepare(
        self,
        http: httpx.Client | httpx.AsyncClient,
        parts: RequestParts,
        timeout: TimeoutTypes | NotGiven,
    ) -> httpx.Request:
        headers = self._headers_for(parts.content_type, parts.accept)
        if parts.headers:
            headers = {**headers, **parts.headers}
            if self._cookie and "cookie" in parts.headers:  # cookie parameters beside the client's
                headers["cookie"] = f"{self._cookie}; {parts.headers['cookie']}"
        params = parts.params
        if self._auth_params:
            params = [*self._auth_params, *(params or ())]
        try:
            return http.build_request(
                parts.method,
                self._url(parts.path),
                params=params,
                headers=headers,
                content=parts.content,
                data=parts.data,
                files=parts.files,
                timeout=self._timeout if isinstance(timeout, NotGiven) else timeout,
            )
        except (httpx.HTTPError, httpx.InvalidURL, httpx.CookieConflict) as error:
            parts.close_files()
            raise from_httpx(error, None, self._secrets) from error

    def _retry_or_raise(
        self,
        error: httpx.TransportError,
        request: httpx.Request,
        retries_taken: int,
        deadline: Deadline,
    ) -> float:
        """The wait before retrying after a transport error, or the error to raise."""
        if isinstance(error, httpx.TimeoutException) and deadline.passed(slack=0.01):
            raise deadline.error(request) from error  # the wait was cut at the deadline
        final = from_httpx(error, request, self._secrets)
        retryable = isinstance(
            error, httpx.TimeoutException | httpx.NetworkError | httpx.RemoteProtocolError
        )
        if not retryable or retries_taken >= self._retry.max_retries:
            raise final from error
        delay = self._retry.backoff(retries_taken)
        if not deadline.allows(delay):
            raise final from error
        self._log_retry(request, delay, retries_taken, type(error).__name__)
        return delay

    def _status_delay(
        self, response: httpx.Response, retries_taken: int, deadline: Deadline
    ) -> float | None:
        if retries_taken >= self._retry.max_retries:
            return None
        delay = self._retry.delay_for(response, retries_taken)
        if delay is not None and not deadline.allows(delay):
            return None  # the wait would pass the deadline: the error is the answer
        if delay is not None:
            self._log_retry(response.request, delay, retries_taken, str(response.status_code))
        return delay

    @staticmethod
    def _within(request: httpx.Request, timeouts: dict[str, Any], deadline: Deadline) -> None:
        """Cut each of httpx's waits for the next attempt to the time the deadline leaves."""
        left = deadline.remaining()
        if left is not None:
            request.extensions["timeout"] = {
                name: left if value is None else min(value, left)
                for name, value in timeouts.items()
            }

    def _log_retry(
        self, request: httpx.Request, delay: float, retries_taken: int, why: str
    ) -> None:
        if log.isEnabledFor(logging.INFO):
            log.info(
                "Retrying %s %s after %s in %.3f s (%d of %d retries left)",
                request.method,
                request.url.path,
                why,
                delay,
                self._retry.max_retries - retries_taken,
                self._retry.max_retries,
            )

    def _check_stream(self, response: httpx.Response) -> None:
        content_type = response.headers.get("content-type", "")
        if content_type and not content_type.lower().startswith("text/event-stream"):
            message = f"Asked for an event stream, got {content_type.split(';')[0]!r} instead."
            raise self._errors.validation_error(message, response)


class SyncAPIClient(BaseClient):
    """Sends requests with `httpx.Client`: retries, typed errors, parsing, streams."""

    def __init__(self, *, http_client: httpx.Client | None, **settings: Any) -> None:
        super().__init__(**settings)
        self._owns_http = http_client is None
        if http_client is None:
            http_client = httpx.Client(
                timeout=self._timeout, follow_redirects=True, headers=self._headers
            )
            bound_by_cutoffs(http_client)  # the deadline cuts every socket wait of its own
            self._header_base = {}
        self._http = http_client

    def close(self) -> None:
        """Close the connections (not those of an `http_client` you passed in: yours to close)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _send(
        self,
        parts: RequestParts,
        timeout: TimeoutTypes | NotGiven,
        stream: bool,
        deadline: Deadline,
    ) -> tuple[httpx.Response, int]:
        """The answer (its body read, within the limits, unless it is a 2xx `stream`) and the
        retries it took; an error of the package's otherwise."""
        request = self._prepare(self._http, parts, timeout)
        timeouts = dict(request.extensions.get("timeout", {}))
        limit = self._limits.max_response_size
        log_request(log, request, self._secrets, self._sensitive)
        retries_taken = 0
        try:
            while True:
                self._within(request, timeouts, deadline)
                try:
                    with cutoff(deadline.at):
                        response = self._http.send(request, stream=True)
                        delay = None
                        if not response.is_success:
                            delay = self._status_delay(response, retries_taken, deadline)
                        if delay is None and not (stream and response.is_success):
                            read_body(response, limit, deadline, self._errors)
                except httpx.TransportError as error:
                    time.sleep(self._retry_or_raise(error, request, retries_taken, deadline))
                    retries_taken += 1
                    continue
                except httpx.HTTPError as error:  # a redirect loop, a body that does not decode
                    raise from_httpx(error, request, self._secrets) from error
                log_response(log, response, self._secrets, retries_taken, self._sensitive)
                if response.is_success:
                    return response, retries_taken
                if delay is None:
                    raise self._errors.status_error(response, self._secrets)
                response.close()
                time.sleep(delay)
                retries_taken += 1
        finally:
            if parts.opened:
                parts.close_files()

    def _call(
        self,
        parts: RequestParts,
        timeout: TimeoutTypes | NotGiven,
        parse: Callable[[httpx.Response], T],
    ) -> T:
        """The parsed result; on a view, the raw or streamed response (typed by the view)."""
        deadline = Deadline(self._limits.deadline)
        if self._mode is not PARSED:
            response, retries = self._send(parts, timeout, self._mode is STREAMED, deadline)
            if self._mode is STREAMED:
                streamed = StreamedResponse(
                    response, parse, retries, self._errors, self._limits, deadline, self._secrets
                )
                return cast(T, streamed)
            return cast(T, APIResponse(response, parse, retries, self._errors, self._secrets))
        response = self._send(parts, timeout, False, deadline)[0]
        return parsed(response, parse, self._errors, self._secrets)

    def _call_stream(
        self,
        parts: RequestParts,
        timeout: TimeoutTypes | NotGiven,
        chunk: Callable[[str], T],
        terminator: str | None,
    ) -> Stream[T]:
        deadline = Deadline(self._limits.deadline)
        response, retries_taken = self._send(parts, timeout, True, deadline)
        if self._mode is RAW:  # the stream opens when the raw response is parsed

            def open_stream(response: httpx.Response) -> Stream[T]:
                return self._open_stream(response, chunk, terminator, deadline)

            raw = APIResponse(response, open_stream, retries_taken, self._errors, self._secrets)
            return cast(Stream[T], raw)
        return self._open_stream(response, chunk, terminator, deadline)

    def _open_stream(
        self,
        response: httpx.Response,
        chunk: Callable[[str], T],
        terminator: str | None,
        deadline: Deadline,
    ) -> Stream[T]:
        try:
            self._check_stream(response)
        except APIResponseValidationError:
            with contextlib.suppress(httpx.HTTPError):  # the answer is wrong already
                read_body(response, self._limits.max_response_size, deadline, self._errors)
            raise
        return Stream(
            response, chunk, terminator, self._secrets, self._errors, self._limits, deadline
        )


class AsyncAPIClient(BaseClient):
    """Sends requests with `httpx.AsyncClient`: retries, typed errors, parsing, streams."""

    def __init__(self, *, http_client: httpx.AsyncClient | None, **settings: Any) -> None:
        super().__init__(**settings)
        self._owns_http = http_client is None
        if http_client is None:
            http_client = httpx.AsyncClient(
                timeout=self._timeout, follow_redirects=True, headers=self._headers
            )
            self._header_base = {}
        self._http = http_client

    async def aclose(self) -> None:
        """Close the connections (not those of an `http_client` you passed in: yours to close)."""
        if self._owns_http:
            await self._http.aclose()

    async def close(self) -> None:
        """The same as `aclose()`."""
        await self.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _send(
        self,
        parts: RequestParts,
        timeout: TimeoutTypes | NotGiven,
        stream: bool,
        deadline: Deadline,
    ) -> tuple[httpx.Response, int]:
        """The answer (its body read, within the limits, unless it is a 2xx `stream`) and the
        retries it took; an error of the package's otherwise. The deadline cancels it."""
        request = self._prepare(self._http, parts, timeout)
        log_request(log, request, self._secrets, self._sensitive)
        try:
            with anyio.fail_after(deadline.remaining()):
                return await self._attempts(request, stream, deadline)
        except TimeoutError:
            raise deadline.error(request) from None
        finally:
            if parts.opened:
                parts.close_files()

    async def _attempts(
        self, request: httpx.Request, stream: bool, deadline: Deadline
    ) -> tuple[httpx.Response, int]:
        timeouts = dict(request.extensions.get("timeout", {}))
        limit = self._limits.max_response_size
        retries_taken = 0
        while True:
            self._within(request, timeouts, deadline)
            try:
                response = await self._http.send(request, stream=True)
                delay = None
                if not response.is_success:
                    delay = self._status_delay(response, retries_taken, deadline)
                if delay is None and not (stream and response.is_success):
                    await aread_body(response, limit, self._errors)
            except httpx.TransportError as error:
                await anyio.sleep(self._retry_or_raise(error, request, retries_taken, deadline))
                retries_taken += 1
                continue
            except httpx.HTTPError as error:  # a redirect loop, a body that does not decode
                raise from_httpx(error, request, self._secrets) from error
            log_response(log, response, self._secrets, retries_taken, self._sensitive)
            if response.is_success:
                return response, retries_taken
            if delay is None:
                raise self._errors.status_error(response, self._secrets)
            await response.aclose()
            await anyio.sleep(delay)
            retries_taken += 1

    async def _call(
        self,
        parts: RequestParts,
        timeout: TimeoutTypes | NotGiven,
        parse: Callable[[httpx.Response], T],
    ) -> T:
        """The parsed result; on a view, the raw or streamed response (typed by the view)."""
        deadline = Deadline(self._limits.deadline)
        if self._mode is not PARSED:
            response, retries = await self._send(parts, timeout, self._mode is STREAMED, deadline)
            if self._mode is STREAMED:
                streamed = AsyncStreamedResponse(
                    response, parse, retries, self._errors, self._limits, deadline, self._secrets
                )
                return cast(T, streamed)
            return cast(T, APIResponse(response, parse, retries, self._errors, self._secrets))
        response = (await self._send(parts, timeout, False, deadline))[0]
        return parsed(response, parse, self._errors, self._secrets)

    async def _call_stream(
        self,
        parts: RequestParts,
        timeout: TimeoutTypes | NotGiven,
        chunk: Callable[[str], T],
        terminator: str | None,
    ) -> AsyncStream[T]:
        deadline = Deadline(self._limits.deadline)
        response, retries_taken = await self._send(parts, timeout, True, deadline)
        stream = await self._open_stream(response, chunk, terminator, deadline)
        if self._mode is RAW:
            raw = APIResponse(
                response, lambda response: stream, retries_taken, self._errors, self._secrets
            )
            return cast(AsyncStream[T], raw)
        return stream

    async def _open_stream(
        self,
        response: httpx.Response,
        chunk: Callable[[str], T],
        terminator: str | None,
        deadline: Deadline,
    ) -> AsyncStream[T]:
        try:
            self._check_stream(response)
        except APIResponseValidationError:
            with contextlib.suppress(httpx.HTTPError, TimeoutError):  # the answer is wrong already
                with anyio.fail_after(deadline.remaining()):
                    await aread_body(response, self._limits.max_response_size, self._errors)
            raise
        return AsyncStream(
            response, chunk, terminator, self._secrets, self._errors, self._limits, deadline
        )
