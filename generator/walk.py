"""Where things are in an OpenAPI document: operations, schemas, references, with their pointers.

Iterative walks (no recursion), so a deep document cannot overflow the stack. Lint rules and the
analyser share these instead of each knowing the layout of OpenAPI.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.pointer import join_pointer, split_pointer

JsonValue = Any
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Schema keywords whose value is a schema, a map of schemas, or a list of schemas.
SUBSCHEMA_KEYWORDS = (
    "items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else",
    "unevaluatedItems", "unevaluatedProperties", "contentSchema",
)  # fmt: skip
SUBSCHEMA_MAP_KEYWORDS = (
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
)
SUBSCHEMA_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems")


@dataclass(frozen=True)
class OperationAt:
    path: str
    method: str
    operation: dict[str, Any]
    path_item: dict[str, Any]
    pointer: str


def operations(document: dict[str, Any]) -> Iterator[OperationAt]:
    paths = document.get("paths")
    for path, item in paths.items() if isinstance(paths, dict) else ():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield OperationAt(
                    path, method, operation, item, join_pointer("paths", path, method)
                )


def items(value: JsonValue) -> Iterator[tuple[str, Any]]:
    """The members of a mapping whose values are mappings (what OpenAPI's maps hold)."""
    if isinstance(value, dict):
        yield from ((key, item) for key, item in value.items() if isinstance(item, dict))


def schema_roots(document: dict[str, Any]) -> Iterator[tuple[Any, str]]:
    """Every place where a schema starts: components, parameters, bodies, responses, headers."""
    components = document.get("components")
    components = components if isinstance(components, dict) else {}
    for name, schema in items(components.get("schemas")):
        yield schema, join_pointer("components", "schemas", name)
    for kind in ("parameters", "headers"):
        for name, owner in items(components.get(kind)):
            yield from _owner_schemas(owner, join_pointer("components", kind, name))
    for kind in ("requestBodies", "responses"):
        for name, owner in items(components.get(kind)):
            yield from _content_owner_schemas(owner, join_pointer("components", kind, name))
    for path, item in items(document.get("paths")):
        for index, parameter in enumerate(_list(item.get("parameters"))):
            yield from _owner_schemas(parameter, join_pointer("paths", path, "parameters", index))
    for at in operations(document):
        for index, parameter in enumerate(_list(at.operation.get("parameters"))):
            yield from _owner_schemas(parameter, f"{at.pointer}/parameters/{index}")
        yield from _content_owner_schemas(
            at.operation.get("requestBody"), at.pointer + "/requestBody"
        )
        for status, response in items(at.operation.get("responses")):
            yield from _content_owner_schemas(
                response, join_pointer(*split_pointer(at.pointer), "responses", status)
            )


def schemas(document: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """Every schema object in the document, nested ones included, with its pointer."""
    stack = list(schema_roots(document))
    stack.reverse()
    while stack:
        node, at = stack.pop()
        if not isinstance(node, dict):
            continue
        yield node, at
        children: list[tuple[Any, str]] = []
        for key in SUBSCHEMA_KEYWORDS:
            if isinstance(node.get(key), dict):
                children.append((node[key], f"{at}/{key}"))
        for key in SUBSCHEMA_MAP_KEYWORDS:
            children.extend(
                (value, at + join_pointer(key, name)) for name, value in items(node.get(key))
            )
        for key in SUBSCHEMA_LIST_KEYWORDS:
            children.extend(
                (value, f"{at}/{key}/{index}") for index, value in enumerate(_list(node.get(key)))
            )
        stack.extend(reversed(children))


def references(document: JsonValue) -> Iterator[tuple[str, str]]:
    """Every `$ref` string in the document with the pointer of the object that holds it."""
    for holder, at in ref_holders(document):
        yield holder["$ref"], at


def ref_holders(document: JsonValue, skip: str = "") -> list[tuple[dict[str, Any], str]]:
    """Every object with a string `$ref`, and its pointer. Example values, defaults and enums are
    data, not looked into; under `properties` (and other maps of names) every key is a name."""
    found = []
    stack: list[tuple[JsonValue, str, bool]] = [(document, "", False)]
    while stack:
        node, at, keys_are_names = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                found.append((node, at))
            children = []
            for key, value in node.items():
                if not isinstance(value, dict | list) or key == skip:
                    continue
                if not keys_are_names and _is_data(key, value):
                    continue
                pointer = at + "/" + key.replace("~", "~0").replace("/", "~1")
                children.append((value, pointer, not keys_are_names and key in _NAME_MAPS))
            stack.extend(reversed(children))  # so that references come out in document order
        elif isinstance(node, list):
            items = [
                (value, f"{at}/{i}", False)
                for i, value in enumerate(node)
                if isinstance(value, dict | list)
            ]
            stack.extend(reversed(items))
    return found


# Keys whose values map names to objects: inside them, a key such as `default` is a name.
_NAME_MAPS = frozenset(
    {
        *SUBSCHEMA_MAP_KEYWORDS, "paths", "schemas", "responses", "parameters", "examples", "requestBodies",
        "headers", "securitySchemes", "links", "callbacks", "content", "encoding", "webhooks", "pathItems",
        "mapping", "variables", "scopes",
    }
)  # fmt: skip


def _is_data(key: str, value: JsonValue) -> bool:
    if key in ("example", "default", "enum", "const", "value"):
        return True
    return key == "examples" and isinstance(
        value, list
    )  # a schema's examples; a media type's is a map


def _owner_schemas(owner: JsonValue, pointer: str) -> Iterator[tuple[Any, str]]:
    """The schema of a parameter or header (`schema`, or `content.*.schema`)."""
    if not isinstance(owner, dict):
        return
    if isinstance(owner.get("schema"), dict):
        yield owner["schema"], pointer + "/schema"
    yield from _content_schemas(owner.get("content"), pointer)


def _content_owner_schemas(owner: JsonValue, pointer: str) -> Iterator[tuple[Any, str]]:
    """The schemas of a request body or response: its content, and its headers'."""
    if not isinstance(owner, dict):
        return
    yield from _content_schemas(owner.get("content"), pointer)
    for name, header in items(owner.get("headers")):
        yield from _owner_schemas(header, join_pointer(*split_pointer(pointer), "headers", name))


def _content_schemas(content: JsonValue, pointer: str) -> Iterator[tuple[Any, str]]:
    for media_type, media in items(content):
        if isinstance(media.get("schema"), dict):
            yield (
                media["schema"],
                join_pointer(*split_pointer(pointer), "content", media_type, "schema"),
            )


def _list(value: JsonValue) -> list[Any]:
    return value if isinstance(value, list) else []


@dataclass(frozen=True)
class EquivalentPaths:
    """Two path templates that differ only in their parameters' names (`/p/{a}`, `/p/{b}`): one
    URL matches both, so a server cannot tell which was meant. `methods` are those both declare,
    whose operations a generator would have to merge or lose."""

    first: str
    second: str
    first_pointer: str
    second_pointer: str
    methods: tuple[str, ...]

    def message(self, first_place: str) -> str:
        """What lint and generate say of the pair, at the second path (`first_place`: where the
        first one is, as the caller shows places)."""
        lost = (
            f"; both declare {', '.join(method.upper() for method in self.methods)}, so one "
            "operation would be lost"
            if self.methods
            else ""
        )
        return (
            f"{self.second} is the same path as {self.first} ({first_place}) up to parameter names"
            + lost
        )


def equivalent_paths(
    document: dict[str, Any], resolve: Callable[[Any, str], Any] = lambda item, pointer: item
) -> list[EquivalentPaths]:
    """Every path that is equivalent to an earlier one, paired with the first of its kind.
    `resolve(item, pointer)` follows a path item that is a `$ref` (callers know how)."""
    first_of_shape: dict[str, str] = {}
    found = []
    for path, item in items(document.get("paths")):
        if path.startswith("x-"):
            continue
        shape = _TEMPLATE_PARAMETER.sub("{}", path)
        if shape not in first_of_shape:
            first_of_shape[shape] = path
            continue
        first = first_of_shape[shape]
        first_item = resolve(document["paths"][first], join_pointer("paths", first))
        item = resolve(item, join_pointer("paths", path))
        methods = tuple(
            method
            for method in HTTP_METHODS
            if isinstance(item, dict)
            and isinstance(first_item, dict)
            and isinstance(item.get(method), dict)
            and isinstance(first_item.get(method), dict)
        )
        found.append(
            EquivalentPaths(
                first, path, join_pointer("paths", first), join_pointer("paths", path), methods
            )
        )
    return found


_TEMPLATE_PARAMETER = re.compile(r"\{[^{}]*\}")
