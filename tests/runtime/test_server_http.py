"""The server under hostile clients (generator/runtime/_server_http.py, and the body limits of
_server_runtime.py), over real HTTP: an app made by `build_app` served by uvicorn on 127.0.0.1
with the package's protocol and limits, in a thread of this process, and raw-socket clients
from tests/fault_server.py that misbehave on purpose: oversized and endless bodies, bodies that
stop, clients that go away, slowloris heads, idle connections, malformed and oversized heads,
too many connections. Every refusal is in the spec's error shape with an `x-request-id`.

Memory is measured with tracemalloc (the server runs in this process); nothing here asserts on
wall time: every wait is bounded by a socket timeout, every loop by its count."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from generator.runtime._server_http import (
    ServerLimits,
    error_format_in,
    refusal,
    uvicorn_settings,
)
from generator.runtime._server_runtime import (
    PLAIN_ERRORS,
    WORKER_SETTINGS,
    BodyRule,
    MediaRule,
    adapter,
    build_app,
    check_json,
    context_of,
    guarded,
    worker_app,
)
from tests.fault_server import connect, drip, exchange, read_answer, request_head

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]
LIMITS = ServerLimits(head_timeout=0.5, keep_alive_timeout=1, max_head_size=8 * 1024)


class Message(BaseModel):
    role: str
    content: str


class Chat(BaseModel):
    model: str
    messages: list[Message]
    temperature: float | None = None


CHAT = BodyRule({"application/json": MediaRule("json", adapter(Chat))}, required=True)
SMALL = BodyRule({"application/json": MediaRule("json", adapter(Chat), max_size=100)}, True)
RAW = BodyRule({"application/octet-stream": MediaRule("binary", max_size=2 * MB)}, True)
calls: list[str] = []


async def chat(request: Request) -> Response:
    body = await CHAT.read(request)
    calls.append("chat")
    return JSONResponse(
        {"messages": len(body.messages), "id": context_of(request, None).request_id}
    )


async def small(request: Request) -> Response:
    await SMALL.read(request)
    return JSONResponse({"ok": True})


async def raw(request: Request) -> Response:
    return JSONResponse({"size": len(await RAW.read(request))})


def make_app(**settings: Any) -> Any:
    routes = [
        ("/chat", {"POST": guarded("chat", chat)}),
        ("/small", {"POST": guarded("small", small)}),
        ("/raw", {"POST": guarded("raw", raw)}),
    ]
    return build_app(routes, title="Test", version="1", **settings)


@contextlib.contextmanager
def serving(app: Any, limits: ServerLimits = LIMITS) -> Iterator[int]:
    """`app` served by uvicorn with the package's protocol and `limits`, on a free port."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="info", lifespan="off", **uvicorn_settings(limits)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.025)
    assert server.started, "uvicorn did not start"
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with serving(make_app(max_body_size=MB, body_timeout=0.5)) as running:
        yield running


def post(port: int, path: str, body: bytes, **headers: str) -> httpx.Response:
    headers = {"content-type": "application/json", **headers}
    return httpx.post(f"http://127.0.0.1:{port}{path}", content=body, headers=headers, timeout=10)


def assert_refused(answer: Any, status: int, fragment: str) -> dict[str, Any]:
    """An answer in the spec's error shape, with a request id, that closed the connection."""
    assert answer is not None, "the server closed without an answer"
    assert answer.status == status, (answer.status, answer.body)
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["x-request-id"].startswith("req_")
    error = answer.json()["error"]
    assert fragment in error["message"], error
    assert set(error) == {"message", "type", "param", "code"}
    assert answer.headers.get("connection") == "close"
    return dict(error)


def wait_for(condition: Any, rounds: int = 100) -> bool:
    for _ in range(rounds):
        if condition():
            return True
        time.sleep(0.05)
    return False


# --- bodies ----------------------------------------------------------------------------------------


def test_a_body_that_says_it_is_too_large_is_refused_before_it_is_sent(port: int) -> None:
    head = request_head(
        "POST", "/chat", {"content-type": "application/json", "content-length": str(100 * MB)}
    )
    error = assert_refused(exchange(port, head), 413, "larger than 1048576 bytes")
    assert (error["type"], error["code"]) == ("invalid_request_error", "request_too_large")


