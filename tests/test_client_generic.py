"""The client templates are spec-agnostic: a small spec unlike ours, generated, checked and called.

Query parameters in every style, header and cookie parameters, an API-key header, an operation
without a body or a result (204), text, form and multipart bodies (whole, or as keyword
arguments), a list result, an untyped result, and an operation that can only stream; each call
goes to the fault server's echo route, which answers with what it received. The operations are
grouped by their paths: `client.items.list`, `client.forms.submit`, `client.ping()` (a path of
one segment that the operationId names as its verb is an action of the client itself).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator.config import Target
from generator.pipeline import generate
from generator.runtime import MODULES as RUNTIME_MODULES
from tests.conftest import check_static, generate_package, importable
from tests.fault_server import FaultServer

PACKAGE = "echo_api_client_test"
TOKEN = "key-5e5e-secret"


def echo(
    schema: str = "#/components/schemas/Echo", media: str = "application/json"
) -> dict[str, Any]:
    content: dict[str, Any] = {"schema": {"$ref": schema}}
    if media == "text/event-stream":
        content["x-stream-terminator"] = "[DONE]"  # the fault server ends its streams so
    return {"description": "what the server received", "content": {media: content}}


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Echo API", "version": "2.0"},
    "servers": [{"url": "http://127.0.0.1:9/echo"}],
    "security": [{"apiKey": []}],
    "components": {
        "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}},
        "schemas": {
            "Echo": {
                "type": "object",
                "required": ["method", "path"],
                "properties": {
                    "method": {"type": "string"},
                    "path": {"type": "string"},
                    "query": {
                        "type": "array",
                        "items": {"type": "array", "items": {"type": "string"}},
                    },
                    "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                    "body": {"type": "string"},
                },
            },
            "Item": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "file": {"type": "string", "format": "binary"},
                },
            },
            "Problem": {"type": "object", "properties": {"detail": {"type": "string"}}},
        },
    },
    "paths": {
        "/items": {
            "get": {
                "operationId": "listItems",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
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
                        "name": "filter",
                        "in": "query",
                        "style": "deepObject",
                        "schema": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                    {
                        "name": "X-Trace-Id",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                ],
                "responses": {"200": echo(), "404": echo("#/components/schemas/Problem")},
            },
            "post": {
                "operationId": "createItem",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}
                    },
                },
                "responses": {"201": echo()},
            },
        },
        "/items/list": {
            "get": {
                "operationId": "listAll",
                "responses": {
                    "200": {
                        "description": "two echoes",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Echo"},
                                }
                            }
                        },
                    }
                },
            }
        },
        "/items/{item_id}": {
            "parameters": [
                {"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "delete": {"operationId": "deleteItem", "responses": {"204": {"description": "gone"}}},
            "put": {
                "operationId": "replaceItemText",
                "requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}},
                "responses": {
                    "200": {
                        "description": "the echo, as text",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    }
                },
            },
        },
        "/forms": {
            "post": {
                "operationId": "submitForm",
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {"$ref": "#/components/schemas/Item"}
                        }
                    }
                },
                "responses": {"200": echo()},
            }
        },
        "/uploads": {
            "post": {
                "operationId": "upload",
                "requestBody": {
                    "content": {
                        "multipart/form-data": {"schema": {"$ref": "#/components/schemas/Item"}}
                    }
                },
                "responses": {"200": echo()},
            }
        },
        "/events": {
            "get": {
                "operationId": "watchEvents",
                "responses": {"200": echo(media="text/event-stream")},
            }
        },
        "/ping": {
            "get": {
                "operationId": "ping",
                "security": [],
                "responses": {
                    "200": {"description": "anything", "content": {"application/json": {}}}
                },
            }
        },
    },
}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, ModuleType]]:
    out = tmp_path_factory.mktemp("generic")
    generate_package(SPEC, out, PACKAGE)
    with importable(out, PACKAGE):
        yield out / PACKAGE, importlib.import_module(f"{PACKAGE}.client")


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


def client_of(package: tuple[Path, ModuleType], server: FaultServer, **overrides: Any) -> Any:
    return package[1].Client(base_url=server.url + "/echo", token=TOKEN, timeout=5.0, **overrides)


CLIENT_MODULES = ["client.py", "errors.py", "params.py", *RUNTIME_MODULES["client"]]


def test_the_generated_client_passes_ruff_and_mypy(package: tuple[Path, ModuleType]) -> None:
    check_static(package[0])


def test_resources_follow_the_paths(package: tuple[Path, ModuleType]) -> None:
    client = package[1].Client(base_url="http://127.0.0.1:9", token=TOKEN)
    assert [name for name in ("items", "forms", "uploads", "events") if hasattr(client, name)] == [
        "items",
        "forms",
        "uploads",
        "events",
    ]
    methods = {name for name in vars(type(client.items)) if not name.startswith("_")}
    assert {"list", "create", "list_all", "replace", "delete"} <= methods
    assert callable(client.ping) and callable(client.events.watch)
    assert f"{PACKAGE}.resources.items" in sys.modules and f"{PACKAGE}.models" not in sys.modules


def test_query_header_and_cookie_parameters(
    package: tuple[Path, ModuleType], server: FaultServer
) -> None:
    with client_of(package, server) as client:
        result = client.items.list(
            limit=5,
            tag=["a", "b"],
            ids=[1, 2],
            filter_={"kind": "x"},
            x_trace_id="t-1",
            session="s1",
        )
    models = importlib.import_module(f"{PACKAGE}.models")
    assert isinstance(result, models.Echo)
    assert result.method == "GET"
    assert result.path == "/echo/items"
    assert result.query == [
        ["limit", "5"],
        ["tag", "a"],
        ["tag", "b"],
        ["ids", "1,2"],
        ["filter[kind]", "x"],
    ]
    assert result.headers["x-trace-id"] == "t-1"
    assert result.headers["cookie"] == "session=s1"
    assert result.headers["x-api-key"] == TOKEN  # the spec's apiKey scheme
    assert "authorization" not in result.headers


def test_optional_parameters_left_out(
    package: tuple[Path, ModuleType], server: FaultServer
) -> None:
    with client_of(package, server) as client:
        result = client.items.list(x_trace_id="t-2", extra_query={"page": 2})
    assert result.query == [["page", "2"]]
    assert "cookie" not in result.headers


def test_json_body_model_or_mapping(package: tuple[Path, ModuleType], server: FaultServer) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    with client_of(package, server) as client:
        from_mapping = client.items.create({"name": "n", "tags": [], "extra": None})
        from_model = client.items.create(models.Item(name="m"))
        from_keywords = client.items.create(tags=["t"], name="k")
        with pytest.raises(TypeError, match="the body or its properties, not both"):
            client.items.create({"name": "n"}, name="k")
    assert json.loads(from_mapping.body) == {"name": "n", "tags": [], "extra": None}
    assert json.loads(from_model.body) == {"name": "m"}
    assert from_keywords.body == '{"name":"k","tags":["t"]}'  # in the schema's order
    assert from_model.method == "POST"


def test_no_body_no_result(package: tuple[Path, ModuleType], server: FaultServer) -> None:
    before = len(server.requests["echo"])
    with client_of(package, server) as client:
        assert client.items.delete(item_id=3) is None
    received = server.requests["echo"][before]
    assert (received.method, received.path, received.body) == ("DELETE", "/echo/items/3", b"")


def test_text_body_and_text_result(package: tuple[Path, ModuleType], server: FaultServer) -> None:
    with client_of(package, server) as client:
        text = client.items.replace("héllo", item_id=4)
    assert isinstance(text, str)
    description = json.loads(text)
    assert description["body"] == "héllo"
    assert description["headers"]["content-type"] == "text/plain"


def test_list_result(package: tuple[Path, ModuleType], server: FaultServer) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    with client_of(package, server) as client:
        result = client.items.list_all()
    assert len(result) == 2 and all(isinstance(item, models.Echo) for item in result)


def test_form_body(package: tuple[Path, ModuleType], server: FaultServer) -> None:
    with client_of(package, server) as client:
        result = client.forms.submit({"name": "n", "tags": ["a", "b"]})
        keywords = client.forms.submit(name="n", tags=["a", "b"])
    assert result.body == keywords.body == "name=n&tags=a&tags=b"
    assert result.headers["content-type"] == "application/x-www-form-urlencoded"


def test_multipart_body(package: tuple[Path, ModuleType], server: FaultServer) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    with client_of(package, server) as client:
        result = client.uploads.upload(models.Item(name="n", file=b"\x00binary"))
        keywords = client.uploads.upload(name="n", file=("notes.bin", b"\x00binary"))
    assert result.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert 'name="name"' in result.body and 'name="file"' in result.body and "binary" in result.body
    assert 'filename="notes.bin"' in keywords.body and "binary" in keywords.body


def test_an_operation_that_only_streams(
    package: tuple[Path, ModuleType], server: FaultServer
) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    with client_of(package, server) as client, client.events.watch() as stream:
        items = list(stream)
    assert len(items) == 2 and all(isinstance(item, models.Echo) for item in items)
    assert items[0].headers["accept"] == "text/event-stream"


def test_untyped_result_and_no_security(
    package: tuple[Path, ModuleType], server: FaultServer
) -> None:
    with client_of(package, server) as client:
        result = client.ping()
    assert isinstance(result, dict) and result["path"] == "/echo/ping"


def test_raw_response_and_async(package: tuple[Path, ModuleType], server: FaultServer) -> None:
    with client_of(package, server) as client:
        raw = client.items.with_raw_response.list(x_trace_id="t-3")
        also_raw = client.with_raw_response.items.list(x_trace_id="t-3")
    assert raw.status_code == 200 and raw.request_id == "echo-1"
    assert raw.parse().path == "/echo/items" and also_raw.parse().path == "/echo/items"

    async def run() -> Any:
        async with package[1].AsyncClient(base_url=server.url + "/echo", token=TOKEN) as client:
            deleted = await client.items.delete(item_id=9)
            async with client.events.watch() as stream:  # no `await` first
                items = [item async for item in stream]
            stream = await client.events.watch()  # or awaited, then used
            async with stream:
                again = [item async for item in stream]
            return deleted, items, again

    deleted, items, again = asyncio.run(run())
    assert deleted is None and len(items) == len(again) == 2


def test_default_base_url_is_the_spec_server(package: tuple[Path, ModuleType]) -> None:
    with package[1].Client() as client:
        assert client.base_url == "http://127.0.0.1:9/echo"


# An operation of the client itself (a path without a literal segment) named like a client
# member, and a path parameter every operation shares that is named like a constructor argument:
# neither may break the client.
ODD_SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Odd names", "version": "1"},
    "components": {"schemas": {"Echo": SPEC["components"]["schemas"]["Echo"]}},
    "paths": {
        "/{token}": {
            "get": {
                "operationId": "close",
                "parameters": [
                    {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {"200": echo()},
            }
        }
    },
}
ODD_PACKAGE = "odd_names_client_test"


def test_names_that_collide_with_client_members(tmp_path: Path, server: FaultServer) -> None:
    spec = tmp_path / "odd.json"
    spec.write_text(json.dumps(ODD_SPEC))
    generate(Target(spec=spec, out=tmp_path, package=ODD_PACKAGE))
    check_static(tmp_path / ODD_PACKAGE, mypy=False)
    with importable(tmp_path, ODD_PACKAGE):
        module = importlib.import_module(f"{ODD_PACKAGE}.client")
        with pytest.raises(ValueError, match="no base URL"):
            module.Client()  # the spec has no servers
        client = module.Client(base_url=server.url + "/echo", token=TOKEN, default_token="a b")
        with client:
            assert client.close_().path == "/echo/a%20b"
            assert client.close_(token="xyz").path == "/echo/xyz"
            assert (
                client.close_().headers["authorization"] == f"Bearer {TOKEN}"
            )  # no scheme: bearer
        assert client._http.is_closed  # `close` is still the client's
