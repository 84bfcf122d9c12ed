"""The mock's answers: the spec's examples, or values drawn from the spec's schemas.

No example value is written into code: each is read by its JSON pointer from the document
(`openapi.json`, which `load_document` reads), so the mock always answers what the spec says.

Which answer a request gets, as Prism chooses:

- a request that asks to stream (`"stream": true`, where the spec has a stream flag) gets an
  event stream, any other the JSON (or text, or bytes) answer;
- `Prefer: example=NAME` picks the example of that name; `Prefer: code=NNN` the response of that
  status (its example, or one drawn from its schema); `Prefer: dynamic=true` a value drawn from
  the schema even where examples exist;
- otherwise a request equal to a named request example gets the response example of that name,
  and any other the first example;
- an operation without an example to give answers with a value drawn from its schema,
  deterministic for the request (the same request gets the same answer).

Every example is validated through the models when the mock starts: one that breaks its schema
(`generate` warned of it) is never sent, and a drawn value is sent only once the models accept it.

Examples of an event stream: one whose value is a list is a whole stream, one event per item;
the examples whose values are single events make up, in their order, the stream sent when no
list is given (each also validates against the event's schema, which linters check).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import math
import random
import re
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from ._server_runtime import HandlerError, Multipart, load_document

__all__ = ["Declared", "MockOperation", "SchemaValues", "load_document", "prefer", "resolve"]


def resolve(document: Any, pointer: str) -> Any:
    """The value at a JSON pointer (RFC 6901) in `document`."""
    value = document
    for token in pointer.split("/")[1:] if pointer else ():
        token = token.replace("~1", "/").replace("~0", "~")
        value = value[int(token)] if isinstance(value, list) else value[token]
    return value


Named = Sequence[tuple[str, str]]  # (example name, JSON pointer of its value)


def prefer(header: str | None) -> dict[str, str]:
    """The preferences of a `Prefer` header (RFC 7240) the mock reads: `code`, `example`,
    `dynamic`, lower-cased names, values unquoted (`Prefer: code=404, example="missing"`)."""
    found: dict[str, str] = {}
    for part in re.split(r"[,;]", header or ""):
        name, _, value = part.strip().partition("=")
        if name:
            found.setdefault(name.strip().lower(), value.strip().strip('"'))
    return found


@dataclass(frozen=True)
class Declared:
    """A response the spec declares besides the success: its status (`"404"`, `"4XX"`,
    `"default"`), the examples of its JSON content, the type to validate them with, and where
    its schema is (to draw a value from when it has no example)."""

    status: str
    examples: Named = ()
    adapter: TypeAdapter[Any] | None = None
    schema: str | None = None


class MockAnswer(HandlerError):
    """A declared error response, sent as the spec writes its body."""

    def __init__(self, status: int, body: Any) -> None:
        message = _error_message(body)
        super().__init__(status, message)
        self.body = body

    def payload(self) -> dict[str, Any]:
        body = self.body
        if isinstance(body, BaseModel):
            dumped = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
            return dumped if isinstance(dumped, dict) else super().payload()
        return body if isinstance(body, dict) else super().payload()


def _error_message(body: Any) -> str:
    if isinstance(body, BaseModel):
        body = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    return message if isinstance(message, str) else "The mock server's example error."


class MockOperation:
    """One operation's examples and schemas, validated once; `answer` picks for a request."""

    def __init__(
        self,
        operation: str,
        document: Mapping[str, Any],
        *,
        requests: Named = (),
        request_adapter: TypeAdapter[Any] | None = None,
        results: Named = (),
        result_adapter: TypeAdapter[Any] | None = None,
        result_kind: str = "json",
        result_schema: str | None = None,
        streams: Named = (),
        chunk_adapter: TypeAdapter[Any] | None = None,
        chunk_schema: str | None = None,
        declared: Sequence[Declared] = (),
    ) -> None:
        self.operation = operation
        self.values = SchemaValues(document)
        self.result_kind = result_kind
        self.result_adapter = result_adapter
        self.result_schema = result_schema
        self.chunk_adapter = chunk_adapter
        self.chunk_schema = chunk_schema
        self.results = self._results(document, results)
        self.streams, self.events = self._streams(document, streams)
        self.declared = [(item, _valid(document, item.examples, item.adapter)) for item in declared]
        # Request examples that have a response of the same name, to be told apart by equality.
        answered = {*self.results, *self.streams, *self.events}
        self.requests = [
            (value, name)
            for name, value in _valid(document, requests, request_adapter).items()
            if name in answered
        ]

    def _results(self, document: Mapping[str, Any], results: Named) -> dict[str, Any]:
        if self.result_kind == "json":
            return _valid(document, results, self.result_adapter)
        found: dict[str, Any] = {}
        for name, pointer in results:
            value = resolve(document, pointer)
            if isinstance(value, str):
                found.setdefault(name, value if self.result_kind == "text" else value.encode())
        return found

    def _streams(
        self, document: Mapping[str, Any], streams: Named
    ) -> tuple[dict[str, list[Any]], dict[str, Any]]:
        """(whole streams by name, single events by name), the valid ones."""
        whole: dict[str, list[Any]] = {}
        events: dict[str, Any] = {}
        for name, pointer in streams:
            value = resolve(document, pointer)
            if isinstance(value, list):
                chunks = [_validated(self.chunk_adapter, item) for item in value]
                if all(chunk is not _INVALID for chunk in chunks):
                    whole.setdefault(name, chunks)
            else:
                chunk = _validated(self.chunk_adapter, value)
                if chunk is not _INVALID:
                    events.setdefault(name, chunk)
        return whole, events

    def answer(self, body: Any = None, stream: bool = False, preferred: str | None = None) -> Any:
        """The answer to a request with this `body` (a stream when `stream`), as the `Prefer`
        header `preferred` asks."""
        wishes = prefer(preferred)
        seed = self._seed(body, preferred)
        if "code" in wishes and not wishes["code"].startswith(("2", "3")):
            raise self._declared(wishes["code"], wishes.get("example"), wishes, seed)
        dynamic = wishes.get("dynamic", "").lower() == "true"
        if not self.results and self.result_schema is None and self.result_kind == "json":
            stream = stream or bool(self.streams or self.events or self.chunk_schema)
        if stream:
            return _replay(self._stream(body, wishes.get("example"), dynamic, seed))
        return self._result(body, wishes.get("example"), dynamic, seed)

    def _result(self, body: Any, name: str | None, dynamic: bool, seed: int) -> Any:
        if name is not None and not dynamic:
            if name not in self.results:
                raise self._unknown_example(name, list(self.results))
            return self.results[name]
        if not dynamic:
            for example, example_name in self.requests:
                if _same(body, example) and example_name in self.results:
                    return self.results[example_name]
            if self.results:
                return next(iter(self.results.values()))
        if self.result_kind == "json":
            return self._drawn(self.result_schema, self.result_adapter, seed)
        text = str(self._drawn(self.result_schema, None, seed, fallback="mock"))
        return text if self.result_kind == "text" else text.encode()

    def _stream(self, body: Any, name: str | None, dynamic: bool, seed: int) -> list[Any]:
        if name is not None and not dynamic:
            if name in self.streams:
                return self.streams[name]
            if name in self.events:
                return [self.events[name]]
            raise self._unknown_example(name, [*self.streams, *self.events])
        if not dynamic:
            for example, example_name in self.requests:
                if _same(body, example) and example_name in self.streams:
                    return self.streams[example_name]
            if self.streams:
                return next(iter(self.streams.values()))
            if self.events:
                return list(self.events.values())
        return [
            self._drawn(self.chunk_schema, self.chunk_adapter, seed + index) for index in range(3)
        ]

    def _declared(self, code: str, name: str | None, wishes: dict[str, str], seed: int) -> Any:
        status = int(code) if code.isdigit() else 0
        found = next((pair for pair in self.declared if _covers(pair[0].status, code)), None)
        if found is None:
            return HandlerError(
                400,
                f"The spec declares no {code} response for {self.operation} (Prefer: code).",
                param="Prefer",
                code="no_such_response",
            )
        item, examples = found
        if not 100 <= status <= 599:
            return HandlerError(400, f"Prefer: code={code} is not an HTTP status.", param="Prefer")
        if item.schema is None and not examples:  # a response without a JSON body
            return HandlerError(status, f"The mock server's {code} answer for {self.operation}.")
        if name is not None and wishes.get("dynamic", "").lower() != "true":
            if name not in examples:
                return self._unknown_example(name, list(examples))
            return MockAnswer(status, examples[name])
        if examples and wishes.get("dynamic", "").lower() != "true":
            return MockAnswer(status, next(iter(examples.values())))
        return MockAnswer(status, self._drawn(item.schema, item.adapter, seed))

    def _drawn(
        self,
        schema: str | None,
        adapter: TypeAdapter[Any] | None,
        seed: int,
        fallback: Any = None,
    ) -> Any:
        """A value drawn from the schema at `schema` that `adapter` accepts (validated)."""
        if schema is None:
            if fallback is not None:
                return fallback
            raise self._cannot("it has no schema to draw an answer from")
        for attempt in range(_ATTEMPTS):
            value = self.values.draw(schema, random.Random(seed * 1009 + attempt))
            validated = _validated(adapter, value)
            if validated is not _INVALID:
                return validated
        raise self._cannot(f"no value drawn from its schema ({schema}) passed its model")

    def _cannot(self, why: str) -> HandlerError:
        return HandlerError(
            501,
            f"The mock server cannot answer {self.operation}: {why}.",
            type="server_error",
            code="not_implemented",
        )

    def _unknown_example(self, name: str, known: list[str]) -> HandlerError:
        listed = ", ".join(known) or "none"
        return HandlerError(
            400,
            f"{self.operation} has no example named {name!r} to answer with (known: {listed}).",
            param="Prefer",
            code="no_such_example",
        )

    def _seed(self, body: Any, preferred: str | None) -> int:
        """The same request, the same drawn answer."""
        digest = hashlib.sha256(self.operation.encode())
        digest.update(_canonical(body))
        digest.update((preferred or "").encode())
        return int.from_bytes(digest.digest()[:6], "big")