def test_an_endless_body_is_refused_once_past_the_limit_without_being_held(port: int) -> None:
    head = request_head(
        "POST", "/chat", {"content-type": "application/json", "transfer-encoding": "chunked"}
    )
    piece = b"x" * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    calls.clear()
    tracemalloc.start()
    try:
        with connect(port) as sock:
            sock.sendall(head + b'b\r\n{"model": "\r\n')  # a chunk of 11 bytes
            sent = 0
            with contextlib.suppress(OSError):  # the server closes once it has refused
                for _ in range(64 * 16):  # at most 64 MB
                    sock.sendall(chunk)
                    sent += len(piece)
            answer = None
            with contextlib.suppress(OSError):  # a reset may overtake the 413
                answer = read_answer(sock)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert sent < 64 * MB  # the server stopped reading long before the end
    assert peak < 8 * MB, peak
    assert calls == []
    if answer is not None:
        assert answer.status == 413


def test_an_operation_has_the_limit_its_spec_gives(port: int) -> None:
    body = json.dumps({"model": "m" * 200, "messages": []}).encode()
    refused = post(port, "/small", body)
    assert refused.status_code == 413 and "larger than 100 bytes" in refused.text
    assert post(
        port, "/raw", b"\0" * (MB + 10), **{"content-type": "application/octet-stream"}
    ).json() == {"size": MB + 10}  # beyond the app's 1 MB: its spec allows 2 MB


def test_memory_per_request_is_a_small_multiple_of_the_body() -> None:
    with serving(make_app(max_body_size=64 * MB)) as port:
        content = "x" * (16 * MB)
        body = json.dumps({"model": "m", "messages": [{"role": "user", "content": content}]})
        encoded = body.encode()
        del body
        tracemalloc.start()
        try:
            answer = post(port, "/chat", encoded)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert answer.json()["messages"] == 1
    assert peak / len(encoded) < 5, peak / len(encoded)  # read, checked, validated: ~3x


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b'{"model": "m", "messages": [], "temperature": NaN}', "has NaN"),
        (b'{"model": "m", "messages": [], "temperature": Infinity}', "has Infinity"),
        (b'{"model": "m", "messages": [], "temperature": -Infinity}', "has -Infinity"),
        (b'{"model": "m", "messages": [], "temperature": 1e400}', "number 1e400"),
        (b'{"model": "m", "model": "n", "messages": []}', "repeats the key 'model'"),
        (b'{"model": "m", "messages": [{"role": "a", "role": "b", "content": ""}]}', "'role'"),
    ],
)
def test_json_that_parsers_take_but_json_forbids_is_a_400(
    port: int, body: bytes, fragment: str
) -> None:
    refused = post(port, "/chat", body)
    assert refused.status_code == 400 and fragment in refused.json()["error"]["message"]
    assert refused.headers["x-request-id"]


def test_json_checks() -> None:
    check_json(b'{"a": [1, 2.5, -0.0, 1e308, 123456789012345678901234567890], "b": {"a": 1}}')
    check_json(b"not json at all")  # pydantic says what is wrong with it, and where
    check_json(b"[" * 100_000)  # too deep for the standard library: pydantic refuses it too
    check_json('{"\u00e9": "\u00e9"}'.encode())


def test_a_body_that_stops_arriving_is_a_408(port: int) -> None:
    head = request_head(
        "POST", "/chat", {"content-type": "application/json", "content-length": "1000"}
    )
    assert_refused(exchange(port, head + b'{"model": '), 408, "no byte for 0.5 s")


def test_a_client_that_goes_away_mid_body_is_one_line_at_info(
    port: int, caplog: pytest.LogCaptureFixture
) -> None:
    head = request_head(
        "POST", "/chat", {"content-type": "application/json", "content-length": "1000"}
    )
    with caplog.at_level(logging.INFO, logger="generator.runtime.server"):
        with connect(port) as sock:
            sock.sendall(head + b'{"model": ')
        assert wait_for(lambda: "went away" in caplog.text)
    records = [r for r in caplog.records if r.name.startswith(("generator.runtime", "uvicorn"))]
    assert [r.levelno for r in records if "went away" in r.getMessage()] == [logging.INFO]
    assert all(r.levelno < logging.ERROR for r in records), [r.getMessage() for r in records]
    assert all(r.exc_info is None for r in records if "went away" in r.getMessage())


# --- heads and connections -------------------------------------------------------------------------


def test_a_slowloris_head_is_cut_off_with_a_408(port: int) -> None:
    head = request_head("POST", "/chat", {"x-padding": "p" * 200})
    sent, answer = drip(port, head, every=0.05)
    assert sent < len(head)
    assert_refused(answer, 408, "headers did not arrive within 0.5 s")


def test_an_idle_connection_is_closed(port: int) -> None:
    with connect(port) as sock:
        assert sock.recv(1) == b""  # closed after the head timeout, without a word


