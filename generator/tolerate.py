"""What `generate` tolerates in a spec that is not valid by the letter, and says so.

Real specs break their own rules (OpenAI's has 25 structural errors). `lint` reports them; only
what makes generation impossible stops `generate` (unreadable input, unresolvable `$ref`s).
Everything else is tolerated with one warning line each:

- a structural error against the meta-schema: generated as written;
- a `$ref` where OpenAPI allows none (an operation, a whole map of components): followed, one
  warning for all of them;
- a `default` that does not match its schema, its `format` included (`"xxx"` for a `date`): left
  out of the model (it could not be a default);
- an example that does not match its schema: generated as written, and never sent by the mock
  (which validates every example when it starts);
- a declared discriminator that cannot decide (two variants share a tag, or one has none):
  the union is decided by pydantic's smart mode instead of the tag;
- a `pattern` that is not ECMA-262, or that neither pydantic's engine nor the `regex` package can
  run (`\\p{Alnum}`, a lone surrogate, one too big for both): left out of the model, which would
  not import with it. Look-arounds and back-references are kept (see `patterns`);
- a schema keyword whose value is not of the kind JSON Schema gives it (`type: {...}`,
  `required: true`, `minLength: -1`, `multipleOf: 0`, `discriminator: kind`): left out of the
  model, which datamodel-code-generator could not make (it stops on the first with a message that
  names neither the keyword nor the place) or which would not import; a member of `allOf`,
  `properties`, ... that is no schema (`"string"`, `null`) is read as `{}`, any value.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeGuard

from generator import walk
from generator.errors import SpecError
from generator.lint.examples import default_problems, example_problems
from generator.lint.structure import structure
from generator.load import Spec, spliced_kind
from generator.patterns import PatternError, engine_for
from generator.pointer import join_pointer
from generator.refs import pointer_of_ref, tag_values, value_at
from generator.runtime import FORMAT_CLASSES
from generator.runtime import _formats as formats


@dataclass(frozen=True)
class Tolerated:
    warnings: tuple[str, ...]
    # pointers of what the models leave out: `default`s, `pattern`s and malformed keywords (and
    # members of `allOf`, `properties`... that are no schemas, which they read as `{}`)
    dropped_defaults: frozenset[str]


def tolerate(spec: Spec) -> Tolerated:
    warnings = [f"{spec.locate(at)}: tolerated: {message}" for at, message in structure(spec)]
    if spec.spliced:
        first = next(iter(spec.spliced))
        others = len(spec.spliced) - 1
        more = f" (and {others} more like it)" if others else ""
        warnings.append(
            f"{spec.locate(first)}: tolerated: {spliced_kind(first)} is a `$ref`{more}, which"
            " OpenAPI does not allow there; followed"
        )
    dropped = set()
    for at, message in [*default_problems(spec), *default_format_problems(spec)]:
        default = at.split("/default", 1)[0] + "/default"
        if default not in dropped:
            dropped.add(default)
            warnings.append(f"{spec.locate(default)}: default left out of the model: {message}")
    warnings += [f"{spec.locate(at)}: {message}" for at, message in example_problems(spec)]
    warnings += [
        f"{spec.locate(at)}: {message}" for at, message in undecidable_discriminators(spec)
    ]
    return Tolerated(tuple(warnings), frozenset(dropped))


def default_format_problems(spec: Spec) -> Iterator[tuple[str, str]]:
    """String defaults that their `format` refuses, by the check the models make (the reference
    validator leaves formats unchecked)."""
    for schema, pointer in spec.schema_objects:
        default, kind = schema.get("default"), schema.get("format")
        class_name = FORMAT_CLASSES.get(kind) if isinstance(kind, str) else None
        checked = getattr(formats, class_name) if class_name is not None else None
        if isinstance(default, str) and checked is not None and not checked.is_valid(default):
            yield f"{pointer}/default", f"{default!r} is not a valid {kind}"


def undecidable_discriminators(spec: Spec) -> Iterator[tuple[str, str]]:
    for schema, pointer in spec.schema_objects:
        discriminator = schema.get("discriminator")
        variants = schema.get("oneOf") or schema.get("anyOf")
        if not _discriminator(discriminator) or not isinstance(variants, list):
            continue  # one that is malformed is left out of the model (`malformed_keywords`)
        tag = discriminator["propertyName"]
        raw_mapping = discriminator.get("mapping")
        mapping: dict[str, Any] = raw_mapping if isinstance(raw_mapping, dict) else {}
        owners: dict[object, list[str]] = {}
        untagged = []
        for index, variant in enumerate(variants):
            name = _variant_name(variant, index)
            values = tag_values(spec, variant, f"{pointer}/oneOf/{index}", str(tag))
            values += [
                key
                for key, target in mapping.items()
                if isinstance(variant, dict) and variant.get("$ref") == target and key not in values
            ]
            if not values:
                untagged.append(name)
            for value in values:
                owners.setdefault(value, []).append(name)
        shared = {value: names for value, names in owners.items() if len(names) > 1}
        if shared or untagged:
            value, names = next(iter(shared.items())) if shared else (None, untagged)
            why = (
                f"{', '.join(names)} share {tag}={value!r}"
                if shared
                else (
                    f"{', '.join(names)} "
                    + ("have" if len(names) > 1 else "has")
                    + f" no {tag} value"
                )
            )
            yield (
                pointer,
                f"discriminator {tag!r} cannot decide ({why}); the union is decided by its members' shapes instead",
            )


def _variant_name(variant: Any, index: int) -> str:
    if isinstance(variant, dict) and isinstance(variant.get("$ref"), str):
        return str(variant["$ref"]).rsplit("/", 1)[-1]
    return f"variant {index}"


def unmodellable_keywords(spec: Spec, models: Iterable[str]) -> Tolerated:
    """What the models cannot be made of, in the schemas they are made of (`models`: their
    pointers; every schema they refer to counts too): keywords whose value is not of the kind
    JSON Schema gives it, members that are no schemas, and `pattern`s that pydantic's regex
    engine cannot compile. One walk for all: the schemas of a large spec are many."""
    warnings, dropped = [], set()
    for schema, pointer in _model_schemas(spec, models):
        for at, message in malformed_keywords(schema, pointer):
            dropped.add(at)
            warnings.append(f"{spec.locate(at)}: {message}")
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            problem = _pattern_problem(pattern)
            if problem is not None:
                dropped.add(pointer + "/pattern")
                warnings.append(
                    f"{spec.locate(pointer + '/pattern')}: pattern left out of the model: {problem}"
                )
    return Tolerated(tuple(warnings), frozenset(dropped))


def _non_negative_integer(value: Any) -> bool:
    if isinstance(value, float):  # JSON Schema: 2.0 is an integer
        return value.is_integer() and value >= 0
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _schema(value: Any) -> bool:
    return isinstance(value, (dict, bool))


def _discriminator(value: Any) -> TypeGuard[dict[str, Any]]:
    if not isinstance(value, dict) or not isinstance(value.get("propertyName"), str):
        return False
    mapping = value.get("mapping", {})
    return isinstance(mapping, dict) and all(isinstance(ref, str) for ref in mapping.values())


_TYPE_NAMES = "a type name or a list of them"
_SCHEMA_KEYWORDS = (
    "additionalProperties",
    "additionalItems",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
)
# keyword -> (does the value have the kind JSON Schema (or OpenAPI) gives it, what that kind is):
# every keyword datamodel-code-generator reads or pydantic enforces, whose other values stop the
# one or make models that do not import.
_KEYWORD_KINDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "type": (
        lambda v: (
            isinstance(v, str) or (isinstance(v, list) and all(isinstance(k, str) for k in v))
        ),
        _TYPE_NAMES,
    ),
    **dict.fromkeys(
        ("title", "description", "format", "pattern"), (lambda v: isinstance(v, str), "a string")
    ),
    **dict.fromkeys(
        ("required", "enum", "allOf", "anyOf", "oneOf", "prefixItems"),
        (lambda v: isinstance(v, list), "a list"),
    ),
    **dict.fromkeys(
        ("properties", "patternProperties"), (lambda v: isinstance(v, dict), "an object")
    ),
    "items": (lambda v: _schema(v) or isinstance(v, list), "a schema"),
    **dict.fromkeys(_SCHEMA_KEYWORDS, (_schema, "a schema")),
    **dict.fromkeys(
        ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"),
        (_non_negative_integer, "an integer of 0 or more"),
    ),
    **dict.fromkeys(("minimum", "maximum"), (_number, "a number")),
    **dict.fromkeys(
        ("exclusiveMinimum", "exclusiveMaximum"),
        (lambda v: _number(v) or isinstance(v, bool), "a number (3.1) or a boolean (3.0)"),
    ),
    "multipleOf": (lambda v: _number(v) and v > 0, "a number greater than 0"),
    **dict.fromkeys(
        ("uniqueItems", "readOnly", "writeOnly", "nullable"),
        (lambda v: isinstance(v, bool), "true or false"),
    ),
    "discriminator": (_discriminator, "an object whose `propertyName` is a string"),
}
_MEMBER_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_MEMBER_MAPS = ("properties", "patternProperties")


def malformed_keywords(schema: dict[str, Any], pointer: str) -> Iterator[tuple[str, str]]:
    """The keywords of one schema that the models leave out, and its members that they read as
    `{}`, with what is wrong with each."""
    for key, value in schema.items():  # a schema has a few keys; the table has many
        known = _KEYWORD_KINDS.get(key)
        if known is not None and not known[0](value):
            yield (
                f"{pointer}/{key}",
                f"`{key}` left out of the model: it must be {known[1]}, not {_quoted(value)}",
            )
    for key in _MEMBER_LISTS:
        members = schema.get(key)
        for index, member in enumerate(members if isinstance(members, list) else ()):
            if not _schema(member):
                yield (
                    f"{pointer}/{key}/{index}",
                    f"item {index} of `{key}` read as any value: it must be a schema, not"
                    f" {_quoted(member)}",
                )
    for key in _MEMBER_MAPS:
        members = schema.get(key)
        for name, member in members.items() if isinstance(members, dict) else ():
            if not _schema(member):
                yield (
                    pointer + join_pointer(key, name),
                    f"`{key}` member {name!r} read as any value: it must be a schema, not"
                    f" {_quoted(member)}",
                )


def _quoted(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _model_schemas(spec: Spec, roots: Iterable[str]) -> Iterator[tuple[dict[str, Any], str]]:
    """Every schema at or under the roots, through `$ref`s, once each (by where it lives)."""
    roots = list(roots)
    stack = [(value_at(spec, root), root) for root in reversed(roots)]
    seen = {spec.unspliced(root) for root in roots}
    walked = set()  # a schema both referred to and nested in a model (`definitions`) is one
    while stack:
        node, at = stack.pop()
        if not isinstance(node, dict) or at in walked:
            continue
        walked.add(at)
        children: list[tuple[Any, str]] = []
        if isinstance(node.get("$ref"), str):  # one step: a chain is walked once, link by link
            try:
                target_at = spec.unspliced(pointer_of_ref(node["$ref"], spec, at + "/$ref"))
                target = value_at(spec, target_at)
            except SpecError:
                target, target_at = None, at
            if target_at not in seen:
                seen.add(target_at)
                children.append((target, target_at))
        yield node, at
        for key in walk.SUBSCHEMA_KEYWORDS:
            if isinstance(node.get(key), dict):
                children.append((node[key], f"{at}/{key}"))
        for key in walk.SUBSCHEMA_MAP_KEYWORDS:
            members = node.get(key)
            for name, member in members.items() if isinstance(members, dict) else ():
                children.append((member, at + join_pointer(key, name)))
        for key in walk.SUBSCHEMA_LIST_KEYWORDS:
            members = node.get(key)
            for index, member in enumerate(members if isinstance(members, list) else ()):
                children.append((member, f"{at}/{key}/{index}"))
        stack.extend(reversed(children))  # in document order


@cache
def _pattern_problem(pattern: str) -> str | None:
    """Why no engine the models may use can check `pattern`, in a few words; None when one can."""
    try:
        engine_for(pattern)
    except PatternError as error:
        return str(error)[:160]
    return None
