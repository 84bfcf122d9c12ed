"""What bounds a call of the client (generator/runtime/_limits.py), against the fault server on
127.0.0.1 (tests/fault_server.py) answering as a hostile server would: a deadline holds against
a dripped body and a dripped head, retries and streams of comments; an idle limit ends a stream
that sends only comments; gzip bombs and lines without end are refused with little memory held;
every failure is one of the package's errors. Memory is measured with tracemalloc (the server
runs in this process too, so the figures bound both); nothing here asserts on wall time."""

from __future__ import annotations

import asyncio
import gzip
import tracemalloc
import uuid
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from generator.runtime._base_client import (
    NOT_GIVEN,
    STREAMED,
    AsyncAPIClient,
    RequestParts,
    RetryPolicy,
    StreamedResponse,
    SyncAPIClient,
    json_parser,
)
from generator.runtime._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    EventTooLargeError,
    InternalServerError,
    ResponseTooLargeError,
    SpecErrors,
)
from generator.runtime._limits import (
    Deadline,
    DecodedBody,
    Limits,
    LineSplitter,
    Rechunker,
    bound_by_cutoffs,
    read_body,
)
from tests.fault_server import FaultServer, gzip_bomb, gzip_line

TOKEN = "sk-test-LIMITS-0123456789"
MODES = ["sync", "async"]
MB = 1024 * 1024
ERRORS = SpecErrors(request_id_headers=("x-request-id",))


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    gzip_bomb(300), gzip_line(300)  # made before any memory is measured
    with FaultServer() as running:
        yield running


def settings(server: FaultServer, **overrides: Any) -> dict[str, Any]:
    limits = overrides.pop("limits", Limits())
    return {
        "base_url": server.url,
        "token": TOKEN,
        "auth": ("bearer", None, None),
        "timeout": 5.0,
        "retry": RetryPolicy(max_retries=0),
        "default_headers": None,
        "user_agent": "limits-tests/1",
        "errors": ERRORS,
        "limits": limits,
        **overrides,
    }


def path(name: str) -> str:
    return f"/tenant/{name}/release/{uuid.uuid4().hex[:12]}/x"


def get(name: str) -> RequestParts:
    return RequestParts("GET", path(name), None, None, None, None, "application/json")


def stream_parts(name: str) -> RequestParts:
    return RequestParts(
        "POST", path(name), None, None, b"{}", "application/json", "text/event-stream"
    )


def call(mode: str, client_settings: dict[str, Any], parts: RequestParts) -> Any:
    """One plain call on a fresh client; its result, or its error raised."""
    if mode == "sync":
        with SyncAPIClient(http_client=None, **client_settings) as client:
            return client._call(parts, NOT_GIVEN, json_parser)

    async def run() -> Any:
        async with AsyncAPIClient(http_client=None, **client_settings) as client:
            return await client._call(parts, NOT_GIVEN, json_parser)

    return asyncio.run(run())


def read_stream(mode: str, client_settings: dict[str, Any], parts: RequestParts) -> list[Any]:
    """Every item of a stream call, or its error raised."""
    if mode == "sync":
        with (
            SyncAPIClient(http_client=None, **client_settings) as client,
            client._call_stream(parts, NOT_GIVEN, str, "[DONE]") as stream,
        ):
            return list(stream)

    async def run() -> list[Any]:
        async with AsyncAPIClient(http_client=None, **client_settings) as client:
            stream = await client._call_stream(parts, NOT_GIVEN, str, "[DONE]")
            async with stream:
                return [item async for item in stream]

    return asyncio.run(run())


def peak_memory(work: Callable[[], Any]) -> tuple[int, Any]:
    """The peak of memory allocated while `work` runs (bytes), and what it returned or raised."""
    tracemalloc.start()
    try:
        try:
            outcome: Any = work()
        except Exception as error:
            outcome = error
        return tracemalloc.get_traced_memory()[1], outcome
    finally:
        tracemalloc.stop()


