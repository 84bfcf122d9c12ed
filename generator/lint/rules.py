"""The lint rules. Each is a function from a loaded spec to the findings it has to report."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator, OAS31Validator
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from generator.errors import SpecError
from generator.lint import Finding, Rule, Severity
from generator.load import JsonValue, Spec, join_pointer, split_pointer
from generator.refs import deref

_SPEC_URI = "urn:specsmith:spec"  # the name the whole document goes by inside the validator
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Schema keywords whose values are schemas, and those whose values are maps or lists of schemas.
_SUBSCHEMA = (
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
)
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")


def structure(spec: Spec) -> Iterator[Finding]:
    """oas-schema: the document is valid against the OpenAPI meta-schema of its version."""
    validator_class = (
        OpenAPIV30SpecValidator if spec.openapi_version == (3, 0) else OpenAPIV31SpecValidator
    )
    errors = validator_class(spec.document).iter_errors()
    while True:
        try:
            error = next(errors)
        except StopIteration:
            return
        except Exception as crash:  # it raises on some broken documents instead of reporting them
            message = f"openapi-spec-validator stopped: {type(crash).__name__}: {crash}"
            yield Finding(
                "oas-schema", Severity.ERROR, spec.locate(""), _message(ValidationError(message))
            )
            return
        pointer = join_pointer(*getattr(error, "absolute_path", ()))
        yield Finding("oas-schema", Severity.ERROR, spec.locate(pointer), _message(error))


def examples(spec: Spec) -> Iterator[Finding]:
    """example-valid: every example, named example and schema default validates against its schema."""
    errors_of = _validator(spec)
    for value, value_pointer, schema_pointer, each_item in _examples_with_schemas(spec):
        values = (
            list(enumerate(value)) if each_item and isinstance(value, list) else [(None, value)]
        )
        for index, item in values:
            at = value_pointer if index is None else f"{value_pointer}/{index}"
            for error in errors_of(item, schema_pointer):
                where = at + join_pointer(*error.absolute_path)
                message = f"example does not match #{schema_pointer}: {_message(error)}"
                yield Finding("example-valid", Severity.ERROR, spec.locate(where), message)


RULES: tuple[Rule, ...] = (structure, examples)


# --- where examples are --------------------------------------------------------------------------


def _examples_with_schemas(spec: Spec) -> Iterator[tuple[JsonValue, str, str, bool]]:
    """(example value, its pointer, its schema's pointer, whether the value lists stream events)."""
    document = spec.document
    for path, item in _items(document.get("paths")):
        for method, operation in _items(item):
            if method not in HTTP_METHODS:
                continue
            base = join_pointer("paths", path, method)
            for index, parameter in enumerate(_list(operation.get("parameters"))):
                yield from _owner_examples(
                    spec, parameter, f"{base}/parameters/{index}", stream=False
                )
            yield from _content_examples(spec, operation.get("requestBody"), base + "/requestBody")
            for status, response in _items(operation.get("responses")):
                yield from _content_examples(
                    spec, response, join_pointer("paths", path, method, "responses", status)
                )
    components: dict[str, Any] = (
        document["components"] if isinstance(document.get("components"), dict) else {}
    )
    for name, parameter in _items(components.get("parameters")):
        yield from _owner_examples(
            spec, parameter, join_pointer("components", "parameters", name), stream=False
        )
    for kind in ("requestBodies", "responses"):
        for name, owner in _items(components.get(kind)):
            yield from _content_examples(spec, owner, join_pointer("components", kind, name))
    for name, header in _items(components.get("headers")):
        yield from _owner_examples(
            spec, header, join_pointer("components", "headers", name), stream=False
        )
    for name, schema in _items(components.get("schemas")):
        yield from _schema_examples(schema, join_pointer("components", "schemas", name))


def _content_examples(
    spec: Spec, owner: JsonValue, pointer: str
) -> Iterator[tuple[JsonValue, str, str, bool]]:
    if not isinstance(owner, dict):
        return
    for content_type, media in _items(owner.get("content")):
        stream = content_type.split(";")[0].strip().lower() == "text/event-stream"
        yield from _owner_examples(
            spec, media, join_pointer(*_tokens(pointer), "content", content_type), stream
        )
    for name, header in _items(owner.get("headers")):
        yield from _owner_examples(
            spec, header, join_pointer(*_tokens(pointer), "headers", name), stream=False
        )


def _owner_examples(
    spec: Spec, owner: JsonValue, pointer: str, stream: bool
) -> Iterator[tuple[JsonValue, str, str, bool]]:
    """Examples of a media type, parameter or header, against its `schema`."""
    if not isinstance(owner, dict) or not isinstance(owner.get("schema"), dict):
        return
    schema_pointer = pointer + "/schema"
    if "example" in owner:
        yield owner["example"], pointer + "/example", schema_pointer, stream
    for name, example in _items(owner.get("examples")):
        example, at = _deref_quietly(
            spec, example, join_pointer(*_tokens(pointer), "examples", name)
        )
        if isinstance(example, dict) and "value" in example:
            yield example["value"], at + "/value", schema_pointer, stream


def _schema_examples(schema: JsonValue, pointer: str) -> Iterator[tuple[JsonValue, str, str, bool]]:
    stack = [(schema, pointer)]
    while stack:
        node, at = stack.pop()
        if not isinstance(node, dict):
            continue
        if "example" in node:
            yield node["example"], at + "/example", at, False
        for index, value in enumerate(_list(node.get("examples"))):
            yield value, f"{at}/examples/{index}", at, False
        if "default" in node and not _nullable_default(node):
            yield node["default"], at + "/default", at, False
        stack.extend(
            (node[key], f"{at}/{key}") for key in _SUBSCHEMA if isinstance(node.get(key), dict)
        )
        for key in _SUBSCHEMA_MAPS:
            stack.extend(
                (value, join_pointer(*_tokens(at), key, name))
                for name, value in _items(node.get(key))
            )
        for key in _SUBSCHEMA_LISTS:
            stack.extend(
                (value, f"{at}/{key}/{index}") for index, value in enumerate(_list(node.get(key)))
            )


def _nullable_default(schema: dict[str, Any]) -> bool:
    """`default: null` on a 3.0-style nullable schema is fine; the 3.1 validator cannot know that."""
    return schema.get("default") is None and schema.get("nullable") is True


# --- validation ----------------------------------------------------------------------------------


def _validator(spec: Spec) -> Callable[[JsonValue, str], list[ValidationError]]:
    """A function listing every way a value fails the schema at a pointer of this spec."""
    validator_class = OAS30Validator if spec.openapi_version == (3, 0) else OAS31Validator
    resource = Resource.from_contents(spec.document, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)

    def errors_of(value: JsonValue, schema_pointer: str) -> list[ValidationError]:
        ref = _SPEC_URI + "#" + quote(schema_pointer, safe="/~")  # `{` is not allowed in a URI
        validator = validator_class({"$ref": ref}, registry=registry)
        try:
            return list(validator.iter_errors(value))
        except (Unresolvable, RecursionError) as error:
            return [ValidationError(f"the schema cannot be used: {type(error).__name__}")]

    return errors_of


def _message(error: ValidationError) -> str:
    message = " ".join(str(error.message).split()).split(" Failed validating ")[0]
    return message if len(message) <= 200 else message[:197] + "..."


def _items(value: JsonValue) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        yield from ((key, item) for key, item in value.items() if isinstance(item, dict))


def _list(value: JsonValue) -> list[Any]:
    return value if isinstance(value, list) else []


def _tokens(pointer: str) -> list[str]:
    return split_pointer(pointer)


def _deref_quietly(spec: Spec, value: JsonValue, pointer: str) -> tuple[Any, str]:
    """Follow `$ref`s; a broken one is another rule's finding, so here it just yields nothing."""
    try:
        return deref(spec, value, pointer)
    except SpecError:
        return None, pointer
