"""The server's runtime (generator/runtime/_server_runtime.py) without generating anything: apps
made by `build_app` answered in-process through httpx's ASGI transport, and the rules (credentials,
parameters, bodies) reading real Starlette requests. Errors are always the spec's shape, through
the app's own error model when it takes that shape."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Literal

import httpx
import pytest
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from generator.runtime._server_runtime import (
    BINARY_BODY,
    END,
    INTERNAL_ERROR_MESSAGE,
    PLAIN_ERRORS,
    TEXT_BODY,
    Binary,
    BodyRule,
    Credentials,
    CredentialSource,
    Endpoint,
    ErrorFormat,
    HandlerError,
    MediaRule,
    Multipart,
    ParameterRule,
    accept_any_token,
    adapter,
    binary_response,
    build_app,
    by_query,
    compile_pattern,
    context_of,
    describe_errors,
    error_format_of,
    guarded,
    handler_tree,
    header_parameters,
    load_handler,
    main,
    parse_multipart,
    peek,
    static_tokens,
    stream_requested,
)

# --- helpers ---------------------------------------------------------------------------------------


class ErrorObject(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorResponse(BaseModel):
    """An error model in OpenAI's shape, as a spec would declare it."""

    error: ErrorObject


class ProblemDetails(BaseModel):
    """An error model of another shape: errors are sent as plain JSON instead."""

    title: str
    status: int


def route(handle: Callable[[Request], Awaitable[Response]], operation: str = "op") -> Endpoint:
    """An endpoint as server.py's route wrappers make them: failures become error responses."""

    return guarded(operation, handle)


def ask(app: Any, method: str, path: str, **options: Any) -> httpx.Response:
    """One request to `app`, in-process (its exceptions answered, not raised, as a server would)."""

    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await http.request(method, path, **options)

    return asyncio.run(run())


def app_of(
    routes: list[tuple[str, dict[str, Endpoint]]], **settings: Any
) -> Any:  # FastAPI, kept loose for the extra routes some tests add
    return build_app(routes, title="Test API", version="1.2.3", **settings)


def request_of(
    *,
    query: str = "",
    headers: dict[str, str] | None = None,
    path_params: dict[str, str] | None = None,
    body: bytes = b"",
) -> Request:
    """A Starlette request as an app hands one to an endpoint."""

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "query_string": query.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "path_params": path_params or {},
    }
    return Request(scope, receive)


def refusal(call: Callable[[], Any]) -> HandlerError:
    with pytest.raises(HandlerError) as raised:
        call()
    return raised.value


async def fail(request: Request) -> Response:
    raise RuntimeError("the secret detail of a crash")


async def refuse(request: Request) -> Response:
    raise HandlerError(404, "No such model.", param="model", code="model_not_found")


async def hello(request: Request) -> Response:
    context = context_of(request, "someone")
    return JSONResponse({"request_id": context.request_id, "principal": context.principal})


# --- errors ----------------------------------------------------------------------------------------


def test_errors_are_dumped_through_the_apps_error_model() -> None:
    typed = app_of([("/refuse", {"GET": route(refuse)})], error_model=ErrorResponse)
    plain = app_of([("/refuse", {"GET": route(refuse)})])
    other = app_of([("/refuse", {"GET": route(refuse)})], error_model=ProblemDetails)
    expected = {
        "error": {
            "message": "No such model.",
            "type": "invalid_request_error",
            "param": "model",
            "code": "model_not_found",
        }
    }
    for app in (typed, plain, other):
        answer = ask(app, "GET", "/refuse")
        assert (answer.status_code, answer.json()) == (404, expected)
        assert answer.headers["content-type"] == "application/json"
    # Each app writes its errors its own way: pydantic's compact JSON through the model.
    assert (
        ask(typed, "GET", "/refuse").content == json.dumps(expected, separators=(",", ":")).encode()
    )
    assert ask(plain, "GET", "/refuse").content == json.dumps(expected).encode()
    assert ask(other, "GET", "/refuse").content == json.dumps(expected).encode()


