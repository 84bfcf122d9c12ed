"""Schemas as Python types: which schemas become classes of models.py, and what type every
other schema is.

Naming is a pass of its own, run before any type is asked for (`ClassNames`): component schemas
first, in document order, then the inline schemas of the operations in the order `schema_sites`
lists them. After it, `Types.of` is a pure lookup, so the order in which the rest of the
analysis asks for types cannot change a class's name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.ir import (
    ANY,
    BOOL,
    BYTES,
    FLOAT,
    INT,
    JSON_OBJECT,
    NONE,
    STR,
    Builtin,
    ListOf,
    ModelRef,
    ModelSchema,
    TypeRef,
    union,
)
from generator.load import JsonValue, Spec
from generator.naming import NameRegistry, class_name
from generator.pointer import join_pointer
from generator.refs import deref, pointer_of_ref

# Keywords that give a schema structure a builtin cannot say: such a schema becomes a class.
_STRUCTURE = ("properties", "allOf", "anyOf", "oneOf", "enum", "const")
_SCALARS: dict[str, Builtin] = {"integer": INT, "number": FLOAT, "boolean": BOOL}


@dataclass(frozen=True)
class SchemaSite:
    """A schema an operation uses in place (a parameter's, a body's, a response's), with the
    class name it gets if it needs one (`hint`: `CreateItemRequest`, say)."""

    schema: JsonValue
    pointer: str
    hint: str


@dataclass
class ClassNames:
    """The classes of models.py: which schema (by pointer) is which class."""

    registry: NameRegistry = field(default_factory=NameRegistry)
    of_pointer: dict[str, str] = field(default_factory=dict)
    models: list[ModelSchema] = field(default_factory=list)

    @classmethod
    def of(cls, spec: Spec, sites: Iterable[SchemaSite]) -> ClassNames:
        """Every class: the component schemas, then what `sites` need, in that order."""
        names = cls()
        components = spec.document.get("components")
        schemas = components.get("schemas") if isinstance(components, dict) else None
        for name in schemas if isinstance(schemas, dict) else ():
            names.add(join_pointer("components", "schemas", name), class_name(name))
        for site in sites:
            for pointer, hint in inline_classes(spec, site.schema, site.pointer, site.hint, names):
                names.add(pointer, hint)
        return names

    def add(self, pointer: str, wanted: str) -> None:
        if pointer not in self.of_pointer:
            name = self.registry.claim(wanted, separator="")
            self.of_pointer[pointer] = name
            self.models.append(ModelSchema(name, pointer))


def inline_classes(
    spec: Spec, schema: JsonValue, pointer: str, hint: str, names: ClassNames
) -> Iterator[tuple[str, str]]:
    """(pointer, wanted class name) of every schema at or under `schema` (through array items
    and `$ref`s) that needs a class and has none yet, outermost first."""
    while isinstance(schema, dict):
        if "$ref" in schema:
            target = pointer_of_ref(schema["$ref"], spec, pointer + "/$ref")
            if target in names.of_pointer:
                return
            schema, pointer = deref(spec, schema, pointer)
            continue
        if pointer in names.of_pointer:
            return
        if needs_class(schema):
            yield pointer, hint
            return
        if _single_type(schema) != "array":
            return
        schema, pointer, hint = schema.get("items"), pointer + "/items", hint + "Item"


@dataclass(frozen=True)
class Types:
    """The Python type of any schema of the spec, once `ClassNames` has named the classes."""

    spec: Spec
    names: ClassNames

    def of(self, schema: JsonValue, pointer: str) -> TypeRef:
        """The type of a value of `schema` (found at `pointer`)."""
        found = self._type(schema, pointer)
        if found is None:
            raise AssertionError(f"a schema at or under {pointer} needs a class and has no name")
        return found

    def of_named(self, schema: JsonValue, pointer: str) -> TypeRef:
        """The type of `schema`, or `Any` for one inside a class that models.py names itself
        (an inline object deep in a component: ClassNames has no name for it)."""
        found = self._type(schema, pointer)
        return ANY if found is None else found

    def builtin(self, schema: dict[str, Any], pointer: str) -> TypeRef | None:
        """The type of `schema` as a builtin (scalars, free-form objects, arrays of what has a
        type), not following a `$ref` of its own; None for a schema that needs a class."""
        return None if needs_class(schema) else self._structureless(schema, pointer)

    def _type(self, schema: JsonValue, pointer: str) -> TypeRef | None:
        if not isinstance(schema, dict):
            return ANY
        if "$ref" in schema:
            target = pointer_of_ref(schema["$ref"], self.spec, pointer + "/$ref")
            if target in self.names.of_pointer:
                return ModelRef(self.names.of_pointer[target])
            resolved, target = deref(self.spec, schema, pointer)
            return self._type(resolved, target)
        if pointer in self.names.of_pointer:
            return ModelRef(self.names.of_pointer[pointer])
        if needs_class(schema):
            return None
        return self._structureless(schema, pointer)

    def _structureless(self, schema: dict[str, Any], pointer: str) -> TypeRef | None:
        declared = _declared_types(schema)
        kinds = [kind for kind in declared if kind != "null"]
        if len(kinds) != 1:
            return ANY
        kind = kinds[0]
        if kind == "array":
            items = self._type(schema.get("items"), pointer + "/items")
            if items is None:
                return None
            base: TypeRef = ListOf(items)
        elif kind == "object":
            base = JSON_OBJECT
        elif kind == "string":
            base = BYTES if schema.get("format") == "binary" else STR
        else:
            base = _SCALARS.get(str(kind), ANY)
        nullable = "null" in declared or schema.get("nullable") is True
        return union(base, NONE) if nullable and not base.is_any else base


def needs_class(schema: dict[str, Any]) -> bool:
    """A schema with structure a builtin cannot say: properties, combinators, enums, or an
    object whose values have a schema of their own."""
    if any(key in schema for key in _STRUCTURE):
        return True
    kinds = [kind for kind in _declared_types(schema) if kind != "null"]
    if kinds == ["object"]:
        return schema.get("additionalProperties") not in (None, True, {})
    return len(kinds) > 1


def _declared_types(schema: dict[str, Any]) -> list[Any]:
    declared = schema.get("type")
    return declared if isinstance(declared, list) else [declared] if declared is not None else []


def _single_type(schema: dict[str, Any]) -> Any:
    kinds = [kind for kind in _declared_types(schema) if kind != "null"]
    return kinds[0] if len(kinds) == 1 else None
