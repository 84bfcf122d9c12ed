"""What bounds a call of the client besides httpx's own timeouts: a deadline for the whole call,
an idle limit for streams, and a cap on how large an answer may grow once decoded.

httpx's `timeout` bounds each wait on its own (connecting, each read, each write, getting a
pooled connection), so a server that sends a byte a second never trips it. A `Deadline` bounds
the call as a whole: every attempt, the waits between retries and the whole body (for a stream,
every event to the last). The asyncio client cancels the call when it passes; the blocking one
cuts every socket wait to the time left (`bound_by_cutoffs`, on the http client it makes itself)
and checks the clock as data arrives.

A response's body is decoded here rather than by httpx (`iter_decoded`): gzip and deflate are
inflated in pieces of at most 64 KiB however much one chunk of the wire inflates, and the total
is counted as it grows, so a 300 KB body that inflates to 300 MB is refused past
`max_response_size` with only a piece of it ever held. Other encodings (br, zstd, which the
client does not ask for) are left to httpx's decoders, the total still counted per chunk.
"""

from __future__ import annotations

import codecs
import contextvars
import time
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar

import anyio
import httpcore
import httpx

from ._exceptions import PLAIN_ERRORS, APITimeoutError, SpecErrors
from ._sse import DEFAULT_MAX_EVENT_SIZE

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "Deadline",
    "Limits",
    "LineSplitter",
    "Rechunker",
    "aiter_decoded",
    "aread_body",
    "awithin",
    "bound_by_cutoffs",
    "cutoff",
    "iter_decoded",
    "read_body",
    "text_decoder",
    "within",
]

DEFAULT_MAX_RESPONSE_SIZE: Final = 128 * 1024 * 1024
"""The most bytes an answer the client holds whole may have once decoded, by default: 128 MiB.
Larger downloads are for `with_streaming_response` (read in pieces) or a larger cap."""

ACCEPT_ENCODING: Final = "gzip, deflate"
"""The encodings the client asks for: those it inflates in bounded pieces itself."""

_PIECE = 64 * 1024  # the most bytes one inflating step gives


@dataclass(frozen=True, slots=True)
class Limits:
    """A client's bounds on each call, beside httpx's `timeout` (which bounds each wait).

    `deadline`: seconds for the whole call (every attempt, the waits between them and the whole
    body; a stream's every event), None for none. `stream_idle_timeout`: the most seconds a
    stream may go without an event (comments and keep-alives do not count), None for none.
    `max_response_size`: the most bytes an answer held whole may have once decoded (an error's
    body too), None for no cap. `max_event_size`: the most characters one event of a stream may
    have, None for no cap."""

    deadline: float | None = None
    stream_idle_timeout: float | None = None
    max_response_size: int | None = DEFAULT_MAX_RESPONSE_SIZE
    max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE


DEFAULT_LIMITS: Final = Limits()
"""No deadline, no idle limit, the default caps."""


class Deadline:
    """The moment (on the monotonic clock) by which a call must have ended; None is never."""

    __slots__ = ("at", "seconds")

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.at = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> float | None:
        """Seconds left (0 once passed), or None without a deadline."""
        return None if self.at is None else max(self.at - time.monotonic(), 0.0)

    def passed(self, slack: float = 0.0) -> bool:
        """Whether the deadline has passed (or is within `slack` seconds: a wait cut short at
        the deadline ends a moment before it)."""
        return self.at is not None and time.monotonic() >= self.at - slack

    def allows(self, seconds: float) -> bool:
        """Whether waiting `seconds` still leaves time before the deadline."""
        return self.at is None or time.monotonic() + seconds < self.at

    def error(self, request: httpx.Request | None) -> APITimeoutError:
        return APITimeoutError(
            f"The call did not end within its deadline ({self.seconds:g} s).", request=request
        )

    def check(self, request: httpx.Request | None) -> None:
        if self.passed():
            raise self.error(request)


def earliest(*moments: float | None) -> float | None:
    """The first of some moments on the monotonic clock (None: none of them)."""
    given = [moment for moment in moments if moment is not None]
    return min(given) if given else None


# --- the blocking client's socket waits ----------------------------------------------------------

_CUTOFF: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "specsmith_cutoff", default=None
)


@contextmanager
def cutoff(at: float | None) -> Iterator[None]:
    """Within the block, every socket wait of an http client that `bound_by_cutoffs` prepared
    ends by `at` (monotonic clock), whatever its own timeout; None leaves them alone."""
    token = _CUTOFF.set(at)
    try:
        yield
    finally:
        _CUTOFF.reset(token)


def _wait(timeout: float | None, expired: type[Exception]) -> float | None:
    at = _CUTOFF.get()
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise expired("the call's time is up")
    return left if timeout is None else min(timeout, left)