_ATTEMPTS = 25


def _covers(declared: str, code: str) -> bool:
    """Whether a response declared for `declared` ("404", "4XX", "default") answers `code`."""
    if declared == code or declared == "default":
        return True
    return len(declared) == 3 and declared[1:].upper() == "XX" and declared[0] == code[:1]


def _canonical(body: Any) -> bytes:
    if isinstance(body, Multipart):
        body = body.data
    if isinstance(body, BaseModel):
        return body.model_dump_json(by_alias=True, exclude_unset=True).encode()
    if isinstance(body, bytes):
        return body
    return json.dumps(body, sort_keys=True, default=str).encode()


_INVALID = object()


def _validated(adapter: TypeAdapter[Any] | None, value: Any) -> Any:
    if adapter is None:
        return value
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return _INVALID


def _valid(
    document: Mapping[str, Any], named: Named, adapter: TypeAdapter[Any] | None
) -> dict[str, Any]:
    """The examples that validate, by name (the first of a name wins)."""
    found: dict[str, Any] = {}
    for name, pointer in named:
        value = _validated(adapter, resolve(document, pointer))
        if value is not _INVALID:
            found.setdefault(name, value)
    return found


def _same(body: Any, example: Any) -> bool:
    """Equal requests; for models, the fields set are compared first, which is cheap and settles
    most cases (pydantic's `==` ignores which fields were set)."""
    if isinstance(example, BaseModel) and (
        type(body) is not type(example) or body.model_fields_set != example.model_fields_set
    ):
        return False
    return bool(body == example)


