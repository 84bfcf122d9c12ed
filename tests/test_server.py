"""The generated server over real HTTP: uvicorn on 127.0.0.1 in this process, one per module.

Two servers: the mock (`MockHandler`, one static token) as a team would first run it, and a
scripted handler for what the mock never does (fail, fail mid-stream, stream slowly). The
command line (`python -m chat_completions.server --mock`) is run as a subprocess once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import openai
import pytest
import uvicorn
from chat_completions import models
from chat_completions._server_mock import load_document
from chat_completions.server import (
    HandlerError,
    MockChatCompletions,
    MockHandler,
    RequestContext,
    create_app,
    static_tokens,
)

from tests.conftest import GENERATED, SEED

TOKEN = "test-token-5f1c9a"
PREFIX = "/tenant/acme/release/r1/openai-compatible/v1"
PATH = PREFIX + "/chat/completions"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SIMPLE = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hello"}]}
TIMEOUT = httpx.Timeout(10.0)


# --- servers ----------------------------------------------------------------------------------------


class RunningServer:
    """uvicorn in a thread, on a port the OS picked; stopped when the module's tests are done."""

    def __init__(self, app: Any) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> RunningServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()


class Scripted(MockHandler):
    """The mock, except for a few tenants that exercise the server's failure paths: its
    `chat.completions` resource is replaced by one of our own."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()  # set by a test to let a stream go on
        self.closed = threading.Event()  # set when a stream's iterator is closed or cancelled
        self.progress = 0
        self.chat.completions = ScriptedCompletions(self)


class ScriptedCompletions(MockChatCompletions):
    """`handler.chat.completions` of `Scripted`: the mock's, but for a few tenants."""

    def __init__(self, scripted: Scripted) -> None:
        super().__init__(load_document())
        self.scripted = scripted

    async def create(
        self,
        body: models.CreateChatCompletionRequest,
        *,
        tenant: str,
        release: str,
        context: RequestContext,
    ) -> (
        models.CreateChatCompletionResponse
        | AsyncIterator[models.CreateChatCompletionStreamResponse]
    ):
        if tenant == "boom":
            raise RuntimeError("the secret detail of a crash")
        if tenant == "teapot":
            raise HandlerError(404, "No such model.", param="model", code="model_not_found")
        if tenant == "context":
            return models.CreateChatCompletionResponse.model_validate(
                {
                    "id": context.request_id,
                    "object": "chat.completion",
                    "created": 0,
                    "model": f"{context.principal}|{release}|{context.headers.get('x-extra')}",
                    "choices": [],
                }
            )
        if tenant in ("midstream", "gated", "endless", "stalled", "fails-first"):
            return self._stream(tenant)
        return await super().create(body, tenant=tenant, release=release, context=context)

    async def _stream(
        self, tenant: str
    ) -> AsyncIterator[models.CreateChatCompletionStreamResponse]:
        try:
            if tenant == "fails-first":
                raise HandlerError(403, "Not your tenant.", code="tenant_forbidden")
            yield chunk("one")
            if tenant == "stalled":  # waits for an upstream that never answers (20 s at most)
                await asyncio.sleep(20)
            if tenant == "gated":  # the test sees this chunk before it lets the stream go on
                for _ in range(1000):
                    if self.scripted.gate.is_set():
                        break
                    await asyncio.sleep(0.005)
            yield chunk("two")
            if tenant == "midstream":
                raise RuntimeError("the secret detail of a broken stream")
            if tenant == "endless":
                for index in range(2000):  # bounded: about 20 s at most
                    self.scripted.progress = index
                    yield chunk(str(index))
                    await asyncio.sleep(0.01)
        finally:
            self.scripted.closed.set()


def chunk(text: str) -> models.CreateChatCompletionStreamResponse:
    return models.CreateChatCompletionStreamResponse.model_validate(
        {
            "id": "c1",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "m",
            "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}],
        }
    )


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with RunningServer(create_app(MockHandler(), authenticate=static_tokens([TOKEN]))) as server:
        yield server.url


