"""Request bodies as a caller writes them: the types of a body's keyword arguments, and the
TypedDicts of params.py for the objects inside them.

A body's nested objects are dict literals in a caller's code; a TypedDict per object schema
(`ChatCompletionRequestMessageParam`) lets mypy check their keys and values, so a misspelt key
is an error before anything is sent. The types are made from the spec's schemas directly, not
from models.py: a `$ref` to an object is a reference to its TypedDict, `oneOf`/`anyOf` a union
(an alias of params.py when the schema is a class of models.py), an enum a `Literal`, an array a
`Sequence`, a map a `Mapping`; properties only a server writes (`readOnly`) are left out.

A schema that is a class of models.py gives its TypedDict the class's name plus `Param`; an
object inside one (a property's, an array's items, a union's member) is named after where it is
(`CreateChatCompletionRequestAudioParam`). Definitions are made on demand, through a worklist,
so recursive schemas (a tree of nodes) are references, never an endless type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.ir import (
    ANY,
    ANY_MAPPING,
    BOOL,
    BYTES,
    FLOAT,
    INT,
    NONE,
    STR,
    Generic,
    LiteralOf,
    ParamClass,
    ParamField,
    ParamRef,
    SpecText,
    TypeRef,
    UnionOf,
    union,
)
from generator.load import JsonValue, Spec
from generator.naming import NameRegistry, pascal_case
from generator.pointer import join_pointer, split_pointer
from generator.refs import deref

from .types import ClassNames

_SCALARS: dict[str, TypeRef] = {
    "string": STR,
    "integer": INT,
    "number": FLOAT,
    "boolean": BOOL,
    "null": NONE,
}
FILE_TYPES = Generic("FileTypes")  # what a multipart file field takes (the runtime's alias)
_MAX_DEPTH = 32  # inline schemas nested deeper than this are taken as `Any`
SUFFIX = "Param"


@dataclass(frozen=True)
class ObjectProperty:
    """A property of an object schema, found through `allOf` and `$ref`s."""

    name: str
    schema: JsonValue
    pointer: str
    required: bool


@dataclass
class ParamTypes:
    """The caller's type of any request schema, and the params.py definitions they need."""

    spec: Spec
    names: ClassNames  # models.py's classes, by pointer: their TypedDicts take their names
    registry: NameRegistry = field(default_factory=NameRegistry)
    _by_pointer: dict[str, str] = field(default_factory=dict)
    _pending: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    _built: dict[str, ParamClass] = field(default_factory=dict)

    def of(self, schema: JsonValue, pointer: str, hint: str, depth: int = 0) -> TypeRef:
        """The type a caller passes for a value of `schema`; `hint` names inline objects."""
        if not isinstance(schema, dict) or depth > _MAX_DEPTH:
            return ANY
        if "$ref" in schema:
            resolved, target = deref(self.spec, schema, pointer)
            if not isinstance(resolved, dict):
                return ANY
            class_name = self.names.of_pointer.get(target)
            return self._named(resolved, target, class_name or hint, depth + 1)
        if pointer in self.names.of_pointer:
            return self._named(schema, pointer, self.names.of_pointer[pointer], depth)
        return self._structural(schema, pointer, hint, depth)

    def properties(self, schema: JsonValue, pointer: str) -> list[ObjectProperty]:
        """The properties of an object schema (its own and its `allOf` members'), or [] for a
        schema that is not an object with properties; those only a server writes left out."""
        found, required = object_properties(self.spec, schema, pointer)
        return [
            ObjectProperty(name, value, at, name in required)
            for name, (value, at) in found.items()
            if not (isinstance(value, dict) and value.get("readOnly") is True)
        ]

    def definitions(self) -> tuple[ParamClass, ...]:
        """Every definition asked for so far (and those they need), in the order first asked."""
        while self._pending:
            name, pointer, schema = self._pending.pop(0)
            self._built[name] = self._definition(name, pointer, schema)
        return tuple(self._built[name] for name in self._by_pointer.values())

    # --- schemas with a name: a TypedDict or an alias of their own ------------------------------

    def _named(self, schema: dict[str, Any], pointer: str, stem: str, depth: int) -> TypeRef:
        if not (is_object_like(self.spec, schema, pointer) or _union_members(schema)):
            return self._structural(schema, pointer, stem, depth)
        name = self._by_pointer.get(pointer)
        if name is None:
            name = self.registry.claim(stem.removesuffix(SUFFIX) + SUFFIX, separator="")
            self._by_pointer[pointer] = name
            self._pending.append((name, pointer, schema))
        return ParamRef(name)

    def _definition(self, name: str, pointer: str, schema: dict[str, Any]) -> ParamClass:
        stem = name.removesuffix(SUFFIX)
        if is_object_like(self.spec, schema, pointer):
            fields = tuple(
                ParamField(
                    SpecText(prop.name),
                    self.of(prop.schema, prop.pointer, stem + pascal_case(prop.name)),
                    prop.required,
                )
                for prop in self.properties(schema, pointer)
            )
            return ParamClass(name, fields)
        return ParamClass(name, alias=self._union(schema, pointer, stem, 0))

    # --- everything else: a type written in place ------------------------------------------------

    def _structural(self, schema: dict[str, Any], pointer: str, hint: str, depth: int) -> TypeRef:
        if is_object_like(self.spec, schema, pointer):
            return self._named(schema, pointer, hint, depth)
        nullable = schema.get("nullable") is True
        if "const" in schema or "enum" in schema:
            found = _literal(schema)
        elif _union_members(schema):
            found = self._union(schema, pointer, hint, depth)
        elif (member := _single_member(schema)) is not None:
            found = self.of(member[0], f"{pointer}/allOf/{member[1]}", hint, depth + 1)
        else:
            kinds = _declared_types(schema)
            found = union(*(self._of_kind(kind, schema, pointer, hint, depth) for kind in kinds))
            if not kinds:
                found = ANY
        return found.or_none() if nullable and not found.is_any else found

    def _of_kind(
        self, kind: object, schema: dict[str, Any], pointer: str, hint: str, depth: int
    ) -> TypeRef:
        if kind == "array":
            items = self.of(schema.get("items"), pointer + "/items", hint + "Item", depth + 1)
            return Generic("Sequence", (items,))
        if kind == "object":
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                value = self.of(extra, pointer + "/additionalProperties", hint + "Value", depth + 1)
                return Generic("Mapping", (STR, value))
            return ANY_MAPPING
        if kind == "string" and schema.get("format") == "binary":
            return BYTES
        return _SCALARS.get(str(kind), ANY)

    def _union(self, schema: dict[str, Any], pointer: str, hint: str, depth: int) -> TypeRef:
        members = []
        for key in ("oneOf", "anyOf"):
            listed = schema.get(key)
            for index, member in enumerate(listed if isinstance(listed, list) else ()):
                at = join_pointer(*split_pointer(pointer), key, str(index))
                members.append(self.of(member, at, f"{hint}{index + 1}", depth + 1))
        found = union(*members) if members else ANY
        return found.or_none() if schema.get("nullable") is True and not found.is_any else found