class _CutoffStream(httpcore.NetworkStream):
    """A connection whose every wait ends by the current cutoff."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _wait(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _wait(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        wait = _wait(timeout, httpcore.ConnectTimeout)
        return _CutoffStream(self._stream.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _CutoffBackend(httpcore.NetworkBackend):
    """Opens connections whose every wait ends by the current cutoff."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        wait = _wait(timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, wait, local_address, socket_options)
        return _CutoffStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        wait = _wait(timeout, httpcore.ConnectTimeout)
        return _CutoffStream(self._backend.connect_unix_socket(path, wait, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def bound_by_cutoffs(http: httpx.Client) -> bool:
    """Make the socket waits of an http client the client made itself end by each call's cutoff
    (`cutoff`); whether it could (httpx keeps its connection pools private: a version that
    keeps them elsewhere leaves the deadline to the checks made as data arrives)."""
    transports = [getattr(http, "_transport", None), *getattr(http, "_mounts", {}).values()]
    bound = False
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, httpcore.NetworkBackend):
            if not isinstance(backend, _CutoffBackend):
                pool._network_backend = _CutoffBackend(backend)  # type: ignore[union-attr]
            bound = True
    return bound


# --- decoding bodies in bounded pieces -----------------------------------------------------------


class _Inflater:
    """gzip or deflate, given out in pieces of at most _PIECE bytes."""

    __slots__ = ("_first", "_raw_deflate", "_zlib")

    def __init__(self, encoding: str) -> None:
        gzip = encoding in ("gzip", "x-gzip")
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS)
        self._raw_deflate = not gzip  # deflate is zlib-wrapped, or (as some servers send it) raw
        self._first = True

    def decode(self, data: bytes) -> Iterator[bytes]:
        while True:
            try:
                out = self._zlib.decompress(data, _PIECE)
            except zlib.error as error:
                if not (self._first and self._raw_deflate):
                    raise httpx.DecodingError(str(error)) from error
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                self._first = False
                continue
            self._first = False
            if out:
                yield out
            data = self._zlib.unconsumed_tail
            if not data and len(out) < _PIECE:
                return

    def flush(self) -> Iterator[bytes]:
        try:
            rest = self._zlib.flush()
        except zlib.error as error:
            raise httpx.DecodingError(str(error)) from error
        if rest:
            yield rest


class DecodedBody:
    """A response's body, decoded as its bytes arrive, counted against `limit`."""

    __slots__ = ("_chain", "_errors", "limit", "response", "size")

    def __init__(
        self, response: httpx.Response, limit: int | None, errors: SpecErrors = PLAIN_ERRORS
    ) -> None:
        self.response = response
        self.limit = limit
        self.size = 0
        self._errors = errors
        self._chain = _inflaters(response.headers)

    @property
    def raw(self) -> bool:
        """Whether this decodes the raw bytes (else httpx decodes, and this only counts)."""
        return self._chain is not None

    def pieces(self, data: bytes) -> Iterator[bytes]:
        for piece in _through(self._chain or [], data):
            self._count(piece)
            yield piece

    def whole(self, content: bytes) -> Iterator[bytes]:
        """A body httpx has decoded already (see `_already_read`), counted all at once."""
        self._count(content)
        if content:
            yield content

    def end(self) -> Iterator[bytes]:
        chain = self._chain or []
        for index, inflater in enumerate(chain):
            for piece in inflater.flush():
                for out in _through(chain[index + 1 :], piece):
                    self._count(out)
                    yield out

    def _count(self, piece: bytes) -> None:
        self.size += len(piece)
        if self.limit is not None and self.size > self.limit:
            raise self._errors.too_large(self.response, self.limit)


def _inflaters(headers: httpx.Headers) -> list[_Inflater] | None:
    """The decoders of the response's `Content-Encoding`, in the order to apply them; None when
    one is not gzip or deflate."""
    chain = []
    for encoding in reversed(headers.get_list("content-encoding", split_commas=True)):
        name = encoding.strip().lower()
        if name in ("", "identity"):
            continue
        if name not in ("gzip", "x-gzip", "deflate"):
            return None
        chain.append(_Inflater(name))
    return chain


def _through(chain: list[_Inflater], data: bytes) -> Iterator[bytes]:
    if not chain:
        if data:
            yield data
        return
    for piece in chain[0].decode(data):
        yield from _through(chain[1:], piece)


def _already_read(response: httpx.Response) -> bytes | None:
    """The body of a response httpx read as it made it (one made in memory, as a mock
    transport's is: its bytes can no longer be streamed), else None."""
    try:
        return response.content
    except httpx.ResponseNotRead:
        return None


