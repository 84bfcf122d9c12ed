"""The mock engine (generator/runtime/_server_mock.py): answers picked from a document's examples,
read by JSON pointer and validated once, or drawn from its schemas, as `Prefer` asks."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from typing import Any, Literal

import jsonschema
import pytest
from pydantic import BaseModel, Field, TypeAdapter

from generator.runtime._server_mock import (
    Declared,
    MockAnswer,
    MockOperation,
    SchemaValues,
    prefer,
    resolve,
)
from generator.runtime._server_runtime import HandlerError

EXAMPLES = "/paths/~1things/post"
DOCUMENT: dict[str, Any] = {
    "paths": {
        "/things": {
            "post": {
                "requestBody": {
                    "examples": {
                        "small": {"value": {"name": "a"}},
                        "big": {"value": {"name": "b", "size": 9}},
                        "broken": {"value": {"name": 5}},
                    }
                },
                "responses": {
                    "json": {
                        "first": {"value": {"id": 2}},
                        "small": {"value": {"id": 1}},
                        "broken": {"value": {"id": "not a number"}},
                    },
                    "stream": {
                        "big": {"value": [{"n": 1}, {"n": 2}]},
                        "first": {"value": [{"n": 0}]},
                    },
                    "events": {"one": {"value": {"n": 10}}, "two": {"value": {"n": 20}}},
                    "text": {"value": "plain words"},
                    "odd": {"value": {"not": "a number"}},
                    "missing": {"value": {"error": {"message": "No such thing.", "code": "nope"}}},
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Result": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "integer", "minimum": 1, "maximum": 5}},
            },
            "Chunk": {
                "type": "object",
                "required": ["n"],
                "properties": {"n": {"type": "integer"}},
            },
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {"error": {"type": "object", "required": ["message"]}},
            },
        }
    },
    "list": [{"a/b": {"c~d": 5}}],
}


class Thing(BaseModel):
    name: str
    size: int | None = None


class Result(BaseModel):
    id: int = Field(ge=1, le=5)


class Chunk(BaseModel):
    n: int


def pointer(*tokens: str) -> str:
    return EXAMPLES + "".join("/" + token for token in tokens)


REQUESTS = [
    ("small", pointer("requestBody", "examples", "small", "value")),
    ("big", pointer("requestBody", "examples", "big", "value")),
    ("broken", pointer("requestBody", "examples", "broken", "value")),
]
RESULTS = [
    ("first", pointer("responses", "json", "first", "value")),
    ("small", pointer("responses", "json", "small", "value")),
    ("broken", pointer("responses", "json", "broken", "value")),
]


def operation(**examples: Any) -> MockOperation:
    return MockOperation("create_thing", DOCUMENT, **examples)


def chunks(answer: Any) -> list[Any]:
    assert isinstance(answer, AsyncIterator)

    async def run() -> list[Any]:
        return [chunk async for chunk in answer]

    return asyncio.run(run())


def test_pointers_follow_rfc_6901() -> None:
    assert resolve(DOCUMENT, "/list/0/a~1b/c~0d") == 5
    assert resolve(DOCUMENT, "") is DOCUMENT
    with pytest.raises(KeyError):
        resolve(DOCUMENT, "/nothing")


def test_prefer_reads_rfc_7240_preferences() -> None:
    assert prefer('code=404, example="missing"; dynamic=true') == {
        "code": "404",
        "example": "missing",
        "dynamic": "true",
    }
    assert prefer(None) == {} and prefer("") == {}


def test_a_request_example_gets_the_response_example_of_its_name() -> None:
    mock = operation(
        requests=REQUESTS,
        request_adapter=TypeAdapter(Thing),
        results=RESULTS,
        result_adapter=TypeAdapter(Result),
        streams=[("big", pointer("responses", "stream", "big", "value"))],
    )
    assert mock.answer(Thing(name="a")) == Result(id=1)
    # Equal values but other fields set are another request: the first JSON example answers.
    assert mock.answer(Thing(name="a", size=None)) == Result(id=2)
    assert mock.answer({"name": "a"}) == Result(id=2)  # a mapping is not the model
    assert mock.answer(Thing(name="zzz")) == Result(id=2)
    # A request that asks to stream gets a stream, the one of its name first.
    assert chunks(mock.answer(Thing(name="b", size=9), stream=True)) == [{"n": 1}, {"n": 2}]
    assert chunks(mock.answer(Thing(name="zzz"), stream=True)) == [{"n": 1}, {"n": 2}]


def test_examples_that_break_their_schemas_are_never_sent() -> None:
    mock = operation(
        requests=REQUESTS,
        request_adapter=TypeAdapter(Thing),
        results=RESULTS,
        result_adapter=TypeAdapter(Result),
    )
    assert list(mock.results) == ["first", "small"]
    assert [name for _, name in mock.requests] == ["small"]  # "big" has no answer of its name
    with pytest.raises(HandlerError) as raised:
        mock.answer(None, preferred="example=broken")
    assert raised.value.code == "no_such_example" and "first, small" in raised.value.message


def test_single_events_make_up_the_stream_in_their_order() -> None:
    mock = operation(
        streams=[
            ("one", pointer("responses", "events", "one", "value")),
            ("odd", pointer("responses", "odd", "value")),
            ("two", pointer("responses", "events", "two", "value")),
        ],
        chunk_adapter=TypeAdapter(Chunk),
    )
    assert list(mock.events) == ["one", "two"]  # the one that is no Chunk is left out
    assert chunks(mock.answer({"anything": True}, stream=True)) == [Chunk(n=10), Chunk(n=20)]
    assert chunks(mock.answer(None, True, "example=two")) == [Chunk(n=20)]
    # An operation that can only stream streams whatever the request says.
    assert chunks(mock.answer({"anything": True})) == [Chunk(n=10), Chunk(n=20)]


def test_prefer_example_picks_by_name() -> None:
    mock = operation(
        results=RESULTS,
        result_adapter=TypeAdapter(Result),
        streams=[
            ("big", pointer("responses", "stream", "big", "value")),
            ("first", pointer("responses", "stream", "first", "value")),
        ],
    )
    assert mock.answer(None, preferred="example=small") == Result(id=1)
    assert chunks(mock.answer(None, True, 'example="first"')) == [{"n": 0}]


def declared_operation() -> MockOperation:
    return operation(
        results=RESULTS,
        result_adapter=TypeAdapter(Result),
        declared=[
            Declared(
                "404",
                [("missing", pointer("responses", "missing", "value"))],
                TypeAdapter(dict[str, Any]),
                "/components/schemas/Error",
            ),
            Declared("5XX", (), TypeAdapter(dict[str, Any]), "/components/schemas/Error"),
            Declared("409"),
        ],
    )


def test_prefer_code_answers_a_declared_response() -> None:
    mock = declared_operation()
    with pytest.raises(MockAnswer) as raised:
        mock.answer(None, preferred="code=404")
    assert raised.value.status == 404
    assert raised.value.payload() == {"error": {"message": "No such thing.", "code": "nope"}}
    with pytest.raises(MockAnswer) as drawn:
        mock.answer(None, preferred="code=503")  # 5XX: no example, drawn from its schema
    assert drawn.value.status == 503 and isinstance(drawn.value.payload()["error"], dict)
    with pytest.raises(HandlerError) as plain:
        mock.answer(None, preferred="code=409")  # declared without a body
    assert plain.value.status == 409
    with pytest.raises(HandlerError) as undeclared:
        mock.answer(None, preferred="code=418")
    assert (undeclared.value.status, undeclared.value.code) == (400, "no_such_response")
    assert mock.answer(None, preferred="code=200") == Result(id=2)


def test_dynamic_answers_are_valid_and_the_same_for_the_same_request() -> None:
    mock = operation(
        results=RESULTS,
        result_adapter=TypeAdapter(Result),
        result_schema="/components/schemas/Result",
        chunk_adapter=TypeAdapter(Chunk),
        chunk_schema="/components/schemas/Chunk",
    )
    first = mock.answer({"q": 1}, preferred="dynamic=true")
    assert isinstance(first, Result) and 1 <= first.id <= 5
    assert mock.answer({"q": 1}, preferred="dynamic=true") == first
    drawn = {mock.answer({"q": n}, preferred="dynamic=true").id for n in range(30)}
    assert len(drawn) > 1  # another request, another draw
    assert all(isinstance(c, Chunk) for c in chunks(mock.answer({"q": 1}, True, "dynamic=true")))
    # Without any example, a drawn value answers.
    bare = operation(result_adapter=TypeAdapter(Result), result_schema="/components/schemas/Result")
    assert isinstance(bare.answer({"q": 2}), Result)


def test_no_example_and_no_schema_is_a_501() -> None:
    with pytest.raises(HandlerError) as raised:
        operation().answer({"name": "a"})
    assert (raised.value.status, raised.value.code) == (501, "not_implemented")
    assert "create_thing" in raised.value.message


def test_text_and_binary_examples() -> None:
    text = operation(results=[("t", pointer("responses", "text", "value"))], result_kind="text")
    assert text.answer() == "plain words"
    binary = operation(results=[("t", pointer("responses", "text", "value"))], result_kind="binary")
    assert binary.answer() == b"plain words"
    not_text = operation(
        results=[("j", pointer("responses", "json", "small", "value"))], result_kind="text"
    )
    assert not_text.results == {}


SCHEMAS: list[dict[str, Any]] = [
    {"type": "string", "format": "date-time"},
    {"type": "string", "format": "uuid"},
    {"type": "string", "pattern": "^[A-Z]{2}-[0-9]{3}$"},
    {"type": "string", "pattern": "^(ab|cd)+x?$"},
    {"type": "string", "minLength": 12, "maxLength": 14},
    {"type": "integer", "minimum": 10, "exclusiveMaximum": 12},
    {"type": "number", "multipleOf": 0.5, "minimum": -3, "maximum": -1},
    {"type": ["string", "null"], "enum": ["a", "b", None]},
    {"type": "array", "items": {"type": "boolean"}, "minItems": 2, "maxItems": 3},
    {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}], "items": False},
    {
        "type": "object",
        "required": ["kind", "parts"],
        "properties": {
            "kind": {"const": "tree"},
            "parts": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
        },
    },
    {"anyOf": [{"type": "string", "enum": ["x"]}, {"type": "integer"}]},
    {"allOf": [{"$ref": "#/components/schemas/Node"}, {"required": ["label"]}]},
    {"type": "object", "additionalProperties": {"type": "integer"}, "minProperties": 2},
]
NODES = {
    "Node": {
        "type": "object",
        "required": ["label"],
        "properties": {
            "label": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
        },
    }
}


@pytest.mark.parametrize("schema", SCHEMAS)
def test_drawn_values_are_valid_against_their_schemas(schema: dict[str, Any]) -> None:
    document = {"components": {"schemas": {**NODES, "Drawn": schema}}}
    values = SchemaValues(document)
    validator = jsonschema.Draft202012Validator(
        {"$ref": "#/components/schemas/Drawn", **document},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    drawn = [values.draw("/components/schemas/Drawn", random.Random(seed)) for seed in range(20)]
    for value in drawn:
        validator.validate(value)
    assert drawn == [values.draw("/components/schemas/Drawn", random.Random(s)) for s in range(20)]


def test_a_drawn_value_is_checked_by_the_model_and_drawn_again() -> None:
    class Picky(BaseModel):
        kind: Literal["tree"]
        parts: list[Any] = Field(min_length=2)  # the model asks for more than the schema

    document = {"components": {"schemas": {**NODES, "Drawn": SCHEMAS[10]}}}
    mock = MockOperation(
        "picky",
        document,
        result_adapter=TypeAdapter(Picky),
        result_schema="/components/schemas/Drawn",
    )
    assert len(mock.answer({"n": 1}).parts) >= 2
