"""The operations of the spec as the IR's `Operation`s: names, parameters, bodies, responses,
what a plain call returns, whether and how it streams, and which credentials it takes.

`schema_sites` lists the schemas the operations use in place, in the order the builder meets
them, so that `ClassNames` can name their classes before any type is asked for.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl

from generator.ir import (
    BOOL,
    STR,
    Body,
    BodyField,
    ClientMethod,
    Constraints,
    Example,
    Header,
    MediaType,
    ModelRef,
    Operation,
    Parameter,
    ParameterLocation,
    PathPart,
    Response,
    Result,
    ResultParser,
    SecurityScheme,
    SpecText,
    Stream,
    TypeRef,
)
from generator.load import JsonValue, Spec
from generator.naming import NameRegistry, member_name, pascal_case, snake_case
from generator.pointer import join_pointer, split_pointer
from generator.refs import deref, value_at
from generator.walk import HTTP_METHODS

from .params import ParamTypes, as_file_types, is_object_like, object_properties
from .types import SchemaSite, Types
from .wire import Wire, media_kind

# Where a spec says how large a request body may be, in bytes (on the media type, or on the body
# for all its media types); without it, a text or binary body's `maxLength` says it.
MAX_BODY_SIZE = "x-max-body-size"
# The most bytes one character of a text body takes in UTF-8, to turn a maxLength into bytes.
UTF8_WIDTH = 4

# Keyword arguments every generated method takes besides the operation's own parameters.
METHOD_ARGUMENTS = frozenset(
    {"self", "body", "timeout", "extra_headers", "extra_query", "extra_body", "context", "request"}
    | {"content_type"}  # operations whose body has several media types take it
)
# What a body property's keyword argument must not be called: the call's own arguments (and
# `stream`, which asks for a stream); a property that is gets a trailing `_`.
CALL_ARGUMENTS = frozenset(
    {"self", "body", "timeout", "extra_headers", "extra_query", "extra_body", "content_type"}
    | {"stream"}
)
# A stream ends at a `data:` payload the spec names in `x-stream-terminator` (OpenAI-style APIs
# send `[DONE]`), or the configuration's `stream_terminators` names for the operation (for specs
# that say it only in prose, as OpenAI's own); without one, a stream ends with the connection.
STREAM_TERMINATOR_EXTENSION = "x-stream-terminator"
STREAM_FLAG_PROPERTY = "stream"  # the widespread convention: a boolean body property asks for SSE
PATH_TEMPLATE = re.compile(r"\{([^{}]+)\}")
# Kinds of media whose schema gives the payload a Python type (the others are text or bytes).
_TYPED_KINDS = ("json", "event-stream", "form", "multipart")


# Whether an operation (its operationId and tags) becomes methods and routes.
Admits = Callable[[str, list[str]], bool]


@dataclass(frozen=True)
class RawOperation:
    """An operation as the spec has it, with the path item it belongs to (`$ref` followed)."""

    path: str
    method: str
    item: dict[str, Any]
    raw: dict[str, Any]
    pointer: str

    @property
    def item_pointer(self) -> str:
        return self.pointer.rsplit("/", 1)[0]

    @property
    def prefix(self) -> str:
        """The stem of the class names its inline schemas get."""
        return pascal_case(self.operation_id or f"{self.method}_{self.path}")

    @property
    def operation_id(self) -> str | None:
        value = self.raw.get("operationId")
        return value if isinstance(value, str) and value else None


def selected_operations(spec: Spec, admits: Admits) -> list[RawOperation]:
    """The operations `admits` takes, in the spec's order (paths, then HTTP methods)."""
    paths = spec.document.get("paths")
    found = []
    for path, item in paths.items() if isinstance(paths, dict) else ():
        item, item_pointer = deref(spec, item, join_pointer("paths", path))
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            raw = item.get(method)
            if isinstance(raw, dict) and admits(str(raw.get("operationId", "")), _tags(raw)):
                found.append(RawOperation(path, method, item, raw, item_pointer + "/" + method))
    return found