async def _replay(chunks: list[Any]) -> AsyncIterator[Any]:
    for chunk in chunks:
        yield chunk
        await asyncio.sleep(0)  # one event at a time, as a real stream arrives


# --- values drawn from schemas --------------------------------------------------------------------

_DEPTH = 6  # below it, only what a schema requires
_WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel")


@dataclass
class SchemaValues:
    """Values drawn from the JSON Schemas of an OpenAPI document (3.0's `nullable` included):
    plausible, deterministic for a given random generator, and meant to be valid. A caller
    validates them (through the models) and draws again when one is not: patterns with
    look-around and combinations of keywords are met on a best-effort basis."""

    document: Mapping[str, Any]
    _seen: dict[str, Any] = field(default_factory=dict, repr=False)

    def draw(self, pointer: str, rng: random.Random) -> Any:
        return self.value(resolve(self.document, pointer), rng, 0)

    def value(self, schema: Any, rng: random.Random, depth: int) -> Any:
        if schema is True or schema == {} or not isinstance(schema, dict):
            return _WORDS[rng.randrange(len(_WORDS))] if schema is not False else None
        schema = self._merged(schema, depth)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            choices = [v for v in schema["enum"] if v is not None] or schema["enum"]
            return choices[rng.randrange(len(choices))]
        for union in ("oneOf", "anyOf"):
            branches = schema.get(union)
            if isinstance(branches, list) and branches:
                return self._branch(schema, union, branches, rng, depth)
        if "example" in schema and depth > 0 and rng.random() < 0.5:
            return schema["example"]
        kind = self._kind(schema, rng, depth)
        if kind == "null":
            return None
        if kind == "object":
            return self._object(schema, rng, depth)
        if kind == "array":
            return self._array(schema, rng, depth)
        if kind in ("integer", "number"):
            return _number(schema, kind, rng)
        if kind == "boolean":
            return rng.random() < 0.5
        return _string(schema, rng)

    def _merged(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        """`schema` with its `$ref` and `allOf` parts folded in (properties and `required`
        joined, anything else from the last part that says it)."""
        if depth > 64:
            return {}
        merged: dict[str, Any] = {}
        parts = []
        if isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#"):
            parts.append(self._merged(resolve(self.document, schema["$ref"][1:]), depth + 1))
        for part in schema.get("allOf") or ():
            if isinstance(part, dict):
                parts.append(self._merged(part, depth + 1))
        own = {key: value for key, value in schema.items() if key not in ("$ref", "allOf")}
        for part in [*parts, own]:
            for key, value in part.items():
                if key == "properties" and isinstance(value, dict):
                    merged["properties"] = {**merged.get("properties", {}), **value}
                elif key == "required" and isinstance(value, list):
                    merged["required"] = [*merged.get("required", []), *value]
                else:
                    merged[key] = value
        return merged

    def _branch(
        self,
        schema: dict[str, Any],
        union: str,
        branches: list[Any],
        rng: random.Random,
        depth: int,
    ) -> Any:
        rest = {key: value for key, value in schema.items() if key != union}
        if depth >= _DEPTH:  # deep down, a null branch ends the recursion
            nulls = [b for b in branches if isinstance(b, dict) and b.get("type") == "null"]
            if nulls:
                return None
        branch = branches[rng.randrange(len(branches))]
        if isinstance(branch, dict) and rest.get("type") and "type" not in branch:
            branch = {**rest, **branch}
        if isinstance(branch, dict) and isinstance(rest.get("properties"), dict):
            branch = {"allOf": [rest, branch]}
        return self.value(branch, rng, depth + 1)

    def _kind(self, schema: dict[str, Any], rng: random.Random, depth: int) -> str:
        declared = schema.get("type")
        if isinstance(declared, list):
            kinds = [kind for kind in declared if kind != "null"] or ["null"]
            nullable = "null" in declared
        else:
            kinds = [declared] if isinstance(declared, str) else []
            nullable = schema.get("nullable") is True
        if nullable and (not kinds or depth >= _DEPTH or rng.random() < 0.1):
            return "null"
        if kinds:
            return str(kinds[rng.randrange(len(kinds))])
        if "properties" in schema or "additionalProperties" in schema:
            return "object"
        if "items" in schema or "prefixItems" in schema:
            return "array"
        return "string"

    def _object(self, schema: dict[str, Any], rng: random.Random, depth: int) -> dict[str, Any]:
        properties = schema.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        required = schema.get("required")
        required = set(required) if isinstance(required, list) else set()
        result: dict[str, Any] = {}
        for name, sub in properties.items():
            if name in required or (depth < _DEPTH and rng.random() < 0.6):
                if isinstance(sub, dict) and (sub.get("readOnly") and sub.get("writeOnly")):
                    continue
                result[name] = self.value(sub, rng, depth + 1)
        extra = schema.get("additionalProperties")
        for name in sorted(required - set(result)):  # required but not listed
            result[name] = self.value(extra if isinstance(extra, dict) else {}, rng, depth + 1)
        if isinstance(extra, dict) and not properties and depth < _DEPTH:
            minimum = schema.get("minProperties", 0)
            for index in range(max(1, minimum if isinstance(minimum, int) else 1)):
                result[f"{_WORDS[index % len(_WORDS)]}{index}"] = self.value(extra, rng, depth + 1)
        return result

    def _array(self, schema: dict[str, Any], rng: random.Random, depth: int) -> list[Any]:
        minimum = schema.get("minItems", 0)
        minimum = minimum if isinstance(minimum, int) else 0
        maximum = schema.get("maxItems")
        prefix = schema.get("prefixItems")
        prefix = prefix if isinstance(prefix, list) else []
        items = schema.get("items", {})
        count = minimum if depth >= _DEPTH else minimum + rng.randrange(3 if minimum == 0 else 2)
        if prefix and items is False:
            count = min(max(count, minimum), len(prefix))
        if isinstance(maximum, int):
            count = min(count, maximum)
        result: list[Any] = []
        for index in range(count):
            item = prefix[index] if index < len(prefix) else items
            value = self.value(item, rng, depth + 1)
            if schema.get("uniqueItems") is True and value in result:
                value = self.value(item, rng, depth + 1)
            result.append(value)
        return result


def _number(schema: dict[str, Any], kind: str, rng: random.Random) -> int | float:
    low = schema.get("minimum")
    high = schema.get("maximum")
    exclusive_low = schema.get("exclusiveMinimum")
    exclusive_high = schema.get("exclusiveMaximum")
    if isinstance(exclusive_low, bool):  # OpenAPI 3.0: a flag on `minimum`
        exclusive_low = low if exclusive_low else None
    if isinstance(exclusive_high, bool):
        exclusive_high = high if exclusive_high else None
    floor = max(
        [v for v in (low,) if isinstance(v, int | float)]
        + [
            v + (1 if kind == "integer" else 1e-6)
            for v in (exclusive_low,)
            if isinstance(v, int | float)
        ],
        default=0 if isinstance(high, int | float) and high < 0 else None,
    )
    ceiling = min(
        [v for v in (high,) if isinstance(v, int | float)]
        + [
            v - (1 if kind == "integer" else 1e-6)
            for v in (exclusive_high,)
            if isinstance(v, int | float)
        ],
        default=None,
    )
    start = floor if floor is not None else (ceiling - 100 if ceiling is not None else 0)
    end = ceiling if ceiling is not None else start + 100
    step = schema.get("multipleOf")
    if isinstance(step, int | float) and step > 0:
        first, last = math.ceil(start / step), math.floor(end / step)
        multiple = rng.randint(first, last) * step if first <= last else first * step
        return int(multiple) if kind == "integer" or isinstance(step, int) else multiple
    if kind == "integer":
        return rng.randint(math.ceil(start), max(math.ceil(start), math.floor(end)))
    return round(start + (end - start) * rng.random(), 2) if end > start else start


def _string(schema: dict[str, Any], rng: random.Random) -> str:
    kind = schema.get("format")
    text = _FORMATS[kind](rng) if isinstance(kind, str) and kind in _FORMATS else None
    pattern = schema.get("pattern")
    if text is None and isinstance(pattern, str):
        text = _matching(pattern, rng)
    if text is None:
        text = _WORDS[rng.randrange(len(_WORDS))]
    minimum = schema.get("minLength", 0)
    maximum = schema.get("maxLength")
    if isinstance(minimum, int) and len(text) < minimum and kind is None and pattern is None:
        text = (text * (minimum // max(len(text), 1) + 1))[: max(minimum, len(text))]
    if isinstance(maximum, int) and len(text) > maximum and kind is None and pattern is None:
        text = text[:maximum]
    return text


_FORMATS: dict[str, Any] = {
    "date-time": lambda r: (
        f"2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T"
        f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}Z"
    ),
    "date": lambda r: f"2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
    "time": lambda r: f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:00Z",
    "duration": lambda r: f"P{r.randint(1, 9)}DT{r.randint(0, 23)}H",
    "uri": lambda r: f"https://example.com/{_WORDS[r.randrange(len(_WORDS))]}",
    "uri-reference": lambda r: f"/{_WORDS[r.randrange(len(_WORDS))]}",
    "iri": lambda r: f"https://example.com/{_WORDS[r.randrange(len(_WORDS))]}",
    "iri-reference": lambda r: f"/{_WORDS[r.randrange(len(_WORDS))]}",
    "url": lambda r: f"https://example.com/{_WORDS[r.randrange(len(_WORDS))]}",
    "uuid": lambda r: str(uuid.UUID(int=r.getrandbits(128), version=4)),
    "ipv4": lambda r: f"192.0.2.{r.randint(1, 254)}",
    "ipv6": lambda r: f"2001:db8::{r.randint(1, 65535):x}",
    "email": lambda r: f"{_WORDS[r.randrange(len(_WORDS))]}@example.com",
    "idn-email": lambda r: f"{_WORDS[r.randrange(len(_WORDS))]}@example.com",
    "hostname": lambda r: f"{_WORDS[r.randrange(len(_WORDS))]}.example.com",
    "decimal": lambda r: f"{r.randint(0, 999)}.{r.randint(0, 99):02d}",
    "byte": lambda r: base64.b64encode(r.randbytes(6)).decode(),
    "binary": lambda r: _WORDS[r.randrange(len(_WORDS))],
}


# A pattern's text: enough of ECMA-262 to draw from the patterns specs write (classes,
# escapes, groups, alternatives, quantifiers); look-arounds are skipped and the result checked.
_CLASS_ESCAPES = {"d": "0123456789", "w": "abcxyzABC019_", "s": " "}


def _matching(pattern: str, rng: random.Random) -> str | None:
    try:
        text, _ = _sequence(pattern, 0, rng, 0)
    except (IndexError, ValueError):
        return None
    return text


def _sequence(pattern: str, at: int, rng: random.Random, depth: int) -> tuple[str, int]:
    """The text of the alternatives from `at` to the end or to the `)` that closes them."""
    alternatives: list[str] = []
    current: list[str] = []
    while at < len(pattern) and pattern[at] != ")":
        if pattern[at] == "|":
            alternatives.append("".join(current))
            current = []
            at += 1
            continue
        piece, at = _atom(pattern, at, rng, depth)
        low, high, at = _quantifier(pattern, at)
        current.append("".join(piece() for _ in range(rng.randint(low, high))))
    alternatives.append("".join(current))
    return alternatives[rng.randrange(len(alternatives))], at


def _atom(pattern: str, at: int, rng: random.Random, depth: int) -> tuple[Any, int]:
    char = pattern[at]
    if char in "^$":
        return (lambda: ""), at + 1
    if char == ".":
        return (lambda: _WORDS[0][rng.randrange(5)]), at + 1
    if char == "(":
        if depth > 20:
            raise ValueError("too deep")
        look = pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), at)
        start = at + (3 if pattern.startswith(("(?:", "(?=", "(?!"), at) else 1)
        if pattern.startswith(("(?<=", "(?<!"), at):
            start = at + 4
        elif pattern.startswith("(?<", at):
            start = pattern.index(">", at) + 1
        text, end = _sequence(pattern, start, rng, depth + 1)
        return (lambda: "" if look else text), end + 1
    if char == "[":
        choices, end = _class(pattern, at)
        return (lambda: choices[rng.randrange(len(choices))]), end
    if char == "\\":
        escaped = pattern[at + 1]
        if escaped in _CLASS_ESCAPES:
            options = _CLASS_ESCAPES[escaped]
            return (lambda: options[rng.randrange(len(options))]), at + 2
        if escaped in "pP":
            end = pattern.index("}", at) + 1
            return (lambda: "a" if "L" in pattern[at:end] else "1"), end
        if escaped in "bB":
            return (lambda: ""), at + 2
        literal = {"n": "\n", "t": "\t", "r": "\r"}.get(escaped, escaped)
        return (lambda: literal), at + 2
    return (lambda: char), at + 1