def test_an_error_model_is_used_only_when_it_gives_the_shape_back() -> None:
    assert ErrorFormat(ErrorResponse).adapter is not None
    assert ErrorFormat(ProblemDetails).adapter is None
    assert ErrorFormat(dict[str, Any]).adapter is not None
    assert ErrorFormat(list[int]).adapter is None
    assert ErrorFormat().adapter is None

    class Renaming(BaseModel):  # takes the shape, but gives back other keys
        model_config = ConfigDict(populate_by_name=True)
        error: dict[str, Any] = Field(alias="err", validation_alias="error")

    assert ErrorFormat(Renaming).adapter is None


def test_routes_outside_our_apps_fall_back_to_plain_json() -> None:
    assert error_format_of({"type": "http"}) is PLAIN_ERRORS
    app = app_of([], error_model=ErrorResponse)
    assert error_format_of({"type": "http", "app": app}) is app.state.error_format


def test_a_failure_is_a_500_without_details_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    app = app_of([("/fail", {"POST": route(fail, "create_thing")})])
    with caplog.at_level(logging.ERROR, logger="generator.runtime.server"):
        answer = ask(app, "POST", "/fail", headers={"x-request-id": "req-crash"})
    assert answer.status_code == 500
    assert answer.json()["error"] == {
        "message": INTERNAL_ERROR_MESSAGE,
        "type": "server_error",
        "param": None,
        "code": None,
    }
    assert "secret detail" not in answer.text
    [record] = [r for r in caplog.records if r.name == "generator.runtime.server"]
    assert record.getMessage() == "create_thing failed (request id req-crash)"
    assert record.exc_info is not None and "secret detail" in str(record.exc_info[1])


def test_a_handler_error_sets_status_type_and_headers() -> None:
    error = HandlerError(429, "Slow down.", headers={"Retry-After": "3"})
    assert error.type == "rate_limit_error"
    assert HandlerError(502, "x").type == "server_error"
    assert HandlerError(418, "x").type == "invalid_request_error"
    assert HandlerError(400, "x", type="custom").type == "custom"
    response = error.response()
    assert (response.status_code, response.headers["retry-after"]) == (429, "3")
    assert json.loads(bytes(response.body))["error"]["message"] == "Slow down."


def test_starlettes_own_refusals_are_in_the_spec_shape() -> None:
    app = app_of([("/things", {"GET": route(hello), "POST": route(hello)})])
    missing = ask(app, "GET", "/nothing/here")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "Invalid URL (GET /nothing/here)."
    wrong = ask(app, "DELETE", "/things")
    assert wrong.status_code == 405
    assert wrong.json()["error"]["message"].startswith("Method DELETE is not allowed for /things")
    assert "GET" in wrong.json()["error"]["message"]
    assert ask(app, "GET", "/things/").status_code == 404  # no redirect to the other spelling


def test_fastapi_validation_is_a_400_naming_the_parameter() -> None:
    app = app_of([])

    @app.get("/typed")
    async def typed(count: int) -> dict[str, int]:
        return {"count": count}

    assert ask(app, "GET", "/typed?count=3").json() == {"count": 3}
    answer = ask(app, "GET", "/typed?count=many")
    assert answer.status_code == 400
    assert answer.json()["error"]["param"] == "count"


def test_an_exception_that_escapes_everything_is_a_500_with_the_request_id() -> None:
    app = app_of([])

    @app.get("/anything")  # a route a team adds with FastAPI's decorators: no wrapper catches
    async def broken() -> None:
        raise RuntimeError("outside every route wrapper")

    answer = ask(app, "GET", "/anything", headers={"x-request-id": "req-outer"})
    assert answer.status_code == 500
    assert answer.json()["error"]["type"] == "server_error"
    assert answer.headers["x-request-id"] == "req-outer"


def test_describe_errors() -> None:
    adapter_ = TypeAdapter(dict[str, int | list[int]])
    with pytest.raises(ValidationError) as raised:
        adapter_.validate_python({"a": "x"})
    param, message = describe_errors(raised.value.errors())
    assert param == "a"  # not a.int or a.list[int]: where the alternatives part ways
    assert message.startswith("Invalid value for 'a': ")
    assert describe_errors([]) == (None, "The request is not valid.")
    missing = [{"type": "missing", "loc": ("body", "messages", 0, "role"), "msg": "Field required"}]
    assert describe_errors(missing, skip=1) == (
        "messages[0].role",
        "Missing required parameter: 'messages[0].role'.",
    )
    bad_json = [{"type": "json_invalid", "loc": (), "msg": "EOF"}]
    assert describe_errors(bad_json)[1] == "We could not parse the JSON body of your request: EOF."


