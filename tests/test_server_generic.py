"""The server templates are spec-agnostic: a small spec unlike ours, generated, checked and served.

Query parameters (integers with bounds, exploded and comma-separated arrays), header and cookie
parameters, an integer path parameter, a literal path beside a parameter at the same place, two
methods on one path, an API-key header, an operation without a body or a result (204), text and
binary bodies (with size limits of the spec's own), a text result, a list result, an operation
that can only stream, one without security, and an error schema that is not OpenAI's shape. Served in process (ASGI), by a handler
written against the generated Protocol and by the mock.
"""

from __future__ import annotations

import asyncio
import importlib
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator.config import Target
from generator.pipeline import generate
from generator.runtime import MODULES as RUNTIME_MODULES
from tests.conftest import check_static, generate_package, importable

PACKAGE = "shelf_api_server_test"
KEY = "key-7a7a"


def json_media(schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"application/json": {"schema": schema, **extra}}


ITEM = {"$ref": "#/components/schemas/Item"}
PROBLEM = {
    "description": "a problem",
    "content": json_media({"$ref": "#/components/schemas/Problem"}),
}

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Shelf API", "version": "0.3"},
    "security": [{"apiKey": []}],
    "components": {
        "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}},
        "schemas": {
            "Item": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string", "minLength": 1},
                    "tags": {"type": "array", "items": {"type": "string"}},
                },
            },
            "Problem": {"type": "object", "properties": {"detail": {"type": "string"}}},
            "Tick": {"type": "object", "properties": {"n": {"type": "integer"}}},
        },
    },
    "paths": {
        "/items": {
            "get": {
                "operationId": "listItems",
                "parameters": [
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                    },
                    {
                        "name": "tag",
                        "in": "query",
                        "schema": {"type": "array", "items": {"type": "string"}},
                    },
                    {
                        "name": "ids",
                        "in": "query",
                        "explode": False,
                        "schema": {"type": "array", "items": {"type": "integer"}},
                    },
                    {
                        "name": "X-Trace-Id",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[a-f0-9]+$"},
                    },
                    {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "items",
                        "content": json_media(
                            {"type": "array", "items": ITEM},
                            examples={"two": {"value": [{"id": 1, "name": "a"}, {"name": "b"}]}},
                        ),
                    },
                    "404": PROBLEM,
                },
            },
            "post": {
                "operationId": "createItem",
                "requestBody": {"required": True, "content": json_media(ITEM)},
                "responses": {
                    "201": {
                        "description": "made",
                        "content": json_media(ITEM, example={"id": 7, "name": "made"}),
                    },
                    "400": PROBLEM,
                },
            },
        },
        "/items/latest": {
            "get": {
                "operationId": "latestItem",
                "responses": {"200": {"description": "the latest", "content": json_media(ITEM)}},
            }
        },
        "/items/{item_id}": {
            "parameters": [
                {
                    "name": "item_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1},
                }
            ],
            "delete": {"operationId": "deleteItem", "responses": {"204": {"description": "gone"}}},
            "put": {
                "operationId": "replaceNote",
                "requestBody": {
                    "content": {"text/plain": {"schema": {"type": "string", "maxLength": 10}}}
                },
                "responses": {
                    "200": {
                        "description": "the note",
                        "content": {
                            "text/plain": {"schema": {"type": "string"}, "example": "noted"}
                        },
                    }
                },
            },
        },
        "/uploads": {
            "post": {
                "operationId": "upload",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/octet-stream": {
                            "schema": {"type": "string", "format": "binary"},
                            "x-max-body-size": 1024,
                        }
                    },
                },
                "responses": {"200": {"description": "stored", "content": json_media({})}},
            }
        },
        "/ticks": {
            "get": {
                "operationId": "watchTicks",
                "responses": {
                    "200": {
                        "description": "ticks",
                        "content": {
                            "text/event-stream": {
                                "schema": {"$ref": "#/components/schemas/Tick"},
                                "example": [{"n": 1}, {"n": 2}],
                                "x-stream-terminator": "[DONE]",
                            }
                        },
                    }
                },
            }
        },
        "/ping": {
            "get": {
                "operationId": "ping",
                "security": [],
                "responses": {"200": {"description": "pong", "content": json_media({})}},
            }
        },
    },
}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, ModuleType]]:
    out = tmp_path_factory.mktemp("generic_server")
    generate_package(SPEC, out, PACKAGE)
    with importable(out, PACKAGE):
        yield out / PACKAGE, importlib.import_module(f"{PACKAGE}.server")


