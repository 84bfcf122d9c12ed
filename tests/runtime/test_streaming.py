"""Typed event streams (generator/runtime/_streaming.py) over real HTTP responses from the fault
server on 127.0.0.1: the terminator ends a stream, a stream cut before it raises, error events
raise, and the connection is released however the stream ends. Blocking and asyncio alike."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from generator.runtime._exceptions import (
    APIResponseValidationError,
    APIStreamError,
    APITimeoutError,
    IncompleteStreamError,
    SpecErrors,
)
from generator.runtime._streaming import AsyncStream, Stream
from tests.fault_server import STREAM_CHUNKS, FaultServer

MODES = ["sync", "async"]
ERRORS = SpecErrors(request_id_headers=("x-request-id",))


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


def url(server: FaultServer, scenario: str) -> str:
    return f"{server.url}/tenant/{scenario}/release/{uuid.uuid4().hex[:12]}/x"


def collect(
    mode: str,
    address: str,
    terminator: str | None = "[DONE]",
    parse: Callable[[str], Any] = json.loads,
    into: list[Any] | None = None,
    timeout: float = 5.0,
) -> tuple[list[Any], bool, str | None]:
    """Read a stream to its end: its items (also into `into` as they come, kept when it raises),
    whether it finished, and its request id."""
    items = [] if into is None else into
    if mode == "sync":
        with httpx.Client(timeout=timeout) as http:
            response = http.send(http.build_request("GET", address), stream=True)
            with Stream(response, parse, terminator, errors=ERRORS) as stream:
                items.extend(stream)
            assert response.is_closed
            return items, stream.finished, stream.request_id

    async def run() -> tuple[list[Any], bool, str | None]:
        async with httpx.AsyncClient(timeout=timeout) as http:
            response = await http.send(http.build_request("GET", address), stream=True)
            async with AsyncStream(response, parse, terminator, errors=ERRORS) as stream:
                async for item in stream:
                    items.append(item)
            assert response.is_closed
            return items, stream.finished, stream.request_id

    return asyncio.run(run())


@pytest.mark.parametrize("mode", MODES)
def test_a_stream_ends_at_its_terminator(server: FaultServer, mode: str) -> None:
    # Keep-alives, a line split across writes, multi-line data, CRLF, a UTF-8 character cut in
    # two, an event with empty data (skipped), and the terminator's LF in a chunk of its own.
    items, finished, request_id = collect(mode, url(server, "stream"))
    assert items == STREAM_CHUNKS
    assert finished
    assert request_id is not None and request_id.endswith("-1")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("scenario", ["stream-cut", "stream-cut-eof"])
def test_a_stream_cut_before_its_terminator_raises(
    server: FaultServer, mode: str, scenario: str
) -> None:
    seen: list[Any] = []
    with pytest.raises(IncompleteStreamError, match="the answer is incomplete") as raised:
        collect(mode, url(server, scenario), into=seen)
    assert seen == STREAM_CHUNKS[:2]  # what came before the cut was delivered
    assert raised.value.request_id is not None


@pytest.mark.parametrize("mode", MODES)
def test_without_a_terminator_a_stream_ends_with_its_connection(
    server: FaultServer, mode: str
) -> None:
    items, finished, _ = collect(mode, url(server, "stream-cut-eof"), terminator=None)
    assert items == STREAM_CHUNKS[:2]
    assert finished


@pytest.mark.parametrize("mode", MODES)
def test_a_terminator_without_its_blank_line_still_ends_the_stream(
    server: FaultServer, mode: str
) -> None:
    items, finished, _ = collect(mode, url(server, "stream-done-unterminated"))
    assert items == STREAM_CHUNKS[:2]
    assert finished


@pytest.mark.parametrize("mode", MODES)
def test_an_error_payload_mid_stream_raises(server: FaultServer, mode: str) -> None:
    seen: list[Any] = []
    with pytest.raises(APIStreamError, match="Error in the stream - the model crashed") as raised:
        collect(mode, url(server, "stream-error"), into=seen)
    assert seen == STREAM_CHUNKS[:1]
    assert raised.value.event == "message"
    assert raised.value.data == {
        "error": {
            "message": "the model crashed",
            "type": "server_error",
            "param": None,
            "code": None,
        }
    }
    assert raised.value.request_id is not None


@pytest.mark.parametrize("mode", MODES)
def test_an_error_event_mid_stream_raises(server: FaultServer, mode: str) -> None:
    with pytest.raises(APIStreamError, match="overloaded mid-stream") as raised:
        collect(mode, url(server, "stream-error-event"))
    assert raised.value.event == "error"


@pytest.mark.parametrize("mode", MODES)
def test_a_stalled_stream_times_out(server: FaultServer, mode: str) -> None:
    seen: list[Any] = []
    with pytest.raises(APITimeoutError, match="The stream timed out before its end"):
        collect(mode, url(server, "stream-stall"), into=seen, timeout=0.3)
    assert seen == STREAM_CHUNKS[:2]


@pytest.mark.parametrize("mode", MODES)
def test_an_item_that_does_not_fit_is_a_validation_error(server: FaultServer, mode: str) -> None:
    def strict(data: str) -> Any:
        raise ValueError(f"not the chunk I want: {len(data)} characters")

    with pytest.raises(APIResponseValidationError, match="not the chunk I want"):
        collect(mode, url(server, "stream"), parse=strict)


def test_leaving_a_stream_early_releases_the_connection(server: FaultServer) -> None:
    with httpx.Client(timeout=5.0) as http:
        response = http.send(http.build_request("GET", url(server, "stream")), stream=True)
        stream = Stream(response, json.loads, "[DONE]")
        assert next(stream) == STREAM_CHUNKS[0]
        stream.close()
        assert response.is_closed and not stream.finished
        assert list(stream) == []


def test_leaving_an_async_stream_early_releases_the_connection(server: FaultServer) -> None:
    async def run() -> None:
        async with httpx.AsyncClient(timeout=5.0) as http:
            request = http.build_request("GET", url(server, "stream"))
            response = await http.send(request, stream=True)
            stream = AsyncStream(response, json.loads, "[DONE]")
            assert await stream.__anext__() == STREAM_CHUNKS[0]
            await stream.aclose()
            assert response.is_closed and not stream.finished

    asyncio.run(run())