@pytest.fixture(scope="module")
def scripted() -> Iterator[tuple[str, Scripted]]:
    handler = Scripted()
    with RunningServer(
        create_app(handler, authenticate=static_tokens({TOKEN: "team-a"}))
    ) as server:
        yield server.url, handler


@pytest.fixture()
def http(mock_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock_url, timeout=TIMEOUT) as client:
        yield client


def seed_request() -> dict[str, Any]:
    result: dict[str, Any] = json.loads((SEED / "request.json").read_text())
    return result


def events(text: str) -> list[str]:
    """The `data:` payloads of an event stream, in order."""
    return [line.removeprefix("data: ") for line in text.split("\n") if line.startswith("data: ")]


def assert_error(
    response: httpx.Response, status: int, param: str | None = None, type: str | None = None
) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["message"] and isinstance(error["message"], str)
    assert error["param"] == param
    if type is not None:
        assert error["type"] == type
    assert "Traceback" not in response.text and "detail" not in body
    return error


# --- the official openai SDK ----------------------------------------------------------------------


def sdk(url: str, token: str = TOKEN) -> openai.OpenAI:
    return openai.OpenAI(base_url=url + PREFIX, api_key=token, max_retries=0, timeout=10.0)


def test_openai_sdk_plain_call(mock_url: str) -> None:
    completion = sdk(mock_url).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}]
    )
    assert completion.id == "string"  # the first JSON example of the spec: the seed response
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None and completion.usage.total_tokens == 0


def test_openai_sdk_stream(mock_url: str) -> None:
    stream = sdk(mock_url).chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "Hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    assert len(chunks) == 8  # the spec's example stream, one chunk per event
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Let me check the weather in Paris."
    arguments = "".join(
        c.choices[0].delta.tool_calls[0].function.arguments or ""  # type: ignore[union-attr]
        for c in chunks
        if c.choices and c.choices[0].delta.tool_calls
    )
    assert json.loads(arguments) == {"city": "Paris"}
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens == 119


def test_openai_sdk_bad_request(mock_url: str) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        sdk(mock_url).chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": 5}]
        )  # type: ignore[list-item, misc]
    assert raised.value.status_code == 400
    assert raised.value.param == "messages[0].content"
    assert raised.value.type == "invalid_request_error"


def test_openai_sdk_bad_token(mock_url: str) -> None:
    with pytest.raises(openai.AuthenticationError) as raised:
        sdk(mock_url, token="not-the-token").chat.completions.create(model="gpt-4o", messages=[])
    assert raised.value.status_code == 401
    assert raised.value.code == "invalid_api_key"
    assert raised.value.response.headers["www-authenticate"] == "Bearer"


# --- raw HTTP: the seed, and what the mock answers ------------------------------------------------------


def example_stream() -> list[Any]:
    """The spec's example stream: one example per event, in the order they are sent."""
    document = json.loads((GENERATED / "chat_completions" / "openapi.json").read_text())
    media = document["paths"][
        "/tenant/{tenant}/release/{release}/openai-compatible/v1/chat/completions"
    ]["post"]["responses"]["200"]["content"]["text/event-stream"]
    return [example["value"] for example in media["examples"].values()]


def test_seed_request_gets_an_event_stream_as_the_spec_says(http: httpx.Client) -> None:
    """The seed sends `"stream": true`: the spec answers that with an event stream."""
    response = http.post(PATH, json=seed_request(), headers=AUTH)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    assert [json.loads(e) for e in events(response.text)[:-1]] == example_stream()
    plain = http.post(PATH, json={**seed_request(), "stream": False}, headers=AUTH)
    assert plain.headers["content-type"] == "application/json"
    assert plain.json() == json.loads((SEED / "response.json").read_text())