def handler_class(server: ModuleType) -> type:
    """A team's handler, written against the generated Protocols: a class per resource, as the
    client groups the operations (`handler.items.list`), composed by attributes; each echoes
    what it was given."""
    models = importlib.import_module(f"{PACKAGE}.models")

    class Items:
        async def list(
            self, *, limit: Any, tag: Any, ids: Any, x_trace_id: Any, session: Any, context: Any
        ) -> Any:
            return [
                models.Item(
                    name=json.dumps([limit, tag, ids, x_trace_id, session, context.principal])
                )
            ]

        async def create(self, body: Any, *, context: Any) -> Any:
            if body.name == "taken":
                raise server.HandlerError(409, "That name is taken.", param="name", code="conflict")
            return models.Item(id=1, name=body.name)

        async def latest(self, *, context: Any) -> Any:
            return models.Item(name="latest")

        async def delete(self, *, item_id: Any, context: Any) -> None:
            assert isinstance(item_id, int)

        async def replace(self, body: Any, *, item_id: Any, context: Any) -> str:
            return f"{item_id}:{body!r}"

    class Uploads:
        async def upload(self, body: Any, *, context: Any) -> Any:
            return {"size": len(body), "type": type(body).__name__}

    class Ticks:
        async def watch(self, *, context: Any) -> AsyncIterator[Any]:
            async def ticks() -> AsyncIterator[Any]:
                for n in range(3):
                    yield models.Tick(n=n)

            return ticks()

    class Shelf:
        items = Items()
        uploads = Uploads()
        ticks = Ticks()

        async def ping(self, *, context: Any) -> Any:
            return {"principal": context.principal}

    return Shelf


def call(
    app: Any, method: str, url: str, *, key: str | None = KEY, **options: Any
) -> httpx.Response:
    headers = {**({"X-Api-Key": key} if key else {}), **options.pop("headers", {})}

    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.request(method, url, headers=headers, **options)

    return asyncio.run(run())


@pytest.fixture(scope="module")
def app(package: tuple[Path, ModuleType]) -> Any:
    server = package[1]
    return server.create_app(
        handler_class(server)(), authenticate=server.static_tokens({KEY: "shelf-team"})
    )


@pytest.fixture(scope="module")
def mock(package: tuple[Path, ModuleType]) -> Any:
    server = package[1]
    return server.create_app(server.MockHandler(), authenticate=server.accept_any_token)


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}
    assert response.headers["x-request-id"]
    return dict(body["error"])


def test_the_generated_server_passes_ruff_and_mypy(package: tuple[Path, ModuleType]) -> None:
    check_static(package[0], ["server.py", *RUNTIME_MODULES["server"]])


def test_the_handler_protocol_reads_like_the_spec(package: tuple[Path, ModuleType]) -> None:
    source = (package[0] / "server.py").read_text()
    protocol = source[source.index("class Handler(Protocol):") : source.index("def create_app(")]
    for line in [
        "x_trace_id: str,",
        "limit: int | None,",
        "tag: builtins.list[str] | None,",  # `list` is a method of the resource: qualified
        "ids: builtins.list[int] | None,",
        ") -> builtins.list[models.Item]:",
        "body: models.Item,",
        "item_id: int,",
        "body: str | None,",
        "body: bytes,",
        ") -> AsyncIterator[models.Tick]:",
        "`DELETE /items/{item_id}`",
        "def items(self) -> ItemsHandler:",
        "class ItemsHandler(Protocol):",
    ]:
        assert line in protocol, line


def test_what_several_operations_check_alike_is_built_once(
    package: tuple[Path, ModuleType],
) -> None:
    """`item_id` of DELETE and PUT, and the API key of every protected operation: one object each,
    built at import (the app's behaviour with them is what the tests below check)."""
    source = (package[0] / "server.py").read_text()
    assert source.count("_ITEM_ID_RULE: Final = _rt.ParameterRule(") == 1
    assert source.count("_CREDENTIALS: Final = _rt.Credentials(") == 1
    assert "item_id_rule" not in source and "credentials = _rt.Credentials(" not in source
    assert source.count("item_id=_ITEM_ID_RULE.read(request)") == 2
    server = package[1]
    assert server._ITEM_ID_RULE.minimum == 1 and server._ITEM_ID_RULE.key == "item_id"


