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
_PLAIN_KEYWORDS = frozenset(
    {
        "type",
        "enum",
        "items",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "anyOf",
        "allOf",
    }
)
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


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
    python_types = _JSON_TYPES.get(kind)
    if python_types is None or (isinstance(value, bool) and kind != "boolean"):
        return False
    return isinstance(value, python_types) and not (kind == "integer" and isinstance(value, float))


def _same_json(value: object, member: object) -> bool:
    """Equal as JSON values, told only for strings, integers and booleans (1 is not true)."""
    plain = (str, int, bool)
    return type(value) in plain and type(value) is type(member) and value == member


def _within_bounds(value: object, schema: dict[str, Any]) -> bool:
    """Whether the bounds that apply to the value's kind hold (those of other kinds say nothing
    about it); False where a bound is not a plain number, for the validator to judge."""
    for keyword, sized, holds in _BOUNDS:
        if keyword not in schema:
            continue
        bound = schema[keyword]
        if isinstance(bound, bool) or not isinstance(bound, int | float):
            return False
        if isinstance(value, sized) and not isinstance(value, bool):
            measure = len(value) if isinstance(value, str | list) else value
            if not holds(measure, bound):
                return False
    return True


_BOUNDS: tuple[tuple[str, type | tuple[type, ...], Callable[[Any, Any], bool]], ...] = (
    ("minimum", (int, float), lambda value, bound: value >= bound),
    ("maximum", (int, float), lambda value, bound: value <= bound),
    ("minLength", str, lambda length, bound: length >= bound),  # in code points, as Python's len
    ("maxLength", str, lambda length, bound: length <= bound),
    ("minItems", list, lambda length, bound: length >= bound),
    ("maxItems", list, lambda length, bound: length <= bound),
)


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
