"""The contract suite's engine (generator/runtime/_contract.py), on small documents: schema
checks that name the field, values made from schemas, event streams, wrong values for the
negative cases, drawn values that fit their schema, and a whole suite over a tiny app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest
from hypothesis import given, settings

from generator.runtime import _contract as ct

DOCUMENT: dict[str, Any] = {
    "components": {
        "schemas": {
            "Message": {
                "type": "object",
                "required": ["role"],
                "properties": {
                    "role": {"type": "string", "enum": ["assistant"]},
                    "content": {"type": "string", "nullable": True},
                },
            },
            "Answer": {
                "type": "object",
                "required": ["id", "choices"],
                "properties": {
                    "id": {"type": "string", "minLength": 2},
                    "choices": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "index": {"type": "integer", "minimum": 0},
                                "message": {"$ref": "#/components/schemas/Message"},
                            },
                        },
                    },
                    "kind": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    "strict": {"type": "object", "additionalProperties": False},
                },
            },
        }
    }
}
ANSWER = {"$ref": "#/components/schemas/Answer"}


def test_a_valid_value_has_no_problems() -> None:
    value = {"id": "ab", "choices": [{"index": 0, "message": {"role": "assistant"}}], "kind": 3}
    assert ct.problems(DOCUMENT, ANSWER, value) == []


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (
            {"id": "ab", "choices": [{"message": {"role": "robot"}}]},
            "choices[0].message.role: 'robot' is not one of ['assistant']",
        ),
        ({"choices": []}, "required property 'id' is missing"),
        ({"id": 7, "choices": []}, "id: 7 is not of type string"),
        ({"id": "a", "choices": []}, "id: has 1 chars, fewer than 2"),
        (
            {"id": "ab", "choices": [{"index": -1, "message": {"role": "assistant"}}]},
            "choices[0].index: -1 is less than the minimum 0",
        ),
        ({"id": "ab", "choices": [], "kind": [1]}, "kind: [1] is not of type integer or string"),
        ({"id": "ab", "choices": [], "strict": {"x": 1}}, "strict: property 'x' is not allowed"),
        ({"id": "ab", "choices": {}}, "choices: {} is not of type array"),
    ],
)
def test_each_problem_names_its_field(value: Any, problem: str) -> None:
    assert problem in ct.problems(DOCUMENT, ANSWER, value)


def test_nullable_and_type_lists_allow_null() -> None:
    assert ct.problems(DOCUMENT, {"type": "string", "nullable": True}, None) == []
    assert ct.problems(DOCUMENT, {"type": ["string", "null"]}, None) == []
    assert ct.problems(DOCUMENT, {"type": "number"}, 3) == []  # an integer is a number
    assert ct.problems(DOCUMENT, {"type": "integer"}, True) == ["True is not of type integer"]


def test_a_sample_fits_its_schema() -> None:
    value = ct.sample(DOCUMENT, ANSWER)
    assert value == {"id": "string", "choices": []}
    assert ct.problems(DOCUMENT, ANSWER, value) == []
    assert ct.sample(DOCUMENT, {"type": "string", "format": "date-time"}) == "2024-01-01T00:00:00Z"
    assert ct.sample(DOCUMENT, {"type": "integer", "minimum": 5}) == 5
    assert ct.sample(DOCUMENT, {"type": "string", "example": "hi"}) == "hi"


def test_alternatives_that_only_require_keep_the_schema_beside_them() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
        "anyOf": [{"required": ["a"]}, {"required": ["b"]}],
    }
    assert ct.sample(DOCUMENT, schema) == {"a": "string"}
    assert ct.problems(DOCUMENT, schema, {"b": 1}) == []
    assert ct.problems(DOCUMENT, schema, {}) == ["required property 'a' is missing"]


@settings(max_examples=20, derandomize=True, database=None, deadline=None)
@given(
    ct._strategy(
        DOCUMENT,
        {
            "type": "object",
            "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
            "anyOf": [{"required": ["a"]}, {"required": ["b"]}],
        },
        0,
    )
)
def test_drawn_alternatives_keep_the_schema_beside_them(value: Any) -> None:
    assert isinstance(value, dict) and ("a" in value or "b" in value)


def test_server_sent_events_give_each_data_payload() -> None:
    text = 'data: {"a": 1}\n\n: comment\nevent: x\ndata: two\ndata: lines\n\ndata: [DONE]\n\n'
    assert list(ct.server_sent_events(text)) == ['{"a": 1}', "two\nlines", "[DONE]"]
    assert list(ct.server_sent_events("data: last")) == ["last"]


def test_a_wrong_value_is_of_a_type_the_schema_does_not_allow() -> None:
    for schema in (
        {"type": "string"},
        {"type": "integer"},
        {"type": "object"},
        {"anyOf": [{"type": "string"}, {"type": "array"}]},
    ):
        wrong = ct._wrong_value(DOCUMENT, schema)
        assert ct.problems(DOCUMENT, schema, wrong), (schema, wrong)
    assert ct._wrong_value(DOCUMENT, {"anyOf": [{"type": "string"}, {}]}) is ct._MISSING


@settings(max_examples=30, derandomize=True, database=None, deadline=None)
@given(ct._strategy(DOCUMENT, ANSWER, 0))
def test_drawn_values_fit_their_schema(value: Any) -> None:
    assert ct.problems(DOCUMENT, ANSWER, value) == []


# --- a whole suite over a tiny app ------------------------------------------------------------

TINY: dict[str, Any] = {
    "paths": {
        "/answers": {
            "post": {
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["question"],
                                "properties": {"question": {"type": "string"}},
                            },
                            "examples": {"hello": {"value": {"question": "hi?"}}},
                        }
                    }
                }
            }
        }
    },
    **DOCUMENT,
}
BODY = "/paths/~1answers/post/requestBody/content/application~1json"
OPERATION = ct.Operation(
    name="answer",
    call="answers.create",
    body_kind="json",
    body_schema=BODY + "/schema",
    body_required=True,
    requests=(("hello", BODY + "/examples/hello/value"),),
    responses=(ct.Answer("200", (("application/json", "#/components/schemas/Answer"),)),),
)


class TinyApp:
    """An ASGI app standing in for create_app's: it checks the body, then asks the handler."""

    def __init__(self, handler: Any, authenticate: Any = None) -> None:
        self.handler = handler

    async def __call__(self, scope: Mapping[str, Any], receive: Any, send: Any) -> None:
        import json

        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        request = json.loads(body)
        if not isinstance(request.get("question"), str):
            status, answer = 400, {"error": "question"}
        else:
            status, answer = 200, await self.handler.answers.create(request)
        content = json.dumps(answer).encode()
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})


