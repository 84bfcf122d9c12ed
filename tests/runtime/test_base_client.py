"""The client's core (generator/runtime/_base_client.py) without generating anything: retry timing,
the request-building helpers, the parsers, and `SyncAPIClient`/`AsyncAPIClient` sending real
requests to the fault server on 127.0.0.1 (tests/fault_server.py): retries, errors in the spec's
shape, timeouts, raw and streamed views, credentials and headers."""

from __future__ import annotations

import asyncio
import email.utils
import enum
import io
import json
import logging
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from generator.runtime._base_client import (
    NOT_GIVEN,
    RAW,
    STREAMED,
    APIResponse,
    AsyncAPIClient,
    AsyncStreamedResponse,
    RequestParts,
    RetryPolicy,
    StreamedResponse,
    SyncAPIClient,
    adapter_parser,
    add_cookie,
    add_header,
    add_query,
    auth_credentials,
    bytes_parser,
    form_body,
    json_body,
    json_parser,
    json_string_parser,
    json_text,
    lower_keys,
    model_parser,
    multipart_body,
    no_content,
    parsed,
    path_value,
    retry_after,
    text_body,
    text_parser,
)
from generator.runtime._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AuthenticationError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    SpecErrors,
)
from tests.fault_server import FaultServer

TOKEN = "sk-test-RUNTIME-77"
FAST = RetryPolicy(max_retries=2, initial_delay=0.01, max_delay=0.02)
MODES = ["sync", "async"]


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


def key() -> str:
    return uuid.uuid4().hex[:12]


def settings(server: FaultServer, **overrides: Any) -> dict[str, Any]:
    return {
        "base_url": server.url,
        "token": TOKEN,
        "auth": ("bearer", None, None),
        "timeout": 5.0,
        "retry": FAST,
        "default_headers": None,
        "user_agent": "runtime-tests/1",
        **overrides,
    }


def get(path: str, **overrides: Any) -> RequestParts:
    parts = {"params": None, "headers": None, "content": None, "content_type": None}
    parts.update(overrides)
    return RequestParts("GET", path, accept="application/json", **parts)


def call(mode: str, client_settings: dict[str, Any], parts: RequestParts, parse: Any = None) -> Any:
    """One call on a fresh blocking or asyncio client; its result, or its error raised."""
    parse = parse or json_parser
    if mode == "sync":
        with SyncAPIClient(http_client=None, **client_settings) as client:
            return client._call(parts, NOT_GIVEN, parse)

    async def run() -> Any:
        async with AsyncAPIClient(http_client=None, **client_settings) as client:
            return await client._call(parts, NOT_GIVEN, parse)

    return asyncio.run(run())


def scenario(name: str) -> tuple[str, str]:
    """A fault-server path for `name`, and the key its attempts are counted under."""
    attempts = key()
    return f"/tenant/{name}/release/{attempts}/x", attempts


# --- retry timing ----------------------------------------------------------------------------------


def test_retry_after_forms() -> None:
    assert retry_after(httpx.Headers({"retry-after": "2"})) == 2.0
    assert retry_after(httpx.Headers({"retry-after": "1.5"})) == 1.5
    assert retry_after(httpx.Headers({"retry-after-ms": "250", "retry-after": "9"})) == 0.25
    now = time.time()
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert 28 <= (retry_after(httpx.Headers({"retry-after": date}), now=now) or 0) <= 31
    past = email.utils.formatdate(now - 30, usegmt=True)
    assert retry_after(httpx.Headers({"retry-after": past}), now=now) == 0.0
    for garbage in ("soon", "-1", "nan", "inf", ""):
        assert retry_after(httpx.Headers({"retry-after": garbage})) is None
    assert retry_after(httpx.Headers({"retry-after-ms": "soon", "retry-after": "3"})) == 3.0
    assert retry_after(httpx.Headers()) is None


def test_backoff_is_exponential_capped_and_jittered() -> None:
    policy = RetryPolicy(initial_delay=0.5, max_delay=8.0, jitter=0.25)
    for retries, ceiling in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (10, 8.0)]:
        delays = [policy.backoff(retries) for _ in range(50)]
        assert all(0.75 * ceiling <= delay <= ceiling for delay in delays)
    assert len({policy.backoff(3) for _ in range(20)}) > 1
    assert RetryPolicy(initial_delay=1.0, jitter=0.0).backoff(2) == 4.0