# --- request ids -----------------------------------------------------------------------------------


def test_a_sane_request_id_is_echoed_and_given_to_the_handler() -> None:
    app = app_of([("/hello", {"GET": route(hello)})])
    answer = ask(app, "GET", "/hello", headers={"x-request-id": "req-abc_123"})
    assert answer.headers["x-request-id"] == "req-abc_123"
    assert answer.json() == {"request_id": "req-abc_123", "principal": "someone"}


@pytest.mark.parametrize("sent", [None, "has space", "x" * 201, "caf\u00e9"])
def test_a_missing_or_unsafe_request_id_is_replaced(sent: str | None) -> None:
    app = app_of([("/hello", {"GET": route(hello)})])
    headers = {"x-request-id": sent.encode("utf-8")} if sent is not None else {}
    answers = [ask(app, "GET", "/hello", headers=headers) for _ in range(2)]
    made = [answer.headers["x-request-id"] for answer in answers]
    assert all(re.fullmatch(r"req_[0-9a-f]{32}", rid) for rid in made)
    assert made[0] != made[1]
    assert [answer.json()["request_id"] for answer in answers] == made


def test_every_response_has_exactly_one_request_id() -> None:
    async def with_its_own(request: Request) -> Response:
        return Response(b"", headers={"x-request-id": "from-handler"})

    answer = ask(app_of([("/own", {"GET": route(with_its_own)})]), "GET", "/own")
    assert answer.headers.get_list("x-request-id") == [answer.headers["x-request-id"]]
    assert answer.headers["x-request-id"] != "from-handler"


# --- routing ---------------------------------------------------------------------------------------


def named(name: str) -> Endpoint:
    async def handle(request: Request) -> Response:
        return JSONResponse({"name": name, "params": request.path_params})

    return route(handle)


def test_literal_paths_win_and_everything_is_under_the_base_path() -> None:
    routes = [
        ("/items/{item_id}", {"GET": named("one")}),
        ("/items/latest", {"GET": named("latest")}),
    ]
    app = app_of(routes, base_path="/v1")
    assert ask(app, "GET", "/v1/items/latest").json()["name"] == "latest"
    assert ask(app, "GET", "/v1/items/42").json() == {"name": "one", "params": {"item_id": "42"}}
    assert ask(app, "GET", "/items/42").status_code == 404


def test_methods_of_a_path_and_head_as_get() -> None:
    app = app_of([("/things", {"GET": named("list"), "POST": named("create")})])
    assert ask(app, "GET", "/things").json()["name"] == "list"
    assert ask(app, "POST", "/things").json()["name"] == "create"
    head = ask(app, "HEAD", "/things")
    assert head.status_code == 200 and head.content == b""


def test_operations_told_apart_by_query_parameters() -> None:
    endpoint = by_query(((("beta", "true"),), named("beta")), ((), named("plain")))
    app = app_of([("/responses", {"GET": endpoint})])
    assert ask(app, "GET", "/responses?beta=true").json()["name"] == "beta"
    assert ask(app, "GET", "/responses?beta=false").json()["name"] == "plain"
    only_fixed = app_of([("/r", {"GET": by_query(((("beta", "true"),), named("beta")))})])
    assert ask(only_fixed, "GET", "/r").status_code == 404


def test_the_app_serves_the_spec_as_written() -> None:
    document = {"openapi": "3.1.0", "info": {"title": "As written", "version": "9"}, "paths": {}}
    app = app_of([], document=lambda: document)
    assert ask(app, "GET", "/openapi.json").json() == document
    assert app.title == "Test API" and app.version == "1.2.3"


# --- credentials -----------------------------------------------------------------------------------


def principal(
    credentials: Credentials, authenticate: Any = accept_any_token, **request: Any
) -> Any:
    return asyncio.run(credentials.principal(request_of(**request), authenticate))