def schema_sites(spec: Spec, operations: Iterable[RawOperation]) -> Iterator[SchemaSite]:
    """The schemas the operations use in place, each with the class name it would get."""
    for op in operations:
        for parameter, at in _declared_parameters(spec, op):
            schema, schema_pointer = _parameter_schema(parameter, at)
            yield SchemaSite(schema, schema_pointer, op.prefix + pascal_case(parameter["name"]))
        body, at = deref(spec, op.raw.get("requestBody"), op.pointer + "/requestBody")
        if isinstance(body, dict):
            yield from _media_sites(body.get("content"), at + "/content", op.prefix + "Request")
        responses = op.raw.get("responses")
        for status, value in responses.items() if isinstance(responses, dict) else ():
            response, at = deref(
                spec, value, join_pointer(*split_pointer(op.pointer), "responses", status)
            )
            if isinstance(response, dict):
                hint = op.prefix + _response_suffix(str(status))
                yield from _media_sites(response.get("content"), at + "/content", hint)


def _media_sites(content: JsonValue, pointer: str, hint: str) -> Iterator[SchemaSite]:
    for content_type, media in content.items() if isinstance(content, dict) else ():
        if not isinstance(media, dict) or media.get("schema") is None:
            continue
        kind = media_kind(content_type)
        if kind in _TYPED_KINDS:
            event_hint = hint + "Event" if kind == "event-stream" else hint
            at = join_pointer(*split_pointer(pointer), content_type, "schema")
            yield SchemaSite(media["schema"], at, event_hint)


def _response_suffix(status: str) -> str:
    return "Response" if status in ("200", "201") else f"Response{pascal_case(status)}"


def _declared_parameters(spec: Spec, op: RawOperation) -> Iterator[tuple[dict[str, Any], str]]:
    """Every parameter object of the path item, then of the operation, resolved, with pointers."""
    sources = [(op.item.get("parameters"), op.item_pointer), (op.raw.get("parameters"), op.pointer)]
    for parameters, where in sources:
        for index, value in enumerate(parameters if isinstance(parameters, list) else ()):
            resolved, at = deref(spec, value, f"{where}/parameters/{index}")
            if isinstance(resolved, dict) and isinstance(resolved.get("name"), str):
                yield resolved, at


def _parameter_schema(raw: dict[str, Any], pointer: str) -> tuple[JsonValue, str]:
    """A parameter's schema: `schema`, or that of the first media type of its `content`."""
    content = raw.get("content")
    if raw.get("schema") is None and isinstance(content, dict) and content:
        media_type, media = next(iter(content.items()))
        schema = media.get("schema") if isinstance(media, dict) else None
        return schema, join_pointer(*split_pointer(pointer), "content", media_type, "schema")
    return raw.get("schema"), pointer + "/schema"