def _response(status: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, headers=headers, request=httpx.Request("POST", "http://x/"))


def test_which_responses_are_retried() -> None:
    policy = RetryPolicy(max_retry_after=60)
    for status in (408, 409, 429, 500, 502, 503, 504):
        assert policy.delay_for(_response(status), 0) is not None
    for status in (400, 401, 403, 404, 422):
        assert policy.delay_for(_response(status), 0) is None
    assert policy.delay_for(_response(400, {"x-should-retry": "true"}), 0) is not None
    assert policy.delay_for(_response(503, {"x-should-retry": "false"}), 0) is None
    assert policy.delay_for(_response(429, {"retry-after": "30"}), 0) == 30
    assert policy.delay_for(_response(429, {"retry-after-ms": "1500"}), 0) == 1.5
    assert policy.delay_for(_response(429, {"retry-after": "61"}), 0) is None


# --- request building ------------------------------------------------------------------------------


class Color(enum.Enum):
    RED = "red"


class Filter(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    kind: str
    max_size: int | None = Field(None, alias="maxSize")


def query(name: str, value: object, style: str = "form", explode: bool = True) -> list[Any]:
    params: list[tuple[str, Any]] = []
    add_query(params, name, value, style, explode)
    return params


def test_query_values_as_style_and_explode_say() -> None:
    assert query("q", "a b") == [("q", "a b")]
    assert query("n", 5) == [("n", "5")]
    assert query("flag", True) == [("flag", "true")]
    assert query("color", Color.RED) == [("color", "red")]
    assert query("q", None) == []
    assert query("ids", [1, 2]) == [("ids", "1"), ("ids", "2")]
    assert query("ids", [1, 2], explode=False) == [("ids", "1,2")]
    assert query("ids", (1, 2), "spaceDelimited", False) == [("ids", "1 2")]
    assert query("ids", [1, 2], "pipeDelimited", False) == [("ids", "1|2")]
    assert query("f", {"a": 1, "b": None}) == [("a", "1")]  # form, exploded: its own parameters
    assert query("f", {"a": 1, "b": "x"}, explode=False) == [("f", "a,1,b,x")]
    assert query("f", {"a": 1, "b": True}, "deepObject") == [("f[a]", "1"), ("f[b]", "true")]
    model = Filter(kind="k", maxSize=3)
    assert query("f", model, "deepObject") == [("f[kind]", "k"), ("f[maxSize]", "3")]
    assert query("f", Filter(kind="k"), "deepObject") == [("f[kind]", "k")]  # unset left out


def test_headers_cookies_and_json_text_parameters() -> None:
    headers: dict[str, str] = {}
    add_header(headers, "x-ids", [1, 2])
    add_header(headers, "x-flag", False)
    add_header(headers, "x-none", None)
    assert headers == {"x-ids": "1,2", "x-flag": "false"}
    cookies: list[str] = []
    add_cookie(cookies, "session", "abc")
    add_cookie(cookies, "none", None)
    add_cookie(cookies, "color", Color.RED)
    assert cookies == ["session=abc", "color=red"]
    assert json_text({"a": [1, None]}) == '{"a":[1,null]}'
    assert json_text(Filter(kind="k")) == '{"kind":"k"}'
    assert json_text(None) is None
    assert lower_keys({"X-A": "1", "b": "2"}) == {"x-a": "1", "b": "2"}


def test_path_values_are_percent_encoded_and_shared_ones_default() -> None:
    assert path_value("a/b c?d") == "a%2Fb%20c%3Fd"
    assert path_value(7) == "7"
    assert path_value(Color.RED) == "red"
    assert path_value(True) == "true"
    assert path_value(None, "from-client", "tenant") == "from-client"
    with pytest.raises(TypeError, match=r"tenant is required: pass tenant=\.\.\."):
        path_value(None, None, "tenant")


def test_json_bodies() -> None:
    mapping = {"z": 1, "a": None, "m": [1]}
    assert json_body(mapping, None) == b'{"z":1,"a":null,"m":[1]}'  # as given, in its order
    assert json_body(Filter(kind="k"), None) == b'{"kind":"k"}'
    assert json_body(Filter(kind="k", max_size=None), None) == b'{"kind":"k","maxSize":null}'
    assert json_body(None, None) is None
    assert json_body(None, {"x": 1}) == b'{"x":1}'
    assert json.loads(json_body(mapping, {"z": 2, "new": True}) or b"") == {
        "z": 2,
        "a": None,
        "m": [1],
        "new": True,
    }
    assert (
        json_body({"model": "m"}, None, ("stream", "stream", True))
        == b'{"model":"m","stream":true}'
    )
    assert (
        json_body({"model": "m"}, None, ("stream", "stream", False))
        == b'{"model":"m","stream":false}'
    )
    with pytest.raises(TypeError, match="need an object body, not list"):
        json_body([1, 2], {"x": 1})
    assert json_body([1, 2], None) == b"[1,2]"


def test_a_stream_flag_on_a_model_is_set_through_the_model() -> None:
    class Request(BaseModel):
        model: str
        stream_: bool | None = Field(None, alias="stream")

    body = json_body(Request(model="m"), None, ("stream", "stream_", True))
    assert body == b'{"model":"m","stream":true}'


def test_form_bodies() -> None:
    body = form_body({"a": 1, "b": None, "c": [1, "x"], "d": {"k": 1}, "e": True}, {"f": "g"})
    assert body == {"a": "1", "c": ["1", "x"], "d": '{"k": 1}', "e": "true", "f": "g"}
    assert form_body(Filter(kind="k"), None, ("stream", "stream", True)) == {
        "kind": "k",
        "stream": "true",
    }
    with pytest.raises(TypeError, match="a form body is an object, not str"):
        form_body("text", None)


def test_multipart_bodies_take_every_kind_of_file(tmp_path: Path) -> None:
    upload = tmp_path / "notes.txt"
    upload.write_bytes(b"from a path")
    data, files, opened = multipart_body(
        {
            "purpose": "test",
            "count": 3,
            "meta": {"a": 1},
            "raw": b"bytes",
            "path": upload,
            "named": ("n.bin", b"\x00", "application/octet-stream"),
            "named_path": ("renamed.txt", upload),
            "several": [b"1", b"2"],
            "open": io.BytesIO(b"an open file"),
            "sdp": "v=0",
            "nothing": None,
        },
        None,
        encoding={"sdp": "application/sdp"},
    )
    try:
        assert data == {"purpose": "test", "count": "3", "meta": '{"a": 1}'}
        fields = [name for name, _ in files]
        assert fields == ["raw", "path", "named", "named_path", "several", "several", "open", "sdp"]
        assert dict(files)["raw"] == b"bytes"
        assert dict(files)["sdp"] == (None, b"v=0", "application/sdp")
        assert len(opened) == 2 and all(not file.closed for file in opened)
        assert dict(files)["named_path"][0] == "renamed.txt"
    finally:
        RequestParts("POST", "/", None, None, None, None, "*/*", opened=opened).close_files()
    assert all(file.closed for file in opened)


def test_a_failing_multipart_body_closes_what_it_opened(tmp_path: Path) -> None:
    upload = tmp_path / "a.txt"
    upload.write_bytes(b"a")
    with pytest.raises(FileNotFoundError):
        multipart_body({"first": upload, "second": tmp_path / "missing.txt"}, None)


def test_text_bodies_and_credentials() -> None:
    assert text_body("héllo") == "héllo".encode()
    assert text_body(None) is None
    assert auth_credentials("bearer", "t", None, None) == ({"authorization": "Bearer t"}, ())
    assert auth_credentials("basic", "u:p", None, None) == ({"authorization": "Basic dTpw"}, ())
    assert auth_credentials("api_key", "t", "header", "X-Key") == ({"x-key": "t"}, ())
    assert auth_credentials("api_key", "t", "query", "key") == ({}, (("key", "t"),))
    assert auth_credentials("api_key", "t", "cookie", "sid") == ({"cookie": "sid=t"}, ())
    assert auth_credentials("bearer", None, None, None) == ({}, ())


# --- parsers ---------------------------------------------------------------------------------------


def ok(content: bytes, content_type: str = "application/json") -> httpx.Response:
    headers = {"content-type": content_type, "x-request-id": "rid"}
    return httpx.Response(
        200, content=content, headers=headers, request=httpx.Request("GET", "http://x/")
    )


def test_parsers() -> None:
    assert parsed(ok(b'{"kind": "k"}'), model_parser(Filter)) == Filter(kind="k")
    assert parsed(ok(b"[1, 2]"), adapter_parser(TypeAdapter(list[int]))) == [1, 2]
    assert parsed(ok(b'{"a": 1}'), json_parser) == {"a": 1}
    assert parsed(ok(b""), json_parser) is None
    assert parsed(ok(b'"text"'), json_string_parser) == "text"
    assert parsed(ok(b"file content", "text/plain"), json_string_parser) == "file content"
    assert parsed(ok(b"plain", "text/plain"), text_parser) == "plain"
    assert parsed(ok(b"\x00\x01", "application/octet-stream"), bytes_parser) == b"\x00\x01"
    assert parsed(ok(b""), no_content) is None


def test_an_answer_that_does_not_fit_is_a_validation_error() -> None:
    errors = SpecErrors(request_id_headers=("x-request-id",))
    with pytest.raises(APIResponseValidationError, match="first at kind: Field required") as raised:
        parsed(ok(b"{}"), model_parser(Filter), errors)
    assert raised.value.request_id == "rid"
    with pytest.raises(APIResponseValidationError, match="pass stream=True to the call"):
        parsed(ok(b"data: {}\n\n", "text/event-stream"), json_parser)


# --- the clients over real HTTP --------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_request_carries_the_clients_defaults_and_its_own_parts(
    server: FaultServer, mode: str
) -> None:
    client_settings = settings(
        server,
        default_headers={"X-Team": "runtime", "Cookie": "theme=dark"},
        auth=("api_key", "query", "key"),
    )
    parts = get(
        "/echo/things",
        params=[("q", "1")],
        headers={"x-trace": "t", "cookie": "session=s"},
    )
    echoed = call(mode, client_settings, parts)
    headers = echoed["headers"]
    assert echoed["query"] == [["key", TOKEN], ["q", "1"]]
    assert headers["x-team"] == "runtime" and headers["x-trace"] == "t"
    assert headers["cookie"] == "theme=dark; session=s"
    assert headers["user-agent"] == "runtime-tests/1"
    assert headers["accept"] == "application/json"
    assert "authorization" not in headers