def test_bearer_tokens() -> None:
    bearer = Credentials(CredentialSource("bearer"))
    assert principal(bearer, headers={"Authorization": "Bearer t1"}) == "anonymous"
    assert principal(bearer, headers={"Authorization": "bearer  t1 "}) == "anonymous"
    for value in ("Basic dTpw", "Bearer", "Bearer a b", "t1"):
        missing = refusal(lambda value=value: principal(bearer, headers={"Authorization": value}))
        assert (missing.status, missing.code) == (401, "missing_credential")
        assert missing.headers == {"WWW-Authenticate": "Bearer"}
        assert "Authorization: Bearer <token>" in missing.message


def test_a_refused_credential_is_a_401_that_does_not_show_it() -> None:
    bearer = Credentials(CredentialSource("bearer"))
    check = static_tokens(["right"])
    wrong = refusal(lambda: principal(bearer, check, headers={"Authorization": "Bearer wrong"}))
    assert (wrong.status, wrong.code) == (401, "invalid_api_key")
    assert "wrong" not in wrong.message
    assert principal(bearer, check, headers={"Authorization": "Bearer right"}) == "static-token-1"
    nobody = refusal(lambda: principal(bearer, None, headers={"Authorization": "Bearer right"}))
    assert nobody.code == "invalid_api_key"


def test_api_keys_basic_and_several_schemes() -> None:
    header = Credentials(CredentialSource("api_key", "header", "x-api-key"))
    assert principal(header, headers={"X-API-Key": "k"}) == "anonymous"
    assert header.headers == {}
    assert refusal(lambda: principal(header)).message == "You didn't provide a credential."
    query = Credentials(CredentialSource("api_key", "query", "key"))
    assert principal(query, query="key=k") == "anonymous"
    cookie = Credentials(CredentialSource("api_key", "cookie", "sid"))
    assert principal(cookie, headers={"Cookie": "sid=k; other=1"}) == "anonymous"
    basic = Credentials(CredentialSource("basic"), CredentialSource("bearer"))
    assert basic.headers == {"WWW-Authenticate": "Basic, Bearer"}
    assert (
        principal(basic, lambda token: _async(token), headers={"Authorization": "Basic dTpw"})
        == "dTpw"
    )
    assert (
        principal(basic, lambda token: _async(token), headers={"Authorization": "Bearer b"}) == "b"
    )


async def _async(value: Any) -> Any:
    return value


def test_static_tokens_and_any_token() -> None:
    by_team = static_tokens({"ta": "team-a", "tb": {"team": "b"}, "": "nobody"})
    assert asyncio.run(by_team("ta")) == "team-a"
    assert asyncio.run(by_team("tb")) == {"team": "b"}
    assert asyncio.run(by_team("")) is None
    assert asyncio.run(by_team("tc")) is None
    numbered = static_tokens(["x", "y"])
    assert [asyncio.run(numbered(t)) for t in ("x", "y")] == ["static-token-1", "static-token-2"]
    assert asyncio.run(numbered("é")) is None
    assert asyncio.run(accept_any_token("")) is None


# --- parameters ------------------------------------------------------------------------------------


def read(rule: ParameterRule, **request: Any) -> Any:
    return rule.read(request_of(**request))


def test_path_parameters() -> None:
    text = ParameterRule("name", "path", required=True, key="name_", min_length=2)
    assert read(text, path_params={"name_": "ab"}) == "ab"
    assert refusal(lambda: read(text, path_params={"name_": "a"})).message == (
        "Invalid value for 'name': shorter than 2 characters."
    )
    number = ParameterRule("id", "path", required=True, adapter=adapter(int), minimum=1)
    assert read(number, path_params={"id": "42"}) == 42
    bad = refusal(lambda: read(number, path_params={"id": "x"}))
    assert (bad.status, bad.param) == (400, "id")
    assert refusal(lambda: read(number, path_params={"id": "0"})).message == (
        "Invalid value for 'id': less than 1."
    )