@dataclass
class OperationBuilder:
    """Builds the IR's operations; it collects warnings about what the spec leaves unsaid."""

    spec: Spec
    types: Types
    stream_terminators: Mapping[str, str]
    schemes: tuple[SecurityScheme, ...]
    params: ParamTypes
    warnings: list[str] = field(default_factory=list)

    @property
    def wire(self) -> Wire:
        return Wire(self.spec, self.types)

    def build(self, operations: list[RawOperation]) -> list[Operation]:
        handler_names = NameRegistry()
        built = [self._operation(op, handler_names) for op in operations]
        self._check_configured_terminators(built)
        return built

    def _operation(self, op: RawOperation, handler_names: NameRegistry) -> Operation:
        operation_id = op.operation_id
        if operation_id is None:
            operation_id = f"{op.method}_{op.path}"
            self.warnings.append(
                f"{self.spec.locate(op.pointer)}: no operationId; named {snake_case(operation_id)}"
            )
        name = handler_names.claim(snake_case(operation_id))
        if name != snake_case(operation_id):
            self.warnings.append(
                f"{self.spec.locate(op.pointer)}: operationId {operation_id!r} taken; named {name}"
            )
        parameters = self._parameters(op)
        parameters = self._add_undeclared_path_parameters(op, parameters)
        body = self._body(op.raw.get("requestBody"), op.pointer + "/requestBody")
        responses = self._responses(op.raw.get("responses"), op.pointer + "/responses")
        success = next((r for r in sorted(responses, key=_status_order) if r.is_success), None)
        stream = self._stream(body, success, self.stream_terminators.get(operation_id), parameters)
        if body is not None:
            body = replace(body, fields=self._body_fields(op, body, parameters, stream))
        security = self._security(op.raw)
        return Operation(
            operation_id=SpecText(operation_id),
            name=name,
            client_method=ClientMethod((), name),  # settled by resources.group
            method=op.method,
            path=SpecText(op.path),
            path_parts=path_parts(op.path, parameters),
            summary=text(op.raw.get("summary")),
            description=text(op.raw.get("description")),
            deprecated=op.raw.get("deprecated") is True,
            tags=tuple(SpecText(tag) for tag in _tags(op.raw)),
            parameters=parameters,
            body=body,
            responses=responses,
            result=_result(success, stream),
            success_status=success.status if success else "200",
            stream=stream,
            security=security,
            credentials=self._credentials(security),
            error_type=most_common(
                media.type
                for response in responses
                if not response.is_success
                for media in response.media
                if media.kind == "json"
            ),
        )

    # --- parameters ---------------------------------------------------------------------------

    def _parameters(self, op: RawOperation) -> tuple[Parameter, ...]:
        declared: dict[tuple[str, str], Parameter] = {}
        for raw, at in _declared_parameters(self.spec, op):
            declared[(raw["name"], str(raw.get("in")))] = self._parameter(raw, at)
        python_names = NameRegistry(METHOD_ARGUMENTS)
        claimed = [
            replace(parameter, python_name=python_names.claim(snake_case(parameter.name)))
            for parameter in declared.values()
        ]
        # Required parameters first, so that generated signatures need no defaults before them.
        claimed.sort(key=lambda p: (not p.required, p.location != "path"))
        query_names = [p.name for p in claimed if p.location == "query"]
        fixed = [SpecText(k) for k, _ in _fixed_query(op.path)]
        api_keys = [
            s.parameter_name for s in self.schemes if s.location == "query" and s.parameter_name
        ]
        return tuple(
            (
                replace(p, other_query_names=_unique(query_names + fixed + api_keys, but=p.name))
                if p.is_exploded_form_object
                else p
            )
            for p in claimed
        )

    def _parameter(self, raw: dict[str, Any], pointer: str) -> Parameter:
        location: ParameterLocation = raw.get("in", "query")
        schema, schema_pointer = _parameter_schema(raw, pointer)
        declared = self.types.of(schema, schema_pointer)
        resolved, _ = deref(self.spec, schema, schema_pointer) if schema else ({}, "")
        style = raw.get("style") or ("form" if location in ("query", "cookie") else "simple")
        return Parameter(
            name=SpecText(raw["name"]),
            python_name="",
            location=location,
            required=location == "path" or raw.get("required") is True,
            type=self.wire.plain_type(schema, schema_pointer) or declared,
            description=text(raw.get("description")),
            constraints=_constraints(resolved if isinstance(resolved, dict) else {}),
            style=str(style),
            explode=raw.get("explode", style == "form") is True,
            shape=self.wire.shape(schema, schema_pointer),
            json=schema is not None and "schema" not in raw,
            pointer=pointer,
        )

    def _add_undeclared_path_parameters(
        self, op: RawOperation, parameters: tuple[Parameter, ...]
    ) -> tuple[Parameter, ...]:
        declared = {p.name for p in parameters if p.location == "path"}
        missing = [name for name in PATH_TEMPLATE.findall(op.path) if name not in declared]
        if not missing:
            return parameters
        taken = NameRegistry(METHOD_ARGUMENTS | {p.python_name for p in parameters})
        added = []
        for name in missing:
            self.warnings.append(
                f"{self.spec.locate(op.pointer)}: path parameter {{{name}}} is not declared;"
                " taken as a string"
            )
            added.append(
                Parameter(SpecText(name), taken.claim(snake_case(name)), "path", True, STR)
            )
        return tuple(added) + parameters

    # --- bodies and responses -----------------------------------------------------------------

    def _body(self, raw: JsonValue, pointer: str) -> Body | None:
        if raw is None:
            return None
        resolved, at = deref(self.spec, raw, pointer)
        if not isinstance(resolved, dict):
            return None
        media = self._media(resolved.get("content"), at + "/content")
        if not media:
            return None
        declared = self._size_extension(resolved, at)
        media = tuple(replace(m, max_size=self._max_body_size(m, declared)) for m in media)
        return Body(resolved.get("required") is True, media, text(resolved.get("description")))

    def _max_body_size(self, media: MediaType, declared: int | None) -> int | None:
        """The most bytes the spec allows a body sent as `media`: its `x-max-body-size`, else the
        body's, else, for text and binary bodies, the schema's `maxLength` (characters of UTF-8
        text at most 4 bytes each); None when it says nothing (the app's limit holds)."""
        raw = value_at(self.spec, media.pointer)
        own = self._size_extension(raw, media.pointer) if isinstance(raw, dict) else None
        if own is not None or declared is not None:
            return own if own is not None else declared
        if media.kind not in ("text", "binary") or media.schema_pointer is None:
            return None
        schema, _ = deref(
            self.spec, value_at(self.spec, media.schema_pointer), media.schema_pointer
        )
        length = schema.get("maxLength") if isinstance(schema, dict) else None
        if not isinstance(length, int) or isinstance(length, bool) or length < 0:
            return None
        return length * UTF8_WIDTH if media.kind == "text" else length

    def _size_extension(self, raw: Mapping[str, Any], pointer: str) -> int | None:
        value = raw.get(MAX_BODY_SIZE)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        location = self.spec.locate(join_pointer(*split_pointer(pointer), MAX_BODY_SIZE))
        self.warnings.append(f"{location}: {MAX_BODY_SIZE} is not a positive integer; ignored")
        return None

    def _body_fields(
        self,
        op: RawOperation,
        body: Body,
        parameters: tuple[Parameter, ...],
        stream: Stream | None,
    ) -> tuple[BodyField, ...]:
        """The properties of an object body as keyword arguments (none for other bodies). The
        stream flag is left to the call's `stream=`; a name the call or a parameter has, or a
        keyword, gets a trailing `_` (`timeout_`)."""
        media = body.primary
        if media.kind not in ("json", "form", "multipart") or media.schema_pointer is None:
            return ()
        pointer = media.schema_pointer
        schema = value_at(self.spec, pointer)
        if not is_object_like(self.spec, schema, pointer):
            return ()
        declared = media.type
        stem = declared.class_name if isinstance(declared, ModelRef) else op.prefix + "Request"
        self.params.of(schema, pointer, stem)  # the whole body's TypedDict, for callers' own use
        taken = CALL_ARGUMENTS | {p.python_name for p in parameters}
        names = NameRegistry(taken)
        fields = []
        for prop in self.params.properties(schema, pointer):
            if stream is not None and prop.name == stream.flag_name:
                continue
            wanted = member_name(prop.name)
            argument = names.claim(wanted + "_" if wanted in taken else wanted)
            declared_type = self.params.of(prop.schema, prop.pointer, stem + pascal_case(prop.name))
            fields.append(
                BodyField(
                    name=SpecText(prop.name),
                    python_name=argument,
                    type=as_file_types(declared_type)
                    if media.kind == "multipart"
                    else declared_type,
                    required=prop.required,
                    description=self._description(prop.schema, prop.pointer),
                )
            )
        return tuple(fields)

    def _description(self, schema: JsonValue, pointer: str) -> SpecText | None:
        if isinstance(schema, dict) and isinstance(schema.get("description"), str):
            return SpecText(schema["description"])
        resolved, _ = deref(self.spec, schema, pointer) if schema is not None else (None, "")
        return text(resolved.get("description")) if isinstance(resolved, dict) else None

    def _responses(self, raw: JsonValue, pointer: str) -> tuple[Response, ...]:
        responses = []
        for status, value in raw.items() if isinstance(raw, dict) else ():
            resolved, at = deref(self.spec, value, join_pointer(*split_pointer(pointer), status))
            if not isinstance(resolved, dict):
                continue
            media = self._media(resolved.get("content"), at + "/content")
            headers = self._headers(resolved.get("headers"), at + "/headers")
            responses.append(
                Response(str(status), text(resolved.get("description")), media, headers)
            )
        return tuple(responses)

    def _media(self, content: JsonValue, pointer: str) -> tuple[MediaType, ...]:
        result = []
        for content_type, media in content.items() if isinstance(content, dict) else ():
            if not isinstance(media, dict):
                continue
            media_pointer = join_pointer(*split_pointer(pointer), content_type)
            kind = media_kind(content_type)
            schema = media.get("schema")
            typed = schema is not None and kind in _TYPED_KINDS
            result.append(
                MediaType(
                    content_type=SpecText(content_type),
                    kind=kind,
                    type=self.types.of(schema, media_pointer + "/schema") if typed else None,
                    schema_pointer=media_pointer + "/schema" if schema is not None else None,
                    pointer=media_pointer,
                    examples=tuple(self._examples(media, media_pointer)),
                    fields=(
                        self.wire.form_fields(media, media_pointer)
                        if kind in ("form", "multipart")
                        else ()
                    ),
                )
            )
        return tuple(result)

    def _examples(self, media: dict[str, Any], pointer: str) -> Iterator[Example]:
        if "example" in media:
            yield Example(SpecText("example"), pointer + "/example", media["example"])
        named = media.get("examples")
        for name, value in named.items() if isinstance(named, dict) else ():
            resolved, at = deref(
                self.spec, value, join_pointer(*split_pointer(pointer), "examples", name)
            )
            if isinstance(resolved, dict) and "value" in resolved:
                yield Example(
                    SpecText(name), at + "/value", resolved["value"], text(resolved.get("summary"))
                )

    def _headers(self, raw: JsonValue, pointer: str) -> tuple[Header, ...]:
        headers = []
        for name, value in raw.items() if isinstance(raw, dict) else ():
            resolved, at = deref(self.spec, value, join_pointer(*split_pointer(pointer), name))
            if isinstance(resolved, dict):
                schema = resolved.get("schema")
                declared = (
                    self.types.builtin(schema, at + "/schema") if isinstance(schema, dict) else None
                )
                headers.append(
                    Header(
                        SpecText(name),
                        declared or STR,
                        text(resolved.get("description")),
                        required=resolved.get("required") is True,
                    )
                )
        return tuple(headers)

    # --- streams ------------------------------------------------------------------------------

    def _stream(
        self,
        body: Body | None,
        success: Response | None,
        configured_terminator: str | None,
        parameters: tuple[Parameter, ...],
    ) -> Stream | None:
        media = success.media_of_kind("event-stream") if success else None
        if media is None:
            return None
        flag = self._stream_flag(body)
        raw_media = value_at(self.spec, media.pointer)
        terminator = (
            raw_media.get(STREAM_TERMINATOR_EXTENSION) if isinstance(raw_media, dict) else None
        )
        if not isinstance(terminator, str):
            terminator = configured_terminator
        flag_parameter = next(
            (
                p.name
                for p in parameters
                if flag is None
                and p.location == "query"
                and p.name == STREAM_FLAG_PROPERTY
                and p.type.or_none() == BOOL.or_none()
            ),
            None,
        )
        return Stream(
            chunk_type=media.payload_type,
            media=media,
            flag_name=SpecText(flag) if flag else None,
            flag_python_name=snake_case(flag) if flag else None,
            terminator=text(terminator),
            flag_parameter=flag_parameter,
        )

    def _stream_flag(self, body: Body | None) -> str | None:
        """The boolean body property that asks for a stream, when the body has one (its own or
        through `allOf`, as OpenAI's chat request has it)."""
        if body is None or body.primary.schema_pointer is None:
            return None
        pointer = body.primary.schema_pointer
        properties, _ = object_properties(self.spec, value_at(self.spec, pointer), pointer)
        return STREAM_FLAG_PROPERTY if STREAM_FLAG_PROPERTY in properties else None

    def _check_configured_terminators(self, operations: list[Operation]) -> None:
        streaming = {str(op.operation_id) for op in operations if op.stream is not None}
        for operation_id in sorted(set(self.stream_terminators) - streaming):
            self.warnings.append(
                f"stream_terminators: {operation_id!r} is not the operationId of an operation"
                " that answers with an event stream; its terminator is not used"
            )

    # --- security -----------------------------------------------------------------------------

    def _security(self, raw: dict[str, Any]) -> tuple[tuple[str, ...], ...]:
        requirements = raw.get("security", self.spec.document.get("security", []))
        if not isinstance(requirements, list):
            return ()
        return tuple(tuple(req) for req in requirements if isinstance(req, dict))

    def _credentials(self, security: tuple[tuple[str, ...], ...]) -> tuple[SecurityScheme, ...]:
        """The schemes a credential may come by, in the order the requirements name them."""
        by_name = {str(scheme.name): scheme for scheme in self.schemes}
        return tuple(
            by_name[name] for alternative in security for name in alternative if name in by_name
        )


