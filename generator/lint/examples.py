"""example-valid: every example, named example and schema default validates against its schema.

All errors of every example are reported, each at the place in the example that is wrong. An
example of a `text/event-stream` body that is a list is taken as the list of its events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator, OAS31Validator
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from generator import walk
from generator.errors import SpecError
from generator.lint.registry import Problem, Severity, rule
from generator.load import JsonValue, Spec
from generator.pointer import join_pointer, split_pointer
from generator.refs import deref

_SPEC_URI = "urn:specsmith:spec"  # the name the whole document goes by inside the validator


@rule(
    "example-valid",
    Severity.ERROR,
    "every example, named example and schema default matches its schema",
)
def examples_match_their_schemas(spec: Spec) -> Iterator[Problem]:
    errors_of = _validator(spec)
    for value, value_pointer, schema_pointer, each_item in _examples(spec):
        values = (
            list(enumerate(value)) if each_item and isinstance(value, list) else [(None, value)]
        )
        for index, item in values:
            at = value_pointer if index is None else f"{value_pointer}/{index}"
            for error in errors_of(item, schema_pointer):
                message = f"example does not match #{schema_pointer}: {_short(error)}"
                yield at + join_pointer(*error.absolute_path), message


def default_problems(spec: Spec) -> Iterator[Problem]:
    """Every way a schema's `default` fails the schema (what generate leaves out of the models)."""
    errors_of = _validator(spec)
    for schema, pointer in walk.schemas(spec.document):
        if "default" in schema and not _null_default_of_nullable(schema):
            for error in errors_of(schema["default"], pointer):
                yield pointer + "/default" + join_pointer(*error.absolute_path), _short(error)


def _null_default_of_nullable(schema: dict[str, Any]) -> bool:
    return schema["default"] is None and schema.get("nullable") is True  # 3.0 allows it


def _short(error: ValidationError) -> str:
    message = " ".join(str(error.message).split())
    return message if len(message) <= 200 else message[:197] + "..."


Example = tuple[JsonValue, str, str, bool]  # value, its pointer, its schema's pointer, lists events


def _examples(spec: Spec) -> Iterator[Example]:
    document = spec.document
    components = document.get("components") if isinstance(document.get("components"), dict) else {}
    for name, parameter in walk.items(components.get("parameters")):  # type: ignore[union-attr]
        yield from _owner_examples(
            spec, parameter, join_pointer("components", "parameters", name), False
        )
    for name, header in walk.items(components.get("headers")):  # type: ignore[union-attr]
        yield from _owner_examples(spec, header, join_pointer("components", "headers", name), False)
    for kind in ("requestBodies", "responses"):
        for name, owner in walk.items(components.get(kind)):  # type: ignore[union-attr]
            yield from _content_examples(spec, owner, join_pointer("components", kind, name))
    for path, item in walk.items(document.get("paths")):
        for index, parameter in enumerate(_list(item.get("parameters"))):
            yield from _owner_examples(
                spec, parameter, join_pointer("paths", path, "parameters", index), False
            )
    for at in walk.operations(document):
        for index, parameter in enumerate(_list(at.operation.get("parameters"))):
            yield from _owner_examples(spec, parameter, f"{at.pointer}/parameters/{index}", False)
        yield from _content_examples(
            spec, at.operation.get("requestBody"), at.pointer + "/requestBody"
        )
        for status, response in walk.items(at.operation.get("responses")):
            yield from _content_examples(
                spec, response, join_pointer(*split_pointer(at.pointer), "responses", status)
            )
    for schema, pointer in walk.schemas(document):
        if "example" in schema:
            yield schema["example"], pointer + "/example", pointer, False
        for index, value in enumerate(_list(schema.get("examples"))):
            yield value, f"{pointer}/examples/{index}", pointer, False
        if "default" in schema and not _null_default_of_nullable(schema):
            yield schema["default"], pointer + "/default", pointer, False


def _content_examples(spec: Spec, owner: JsonValue, pointer: str) -> Iterator[Example]:
    if not isinstance(owner, dict):
        return
    for content_type, media in walk.items(owner.get("content")):
        stream = content_type.split(";")[0].strip().lower() == "text/event-stream"
        yield from _owner_examples(
            spec, media, join_pointer(*split_pointer(pointer), "content", content_type), stream
        )
    for name, header in walk.items(owner.get("headers")):
        yield from _owner_examples(
            spec, header, join_pointer(*split_pointer(pointer), "headers", name), False
        )


def _owner_examples(spec: Spec, owner: JsonValue, pointer: str, stream: bool) -> Iterator[Example]:
    """The examples of a media type, parameter or header, against its `schema`."""
    if not isinstance(owner, dict) or not isinstance(owner.get("schema"), dict):
        return
    schema_pointer = pointer + "/schema"
    if "example" in owner:
        yield owner["example"], pointer + "/example", schema_pointer, stream
    for name, example in walk.items(owner.get("examples")):
        try:
            example, at = deref(
                spec, example, join_pointer(*split_pointer(pointer), "examples", name)
            )
        except SpecError:
            continue  # a broken $ref is ref-resolves' finding
        if isinstance(example, dict) and "value" in example:
            yield example["value"], at + "/value", schema_pointer, stream


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


def _list(value: JsonValue) -> list[Any]:
    return value if isinstance(value, list) else []