def test_query_arrays_in_every_style() -> None:
    ints = adapter(list[int])
    exploded = ParameterRule(
        "ids", "query", False, adapter=ints, shape="array", style="form", explode=True
    )
    assert read(exploded, query="ids=1&ids=2") == [1, 2]
    assert read(exploded) is None
    joined = ParameterRule("ids", "query", False, adapter=ints, shape="array", style="form")
    assert read(joined, query="ids=1,2") == [1, 2]
    spaced = ParameterRule("ids", "query", False, shape="array", style="spaceDelimited")
    assert read(spaced, query="ids=a%20b") == ["a", "b"]
    piped = ParameterRule("ids", "query", False, shape="array", style="pipeDelimited")
    assert read(piped, query="ids=a|b") == ["a", "b"]
    required = ParameterRule("ids", "query", True, shape="array", style="form", explode=True)
    missing = refusal(lambda: read(required))
    assert (missing.message, missing.param) == ("Missing required parameter: 'ids'.", "ids")


def test_query_objects_in_every_style() -> None:
    deep = ParameterRule("filter", "query", False, shape="object", style="deepObject", explode=True)
    assert read(deep, query="filter[kind]=a&filter[size]=2&other=x") == {"kind": "a", "size": "2"}
    spread = ParameterRule(
        "filter",
        "query",
        False,
        shape="object",
        style="form",
        explode=True,
        known=frozenset({"page"}),
    )
    assert read(spread, query="kind=a&page=2&page[x]=1") == {"kind": "a"}
    pairs = ParameterRule("filter", "query", False, shape="object", style="form")
    assert read(pairs, query="filter=kind,a,size,2") == {"kind": "a", "size": "2"}
    odd = refusal(lambda: read(pairs, query="filter=kind,a,size"))
    assert "not a list of key,value pairs" in odd.message


def test_a_strict_model_reads_parameters_as_text() -> None:
    """The models are strict (JSON's `"1"` is no integer), but a query holds text only."""

    class Range(BaseModel):
        model_config = ConfigDict(strict=True)
        gt: int | None = None

    deep = ParameterRule(
        "at",
        "query",
        False,
        adapter=adapter(Range),
        shape="object",
        style="deepObject",
        explode=True,
    )
    assert read(deep, query="at[gt]=10") == Range(gt=10)
    assert refusal(lambda: read(deep, query="at[gt]=ten")).param == "at"


def test_headers_cookies_and_json_parameters() -> None:
    listed = ParameterRule("x-ids", "header", False, shape="array", style="simple")
    assert read(listed, headers={"X-Ids": "a, b"}) == ["a", "b"]
    pairs = ParameterRule("x-meta", "header", False, shape="object", style="simple", explode=True)
    assert read(pairs, headers={"X-Meta": "a=1, b=2"}) == {"a": "1", "b": "2"}
    cookie = ParameterRule("session", "cookie", True)
    assert read(cookie, headers={"Cookie": "session=s1"}) == "s1"
    as_json = ParameterRule("where", "query", False, adapter=adapter(dict[str, int]), json=True)
    assert read(as_json, query='where={"a":1}') == {"a": 1}
    flag = ParameterRule("flag", "query", False, adapter=adapter(bool))
    assert read(flag, query="flag=true") is True
    choice = ParameterRule("order", "query", False, adapter=adapter(Literal["asc", "desc"]))
    assert refusal(lambda: read(choice, query="order=up")).param == "order"


def test_parameter_constraints() -> None:
    rule = ParameterRule(
        "code",
        "query",
        False,
        pattern=compile_pattern(r"^[a-z]+$"),
        max_length=3,
    )
    assert read(rule, query="code=abc") == "abc"
    assert "longer than 3" in refusal(lambda: read(rule, query="code=abcd")).message
    assert "does not match the pattern" in refusal(lambda: read(rule, query="code=A1")).message
    number = ParameterRule("n", "query", False, adapter=adapter(float), maximum=1.5)
    assert "greater than 1.5" in refusal(lambda: read(number, query="n=2")).message


def test_a_pattern_python_cannot_read_is_logged_and_not_enforced(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="generator.runtime.server"):
        assert compile_pattern(r"\p{L}+(") is None
    assert "is not enforced" in caplog.text


# --- bodies ----------------------------------------------------------------------------------------


class Thing(BaseModel):
    name: str
    count: int = 0


