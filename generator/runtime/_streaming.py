"""Typed event streams: `Stream` (blocking) and `AsyncStream` (asyncio) over an SSE response.

A stream yields one parsed item per `data` payload and ends cleanly only at its terminator
(`[DONE]` for OpenAI-style APIs). An error payload (`{"error": ...}`, or `event: error`) raises
`APIStreamError`; a connection that ends or breaks before the terminator raises
`IncompleteStreamError`, so a cut stream never looks like a finished one. The connection is
released when the stream ends, fails, or is closed (use it as a context manager when you may
stop early).

Bounds (`Limits`): an event longer than `max_event_size` raises `EventTooLargeError`; a stream
that sends no event for `stream_idle_timeout` seconds (comments do not count) or runs past the
call's deadline raises `APITimeoutError`. The body is inflated in bounded pieces (`_limits`).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator
from types import TracebackType
from typing import Generic, TypeVar

import anyio
import httpx
from pydantic import ValidationError
from typing_extensions import Self

from ._exceptions import (
    PLAIN_ERRORS,
    APIError,
    APITimeoutError,
    IncompleteStreamError,
    SpecErrors,
    from_httpx,
    redacted_cause,
)
from ._limits import (
    DEFAULT_LIMITS,
    Deadline,
    Limits,
    aiter_decoded,
    cutoff,
    earliest,
    iter_decoded,
)
from ._sse import EventTooLarge, ServerSentEvent, SSEDecoder

__all__ = ["AsyncStream", "Stream"]

T = TypeVar("T")


class _Events(Generic[T]):
    """What both streams share: turning one event into an item, an error, or the end."""

    response: httpx.Response
    finished: bool

    def __init__(
        self,
        response: httpx.Response,
        parse: Callable[[str], T],
        terminator: str | None,
        secrets: tuple[str, ...] = (),
        errors: SpecErrors = PLAIN_ERRORS,
        limits: Limits = DEFAULT_LIMITS,
        deadline: Deadline | None = None,
    ) -> None:
        self.response = response
        self.finished = False  # True once the terminator (or, without one, the end) arrived
        self._parse = parse
        self._terminator = terminator
        self._secrets = secrets
        self._errors = errors
        self._limits = limits
        self._deadline = deadline or Deadline(None)
        self._quiet_since = time.monotonic()  # when the last event with data came

    def _decoder(self) -> SSEDecoder:
        return SSEDecoder(self._limits.max_event_size)

    def _next_wait_ends(self) -> float | None:
        """When waiting for the next piece must stop: the deadline, or the idle limit."""
        idle = self._limits.stream_idle_timeout
        return earliest(self._deadline.at, None if idle is None else self._quiet_since + idle)

    def _events(self, decoder: SSEDecoder, piece: bytes) -> list[ServerSentEvent]:
        try:
            events = decoder.feed(piece)
        except EventTooLarge as error:
            raise self._errors.too_large(self.response, error.limit, event=True) from None
        if any(event.data for event in events):
            self._quiet_since = time.monotonic()
        else:
            self._check_time()
        return events

    def _check_time(self, slack: float = 0.0) -> None:
        """Raise when the deadline or the idle limit has passed (or is within `slack` seconds:
        a wait cut at that moment)."""
        ends = self._next_wait_ends()
        if ends is not None and time.monotonic() >= ends - slack:
            raise self._time_up()

    def _time_up(self) -> APITimeoutError:
        """The error of a stream whose deadline or idle limit (the earlier) has passed."""
        idle = self._limits.stream_idle_timeout
        idle_ends = None if idle is None else self._quiet_since + idle
        deadline = self._deadline.at
        if deadline is not None and (idle_ends is None or deadline <= idle_ends):
            return self._deadline.error(self.response.request)
        return APITimeoutError(
            f"The stream sent no event for {idle:g} s (its stream_idle_timeout).",
            request=self.response.request,
        )

    @property
    def request_id(self) -> str | None:
        return self._errors.request_id(self.response.headers)

    def _is_end(self, event: ServerSentEvent) -> bool:
        if event.data == self._terminator:
            self.finished = True
            return True
        return False

    def _item(self, event: ServerSentEvent) -> T:
        data = event.data
        if event.event == "error" or ('"error"' in data and _has_error(data)):
            raise self._errors.stream_error(
                _decode(data), data, event.event, self.response, self._secrets
            )
        try:
            return self._parse(data)
        except (ValidationError, ValueError) as error:
            message = f"A stream event does not match the spec: {_summary(error)}"
            cause = redacted_cause(error, self._secrets)
            raise self._errors.validation_error(message, self.response, self._secrets) from cause

    def _after_end_of_input(self, pending: ServerSentEvent | None) -> None:
        """The connection ended: fine after the terminator (or without one), an error otherwise."""
        if self._terminator is None or (pending is not None and self._is_end(pending)):
            self.finished = True
            return
        raise IncompleteStreamError(request=self.response.request, request_id=self.request_id)

    def _broken(self, error: httpx.HTTPError) -> APIError:
        if isinstance(error, httpx.TimeoutException):
            self._check_time(slack=0.01)  # the wait was cut at the deadline or idle limit
            return APITimeoutError(
                "The stream timed out before its end.", request=self.response.request
            )
        if not isinstance(error, httpx.TransportError):
            return from_httpx(error, self.response.request, self._secrets)
        return IncompleteStreamError(
            f"The stream broke before its terminator ({type(error).__name__}):"
            " the answer is incomplete.",
            request=self.response.request,
            request_id=self.request_id,
        )


class Stream(_Events[T]):
    """The items of one streamed answer: iterate it, and close it (or use `with`) when done."""

    def __init__(
        self,
        response: httpx.Response,
        parse: Callable[[str], T],
        terminator: str | None,
        secrets: tuple[str, ...] = (),
        errors: SpecErrors = PLAIN_ERRORS,
        limits: Limits = DEFAULT_LIMITS,
        deadline: Deadline | None = None,
    ) -> None:
        super().__init__(response, parse, terminator, secrets, errors, limits, deadline)
        self._iterator = self._items()

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        return next(self._iterator)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the connection; further iteration ends at once."""
        self._iterator.close()
        self.response.close()

    def _items(self) -> Generator[T, None, None]:
        decoder = self._decoder()
        try:
            try:
                pieces = iter_decoded(self.response, None, None, self._errors)
                while True:
                    with cutoff(self._next_wait_ends()):
                        piece = next(pieces, None)
                    if piece is None:
                        break
                    for event in self._events(decoder, piece):
                        if self._is_end(event):
                            return
                        if event.data:
                            yield self._item(event)
                events, pending = decoder.end()
            except httpx.HTTPError as error:
                raise self._broken(error) from error
            for event in events:
                if self._is_end(event):
                    return
                if event.data:
                    yield self._item(event)
            self._after_end_of_input(pending)
        finally:
            self.response.close()