@pytest.mark.parametrize("mode", MODES)
def test_bodies_go_out_with_their_content_type(server: FaultServer, mode: str) -> None:
    parts = RequestParts("POST", "/echo/x", None, None, b'{"a":1}', "application/json", "*/*")
    echoed = call(mode, settings(server), parts)
    assert echoed["body"] == '{"a":1}'
    assert echoed["headers"]["content-type"] == "application/json"
    assert echoed["headers"]["accept"] == "*/*"
    assert echoed["headers"]["authorization"] == f"Bearer {TOKEN}"
    form = RequestParts(
        "POST", "/echo/x", None, None, None, None, "*/*", {"a": "1", "b": ["2", "3"]}
    )
    assert call(mode, settings(server), form)["body"] == "a=1&b=2&b=3"


@pytest.mark.parametrize("mode", MODES)
def test_retry_after_ms_is_honoured_then_the_call_succeeds(server: FaultServer, mode: str) -> None:
    path, attempts = scenario("rate-limited-ms")  # 429 twice, 150 ms apart, then 200
    assert "choices" in call(mode, settings(server), get(path))
    assert server.attempts(attempts) == 3


@pytest.mark.parametrize("mode", MODES)
def test_a_wait_longer_than_the_cap_is_not_taken(server: FaultServer, mode: str) -> None:
    path, attempts = scenario("rate-limited-long")  # Retry-After: 3600
    with pytest.raises(RateLimitError) as raised:
        call(mode, settings(server), get(path))
    assert server.attempts(attempts) == 1
    assert raised.value.request_id == f"req-{attempts}-1"