class Upload(BaseModel):
    purpose: str
    file: bytes
    tags: list[str] = []
    meta: dict[str, Any] | None = None


def body_of(rule: BodyRule, body: bytes, content_type: str | None = None) -> Any:
    headers = {"content-type": content_type} if content_type else {}
    return asyncio.run(rule.read(request_of(headers=headers, body=body)))


JSON_THING = BodyRule({"application/json": MediaRule("json", adapter(Thing))}, required=True)


def test_json_bodies_are_validated_as_json_schema_reads_them() -> None:
    assert body_of(JSON_THING, b'{"name": "a", "count": 2}', "application/json") == Thing(
        name="a", count=2
    )
    assert body_of(JSON_THING, b'{"name": "a"}', "Application/JSON; charset=utf-8") == Thing(
        name="a"
    )
    strict = refusal(
        lambda: body_of(JSON_THING, b'{"name": "a", "count": "2"}', "application/json")
    )
    assert (strict.status, strict.param) == (400, "count")
    broken = refusal(lambda: body_of(JSON_THING, b'{"name": ', "application/json"))
    assert broken.message.startswith("We could not parse the JSON body of your request")
    missing = refusal(lambda: body_of(JSON_THING, b"", "application/json"))
    assert missing.message == "The request body is missing; this operation needs one."
    optional = BodyRule({"application/json": MediaRule("json", adapter(Thing))}, required=False)
    assert body_of(optional, b"") is None


def test_the_content_type_picks_the_media_type() -> None:
    rule = BodyRule(
        {"text/plain": TEXT_BODY, "image/*": BINARY_BODY, "application/json": MediaRule("json")},
        required=True,
    )
    assert body_of(rule, "héllo".encode("latin-1"), "text/plain; charset=latin-1") == "héllo"
    assert body_of(rule, b"\x89PNG", "image/png") == b"\x89PNG"
    assert body_of(rule, b"{}", "application/json") == b"{}"  # no model: the bytes
    unsupported = refusal(lambda: body_of(rule, b"x", "application/xml"))
    assert unsupported.message == (
        "Unsupported content type: 'application/xml'. This operation accepts "
        "'application/json' or 'image/*' or 'text/plain'."
    )
    assert "none" in refusal(lambda: body_of(rule, b"x")).message
    anything = BodyRule({"*/*": BINARY_BODY}, required=True)
    assert body_of(anything, b"raw") == b"raw"
    bad_text = refusal(lambda: body_of(rule, b"\xff", "text/plain"))
    assert bad_text.message == "The request body is not valid utf-8 text."


FORM = MediaRule("form", adapter(Thing), fields=frozenset({"name", "count"}))
MULTIPART = MediaRule(
    "multipart",
    adapter(Upload),
    fields=frozenset({"purpose", "file", "tags", "meta"}),
    files=frozenset({"file"}),
    arrays=frozenset({"tags"}),
    json=frozenset({"meta"}),
)
FORMS = BodyRule(
    {"application/x-www-form-urlencoded": FORM, "multipart/form-data": MULTIPART}, True
)


def multipart(*parts: tuple[str, str | None, str | None, bytes], boundary: str = "b0und") -> bytes:
    chunks = []
    for name, filename, content_type, content in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
        if content_type:
            head += f"Content-Type: {content_type}\r\n"
        chunks.append(head.encode() + b"\r\n" + content + b"\r\n")
    return b"".join(chunks) + f"--{boundary}--\r\n".encode()


def test_form_bodies_become_the_model() -> None:
    form = "application/x-www-form-urlencoded"
    assert body_of(FORMS, b"name=a%20b&count=3", form) == Thing(name="a b", count=3)
    assert refusal(lambda: body_of(FORMS, b"count=3", form)).param == "name"
    assert "not valid UTF-8" in refusal(lambda: body_of(FORMS, b"name=\xff", form)).message


