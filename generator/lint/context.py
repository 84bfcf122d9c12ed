"""One typed walk of a spec that every lint rule shares: what each object is, and where it is.

The document is walked once, the way OpenAPI lays it out (root, path items, operations,
parameters, bodies, responses, media types, schemas, components, webhooks, callbacks), and every
object is filed under its kind with its JSON pointer. A `$ref` is filed as a reference of the kind
its place expects; a target that no walk reaches where it lives (a bundled file, a `#/x-...`
corner) is walked as that kind from the reference. Rules then loop over the lists they need
instead of each walking 13 MB again.

The walk is iterative (a deep document costs no stack) and does not look inside example values,
defaults or enums: they are data, not OpenAPI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol, TypeVar

from generator.errors import Location
from generator.lint.positions import JsonPositions, looks_like_json
from generator.load import Spec
from generator.pointer import MISSING, resolve

JsonObject = dict[str, Any]
Found = tuple[JsonObject, str]  # an object and its JSON pointer
_T = TypeVar("_T")

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SCHEMA_KEYWORDS = (
    "items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else",
    "unevaluatedItems", "unevaluatedProperties", "contentSchema", "additionalItems",
)  # fmt: skip
_SCHEMA_MAP_KEYWORDS = (
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
)
_SCHEMA_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_KEYS = frozenset(_SCHEMA_KEYWORDS + _SCHEMA_MAP_KEYWORDS + _SCHEMA_LIST_KEYWORDS)
COMPONENT_KINDS = {
    "schemas": "schema",
    "responses": "response",
    "parameters": "parameter",
    "examples": "example",
    "requestBodies": "request-body",
    "headers": "header",
    "securitySchemes": "security-scheme",
    "links": "link",
    "callbacks": "callback",
    "pathItems": "path-item",
}


def escape(token: str) -> str:
    """One JSON pointer token (RFC 6901)."""
    if "~" in token or "/" in token:
        return token.replace("~", "~0").replace("/", "~1")
    return token


@dataclass(frozen=True)
class OperationAt:
    """An operation, wherever it is: under `paths`, a webhook, a callback, or a reusable path item."""

    kind: str  # "path", "webhook", "callback" or "component"
    key: str  # the path template, webhook name or callback expression of its path item
    method: str
    operation: JsonObject
    path_item: JsonObject
    pointer: str
    path_item_pointer: str

    @property
    def title(self) -> str:
        what = {"path": "", "webhook": "webhook ", "callback": "callback ", "component": ""}
        return f"{what[self.kind]}{self.method.upper()} {self.key}"


@dataclass(frozen=True)
class PathItemAt:
    kind: str
    key: str
    item: JsonObject
    pointer: str


@dataclass(frozen=True)
class RefAt:
    holder: JsonObject  # the object with `$ref`
    pointer: str  # of the holder
    kind: str  # what its place expects: "schema", "parameter", "path-item", ...


@dataclass(frozen=True)
class MediaTypeAt:
    media: JsonObject
    pointer: str
    content_type: str
    direction: str  # "request" or "response": which of readOnly/writeOnly applies to examples


@dataclass
class LintContext:
    """A spec and its index. Built once per file; rules only read it."""

    spec: Spec
    schemas: list[Found] = field(default_factory=list)
    parameters: list[Found] = field(default_factory=list)
    headers: list[Found] = field(default_factory=list)
    request_bodies: list[Found] = field(default_factory=list)
    responses: list[Found] = field(default_factory=list)  # each Response object
    response_maps: list[Found] = field(default_factory=list)  # each operation's `responses`
    examples: list[Found] = field(default_factory=list)  # Example objects (`value`, ...)
    links: list[Found] = field(default_factory=list)
    servers: list[Found] = field(default_factory=list)
    security_requirements: list[Found] = field(default_factory=list)
    security_schemes: list[Found] = field(default_factory=list)
    tags: list[Found] = field(default_factory=list)
    media_types: list[MediaTypeAt] = field(default_factory=list)
    operations: list[OperationAt] = field(default_factory=list)
    path_items: list[PathItemAt] = field(default_factory=list)
    refs: list[RefAt] = field(default_factory=list)
    described: list[Found] = field(default_factory=list)  # every typed object (descriptions)

    @classmethod
    def of(cls, spec: Spec) -> LintContext:
        context = cls(spec)
        _Walker(context).run()
        return context

    @property
    def document(self) -> JsonObject:
        return self.spec.document

    @property
    def version(self) -> tuple[int, int]:
        return self.spec.openapi_version

    def locate(self, pointer: str) -> Location:
        """The file, line and column of a pointer (in a bundled file, that file's)."""
        name, inner = self.spec.origin(pointer)
        source = self.spec.bundled_sources[name] if name else self.spec.source
        return self._positions(source.file, source.text).locate(inner) or source.locate(inner)

    def _positions(self, file: str, text: str) -> _Locator:
        if file not in self._locators:
            self._locators[file] = (
                JsonPositions(file, text) if looks_like_json(file, text) else _NO_JSON
            )
        return self._locators[file]

    @cached_property
    def _locators(self) -> dict[str, _Locator]:
        return {}

    def where(self, pointer: str) -> str:
        """A short place for a message: `line N` in this file, or `file:line:col` elsewhere."""
        return self.memo("where:" + pointer, lambda: self._where(pointer))

    def _where(self, pointer: str) -> str:
        location = self.locate(pointer)
        if location.line is None:
            return f"#{pointer}"
        if location.file == self.spec.source.file:
            return f"line {location.line}"
        return str(location)

    def resolve(self, value: Any, pointer: str) -> tuple[Any, str]:
        """Follow local `$ref`s from `value` (at `pointer`); (None, pointer) when one is broken."""
        seen: set[str] = set()
        while isinstance(value, dict) and isinstance(value.get("$ref"), str):
            ref = value["$ref"]
            if not ref.startswith("#") or ref in seen:
                return None, pointer
            seen.add(ref)
            target = self.value_at(ref[1:])
            if target is MISSING:
                return None, pointer
            value, pointer = target, ref[1:]
        return value, pointer

    def value_at(self, pointer: str) -> Any:
        return resolve(self.document, pointer)

    def memo(self, key: str, compute: Callable[[], _T]) -> _T:
        """A value several rules need, computed once per spec."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[no-any-return]

    @cached_property
    def _memo(self) -> dict[str, Any]:
        return {}

    @cached_property
    def referenced(self) -> frozenset[str]:
        """Every local pointer some `$ref` names."""
        return frozenset(
            at.holder["$ref"][1:] for at in self.refs if at.holder["$ref"].startswith("#")
        )


class _Locator(Protocol):
    def locate(self, pointer: str) -> Location | None: ...


class _NoPositions:
    """For YAML: the loader's own source map knows every position."""

    def locate(self, pointer: str) -> Location | None:
        return None


_NO_JSON = _NoPositions()


@dataclass
class _Walker:
    """Files every object of the document under its kind (see the module's docstring)."""

    context: LintContext
    visited: set[int] = field(default_factory=set)
    ref_holders: set[int] = field(default_factory=set)

    def run(self) -> None:
        document = self.context.document
        self.root(document)
        pending = 0
        while pending < len(self.context.refs):  # targets only references reach
            at = self.context.refs[pending]
            pending += 1
            ref = at.holder["$ref"]
            if ref.startswith("#/"):
                target = self.context.value_at(ref[1:])
                if isinstance(target, dict) and id(target) not in self.visited:
                    self.visit(at.kind, target, ref[1:], "response")

    def visit(self, kind: str, value: Any, pointer: str, direction: str) -> None:
        if isinstance(value, dict):
            _VISITORS[kind](self, value, pointer, direction)

    def _seen(self, value: JsonObject, pointer: str, kind: str) -> bool:
        """Files a reference, or marks an object visited; True when there is nothing to walk."""
        if isinstance(value.get("$ref"), str) and (kind != "schema" or len(value) == 1):
            if id(value) not in self.ref_holders:
                self.ref_holders.add(id(value))
                self.context.refs.append(RefAt(value, pointer, kind))
            return True
        if id(value) in self.visited:
            return True
        self.visited.add(id(value))
        self.context.described.append((value, pointer))
        return False

    def root(self, document: JsonObject) -> None:
        self.visited.add(id(document))
        self.context.described.append((document, ""))
        if isinstance(document.get("info"), dict):
            self.context.described.append((document["info"], "/info"))
        self.servers(document.get("servers"), "/servers")
        self.security(document.get("security"), "/security")
        for index, tag in _indexed(document.get("tags")):
            self.context.tags.append((tag, f"/tags/{index}"))
            self.context.described.append((tag, f"/tags/{index}"))
        for key, item in _named(document.get("paths"), True):
            self.path_item(item, "/paths/" + escape(key), "path", key)
        # `x-webhooks` is how 3.0 documents (GitHub's) said `webhooks` before 3.1; Redocly reads it too.
        for section in ("webhooks", "x-webhooks"):
            for key, item in _named(document.get(section)):
                self.path_item(item, f"/{section}/{escape(key)}", "webhook", key)
        components = document.get("components")
        if isinstance(components, dict):
            for section, kind in COMPONENT_KINDS.items():
                for name, value in _named(components.get(section)):
                    pointer = f"/components/{section}/{escape(name)}"
                    if kind == "path-item":
                        self.path_item(value, pointer, "component", name)
                    else:
                        self.visit(kind, value, pointer, "response")

    def servers(self, servers: Any, pointer: str) -> None:
        for index, server in _indexed(servers):
            self.context.servers.append((server, f"{pointer}/{index}"))
            self.context.described.append((server, f"{pointer}/{index}"))

    def security(self, requirements: Any, pointer: str) -> None:
        for index, requirement in _indexed(requirements):
            self.context.security_requirements.append((requirement, f"{pointer}/{index}"))

    def path_item(self, item: Any, pointer: str, kind: str, key: str) -> None:
        if not isinstance(item, dict):
            return
        self.context.path_items.append(PathItemAt(kind, key, item, pointer))
        if self._seen(item, pointer, "path-item"):
            return
        self.servers(item.get("servers"), pointer + "/servers")
        self.parameter_list(item.get("parameters"), pointer + "/parameters")
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                at = OperationAt(kind, key, method, operation, item, f"{pointer}/{method}", pointer)
                self.operation(at)

    def operation(self, at: OperationAt) -> None:
        operation, pointer = at.operation, at.pointer
        self.context.operations.append(at)
        self.context.described.append((operation, pointer))
        self.parameter_list(operation.get("parameters"), pointer + "/parameters")
        self.visit(
            "request-body", operation.get("requestBody"), pointer + "/requestBody", "request"
        )
        responses = operation.get("responses")
        if isinstance(responses, dict):
            self.context.response_maps.append((responses, pointer + "/responses"))
            for status, response in _named(responses, True):
                self.visit(
                    "response", response, f"{pointer}/responses/{escape(status)}", "response"
                )
        for name, callback in _named(operation.get("callbacks")):
            self.visit("callback", callback, f"{pointer}/callbacks/{escape(name)}", "response")
        self.security(operation.get("security"), pointer + "/security")
        self.servers(operation.get("servers"), pointer + "/servers")

    def parameter_list(self, parameters: Any, pointer: str) -> None:
        for index, parameter in _indexed(parameters):
            self.visit("parameter", parameter, f"{pointer}/{index}", "request")

    def parameter(self, value: JsonObject, pointer: str, direction: str) -> None:
        if self._seen(value, pointer, "parameter"):
            return
        self.context.parameters.append((value, pointer))
        self.owned(value, pointer, "request")

    def header(self, value: JsonObject, pointer: str, direction: str) -> None:
        if self._seen(value, pointer, "header"):
            return
        self.context.headers.append((value, pointer))
        self.owned(value, pointer, "response")

    def owned(self, value: JsonObject, pointer: str, direction: str) -> None:
        """What a parameter or header holds: a schema or content, and examples."""
        self.visit("schema", value.get("schema"), pointer + "/schema", direction)
        self.content(value.get("content"), pointer + "/content", direction)
        self.example_map(value.get("examples"), pointer + "/examples")

    def request_body(self, value: JsonObject, pointer: str, direction: str) -> None:
        if self._seen(value, pointer, "request-body"):
            return
        self.context.request_bodies.append((value, pointer))
        self.content(value.get("content"), pointer + "/content", "request")

    def response(self, value: JsonObject, pointer: str, direction: str) -> None:
        if self._seen(value, pointer, "response"):
            return
        self.context.responses.append((value, pointer))
        for name, header in _named(value.get("headers")):
            self.visit("header", header, f"{pointer}/headers/{escape(name)}", "response")
        self.content(value.get("content"), pointer + "/content", "response")
        for name, link in _named(value.get("links")):
            self.visit("link", link, f"{pointer}/links/{escape(name)}", "response")

    def content(self, content: Any, pointer: str, direction: str) -> None:
        for content_type, media in _named(content):
            at = f"{pointer}/{escape(content_type)}"
            if self._seen(media, at, "media-type"):
                continue
            self.context.media_types.append(MediaTypeAt(media, at, content_type, direction))
            self.visit("schema", media.get("schema"), at + "/schema", direction)
            self.example_map(media.get("examples"), at + "/examples")
            for name, encoding in _named(media.get("encoding")):
                for header_name, header in _named(encoding.get("headers")):
                    where = f"{at}/encoding/{escape(name)}/headers/{escape(header_name)}"
                    self.visit("header", header, where, "request")

    def media_type(self, value: JsonObject, pointer: str, direction: str) -> None:
        self.content({"": value}, pointer.rpartition("/")[0], direction)

    def example_map(self, examples: Any, pointer: str) -> None:
        for name, example in _named(examples):
            self.visit("example", example, f"{pointer}/{escape(name)}", "response")

    def example(self, value: JsonObject, pointer: str, direction: str) -> None:
        if not self._seen(value, pointer, "example"):
            self.context.examples.append((value, pointer))

    def link(self, value: JsonObject, pointer: str, direction: str) -> None:
        if not self._seen(value, pointer, "link"):
            self.context.links.append((value, pointer))
            if isinstance(value.get("server"), dict):
                self.context.servers.append((value["server"], pointer + "/server"))

    def callback(self, value: JsonObject, pointer: str, direction: str) -> None:
        if self._seen(value, pointer, "callback"):
            return
        for expression, item in _named(value, True):
            self.path_item(item, f"{pointer}/{escape(expression)}", "callback", expression)

    def path_item_visitor(self, value: JsonObject, pointer: str, direction: str) -> None:
        self.path_item(value, pointer, "component", pointer.rpartition("/")[2])

    def security_scheme(self, value: JsonObject, pointer: str, direction: str) -> None:
        if not self._seen(value, pointer, "security-scheme"):
            self.context.security_schemes.append((value, pointer))

    def schema(self, value: JsonObject, pointer: str, direction: str) -> None:
        """A schema and everything nested in it, without recursion."""
        schemas, refs, visited = self.context.schemas, self.context.refs, self.visited
        described = self.context.described
        stack = [(value, pointer)]
        while stack:
            node, at = stack.pop()
            if isinstance(node.get("$ref"), str):
                if id(node) not in self.ref_holders:
                    self.ref_holders.add(id(node))
                    refs.append(RefAt(node, at, "schema"))
                if len(node) == 1:
                    continue
            if id(node) in visited:
                continue
            visited.add(id(node))
            schemas.append((node, at))
            described.append((node, at))
            children = []
            for key, child in node.items():
                if key not in _SUBSCHEMA_KEYS:
                    continue
                if key in _SCHEMA_KEYWORDS:
                    if isinstance(child, dict):
                        children.append((child, f"{at}/{key}"))
                elif key in _SCHEMA_LIST_KEYWORDS:
                    if isinstance(child, list):
                        children.extend(
                            (member, f"{at}/{key}/{index}")
                            for index, member in enumerate(child)
                            if isinstance(member, dict)
                        )
                elif isinstance(child, dict):
                    children.extend(
                        (member, f"{at}/{key}/{escape(name)}")
                        for name, member in child.items()
                        if isinstance(member, dict)
                    )
            stack.extend(reversed(children))  # so that schemas come out in document order


_Visitor = Callable[[_Walker, JsonObject, str, str], None]
_VISITORS: dict[str, _Visitor] = {
    "schema": _Walker.schema,
    "parameter": _Walker.parameter,
    "header": _Walker.header,
    "request-body": _Walker.request_body,
    "response": _Walker.response,
    "media-type": _Walker.media_type,
    "example": _Walker.example,
    "link": _Walker.link,
    "callback": _Walker.callback,
    "path-item": _Walker.path_item_visitor,
    "security-scheme": _Walker.security_scheme,
}


def _named(value: Any, extensible: bool = False) -> Iterator[tuple[str, JsonObject]]:
    """The members of an OpenAPI map whose values are objects; in a map that may hold
    extensions (`paths`, `responses`, a callback), `x-` keys are extensions, not members."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict) and not (extensible and key.startswith("x-")):
                yield key, item


def _indexed(value: Any) -> Iterator[tuple[int, JsonObject]]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield index, item
