"""The `default`s that fail their schema, by openapi-schema-validator: what `generate` leaves out.

`generate` decides with this (through `tolerate`) which defaults the models drop; it stays on the
reference validator of OpenAPI's dialects, apart from lint's faster example check, so that what is
generated does not change with lint's engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from generator.load import JsonValue, Spec
from generator.pointer import join_pointer

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_SPEC_URI = "urn:specsmith:spec"  # the name the whole document goes by inside the validator


def default_problems(spec: Spec) -> Iterator[tuple[str, str]]:
    """Every way a schema's `default` fails the schema (what generate leaves out of the models)."""
    errors_of = None  # made at the first default: the validator's import is a fifth of a second
    for schema, pointer in spec.schema_objects:
        if "default" in schema and not _null_default_of_nullable(schema):
            errors_of = errors_of or _validator(spec)
            for error in errors_of(schema["default"], pointer):
                yield pointer + "/default" + join_pointer(*error.absolute_path), _short(error)


def _null_default_of_nullable(schema: dict[str, Any]) -> bool:
    return schema["default"] is None and schema.get("nullable") is True  # 3.0 allows it


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