class AsyncStream(_Events[T]):
    """The items of one streamed answer: `async for` it, and `aclose()` it (or `async with`)."""

    def __init__(
        self,
        response: httpx.Response,
        parse: Callable[[str], T],
        terminator: str | None,
        secrets: tuple[str, ...] = (),
        errors: SpecErrors = PLAIN_ERRORS,
        limits: Limits = DEFAULT_LIMITS,
        deadline: Deadline | None = None,
    ) -> None:
        super().__init__(response, parse, terminator, secrets, errors, limits, deadline)
        self._iterator = self._items()

    def __aiter__(self) -> AsyncIterator[T]:
        return self

    async def __anext__(self) -> T:
        return await self._iterator.__anext__()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Release the connection; further iteration ends at once."""
        await self._iterator.aclose()
        await self.response.aclose()

    async def _next_piece(self, pieces: AsyncIterator[bytes]) -> bytes | None:
        """The next decoded piece (None at the end), cancelled at the deadline or idle limit."""
        ends = self._next_wait_ends()
        if ends is None:
            return await anext(pieces, None)
        try:
            with anyio.fail_after(max(ends - time.monotonic(), 0.0)):
                return await anext(pieces, None)
        except TimeoutError:
            raise self._time_up() from None

    async def _items(self) -> AsyncGenerator[T, None]:
        decoder = self._decoder()
        try:
            try:
                pieces = aiter_decoded(self.response, None, self._errors)
                while True:
                    piece = await self._next_piece(pieces)
                    if piece is None:
                        break
                    for event in self._events(decoder, piece):
                        if self._is_end(event):
                            return
                        if event.data:
                            yield self._item(event)
                events, pending = decoder.end()
            except httpx.HTTPError as error:
                raise self._broken(error) from error
            for event in events:
                if self._is_end(event):
                    return
                if event.data:
                    yield self._item(event)
            self._after_end_of_input(pending)
        finally:
            await self.response.aclose()


def _has_error(data: str) -> bool:
    """Whether a payload is an error object: `{"error": <anything truthy>}`."""
    payload = _decode(data)
    return isinstance(payload, dict) and bool(payload.get("error"))


def _decode(data: str) -> object:
    try:
        return json.loads(data)
    except ValueError:
        return data


def _summary(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        location = ".".join(str(part) for part in first["loc"]) or "(root)"
        return f"{error.error_count()} error(s), first at {location}: {first['msg']}"
    return str(error)