def _class(pattern: str, at: int) -> tuple[str, int]:
    """The characters a `[...]` class allows (a sample of them), and where it ends."""
    negated = pattern.startswith("[^", at)
    at += 2 if negated else 1
    chars: list[str] = []
    while pattern[at] != "]":
        char = pattern[at]
        if char == "\\":
            escaped = pattern[at + 1]
            chars.extend(_CLASS_ESCAPES.get(escaped, "a" if escaped in "pP" else escaped))
            at = pattern.index("}", at) + 1 if escaped in "pP" else at + 2
            continue
        if pattern[at + 1] == "-" and pattern[at + 2] != "]":
            low, high = ord(char), ord(pattern[at + 2])
            chars.extend(chr(code) for code in range(low, min(high, low + 25) + 1))
            at += 3
            continue
        chars.append(char)
        at += 1
    if negated:
        allowed = [c for c in "abcxyzABCXYZ0129_ " if c not in chars]
        return "".join(allowed) or "~", at + 1
    return "".join(chars) or "a", at + 1


def _quantifier(pattern: str, at: int) -> tuple[int, int, int]:
    if at >= len(pattern):
        return 1, 1, at
    char = pattern[at]
    bounds = {"*": (0, 3), "+": (1, 3), "?": (0, 1)}
    if char in bounds:
        low, high = bounds[char]
        at += 1
    else:
        found = re.compile(r"\{(\d+)(,(\d*))?\}").match(pattern, at)
        if not found:
            return 1, 1, at
        low = int(found[1])
        high = low if not found[2] else (int(found[3]) if found[3] else low + 3)
        at = found.end()
    if at < len(pattern) and pattern[at] == "?":
        at += 1
    return low, high, at
