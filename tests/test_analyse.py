"""The analyse stage on its own: the decisions the IR records, from small specs written here."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from generator.analyse import analyse
from generator.analyse.operations import schema_sites, selected_operations
from generator.analyse.types import ClassNames, Types
from generator.config import Target
from generator.ir import (
    ANY_MAPPING,
    NONE,
    STR,
    Api,
    Generic,
    ListOf,
    LiteralOf,
    ModelRef,
    Operation,
    union,
)
from generator.load import load_spec
from tests.conftest import ROOT


def spec_file(tmp_path: Path, paths: dict[str, Any], **document: Any) -> Path:
    path = tmp_path / "api.json"
    body = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}
    path.write_text(json.dumps({**body, **document}))
    return path


def api_of(tmp_path: Path, paths: dict[str, Any], **document: Any) -> Api:
    return analyse(load_spec(spec_file(tmp_path, paths, **document)), Target(package="pkg"))


def operation(api: Api, operation_id: str) -> Operation:
    return next(op for op in api.operations if op.operation_id == operation_id)


JSON_OK = {"200": {"description": "ok", "content": {"application/json": {"schema": {}}}}}
OBJECT = {"type": "object", "properties": {"a": {"type": "string"}}}


def test_inline_schemas_are_named_before_any_type_is_asked_for(tmp_path: Path) -> None:
    paths = {
        "/a": {
            "post": {
                "operationId": "makeThing",
                "parameters": [{"name": "filter", "in": "query", "schema": OBJECT}],
                "requestBody": {"content": {"application/json": {"schema": OBJECT}}},
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": OBJECT}},
                    },
                    "404": {
                        "description": "no",
                        "content": {"application/json": {"schema": OBJECT}},
                    },
                },
            }
        }
    }
    spec = load_spec(spec_file(tmp_path, paths, components={"schemas": {"Thing": OBJECT}}))
    names = ClassNames.of(spec, schema_sites(spec, selected_operations(spec, Target().admits)))
    assert [m.class_name for m in names.models] == [
        "Thing",
        "MakeThingFilter",
        "MakeThingRequest",
        "MakeThingResponse",
        "MakeThingResponseN404",  # pascal_case("404") is N404
    ]
    types = Types(spec, names)
    pointer = "/paths/~1a/post/responses/404/content/application~1json/schema"
    # Asked for in any order, as often as wanted: a lookup, never a new name.
    assert types.of(OBJECT, pointer) == ModelRef("MakeThingResponseN404")
    assert types.of(OBJECT, pointer) == ModelRef("MakeThingResponseN404")
    assert len(names.models) == 5


def test_types_are_trees_not_strings(tmp_path: Path) -> None:
    parameters = [
        {"name": "order", "in": "query", "schema": {"enum": ["asc", "desc"]}},
        {"name": "tags", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
    ]
    api = api_of(
        tmp_path,
        {"/a": {"get": {"operationId": "list", "parameters": parameters, "responses": JSON_OK}}},
    )
    order, tags = operation(api, "list").parameters
    assert order.type == LiteralOf(("asc", "desc"))
    assert order.argument_type == union(LiteralOf(("asc", "desc")), NONE)  # optional
    assert tags.type == ListOf(STR)


def test_method_names_stay_clear_of_the_clients_members(tmp_path: Path) -> None:
    """In the flat grouping every operation is a method of the client, named by its
    operationId; one that would replace a member of the client gets a trailing `_`. Whether a
    call streams is `stream=`, or the only answer an operation has."""
    stream_only = {
        "200": {
            "description": "ok",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        }
    }
    both = {
        "200": {
            "description": "ok",
            "content": {"application/json": {"schema": {}}, "text/event-stream": {"schema": {}}},
        }
    }
    paths = {
        "/close": {"post": {"operationId": "close", "responses": JSON_OK}},
        "/watch": {"get": {"operationId": "watch", "responses": stream_only}},
        "/chat": {"post": {"operationId": "chat", "responses": both}},
        "/options": {"post": {"operationId": "with_options", "responses": JSON_OK}},
    }
    spec = load_spec(spec_file(tmp_path, paths))
    api = analyse(spec, Target(package="pkg", resource_grouping="flat"))
    methods = {op.name: op.client_method.dotted for op in api.operations}
    assert methods == {
        "close": "close_",
        "watch": "watch",
        "chat": "chat",
        "with_options": "with_options_",
    }
    modes = {op.name: (op.plain_call, op.stream_option, op.only_streams) for op in api.operations}
    assert modes["watch"] == (False, False, True) and modes["chat"] == (True, True, False)


def test_the_accept_header_is_decided_per_operation(tmp_path: Path) -> None:
    download = {
        "200": {
            "description": "a file",
            "content": {
                "audio/mpeg": {},
                "application/json": {"schema": {"type": "string"}},
                "text/event-stream": {"schema": {}},
            },
        }
    }
    api = api_of(tmp_path, {"/speech": {"post": {"operationId": "speak", "responses": download}}})
    speak = operation(api, "speak")
    assert speak.result.parser == "binary"
    assert speak.result.accept == "audio/mpeg, application/json"
    assert speak.stream is not None and speak.stream.media.content_type == "text/event-stream"


def test_the_client_sends_the_scheme_the_operations_ask_for(tmp_path: Path) -> None:
    schemes = {
        "basic": {"type": "http", "scheme": "basic"},
        "key": {"type": "apiKey", "in": "query", "name": "api_key"},
    }
    paths = {"/a": {"get": {"operationId": "a", "security": [{"key": []}], "responses": JSON_OK}}}
    api = api_of(tmp_path, paths, components={"securitySchemes": schemes})
    assert api.client.auth is not None
    assert (api.client.auth.kind, api.client.auth.location, api.client.auth.parameter_name) == (
        "api_key",
        "query",
        "api_key",
    )
    assert [s.name for s in operation(api, "a").credentials] == ["key"]
    assert api.requires_auth


@pytest.mark.parametrize(
    ("url", "base_path"),
    [
        ("https://api.example.com/v1/", "/v1"),
        ("https://api.example.com", ""),
        ("/relative/v2", "/relative/v2"),
        ("https://{region}.example.com/{version}", ""),
        ("Your API URL", ""),
    ],
)
def test_the_base_path_is_the_first_servers_usable_path(
    tmp_path: Path, url: str, base_path: str
) -> None:
    api = api_of(tmp_path, {}, servers=[{"url": url}])
    assert api.base_path == base_path


def test_request_id_headers_include_those_the_spec_documents(tmp_path: Path) -> None:
    responses = {
        "200": {
            "description": "ok",
            "headers": {"OpenAI-Request-ID": {"schema": {"type": "string"}}, "X-Other": {}},
        }
    }
    api = api_of(tmp_path, {"/a": {"get": {"operationId": "a", "responses": responses}}})
    assert api.request_id_headers == ("x-request-id", "request-id", "openai-request-id")


def test_operations_on_one_route_share_its_parameter_names(tmp_path: Path) -> None:
    item = {"name": "item-id", "in": "path", "required": True, "schema": {"type": "string"}}
    paths = {
        "/items/{item-id}": {
            "parameters": [item],
            "get": {"operationId": "getItem", "responses": JSON_OK},
            "delete": {"operationId": "deleteItem", "responses": JSON_OK},
        }
    }
    api = api_of(tmp_path, paths)
    assert {op.route_template for op in api.operations} == {"/items/{item_id}"}
    assert {p.route_key for op in api.operations for p in op.path_parameters} == {"item_id"}


def test_a_terminator_on_a_stream_without_a_schema_is_kept(tmp_path: Path) -> None:
    responses = {
        "200": {
            "description": "events",
            "content": {"text/event-stream": {"x-stream-terminator": "[END]"}},
        }
    }
    api = api_of(tmp_path, {"/events": {"get": {"operationId": "events", "responses": responses}}})
    stream = operation(api, "events").stream
    assert stream is not None and stream.terminator == "[END]"
    assert stream.chunk_type.is_any


def test_bodies_know_what_client_and_handler_see(tmp_path: Path) -> None:
    body = {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/Thing"}},
        },
    }
    paths = {"/a": {"post": {"operationId": "a", "requestBody": body, "responses": JSON_OK}}}
    api = api_of(tmp_path, paths, components={"schemas": {"Thing": OBJECT}})
    request = operation(api, "a").body
    assert request is not None and request.several_kinds
    thing = ModelRef("Thing")
    assert request.client_type == union(thing, ANY_MAPPING)
    assert request.handler_type == union(thing, Generic("Multipart", (thing,)))
    assert not request.narrows(request.alternatives[1])  # both kinds take the same types


def test_a_body_has_the_size_limit_its_spec_gives(tmp_path: Path) -> None:
    def body(content: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {"post": {"requestBody": {"content": content, **extra}, "responses": JSON_OK}}

    text = {"schema": {"type": "string", "maxLength": 1000}}
    paths = {
        "/own": body({"application/json": {"schema": OBJECT, "x-max-body-size": 2048}}),
        "/shared": body(
            {"application/json": {"schema": OBJECT}, "text/plain": text}, **{"x-max-body-size": 512}
        ),
        "/lengths": body(
            {"text/plain": text, "application/octet-stream": {"schema": {"maxLength": 10}}}
        ),
        "/none": body({"application/json": {"schema": OBJECT}, "text/plain": {}}),
        "/wrong": body({"application/json": {"schema": OBJECT, "x-max-body-size": "big"}}),
    }
    api = api_of(tmp_path, paths)

    def sizes(path: str) -> dict[str, int | None]:
        found = next(op for op in api.operations if op.path == path).body
        assert found is not None
        return {media.essence: media.max_size for media in found.media}

    assert sizes("/own") == {"application/json": 2048}
    assert sizes("/shared") == {"application/json": 512, "text/plain": 512}
    assert sizes("/lengths") == {"text/plain": 4000, "application/octet-stream": 10}
    assert sizes("/none") == {"application/json": None, "text/plain": None}
    assert sizes("/wrong") == {"application/json": None}
    assert any("x-max-body-size is not a positive integer; ignored" in w for w in api.warnings)


def test_exploded_query_objects_know_the_other_query_names(tmp_path: Path) -> None:
    parameters = [
        {"name": "page", "in": "query", "style": "form", "explode": True, "schema": OBJECT},
        {"name": "q", "in": "query", "schema": {"type": "string"}},
    ]
    paths = {
        "/a?beta=true": {
            "get": {"operationId": "a", "parameters": parameters, "responses": JSON_OK}
        }
    }
    api = api_of(tmp_path, paths)
    page = next(p for p in operation(api, "a").parameters if p.name == "page")
    assert page.other_query_names == ("q", "beta")


def test_shared_path_parameters_get_a_constructor_name_clear_of_its_arguments(
    tmp_path: Path,
) -> None:
    token = {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}
    paths = {
        "/t/{token}/a": {"get": {"operationId": "a", "parameters": [token], "responses": JSON_OK}},
        "/t/{token}/b": {"get": {"operationId": "b", "parameters": [token], "responses": JSON_OK}},
    }
    api = api_of(tmp_path, paths)
    (shared,) = api.shared_parameters
    assert (shared.python_name, shared.default_name) == ("token", "default_token")


def test_operations_that_read_a_parameter_alike_share_its_rule_and_their_credential_check(
    tmp_path: Path,
) -> None:
    version = {"name": "api-version", "in": "query", "required": True, "schema": {"type": "string"}}
    optional = {**version, "required": False}
    limit = {"name": "limit", "in": "query", "schema": {"type": "integer"}}

    def get(operation_id: str, *parameters: dict[str, Any]) -> dict[str, Any]:
        return {"operationId": operation_id, "parameters": list(parameters), "responses": JSON_OK}

    paths = {
        "/a": {"get": get("a", version, limit), "post": get("b", version)},
        "/c": {"get": get("c", optional), "post": get("d", optional, limit)},
        "/e": {"get": {**get("e", version), "security": []}},
        "/f": {"get": get("f", {**limit, "schema": {"type": "integer", "maximum": 9}})},
    }
    schemes = {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "K"}}}
    api = api_of(tmp_path, paths, security=[{"key": []}], components=schemes)
    shared = {name: rule for rule, name in api.shared_rules.items()}
    # Equal rules are one, named by the parameter; a different rule of the same name is
    # numbered, and one only a single operation reads (`limit` with a maximum) is not shared.
    assert sorted(shared) == ["_API_VERSION_RULE", "_API_VERSION_RULE_2", "_LIMIT_RULE"]
    assert shared["_API_VERSION_RULE"].required and not shared["_API_VERSION_RULE_2"].required
    # Every operation that asks for a credential asks for the same one; `e` asks for none.
    assert list(api.shared_credentials.values()) == ["_CREDENTIALS"]
    assert not operation(api, "e").requires_auth


def test_every_ir_class_and_field_is_documented() -> None:
    """A docstring on every class, and on every field a comment (on its line or just above)."""
    source = (ROOT / "generator" / "ir.py").read_text()
    lines = source.splitlines()
    undocumented = []
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        if ast.get_docstring(node) is None:
            undocumented.append(node.name)
        for field in node.body:
            if isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name):
                line, above = lines[field.lineno - 1], lines[field.lineno - 2].strip()
                if "#" not in line and not above.startswith("#"):
                    undocumented.append(f"{node.name}.{field.target.id}")
    assert undocumented == []