def test_query_header_and_cookie_parameters(app: Any) -> None:
    response = call(
        app,
        "GET",
        "/items?limit=5&tag=a&tag=b&ids=1,2,3",
        headers={"X-Trace-Id": "abc123", "Cookie": "session=s1"},
    )
    assert response.status_code == 200, response.text
    assert json.loads(response.json()[0]["name"]) == [
        5,
        ["a", "b"],
        [1, 2, 3],
        "abc123",
        "s1",
        "shelf-team",
    ]


def test_optional_parameters_left_out(app: Any) -> None:
    response = call(app, "GET", "/items", headers={"X-Trace-Id": "ff"})
    assert json.loads(response.json()[0]["name"]) == [None, None, None, "ff", None, "shelf-team"]


@pytest.mark.parametrize(
    ("url", "headers", "param"),
    [
        ("/items?limit=0", {"X-Trace-Id": "ff"}, "limit"),
        ("/items?limit=101", {"X-Trace-Id": "ff"}, "limit"),
        ("/items?limit=five", {"X-Trace-Id": "ff"}, "limit"),
        ("/items?ids=1,x", {"X-Trace-Id": "ff"}, "ids"),
        ("/items", {}, "X-Trace-Id"),
        ("/items", {"X-Trace-Id": "XYZ"}, "X-Trace-Id"),
    ],
)
def test_bad_parameters_are_400_naming_them(
    app: Any, url: str, headers: dict[str, str], param: str
) -> None:
    assert error_of(call(app, "GET", url, headers=headers), 400)["param"] == param


def test_integer_path_parameter(app: Any) -> None:
    assert (
        call(
            app, "PUT", "/items/42", content="hé".encode(), headers={"content-type": "text/plain"}
        ).text
        == "42:'hé'"
    )
    latin = call(
        app,
        "PUT",
        "/items/42",
        content="hé".encode("latin-1"),
        headers={"content-type": "text/plain; charset=latin-1"},
    )
    assert latin.text == "42:'hé'"
    error_of(
        call(app, "PUT", "/items/42", content=b"\xff", headers={"content-type": "text/plain"}), 400
    )
    assert error_of(call(app, "DELETE", "/items/0"), 400)["param"] == "item_id"
    assert error_of(call(app, "DELETE", "/items/abc"), 400)["param"] == "item_id"


def test_no_body_no_result(app: Any) -> None:
    response = call(app, "DELETE", "/items/3")
    assert response.status_code == 204 and response.content == b""


def test_literal_path_wins_over_a_parameter(app: Any) -> None:
    response = call(app, "GET", "/items/latest")
    assert response.status_code == 200 and response.json() == {"name": "latest"}