# --- small pure helpers ---------------------------------------------------------------------------


def _tags(raw: Mapping[str, Any]) -> list[str]:
    tags = raw.get("tags")
    return [tag for tag in tags if isinstance(tag, str)] if isinstance(tags, list) else []


def text(value: object) -> SpecText | None:
    return SpecText(value) if isinstance(value, str) else None


def most_common(values: Iterable[TypeRef | None]) -> TypeRef | None:
    counts = Counter(value for value in values if value is not None)
    return counts.most_common(1)[0][0] if counts else None


def _unique(names: list[SpecText], *, but: str) -> tuple[SpecText, ...]:
    return tuple(dict.fromkeys(name for name in names if name != but))


def _fixed_query(path: str) -> list[tuple[str, str]]:
    return parse_qsl(path.partition("?")[2], keep_blank_values=True)


def _status_order(response: Response) -> tuple[int, str]:
    return (0 if response.status[0].isdigit() else 1, response.status)


def _download(success: Response) -> MediaType | None:
    """A success response offering a file (audio, an archive, a video) is a download, even when
    it also offers JSON that is just a string (OpenAI's `application/json: {type: string}` beside
    `application/zip`): structured JSON, a model or a list, still wins."""
    binary = next((m for m in success.media if m.kind == "binary"), None)
    if binary is None:
        return None
    structured = any(
        m.kind == "json" and m.type is not None and not m.type.is_any and m.type != STR
        for m in success.media
    )
    return None if structured else binary