def test_multipart_bodies_become_the_model_and_its_files() -> None:
    body = multipart(
        ("purpose", None, None, b"fine-tune"),
        ("file", "data.jsonl", "application/jsonl", b'{"a": 1}\n'),
        ("tags[]", None, None, b"x"),
        ("tags[]", None, None, b"y"),
        ("meta", None, None, b'{"k": [1]}'),
    )
    received = body_of(FORMS, body, 'multipart/form-data; boundary="b0und"')
    assert isinstance(received, Multipart)
    assert received.data == Upload(
        purpose="fine-tune", file=b'{"a": 1}\n', tags=["x", "y"], meta={"k": [1]}
    )
    upload = received.file("file")
    assert upload is not None and (upload.filename, upload.content_type, upload.size) == (
        "data.jsonl",
        "application/jsonl",
        9,
    )
    assert received.files_named("file") == [upload]
    assert received.file("nothing") is None
    one_tag = multipart(
        ("purpose", None, None, b"p"), ("file", "f", None, b""), ("tags", None, None, b"t")
    )
    assert body_of(FORMS, one_tag, "multipart/form-data; boundary=b0und").data.tags == ["t"]


@pytest.mark.parametrize(
    ("body", "content_type", "why"),
    [
        (b"--b0und--\r\n", "multipart/form-data", "the content type names no boundary"),
        (b"nothing", "multipart/form-data; boundary=b0und", "no part starts"),
        (
            b"--b0und junk\r\n",
            "multipart/form-data; boundary=b0und",
            "a boundary line is malformed",
        ),
        (
            b'--b0und\r\nContent-Disposition: form-data; name="a"\r\n\r\nx',
            "multipart/form-data; boundary=b0und",
            "the last part is not closed",
        ),
        (
            b"--b0und\r\nContent-Type: text/plain\r\n\r\nx\r\n--b0und--",
            "multipart/form-data; boundary=b0und",
            "a part is not `Content-Disposition: form-data`",
        ),
        (
            b"--b0und\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b0und--",
            "multipart/form-data; boundary=b0und",
            "a part has no field name",
        ),
    ],
)
def test_malformed_multipart_bodies_are_400s(body: bytes, content_type: str, why: str) -> None:
    error = refusal(lambda: parse_multipart(body, content_type))
    assert (error.status, error.message) == (400, f"The multipart body is malformed: {why}.")


def test_too_many_parts_are_refused() -> None:
    body = multipart(*[("f", None, None, b"x")] * 1001)
    error = refusal(lambda: parse_multipart(body, "multipart/form-data; boundary=b0und"))
    assert error.message == "The multipart body has more than 1000 parts."


def test_header_parameters() -> None:
    value = 'form-data; name="a \\"q\\""; filename*=UTF-8\'\'na%C3%AFve%20file.txt; filename="x"'
    assert header_parameters(value) == {"name": 'a "q"', "filename": "naïve file.txt"}
    assert header_parameters("text/plain; Charset=UTF-8") == {"charset": "UTF-8"}
    assert header_parameters("a; name*=bogus-charset''%41") == {}  # an unknown charset


def test_stream_flags() -> None:
    assert stream_requested({"stream": True}, "stream", "stream")
    assert not stream_requested({"stream": "true"}, "stream", "stream")

    class Request_(BaseModel):
        stream_: bool | None = Field(None, alias="stream")

    assert stream_requested(Request_(stream=True), "stream_", "stream")
    assert stream_requested(Multipart({"stream": True}), "stream", "stream")
    assert not stream_requested(None, "stream", "stream")


# --- binary answers --------------------------------------------------------------------------------


async def numbers() -> AsyncIterator[bytes]:
    for number in range(3):
        yield str(number).encode()


def blocking_numbers() -> Iterator[bytes]:
    yield from (b"a", b"b")


@pytest.mark.parametrize(
    ("returned", "body", "media_type"),
    [
        (b"\x00\x01", b"\x00\x01", "audio/mpeg"),
        (bytearray(b"ba"), b"ba", "audio/mpeg"),
        ("text", b"text", "audio/mpeg"),
        (Binary(b"webp", media_type="image/webp", headers={"X-Kind": "k"}), b"webp", "image/webp"),
    ],
)
def test_binary_answers_at_once(returned: Any, body: bytes, media_type: str) -> None:
    response = binary_response(returned, 200, "audio/mpeg")
    assert bytes(response.body) == body
    assert response.media_type == media_type


