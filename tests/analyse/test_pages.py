"""Lists and their pages (analyse/pages.py): which results are lists, how each pages, detected
where the spec's names say it unambiguously, declared in the configuration otherwise."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.analyse import analyse
from generator.config import Target
from generator.ir import Api, ModelRef, Pagination
from generator.load import load_spec

ITEM = {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}


def query(*names: str, kind: str = "string") -> list[dict[str, Any]]:
    return [{"name": name, "in": "query", "schema": {"type": kind}} for name in names]


def listing(properties: dict[str, Any], parameters: list[dict[str, Any]]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties}
    return {
        "parameters": parameters,
        "responses": {
            "200": {"description": "a page", "content": {"application/json": {"schema": schema}}}
        },
    }


ITEMS = {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}
PATHS: dict[str, Any] = {
    "/cursor": {
        "get": {
            "operationId": "cursor",
            **listing(
                {"data": ITEMS, "has_more": {"type": "boolean"}, "last_id": {"type": "string"}},
                query("after", "limit"),
            ),
        }
    },
    "/by-id": {
        "get": {
            "operationId": "byId",
            **listing({"data": ITEMS, "has_more": {"type": "boolean"}}, query("after")),
        }
    },
    "/token": {
        "get": {
            "operationId": "token",
            **listing(
                {"items": ITEMS, "next_page_token": {"type": ["string", "null"]}},
                query("page_token"),
            ),
        }
    },
    "/usage": {
        "get": {
            "operationId": "usage",
            **listing(
                {"data": ITEMS, "next_page": {"type": "string"}, "has_more": {"type": "boolean"}},
                query("page"),
            ),
        }
    },
    "/offset": {
        "get": {
            "operationId": "offset",
            **listing({"results": ITEMS}, query("offset", "limit", kind="integer")),
        }
    },
    "/page": {
        "get": {
            "operationId": "page",
            **listing(
                {"data": ITEMS},
                [{"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 0}}],
            ),
        }
    },
    "/link": {
        "get": {
            "operationId": "link",
            **listing({"data": ITEMS, "next": {"type": "string", "format": "uri"}}, []),
        }
    },
    "/both": {
        "get": {
            "operationId": "both",
            **listing(
                {"data": ITEMS, "has_more": {"type": "boolean"}, "next_cursor": {"type": "string"}},
                query("after", "cursor"),
            ),
        }
    },
    "/plain": {"get": {"operationId": "plain", **listing({"data": ITEMS}, [])}},
    "/one": {
        "get": {
            "operationId": "one",
            **listing({"tools": ITEMS, "name": {"type": "string"}}, query("after")),
        }
    },
}


def api_of(tmp_path: Path, **target: Any) -> Api:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": PATHS,
        "components": {"schemas": {"Item": ITEM}},
    }
    path = tmp_path / "api.json"
    path.write_text(json.dumps(document))
    return analyse(load_spec(path), Target(package="pkg", **target))


def pages(api: Api) -> dict[str, Pagination | None]:
    return {str(op.operation_id): op.pagination for op in api.operations}


def test_styles_are_detected_where_the_names_say_them(tmp_path: Path) -> None:
    found = pages(api_of(tmp_path))
    cursor = found["cursor"]
    assert cursor is not None and cursor.style == "cursor" and cursor.item_type == ModelRef("Item")
    assert (cursor.items, cursor.param, cursor.next, cursor.item_field, cursor.has_more) == (
        "data",
        "after",
        "last_id",
        "id",
        "has_more",
    )
    by_id = found["byId"]
    assert by_id is not None and (by_id.next, by_id.item_field) == (None, "id")
    token = found["token"]
    assert token is not None and (token.style, token.param, token.next) == (
        "token",
        "page_token",
        "next_page_token",
    )
    usage = found["usage"]  # a string `page` is a token, as OpenAI's usage lists have it
    assert usage is not None and (usage.style, usage.param, usage.next) == (
        "token",
        "page",
        "next_page",
    )
    offset = found["offset"]
    assert offset is not None and (offset.style, offset.items, offset.param) == (
        "offset",
        "results",
        "offset",
    )
    page = found["page"]
    assert page is not None and (page.style, page.first) == ("page", 0)
    link = found["link"]
    assert link is not None and (link.style, link.next) == ("next_link", "next")


def test_ambiguous_or_unpaged_lists_are_not_paged(tmp_path: Path) -> None:
    found = pages(api_of(tmp_path))
    assert found["both"] is None  # a cursor and a token: the configuration must say which
    assert found["plain"] is None  # a list without a way to the next page
    assert found["one"] is None  # an object with one array is not a list without a list's fields


def test_the_configuration_declares_or_switches_off(tmp_path: Path) -> None:
    declared = {
        "both": "token param=cursor next=next_cursor",
        "cursor": "none",
        "plain": "offset",
        "nothing": "cursor",
    }
    api = api_of(tmp_path, pagination=declared)
    found = pages(api)
    both = found["both"]
    assert both is not None and (both.style, both.param, both.next) == (
        "token",
        "cursor",
        "next_cursor",
    )
    assert found["cursor"] is None
    assert found["plain"] is None
    assert any(
        "'plain' = 'offset': the spec does not say an offset parameter" in w for w in api.warnings
    )
    assert any("'nothing' is not the operationId of an operation" in w for w in api.warnings)
