"""The `default`s that fail their schema, by openapi-schema-validator: what `generate` leaves out.

`generate` decides with this (through `tolerate`) which defaults the models drop; it stays on the
reference validator of OpenAPI's dialects, apart from lint's faster example check, so that what is
generated does not change with lint's engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from generator.load import JsonValue, Spec
from generator.pointer import join_pointer

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_SPEC_URI = "urn:specsmith:spec"  # the name the whole document goes by inside the validator


def default_problems(spec: Spec) -> Iterator[tuple[str, str]]:
    """Every way a schema's `default` fails the schema (what generate leaves out of the models)."""
    # Made at the first default that needs it: the validator's import (jsonschema and
    # openapi-schema-validator, which brings pydantic-settings) is a third of a second, more than
    # the rest of a small spec's load, and most defaults are plainly valid.
    errors_of = None
    for schema, pointer in spec.schema_objects:
        if "default" in schema and not (
            _null_default_of_nullable(schema) or plainly_valid_default(schema)
        ):
            errors_of = errors_of or _validator(spec)
            for error in errors_of(schema["default"], pointer):
                yield pointer + "/default" + join_pointer(*error.absolute_path), _short(error)


def _null_default_of_nullable(schema: dict[str, Any]) -> bool:
    return schema["default"] is None and schema.get("nullable") is True  # 3.0 allows it


# Keywords that never make a value invalid (annotations, and formats: the validator is made
# without a format checker; `default_format_problems` checks them as the models do).
_ANNOTATIONS = frozenset(
    {
        "default", "description", "title", "example", "examples", "deprecated", "readOnly",
        "writeOnly", "format", "$comment", "externalDocs", "xml", "contentMediaType",
        "contentEncoding", "nullable",
    }
)  # fmt: skip
_NUMBERS = frozenset({"integer", "number"})
# Each bound: the kinds of value it applies to (it says nothing of others), and whether it is
# a least one. Strings are measured in code points, as JSON Schema and Python's `len` count.
_BOUNDS: dict[str, tuple[frozenset[str], bool]] = {
    "minimum": (_NUMBERS, True),
    "maximum": (_NUMBERS, False),
    "minLength": (frozenset({"string"}), True),
    "maxLength": (frozenset({"string"}), False),
    "minItems": (frozenset({"array"}), True),
    "maxItems": (frozenset({"array"}), False),
}
_PLAIN_KEYWORDS = frozenset({"type", "enum", "items", "anyOf", "allOf", *_BOUNDS})


def plainly_valid_default(schema: dict[str, Any]) -> bool:
    """True where the default is valid by a look (a string for `type: string`, a member of its
    `enum`, within `minimum`...`maximum`); False where it takes the validator to tell, which then
    decides. Never True where the validator finds a problem: it answers only what it is sure of."""
    return _plainly_valid(schema["default"], schema)


def _plainly_valid(value: object, schema: object) -> bool:
    if not isinstance(schema, dict) or value is None:
        return False
    keywords = {key for key in schema if not key.startswith("x-")} - _ANNOTATIONS
    if not keywords <= _PLAIN_KEYWORDS:
        return False
    kind = schema.get("type")
    if kind is not None and not (isinstance(kind, str) and _of_type(value, kind)):
        return False
    enum = schema.get("enum")
    if enum is not None and not (
        isinstance(enum, list) and any(_same_json(value, member) for member in enum)
    ):
        return False
    # Inline branches only: a `$ref` (not plain) leaves the whole to the validator, but for
    # `anyOf`, where one plainly valid branch is enough. (`oneOf` needs the others to fail.)
    if "anyOf" in schema and not _branches(schema["anyOf"], value, any):
        return False
    if "allOf" in schema and not _branches(schema["allOf"], value, all):
        return False
    items = schema.get("items")
    if (
        isinstance(value, list)
        and "items" in schema
        and not all(_plainly_valid(item, items) for item in value)
    ):
        return False
    return _within_bounds(value, schema)


def _branches(branches: object, value: object, combine: Callable[[Iterable[bool]], bool]) -> bool:
    if not isinstance(branches, list) or not branches:
        return False
    return combine(_plainly_valid(value, branch) for branch in branches)


def _of_type(value: object, kind: str) -> bool:
    found = _json_kind(value)
    return found == kind or (kind == "number" and found == "integer")


def _json_kind(value: object) -> str:
    """The JSON type of a value as loaded (1.0 is a number: 3.0's dialect has it no integer)."""
    if value is None:
        return "null"
    if isinstance(value, bool):  # before int: True is an int to Python
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _same_json(value: object, member: object) -> bool:
    """Equal as JSON values, told only for strings, integers and booleans (1 is not true)."""
    plain = (str, int, bool)
    return type(value) in plain and type(value) is type(member) and value == member


def _within_bounds(value: Any, schema: dict[str, Any]) -> bool:
    """Whether the bounds that apply to the value's kind hold; False where a bound is not a
    plain number, for the validator to judge."""
    kind = _json_kind(value)
    for keyword, (bounded, least) in _BOUNDS.items():
        if keyword not in schema:
            continue
        bound = schema[keyword]
        if _json_kind(bound) not in _NUMBERS:
            return False
        if kind in bounded:
            measure = value if kind in _NUMBERS else len(value)
            if measure < bound if least else measure > bound:
                return False
    return True


def _short(error: ValidationError) -> str:
    message = " ".join(str(error.message).split())
    return message if len(message) <= 200 else message[:197] + "..."


def _validator(spec: Spec) -> Callable[[JsonValue, str], list[ValidationError]]:
    """A function listing every way a value fails the schema at a pointer of this spec."""
    from jsonschema.exceptions import ValidationError
    from openapi_schema_validator import OAS30Validator, OAS31Validator
    from referencing import Registry, Resource
    from referencing.exceptions import Unresolvable
    from referencing.jsonschema import DRAFT202012

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