def test_prefer_picks_an_example_a_status_or_a_drawn_answer(http: httpx.Client) -> None:
    document = json.loads((GENERATED / "chat_completions" / "openapi.json").read_text())
    operation = document["paths"][
        "/tenant/{tenant}/release/{release}/openai-compatible/v1/chat/completions"
    ]["post"]
    answers = operation["responses"]["200"]["content"]["application/json"]["examples"]
    named = http.post(PATH, json=SIMPLE, headers={**AUTH, "Prefer": "example=tool_calls"})
    assert named.json() == answers["tool_calls"]["value"]
    limited = http.post(PATH, json=SIMPLE, headers={**AUTH, "Prefer": "code=429"})
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limit_exceeded"
    drawn = http.post(PATH, json=SIMPLE, headers={**AUTH, "Prefer": "dynamic=true"})
    assert drawn.status_code == 200
    completion = models.CreateChatCompletionResponse.model_validate(drawn.json())
    again = http.post(PATH, json=SIMPLE, headers={**AUTH, "Prefer": "dynamic=true"})
    assert again.json() == drawn.json()  # the same request, the same draw
    assert completion.choices is not None
    unknown = http.post(PATH, json=SIMPLE, headers={**AUTH, "Prefer": "example=nope"})
    assert_error(unknown, 400, param="Prefer")


def test_each_request_example_gets_its_response_example(http: httpx.Client) -> None:
    """The mock pairs examples by name; unnamed requests get the first JSON example."""
    document = json.loads((GENERATED / "chat_completions" / "openapi.json").read_text())
    operation = document["paths"][
        "/tenant/{tenant}/release/{release}/openai-compatible/v1/chat/completions"
    ]["post"]
    requests = operation["requestBody"]["content"]["application/json"]["examples"]
    responses = operation["responses"]["200"]["content"]["application/json"]["examples"]
    simple = http.post(PATH, json=requests["simple"]["value"], headers=AUTH)
    assert simple.json() == responses["seed"]["value"]  # no "simple" response: the first one
    streaming = http.post(PATH, json=requests["streaming"]["value"], headers=AUTH)
    assert streaming.headers["content-type"].startswith("text/event-stream")
    assert [json.loads(e) for e in events(streaming.text)[:-1]] == example_stream()
    assert events(streaming.text)[-1] == "[DONE]"


def test_stream_wire_format(http: httpx.Client) -> None:
    with http.stream("POST", PATH, json={**SIMPLE, "stream": True}, headers=AUTH) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["x-request-id"]
        text = response.read().decode()
    frames = text.split("\n\n")
    assert frames[-1] == "" and all(f.startswith("data: ") and "\n" not in f for f in frames[:-1])
    assert frames[-2] == "data: [DONE]"
    assert all("chat.completion.chunk" in frame for frame in frames[:-2])


def test_openapi_document_is_the_spec(http: httpx.Client) -> None:
    served = http.get("/openapi.json").json()
    assert served == json.loads((GENERATED / "chat_completions" / "openapi.json").read_text())
    assert served["info"]["title"] == "Chat Completions Gateway API" and "components" in served


def test_unknown_fields_reach_the_handler(scripted: tuple[str, Scripted]) -> None:
    url, _ = scripted
    with httpx.Client(base_url=url, timeout=TIMEOUT) as client:
        response = client.post(
            "/tenant/context/release/r7/openai-compatible/v1/chat/completions",
            json={**SIMPLE, "x-vendor": {"kept": True}},
            headers={**AUTH, "x-extra": "hello", "x-request-id": "req-abc"},
        )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "id": "req-abc",
        "object": "chat.completion",
        "created": 0,
        "model": "team-a|r7|hello",
        "choices": [],
    }


# --- malformed input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type", "param", "fragment"),
    [
        (b'{"model": "m", "messages": [', "application/json", None, "parse the JSON"),
        (b"\xff\xfe", "application/json", None, "parse the JSON"),
        (b"", "application/json", None, "missing"),
        (b"[1, 2]", "application/json", None, "Invalid request body"),
        (
            b'{"messages": [{"role": "user", "content": "x"}]}',
            "application/json",
            "model",
            "Missing required parameter: 'model'",
        ),
        (
            b'{"model": 5, "messages": [{"role": "user", "content": "x"}]}',
            "application/json",
            "model",
            "Invalid value for 'model'",
        ),
        (
            b'{"model": "m", "messages": [{"role": "user", "content": "x"}], "n": "1"}',
            "application/json",
            "n",
            "'n'",
        ),
        (
            b'{"model": "m", "messages": [{"content": "x"}]}',
            "application/json",
            "messages[0].role",
            "Missing",
        ),
        (
            b'{"model": "m", "messages": [{"role": "user", "content": "x"}], "tool_choice": 3}',
            "application/json",
            "tool_choice",
            "'tool_choice'",
        ),
        (json.dumps(SIMPLE).encode(), "text/plain", None, "Unsupported content type: 'text/plain'"),
        (
            json.dumps(SIMPLE).encode(),
            "application/x-www-form-urlencoded",
            None,
            "Unsupported content type",
        ),
        (json.dumps(SIMPLE).encode(), None, None, "Unsupported content type: none"),
    ],
)
def test_bad_body_is_400(
    http: httpx.Client, content: bytes, content_type: str | None, param: str | None, fragment: str
) -> None:
    headers = {**AUTH, **({"content-type": content_type} if content_type else {})}
    error = assert_error(
        http.post(PATH, content=content, headers=headers), 400, param, "invalid_request_error"
    )
    assert fragment in error["message"]


