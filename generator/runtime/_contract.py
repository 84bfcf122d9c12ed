"""The contract suite: the spec's examples and schemas as tests of a team's own handler.

`contract_tests.py` (generated) describes the spec's operations as data (`Operation`: its
examples and schemas by JSON pointer into `openapi.json`) and hands them, with the package's
client and `create_app`, to `build_suite`, which returns a class pytest collects: one test per
operation and example, each sending its request through the generated async client to
`create_app(handler)` in-process (httpx's ASGI transport, no sockets) and checking the answer
against the spec; round trips of every example and default through the models; negative cases
(a missing required field, a wrong type, a bad token) that must be refused before the handler
runs; and, opt-in, requests drawn from the request schemas with hypothesis.

Every failure names the operation, the case and the field: "createChatCompletion, example
`seed`: response body: choices[0].message.role: 'robot' is not one of ['assistant']".
"""

from __future__ import annotations

import asyncio
import inspect
import json
import re
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from pydantic import TypeAdapter

__all__ = [
    "BAD_TOKEN",
    "TOKEN",
    "Answer",
    "Contract",
    "Operation",
    "Param",
    "StreamRule",
    "build_suite",
    "problems",
    "resolve",
    "sample",
    "server_sent_events",
]

TOKEN = "contract-suite-token"
"""The credential the suite sends; `authenticate=None` accepts exactly this one."""
BAD_TOKEN = "contract-suite-wrong-token"
"""The credential of the bad-token case, which the server must refuse with 401."""
ORIGIN = "http://contract.test"
MAX_EXAMPLES = 25
"""Drawn requests per operation in the property-based tests (with a fixed seed)."""
_MISSING: Any = object()

Named = Sequence[tuple[str, str]]  # (example name, JSON pointer of its value)


@dataclass(frozen=True)
class Param:
    """A path, query, header or cookie parameter: sent by its Python name, valued from its
    example (or its schema) at `pointer`."""

    name: str
    python_name: str
    location: str
    required: bool
    pointer: str = ""


@dataclass(frozen=True)
class Answer:
    """A documented response: its status ("200", "4XX", "default"), its media types with the
    pointer of each one's schema (None: none), and the headers it documents, each with whether
    the spec requires it."""

    status: str
    media: tuple[tuple[str, str | None], ...] = ()
    headers: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True)
class StreamRule:
    """How an operation streams: the schema of each event's data, the payload that ends the
    stream, and the body property that asks for one."""

    chunk_schema: str | None
    terminator: str | None = None
    flag: str | None = None
    examples: Named = ()


@dataclass(frozen=True)
class Operation:
    """One operation, as the spec describes it."""

    name: str  # the operationId: tests and messages are named after it
    call: str  # the client's method, dotted from the client: `chat.completions.create`
    parameters: tuple[Param, ...] = ()
    body_kind: str | None = None  # the primary media type's kind; None: no body
    body_schema: str | None = None
    body_required: bool = False
    requests: Named = ()  # request examples (JSON bodies)
    request_type: Any = None  # the body's model (or type), for round trips
    responses: tuple[Answer, ...] = ()
    results: Named = ()  # JSON response examples of the success response
    result_type: Any = None
    stream: StreamRule | None = None
    chunk_type: Any = None
    requires_auth: bool = False
    success_status: int = 200  # the status a handler's answer is sent with


@dataclass(frozen=True)
class Contract:
    """A package's spec as the suite reads it, and the package's parts it drives."""

    document: Callable[[], Mapping[str, Any]]  # openapi.json, read once
    operations: tuple[Operation, ...]
    models: tuple[tuple[Any, str], ...]  # (model class, pointer of its schema)
    client: Callable[..., Any]  # the generated AsyncClient
    create_app: Callable[..., Any]
    static_tokens: Callable[..., Any]
    status_error: type[Exception]  # the client's APIStatusError (has `.response`)
    base_path: str = ""
    error_schema: str | None = None  # the error body most operations share
    request_id_headers: tuple[str, ...] = ()
    cache: dict[str, Any] = field(default_factory=dict, compare=False)

    def spec(self) -> Mapping[str, Any]:
        if "document" not in self.cache:
            self.cache["document"] = self.document()
        document: Mapping[str, Any] = self.cache["document"]
        return document


