"""The generated client against a fault-injecting server on 127.0.0.1 (tests/fault_server.py).

Real sockets, no mocks: retries and backoff, typed errors, timeouts, streams cut or failing in
the middle, keep-alives, and the seed request arriving exactly as the seed has it. Every scenario
that involves I/O runs on `Client` and on `AsyncClient`. Backoffs are shortened to keep the file
fast; each test uses a fresh key, so attempts are counted per test even under `pytest -n 2`.
The runtime under the client is also tested on its own, as source, in tests/runtime/.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from chat_completions import models
from chat_completions.client import APIResponse, AsyncClient, AsyncStream, Client, Stream
from chat_completions.errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APIStreamError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    IncompleteStreamError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

from tests.conftest import GENERATED, SEED
from tests.fault_server import STREAM_CHUNKS, FaultServer

TOKEN = "sk-test-SECRET-4b9e1c77"
SIMPLE = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
USER = {"role": "user", "content": "hi"}
FAST_RETRIES = {"initial_retry_delay": 0.01, "max_retry_delay": 0.02}
MODES = ["sync", "async"]


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


def key() -> str:
    return uuid.uuid4().hex[:12]


def settings(server: FaultServer, scenario: str, **overrides: Any) -> dict[str, Any]:
    """Client arguments: the scenario is the tenant, a fresh key the release."""
    return {
        "base_url": server.url,
        "token": TOKEN,
        "tenant": scenario,
        "release": key(),
        "timeout": 5.0,
        **FAST_RETRIES,
        **overrides,
    }


def method_of(client: Any, dotted: str) -> Any:
    """`client.chat.completions.create` for "chat.completions.create"."""
    return functools.reduce(getattr, dotted.split("."), client)


def call(mode: str, client_args: dict[str, Any], method: str, *args: Any, **kwargs: Any) -> Any:
    """Make one call on a fresh Client or AsyncClient; return its result or raise its error."""
    if mode == "sync":
        with Client(**client_args) as client:
            return method_of(client, method)(*args, **kwargs)

    async def run() -> Any:
        async with AsyncClient(**client_args) as client:
            return await method_of(client, method)(*args, **kwargs)

    return asyncio.run(run())


def collect(
    mode: str, client_args: dict[str, Any], body: Any, into: list[Any] | None = None, **kwargs: Any
) -> list[Any]:
    """Stream a call to the end; the chunks land in `into` as they come (kept when it raises)."""
    chunks = [] if into is None else into
    if mode == "sync":
        with (
            Client(**client_args) as client,
            client.chat.completions.create(body, stream=True, **kwargs) as stream,
        ):
            assert isinstance(stream, Stream)
            for item in stream:
                chunks.append(item)
        return chunks

    async def run() -> list[Any]:
        async with AsyncClient(**client_args) as client:
            stream = await client.chat.completions.create(body, stream=True, **kwargs)
            assert isinstance(stream, AsyncStream)
            async with stream:
                async for item in stream:
                    chunks.append(item)
        return chunks

    return asyncio.run(run())


def seed_request() -> dict[str, Any]:
    return json.loads((SEED / "request.json").read_text())


# --- plain calls -----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_seed_request_arrives_as_the_seed_has_it(server: FaultServer, mode: str) -> None:
    seed = seed_request()
    args = settings(server, "ok")
    result = call(mode, args, "chat.completions.create", seed)
    assert isinstance(result, models.CreateChatCompletionResponse)
    [received] = server.requests[args["release"]]
    # Same JSON value, nulls kept, integers kept integers, keys in the seed's order:
    assert json.loads(received.body) == seed
    assert json.dumps(json.loads(received.body)) == json.dumps(seed)
    assert received.body == json.dumps(seed, separators=(",", ":"), ensure_ascii=False).encode()
    assert received.method == "POST"
    assert (
        received.path
        == f"/tenant/ok/release/{args['release']}/openai-compatible/v1/chat/completions"
    )
    assert received.headers["authorization"] == f"Bearer {TOKEN}"
    assert received.headers["content-type"] == "application/json"
    assert received.headers["accept"] == "application/json"


def test_seed_response_is_parsed_into_the_model(server: FaultServer) -> None:
    result = call("sync", settings(server, "ok"), "chat.completions.create", SIMPLE)
    expected = json.loads((SEED / "response.json").read_text())
    assert result.model_dump(mode="json", by_alias=True, exclude_unset=True) == expected
    assert result.choices[0].finish_reason == "stop"
    assert result.choices[0].message.content is None


def test_a_model_body_is_sent_as_the_model_dumps_it(server: FaultServer) -> None:
    seed = seed_request()
    body = models.CreateChatCompletionRequest.model_validate(seed)
    args = settings(server, "ok")
    call("sync", args, "chat.completions.create", body)
    [received] = server.requests[args["release"]]
    assert json.loads(received.body) == seed  # unset fields left out, explicit nulls kept
    small = models.CreateChatCompletionRequest.model_validate(
        {"model": "m", "messages": [USER], "tool_choice": None}
    )
    args = settings(server, "ok")
    call("sync", args, "chat.completions.create", small)
    assert json.loads(server.requests[args["release"]][0].body) == {
        "model": "m",
        "messages": [USER],
        "tool_choice": None,
    }


@pytest.mark.parametrize("mode", MODES)
def test_per_call_options(server: FaultServer, mode: str) -> None:
    args = settings(server, "ok")
    other = key()
    call(
        mode,
        args,
        "chat.completions.create",
        SIMPLE,
        release=other,  # a shared path parameter, overridden for one call
        extra_headers={"X-Trace": "abc"},
        extra_query={"debug": "1"},
        extra_body={"seed": 7, "model": "replaced"},
        timeout=3.0,
    )
    assert server.attempts(args["release"]) == 0
    [received] = server.requests[other]
    assert received.headers["x-trace"] == "abc"
    assert received.query == [("debug", "1")]
    assert json.loads(received.body) == {**SIMPLE, "model": "replaced", "seed": 7}
    assert SIMPLE == {"model": "m", "messages": [{"role": "user", "content": "hi"}]}  # not mutated


@pytest.mark.parametrize("mode", MODES)
def test_the_body_as_keyword_arguments(server: FaultServer, mode: str) -> None:
    """Each property of the body is a keyword argument; those given are sent, in the schema's
    order, nested objects as the dicts given; required ones are required."""
    args = settings(server, "ok")
    messages = [{"role": "user", "content": "hi"}]
    result = call(
        mode, args, "chat.completions.create", temperature=0, messages=messages, model="m"
    )
    assert isinstance(result, models.CreateChatCompletionResponse)
    [received] = server.requests[args["release"]]
    assert (
        received.body
        == b'{"messages":[{"role":"user","content":"hi"}],"model":"m","temperature":0}'
    )
    with pytest.raises(
        TypeError, match=r"create\(\) missing required keyword argument\(s\): 'model'"
    ):
        call(mode, settings(server, "ok"), "chat.completions.create", messages=messages)
    with pytest.raises(TypeError, match="the body or its properties, not both"):
        call(mode, settings(server, "ok"), "chat.completions.create", SIMPLE, model="m")


def test_with_options_is_a_copy_with_other_defaults(server: FaultServer) -> None:
    args = settings(server, "rate-limited-ms", default_headers={"x-team": "core"})
    with Client(**args) as client:
        copy = client.with_options(max_retries=0, default_headers={"x-trace": "t"}, timeout=4.0)
        assert (copy.max_retries, copy.timeout.read, copy.base_url) == (0, 4.0, client.base_url)
        assert (client.max_retries, client.timeout.read) == (2, 5.0)  # unchanged
        with pytest.raises(RateLimitError):  # no retries on the copy
            copy.chat.completions.create(SIMPLE)
        [received] = server.requests[args["release"]]
        assert received.headers["x-team"] == "core" and received.headers["x-trace"] == "t"
        assert received.headers["authorization"] == f"Bearer {TOKEN}"
        other = client.with_options(release=key())
        assert other.chat.completions.create(SIMPLE).id and other._http is client._http
    assert client._http.is_closed


def test_with_options_keeps_the_limits_and_sets_a_deadline_for_one_call(
    server: FaultServer,
) -> None:
    args = settings(server, "drip-body", max_retries=0, max_event_size=1024, deadline=60.0)
    with Client(**args) as client:
        assert client.with_options(timeout=4.0).limits == client.limits  # kept
        hurried = client.with_options(deadline=0.5)
        assert (hurried.limits.deadline, hurried.limits.max_event_size) == (0.5, 1024)
        with pytest.raises(APITimeoutError, match=r"deadline \(0\.5 s\)"):
            hurried.chat.completions.create(SIMPLE)  # a byte every 50 ms: 500 s for the body
        assert client.limits.deadline == 60.0


def test_results_dump_as_the_wire_has_them(server: FaultServer) -> None:
    result = call("sync", settings(server, "ok"), "chat.completions.create", SIMPLE)
    expected = json.loads((SEED / "response.json").read_text())
    assert result.to_dict() == result.model_dump(by_alias=True, exclude_unset=True)
    assert json.loads(result.to_json()) == expected
    assert result.to_dict(mode="json") == expected


def test_the_logging_switch_logs_requests_and_never_the_token(server: FaultServer) -> None:
    """`CHAT_COMPLETIONS_LOG=debug` logs every request and answer (headers too) to stderr, the
    credential written `[REDACTED]`."""
    release = key()
    code = (
        "from chat_completions.client import Client\n"
        f"with Client(base_url={server.url!r}, token={TOKEN!r}, tenant='ok', release={release!r}) as c:\n"
        "    c.chat.completions.create(model='m', messages=[])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(GENERATED), "CHAT_COMPLETIONS_LOG": "debug"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "HTTP Request: POST" in result.stderr and '"200 OK"' in result.stderr
    assert "'authorization': '[REDACTED]'" in result.stderr
    assert TOKEN not in result.stderr
    quiet = subprocess.run(
        [sys.executable, "-c", code.replace(release, key())],
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "CHAT_COMPLETIONS_LOG": ""},
        check=False,
    )
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_default_headers_and_user_agent(server: FaultServer) -> None:
    args = settings(server, "ok", default_headers={"X-Team": "core"})
    call("sync", args, "chat.completions.create", SIMPLE)
    [received] = server.requests[args["release"]]
    assert received.headers["x-team"] == "core"
    assert received.headers["user-agent"].startswith("chat_completions/")


def test_a_missing_shared_parameter_is_a_clear_error(server: FaultServer) -> None:
    with (
        Client(base_url=server.url, token=TOKEN) as client,
        pytest.raises(TypeError, match=r"tenant=\.\.\."),
    ):
        client.chat.completions.create(SIMPLE)


def test_path_parameters_are_percent_encoded(server: FaultServer) -> None:
    release = key()
    call("sync", {**settings(server, "ok"), "release": release}, "chat.completions.create", SIMPLE)
    weird = key() + "/x y"
    with Client(**settings(server, "ok")) as client, pytest.raises(NotFoundError):
        client.chat.completions.create(SIMPLE, release=weird, tenant="a/b")
    assert server.attempts(release) == 1


def test_environment_variables(server: FaultServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAT_COMPLETIONS_BASE_URL", server.url)
    monkeypatch.setenv("CHAT_COMPLETIONS_TOKEN", TOKEN)
    release = key()
    with Client(tenant="ok", release=release) as client:
        assert client.base_url == server.url
        client.chat.completions.create(SIMPLE)
    assert server.requests[release][0].headers["authorization"] == f"Bearer {TOKEN}"
    monkeypatch.delenv("CHAT_COMPLETIONS_BASE_URL")
    with Client() as client:
        assert client.base_url == "https://gateway.example.com"  # the spec's first server


@pytest.mark.parametrize("mode", MODES)
def test_raw_response(server: FaultServer, mode: str) -> None:
    args = settings(server, "rate-limited-ms")

    async def run_async() -> APIResponse[models.CreateChatCompletionResponse]:
        async with AsyncClient(**args) as client:
            return await client.chat.completions.with_raw_response.create(SIMPLE)

    if mode == "sync":
        with Client(**args) as client:
            raw = client.chat.completions.with_raw_response.create(SIMPLE)
    else:
        raw = asyncio.run(run_async())
    assert raw.status_code == 200
    assert raw.request_id == f"req-{args['release']}-3"
    assert raw.headers["content-type"] == "application/json"
    assert raw.retries_taken == 2
    parsed = raw.parse()
    assert isinstance(parsed, models.CreateChatCompletionResponse)
    assert raw.parse() is parsed


def test_a_caller_owned_http_client_is_used_and_left_open(server: FaultServer) -> None:
    args = settings(server, "ok")
    with httpx.Client() as http:
        with Client(**args, http_client=http) as client:
            client.chat.completions.create(SIMPLE)
        assert not http.is_closed
    assert server.attempts(args["release"]) == 1


# --- retries ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_429_with_retry_after_seconds_then_200(server: FaultServer, mode: str) -> None:
    args = settings(server, "rate-limited")
    started = time.monotonic()
    result = call(mode, args, "chat.completions.create", SIMPLE)
    elapsed = time.monotonic() - started
    assert isinstance(result, models.CreateChatCompletionResponse)
    assert server.attempts(args["release"]) == 2
    assert 0.9 <= elapsed < 4  # the server's `Retry-After: 1`, not the 10 ms backoff


@pytest.mark.parametrize("mode", MODES)
def test_429_with_retry_after_ms(server: FaultServer, mode: str) -> None:
    args = settings(server, "rate-limited-ms")
    started = time.monotonic()
    call(mode, args, "chat.completions.create", SIMPLE)
    assert server.attempts(args["release"]) == 3
    assert time.monotonic() - started >= 0.29  # two waits of 150 ms


@pytest.mark.parametrize("mode", MODES)
def test_a_retry_after_beyond_the_cap_is_not_waited_for(server: FaultServer, mode: str) -> None:
    args = settings(server, "rate-limited-long")
    started = time.monotonic()
    with pytest.raises(RateLimitError) as caught:
        call(mode, args, "chat.completions.create", SIMPLE)
    assert time.monotonic() - started < 2
    assert server.attempts(args["release"]) == 1
    assert caught.value.code is None and caught.value.body is not None


@pytest.mark.parametrize("mode", MODES)
def test_persistent_503_raises_after_max_retries(server: FaultServer, mode: str) -> None:
    args = settings(server, "unavailable", max_retries=3)
    with pytest.raises(InternalServerError) as caught:
        call(mode, args, "chat.completions.create", SIMPLE)
    assert server.attempts(args["release"]) == 4
    error = caught.value
    assert error.status_code == 503
    assert error.request_id == f"req-{args['release']}-4"
    assert error.body is not None and error.body.error.message == "overloaded"
    assert str(error) == "Error code: 503 - overloaded"


def test_max_retries_zero_sends_once(server: FaultServer) -> None:
    args = settings(server, "unavailable", max_retries=0)
    with pytest.raises(InternalServerError):
        call("sync", args, "chat.completions.create", SIMPLE)
    assert server.attempts(args["release"]) == 1


@pytest.mark.parametrize("mode", MODES)
def test_slow_response_times_out(server: FaultServer, mode: str) -> None:
    args = settings(server, "slow", timeout=0.2, max_retries=1)
    with pytest.raises(APITimeoutError) as caught:
        call(mode, args, "chat.completions.create", SIMPLE)
    assert isinstance(caught.value, APIConnectionError)
    assert server.attempts(args["release"]) == 2  # timeouts are retried


@pytest.mark.parametrize("mode", MODES)
def test_a_timeout_is_retried_and_can_succeed(server: FaultServer, mode: str) -> None:
    args = settings(server, "slow-once", timeout=0.2)
    assert isinstance(
        call(mode, args, "chat.completions.create", SIMPLE), models.CreateChatCompletionResponse
    )
    assert server.attempts(args["release"]) == 2


def test_per_call_timeout_overrides_the_client(server: FaultServer) -> None:
    args = settings(server, "slow", timeout=30.0, max_retries=0)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        call("sync", args, "chat.completions.create", SIMPLE, timeout=0.2)
    assert time.monotonic() - started < 0.9


@pytest.mark.parametrize("mode", MODES)
def test_dropped_connection_is_a_connection_error(server: FaultServer, mode: str) -> None:
    args = settings(server, "drop", max_retries=2)
    with pytest.raises(APIConnectionError) as caught:
        call(mode, args, "chat.completions.create", SIMPLE)
    assert not isinstance(caught.value, APITimeoutError)
    assert server.attempts(args["release"]) == 3


@pytest.mark.parametrize("mode", MODES)
def test_nothing_listening_is_a_connection_error(mode: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = {
        "base_url": f"http://127.0.0.1:{port}",
        "tenant": "t",
        "release": "r",
        "max_retries": 1,
        **FAST_RETRIES,
    }
    with pytest.raises(APIConnectionError, match="Connection error"):
        call(mode, args, "chat.completions.create", SIMPLE)


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_401_is_an_authentication_error_with_body_and_request_id(
    server: FaultServer, mode: str
) -> None:
    args = settings(server, "unauthorized")
    with pytest.raises(AuthenticationError) as caught:
        call(mode, args, "chat.completions.create", SIMPLE)
    error = caught.value
    assert isinstance(error, APIStatusError) and isinstance(error, APIError)
    assert error.status_code == 401
    assert error.request_id == f"req-{args['release']}-1"
    assert isinstance(error.body, models.ErrorResponse)
    assert error.body.error.type == "invalid_request_error"
    assert error.code == "invalid_api_key"
    assert server.attempts(args["release"]) == 1  # 401 is not retried
    # The server echoed the token; the client redacts it from everything it raises.
    assert "Incorrect API key provided: [REDACTED]." in str(error)
    for text in (str(error), repr(error), error.message, str(error.args)):
        assert TOKEN not in text


@pytest.mark.parametrize("mode", MODES)
def test_errors_carry_type_code_and_param_as_the_error_schema_places_them(
    server: FaultServer, mode: str
) -> None:
    """Our error schema is `{"error": {"message", "type", "param", "code"}}`: the generated
    errors module tells the runtime so, and every error has them as attributes."""
    with pytest.raises(AuthenticationError) as caught:
        call(mode, settings(server, "unauthorized"), "chat.completions.create", SIMPLE)
    error = caught.value
    assert (error.type, error.code, error.param) == (
        "invalid_request_error",
        "invalid_api_key",
        None,
    )
    with pytest.raises(NotFoundError) as caught_404:
        call("sync", settings(server, "status-404"), "chat.completions.create", SIMPLE)
    assert caught_404.value.code is None or isinstance(caught_404.value.code, str)


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (418, APIStatusError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
    ],
)
def test_status_codes_map_to_error_classes(
    server: FaultServer, status: int, error_class: type[APIStatusError]
) -> None:
    args = settings(server, f"status-{status}", max_retries=0)
    with pytest.raises(error_class) as caught:
        call("sync", args, "chat.completions.create", SIMPLE)
    assert type(caught.value) is error_class
    assert caught.value.status_code == status
    assert str(caught.value) == f"Error code: {status} - status-{status}"


def test_409_is_retried(server: FaultServer) -> None:
    args = settings(server, "status-409", max_retries=1)
    with pytest.raises(ConflictError):
        call("sync", args, "chat.completions.create", SIMPLE)
    assert server.attempts(args["release"]) == 2


def test_an_error_body_outside_the_schema_is_tolerated(server: FaultServer) -> None:
    args = settings(server, "html-error", max_retries=0)
    with pytest.raises(InternalServerError) as caught:
        call("sync", args, "chat.completions.create", SIMPLE)
    assert caught.value.body is None
    assert caught.value.data == "<html><body>Bad gateway</body></html>"
    assert "Bad gateway" in str(caught.value)


def test_the_token_is_never_shown(server: FaultServer, caplog: pytest.LogCaptureFixture) -> None:
    with Client(base_url=server.url, token=TOKEN) as client:
        assert TOKEN not in repr(client) and TOKEN not in str(client)
    caplog.set_level(logging.DEBUG)
    args = settings(server, "unauthorized")
    with pytest.raises(AuthenticationError):
        call("sync", args, "chat.completions.create", SIMPLE)
    args = settings(server, "unavailable", max_retries=1)
    with pytest.raises(InternalServerError) as caught:
        call("sync", args, "chat.completions.create", SIMPLE)
    assert "Retrying POST" in caplog.text
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(caught.value.request)


# --- streams --------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_stream_of_typed_chunks(server: FaultServer, mode: str) -> None:
    args = settings(server, "stream")
    chunks = collect(mode, args, SIMPLE)
    assert all(isinstance(item, models.CreateChatCompletionStreamResponse) for item in chunks)
    # keep-alives and comments ignored, the empty event skipped, multi-line data joined:
    assert [item.model_dump(mode="json", exclude_unset=True) for item in chunks] == STREAM_CHUNKS
    assert "".join(item.choices[0].delta.content or "" for item in chunks) == "Hello wörld"
    [received] = server.requests[args["release"]]
    assert json.loads(received.body) == {**SIMPLE, "stream": True}  # the flag set, appended
    assert received.headers["accept"] == "text/event-stream"


def test_an_async_stream_is_used_in_async_with_without_awaiting_first(server: FaultServer) -> None:
    args = settings(server, "stream")

    async def run() -> list[Any]:
        async with (
            AsyncClient(**args) as client,
            client.chat.completions.create(model="m", messages=[], stream=True) as stream,
        ):
            assert isinstance(stream, AsyncStream)
            return [item async for item in stream]

    chunks = asyncio.run(run())
    assert [item.model_dump(mode="json", exclude_unset=True) for item in chunks] == STREAM_CHUNKS
    [received] = server.requests[args["release"]]
    assert json.loads(received.body) == {"messages": [], "model": "m", "stream": True}


def test_the_stream_flag_keeps_the_seed_key_order(server: FaultServer) -> None:
    seed = seed_request()
    args = settings(server, "stream")
    collect("sync", args, {**seed, "stream": False})
    assert (
        server.requests[args["release"]][0].body == json.dumps(seed, separators=(",", ":")).encode()
    )


def test_stream_with_a_model_body(server: FaultServer) -> None:
    args = settings(server, "stream")
    body = models.CreateChatCompletionRequest.model_validate({"model": "m", "messages": [USER]})
    assert len(collect("sync", args, body)) == 5
    assert json.loads(server.requests[args["release"]][0].body) == {
        "model": "m",
        "messages": [USER],
        "stream": True,
    }
    assert "stream" not in body.model_fields_set  # the caller's model is left alone


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("scenario", ["stream-cut", "stream-cut-eof"])
def test_a_cut_stream_raises(server: FaultServer, mode: str, scenario: str) -> None:
    args = settings(server, scenario)
    chunks: list[Any] = []
    with pytest.raises(IncompleteStreamError) as caught:
        collect(mode, args, SIMPLE, into=chunks)
    assert len(chunks) == 2  # what came before the cut was delivered...
    assert isinstance(caught.value, APIConnectionError)  # ...and the end is not mistaken for [DONE]
    assert caught.value.request_id == f"req-{args['release']}-1"
    assert server.attempts(args["release"]) == 1  # a stream that yielded events is never retried


@pytest.mark.parametrize("mode", MODES)
def test_an_error_payload_mid_stream_raises(server: FaultServer, mode: str) -> None:
    args = settings(server, "stream-error")
    chunks: list[Any] = []
    with pytest.raises(APIStreamError) as caught:
        collect(mode, args, SIMPLE, into=chunks)
    assert len(chunks) == 1
    error = caught.value
    assert isinstance(error.body, models.ErrorResponse)
    assert error.body.error.message == "the model crashed"
    assert str(error) == "Error in the stream - the model crashed"
    assert error.request_id == f"req-{args['release']}-1"


@pytest.mark.parametrize("mode", MODES)
def test_an_error_event_mid_stream_raises(server: FaultServer, mode: str) -> None:
    args = settings(server, "stream-error-event")
    with pytest.raises(APIStreamError) as caught:
        collect(mode, args, SIMPLE)
    assert caught.value.event == "error"
    assert caught.value.body is None  # not in the error schema, still raised
    assert "overloaded mid-stream" in str(caught.value)


def test_done_without_the_final_blank_line_still_ends_the_stream(server: FaultServer) -> None:
    assert len(collect("sync", settings(server, "stream-done-unterminated"), SIMPLE)) == 2


@pytest.mark.parametrize("mode", MODES)
def test_a_stalled_stream_times_out(server: FaultServer, mode: str) -> None:
    args = settings(server, "stream-stall", timeout=0.3)
    chunks: list[Any] = []
    with pytest.raises(APITimeoutError):
        collect(mode, args, SIMPLE, into=chunks)
    assert len(chunks) == 2


@pytest.mark.parametrize("mode", MODES)
def test_a_stream_is_retried_before_its_first_event(server: FaultServer, mode: str) -> None:
    args = settings(server, "stream-rate-limited")
    assert len(collect(mode, args, SIMPLE)) == 5
    assert server.attempts(args["release"]) == 2


def test_json_instead_of_a_stream_is_a_validation_error(server: FaultServer) -> None:
    with pytest.raises(APIResponseValidationError, match="event stream"):
        collect("sync", settings(server, "stream-json"), SIMPLE)


def test_a_plain_call_answered_with_a_stream_says_so(server: FaultServer) -> None:
    with pytest.raises(APIResponseValidationError, match="pass stream=True"):
        call("sync", settings(server, "stream"), "chat.completions.create", seed_request())


def test_stream_errors_before_the_first_event_are_status_errors(server: FaultServer) -> None:
    with pytest.raises(AuthenticationError):
        collect("sync", settings(server, "unauthorized"), SIMPLE)


def test_leaving_a_stream_early_closes_the_connection(server: FaultServer) -> None:
    with Client(**settings(server, "stream")) as client:
        with client.chat.completions.create(SIMPLE, stream=True) as stream:
            first = next(stream)
            assert first.choices[0].delta.role == "assistant"
            assert stream.request_id is not None
        assert stream.response.is_closed
        assert list(stream) == []


def test_raw_stream_response(server: FaultServer) -> None:
    with Client(**settings(server, "stream")) as client:
        raw = client.chat.completions.with_raw_response.create(SIMPLE, stream=True)
        assert raw.status_code == 200
        assert raw.headers["content-type"].startswith("text/event-stream")
        with raw.parse() as stream:
            assert len(list(stream)) == 5
        assert stream.finished


def test_async_raw_stream_response(server: FaultServer) -> None:
    async def run() -> int:
        async with AsyncClient(**settings(server, "stream")) as client:
            raw = await client.chat.completions.with_raw_response.create(SIMPLE, stream=True)
            async with raw.parse() as stream:
                return len([item async for item in stream])

    assert asyncio.run(run()) == 5
