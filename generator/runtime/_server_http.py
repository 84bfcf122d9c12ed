"""The HTTP server under the app: uvicorn, with the limits a server that faces clients needs, and
its own refusals in the spec's error shape.

Left to itself, uvicorn keeps a connection whose request head never ends (a slowloris: a header
byte a second) and a connection that sends nothing at all open forever, and answers what it
refuses itself (a malformed request, a head too large, too many connections) in plain text,
without an `x-request-id`. `serve` runs uvicorn with `ServerLimits`, on `LimitedH11Protocol`
(uvicorn's h11 protocol) which adds what uvicorn lacks:

- a request's head (its request line and headers) must arrive within `head_timeout` seconds of
  its first byte, a new connection must start one within as long, else it is closed (with a 408
  when part of a head came);
- a malformed request is a 400, a head larger than `max_head_size` a 431 (h11 checks the size
  only of a head that arrives in pieces), and past `concurrency`
  connections or requests a 503 (with `Retry-After`), each with the app's error body and an
  `x-request-id`, and the connection closed.

A request body that stops arriving is the app's to time out (`body_timeout` of `create_app`).
What this cannot bound is left to what a deployment puts in front (the README says what).
"""

from __future__ import annotations

import asyncio
import functools
import http
from dataclasses import dataclass
from typing import Any

import h11
import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from ._server_runtime import PLAIN_ERRORS, ErrorFormat, HandlerError, new_request_id

__all__ = ["LimitedH11Protocol", "ServerLimits", "serve", "uvicorn_settings"]


@dataclass(frozen=True, slots=True)
class ServerLimits:
    """What the server allows each connection, besides what the app allows each body.

    `head_timeout`: seconds a request's head may take from its first byte (and a new connection
    may wait before sending one). `keep_alive_timeout`: seconds an idle connection is kept open
    between requests. `concurrency`: connections and requests at once, per worker, past which
    requests are answered 503 (None: no limit). `max_head_size`: bytes of a request's head.
    `graceful_shutdown_timeout`: seconds requests in flight get to finish on shutdown.
    `backlog`: connections the OS may queue before the server accepts them."""

    head_timeout: float = 10.0
    keep_alive_timeout: int = 5
    concurrency: int | None = 1000
    max_head_size: int = 32 * 1024
    graceful_shutdown_timeout: int = 30
    backlog: int = 2048


DEFAULT_SERVER_LIMITS = ServerLimits()


class LimitedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a timeout on request heads, and its refusals (400, 408, 431,
    503) in the app's error shape with an `x-request-id`."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
        *,
        limits: ServerLimits = DEFAULT_SERVER_LIMITS,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limits = limits
        self._head_timer: asyncio.TimerHandle | None = None
        self._errors = error_format_in(self.app)
        # uvicorn's own concurrency check answers in plain text: the app below answers instead.
        self.limit_concurrency = None
        if limits.concurrency is not None:
            self.app = self._limited(self.app, limits.concurrency)

    # --- the head timeout ----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()  # a connection that never sends a byte is closed too

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE and self._head_too_large(data):
            size = self.limits.max_head_size
            self._refuse(431, f"The request's headers are larger than {size} bytes.")
            return
        super().data_received(data)
        self._watch_head()

    def _head_too_large(self, data: bytes) -> bool:
        """Whether the head being received passes `max_head_size` (h11 checks only a head that
        arrives in pieces: one that comes whole in one read, however large, it takes)."""
        buffered = self.conn.trailing_data[0]  # the start of this head, if it came in pieces
        head = buffered + data if buffered else data
        limit = self.limits.max_head_size
        if len(head) <= limit:
            return False
        return head.find(b"\r\n\r\n", 0, limit + 4) < 0

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.conn.trailing_data[0]:  # a pipelined request has started its head
            self._watch_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def _watch_head(self) -> None:
        """Time the head while it is incomplete (from its first byte); stop once it is whole."""
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            if self._head_timer is None:
                self._arm_head_timer()
        else:
            self._cancel_head_timer()

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(self.limits.head_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.conn.trailing_data[0]:
            seconds = f"{self.limits.head_timeout:g}"
            self._refuse(408, f"The request's headers did not arrive within {seconds} s.")
        else:
            self.transport.close()  # nothing was asked: nothing to answer

    # --- refusals in the spec's shape ----------------------------------------------------------

    def send_400_response(self, msg: str) -> None:
        """What h11 cannot read: a head too large (431), or anything else malformed (400)."""
        if self.cycle is not None and self.cycle.response_started:
            self.transport.close()  # answered already (a body refused mid-way): nothing to add
            return
        if len(self.conn.trailing_data[0]) > self.limits.max_head_size:
            size = self.limits.max_head_size
            self._refuse(431, f"The request's headers are larger than {size} bytes.")
        else:
            self._refuse(400, "The request is not valid HTTP/1.1.")

    def _refuse(self, status: int, message: str) -> None:
        body, headers = refusal(self._errors, status, message)
        reason = http.HTTPStatus(status).phrase
        head = f"HTTP/1.1 {status} {reason}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\n"
        self.transport.write(head.encode("latin-1") + body)
        self.transport.close()

    def _limited(self, app: Any, limit: int) -> Any:
        """`app`, answering 503 while more than `limit` connections or requests are open."""
        connections, tasks, errors = self.connections, self.tasks, self._errors

        async def limited(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http" and (len(connections) > limit or len(tasks) > limit):
                self.logger.warning("Exceeded concurrency limit.")
                message = "The server is busy; try again in a moment."
                body, headers = refusal(errors, 503, message, retry_after=1)
                encoded = [(name.encode(), value.encode()) for name, value in headers]
                await send({"type": "http.response.start", "status": 503, "headers": encoded})
                await send({"type": "http.response.body", "body": body})
                return
            await app(scope, receive, send)

        return limited


def refusal(
    errors: ErrorFormat, status: int, message: str, retry_after: int | None = None
) -> tuple[bytes, list[tuple[str, str]]]:
    """The body and headers of a refusal the server makes below the app."""
    body = errors.encode(HandlerError(status, message).payload())
    headers = [
        ("content-type", "application/json"),
        ("content-length", str(len(body))),
        ("connection", "close"),
        ("x-request-id", new_request_id()),
    ]
    if retry_after is not None:
        headers.append(("retry-after", str(retry_after)))
    return body, headers


def error_format_in(app: Any) -> ErrorFormat:
    """The error format of our app, inside the middleware uvicorn wraps it in (plain JSON for
    an app of another making)."""
    for _ in range(16):
        found = getattr(getattr(app, "state", None), "error_format", None)
        if isinstance(found, ErrorFormat):
            return found
        app = getattr(app, "app", None)
        if app is None:
            break
    return PLAIN_ERRORS


def uvicorn_settings(limits: ServerLimits = DEFAULT_SERVER_LIMITS) -> dict[str, Any]:
    """What `uvicorn.run` (or `uvicorn.Config`) is given for `limits`."""
    return {
        "http": functools.partial(LimitedH11Protocol, limits=limits),  # makes the protocol
        "timeout_keep_alive": limits.keep_alive_timeout,
        "timeout_graceful_shutdown": limits.graceful_shutdown_timeout,
        "h11_max_incomplete_event_size": limits.max_head_size,
        "backlog": limits.backlog,
    }


def serve(
    app: ASGIApp | str,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    limits: ServerLimits = DEFAULT_SERVER_LIMITS,
    workers: int = 1,
    factory: bool = False,
    log_level: str = "info",
) -> None:
    """Serve `app` with uvicorn within `limits`, on `workers` processes (several need the app
    as an import string, `module:attribute`, of an app or, with `factory`, of a function that
    makes one in each worker)."""
    uvicorn.run(
        app,
        host=host,
        port=port,
        workers=workers,
        factory=factory,
        log_level=log_level,
        **uvicorn_settings(limits),
    )