# --- JSON pointers and schemas -------------------------------------------------------------


def resolve(document: Any, pointer: str) -> Any:
    """The value at a JSON pointer (RFC 6901, with or without the leading `#`)."""
    value = document
    for token in pointer.removeprefix("#").split("/")[1:] if pointer.strip("#") else ():
        token = token.replace("~1", "/").replace("~0", "~")
        value = value[int(token)] if isinstance(value, list) else value[token]
    return value


def _deref(document: Any, schema: Any) -> Any:
    for _ in range(64):  # a chain of `$ref`s; pure cycles are refused by the generator
        if not (isinstance(schema, dict) and isinstance(schema.get("$ref"), str)):
            break
        schema = resolve(document, schema["$ref"])
    return schema


def _types(schema: Mapping[str, Any]) -> set[str]:
    declared = schema.get("type")
    types = set(declared) if isinstance(declared, list) else {declared} if declared else set()
    if types and schema.get("nullable") is True:
        types.add("null")
    return types


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _at(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


def _said(where: str, message: str) -> str:
    return f"{where}: {message}" if where else message


def problems(document: Any, schema: Any, value: Any, where: str = "") -> list[str]:
    """What makes `value` invalid against `schema` (JSON Schema as OpenAPI 3.0 and 3.1 write
    it: types, `nullable`, enums, properties, items, the combinators and the usual bounds),
    each a line naming the field; empty when it is valid. Formats are not checked."""
    schema = _deref(document, schema)
    if not isinstance(schema, dict):
        return [] if schema is not False else [_said(where, "no value is allowed here")]
    found: list[str] = []
    for part in schema.get("allOf", ()):
        found += problems(document, part, value, where)
    for keyword in ("anyOf", "oneOf"):
        options = schema.get(keyword)
        if options:
            found += _alternatives(document, options, value, where)
    if value is None and schema.get("nullable") is True:
        return found
    types = _types(schema)
    kind = _json_type(value)
    if types and kind not in types and not (kind == "integer" and "number" in types):
        shown = " or ".join(sorted(types))
        return [*found, _said(where, f"{_shown(value)} is not of type {shown}")]
    if "enum" in schema and value not in schema["enum"]:
        found.append(_said(where, f"{_shown(value)} is not one of {schema['enum']!r}"))
    if "const" in schema and value != schema["const"]:
        found.append(_said(where, f"{_shown(value)} is not {schema['const']!r}"))
    if isinstance(value, dict):
        found += _object_problems(document, schema, value, where)
    elif isinstance(value, list):
        found += _array_problems(document, schema, value, where)
    elif isinstance(value, str):
        found += _string_problems(schema, value, where)
    elif kind in ("integer", "number"):
        found += _number_problems(schema, value, where)
    return found


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _alternatives(document: Any, options: Sequence[Any], value: Any, where: str) -> list[str]:
    """Nothing when one alternative fits; otherwise, when the value's type is none of theirs,
    that, and else the problems of the closest alternative."""
    declared = [_types(_object_schema_of(document, option)) for option in options]
    kind = _json_type(value)
    if all(declared) and not any(
        kind in types or (kind == "integer" and "number" in types) for types in declared
    ):
        shown = " or ".join(sorted(set().union(*declared)))
        return [_said(where, f"{_shown(value)} is not of type {shown}")]
    best: list[str] | None = None
    for option in options:
        found = problems(document, option, value, where)
        if not found:
            return []
        if best is None or len(found) < len(best):
            best = found
    return best or []


def _object_problems(
    document: Any, schema: Mapping[str, Any], value: Mapping[str, Any], where: str
) -> list[str]:
    found = [
        _said(where, f"required property {name!r} is missing")
        for name in schema.get("required", ())
        if name not in value
    ]
    properties = schema.get("properties") or {}
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        if key in properties:
            found += problems(document, properties[key], item, _at(where, key))
        elif extra is False:
            found.append(_said(where, f"property {key!r} is not allowed"))
        elif isinstance(extra, dict):
            found += problems(document, extra, item, _at(where, key))
    return found


def _array_problems(
    document: Any, schema: Mapping[str, Any], value: Sequence[Any], where: str
) -> list[str]:
    found = _bounds(where, len(value), schema.get("minItems"), schema.get("maxItems"), "items")
    items = schema.get("items")
    if isinstance(items, dict):
        for index, item in enumerate(value):
            found += problems(document, items, item, _at(where, index))
    return found


def _string_problems(schema: Mapping[str, Any], value: str, where: str) -> list[str]:
    found = _bounds(where, len(value), schema.get("minLength"), schema.get("maxLength"), "chars")
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and re.search(pattern, value) is None:
        found.append(_said(where, f"{_shown(value)} does not match {pattern!r}"))
    return found


def _number_problems(schema: Mapping[str, Any], value: float, where: str) -> list[str]:
    found = []
    low, high = schema.get("minimum"), schema.get("maximum")
    if isinstance(low, int | float) and value < low:
        found.append(_said(where, f"{value!r} is less than the minimum {low!r}"))
    if isinstance(high, int | float) and value > high:
        found.append(_said(where, f"{value!r} is more than the maximum {high!r}"))
    return found


def _bounds(where: str, size: int, low: Any, high: Any, unit: str) -> list[str]:
    if isinstance(low, int) and size < low:
        return [_said(where, f"has {size} {unit}, fewer than {low}")]
    if isinstance(high, int) and size > high:
        return [_said(where, f"has {size} {unit}, more than {high}")]
    return []


def _with_base(document: Any, schema: Mapping[str, Any], option: Any) -> Any:
    """An alternative of `schema`'s anyOf/oneOf, with what the schema says beside them (its
    type, properties, required): `{properties: ..., anyOf: [{required: [a]}, ...]}`."""
    base = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf", "example", "default")}
    if not base:
        return option
    branch = _object_schema_of(document, option)
    merged = {**base, **branch}
    merged["properties"] = {**(base.get("properties") or {}), **(branch.get("properties") or {})}
    merged["required"] = [*base.get("required", ()), *branch.get("required", ())]
    return merged


_FORMATS = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00",
    "email": "team@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
}


