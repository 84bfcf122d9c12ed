"""Lists that page, end to end: a small spec with one list per style (a cursor and `has_more`,
a token, an offset, a page number, a link to the next page, and one the configuration declares),
generated (client and server), the server run with a handler that pages over 127.0.0.1, and
the client iterating every list to its end, sync and async, fetching page after page."""

from __future__ import annotations

import asyncio
import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator.config import Target
from generator.pipeline import generate
from tests.conftest import check_static, importable
from tests.test_server import RunningServer

PACKAGE = "paged_api_client_test"
NAMES = [f"item-{n}" for n in range(7)]
ITEM = {"$ref": "#/components/schemas/Item"}
ITEMS = {"type": "array", "items": ITEM}


def listing(operation_id: str, properties: dict[str, Any], *parameters: tuple[str, str]) -> Any:
    return {
        "get": {
            "operationId": operation_id,
            "parameters": [
                {"name": name, "in": "query", "schema": {"type": kind}} for name, kind in parameters
            ],
            "responses": {
                "200": {
                    "description": "a page",
                    "content": {
                        "application/json": {"schema": {"type": "object", "properties": properties}}
                    },
                }
            },
        }
    }


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Paged API", "version": "1"},
    "servers": [{"url": "http://127.0.0.1:9/api"}],
    "components": {
        "schemas": {"Item": {"type": "object", "properties": {"id": {"type": "string"}}}}
    },
    "paths": {
        "/files": listing(
            "listFiles",
            {"data": ITEMS, "has_more": {"type": "boolean"}, "last_id": {"type": "string"}},
            ("after", "string"),
            ("limit", "integer"),
        ),
        "/events": listing(
            "listEvents",
            {"items": ITEMS, "next_page_token": {"type": ["string", "null"]}},
            ("page_token", "string"),
        ),
        "/rows": {
            "get": {
                "operationId": "listRows",
                "parameters": [
                    {"name": "offset", "in": "query", "schema": {"type": "integer"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {
                    "200": {
                        "description": "rows",
                        "content": {"application/json": {"schema": ITEMS}},
                    }
                },
            }
        },
        "/pages": listing("listPages", {"data": ITEMS}, ("page", "integer")),
        "/links": listing(
            "listLinks",
            {"data": ITEMS, "next": {"type": ["string", "null"], "format": "uri"}},
            ("step", "integer"),
        ),
        "/declared": listing(
            "listDeclared",
            {"entries": ITEMS, "more": {"type": "boolean"}, "cursor_out": {"type": "string"}},
            ("since", "string"),
        ),
    },
}
DECLARED = {"listDeclared": "cursor param=since next=cursor_out has_more=more items=entries"}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Any, Any]]:
    out = tmp_path_factory.mktemp("paged")
    spec = out / "paged.json"
    spec.write_text(json.dumps(SPEC))
    generate(Target(spec=spec, out=out, package=PACKAGE, pagination=DECLARED))
    with importable(out, PACKAGE):
        client = importlib.import_module(f"{PACKAGE}.client")
        server = importlib.import_module(f"{PACKAGE}.server")
        yield out / PACKAGE, client, server


def pages_of(start: int, size: int) -> tuple[list[str], bool]:
    chosen = NAMES[start : start + size]
    return chosen, start + size < len(NAMES)


def handler(server: ModuleType, models: ModuleType) -> Any:
    """Seven items in every list, three to a page, each paged its own way."""

    def items(names: list[str]) -> list[Any]:
        return [models.Item(id=name) for name in names]

    def page(operation: str, **fields: Any) -> Any:
        return getattr(models, f"{operation}Response").model_validate(fields)

    class Files:
        async def list(self, *, after: Any, limit: Any, context: Any) -> Any:
            start = NAMES.index(after) + 1 if after else 0
            chosen, more = pages_of(start, limit or 3)
            return page("ListFiles", data=items(chosen), has_more=more, last_id=chosen[-1])

    class Events:
        async def list(self, *, page_token: Any, context: Any) -> Any:
            chosen, more = pages_of(int(page_token or 0), 3)
            token = str(int(page_token or 0) + 3) if more else None
            return page("ListEvents", items=items(chosen), next_page_token=token)

    class Rows:
        async def list(self, *, offset: Any, limit: Any, context: Any) -> Any:
            return items(pages_of(offset or 0, limit or 3)[0])

    page_of = page

    class Pages:
        async def list(self, *, page: Any, context: Any) -> Any:
            return page_of("ListPages", data=items(pages_of(((page or 1) - 1) * 3, 3)[0]))

    class Links:
        async def list(self, *, step: Any, context: Any) -> Any:
            chosen, more = pages_of((step or 0) * 3, 3)
            host = context.headers["host"]  # the link is a URI: absolute, on this server
            link = f"http://{host}/api/links?step={(step or 0) + 1}" if more else None
            return page("ListLinks", data=items(chosen), next=link)

    class Declared:
        async def list(self, *, since: Any, context: Any) -> Any:
            start = NAMES.index(since) + 1 if since else 0
            chosen, more = pages_of(start, 3)
            return page("ListDeclared", entries=items(chosen), more=more, cursor_out=chosen[-1])

    class Handler:
        files = Files()
        events = Events()
        rows = Rows()
        pages = Pages()
        links = Links()
        declared = Declared()

    return Handler()


@pytest.fixture(scope="module")
def url(package: tuple[Path, Any, Any]) -> Iterator[str]:
    _, _, server = package
    models = importlib.import_module(f"{PACKAGE}.models")
    with RunningServer(server.create_app(handler(server, models))) as running:
        yield running.url + "/api"


LISTS = ["files", "events", "rows", "pages", "links", "declared"]


def test_the_paged_package_passes_ruff_and_mypy(package: tuple[Path, Any, Any]) -> None:
    check_static(package[0])


@pytest.mark.parametrize("resource", LISTS)
def test_every_list_is_iterated_to_its_end(
    package: tuple[Path, Any, Any], url: str, resource: str
) -> None:
    _, client_module, _ = package
    with client_module.Client(base_url=url, max_retries=0) as client:
        method = getattr(client, resource).list
        assert [item.id for item in method()] == NAMES
        first = method()
        assert len(first.data) == 3 and first.has_next_page()
        sizes = [len(page.data) for page in first.iter_pages()]
        # Offsets and page numbers end at an empty page; the others know the last one.
        assert sizes == ([3, 3, 1, 0] if resource in ("rows", "pages") else [3, 3, 1])

    async def run() -> list[str]:
        async with client_module.AsyncClient(base_url=url, max_retries=0) as client:
            return [item.id async for item in getattr(client, resource).list()]

    assert asyncio.run(run()) == NAMES