@pytest.mark.parametrize("mode", MODES)
def test_persistent_5xx_is_raised_after_the_retries(server: FaultServer, mode: str) -> None:
    path, attempts = scenario("unavailable")
    with pytest.raises(InternalServerError, match="Error code: 503 - overloaded"):
        call(mode, settings(server), get(path))
    assert server.attempts(attempts) == 3
    path, attempts = scenario("unavailable")
    with pytest.raises(InternalServerError):
        call(mode, settings(server, retry=RetryPolicy(max_retries=0)), get(path))
    assert server.attempts(attempts) == 1


@pytest.mark.parametrize("mode", MODES)
def test_errors_are_read_as_the_spec_says(server: FaultServer, mode: str) -> None:
    def parse_body(raw: bytes | str, data: object) -> object:
        return {"spec": data}

    errors = SpecErrors(parse_body, ("x-request-id",))
    path, attempts = scenario("status-404")
    with pytest.raises(NotFoundError) as raised:
        call(mode, settings(server, errors=errors), get(path))
    assert raised.value.body == {"spec": raised.value.data}
    assert raised.value.request_id == f"req-{attempts}-1"
    path, _ = scenario("unauthorized")  # the server echoes the token in its message
    with pytest.raises(AuthenticationError) as echoed:
        call(mode, settings(server, errors=errors), get(path))
    assert TOKEN not in str(echoed.value) and "[REDACTED]" in str(echoed.value)


