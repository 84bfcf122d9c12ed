"""Stage 2, analyse: turn a loaded spec into the IR that templates consume.

Names, types, streaming and error bodies are decided here, once, so that templates only print.
Schemas that an operation uses inline (a request body written in place, say) get a class of their
own with a stable name taken from the operationId, so that client and server can name their type.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from generator import __version__
from generator.errors import SpecError
from generator.ir import (
    Api,
    Body,
    ClientSettings,
    Constraints,
    Example,
    FormField,
    Header,
    MediaKind,
    MediaType,
    ModelSchema,
    Operation,
    Parameter,
    ParameterLocation,
    ParameterShape,
    PathPart,
    Response,
    SecurityScheme,
    Server,
    SpecText,
    Stamp,
    Stream,
)
from generator.load import JsonValue, Spec
from generator.naming import NameRegistry, class_name, pascal_case, snake_case
from generator.pointer import join_pointer, split_pointer
from generator.refs import deref, pointer_of_ref, value_at
from generator.walk import HTTP_METHODS

MODELS = "models"  # how client and server refer to the models module
# Keyword arguments every generated method takes besides the operation's own parameters.
METHOD_ARGUMENTS = frozenset(
    {"self", "body", "timeout", "extra_headers", "extra_query", "extra_body", "context", "request"}
    | {"content_type"}  # operations whose body has several media types take it
)
# A stream ends at a `data:` payload the spec names in `x-stream-terminator` (OpenAI-style APIs
# send `[DONE]`), or the configuration's `stream_terminators` names for the operation (for specs
# that say it only in prose, as OpenAI's own); without one, a stream ends with the connection.
STREAM_TERMINATOR_EXTENSION = "x-stream-terminator"
STREAM_FLAG_PROPERTY = "stream"  # the widespread convention: a boolean body property asks for SSE
_PATH_TEMPLATE_RE = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class Selection:
    """Which operations become methods and routes (the models always cover every schema)."""

    include_tags: frozenset[str] = frozenset()
    exclude_tags: frozenset[str] = frozenset()
    include_operations: frozenset[str] = frozenset()
    exclude_operations: frozenset[str] = frozenset()

    def admits(self, operation_id: str, tags: list[str]) -> bool:
        if self.include_operations and operation_id not in self.include_operations:
            return False
        if self.include_tags and not self.include_tags.intersection(tags):
            return False
        return operation_id not in self.exclude_operations and not self.exclude_tags.intersection(
            tags
        )


@dataclass(frozen=True)
class ClientOverrides:
    """The configuration's client defaults; None leaves the spec's (or the convention's) value."""

    base_url: str | None = None
    base_url_env: str | None = None
    token_env: str | None = None
    timeout: float = 600.0
    max_retries: int = 2


def analyse(
    spec: Spec,
    package: str,
    selection: Selection = Selection(),
    client: ClientOverrides = ClientOverrides(),
    options_sha256: str = "",
    stream_terminators: Mapping[str, str] | None = None,
) -> Api:
    """Build the IR of `spec` for a generated package called `package`. `stream_terminators`
    (operationId -> payload) gives the end of the event streams the spec describes only in prose."""
    analyser = _Analyser(spec, selection, dict(stream_terminators or {}))
    return analyser.api(package, client, options_sha256)


def text(value: object) -> SpecText | None:
    return SpecText(value) if isinstance(value, str) else None


@dataclass
class _Analyser:
    spec: Spec
    selection: Selection
    stream_terminators: dict[str, str] = field(default_factory=dict)
    classes: NameRegistry = field(default_factory=NameRegistry)
    class_of_pointer: dict[str, str] = field(default_factory=dict)
    models: list[ModelSchema] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def api(self, package: str, client: ClientOverrides, options_sha256: str) -> Api:
        document = self.spec.document
        info: dict[str, Any] = document["info"] if isinstance(document.get("info"), dict) else {}
        self._name_component_schemas()
        operations = self._operations()
        self._check_configured_terminators(operations)
        shared = _shared_path_parameters(operations)
        operations = [_mark_shared(operation, shared) for operation in operations]
        env_prefix = re.sub(r"[^A-Z0-9]+", "_", package.upper()).strip("_") or "API"
        servers = self._servers()
        return Api(
            package=package,
            title=SpecText(str(info.get("title", package))),
            version=SpecText(str(info.get("version", ""))),
            description=text(info.get("description")),
            servers=servers,
            operations=tuple(operations),
            security_schemes=self._security_schemes(),
            shared_parameters=tuple(p for p in operations[0].parameters if p.shared)
            if operations
            else (),
            error_annotation=_most_common(op.error_annotation for op in operations),
            models=tuple(self.models),
            env_prefix=env_prefix,
            stamp=Stamp(self.spec.path.name, self.spec.sha256, __version__, options_sha256),
            client=ClientSettings(
                base_url=SpecText(client.base_url)
                if client.base_url
                else _absolute_server(servers),
                base_url_env=SpecText(client.base_url_env or f"{env_prefix}_BASE_URL"),
                token_env=SpecText(client.token_env or f"{env_prefix}_TOKEN"),
                timeout=float(client.timeout),
                max_retries=client.max_retries,
            ),
            warnings=tuple(self.warnings),
        )

    # --- schemas and their Python types -------------------------------------------------------

    def _name_component_schemas(self) -> None:
        components = self.spec.document.get("components")
        schemas = components.get("schemas") if isinstance(components, dict) else None
        for name in schemas if isinstance(schemas, dict) else ():
            self._add_model(join_pointer("components", "schemas", name), class_name(name))

    def _add_model(self, pointer: str, wanted: str) -> str:
        name = self.classes.claim(wanted, separator="")
        self.class_of_pointer[pointer] = name
        self.models.append(ModelSchema(name, pointer))
        return name

    def annotation(self, schema: JsonValue, pointer: str, hint: str) -> str:
        """The Python type of a value of `schema`; an object schema written inline gets a class."""
        if not isinstance(schema, dict):
            return "Any"
        if "$ref" in schema:
            target = pointer_of_ref(schema["$ref"], self.spec, pointer + "/$ref")
            if target in self.class_of_pointer:
                return f"{MODELS}.{self.class_of_pointer[target]}"
            resolved, target = deref(self.spec, schema, pointer)
            return self.annotation(resolved, target, hint)
        if pointer in self.class_of_pointer:
            return f"{MODELS}.{self.class_of_pointer[pointer]}"
        simple = self._simple_annotation(schema, pointer, hint)
        if simple is not None:
            return simple
        return f"{MODELS}.{self._add_model(pointer, hint)}"

    def _simple_annotation(self, schema: dict[str, Any], pointer: str, hint: str) -> str | None:
        """Scalars and arrays of them map to builtins; anything with structure returns None."""
        if any(key in schema for key in ("properties", "allOf", "anyOf", "oneOf", "enum", "const")):
            return None
        declared = schema.get("type")
        types = declared if isinstance(declared, list) else [declared]
        nullable = "null" in types or schema.get("nullable") is True
        types = [t for t in types if t != "null"]
        if len(types) != 1:
            return "Any" if not types or types == [None] else None
        kind = types[0]
        if kind == "array":
            items = self.annotation(schema.get("items"), pointer + "/items", hint + "Item")
            base = f"list[{items}]"
        elif kind == "object":
            if schema.get("additionalProperties") in (None, True, {}):
                base = "dict[str, Any]"
            else:
                return None
        elif kind == "string":
            base = "bytes" if schema.get("format") == "binary" else "str"
        else:
            base = {"integer": "int", "number": "float", "boolean": "bool"}.get(str(kind), "Any")
        return f"{base} | None" if nullable and base != "Any" else base

    # --- operations ---------------------------------------------------------------------------

    def _operations(self) -> list[Operation]:
        paths = self.spec.document.get("paths")
        if not isinstance(paths, dict):
            return []
        method_names = NameRegistry()
        operations = []
        for path, item in paths.items():
            item_pointer = join_pointer("paths", path)
            item, item_pointer = deref(self.spec, item, item_pointer)
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                raw = item.get(method)
                if isinstance(raw, dict) and self._selected(raw):
                    pointer = item_pointer + "/" + method
                    operations.append(self._operation(path, method, item, pointer, method_names))
        return operations

    def _selected(self, raw: dict[str, Any]) -> bool:
        tags = [tag for tag in raw.get("tags", ()) if isinstance(tag, str)]
        return self.selection.admits(str(raw.get("operationId", "")), tags)

    def _operation(
        self, path: str, method: str, item: dict[str, Any], pointer: str, method_names: NameRegistry
    ) -> Operation:
        raw = item[method]
        operation_id = raw.get("operationId")
        if not isinstance(operation_id, str) or not operation_id:
            operation_id = f"{method}_{path}"
            self.warnings.append(
                f"{self.spec.locate(pointer)}: no operationId; named {snake_case(operation_id)}"
            )
        name = method_names.claim(snake_case(operation_id))
        if name != snake_case(operation_id):
            self.warnings.append(
                f"{self.spec.locate(pointer)}: operationId {operation_id!r} taken; named {name}"
            )
        prefix = pascal_case(operation_id)
        parameters = self._parameters(item, raw, pointer, prefix)
        parameters = self._add_undeclared_path_parameters(path, parameters, pointer)
        body = self._body(raw.get("requestBody"), pointer + "/requestBody", prefix)
        responses = self._responses(raw.get("responses"), pointer + "/responses", prefix)
        success = next((r for r in sorted(responses, key=_status_order) if r.is_success), None)
        stream = self._stream(body, success, self.stream_terminators.get(operation_id))
        return Operation(
            operation_id=SpecText(operation_id),
            name=name,
            method=method,
            path=SpecText(path),
            path_parts=_path_parts(path, parameters),
            summary=text(raw.get("summary")),
            description=text(raw.get("description")),
            deprecated=raw.get("deprecated") is True,
            tags=tuple(SpecText(tag) for tag in raw.get("tags", ()) if isinstance(tag, str)),
            parameters=parameters,
            body=body,
            responses=responses,
            result=_download_media(success) or _result_media(success),
            success_status=success.status if success else "200",
            stream=stream,
            security=self._security(raw),
            error_annotation=_most_common(
                media.annotation
                for response in responses
                if not response.is_success
                for media in response.media
                if media.kind == "json"
            ),
        )

    def _parameters(
        self, item: dict[str, Any], raw: dict[str, Any], pointer: str, prefix: str
    ) -> tuple[Parameter, ...]:
        item_pointer = pointer.rsplit("/", 1)[0]
        declared: dict[tuple[str, str], Parameter] = {}
        python_names = NameRegistry(METHOD_ARGUMENTS)
        sources = [(item.get("parameters"), item_pointer), (raw.get("parameters"), pointer)]
        for parameters, where in sources:
            for index, value in enumerate(parameters if isinstance(parameters, list) else ()):
                resolved, at = deref(self.spec, value, f"{where}/parameters/{index}")
                if not isinstance(resolved, dict) or not isinstance(resolved.get("name"), str):
                    continue
                key = (resolved["name"], str(resolved.get("in")))
                declared[key] = self._parameter(resolved, at, prefix, declared.get(key))
        claimed = []
        for parameter in declared.values():
            python_name = python_names.claim(snake_case(parameter.name))
            claimed.append(replace(parameter, python_name=python_name))
        # Required parameters first, so that generated signatures need no defaults before them.
        return tuple(sorted(claimed, key=lambda p: (not p.required, p.location != "path")))

    def _parameter(
        self, raw: dict[str, Any], pointer: str, prefix: str, overridden: Parameter | None
    ) -> Parameter:
        location: ParameterLocation = raw.get("in", "query")
        schema = raw.get("schema")
        if schema is None and isinstance(raw.get("content"), dict) and raw["content"]:
            media_type, media = next(iter(raw["content"].items()))
            schema = media.get("schema") if isinstance(media, dict) else None
            pointer_of_schema = pointer + "/content/" + media_type.replace("/", "~1") + "/schema"
        else:
            pointer_of_schema = pointer + "/schema"
        annotation = self.annotation(schema, pointer_of_schema, prefix + pascal_case(raw["name"]))
        annotation = self._plain_type(schema, pointer_of_schema) or annotation
        resolved_schema, _ = deref(self.spec, schema, pointer_of_schema) if schema else ({}, "")
        style = raw.get("style") or ("form" if location in ("query", "cookie") else "simple")
        return Parameter(
            name=SpecText(raw["name"]),
            python_name="",
            location=location,
            required=location == "path" or raw.get("required") is True,
            annotation=annotation,
            description=text(raw.get("description")),
            constraints=_constraints(resolved_schema if isinstance(resolved_schema, dict) else {}),
            style=str(style),
            explode=raw.get("explode", style == "form") is True,
            shape=self._shape(schema, pointer_of_schema),
            json=schema is not None and "schema" not in raw,
        )

    def _add_undeclared_path_parameters(
        self, path: str, parameters: tuple[Parameter, ...], pointer: str
    ) -> tuple[Parameter, ...]:
        declared = {p.name for p in parameters if p.location == "path"}
        missing = [name for name in _PATH_TEMPLATE_RE.findall(path) if name not in declared]
        if not missing:
            return parameters
        taken = NameRegistry(METHOD_ARGUMENTS | {p.python_name for p in parameters})
        added = []
        for name in missing:
            self.warnings.append(
                f"{self.spec.locate(pointer)}: path parameter {{{name}}} is not declared; taken as a string"
            )
            added.append(
                Parameter(SpecText(name), taken.claim(snake_case(name)), "path", True, "str")
            )
        return tuple(added) + parameters

    def _body(self, raw: JsonValue, pointer: str, prefix: str) -> Body | None:
        if raw is None:
            return None
        resolved, at = deref(self.spec, raw, pointer)
        if not isinstance(resolved, dict):
            return None
        media = self._media(resolved.get("content"), at + "/content", prefix + "Request")
        if not media:
            return None
        return Body(resolved.get("required") is True, media, text(resolved.get("description")))

    def _responses(self, raw: JsonValue, pointer: str, prefix: str) -> tuple[Response, ...]:
        if not isinstance(raw, dict):
            return ()
        responses = []
        for status, value in raw.items():
            resolved, at = deref(self.spec, value, join_pointer(*_tokens(pointer), status))
            if not isinstance(resolved, dict):
                continue
            suffix = "Response" if status in ("200", "201") else f"Response{pascal_case(status)}"
            media = self._media(resolved.get("content"), at + "/content", prefix + suffix)
            headers = self._headers(resolved.get("headers"), at + "/headers")
            responses.append(
                Response(str(status), text(resolved.get("description")), media, headers)
            )
        return tuple(responses)

    def _media(self, content: JsonValue, pointer: str, hint: str) -> tuple[MediaType, ...]:
        if not isinstance(content, dict):
            return ()
        result = []
        for content_type, media in content.items():
            if not isinstance(media, dict):
                continue
            media_pointer = join_pointer(*_tokens(pointer), content_type)
            kind = media_kind(content_type)
            schema = media.get("schema")
            schema_pointer = media_pointer + "/schema" if schema is not None else None
            event_hint = hint + "Event" if kind == "event-stream" else hint
            annotation = (
                self.annotation(schema, media_pointer + "/schema", event_hint)
                if schema is not None and kind in ("json", "event-stream", "form", "multipart")
                else None
            )
            examples = tuple(self._examples(media, media_pointer))
            result.append(
                MediaType(
                    SpecText(content_type),
                    kind,
                    annotation,
                    schema_pointer,
                    examples,
                    self._form_fields(media, media_pointer)
                    if kind in ("form", "multipart")
                    else (),
                )
            )
        return tuple(result)

    def _examples(self, media: dict[str, Any], pointer: str) -> Iterator[Example]:
        if "example" in media:
            yield Example(SpecText("example"), pointer + "/example", media["example"])
        named = media.get("examples")
        for name, value in named.items() if isinstance(named, dict) else ():
            resolved, at = deref(
                self.spec, value, join_pointer(*_tokens(pointer), "examples", name)
            )
            if isinstance(resolved, dict) and "value" in resolved:
                yield Example(
                    SpecText(name), at + "/value", resolved["value"], text(resolved.get("summary"))
                )

    def _headers(self, raw: JsonValue, pointer: str) -> tuple[Header, ...]:
        headers = []
        for name, value in raw.items() if isinstance(raw, dict) else ():
            resolved, at = deref(self.spec, value, join_pointer(*_tokens(pointer), name))
            if isinstance(resolved, dict):
                schema = resolved.get("schema")
                annotation = (
                    self._simple_annotation(schema, at + "/schema", "")
                    if isinstance(schema, dict)
                    else None
                )
                headers.append(
                    Header(SpecText(name), annotation or "str", text(resolved.get("description")))
                )
        return tuple(headers)

    def _check_configured_terminators(self, operations: list[Operation]) -> None:
        streaming = {str(op.operation_id) for op in operations if op.stream is not None}
        for operation_id in sorted(set(self.stream_terminators) - streaming):
            self.warnings.append(
                f"stream_terminators: {operation_id!r} is not the operationId of an operation"
                " that answers with an event stream; its terminator is not used"
            )

    def _stream(
        self, body: Body | None, success: Response | None, configured_terminator: str | None
    ) -> Stream | None:
        media = success.media_of_kind("event-stream") if success else None
        if media is None:
            return None
        flag = self._stream_flag(body)
        raw_media = (
            self._raw(media.schema_pointer.rsplit("/", 1)[0]) if media.schema_pointer else None
        )
        terminator = (
            raw_media.get(STREAM_TERMINATOR_EXTENSION) if isinstance(raw_media, dict) else None
        )
        if not isinstance(terminator, str):
            terminator = configured_terminator
        return Stream(
            chunk_annotation=media.annotation or "Any",
            media=media,
            flag_name=SpecText(flag) if flag else None,
            flag_python_name=snake_case(flag) if flag else None,
            terminator=text(terminator),
        )

    def _stream_flag(self, body: Body | None) -> str | None:
        """The boolean body property that asks for a stream, when the body has one."""
        if body is None or body.primary.schema_pointer is None:
            return None
        schema, _ = deref(
            self.spec, self._raw(body.primary.schema_pointer), body.primary.schema_pointer
        )
        properties = schema.get("properties") if isinstance(schema, dict) else None
        return (
            STREAM_FLAG_PROPERTY
            if isinstance(properties, dict) and STREAM_FLAG_PROPERTY in properties
            else None
        )

    def _security(self, raw: dict[str, Any]) -> tuple[tuple[str, ...], ...]:
        requirements = raw.get("security", self.spec.document.get("security", []))
        if not isinstance(requirements, list):
            return ()
        return tuple(tuple(req) for req in requirements if isinstance(req, dict))

    def _security_schemes(self) -> tuple[SecurityScheme, ...]:
        components = self.spec.document.get("components")
        schemes = components.get("securitySchemes") if isinstance(components, dict) else None
        result = []
        for name, value in schemes.items() if isinstance(schemes, dict) else ():
            scheme, _ = deref(self.spec, value, join_pointer("components", "securitySchemes", name))
            if isinstance(scheme, dict):
                result.append(_security_scheme(name, scheme))
        return tuple(result)

    def _servers(self) -> tuple[Server, ...]:
        servers = self.spec.document.get("servers")
        return (
            tuple(
                Server(SpecText(server["url"]), text(server.get("description")))
                for server in servers
                if isinstance(servers, list)
                for server in [server]
                if isinstance(server, dict) and isinstance(server.get("url"), str)
            )
            if isinstance(servers, list)
            else ()
        )

    def _raw(self, pointer: str) -> JsonValue:
        return value_at(self.spec, pointer)

    # --- what values look like on the wire (parameters, form fields) --------------------------

    def _alternatives(
        self, schema: JsonValue, pointer: str, depth: int = 0
    ) -> list[dict[str, Any]]:
        """The schemas a value may match, `$ref`s, `allOf` wrappers of one schema, `anyOf` and
        `oneOf` flattened; `null` left out."""
        if not isinstance(schema, dict) or depth > 8:
            return []
        schema, pointer = deref(self.spec, schema, pointer)
        if not isinstance(schema, dict):
            return []
        for key in ("anyOf", "oneOf"):
            if isinstance(schema.get(key), list) and "type" not in schema:
                return [
                    alternative
                    for index, member in enumerate(schema[key])
                    for alternative in self._alternatives(
                        member, f"{pointer}/{key}/{index}", depth + 1
                    )
                ]
        members = schema.get("allOf")
        if isinstance(members, list) and len(members) == 1 and "type" not in schema:
            return self._alternatives(members[0], pointer + "/allOf/0", depth + 1)
        declared = schema.get("type")
        if declared == "null" or (isinstance(declared, list) and set(declared) == {"null"}):
            return []
        return [schema]

    def _plain_type(self, schema: JsonValue, pointer: str, depth: int = 0) -> str | None:
        """A parameter's type without a model class where a builtin says it as well: an enum is
        a `Literal` (callers pass `"asc"`, not `models.Order("asc")`), an open enum `str`, a map
        of strings `dict[str, str]`, an array of them a list; None for anything else."""
        alternatives = self._alternatives(schema, pointer)
        if not alternatives or depth > 4:
            return None
        if len(alternatives) > 1:
            plain = [self._plain_type(a, pointer, depth + 1) for a in alternatives]
            text_like = all(p == "str" or (p or "").startswith("Literal[") for p in plain)
            return "str" if text_like and "str" in plain else None
        chosen = alternatives[0]
        values = chosen.get("enum", [chosen["const"]] if "const" in chosen else None)
        if isinstance(values, list):
            literals = [v for v in values if isinstance(v, str | int) and not isinstance(v, bool)]
            if not literals or len(literals) != len([v for v in values if v is not None]):
                return None
            return "Literal[" + ", ".join(repr(v) for v in dict.fromkeys(literals)) + "]"
        if _is_type(chosen, "array"):
            items = self._plain_type(chosen.get("items"), pointer + "/items", depth + 1)
            return f"list[{items}]" if items else None
        extra = chosen.get("additionalProperties")
        if _is_object(chosen) and not chosen.get("properties") and isinstance(extra, dict):
            values_type = self._simple_annotation(extra, pointer, "") if extra else None
            return f"dict[str, {values_type}]" if values_type in ("str", "int", "float") else None
        if "$ref" in (schema if isinstance(schema, dict) else {}) and not _is_object(chosen):
            return self._simple_annotation(chosen, pointer, "")
        return None

    def _shape(self, schema: JsonValue, pointer: str) -> ParameterShape:
        alternatives = self._alternatives(schema, pointer)
        if alternatives and all(_is_type(a, "array") for a in alternatives):
            return "array"
        if alternatives and all(_is_object(a) for a in alternatives):
            return "object"
        return "scalar"

    def _form_fields(self, media: dict[str, Any], pointer: str) -> tuple[FormField, ...]:
        """The properties of a form or multipart body, each as its parts carry it."""
        properties: dict[str, tuple[JsonValue, str]] = {}
        for schema in self._alternatives(media.get("schema"), pointer + "/schema"):
            parts = [schema, *(s for s in schema.get("allOf", ()) if isinstance(s, dict))]
            for index, part in enumerate(parts):
                part, at = deref(self.spec, part, pointer) if index else (part, pointer)
                found = part.get("properties") if isinstance(part, dict) else None
                for name, value in found.items() if isinstance(found, dict) else ():
                    properties.setdefault(name, (value, at + "/properties/" + _escape(name)))
        encoding = media.get("encoding") if isinstance(media.get("encoding"), dict) else {}
        fields = []
        for name, (value, at) in properties.items():
            alternatives = self._alternatives(value, at)
            items = [
                item
                for a in alternatives
                if _is_type(a, "array")
                for item in self._alternatives(a.get("items"), at + "/items")
            ]
            singles = [a for a in alternatives if not _is_type(a, "array")]
            part_encoding = encoding.get(name) if isinstance(encoding, dict) else None
            fields.append(
                FormField(
                    name=SpecText(name),
                    file=any(_is_binary(s) for s in singles + items),
                    array=bool(alternatives) and not singles,
                    json=any(_is_object(s) for s in singles + items),
                    content_type=text(part_encoding.get("contentType"))
                    if isinstance(part_encoding, dict)
                    else None,
                )
            )
        return tuple(fields)


# --- small pure helpers ---------------------------------------------------------------------------


def _is_type(schema: dict[str, Any], kind: str) -> bool:
    declared = schema.get("type")
    return declared == kind or (isinstance(declared, list) and kind in declared)


def _is_object(schema: dict[str, Any]) -> bool:
    return _is_type(schema, "object") or (
        "type" not in schema and ("properties" in schema or "additionalProperties" in schema)
    )


def _is_binary(schema: dict[str, Any]) -> bool:
    """A file: `format: binary` (3.0), or a string with a non-text `contentMediaType` (3.1)."""
    if not _is_type(schema, "string") and "type" in schema:
        return False
    if schema.get("format") == "binary":
        return True
    media = schema.get("contentMediaType")
    return (
        isinstance(media, str) and "contentEncoding" not in schema and media_kind(media) == "binary"
    )


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _download_media(success: Response | None) -> MediaType | None:
    """A success response offering a file (audio, an archive, a video) is a download, even when
    it also offers JSON that is just a string (OpenAI's `application/json: {type: string}` beside
    `application/zip`): structured JSON, a model or a list, still wins."""
    if success is None:
        return None
    binary = next((m for m in success.media if m.kind == "binary"), None)
    if binary is None:
        return None
    structured = any(
        m.kind == "json" and m.annotation not in (None, "Any", "str") for m in success.media
    )
    return None if structured else binary


def _absolute_server(servers: tuple[Server, ...]) -> SpecText | None:
    """The first server URL a client can use as it is (a relative one needs a host first)."""
    return next((server.url for server in servers if "://" in server.url), None)


def media_kind(content_type: str) -> MediaKind:
    essence = content_type.split(";", 1)[0].strip().lower()
    if essence == "text/event-stream":
        return "event-stream"
    if essence == "application/json" or essence.endswith("+json"):
        return "json"
    if essence == "application/x-www-form-urlencoded":
        return "form"
    if essence.startswith("multipart/"):
        return "multipart"
    if essence.startswith("text/"):
        return "text"
    return "binary"


def _security_scheme(name: str, scheme: dict[str, Any]) -> SecurityScheme:
    kind = scheme.get("type")
    if kind == "http":
        http_scheme = str(scheme.get("scheme", "")).lower()
        return SecurityScheme(SpecText(name), "basic" if http_scheme == "basic" else "bearer")
    if kind == "apiKey":
        location: ParameterLocation = (
            scheme["in"] if scheme.get("in") in ("header", "query", "cookie") else "header"
        )
        return SecurityScheme(SpecText(name), "api_key", location, text(scheme.get("name")))
    if kind == "openIdConnect":
        return SecurityScheme(SpecText(name), "openid")
    return SecurityScheme(SpecText(name), "oauth2")


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


def _path_parts(path: str, parameters: tuple[Parameter, ...]) -> tuple[PathPart, ...]:
    python_name = {str(p.name): p.python_name for p in parameters if p.location == "path"}
    parts: list[PathPart] = []
    position = 0
    for match in _PATH_TEMPLATE_RE.finditer(path):
        if match.start() > position:
            parts.append(PathPart(literal=SpecText(path[position : match.start()])))
        parts.append(PathPart(parameter=python_name[match[1]]))
        position = match.end()
    if position < len(path):
        parts.append(PathPart(literal=SpecText(path[position:])))
    return tuple(parts)


def _shared_path_parameters(operations: list[Operation]) -> set[str]:
    """Path parameters every operation takes, with one meaning: the client can hold them."""
    if not operations:
        return set()
    common = {(p.name, p.python_name, p.annotation) for p in operations[0].path_parameters}
    for operation in operations[1:]:
        common &= {(p.name, p.python_name, p.annotation) for p in operation.path_parameters}
    return {name for name, _, _ in common}


def _mark_shared(operation: Operation, shared: set[str]) -> Operation:
    if not shared:
        return operation
    parameters = tuple(
        replace(p, shared=True) if p.location == "path" and p.name in shared else p
        for p in operation.parameters
    )
    # Shared parameters have a client-level default, so they move behind the ones that do not.
    ordered = tuple(
        sorted(parameters, key=lambda p: (p.shared or not p.required, p.location != "path"))
    )
    return replace(operation, parameters=ordered)


def _result_media(success: Response | None) -> MediaType | None:
    if success is None or not success.media:
        return None
    return next((m for m in success.media if m.kind == "json"), None) or next(
        (m for m in success.media if m.kind != "event-stream"), None
    )


def _status_order(response: Response) -> tuple[int, str]:
    return (0 if response.status[0].isdigit() else 1, response.status)


def _most_common(values: Iterator[str | None] | Any) -> str | None:
    counts = Counter(value for value in values if value)
    return counts.most_common(1)[0][0] if counts else None


def _tokens(pointer: str) -> list[str]:
    return split_pointer(pointer)


def check_unique_operation_ids(spec: Spec) -> None:
    """Two operations with one operationId cannot both become methods: unusable input."""
    seen: dict[str, str] = {}
    paths = spec.document.get("paths")
    for path, item in paths.items() if isinstance(paths, dict) else ():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            operation_id = operation.get("operationId") if isinstance(operation, dict) else None
            if isinstance(operation_id, str):
                pointer = join_pointer("paths", path, method, "operationId")
                if operation_id in seen:
                    message = f"operationId {operation_id!r} is also used at {spec.locate(seen[operation_id])}"
                    raise SpecError(message, spec.locate(pointer))
                seen[operation_id] = pointer
