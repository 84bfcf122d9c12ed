"""Request bodies as a caller writes them (analyse/params.py): keyword arguments and the
TypedDicts of params.py, from small specs written here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.analyse import analyse
from generator.config import Target
from generator.ir import (
    BOOL,
    INT,
    NONE,
    STR,
    Api,
    Generic,
    LiteralOf,
    Operation,
    ParamClass,
    ParamRef,
    union,
)
from generator.load import load_spec
from generator.render import annotation

OK = {"200": {"description": "ok", "content": {"application/json": {"schema": {}}}}}
SCHEMAS: dict[str, Any] = {
    "Message": {
        "type": "object",
        "required": ["role"],
        "properties": {
            "role": {"type": "string", "enum": ["user", "assistant"]},
            "content": {"type": ["string", "null"]},
            "id": {"type": "string", "readOnly": True},
        },
    },
    "Named": {
        "allOf": [
            {"$ref": "#/components/schemas/Message"},
            {"required": ["name"], "properties": {"name": {"type": "string"}}},
        ]
    },
    "Choice": {
        "oneOf": [{"type": "string", "enum": ["auto"]}, {"$ref": "#/components/schemas/Message"}]
    },
    "Node": {
        "type": "object",
        "properties": {
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
        },
    },
    "Request": {
        "type": "object",
        "required": ["messages", "model"],
        "properties": {
            "messages": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}},
            "model": {"type": "string"},
            "choice": {"$ref": "#/components/schemas/Choice"},
            "named": {"$ref": "#/components/schemas/Named"},
            "tree": {"$ref": "#/components/schemas/Node"},
            "labels": {"type": "object", "additionalProperties": {"type": "integer"}},
            "options": {"type": "object", "properties": {"x-odd": {"type": "boolean"}}},
            "timeout": {"type": "number", "description": "The server's own timeout."},
            "from": {"type": "string"},
            "stream": {"type": "boolean"},
        },
    },
    "Upload": {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary"},
            "parts": {"type": "array", "items": {"type": "string", "format": "binary"}},
            "purpose": {"type": "string"},
        },
    },
}


def api_of(tmp_path: Path) -> Api:
    paths = {
        "/chat": {
            "post": {
                "operationId": "chat",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Request"}}
                    },
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {}},
                            "text/event-stream": {"schema": {}},
                        },
                    }
                },
            }
        },
        "/uploads": {
            "post": {
                "operationId": "upload",
                "requestBody": {
                    "content": {
                        "multipart/form-data": {"schema": {"$ref": "#/components/schemas/Upload"}}
                    }
                },
                "responses": OK,
            }
        },
        "/items": {
            "post": {
                "operationId": "addItems",
                "requestBody": {"content": {"application/json": {"schema": {"type": "array"}}}},
                "responses": OK,
            }
        },
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    }
    path = tmp_path / "api.json"
    path.write_text(json.dumps(document))
    return analyse(load_spec(path), Target(package="pkg"))


def operation(api: Api, name: str) -> Operation:
    return next(op for op in api.operations if op.name == name)


def definition(api: Api, name: str) -> ParamClass:
    return next(d for d in api.params if d.name == name)


def test_an_object_body_is_keyword_arguments_typed_for_dict_literals(tmp_path: Path) -> None:
    api = api_of(tmp_path)
    body = operation(api, "chat").body
    assert body is not None and body.keywords
    fields = {f.python_name: f for f in body.fields}
    assert list(fields) == [
        "messages",
        "model",
        "choice",
        "named",
        "tree",
        "labels",
        "options",
        "timeout_",
        "from_",
    ]
    assert [f.python_name for f in body.required_fields] == ["messages", "model"]
    assert annotation(fields["messages"].type) == "Sequence[params.MessageParam]"
    assert annotation(fields["labels"].type) == "Mapping[str, int]"
    assert annotation(fields["choice"].type) == "params.ChoiceParam"
    # Renames: the call's own `timeout`, Python's `from`; the wire name stays the key.
    assert (fields["timeout_"].name, fields["from_"].name) == ("timeout", "from")
    assert (
        fields["timeout_"].renamed and fields["timeout_"].description == "The server's own timeout."
    )
    # The stream flag is the call's `stream=`, not a property argument.
    assert "stream" not in fields and "stream_" not in fields


def test_typeddicts_follow_refs_merge_allof_and_leave_out_what_the_server_writes(
    tmp_path: Path,
) -> None:
    api = api_of(tmp_path)
    message = definition(api, "MessageParam")
    assert [(str(f.name), f.required) for f in message.fields] == [
        ("role", True),
        ("content", False),
    ]
    assert message.fields[0].type == LiteralOf(("user", "assistant"))
    assert message.fields[1].type == union(STR, NONE)
    named = definition(api, "NamedParam")
    assert [(str(f.name), f.required) for f in named.fields] == [
        ("role", True),
        ("content", False),
        ("name", True),
    ]
    choice = definition(api, "ChoiceParam")
    assert choice.alias == union(LiteralOf(("auto",)), ParamRef("MessageParam"))
    node = definition(api, "NodeParam")  # recursive: a reference to itself
    assert node.fields[0].type == Generic("Sequence", (ParamRef("NodeParam"),))
    options = definition(api, "RequestOptionsParam")  # an inline object, named after its place
    assert not options.class_syntax and options.fields[0].type == BOOL
    assert definition(api, "RequestParam").fields  # the whole body's TypedDict, for callers


def test_multipart_files_take_any_file_and_other_bodies_are_passed_whole(tmp_path: Path) -> None:
    api = api_of(tmp_path)
    upload = operation(api, "upload").body
    assert upload is not None
    types = {str(f.name): annotation(f.type) for f in upload.fields}
    assert types == {"file": "FileTypes", "parts": "Sequence[FileTypes]", "purpose": "str"}
    array = operation(api, "add_items").body
    assert array is not None and not array.keywords


def test_optional_arguments_take_not_given_with_none_last(tmp_path: Path) -> None:
    fields = {f.python_name: f for f in operation(api_of(tmp_path), "chat").body.fields}  # type: ignore[union-attr]
    assert annotation(fields["model"].optional_type) == "str | NotGiven"
    assert annotation(fields["named"].optional_type) == "params.NamedParam | NotGiven"
    assert annotation(union(INT, NONE, STR)) == "int | str | None"
