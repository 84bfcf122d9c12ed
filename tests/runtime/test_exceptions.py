"""The client's exceptions (generator/runtime/_exceptions.py): which class an answer becomes, what
it carries, how the spec's errors (`SpecErrors`) shape it, and that a secret never shows."""

from __future__ import annotations

import json

import httpx
import pytest

from generator.runtime._exceptions import (
    DEFAULT_REQUEST_ID_HEADERS,
    PLAIN_ERRORS,
    APIConnectionError,
    APIError,
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
    SpecErrors,
    UnprocessableEntityError,
    decode_payload,
    message_of,
    redact,
    status_error_class,
)

SECRET = "sk-live-0123456789"
MEDIUM_SECRET = "sk-01234567"  # under SECRET_ANYWHERE: redacted as a whole token only


def answer(
    status: int, body: bytes | str = b"", headers: dict[str, str] | None = None
) -> httpx.Response:
    content = body.encode() if isinstance(body, str) else body
    request = httpx.Request("POST", "http://127.0.0.1/v1/things")
    return httpx.Response(status, content=content, headers=headers, request=request)


def error_json(message: str, code: str | None = None) -> str:
    return json.dumps({"error": {"message": message, "type": "x", "param": None, "code": code}})


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
        (599, InternalServerError),
        (418, APIStatusError),
        (302, APIStatusError),
    ],
)
def test_each_status_has_its_class(status: int, kind: type[APIStatusError]) -> None:
    assert status_error_class(status) is kind
    error = PLAIN_ERRORS.status_error(answer(status, error_json("no")))
    assert type(error) is kind
    assert isinstance(error, APIStatusError) and isinstance(error, APIError)
    assert error.status_code == status


def test_the_hierarchy() -> None:
    assert issubclass(APITimeoutError, APIConnectionError)
    assert issubclass(IncompleteStreamError, APIConnectionError)
    assert not issubclass(APIStreamError, APIStatusError)
    assert str(APITimeoutError()) == "Request timed out."
    assert str(APIConnectionError()) == "Connection error."


def test_a_status_error_carries_the_answer() -> None:
    response = answer(404, error_json("No such model.", "model_not_found"), {"x-request-id": "r1"})
    error = PLAIN_ERRORS.status_error(response)
    assert str(error) == "Error code: 404 - No such model."
    assert error.message == str(error)
    assert error.response is response and error.request is response.request
    assert error.request_id == "r1"
    assert error.code == "model_not_found"
    assert error.data == json.loads(error_json("No such model.", "model_not_found"))
    assert error.body == error.data  # no error schema: the decoded payload


def test_the_spec_decides_the_body_and_the_request_id_headers() -> None:
    def parse_body(raw: bytes | str, data: object) -> object:
        return ("parsed", raw) if isinstance(data, dict) and "error" in data else None

    errors = SpecErrors(parse_body, ("x-trace-request-id", *DEFAULT_REQUEST_ID_HEADERS))
    body = error_json("slow down")
    response = answer(429, body, {"request-id": "second", "x-trace-request-id": "first"})
    error = errors.status_error(response)
    assert error.body == ("parsed", body.encode())
    assert error.request_id == "first"
    assert errors.status_error(answer(500, "<html>down</html>")).body is None
    assert errors.request_id(httpx.Headers({"request-id": "b"})) == "b"
    assert errors.request_id(httpx.Headers({"x-other": "c"})) is None


def test_messages_come_from_the_common_shapes() -> None:
    assert message_of({"error": {"message": "a"}}) == "a"
    assert message_of({"error": {"detail": "b"}}) == "b"
    assert message_of({"error": "c"}) == "c"
    assert message_of({"detail": "d"}) == "d"
    assert message_of({"title": "e", "status": 400}) == "e"
    assert message_of({"other": 1}) == '{"other": 1}'
    assert message_of("plain text") == "plain text"
    assert message_of("x" * 5000) == "x" * 1000
    assert message_of(None) is None
    assert message_of([1, 2]) is None


def test_payloads_are_json_when_they_are_json() -> None:
    assert decode_payload(b'{"a": 1}') == {"a": 1}
    assert decode_payload("  not json \n") == "not json"
    assert decode_payload(b"\xff\xfe") == "\ufffd\ufffd"
    assert decode_payload(b"") is None
    assert decode_payload(b"   ") is None


def test_an_answer_without_a_message_says_its_reason() -> None:
    error = PLAIN_ERRORS.status_error(answer(502))
    assert str(error) == "Error code: 502 - Bad Gateway"
    assert error.body is None and error.data is None and error.code is None


def test_a_secret_is_redacted_from_every_message() -> None:
    assert redact(f"bad key {SECRET}, really {SECRET}", (SECRET,)) == (
        "bad key [REDACTED], really [REDACTED]"
    )
    assert redact("nothing here", ("", SECRET)) == "nothing here"
    echoed = answer(401, error_json(f"Incorrect API key provided: {SECRET}."))
    error = PLAIN_ERRORS.status_error(echoed, (SECRET,))
    assert SECRET not in str(error)
    assert str(error) == "Error code: 401 - Incorrect API key provided: [REDACTED]."
    raw = json.dumps({"error": {"message": f"token {SECRET} expired"}})
    streamed = PLAIN_ERRORS.stream_error(json.loads(raw), raw, "message", echoed, (SECRET,))
    assert SECRET not in str(streamed)