def iter_decoded(
    response: httpx.Response,
    limit: int | None,
    deadline: Deadline | None = None,
    errors: SpecErrors = PLAIN_ERRORS,
) -> Iterator[bytes]:
    """The decoded body of a response (streamed and unread, or read when made) in pieces; past
    `limit` bytes a `ResponseTooLargeError`, past the deadline an `APITimeoutError` (checked as
    data arrives)."""
    body = DecodedBody(response, limit, errors)
    content = _already_read(response)
    if content is not None:
        yield from body.whole(content)
        return
    source = response.iter_raw() if body.raw else response.iter_bytes()
    for chunk in source:
        if deadline is not None:
            deadline.check(response.request)
        yield from body.pieces(chunk)
    yield from body.end()


async def aiter_decoded(
    response: httpx.Response, limit: int | None, errors: SpecErrors = PLAIN_ERRORS
) -> AsyncIterator[bytes]:
    """`iter_decoded` for the asyncio client (whose deadline cancels the call)."""
    body = DecodedBody(response, limit, errors)
    content = _already_read(response)
    if content is not None:
        for piece in body.whole(content):
            yield piece
        return
    source = response.aiter_raw() if body.raw else response.aiter_bytes()
    async for chunk in source:
        for piece in body.pieces(chunk):
            yield piece
    for piece in body.end():
        yield piece


def read_body(
    response: httpx.Response,
    limit: int | None,
    deadline: Deadline | None = None,
    errors: SpecErrors = PLAIN_ERRORS,
) -> bytes:
    """Read a streamed response whole, within `limit` and the deadline, as `response.read()`
    would (its `content` is the decoded body); the connection is released either way."""
    try:
        with cutoff(deadline.at if deadline is not None else None):
            content = b"".join(iter_decoded(response, limit, deadline, errors))
    finally:
        response.close()
    response._content = content  # what httpx's own `read()` fills in
    return content


async def aread_body(
    response: httpx.Response, limit: int | None, errors: SpecErrors = PLAIN_ERRORS
) -> bytes:
    """`read_body` for the asyncio client."""
    try:
        content = b"".join([piece async for piece in aiter_decoded(response, limit, errors)])
    finally:
        await response.aclose()
    response._content = content
    return content


# --- text and lines of a streamed body -----------------------------------------------------------

S = TypeVar("S", str, bytes)
T = TypeVar("T")


class Rechunker(Generic[S]):
    """Pieces in, chunks of exactly `size` out (but for the last); pieces as they come when
    `size` is None. Linear however small the size."""

    __slots__ = ("_held", "size")

    def __init__(self, size: int | None) -> None:
        self.size = size
        self._held: S | None = None

    def feed(self, piece: S) -> list[S]:
        if not self.size:
            return [piece] if piece else []
        buffer = piece if self._held is None else self._held + piece
        chunks = [buffer[start : start + self.size] for start in range(0, len(buffer), self.size)]
        self._held = chunks.pop() if chunks and len(chunks[-1]) < self.size else None
        return chunks

    def end(self) -> list[S]:
        held, self._held = self._held, None
        return [held] if held else []


_END: Any = object()


def within(pieces: Iterator[T], deadline: Deadline) -> Iterator[T]:
    """The pieces of a blocking response, each waited for no later than the deadline."""
    while True:
        with cutoff(deadline.at):
            piece = next(pieces, _END)
        if piece is _END:
            return
        yield piece


async def awithin(
    pieces: AsyncIterator[T], deadline: Deadline, request: httpx.Request
) -> AsyncIterator[T]:
    """The pieces of an asyncio response, each waited for no later than the deadline."""
    while True:
        try:
            with anyio.fail_after(deadline.remaining()):
                piece = await anext(pieces, _END)
        except TimeoutError:
            raise deadline.error(request) from None
        if piece is _END:
            return
        yield piece


def text_decoder(response: httpx.Response) -> codecs.IncrementalDecoder:
    """A decoder of the response's charset (UTF-8 when it names none, or one Python lacks)."""
    try:
        return codecs.getincrementaldecoder(response.encoding or "utf-8")(errors="replace")
    except LookupError:
        return codecs.getincrementaldecoder("utf-8")(errors="replace")


class LineSplitter:
    """Text in, complete lines out, as `str.splitlines` cuts them (a CR at the end of one piece
    and an LF at the start of the next are one line end); linear however long a line is."""

    __slots__ = ("_held", "_trailing_cr")

    _ENDS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

    def __init__(self) -> None:
        self._held: list[str] = []
        self._trailing_cr = False

    def feed(self, text: str) -> list[str]:
        if self._trailing_cr:
            text = "\r" + text
            self._trailing_cr = False
        if text.endswith("\r"):
            self._trailing_cr = True
            text = text[:-1]
        if not text:
            return []
        ended = text[-1] in self._ENDS
        lines = text.splitlines()
        if len(lines) == 1 and not ended:
            self._held.append(lines[0])
            return []
        if self._held:
            lines[0] = "".join(self._held) + lines[0]
            self._held = []
        if not ended:
            self._held = [lines.pop()]
        return lines

    def end(self) -> list[str]:
        rest = "".join(self._held)
        self._held = []
        self._trailing_cr = False
        return [rest] if rest else []
