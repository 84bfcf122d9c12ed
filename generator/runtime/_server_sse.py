"""Server-sent events: an operation's stream of chunks as `text/event-stream`.

One `data: <json>` event per chunk, sent as soon as the handler yields it, then
`data: <terminator>` when the spec names one. A client that goes away cancels the handler's
iterator (its `finally` blocks run). An error before the first chunk is an ordinary error
response with its own status; an error after it becomes one last event,
`data: {"error": {...}}`, and the stream ends cleanly (no terminator: the answer is incomplete).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ._server_runtime import (
    FAILURE_MESSAGE,
    ErrorFormat,
    HandlerError,
    error_format_of,
    internal_error,
    request_id_of,
)

# The server's logger (`<package>.server`), made here so that linters see it is one.
logger = logging.getLogger(__name__.rpartition(".")[0] + ".server")

_END = object()


class EventStreamResponse(Response):
    """The chunks of `chunks`, each dumped to JSON by `dump`, as server-sent events; errors are
    logged under `operation`'s name."""

    media_type = "text/event-stream"

    def __init__(
        self,
        chunks: AsyncIterator[Any],
        *,
        dump: Callable[[Any], bytes],
        terminator: str | None,
        operation: str,
        status_code: int = 200,
    ) -> None:
        self.chunks = chunks
        self.dump = dump
        self.terminator = terminator
        self.operation = operation
        self.status_code = status_code
        self.background = None
        self.init_headers({"cache-control": "no-cache", "x-accel-buffering": "no"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            async with anyio.create_task_group() as group:

                async def watch_for_disconnect() -> None:
                    while (await receive())["type"] != "http.disconnect":
                        pass
                    group.cancel_scope.cancel()

                group.start_soon(watch_for_disconnect)
                await self._send_events(scope, receive, send)
                group.cancel_scope.cancel()
        finally:
            aclose = getattr(self.chunks, "aclose", None)
            if aclose is not None:
                with anyio.CancelScope(shield=True):
                    await aclose()

    async def _send_events(self, scope: Scope, receive: Receive, send: Send) -> None:
        errors = error_format_of(scope)
        try:
            frame = self._frame(await anext(self.chunks, _END))
        except HandlerError as error:  # nothing sent yet: a plain error response with its status
            await errors.response(error)(scope, receive, send)
            return
        except Exception:
            logger.exception(FAILURE_MESSAGE, self.operation, request_id_of(scope))
            await errors.response(internal_error())(scope, receive, send)
            return
        try:
            start = {"type": "http.response.start", "status": self.status_code}
            await send({**start, "headers": self.raw_headers})
            failed = False
            while frame is not None and not failed:
                await send({"type": "http.response.body", "body": frame, "more_body": True})
                frame, failed = await self._next_frame(errors, scope)
            if frame is not None:  # the error event: the last, and no terminator after it
                await send({"type": "http.response.body", "body": frame, "more_body": True})
            elif self.terminator is not None:
                body = b"data: " + self.terminator.encode() + b"\n\n"
                await send({"type": "http.response.body", "body": body, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:  # the client went away while we were writing
            return

    async def _next_frame(self, errors: ErrorFormat, scope: Scope) -> tuple[bytes | None, bool]:
        """The next chunk's frame (None after the last), or the error event of a failure and
        True."""
        try:
            return self._frame(await anext(self.chunks, _END)), False
        except HandlerError as error:
            payload = error.payload()
        except Exception:
            logger.exception(FAILURE_MESSAGE, self.operation, request_id_of(scope))
            payload = internal_error().payload()
        return b"data: " + errors.encode(payload) + b"\n\n", True

    def _frame(self, chunk: Any) -> bytes | None:
        return None if chunk is _END else b"data: " + self.dump(chunk) + b"\n\n"