def test_two_methods_on_one_path(app: Any) -> None:
    made = call(app, "POST", "/items", json={"name": "n", "extra": True})
    assert made.status_code == 201 and made.json() == {"id": 1, "name": "n"}
    refused = call(app, "PATCH", "/items")
    error_of(refused, 405)
    assert set(refused.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST"}


def test_json_body_errors_and_handler_errors(app: Any) -> None:
    assert error_of(call(app, "POST", "/items", json={"name": 5}), 400)["param"] == "name"
    assert error_of(call(app, "POST", "/items", json={}), 400)["param"] == "name"
    conflict = error_of(call(app, "POST", "/items", json={"name": "taken"}), 409)
    assert conflict == {
        "message": "That name is taken.",
        "type": "invalid_request_error",
        "param": "name",
        "code": "conflict",
    }


def test_binary_body(app: Any) -> None:
    response = call(
        app,
        "POST",
        "/uploads",
        content=b"\x00\x01\x02",
        headers={"content-type": "application/octet-stream"},
    )
    assert response.json() == {"size": 3, "type": "bytes"}
    error_of(
        call(app, "POST", "/uploads", content=b"{}", headers={"content-type": "application/json"}),
        400,
    )


def test_bodies_are_held_to_the_specs_limits_and_the_apps(
    package: tuple[Path, ModuleType], app: Any
) -> None:
    octets = {"content-type": "application/octet-stream"}
    assert call(app, "POST", "/uploads", content=b"x" * 1024, headers=octets).json()["size"] == 1024
    too_large = error_of(call(app, "POST", "/uploads", content=b"x" * 1025, headers=octets), 413)
    assert too_large["message"].startswith("The request body is larger than 1024 bytes")
    text = {"content-type": "text/plain"}
    assert error_of(call(app, "PUT", "/items/3", content="x" * 41, headers=text), 413)
    server = package[1]
    small = server.create_app(
        handler_class(server)(), authenticate=server.static_tokens({KEY: "t"}), max_body_size=20
    )
    error_of(call(small, "POST", "/items", json={"name": "a name longer than twenty"}), 413)
    assert call(small, "POST", "/items", json={"name": "short"}).status_code == 201
    assert call(small, "POST", "/uploads", content=b"x" * 1000, headers=octets).status_code == 200


def test_an_operation_that_only_streams(app: Any) -> None:
    response = call(app, "GET", "/ticks")
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.text == 'data: {"n":0}\n\ndata: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n'


def test_api_key_and_an_open_operation(app: Any) -> None:
    assert call(app, "GET", "/ping", key=None).json() == {"principal": None}
    refused = call(app, "GET", "/items/latest", key=None)
    assert error_of(refused, 401)["type"] == "authentication_error"
    assert "www-authenticate" not in refused.headers  # no challenge for an API key
    error_of(call(app, "GET", "/items/latest", key="wrong"), 401)


def test_mock_answers_from_the_examples(mock: Any) -> None:
    assert call(mock, "GET", "/items", headers={"X-Trace-Id": "ff"}).json() == [
        {"id": 1, "name": "a"},
        {"name": "b"},
    ]
    made = call(mock, "POST", "/items", json={"name": "x"})
    assert made.status_code == 201 and made.json() == {"id": 7, "name": "made"}
    assert (
        call(mock, "PUT", "/items/1", content=b"x", headers={"content-type": "text/plain"}).text
        == "noted"
    )
    assert call(mock, "GET", "/ticks").text == 'data: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n'
    assert call(mock, "DELETE", "/items/1").status_code == 204
    # No example, and a schema of `{}`: a value drawn from it answers (the same every time).
    drawn = call(mock, "GET", "/ping")
    assert drawn.status_code == 200 and drawn.json() == call(mock, "GET", "/ping").json()


def test_openapi_document_is_the_spec(app: Any) -> None:
    assert call(app, "GET", "/openapi.json", key=None).json() == SPEC


# The names server.py uses for its own locals, and the names of every handler method's own arguments.
SHADOWING = ["handler", "authenticate", "credentials", "principal", "returned", "error"]
SHADOWING += ["request", "context", "body", "endpoint", "self"]
CLASHING: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Clashing names", "version": "1"},
    "components": {"schemas": {"Thing": {"type": "object", "properties": {"k": {}}}}},
    "paths": {
        "/rt/{call}": {
            "post": {
                "operationId": "rt",
                "parameters": [
                    {"name": "call", "in": "path", "required": True, "schema": {"type": "string"}},
                    *(
                        {"name": name, "in": "query", "schema": {"type": "string"}}
                        for name in SHADOWING
                    ),
                ],
                "requestBody": {"content": json_media({"$ref": "#/components/schemas/Thing"})},
                "responses": {"200": {"description": "ok", "content": json_media({})}},
            }
        },
        "/mock": {"get": {"operationId": "mock", "responses": {"204": {"description": "ok"}}}},
        "/by-method": {
            "get": {"operationId": "by_method", "responses": {"204": {"description": "ok"}}}
        },
    },
}


def test_names_that_could_shadow_the_servers_own(tmp_path: Path) -> None:
    package = "clashing_server_test"
    spec = tmp_path / "clashing.json"
    spec.write_text(json.dumps(CLASHING))
    generate(Target(spec=spec, out=tmp_path, package=package))
    with importable(tmp_path, package):
        server = importlib.import_module(f"{package}.server")

        class Rt:
            async def update(self, **arguments: Any) -> Any:
                context = {k: v for k, v in arguments.items() if k.startswith("context")}
                return {k: v for k, v in arguments.items() if not k.startswith("context")} | {
                    "contexts": len(context)
                }

        class Echo:
            rt = Rt()

            async def mock(self, **arguments: Any) -> None:
                return None

            async def by_method(self, **arguments: Any) -> None:
                return None

        app = server.create_app(Echo())
        response = call(app, "POST", "/rt/x?handler=h&error=e&request=r&body=b", json={"k": 1})
        assert response.status_code == 200, response.text
        echoed = response.json()
        assert echoed.pop("contexts") == 2  # the handler's context, and the `context` parameter
        assert echoed["body"] == {"k": 1} and echoed["body_2"] == "b" and echoed["request_2"] == "r"
        assert echoed["call"] == "x" and echoed["handler"] == "h" and echoed["error"] == "e"
        assert call(app, "GET", "/mock").status_code == 204
        assert call(app, "GET", "/by-method").status_code == 204