def object_properties(
    spec: Spec, schema: JsonValue, pointer: str
) -> tuple[dict[str, tuple[JsonValue, str]], set[str]]:
    """An object schema's properties (name -> schema and pointer), its own and its `allOf`
    members' (the first definition of a name wins), and the names any of them requires."""
    found: dict[str, tuple[JsonValue, str]] = {}
    required: set[str] = set()
    _collect(spec, schema, pointer, 0, found, required)
    return found, required


def _collect(
    spec: Spec,
    schema: JsonValue,
    pointer: str,
    depth: int,
    found: dict[str, tuple[JsonValue, str]],
    required: set[str],
) -> None:
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return
    schema, pointer = deref(spec, schema, pointer)
    if not isinstance(schema, dict):
        return
    members = schema.get("allOf")
    for index, member in enumerate(members if isinstance(members, list) else ()):
        _collect(spec, member, f"{pointer}/allOf/{index}", depth + 1, found, required)
    listed = schema.get("properties")
    for name, value in listed.items() if isinstance(listed, dict) else ():
        found.setdefault(name, (value, join_pointer(*split_pointer(pointer), "properties", name)))
    names = schema.get("required")
    if isinstance(names, list):
        required.update(name for name in names if isinstance(name, str))


def is_object_like(spec: Spec, schema: JsonValue, pointer: str, depth: int = 0) -> bool:
    """An object with properties (its own or through `allOf`): a TypedDict, keyword arguments."""
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return False
    schema, pointer = deref(spec, schema, pointer)
    if not isinstance(schema, dict):
        return False
    if isinstance(schema.get("properties"), dict) and schema["properties"]:
        return True
    members = schema.get("allOf")
    return isinstance(members, list) and any(
        is_object_like(spec, member, f"{pointer}/allOf/{index}", depth + 1)
        for index, member in enumerate(members)
    )


def as_file_types(declared: TypeRef) -> TypeRef:
    """A multipart field's type, its binary parts taking any file a caller may pass."""
    if declared == BYTES:
        return FILE_TYPES
    if isinstance(declared, Generic) and declared.name == "Sequence":
        return Generic("Sequence", tuple(as_file_types(item) for item in declared.arguments))
    if isinstance(declared, UnionOf):
        return union(*(as_file_types(option) for option in declared.options))
    return declared


# Keywords that annotate a schema without constraining it.
_ANNOTATIONS = frozenset(
    {"description", "title", "default", "example", "examples", "deprecated", "nullable"}
    | {"readOnly", "writeOnly", "externalDocs", "$comment"}
)


def _single_member(schema: dict[str, Any]) -> tuple[JsonValue, int] | None:
    """The one `allOf` member that says something (`allOf: [{$ref: X}, {description: ...}]`)."""
    members = schema.get("allOf")
    if not isinstance(members, list):
        return None
    meaningful = [
        (member, index)
        for index, member in enumerate(members)
        if isinstance(member, dict)
        and any(not key.startswith("x-") and key not in _ANNOTATIONS for key in member)
    ]
    return meaningful[0] if len(meaningful) == 1 else None


def _union_members(schema: dict[str, Any]) -> bool:
    return any(isinstance(schema.get(key), list) and schema[key] for key in ("oneOf", "anyOf"))


def _literal(schema: dict[str, Any]) -> TypeRef:
    values = [schema["const"]] if "const" in schema else schema.get("enum")
    if not isinstance(values, list) or not values:
        return ANY
    literals = [v for v in values if isinstance(v, str | int) and not isinstance(v, bool)]
    others = [v for v in values if v is not None and v not in literals]
    types: list[TypeRef] = [LiteralOf(tuple(dict.fromkeys(literals)))] if literals else []
    for value in others:
        types.append(
            BOOL if isinstance(value, bool) else FLOAT if isinstance(value, float) else ANY
        )
    if any(value is None for value in values):
        types.append(NONE)
    return union(*types) if types else ANY


def _declared_types(schema: dict[str, Any]) -> list[Any]:
    declared = schema.get("type")
    return declared if isinstance(declared, list) else [declared] if declared is not None else []