def sample(document: Any, schema: Any, depth: int = 0) -> Any:
    """One value the schema accepts, made the same way every time: the schema's own example,
    default, first enum value or constant where it has one; otherwise the least value of its
    type (objects with their required properties only)."""
    schema = _deref(document, schema)
    if not isinstance(schema, dict):
        return None
    for keyword in ("example", "default", "const"):
        if keyword in schema:
            return schema[keyword]
    if schema.get("enum"):
        return schema["enum"][0]
    for keyword in ("anyOf", "oneOf"):
        if schema.get(keyword):
            return sample(document, _with_base(document, schema, schema[keyword][0]), depth + 1)
    if schema.get("allOf"):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = sample(document, part, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    types = _types(schema) - {"null"}
    kind = min(types) if types else ("object" if "properties" in schema else "string")
    if kind == "object":
        properties = schema.get("properties") or {}
        return {
            name: sample(document, properties.get(name, {}), depth + 1)
            for name in schema.get("required", ())
            if depth < 16
        }
    if kind == "array":
        count = schema.get("minItems") or 0
        return [sample(document, schema.get("items", {}), depth + 1) for _ in range(count)]
    if kind in ("integer", "number"):
        low = schema.get("minimum")
        return low if isinstance(low, int | float) else 0
    if kind == "boolean":
        return False
    text = _FORMATS.get(str(schema.get("format")), "string")
    return text.ljust(schema.get("minLength") or 0, "x")


def server_sent_events(text: str) -> Iterator[str]:
    """The `data:` payload of each event of an event stream (the lines of one event joined)."""
    data: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line:
            if data:
                yield "\n".join(data)
            data = []
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
    if data:
        yield "\n".join(data)


# --- sending ---------------------------------------------------------------------------------


class _Spy:
    """A handler that records every call of its methods (and of its resources')."""

    def __init__(self, target: Any, calls: list[str]) -> None:
        self._target = target
        self._calls = calls

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if not callable(value):
            return _Spy(value, self._calls)
        calls = self._calls

        async def recorded(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            result = value(*args, **kwargs)
            return await result if inspect.isawaitable(result) else result

        return recorded


@dataclass
class _Exchange:
    """What the suite sent and what came back."""

    response: httpx.Response
    handler_calls: list[str]


def _method(client: Any, dotted: str) -> Callable[..., Any]:
    target = client.with_raw_response
    for name in dotted.split("."):
        target = getattr(target, name)
    return target  # type: ignore[no-any-return]


async def _send(
    contract: Contract, op: Operation, app: Any, body: Any = _MISSING, token: str = TOKEN
) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=ORIGIN) as http:
        client = contract.client(
            base_url=ORIGIN + contract.base_path, token=token, http_client=http, max_retries=0
        )
        arguments = _parameter_values(contract, op)
        call = _method(client, op.call)
        try:
            result = call(body, **arguments) if body is not _MISSING else call(**arguments)
            raw = await result if inspect.isawaitable(result) else result
            response: httpx.Response = raw.http_response
        except contract.status_error as error:
            response = error.response  # type: ignore[attr-defined]
        await response.aread()
    return response


def _parameter_values(contract: Contract, op: Operation) -> dict[str, Any]:
    """A value for every required parameter: its example, or one its schema accepts."""
    document = contract.spec()
    values: dict[str, Any] = {}
    for param in op.parameters:
        if not (param.required or param.location == "path"):
            continue
        raw = resolve(document, param.pointer) if param.pointer else {}
        if "example" in raw:
            values[param.python_name] = raw["example"]
        elif isinstance(raw.get("examples"), dict) and raw["examples"]:
            first = _deref(document, next(iter(raw["examples"].values())))
            values[param.python_name] = first.get("value")
        else:
            values[param.python_name] = sample(document, raw.get("schema", {"type": "string"}))
    return values


def _run(coroutine: Awaitable[Any]) -> Any:
    async def whole() -> Any:
        return await coroutine

    return asyncio.run(whole())


# --- checking --------------------------------------------------------------------------------


def _answer_for(op: Operation, status: int) -> Answer | None:
    exact = [answer for answer in op.responses if answer.status == str(status)]
    ranged = [answer for answer in op.responses if answer.status.upper() == f"{status // 100}XX"]
    fallback = [answer for answer in op.responses if answer.status == "default"]
    return next(iter(exact + ranged + fallback), None)


def _essence(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _media_matches(listed: str, got: str) -> bool:
    listed = _essence(listed)
    if listed.endswith("/*"):
        return got.startswith(listed[:-1]) or listed == "*/*"
    return listed == got


def _check_answer(
    contract: Contract,
    op: Operation,
    response: httpx.Response,
    *,
    streaming: bool = False,
    expected: Any = _MISSING,
) -> list[str]:
    """What in an answer the spec does not allow."""
    answer = _answer_for(op, response.status_code)
    if answer is None:
        listed = ", ".join(a.status for a in op.responses)
        said = response.text if len(response.text) <= 200 else response.text[:197] + "..."
        return [f"status {response.status_code} is not listed (the spec lists {listed}): {said}"]
    # The headers the spec requires, and the request-id headers the server always sends.
    promised = {name.lower() for name in contract.request_id_headers}
    found = [
        f"response header {name!r} is missing"
        for name, required in answer.headers
        if (required or name.lower() in promised) and name.lower() not in response.headers
    ]
    got = _essence(response.headers.get("content-type", ""))
    if not answer.media:
        return found
    schemas = [schema for listed, schema in answer.media if _media_matches(listed, got)]
    if not schemas:
        listed_media = ", ".join(media for media, _ in answer.media)
        return [*found, f"media type {got!r} is not listed (the spec lists {listed_media})"]
    if got == "text/event-stream":
        return found + _check_stream(contract, op, response.text, expected)
    if streaming:
        found.append(f"a stream was asked for, the answer is {got!r}")
    if got == "application/json" or got.endswith("+json"):
        found += _check_json(contract, schemas[0], response, expected)
    return found


def _check_json(
    contract: Contract, schema: str | None, response: httpx.Response, expected: Any
) -> list[str]:
    try:
        body = response.json()
    except ValueError:
        return ["response body is not JSON"]
    document = contract.spec()
    found = []
    if schema is not None:
        found = [f"response body: {line}" for line in problems(document, {"$ref": schema}, body)]
    if expected is not _MISSING and body != expected:
        found.append(f"response body differs from the spec's example: {_shown(body)}")
    return found


def _check_stream(contract: Contract, op: Operation, text: str, expected: Any) -> list[str]:
    rule = op.stream
    if rule is None:
        return ["the answer is an event stream; the spec documents none for this operation"]
    document = contract.spec()
    payloads = list(server_sent_events(text))
    found: list[str] = []
    if rule.terminator is not None:
        if not payloads or payloads[-1] != rule.terminator:
            found.append(f"the stream does not end with its terminator {rule.terminator!r}")
        else:
            payloads.pop()
    chunks = []
    for index, payload in enumerate(payloads):
        try:
            chunk = json.loads(payload)
        except ValueError:
            found.append(f"stream chunk {index}: not JSON: {_shown(payload)}")
            continue
        chunks.append(chunk)
        if rule.chunk_schema is not None:
            schema = {"$ref": rule.chunk_schema}
            found += [f"stream chunk {index}: {line}" for line in problems(document, schema, chunk)]
    if expected is not _MISSING and chunks != expected:
        found.append("the stream's chunks differ from the spec's example")
    return found


def _fail(op: Operation, case: str, found: Sequence[str]) -> None:
    if found:
        pytest.fail(f"{op.name}, {case}: " + "; ".join(found), pytrace=False)


# --- the cases -------------------------------------------------------------------------------


@dataclass
class _Suite:
    """What the tests of one suite share: the app, made on first use with one handler from the
    factory (wrapped to record its calls), and the options."""

    contract: Contract
    handler_factory: Callable[[], Any]
    authenticate: Any
    exact: bool
    calls: list[str] = field(default_factory=list)
    app: Any = None

    def send(self, op: Operation, body: Any = _MISSING, token: str = TOKEN) -> _Exchange:
        if self.app is None:
            handler = _Spy(self.handler_factory(), self.calls)
            self.app = self.contract.create_app(handler, authenticate=self.authenticate)
        self.calls.clear()
        response: httpx.Response = _run(_send(self.contract, op, self.app, body, token))
        return _Exchange(response, list(self.calls))

    def example(self, op: Operation, name: str, pointer: str | None) -> None:
        document = self.contract.spec()
        body = resolve(document, pointer) if pointer is not None else _MISSING
        streaming = (
            op.stream is not None
            and op.stream.flag is not None
            and isinstance(body, dict)
            and body.get(op.stream.flag) is True
        )
        expected = _MISSING
        if self.exact:
            pairs = dict(op.stream.examples) if streaming and op.stream else dict(op.results)
            if name in pairs:
                expected = resolve(document, pairs[name])
        exchange = self.send(op, body)
        case = f"example `{name}`" if pointer is not None else "a request"
        response = exchange.response
        if response.status_code != op.success_status:
            # A documented request answered otherwise: what the server said, to see why.
            got = f"status {response.status_code}, not {op.success_status}"
            _fail(op, case, [f"{got} ({_shown(response.text)})"])
        found = _check_answer(self.contract, op, response, streaming=streaming, expected=expected)
        _fail(op, case, found)

    def refused(self, op: Operation, case: str, body: Any, status: int, token: str) -> None:
        exchange = self.send(op, body, token)
        found = []
        if exchange.response.status_code != status:
            found.append(f"status {exchange.response.status_code}, not {status}")
        found += _check_error_body(self.contract, op, exchange.response)
        if exchange.handler_calls:
            found.append(f"the handler was called ({', '.join(exchange.handler_calls)})")
        _fail(op, case, found)


def _check_error_body(contract: Contract, op: Operation, response: httpx.Response) -> list[str]:
    """The error body fits the schema the operation documents for its status, or the error
    body the whole API shares (which the server sends)."""
    answer = _answer_for(op, response.status_code)
    schemas = [schema for _, schema in answer.media if schema] if answer else []
    candidates = [*schemas[:1], *([contract.error_schema] if contract.error_schema else [])]
    if not candidates:
        return []
    try:
        body = response.json()
    except ValueError:
        return ["the error body is not JSON"]
    document = contract.spec()
    found: list[str] = []
    for schema in candidates:
        found = [f"error body: {line}" for line in problems(document, {"$ref": schema}, body)]
        if not found:
            return []
    return found


def _base_body(contract: Contract, op: Operation) -> Any:
    document = contract.spec()
    if op.requests:
        return resolve(document, op.requests[0][1])
    return sample(document, {"$ref": op.body_schema}) if op.body_schema else None


def _object_schema(document: Any, pointer: str | None) -> Mapping[str, Any]:
    schema = _deref(document, {"$ref": pointer}) if pointer else {}
    if isinstance(schema, dict) and schema.get("allOf"):
        merged: dict[str, Any] = {"properties": {}, "required": []}
        for part in schema["allOf"]:
            part = _object_schema_of(document, part)
            merged["properties"].update(part.get("properties") or {})
            merged["required"] += list(part.get("required") or ())
        return merged
    return schema if isinstance(schema, dict) else {}


def _object_schema_of(document: Any, schema: Any) -> Mapping[str, Any]:
    schema = _deref(document, schema)
    return schema if isinstance(schema, dict) else {}


def _without_required(contract: Contract, op: Operation) -> tuple[str, Any] | None:
    """The first example (or a sampled body) without its first required property."""
    body = _base_body(contract, op)
    schema = _object_schema(contract.spec(), op.body_schema)
    required = [name for name in schema.get("required", ()) if isinstance(body, dict)]
    if not required or not isinstance(body, dict):
        return None
    name = required[0]
    return name, {key: value for key, value in body.items() if key != name}


_WRONG_VALUES: tuple[Any, ...] = ({"contract": "wrong type"}, ["wrong type"], "wrong type", 4.5)


def _wrong_value(document: Any, schema: Any) -> Any:
    """A value of a JSON type the schema does not allow (_MISSING: it allows any)."""
    allowed: set[str] = set()
    stack = [schema]
    for _ in range(256):
        if not stack:
            break
        current = _object_schema_of(document, stack.pop())
        options = [*current.get("anyOf", ()), *current.get("oneOf", ()), *current.get("allOf", ())]
        if options:
            stack += options
            continue
        types = _types(current) or ({"object"} if "properties" in current else set())
        if not types:
            return _MISSING  # an alternative that allows anything
        allowed |= types
    if "number" in allowed:
        allowed.add("integer")
    for value in _WRONG_VALUES:
        kind = _json_type(value)
        if kind not in allowed and not (kind == "number" and "integer" in allowed):
            return value
    return _MISSING


def _with_wrong_type(contract: Contract, op: Operation) -> tuple[str, Any] | None:
    """The first example (or a sampled body) with a property of the wrong JSON type: a
    required one where it can, otherwise any."""
    body = _base_body(contract, op)
    document = contract.spec()
    schema = _object_schema(document, op.body_schema)
    properties = schema.get("properties") or {}
    if not isinstance(body, dict):
        return None
    required = [name for name in schema.get("required", ()) if name in properties]
    for name in [*required, *[name for name in properties if name not in required]]:
        wrong = _wrong_value(document, properties[name])
        if wrong is not _MISSING:
            return name, {**body, name: wrong}
    return None


def _round_trip(adapter: TypeAdapter[Any], value: Any) -> Any:
    model = adapter.validate_python(value)
    return adapter.dump_python(model, mode="json", by_alias=True, exclude_unset=True)


def _name(text: str) -> str:
    return re.sub(r"\W+", "_", text).strip("_") or "case"


def build_suite(
    contract: Contract,
    handler_factory: Callable[[], Any],
    *,
    authenticate: Any = None,
    exact: bool = False,
    property_based: bool = False,
) -> type:
    """The test class of `contract_suite` (see contract_tests.py)."""
    if authenticate is None:
        authenticate = contract.static_tokens({TOKEN: "contract-suite"})
    suite = _Suite(contract, handler_factory, authenticate, exact)
    tests: dict[str, Callable[..., None]] = {}

    def add(name: str, test: Callable[[Any], None]) -> None:
        base = "test_" + _name(name)
        unique, count = base, 1
        while unique in tests:
            count += 1
            unique = f"{base}_{count}"
        test.__name__ = unique
        tests[unique] = test

    for op in contract.operations:
        for name, test in _cases(suite, op, property_based):
            add(name, test)
    for name, test in _round_trips(contract):
        add(name, test)
    return type("ContractSuite", (), {"__doc__": "The spec's contract.", **tests})


def _cases(
    suite: _Suite, op: Operation, property_based: bool
) -> Iterator[tuple[str, Callable[[Any], None]]]:
    contract = suite.contract
    if op.body_kind is None:
        yield f"{op.name} request", lambda self: suite.example(op, "", None)
    for name, pointer in op.requests if op.body_kind == "json" else ():
        yield f"{op.name} example {name}", _example_test(suite, op, name, pointer)
    if op.body_kind == "json" and op.body_schema:
        missing = _without_required(contract, op)
        if missing is not None:
            field_name, body = missing
            case = f"without the required field `{field_name}`"
            yield f"{op.name} missing required", _refused_test(suite, op, case, body, 400, TOKEN)
        wrong = _with_wrong_type(contract, op)
        if wrong is not None:
            field_name, body = wrong
            case = f"field `{field_name}` of the wrong type"
            yield f"{op.name} wrong type", _refused_test(suite, op, case, body, 400, TOKEN)
    if op.requires_auth:
        body = _MISSING if op.body_kind is None else _base_body(contract, op)
        if op.body_kind in ("binary", "text"):
            body = b"" if op.body_kind == "binary" else ""
        yield f"{op.name} bad token", _refused_test(suite, op, "a bad token", body, 401, BAD_TOKEN)
    if property_based and op.body_kind == "json" and op.body_schema:
        yield f"{op.name} property based", _property_test(suite, op)


def _example_test(suite: _Suite, op: Operation, name: str, pointer: str) -> Callable[[Any], None]:
    return lambda self: suite.example(op, name, pointer)


def _refused_test(
    suite: _Suite, op: Operation, case: str, body: Any, status: int, token: str
) -> Callable[[Any], None]:
    return lambda self: suite.refused(op, case, body, status, token)


def _property_test(suite: _Suite, op: Operation) -> Callable[[Any], None]:
    def test(self: Any) -> None:
        from hypothesis import HealthCheck, given, settings

        strategy = _strategy(suite.contract.spec(), {"$ref": op.body_schema}, 0)

        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(strategy)
        def drawn(body: Any) -> None:
            exchange = suite.send(op, body)
            found = _check_answer(suite.contract, op, exchange.response)
            _fail(op, f"drawn request {_shown(body)}", found)

        drawn()

    return test


def _strategy(document: Any, schema: Any, depth: int) -> Any:
    """A hypothesis strategy of values the schema accepts (for the schemas request bodies
    use: types, enums, required and optional properties, items, the combinators, bounds)."""
    from hypothesis import strategies as st

    schema = _deref(document, schema)
    if not isinstance(schema, dict):
        return st.none()
    if "const" in schema:
        return st.just(schema["const"])
    if schema.get("enum"):
        return st.sampled_from(schema["enum"])
    options = [*schema.get("anyOf", ()), *schema.get("oneOf", ())]
    if options:
        merged = [_with_base(document, schema, option) for option in options]
        return st.one_of([_strategy(document, option, depth + 1) for option in merged])
    if schema.get("allOf"):
        return st.just(sample(document, schema, depth))
    types = _types(schema) - {"null"}
    kind = min(types) if types else ("object" if "properties" in schema else None)
    if kind == "object":
        return _object_strategy(document, schema, depth)
    if kind == "array":
        low = schema.get("minItems") or 0
        high = min(schema.get("maxItems", low + 2), low + 2)
        items = _strategy(document, schema.get("items", {}), depth + 1)
        return st.lists(items, min_size=low, max_size=high)
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if kind == "number":
        low, high = schema.get("minimum"), schema.get("maximum")
        return st.floats(low, high, allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        if schema.get("format") in _FORMATS:
            return st.just(_FORMATS[schema["format"]])
        if isinstance(schema.get("pattern"), str):
            return st.from_regex(schema["pattern"], fullmatch=True)
        low = schema.get("minLength") or 0
        return st.text(min_size=low, max_size=max(low, min(schema.get("maxLength", 12), 12)))
    return st.just(sample(document, schema, depth))


def _object_strategy(document: Any, schema: Mapping[str, Any], depth: int) -> Any:
    from hypothesis import strategies as st

    properties = schema.get("properties") or {}
    required = [name for name in schema.get("required", ()) if name in properties]
    fixed = {name: _strategy(document, properties[name], depth + 1) for name in required}
    optional = {}
    if depth < 2:
        optional = {
            name: _strategy(document, value, depth + 1)
            for name, value in properties.items()
            if name not in fixed
        }
    return st.fixed_dictionaries(fixed, optional=optional)


def _round_trips(contract: Contract) -> Iterator[tuple[str, Callable[[Any], None]]]:
    for op in contract.operations:
        examples = [("request", name, pointer, op.request_type) for name, pointer in op.requests]
        examples += [("response", name, pointer, op.result_type) for name, pointer in op.results]
        if op.stream is not None:
            examples += [("stream", name, ptr, op.chunk_type) for name, ptr in op.stream.examples]
        for kind, name, pointer, typed in examples:
            if typed is not None:
                label = f"{op.name} round trip {kind} {name}"
                yield label, _example_round_trip(contract, op, kind, name, pointer, typed)
    if contract.models:
        yield "defaults round trip", lambda self: _defaults_round_trip(contract)


def _example_round_trip(
    contract: Contract, op: Operation, kind: str, name: str, pointer: str, typed: Any
) -> Callable[[Any], None]:
    def test(self: Any) -> None:
        adapter: TypeAdapter[Any] = TypeAdapter(typed)
        value = resolve(contract.spec(), pointer)
        values = value if kind == "stream" and isinstance(value, list) else [value]
        found = []
        for index, item in enumerate(values):
            again = _round_trip(adapter, item)
            if again != item:
                where = f"chunk {index}: " if kind == "stream" else ""
                found.append(f"{where}the models give back {_shown(again)}")
        _fail(op, f"{kind} example `{name}` round trip", found)

    return test


def _defaults_round_trip(contract: Contract) -> None:
    """Each property default of the spec is the default of its model's field, as JSON."""
    document = contract.spec()
    found = []
    for model, pointer in contract.models:
        schema = _object_schema(document, pointer)
        fields = {info.alias or name: info for name, info in model.model_fields.items()}
        for name, value in (schema.get("properties") or {}).items():
            declared = _object_schema_of(document, value)
            if "default" not in declared or name not in fields or fields[name].is_required():
                continue
            info = fields[name]
            default = info.get_default(call_default_factory=True)
            got = TypeAdapter(Any).dump_python(default, mode="json", by_alias=True)
            if got != declared["default"]:
                found.append(f"{model.__name__}.{name}: default {_shown(got)}")
    if found:
        pytest.fail("defaults round trip: " + "; ".join(found), pytrace=False)
