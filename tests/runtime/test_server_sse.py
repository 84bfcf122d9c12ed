"""The SSE writer (generator/runtime/_server_sse.py): a handler's chunks as `text/event-stream`,
the terminator after the last, errors before the first chunk as error responses and after it as
one last error event, and a client that goes away cancelling the handler's iterator."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message

from generator.runtime._server_runtime import HandlerError, build_app
from generator.runtime._server_sse import EventStreamResponse
from tests.runtime.test_server_runtime import ErrorResponse


class Chunk(BaseModel):
    n: int


def dump(chunk: Any) -> bytes:
    return Chunk.model_validate(chunk).model_dump_json().encode()


def app_streaming(
    chunks: Callable[[], AsyncIterator[Any]], terminator: str | None = "[DONE]", **settings: Any
) -> Any:
    async def endpoint(request: Request) -> Response:
        return EventStreamResponse(
            chunks(), dump=dump, terminator=terminator, operation="stream_things"
        )

    return build_app([("/events", {"GET": endpoint})], title="T", version="1", **settings)


def events(app: Any) -> httpx.Response:
    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await http.get("/events", headers={"x-request-id": "req-sse"})

    return asyncio.run(run())


async def three() -> AsyncIterator[Any]:
    for n in range(3):
        yield {"n": n}


def test_chunks_then_the_terminator() -> None:
    answer = events(app_streaming(three))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/event-stream")
    assert answer.headers["cache-control"] == "no-cache"
    assert answer.headers["x-request-id"] == "req-sse"
    assert answer.text == 'data: {"n":0}\n\ndata: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n'


def test_without_a_terminator_the_stream_just_ends() -> None:
    assert events(app_streaming(three, terminator=None)).text.endswith('data: {"n":2}\n\n')


async def refused_at_once() -> AsyncIterator[Any]:
    raise HandlerError(429, "Slow down.", headers={"Retry-After": "2"})
    yield  # an async generator, as handlers write them


async def crashing_at_once() -> AsyncIterator[Any]:
    raise RuntimeError("the secret detail of a broken stream")
    yield


def test_an_error_before_the_first_chunk_is_an_error_response() -> None:
    refused = events(app_streaming(refused_at_once))
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "2")
    assert refused.json()["error"]["type"] == "rate_limit_error"
    crashed = events(app_streaming(crashing_at_once))
    assert crashed.status_code == 500
    assert "secret detail" not in crashed.text
    assert crashed.headers["x-request-id"] == "req-sse"


async def refused_midway() -> AsyncIterator[Any]:
    yield {"n": 0}
    raise HandlerError(400, "Too long.", code="context_length_exceeded")


async def crashing_midway() -> AsyncIterator[Any]:
    yield {"n": 0}
    raise RuntimeError("the secret detail of a broken stream")


async def yielding_garbage() -> AsyncIterator[Any]:
    yield {"n": "not a number"}


def last_event(answer: httpx.Response) -> Any:
    frames = answer.text.split("\n\n")
    assert frames[-1] == "" and frames[-2] != "data: [DONE]"  # no terminator after an error
    return json.loads(frames[-2].removeprefix("data: "))


def test_an_error_after_the_first_chunk_is_the_last_event(caplog: pytest.LogCaptureFixture) -> None:
    refused = events(app_streaming(refused_midway))
    assert refused.status_code == 200
    assert refused.text.startswith('data: {"n":0}\n\n')
    assert last_event(refused)["error"]["code"] == "context_length_exceeded"
    with caplog.at_level(logging.ERROR, logger="generator.runtime.server"):
        crashed = events(app_streaming(crashing_midway))
    assert last_event(crashed)["error"]["type"] == "server_error"
    assert "secret detail" not in crashed.text
    [record] = [r for r in caplog.records if r.name == "generator.runtime.server"]
    assert record.getMessage() == "stream_things failed (request id req-sse)"
    assert "secret detail" in caplog.text


def test_a_chunk_that_cannot_be_dumped_is_a_failure() -> None:
    assert events(app_streaming(yielding_garbage)).status_code == 500


def test_error_events_are_written_through_the_apps_error_model() -> None:
    plain = events(app_streaming(refused_midway)).text.split("\n\n")[-2]
    typed = events(app_streaming(refused_midway, error_model=ErrorResponse)).text.split("\n\n")[-2]
    assert json.loads(plain.removeprefix("data: ")) == json.loads(typed.removeprefix("data: "))
    assert '{"error": {' in plain and '{"error":{' in typed


def test_a_client_that_goes_away_cancels_the_handlers_iterator() -> None:
    """Driven as a server drives it: after the first event the client disconnects, while the
    handler waits for its next chunk; the response returns and the iterator's `finally` runs."""
    closed = asyncio.Event()

    async def waiting() -> AsyncIterator[Any]:
        try:
            yield {"n": 0}
            await asyncio.Event().wait()  # a chunk that never comes
            yield {"n": 1}
        finally:
            closed.set()

    async def run() -> list[Message]:
        sent: list[Message] = []
        first_event = asyncio.Event()

        async def receive() -> Message:
            if not sent:
                return {"type": "http.request", "body": b"", "more_body": False}
            await first_event.wait()
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            sent.append(message)
            if message.get("body"):
                first_event.set()

        response = EventStreamResponse(waiting(), dump=dump, terminator="[DONE]", operation="op")
        scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
        await asyncio.wait_for(response(scope, receive, send), timeout=10)
        return sent

    sent = asyncio.run(run())
    assert closed.is_set()
    bodies = [
        message.get("body", b"") for message in sent if message["type"] == "http.response.body"
    ]
    assert bodies == [b'data: {"n":0}\n\n']