def test_json_content_type_with_charset_is_accepted(http: httpx.Client) -> None:
    response = http.post(
        PATH,
        content=json.dumps(SIMPLE),
        headers={**AUTH, "content-type": "Application/JSON; charset=utf-8"},
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("tenant", "release", "param"),
    [
        ("%2E%2E", "r1", "tenant"),
        ("a%20b", "r1", "tenant"),
        ("acme", "r..1", "release"),
        ("-acme", "r1", "tenant"),
        ("a" * 129, "r1", "tenant"),
    ],
)
def test_bad_path_parameter_is_400(
    http: httpx.Client, tenant: str, release: str, param: str
) -> None:
    url = f"/tenant/{tenant}/release/{release}/openai-compatible/v1/chat/completions"
    assert_error(http.post(url, json=SIMPLE, headers=AUTH), 400, param)


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("POST", "/tenant/acme/release/r1/openai-compatible/v1/chat/completion", 404),
        ("POST", "/tenant//release/r1/openai-compatible/v1/chat/completions", 404),
        ("POST", "/tenant/a%2Fb/release/r1/openai-compatible/v1/chat/completions", 404),
        ("POST", PATH + "/", 404),
        ("GET", "/", 404),
        ("GET", PATH, 405),
        ("DELETE", PATH, 405),
    ],
)
def test_unknown_path_or_method(http: httpx.Client, method: str, url: str, status: int) -> None:
    response = http.request(method, url, json=SIMPLE, headers=AUTH)
    assert_error(response, status)
    assert response.headers["x-request-id"]
    if status == 405:
        assert response.headers["allow"] == "POST"


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        f"Token {TOKEN}",
        f"Bearer {TOKEN} extra",
        "Bearer wrong-token",
        f"Bearer {TOKEN}x",
    ],
)
def test_missing_malformed_or_rejected_credential_is_401(
    http: httpx.Client, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = http.post(PATH, json=SIMPLE, headers=headers)
    assert_error(response, 401, None, "authentication_error")
    assert response.headers["www-authenticate"] == "Bearer"
    assert TOKEN not in response.text


def test_bearer_scheme_is_case_insensitive(http: httpx.Client) -> None:
    assert (
        http.post(PATH, json=SIMPLE, headers={"Authorization": f"bearer {TOKEN}"}).status_code
        == 200
    )


def test_auth_is_checked_before_the_body(http: httpx.Client) -> None:
    assert_error(http.post(PATH, content=b"{", headers={"content-type": "application/json"}), 401)


# --- request ids ---------------------------------------------------------------------------------


def test_request_id_is_echoed(http: httpx.Client) -> None:
    for headers, status in [(AUTH, 200), ({}, 401)]:
        response = http.post(
            PATH, json=SIMPLE, headers={**headers, "x-request-id": "req-from-client.1"}
        )
        assert response.status_code == status
        assert response.headers.get_list("x-request-id") == ["req-from-client.1"]


def test_request_id_is_generated_when_missing_or_unsafe(http: httpx.Client) -> None:
    seen = set()
    for headers in [
        AUTH,
        {**AUTH, "x-request-id": "x" * 300},
        {**AUTH, "x-request-id": "has space"},
    ]:
        for url in (PATH, "/unknown"):
            response = http.post(url, json=SIMPLE, headers=headers)
            (request_id,) = response.headers.get_list("x-request-id")
            assert request_id.startswith("req_") and len(request_id) == 36
            seen.add(request_id)
    assert len(seen) == 6


# --- handler failures -------------------------------------------------------------------------------


def scripted_path(tenant: str) -> str:
    return f"/tenant/{tenant}/release/r1/openai-compatible/v1/chat/completions"


def test_handler_exception_is_500_without_details(
    scripted: tuple[str, Scripted], caplog: pytest.LogCaptureFixture
) -> None:
    url, _ = scripted
    with caplog.at_level(logging.ERROR), httpx.Client(base_url=url, timeout=TIMEOUT) as client:
        response = client.post(
            scripted_path("boom"), json=SIMPLE, headers={**AUTH, "x-request-id": "req-boom"}
        )
    error = assert_error(response, 500, None, "server_error")
    assert "secret detail" not in response.text and "RuntimeError" not in response.text
    assert response.headers["x-request-id"] == "req-boom"
    # The details go to the log, with the request id, and the token does not.
    assert "the secret detail of a crash" in caplog.text and "req-boom" in caplog.text
    assert TOKEN not in caplog.text
    assert error["message"]


def test_handler_error_sets_status_and_body(scripted: tuple[str, Scripted]) -> None:
    url, _ = scripted
    with httpx.Client(base_url=url, timeout=TIMEOUT) as client:
        error = assert_error(
            client.post(scripted_path("teapot"), json=SIMPLE, headers=AUTH), 404, "model"
        )
    assert error == {
        "message": "No such model.",
        "type": "invalid_request_error",
        "param": "model",
        "code": "model_not_found",
    }


def test_stream_that_fails_before_its_first_chunk_is_a_plain_error(
    scripted: tuple[str, Scripted],
) -> None:
    url, _ = scripted
    with httpx.Client(base_url=url, timeout=TIMEOUT) as client:
        error = assert_error(
            client.post(scripted_path("fails-first"), json=SIMPLE, headers=AUTH),
            403,
            None,
            "permission_error",
        )
    assert error["code"] == "tenant_forbidden"


def test_mid_stream_error_is_an_error_event_then_a_clean_end(
    scripted: tuple[str, Scripted], caplog: pytest.LogCaptureFixture
) -> None:
    url, _ = scripted
    with caplog.at_level(logging.ERROR), httpx.Client(base_url=url, timeout=TIMEOUT) as client:
        response = client.post(scripted_path("midstream"), json=SIMPLE, headers=AUTH)
    assert response.status_code == 200
    payloads = events(response.text)
    assert len(payloads) == 3 and "[DONE]" not in payloads
    assert [json.loads(p)["choices"][0]["delta"]["content"] for p in payloads[:2]] == ["one", "two"]
    assert json.loads(payloads[2]) == {
        "error": {
            "message": "The server had an error while processing your request.",
            "type": "server_error",
            "param": None,
            "code": None,
        }
    }
    assert "secret detail" not in response.text
    assert "the secret detail of a broken stream" in caplog.text


def test_mid_stream_error_reaches_the_openai_sdk_as_an_error(
    scripted: tuple[str, Scripted],
) -> None:
    url, _ = scripted
    client = openai.OpenAI(
        base_url=url + "/tenant/midstream/release/r1/openai-compatible/v1",
        api_key=TOKEN,
        max_retries=0,
        timeout=10.0,
    )
    received = []
    with pytest.raises(openai.APIError):
        for item in client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "x"}], stream=True
        ):
            received.append(item)
    assert len(received) == 2


