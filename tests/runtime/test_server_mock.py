"""The mock engine (generator/runtime/_server_mock.py): answers picked from a document's examples,
read by JSON pointer and validated once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter

from generator.runtime._server_mock import MockOperation, resolve
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
                    }
                },
                "responses": {
                    "json": {"first": {"value": {"id": 2}}, "small": {"value": {"id": 1}}},
                    "stream": {
                        "big": {"value": [{"n": 1}, {"n": 2}]},
                        "first": {"value": [{"n": 0}]},
                    },
                    "text": {"value": "plain words"},
                    "odd": {"value": {"not": "a list"}},
                },
            }
        }
    },
    "list": [{"a/b": {"c~d": 5}}],
}


class Thing(BaseModel):
    name: str
    size: int | None = None


class Result(BaseModel):
    id: int


def pointer(*tokens: str) -> str:
    return EXAMPLES + "".join("/" + token for token in tokens)


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


def test_a_request_example_gets_the_response_example_of_its_name() -> None:
    mock = operation(
        requests=[
            ("small", pointer("requestBody", "examples", "small", "value")),
            ("big", pointer("requestBody", "examples", "big", "value")),
        ],
        request_adapter=TypeAdapter(Thing),
        results=[
            ("first", pointer("responses", "json", "first", "value")),
            ("small", pointer("responses", "json", "small", "value")),
        ],
        result_adapter=TypeAdapter(Result),
        streams=[("big", pointer("responses", "stream", "big", "value"))],
    )
    assert mock.answer(Thing(name="a")) == Result(id=1)
    assert chunks(mock.answer(Thing(name="b", size=9))) == [{"n": 1}, {"n": 2}]
    # Equal values but other fields set are another request: the first JSON example answers.
    assert mock.answer(Thing(name="a", size=None)) == Result(id=2)
    assert mock.answer({"name": "a"}) == Result(id=2)  # a mapping is not the model
    assert mock.answer(Thing(name="zzz")) == Result(id=2)
    assert chunks(mock.answer(Thing(name="zzz"), stream=True)) == [{"n": 1}, {"n": 2}]


def test_without_a_json_example_a_stream_answers() -> None:
    mock = operation(
        streams=[
            ("first", pointer("responses", "stream", "first", "value")),
            ("odd", pointer("responses", "odd", "value")),
        ],
        chunk_adapter=TypeAdapter(dict[str, int]),
    )
    assert list(mock.streams) == ["first"]  # an example that is no list of chunks is left out
    assert chunks(mock.answer({"anything": True})) == [{"n": 0}]


def test_text_and_binary_examples() -> None:
    text = operation(results=[("t", pointer("responses", "text", "value"))], result_kind="text")
    assert text.answer() == "plain words"
    binary = operation(results=[("t", pointer("responses", "text", "value"))], result_kind="binary")
    assert binary.answer() == b"plain words"
    not_text = operation(
        results=[("j", pointer("responses", "json", "small", "value"))], result_kind="text"
    )
    assert not_text.results == {}


def test_no_example_is_a_501() -> None:
    with pytest.raises(HandlerError) as raised:
        operation().answer({"name": "a"})
    assert (raised.value.status, raised.value.code) == (501, "not_implemented")
    assert raised.value.message == "The mock server has no example response for create_thing."


def test_an_example_its_types_reject_is_left_out_and_the_mock_still_starts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A spec's example that does not match its own schema (GitHub's `null` for an object) must
    not stop the server: the mock answers from the others, or 501, and says why in the log."""
    with caplog.at_level("WARNING"):
        mock = operation(
            requests=[("first", pointer("requestBody", "examples", "big", "value"))],
            request_adapter=TypeAdapter(Result),  # {"name": "b", "size": 9} is no Result
            results=[
                ("small", pointer("responses", "text", "value")),  # a string is no Result
                ("first", pointer("responses", "json", "first", "value")),
            ],
            result_adapter=TypeAdapter(Result),
            streams=[("big", pointer("responses", "stream", "big", "value"))],
            chunk_adapter=TypeAdapter(Thing),  # {"n": 1} is no Thing
        )
    assert list(mock.results) == ["first"] and mock.streams == {} and mock.requests == []
    assert mock.answer(Thing(name="b", size=9)) == Result(id=2)
    said = [record.getMessage().split(": ")[1] for record in caplog.records]
    assert said == [
        f"the {kind} example {name!r} does not match its schema, so the mock leaves it out"
        for kind, name in [("response", "small"), ("stream", "big"), ("request", "first")]
    ]
    with pytest.raises(HandlerError):
        operation(
            results=[("t", pointer("responses", "text", "value"))],
            result_adapter=TypeAdapter(Result),
        ).answer()