def _result(success: Response | None, stream: Stream | None) -> Result:
    """What a plain call reads from the success response, how, and what it accepts."""
    media = None
    if success is not None and success.media:
        media = (
            _download(success)
            or next((m for m in success.media if m.kind == "json"), None)
            or next((m for m in success.media if m.kind != "event-stream"), None)
        )
    if media is None:
        return Result(None, "none", SpecText("*/*"))
    if media.kind == "binary" and success is not None:
        offered = [m.content_type for m in success.media if m.kind != "event-stream"]
        return Result(media, "binary", SpecText(", ".join(offered)))
    return Result(media, _parser(media), media.content_type)


def _parser(media: MediaType) -> ResultParser:
    if media.kind != "json":
        return "text" if media.kind == "text" else "binary"
    declared = media.type
    if declared is None or declared.is_any:
        return "json"
    if declared.is_model:
        return "model"
    return "json_string" if declared == STR else "typed_json"


def _constraints(schema: dict[str, Any]) -> Constraints:
    def number(key: str) -> float | None:
        value = schema.get(key)
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None

    def count(key: str) -> int | None:
        value = schema.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    return Constraints(
        pattern=text(schema.get("pattern")),
        min_length=count("minLength"),
        max_length=count("maxLength"),
        minimum=number("minimum"),
        maximum=number("maximum"),
    )


def path_parts(path: str, parameters: tuple[Parameter, ...]) -> tuple[PathPart, ...]:
    """The route path (what comes before a `?`) as literals and parameters."""
    route = path.split("?", 1)[0]
    by_name = {str(p.name): p for p in parameters if p.location == "path"}
    parts: list[PathPart] = []
    position = 0
    for match in PATH_TEMPLATE.finditer(route):
        if match.start() > position:
            parts.append(PathPart(literal=SpecText(route[position : match.start()])))
        parts.append(PathPart(parameter=by_name[match[1]]))
        position = match.end()
    if position < len(route):
        parts.append(PathPart(literal=SpecText(route[position:])))
    return tuple(parts)