def test_events_are_flushed_as_produced(scripted: tuple[str, Scripted]) -> None:
    """The handler waits after its first chunk until the test has received that chunk."""
    url, handler = scripted
    handler.gate.clear()
    with (
        httpx.Client(base_url=url, timeout=TIMEOUT) as client,
        client.stream("POST", scripted_path("gated"), json=SIMPLE, headers=AUTH) as response,
    ):
        lines = response.iter_lines()
        first = next(line for line in lines if line.startswith("data: "))
        assert json.loads(first.removeprefix("data: "))["choices"][0]["delta"]["content"] == "one"
        handler.gate.set()
        rest = [line for line in lines if line.startswith("data: ")]
    assert rest[-1] == "data: [DONE]" and len(rest) == 2


def test_client_disconnect_cancels_the_handlers_iterator(scripted: tuple[str, Scripted]) -> None:
    url, handler = scripted
    handler.closed.clear()
    with (
        httpx.Client(base_url=url, timeout=TIMEOUT) as client,
        client.stream("POST", scripted_path("endless"), json=SIMPLE, headers=AUTH) as response,
    ):
        received = 0
        for line in response.iter_lines():
            received += line.startswith("data: ")
            if received == 5:
                break  # leaving the block closes the connection mid-stream
    assert handler.closed.wait(timeout=5), "the handler's iterator was not closed"
    stopped_at = handler.progress
    time.sleep(0.1)
    assert handler.progress == stopped_at < 100