def test_a_stream_error_carries_its_event() -> None:
    raw = error_json("the model crashed", "crash")
    response = answer(200, headers={"x-request-id": "r9"})
    error = PLAIN_ERRORS.stream_error(json.loads(raw), raw, "error", response)
    assert isinstance(error, APIStreamError)
    assert str(error) == "Error in the stream - the model crashed"
    assert (error.event, error.request_id, error.request) == ("error", "r9", response.request)
    no_message = PLAIN_ERRORS.stream_error(None, "", "error", response)
    assert str(no_message) == "Error in the stream - the server sent an error event"


def test_a_validation_error_keeps_the_answer() -> None:
    response = answer(200, "{}", {"x-request-id": "r2"})
    error = PLAIN_ERRORS.validation_error("does not fit", response)
    assert (str(error), error.status_code, error.request_id) == ("does not fit", 200, "r2")
    assert error.response is response


LONG_SECRET = "sk-proj-0123456789abcdefghij"


@pytest.mark.parametrize("secret", [MEDIUM_SECRET, SECRET, LONG_SECRET])
def test_a_secret_is_redacted_before_the_message_is_cut(secret: str) -> None:
    padding = "a" * (1000 - len('{"failure": "') - len(secret) // 2 - 1)
    payload = {"failure": f"{padding} {secret} was refused", "key": secret}
    error = PLAIN_ERRORS.status_error(answer(401, json.dumps(payload)), (secret,))
    assert secret[:6] not in str(error) and len(str(error)) <= len("Error code: 401 - ") + 1000
    assert secret not in json.dumps(error.data) and error.data["key"] == "[REDACTED]"
    assert secret not in json.dumps(error.body)
    assert secret not in error.response.text and "[REDACTED]" in error.response.text


def test_a_secret_is_redacted_as_a_whole_token_and_a_long_one_anywhere() -> None:
    medium = MEDIUM_SECRET
    assert redact(f"key={medium}&x", (medium,)) == "key=[REDACTED]&x"
    assert redact(f"'{medium}'.", (medium,)) == "'[REDACTED]'."
    assert redact(f"{medium}abc and x{medium}", (medium,)) == f"{medium}abc and x{medium}"
    assert redact("user:pass went", ("user:pass",)) == "[REDACTED] went"
    assert redact(f"aaaa{SECRET}bbb", (SECRET,)) == "aaaa[REDACTED]bbb"


def test_a_short_secret_is_redacted_only_where_it_stands_alone() -> None:
    assert redact("Invalid URL (POST /tenant/../x).", ("x",)) == "Invalid URL (POST /tenant/../x)."
    assert redact("x", ("x",)) == "[REDACTED]"
    payload = json.dumps({"error": {"message": "POST /tenant/../x", "key": "x"}})
    error = PLAIN_ERRORS.status_error(answer(404, payload), ("x",))
    assert str(error) == "Error code: 404 - POST /tenant/../x"
    assert error.data["error"]["key"] == "[REDACTED]"


def test_a_json_escaped_secret_is_redacted_from_the_content() -> None:
    secret = "abc/def/0123456789"
    body = '{"error": {"message": "bad key abc\\/def\\/0123456789"}}'
    error = PLAIN_ERRORS.status_error(answer(401, body), (secret,))
    assert "0123456789" not in error.response.text and "0123456789" not in str(error)


def test_a_chained_pydantic_error_does_not_show_the_secret() -> None:
    from pydantic import BaseModel, ValidationError

    from generator.runtime._exceptions import redacted_cause

    class Thing(BaseModel):
        count: int

    with pytest.raises(ValidationError) as raised:
        Thing.model_validate({"count": f"not a number but {SECRET}"})
    cause = redacted_cause(raised.value, (SECRET,))
    assert isinstance(cause, ValidationError) and SECRET not in str(cause)
    assert "[REDACTED]" in str(cause) and cause.errors()[0]["loc"] == ("count",)
    assert redacted_cause(raised.value, ()) is raised.value
    plain = redacted_cause(ValueError(f"oops {SECRET}"), (SECRET,))
    assert str(plain) == "oops [REDACTED]"


def test_httpx_errors_become_the_packages() -> None:
    from generator.runtime._exceptions import from_httpx

    request = httpx.Request("GET", "http://127.0.0.1/")
    assert type(from_httpx(httpx.ReadTimeout("slow"), request)) is APITimeoutError
    redirects = from_httpx(httpx.TooManyRedirects("Exceeded", request=request), request)
    assert type(redirects) is APIConnectionError and "Too many redirects" in str(redirects)
    decoding = from_httpx(httpx.DecodingError("bad gzip"), request)
    assert "could not be decoded: bad gzip" in str(decoding)
    assert str(from_httpx(httpx.ConnectError("no"), request)) == "Connection error: ConnectError."
    assert isinstance(from_httpx(httpx.InvalidURL("bad"), None), APIConnectionError)