# --- the deadline ----------------------------------------------------------------------------------


def test_a_deadline_is_a_moment() -> None:
    never = Deadline(None)
    assert never.remaining() is None and not never.passed() and never.allows(1e9)
    soon = Deadline(60)
    remaining = soon.remaining()
    assert remaining is not None and 0 < remaining <= 60
    assert soon.allows(1) and not soon.allows(61) and not soon.passed()
    assert Deadline(0).passed() and Deadline(0).remaining() == 0
    assert "deadline (0.5 s)" in str(Deadline(0.5).error(None))


@pytest.mark.parametrize("mode", MODES)
def test_a_deadline_ends_a_call_whose_body_drips(server: FaultServer, mode: str) -> None:
    # A byte every 50 ms never trips the 5 s read timeout; the whole body would take 500 s.
    client_settings = settings(server, limits=Limits(deadline=0.5))
    with pytest.raises(APITimeoutError, match=r"deadline \(0\.5 s\)"):
        call(mode, client_settings, get("drip-body"))


@pytest.mark.parametrize("mode", MODES)
def test_a_deadline_ends_a_call_whose_head_drips(server: FaultServer, mode: str) -> None:
    # The status line and headers a byte every 50 ms: no read waits long, the head never ends.
    client_settings = settings(server, limits=Limits(deadline=0.5))
    with pytest.raises(APITimeoutError, match=r"deadline \(0\.5 s\)"):
        call(mode, client_settings, get("drip-head"))


def test_the_blocking_client_cuts_the_socket_waits_of_its_own_http_client() -> None:
    with httpx.Client() as http:
        assert bound_by_cutoffs(http)
        assert bound_by_cutoffs(http)  # once is enough: a second call changes nothing


@pytest.mark.parametrize("mode", MODES)
def test_a_deadline_counts_the_waits_between_retries(server: FaultServer, mode: str) -> None:
    retry = RetryPolicy(max_retries=5, initial_delay=2.0, jitter=0.0)
    client_settings = settings(server, retry=retry, limits=Limits(deadline=1.0))
    parts = get("unavailable")
    with pytest.raises(InternalServerError):  # a 2 s backoff would pass the deadline: no retry
        call(mode, client_settings, parts)
    assert server.attempts(parts.path.split("/")[4]) == 1


@pytest.mark.parametrize("mode", MODES)
def test_a_deadline_ends_a_stream_of_comments(server: FaultServer, mode: str) -> None:
    client_settings = settings(server, limits=Limits(deadline=0.5))
    with pytest.raises(APITimeoutError, match="deadline"):
        read_stream(mode, client_settings, stream_parts("stream-comments"))


@pytest.mark.parametrize("mode", MODES)
def test_an_idle_limit_ends_a_stream_that_sends_only_comments(
    server: FaultServer, mode: str
) -> None:
    client_settings = settings(server, limits=Limits(stream_idle_timeout=0.3))
    with pytest.raises(APITimeoutError, match=r"no event for 0\.3 s"):
        read_stream(mode, client_settings, stream_parts("stream-comments"))


@pytest.mark.parametrize("mode", MODES)
def test_an_idle_limit_leaves_a_lively_stream_alone(server: FaultServer, mode: str) -> None:
    client_settings = settings(server, limits=Limits(stream_idle_timeout=5, deadline=30))
    items = read_stream(mode, client_settings, stream_parts("stream"))
    assert len(items) == 5


# --- what an answer may grow to -------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("scenario", ["gzip-bomb-300", "gzip-bomb-error-300"])
def test_a_gzip_bomb_is_refused_while_it_inflates(
    server: FaultServer, mode: str, scenario: str
) -> None:
    # 300 KB on the wire, 300 MB inflated: refused past 8 MB, with about that much ever held.
    client_settings = settings(server, limits=Limits(max_response_size=8 * MB))
    peak, raised = peak_memory(lambda: call(mode, client_settings, get(scenario)))
    assert isinstance(raised, ResponseTooLargeError), raised
    assert raised.limit == 8 * MB and raised.request_id is not None
    assert "max_response_size (8388608 bytes once decoded)" in str(raised)
    assert peak < 24 * MB, peak