@pytest.mark.parametrize("returned", [numbers, blocking_numbers, lambda: Binary(numbers())])
def test_binary_answers_as_they_are_produced(returned: Callable[[], Any]) -> None:
    async def stream(request: Request) -> Response:
        return binary_response(returned(), 201, "application/octet-stream")

    answer = ask(app_of([("/download", {"GET": route(stream)})]), "GET", "/download")
    assert answer.status_code == 201
    assert answer.content in (b"012", b"ab")
    assert answer.headers["content-type"] == "application/octet-stream"


def test_a_binary_answer_of_another_type_is_a_500() -> None:
    async def wrong(request: Request) -> Response:
        return binary_response(42, 200, "application/octet-stream")

    with pytest.raises(TypeError, match="not int"):
        binary_response(42, 200, "application/octet-stream")
    assert ask(app_of([("/w", {"GET": route(wrong)})]), "GET", "/w").status_code == 500


def test_peek_gives_the_first_item_and_all_of_them() -> None:
    async def run() -> tuple[Any, list[bytes], Any]:
        first, rest = await peek(numbers())
        items = [item async for item in rest]
        empty, _ = await peek(_empty())
        return first, items, empty

    first, items, empty = asyncio.run(run())
    assert (first, items, empty) == (b"0", [b"0", b"1", b"2"], END)


async def _empty() -> AsyncIterator[bytes]:
    for item in ():
        yield item


# --- the command line ------------------------------------------------------------------------------


def unused_create_app(handler: Any, *, authenticate: Any = None, base_path: str = "") -> Any:
    raise AssertionError("the command line should have stopped before making an app")


def run_main(*argv: str, requires_auth: bool = True) -> None:
    """Run `main` to its argument error (argparse prints it on stderr and exits with 2)."""
    with pytest.raises(SystemExit) as stopped:
        main(
            list(argv),
            create_app=unused_create_app,
            mock=dict,
            title="Test API",
            base_path="/v1",
            env_prefix="TEST_API",
            requires_auth=requires_auth,
        )
    assert stopped.value.code == 2


def test_a_protected_spec_needs_a_token_for_a_handler_of_yours(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEST_API_SERVER_TOKENS", raising=False)
    run_main("--handler", "collections:OrderedDict")
    assert "give --token (or TEST_API_SERVER_TOKENS): the spec protects its operations" in (
        capsys.readouterr().err
    )
    run_main("--handler", "no-colon")
    assert "--handler 'no-colon': expected MODULE:NAME" in capsys.readouterr().err
    run_main("--help-me")
    usage = capsys.readouterr().err
    assert "usage: python -m generator.runtime.server" in usage


def test_load_handler_instantiates_a_class_and_takes_an_instance() -> None:
    parser = argparse.ArgumentParser()
    assert isinstance(load_handler(parser, "collections:OrderedDict"), dict)
    assert load_handler(parser, "logging:root") is logging.root


def test_the_limits_on_the_command_line_are_positive_numbers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for flag, value, why in [
        ("--max-body-size", "0", "'0' is not a positive number"),
        ("--workers", "1.5", "'1.5' is not a whole number"),
        ("--head-timeout", "soon", "'soon' is not a number"),
        ("--body-timeout", "inf", "'inf' is not a positive number"),
    ]:
        run_main("--mock", flag, value)
        assert why in capsys.readouterr().err, flag
    run_main("--help-me")
    usage = capsys.readouterr().err
    for flag in ("--workers", "--max-body-size", "--head-timeout", "--concurrency"):
        assert flag in usage


# --- a handler of the flat shape --------------------------------------------------------------


def test_a_flat_handler_becomes_the_resource_tree() -> None:
    class Flat:
        async def create_chat_completion(self) -> str:
            return "created"

        async def ping(self) -> str:
            return "pong"

    tree = handler_tree(
        Flat(), {"chat.completions.create": "create_chat_completion", "ping": "ping"}
    )
    assert asyncio.run(tree.chat.completions.create()) == "created"
    assert asyncio.run(tree.ping()) == "pong"
    with pytest.raises(TypeError, match=r"no method list_files\(\) \(for handler.files.list\)"):
        handler_tree(Flat(), {"files.list": "list_files"})