def test_client_disconnect_cancels_a_handler_that_is_waiting(
    scripted: tuple[str, Scripted],
) -> None:
    """No event is due, so no write can fail: the server notices the disconnect by itself."""
    url, handler = scripted
    handler.closed.clear()
    started = time.monotonic()
    with (
        httpx.Client(base_url=url, timeout=TIMEOUT) as client,
        client.stream("POST", scripted_path("stalled"), json=SIMPLE, headers=AUTH) as response,
    ):
        next(line for line in response.iter_lines() if line.startswith("data: "))
    assert handler.closed.wait(timeout=5), "the waiting handler was not cancelled"
    assert time.monotonic() - started < 10


# --- concurrency ------------------------------------------------------------------------------------


def test_hundreds_of_parallel_requests_are_all_answered(mock_url: str) -> None:
    async def run() -> list[int]:
        limits = httpx.Limits(max_connections=300, max_keepalive_connections=300)
        async with httpx.AsyncClient(
            base_url=mock_url, timeout=httpx.Timeout(30.0), limits=limits
        ) as client:

            async def one(index: int) -> int:
                body = {**SIMPLE, "stream": index % 3 == 0}
                response = await client.post(
                    PATH, json=body, headers={**AUTH, "x-request-id": f"req-{index}"}
                )
                assert response.headers["x-request-id"] == f"req-{index}"
                if body["stream"]:
                    assert events(response.text)[-1] == "[DONE]"
                return response.status_code

            return await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(300))), timeout=60)

    assert asyncio.run(run()) == [200] * 300


# --- the command line ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def command_line_server(*arguments: str) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(GENERATED)}
    env.pop("CHAT_COMPLETIONS_SERVER_TOKENS", None)
    command = [
        sys.executable,
        "-m",
        "chat_completions.server",
        "--mock",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        *arguments,
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
            assert time.monotonic() < deadline, "the server did not start"
            with contextlib.suppress(httpx.TransportError):
                httpx.get(url + "/openapi.json", timeout=1)
                break
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_command_line_mock_answers_the_seed_curl() -> None:
    """The seed's curl, tenant and release filled in, with any token: `make serve` does this."""
    seed = SEED / "request.json"
    with command_line_server() as url:
        response = httpx.post(
            url + "/tenant/acme/release/r1/openai-compatible/v1/chat/completions",
            content=seed.read_bytes(),
            headers={"Authorization": "Bearer <token>", "Content-Type": "application/json"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        assert [json.loads(e) for e in events(response.text)[:-1]] == example_stream()
        assert_error(httpx.post(url + PATH, json=SIMPLE, timeout=10), 401)


def test_command_line_token_restricts_access() -> None:
    with command_line_server("--token", "only-this") as url:
        assert_error(httpx.post(url + PATH, json=SIMPLE, headers=AUTH, timeout=10), 401)
        ok = httpx.post(
            url + PATH, json=SIMPLE, headers={"Authorization": "Bearer only-this"}, timeout=10
        )
        assert ok.status_code == 200


# --- create_app's contract ----------------------------------------------------------------------------


def test_create_app_requires_authenticate_when_the_spec_has_security() -> None:
    with pytest.raises(TypeError, match="authenticate"):
        create_app(MockHandler())