def test_a_streamed_download_is_inflated_in_bounded_pieces(server: FaultServer) -> None:
    with SyncAPIClient(http_client=None, **settings(server)) as client:
        view = client._view(STREAMED)
        response: StreamedResponse[Any] = view._call(get("gzip-bomb-300"), NOT_GIVEN, json_parser)
        with response:
            sizes = [
                len(piece) for piece, _ in zip(response.iter_bytes(), range(100), strict=False)
            ]
        assert max(sizes) <= 64 * 1024 and len(sizes) == 100
        limited = settings(server, limits=Limits(max_response_size=MB))
        with SyncAPIClient(http_client=None, **limited) as small:
            held = small._view(STREAMED)._call(get("gzip-bomb-300"), NOT_GIVEN, json_parser)
            with held, pytest.raises(ResponseTooLargeError):
                held.read()


@pytest.mark.parametrize("mode", MODES)
def test_a_deflated_answer_decodes(server: FaultServer, mode: str) -> None:
    assert "choices" in call(mode, settings(server), get("deflate"))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("scenario", ["stream-long-line-40", "stream-gzip-line-300"])
def test_a_line_without_end_is_refused_past_the_event_cap(
    server: FaultServer, mode: str, scenario: str
) -> None:
    client_settings = settings(server, limits=Limits(max_event_size=MB))
    peak, raised = peak_memory(lambda: read_stream(mode, client_settings, stream_parts(scenario)))
    assert isinstance(raised, EventTooLargeError), raised
    assert isinstance(raised, ResponseTooLargeError) and raised.limit == MB
    assert "max_event_size (1048576 characters)" in str(raised)
    assert peak < 12 * MB, peak


@pytest.mark.parametrize("mode", MODES)
def test_a_long_line_within_the_cap_is_one_event(server: FaultServer, mode: str) -> None:
    client_settings = settings(server, limits=Limits(max_event_size=24 * MB))
    (item,) = read_stream(mode, client_settings, stream_parts("stream-long-line-20"))
    assert len(item) == 20 * MB and set(item) == {"x"}


# --- every failure is the package's ---------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_redirect_loop_is_a_connection_error(server: FaultServer, mode: str) -> None:
    with pytest.raises(APIConnectionError, match="Too many redirects") as raised:
        call(mode, settings(server), get("redirect-loop"))
    assert isinstance(raised.value.__cause__, httpx.TooManyRedirects)


@pytest.mark.parametrize("mode", MODES)
def test_a_url_httpx_refuses_is_a_connection_error(mode: str) -> None:
    client_settings = {**settings(FaultServer()), "base_url": "http://[::1"}
    with pytest.raises(APIConnectionError) as raised:
        call(mode, client_settings, get("ok"))
    assert isinstance(raised.value.__cause__, httpx.InvalidURL)


def test_a_broken_gzip_body_is_a_connection_error() -> None:
    request = httpx.Request("GET", "http://127.0.0.1/")
    response = httpx.Response(200, headers={"content-encoding": "gzip"}, request=request)
    body = DecodedBody(response, None)
    with pytest.raises(httpx.DecodingError):
        list(body.pieces(b"not gzip at all"))


# --- the pieces ------------------------------------------------------------------------------------