class Resource:
    def __init__(self, client: Any) -> None:
        self.client = client

    async def create(self, body: Any) -> Any:
        response = await self.client.http.post("/answers", json=body)
        if response.status_code >= 400:
            raise StatusError(response)
        return Raw(response)


class Raw:
    def __init__(self, response: Any) -> None:
        self.http_response = response


class StatusError(Exception):
    def __init__(self, response: Any) -> None:
        self.response = response


class TinyClient:
    """A stand-in for the generated AsyncClient: `with_raw_response.answers.create(body)`."""

    def __init__(self, *, http_client: Any, **settings: Any) -> None:
        self.http = http_client
        self.with_raw_response = self
        self.answers = Resource(self)


class Handler:
    def __init__(self, answer: Any) -> None:
        self.answers = self
        self.answer = answer

    async def create(self, body: Any) -> Any:
        return self.answer


def tiny_suite(answer: Any) -> dict[str, str | None]:
    contract = ct.Contract(
        document=lambda: TINY,
        operations=(OPERATION,),
        models=(),
        client=TinyClient,
        create_app=TinyApp,
        static_tokens=lambda tokens: None,
        status_error=StatusError,
    )
    suite = ct.build_suite(contract, lambda: Handler(answer))
    results: dict[str, str | None] = {}
    for name in [name for name in vars(suite) if name.startswith("test_")]:
        try:
            getattr(suite(), name)()
            results[name] = None
        except pytest.fail.Exception as failure:
            results[name] = str(failure)
    return results


GOOD = {"id": "ab", "choices": [{"message": {"role": "assistant"}}]}


def test_a_conforming_handler_passes() -> None:
    assert tiny_suite(GOOD) == {
        "test_answer_example_hello": None,
        "test_answer_missing_required": None,
        "test_answer_wrong_type": None,
    }


def test_a_wrong_answer_fails_naming_the_operation_the_example_and_the_field() -> None:
    results = tiny_suite({**GOOD, "choices": [{"message": {"role": "robot"}}]})
    assert results["test_answer_example_hello"] == (
        "answer, example `hello`: response body: choices[0].message.role: 'robot' is not one"
        " of ['assistant']"
    )
    assert results["test_answer_missing_required"] is None  # refused before the handler


async def _chunks(*chunks: Any) -> AsyncIterator[Any]:
    for chunk in chunks:
        yield chunk


def test_a_stream_is_checked_chunk_by_chunk_and_for_its_terminator() -> None:
    rule = ct.StreamRule("#/components/schemas/Message", terminator="[DONE]", flag="stream")
    op = ct.Operation("talk", "talk", stream=rule)
    contract = ct.Contract(lambda: DOCUMENT, (op,), (), Any, Any, Any, StatusError)
    good = 'data: {"role": "assistant"}\n\ndata: [DONE]\n\n'
    assert ct._check_stream(contract, op, good, ct._MISSING) == []
    bad = 'data: {"role": "robot"}\n\n'
    assert ct._check_stream(contract, op, bad, ct._MISSING) == [
        "the stream does not end with its terminator '[DONE]'",
        "stream chunk 0: role: 'robot' is not one of ['assistant']",
    ]
