"""Schemas as Python types: which schemas become classes of models.py, and what type every
other schema is.

Naming is a pass of its own, run before any type is asked for (`ClassNames`): component schemas
first, in document order, then the inline schemas of the operations in the order `schema_sites`
lists them. After it, `Types.of` is a pure lookup, so the order in which the rest of the
analysis asks for types cannot change a class's name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
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
from generator.load import BUNDLE_KEY, JsonValue, Spec
from generator.naming import NameRegistry, class_name
from generator.pointer import join_pointer, split_pointer
from generator.refs import deref, pointer_of_ref, value_at
from generator.walk import SUBSCHEMA_KEYWORDS, SUBSCHEMA_LIST_KEYWORDS, SUBSCHEMA_MAP_KEYWORDS

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
    """The classes of models.py: which schema (by pointer) is which class.

    Pointers are kept as `Spec.unspliced` gives them, so that a schema reached through a spliced
    `$ref` (`components: {schemas: {$ref: schemas.yaml}}`) is one schema, whichever way it is
    named."""

    registry: NameRegistry = field(default_factory=NameRegistry)
    of_pointer: dict[str, str] = field(default_factory=dict)
    models: list[ModelSchema] = field(default_factory=list)
    canonical: Callable[[str], str] = field(default=lambda pointer: pointer)

    @classmethod
    def of(cls, spec: Spec, sites: Iterable[SchemaSite]) -> ClassNames:
        """Every class: the component schemas, then what `sites` need, then what the schemas of
        other files (or other corners of the document) that those refer to need, in that order."""
        names = cls(canonical=spec.unspliced)
        components = spec.document.get("components")
        schemas = components.get("schemas") if isinstance(components, dict) else None
        for name, value in schemas.items() if isinstance(schemas, dict) else ():
            pointer = join_pointer("components", "schemas", name)
            names.add(pointer, class_name(name), _whole_target(spec, value, pointer, names))
        for site in sites:
            for pointer, hint in inline_classes(spec, site.schema, site.pointer, site.hint, names):
                names.add(pointer, hint)
        _ReferencedClasses(spec, names).name()
        return names

    def named(self, pointer: str) -> str | None:
        """The class of the schema at `pointer`, if it is one."""
        return self.of_pointer.get(self.canonical(pointer))

    def add(self, pointer: str, wanted: str, content: str | None = None) -> None:
        """Name the schema at `pointer` (whose value lives at `content`, when it is a `$ref`
        to a whole file or another corner of the document: both are that one class)."""
        pointer = self.canonical(pointer)
        if pointer in self.of_pointer:
            return
        name = self.registry.claim(wanted, separator="")
        self.of_pointer[pointer] = name
        aliases: tuple[str, ...] = ()
        if content is not None:
            content = self.canonical(content)
            self.of_pointer[content] = name
            aliases = (pointer,)
        self.models.append(ModelSchema(name, content or pointer, aliases))


def _whole_target(spec: Spec, value: JsonValue, pointer: str, names: ClassNames) -> str | None:
    """Where a component schema that is only a `$ref` to a schema outside `components.schemas`
    (`Pet: {$ref: pet.yaml}`) lives: the component is that schema's class. The `$ref`s are
    followed only until one names a component: a chain of components is a chain of classes,
    and following it to its end from each of them would cost its length squared."""
    seen = set()
    while isinstance(value, dict) and isinstance(value.get("$ref"), str):
        target = names.canonical(pointer_of_ref(value["$ref"], spec, pointer + "/$ref"))
        if split_pointer(target)[:2] == ["components", "schemas"] or target in seen:
            return None
        seen.add(target)
        value, pointer = value_at(spec, target, referenced_from=pointer + "/$ref"), target
    if pointer in seen and pointer not in names.of_pointer:
        return pointer
    return None


@dataclass
class _ReferencedClasses:
    """Names the schemas that classes refer to and that have no class yet, though they need one:
    those elsewhere than `components.schemas` (another file, a parameter's schema) with structure
    of their own, and those that hold themselves through schemas without classes (a list of
    lists of itself). The schemas without structure are written out where they are used."""

    spec: Spec
    names: ClassNames
    edges: dict[str, list[str]] = field(default_factory=dict)  # unnamed target -> unnamed targets

    def name(self) -> None:
        pending = [model.pointer for model in self.names.models]
        while pending:
            pointer = pending.pop()
            value = value_at(self.spec, pointer)
            for ref_at in _schema_refs(value, pointer):
                target = self._unnamed_target(ref_at)
                if target is None:
                    continue
                resolved = value_at(self.spec, target)
                if isinstance(resolved, dict) and needs_class(resolved):
                    self.names.add(target, _hint(target))
                    pending.append(target)
                    continue
                if target not in self.edges:
                    self.edges[target] = []
                    pending.append(target)
                if pointer in self.edges:
                    self.edges[pointer].append(target)
        for target in _on_cycles(self.edges):
            if self.names.named(target) is None:
                self.names.add(target, _hint(target))

    def _unnamed_target(self, ref_at: str) -> str | None:
        """Where the `$ref` at `ref_at` leads, when no class is on the way."""
        value = value_at(self.spec, ref_at)
        pointer = ref_at
        seen = set()
        while isinstance(value, dict) and isinstance(value.get("$ref"), str):
            target = self.names.canonical(
                pointer_of_ref(value["$ref"], self.spec, pointer + "/$ref")
            )
            if self.names.named(target) is not None or target in seen:
                return None
            seen.add(target)
            value, pointer = value_at(self.spec, target, referenced_from=pointer + "/$ref"), target
        return pointer if pointer != ref_at else None


def _schema_refs(schema: JsonValue, pointer: str) -> Iterator[str]:
    """The pointers of the `$ref` objects in a schema (itself and its subschemas, not what the
    references name)."""
    stack = [(schema, pointer)]
    while stack:
        node, at = stack.pop()
        if not isinstance(node, dict):
            continue
        if isinstance(node.get("$ref"), str):
            yield at
        for key in SUBSCHEMA_KEYWORDS:
            if isinstance(node.get(key), dict):
                stack.append((node[key], f"{at}/{key}"))
        for key in SUBSCHEMA_MAP_KEYWORDS:
            members = node.get(key)
            for name, member in members.items() if isinstance(members, dict) else ():
                stack.append((member, at + join_pointer(key, name)))
        for key in SUBSCHEMA_LIST_KEYWORDS:
            members = node.get(key)
            for index, member in enumerate(members if isinstance(members, list) else ()):
                stack.append((member, f"{at}/{key}/{index}"))


def _on_cycles(edges: dict[str, list[str]]) -> list[str]:
    """One node of every cycle of the graph (the target of each back edge of a depth-first
    walk): naming them leaves no cycle."""
    state: dict[str, int] = {}  # 1: on the walk's path, 2: done
    found = []
    for start in edges:
        if start in state:
            continue
        stack = [(start, iter(edges.get(start, ())))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                found.append(child)
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(edges.get(child, ()))))
    return found


_NOT_NAMES = frozenset(
    {"schema", "items", "additionalProperties", "content", "allOf", "anyOf", "oneOf"}
)


def _hint(pointer: str, otherwise: str = "") -> str:
    """A class name for a schema from where it is: its file's name (a whole file), its key in
    another file, or its component's name; `otherwise` (else its last key) anywhere else."""
    tokens = split_pointer(pointer)
    if tokens[:1] == [BUNDLE_KEY] and len(tokens) == 2:  # a whole file: its name
        return class_name(PurePosixPath(tokens[1]).stem) or "Schema"
    keys = [t for t in tokens[2:] if t not in _NOT_NAMES and not t.isdigit() and "/" not in t]
    if tokens[:1] == ["components"] and len(tokens) > 2:
        return class_name(tokens[2]) or "Schema"
    if tokens[:1] == [BUNDLE_KEY] and keys:
        return class_name(keys[-1]) or "Schema"
    return otherwise or class_name(keys[-1] if keys else "") or "Schema"


def inline_classes(
    spec: Spec, schema: JsonValue, pointer: str, hint: str, names: ClassNames
) -> Iterator[tuple[str, str]]:
    """(pointer, wanted class name) of every schema at or under `schema` (through array items
    and `$ref`s) that needs a class and has none yet, outermost first."""
    while isinstance(schema, dict):
        if "$ref" in schema:
            target = pointer_of_ref(schema["$ref"], spec, pointer + "/$ref")
            if names.named(target) is not None:
                return
            schema, pointer = deref(spec, schema, pointer)
            hint = _hint(pointer, hint)  # a schema of its own, elsewhere: named for itself
            continue
        if names.named(pointer) is not None:
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
            named = self.names.named(target)
            if named is not None:
                return ModelRef(named)
            resolved, target = deref(self.spec, schema, pointer)
            return self._type(resolved, target)
        named = self.names.named(pointer)
        if named is not None:
            return ModelRef(named)
        if needs_class(schema):
            return None
        return self._structureless(schema, pointer)

    def _structureless(self, schema: dict[str, Any], pointer: str) -> TypeRef | None:
        declared = declared_types(schema)
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
    kinds = [kind for kind in declared_types(schema) if kind != "null"]
    if kinds == ["object"]:
        return schema.get("additionalProperties") not in (None, True, {})
    return len(kinds) > 1


def declared_types(schema: dict[str, Any]) -> list[str]:
    """The JSON types a schema's `type` names (the names only: a spec may hold anything there)."""
    declared = schema.get("type")
    listed = declared if isinstance(declared, list) else [declared]
    return [kind for kind in listed if isinstance(kind, str)]


def _single_type(schema: dict[str, Any]) -> Any:
    kinds = [kind for kind in declared_types(schema) if kind != "null"]
    return kinds[0] if len(kinds) == 1 else None