@pytest.mark.parametrize("mode", MODES)
def test_timeouts_and_broken_connections(server: FaultServer, mode: str) -> None:
    path, attempts = scenario("slow")
    with pytest.raises(APITimeoutError):
        call(mode, settings(server, timeout=0.2, retry=RetryPolicy(max_retries=0)), get(path))
    path, attempts = scenario("slow-once")  # slow only on the first attempt: the retry succeeds
    assert "choices" in call(mode, settings(server, timeout=0.3), get(path))
    assert server.attempts(attempts) == 2
    path, attempts = scenario("drop")
    with pytest.raises(APIConnectionError, match="Connection error: RemoteProtocolError"):
        call(mode, settings(server), get(path))
    assert server.attempts(attempts) == 3


def test_nothing_listening_is_a_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client_settings = {**settings(FaultServer()), "base_url": f"http://127.0.0.1:{port}"}
    with pytest.raises(APIConnectionError) as raised:
        call("sync", client_settings, get("/x"))
    assert not isinstance(raised.value, APITimeoutError)


def test_retries_are_logged_under_the_packages_client_logger(
    server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    path, _ = scenario("rate-limited-ms")
    with caplog.at_level(logging.INFO, logger="generator.runtime.client"):
        call("sync", settings(server), get(path))
    retries = [
        record
        for record in caplog.records
        if record.name == "generator.runtime.client" and "Retrying" in record.getMessage()
    ]
    assert len(retries) == 2
    assert "after 429" in retries[0].getMessage()
    assert TOKEN not in caplog.text


def test_a_client_never_shows_its_token(server: FaultServer) -> None:
    with SyncAPIClient(http_client=None, **settings(server)) as client:
        assert repr(client) == f"SyncAPIClient(base_url={server.url!r})"
        assert client.base_url == server.url and client.max_retries == 2
        assert client.retry_policy is FAST and client.timeout == httpx.Timeout(5.0)


def test_a_caller_owned_http_client_is_left_open(server: FaultServer) -> None:
    with httpx.Client() as http:
        client = SyncAPIClient(http_client=http, **settings(server))
        assert call_with(client, get("/echo/own"))["path"] == "/echo/own"
        client.close()
        assert not http.is_closed


def call_with(client: SyncAPIClient, parts: RequestParts) -> Any:
    return client._call(parts, NOT_GIVEN, json_parser)


def test_the_raw_view_answers_with_the_response(server: FaultServer) -> None:
    errors = SpecErrors(request_id_headers=("x-request-id",))
    path, attempts = scenario("rate-limited-ms")
    with SyncAPIClient(http_client=None, **settings(server, errors=errors)) as client:
        raw = client._view(RAW)._call(get(path), NOT_GIVEN, json_parser)
        assert isinstance(raw, APIResponse)
        assert (raw.status_code, raw.retries_taken) == (200, 2)
        assert raw.request_id == f"req-{attempts}-3"
        assert "choices" in raw.parse() and raw.parse() is raw.parse()
        assert repr(raw) == f"<APIResponse [200] GET {path}>"
        assert client._mode == "parsed"  # the view is a copy


def test_the_streamed_view_reads_the_body_as_it_arrives(
    server: FaultServer, tmp_path: Path
) -> None:
    with SyncAPIClient(http_client=None, **settings(server)) as client:
        view = client._view(STREAMED)
        with view._call(get("/echo/download"), NOT_GIVEN, bytes_parser) as response:
            assert isinstance(response, StreamedResponse)
            assert response.content_type == "application/json"
            written = response.write_to_file(tmp_path / "download.json")
        assert json.loads((tmp_path / "download.json").read_bytes())["path"] == "/echo/download"
        assert written == (tmp_path / "download.json").stat().st_size
        with view._call(get("/echo/again"), NOT_GIVEN, json_parser) as response:
            assert response.parse()["path"] == "/echo/again"


def test_the_async_streamed_view(server: FaultServer) -> None:
    async def run() -> list[bytes]:
        async with AsyncAPIClient(http_client=None, **settings(server)) as client:
            view = client._view(STREAMED)
            response = await view._call(get("/echo/a"), NOT_GIVEN, bytes_parser)
            assert isinstance(response, AsyncStreamedResponse)
            async with response:
                return [chunk async for chunk in response.aiter_bytes()]

    assert json.loads(b"".join(asyncio.run(run())))["path"] == "/echo/a"


@pytest.mark.parametrize("mode", MODES)
def test_a_stream_call_opens_a_typed_stream(server: FaultServer, mode: str) -> None:
    path, _ = scenario("stream")
    parts = RequestParts("POST", path, None, None, b"{}", "application/json", "text/event-stream")
    if mode == "sync":
        with (
            SyncAPIClient(http_client=None, **settings(server)) as client,
            client._call_stream(parts, NOT_GIVEN, json.loads, "[DONE]") as stream,
        ):
            chunks = list(stream)
    else:

        async def run() -> list[Any]:
            async with AsyncAPIClient(http_client=None, **settings(server)) as client:
                stream = await client._call_stream(parts, NOT_GIVEN, json.loads, "[DONE]")
                async with stream:
                    return [chunk async for chunk in stream]

        chunks = asyncio.run(run())
    assert [chunk["choices"][0]["delta"].get("content") for chunk in chunks] == [
        "",
        "Hel",
        "lo",
        " wörld",
        None,
    ]


def test_a_stream_call_answered_with_json_is_a_validation_error(server: FaultServer) -> None:
    path, _ = scenario("stream-json")
    parts = RequestParts("POST", path, None, None, b"{}", "application/json", "text/event-stream")
    with (
        SyncAPIClient(http_client=None, **settings(server)) as client,
        pytest.raises(APIResponseValidationError, match="Asked for an event stream"),
    ):
        client._call_stream(parts, NOT_GIVEN, json.loads, "[DONE]")


# --- what an error shows of a server that echoes the token ----------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_an_echoed_token_is_redacted_before_the_message_is_cut(
    server: FaultServer, mode: str
) -> None:
    path, _ = scenario("echo-cut")  # the token across the 1,000th character of the message
    with pytest.raises(AuthenticationError) as raised:
        call(mode, settings(server), get(path))
    error = raised.value
    assert TOKEN[:6] not in str(error)
    assert TOKEN not in json.dumps(error.data) and TOKEN not in json.dumps(error.body)
    assert TOKEN not in error.response.text


@pytest.mark.parametrize("mode", MODES)
def test_an_echoed_token_is_not_in_the_chained_validation_error(
    server: FaultServer, mode: str
) -> None:
    class Reply(BaseModel):
        choices: list[Any]

    path, _ = scenario("echo-body")  # a 2xx answer that echoes the token where a list should be
    with pytest.raises(APIResponseValidationError) as raised:
        call(mode, settings(server), get(path), model_parser(Reply))
    assert TOKEN not in str(raised.value) and TOKEN not in str(raised.value.__cause__)
    assert "[REDACTED]" in str(raised.value.__cause__)
    assert TOKEN not in raised.value.response.text


def test_a_short_token_does_not_rewrite_unrelated_text(server: FaultServer) -> None:
    path, _ = scenario("echo-path")  # `Invalid URL (POST /tenant/../x) for the key x.`
    with pytest.raises(NotFoundError) as raised:
        call("sync", settings(server, token="x"), get(path))
    assert str(raised.value) == "Error code: 404 - Invalid URL (POST /tenant/../x) for the key x."