def test_a_kept_alive_connection_is_closed_once_idle(port: int) -> None:
    body = json.dumps({"model": "m", "messages": []}).encode()
    head = request_head(
        "POST", "/chat", {"content-type": "application/json", "content-length": str(len(body))}
    )
    with connect(port) as sock:
        sock.sendall(head + body)
        answer = read_answer(sock)
        assert answer is not None and answer.status == 200 and answer.closed  # keep-alive: 1 s


@pytest.mark.parametrize(
    ("data", "status", "fragment"),
    [
        (b"NOT HTTP AT ALL\r\n\r\n", 400, "not valid HTTP/1.1"),
        (b"POST /chat HTTP/1.1\r\nhost: x\r\nbad header\r\n\r\n", 400, "not valid HTTP/1.1"),
        (
            b"GET /chat HTTP/1.1\r\nhost: x\r\nx-big: " + b"a" * 20_000 + b"\r\n\r\n",
            431,
            "larger than 8192 bytes",
        ),
    ],
)
def test_what_uvicorn_refuses_itself_is_in_the_spec_shape(
    port: int, data: bytes, status: int, fragment: str
) -> None:
    assert_refused(exchange(port, data), status, fragment)


def test_past_the_concurrency_limit_requests_are_a_503() -> None:
    with serving(make_app(), replace(LIMITS, concurrency=1, head_timeout=5)) as port:
        with connect(port):  # one connection is all the limit allows
            body = json.dumps({"model": "m", "messages": []}).encode()
            head = request_head(
                "POST",
                "/chat",
                {"content-type": "application/json", "content-length": str(len(body))},
            )
            error = assert_refused(exchange(port, head + body), 503, "busy")
            assert error["type"] == "server_error"
        assert wait_for(lambda: post(port, "/chat", body).status_code == 200)


def test_refusals_use_the_apps_error_model() -> None:
    class ErrorObject(BaseModel):
        message: str
        type: str
        param: str | None = None
        code: str | None = None

    class ErrorResponse(BaseModel):
        error: ErrorObject

    app = make_app(error_model=ErrorResponse)
    assert error_format_in(app) is app.state.error_format is not PLAIN_ERRORS
    assert error_format_in(object()) is PLAIN_ERRORS
    body, headers = refusal(PLAIN_ERRORS, 503, "busy", retry_after=1)
    assert json.loads(body)["error"]["message"] == "busy" and ("retry-after", "1") in headers


# --- several workers -------------------------------------------------------------------------------


def test_a_worker_makes_its_app_from_the_settings_main_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = {
        "create_app": "tests.runtime.test_server_http:create_app",
        "handler": "collections:OrderedDict",
        "mock": False,
        "tokens": ["t"],
        "base_path": "/v1",
        "max_body_size": 123,
        "body_timeout": 4.5,
    }
    monkeypatch.setenv(WORKER_SETTINGS, json.dumps(settings))
    made = worker_app()
    assert made == {
        "handler": "OrderedDict",
        "base_path": "/v1",
        "max_body_size": 123,
        "body_timeout": 4.5,
    }


def create_app(handler: Any, **settings: Any) -> Any:
    """A stand-in for a package's `create_app`, for the worker test."""
    assert settings.pop("authenticate") is not None
    return {"handler": type(handler).__name__, **settings}


def app_for_main(
    handler: Any,
    *,
    authenticate: Any = None,
    base_path: str = "",
    max_body_size: int | None = None,
    body_timeout: float | None = None,
) -> Any:
    """A package's `create_app`, as `main` calls it, for the command-line test."""
    return make_app(max_body_size=max_body_size, body_timeout=body_timeout)


MAIN = """
import sys
from generator.runtime._server_runtime import main
from tests.runtime.test_server_http import app_for_main

main(sys.argv[1:], create_app=app_for_main, mock=dict, title="Test", base_path="",
     env_prefix="TEST", requires_auth=False)
"""


def test_the_command_line_serves_on_several_workers_within_its_limits() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    command = [sys.executable, "-c", MAIN, "--mock", "--port", str(free), "--workers", "2"]
    command += ["--max-body-size", "100", "--head-timeout", "0.5", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        body = json.dumps({"model": "m" * 200, "messages": []}).encode()

        def answers() -> bool:
            try:
                return post(free, "/chat", body).status_code == 413  # the limit reached the workers
            except httpx.HTTPError:
                return False

        assert wait_for(answers, rounds=400)
        assert exchange(free, b"") is None  # a connection that sends nothing is closed
    finally:
        server.terminate()
        server.wait(30)