def test_bodies_inflate_in_pieces_within_their_cap() -> None:
    request = httpx.Request("GET", "http://127.0.0.1/")

    def decoded(encoding: str, data: bytes, limit: int | None = None) -> list[bytes]:
        response = httpx.Response(200, headers={"content-encoding": encoding}, request=request)
        body = DecodedBody(response, limit)
        return [*body.pieces(data[:100]), *body.pieces(data[100:]), *body.end()]

    text = b"0123456789" * 100_000
    for encoding, data in [
        ("gzip", gzip.compress(text)),
        ("deflate", zlib.compress(text)),
        ("deflate", zlib.compress(text)[2:-4]),  # raw deflate, as some servers send it
        ("identity", text),
        ("gzip, gzip", gzip.compress(gzip.compress(text))),
    ]:
        pieces = decoded(encoding, data)
        assert b"".join(pieces) == text, encoding
        if encoding != "identity":  # what is not encoded comes as it arrived
            assert max(len(piece) for piece in pieces) <= 64 * 1024
    with pytest.raises(ResponseTooLargeError):
        decoded("gzip", gzip.compress(text), limit=len(text) - 1)
    assert b"".join(decoded("gzip", gzip.compress(text), limit=len(text))) == text


def test_an_answer_made_in_memory_is_read_within_its_cap() -> None:
    # httpx reads a response made from bytes (a mock transport's) as it makes it: nothing is
    # left to stream, and the body is counted as it is.
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"answer": "x" * 100})

    async def in_async(limit: int) -> Any:
        async with (
            httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http,
            AsyncAPIClient(http_client=http, **in_memory(limit)) as client,
        ):
            return await client._call(get("in-memory"), NOT_GIVEN, json_parser)

    with (
        httpx.Client(transport=httpx.MockTransport(answer)) as http,
        SyncAPIClient(http_client=http, **in_memory(MB)) as client,
    ):
        assert client._call(get("in-memory"), NOT_GIVEN, json_parser) == {"answer": "x" * 100}
        streamed = client._view(STREAMED)._call(get("in-memory"), NOT_GIVEN, json_parser)
        with streamed:
            assert b"".join(streamed.iter_bytes()) == b'{"answer":"' + b"x" * 100 + b'"}'
    assert asyncio.run(in_async(MB)) == {"answer": "x" * 100}
    with pytest.raises(ResponseTooLargeError):
        asyncio.run(in_async(50))
    made = answer(httpx.Request("GET", "http://127.0.0.1/"))
    made.request = httpx.Request("GET", "http://127.0.0.1/")
    with pytest.raises(ResponseTooLargeError):
        read_body(made, 50)


def in_memory(limit: int) -> dict[str, Any]:
    """Client settings for an http client of a mock transport, answers capped at `limit`."""
    return {
        "base_url": "http://127.0.0.1",
        "token": TOKEN,
        "auth": ("bearer", None, None),
        "timeout": 5.0,
        "retry": RetryPolicy(max_retries=0),
        "default_headers": None,
        "user_agent": "limits-tests/1",
        "errors": ERRORS,
        "limits": Limits(max_response_size=limit),
    }


def test_chunks_of_a_size() -> None:
    chunks = Rechunker[bytes](3)
    out = [*chunks.feed(b"ab"), *chunks.feed(b"cdefg"), *chunks.feed(b""), *chunks.end()]
    assert out == [b"abc", b"def", b"g"]
    assert Rechunker[str](None).feed("as it comes") == ["as it comes"]
    assert Rechunker[str](2).feed("abcd") == ["ab", "cd"]


def test_lines_as_splitlines_cuts_them() -> None:
    text = "one\r\ntwo\rthree\nfour\x0bfive\r\n\nsix"
    for cut in range(len(text) + 1):
        lines = LineSplitter()
        out = [*lines.feed(text[:cut]), *lines.feed(text[cut:]), *lines.end()]
        assert out == text.splitlines(), cut


def test_a_long_line_is_held_in_pieces() -> None:
    lines = LineSplitter()
    for _ in range(1000):
        assert lines.feed("x" * 1000) == []
    assert lines.feed("\n") == ["x" * 1_000_000]


def test_an_answer_that_does_not_fit_still_reads_within_the_cap(server: FaultServer) -> None:
    with pytest.raises(APIResponseValidationError):
        client_settings = settings(server)
        with SyncAPIClient(http_client=None, **client_settings) as client:
            client._call_stream(stream_parts("stream-json"), NOT_GIVEN, str, "[DONE]")
