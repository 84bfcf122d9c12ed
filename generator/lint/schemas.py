"""Rules about schemas and components, and the hazards they pose to generated Python."""

from __future__ import annotations

import keyword
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from generator import walk
from generator.lint.registry import Problem, Severity, rule
from generator.load import Spec
from generator.naming import class_name, snake_case
from generator.pointer import join_pointer, split_pointer

_JSON_TYPES = {"string": str, "boolean": bool, "object": dict, "array": list, "null": type(None)}
_COMPONENT_KINDS = (
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "examples",
    "links",
    "callbacks",
    "pathItems",
)
_PYDANTIC_MEMBERS = frozenset(name for name in dir(BaseModel) if not name.startswith("__"))


@rule("enum-type", Severity.ERROR, "enum values have the schema's type")
def enum_values_match_type(spec: Spec) -> Iterator[Problem]:
    for schema, pointer in walk.schemas(spec.document):
        values, declared = schema.get("enum"), schema.get("type")
        if not isinstance(values, list) or declared is None:
            continue
        types = declared if isinstance(declared, list) else [declared]
        if schema.get("nullable") is True:
            types = [*types, "null"]
        for index, value in enumerate(values):
            if not any(_has_type(value, kind) for kind in types):
                yield (
                    f"{pointer}/enum/{index}",
                    f"enum value {value!r} is not of type {' or '.join(map(str, types))}",
                )


@rule(
    "required-defined", Severity.WARN, "every name in `required` is one of the schema's properties"
)
def required_properties_defined(spec: Spec) -> Iterator[Problem]:
    composed = ("allOf", "anyOf", "oneOf", "$ref", "patternProperties", "if", "dependentSchemas")
    for schema, pointer in walk.schemas(spec.document):
        properties, required = schema.get("properties"), schema.get("required")
        if (
            not isinstance(properties, dict)
            or not isinstance(required, list)
            or any(k in schema for k in composed)
        ):
            continue
        for index, name in enumerate(required):
            if isinstance(name, str) and name not in properties:
                yield (
                    f"{pointer}/required/{index}",
                    f"required property {name!r} is not among the properties",
                )


@rule("unused-component", Severity.WARN, "every component is referenced somewhere")
def components_used(spec: Spec) -> Iterator[Problem]:
    components = spec.document.get("components")
    if not isinstance(components, dict):
        return
    referenced = {ref[1:] for ref, _ in walk.references(spec.document) if ref.startswith("#/")}
    referenced |= {_owner(target) for target in referenced}
    for kind in _COMPONENT_KINDS:
        for name in components.get(kind) or {} if isinstance(components.get(kind), dict) else {}:
            pointer = join_pointer("components", kind, name)
            if pointer not in referenced:
                yield pointer, f"components.{kind}.{name} is never referenced"


@rule(
    "codegen-hazard",
    Severity.WARN,
    "names that collide once they are Python names, or that Python would hide",
)
def codegen_hazards(spec: Spec) -> Iterator[Problem]:
    components = spec.document.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    first_of_class: dict[str, str] = {}
    for name in schemas if isinstance(schemas, dict) else ():
        python = class_name(name)
        if python in first_of_class:
            yield (
                join_pointer("components", "schemas", name),
                f"schemas {first_of_class[python]!r} and {name!r} both become class {python}; the second is renamed",
            )
        else:
            first_of_class[python] = name
    for schema, pointer in walk.schemas(spec.document):
        properties = schema.get("properties")
        seen: dict[str, str] = {}
        for name in properties if isinstance(properties, dict) else ():
            attribute = snake_case(name) if name.isidentifier() else name
            if name in seen.values() or (attribute in seen and name != seen[attribute]):
                yield (
                    join_pointer(*split_pointer(pointer), "properties", name),
                    f"properties {seen.get(attribute)!r} and {name!r} look alike to Python",
                )
            seen[attribute] = name
    for at in walk.operations(spec.document):
        names: dict[str, str] = {}
        for index, parameter in enumerate(at.operation.get("parameters") or []):
            if isinstance(parameter, dict) and isinstance(parameter.get("name"), str):
                python = snake_case(parameter["name"])
                if python in names and names[python] != parameter["name"]:
                    yield (
                        f"{at.pointer}/parameters/{index}",
                        f"parameters {names[python]!r} and {parameter['name']!r} both become the argument {python}",
                    )
                names[python] = parameter["name"]


@rule(
    "codegen-rename",
    Severity.INFO,
    "property names that need another Python name (keywords, pydantic members)",
)
def codegen_renames(spec: Spec) -> Iterator[Problem]:
    for schema, pointer in walk.schemas(spec.document):
        properties = schema.get("properties")
        for name in properties if isinstance(properties, dict) else ():
            reason = _rename_reason(name)
            if reason:
                where = join_pointer(*split_pointer(pointer), "properties", name)
                yield (
                    where,
                    f"property {name!r} {reason}; the model keeps it as the alias of another attribute",
                )


def _rename_reason(name: str) -> str | None:
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return "is a Python keyword"
    if name in _PYDANTIC_MEMBERS or name.startswith("model_"):
        return "is a member of pydantic's BaseModel"
    if name.startswith("_"):
        return "starts with an underscore (pydantic would make it private)"
    if not name.isidentifier():
        return "is not a Python identifier"
    return None


def _has_type(value: Any, kind: object) -> bool:
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    expected = _JSON_TYPES.get(str(kind))
    return (
        expected is not None
        and isinstance(value, expected)
        and not (expected is not bool and isinstance(value, bool))
    )


def _owner(pointer: str) -> str:
    """`/components/schemas/A/properties/b` -> `/components/schemas/A`: using a part uses the whole."""
    return join_pointer(*split_pointer(pointer)[:3])
