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
  not import with it. Look-arounds and back-references are kept (see `patterns`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

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
    dropped_defaults: frozenset[str]  # pointers of `default`s (and `pattern`s) the models leave out


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
        if not isinstance(discriminator, dict) or not isinstance(variants, list):
            continue
        tag = discriminator.get("propertyName")
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


def unreadable_patterns(spec: Spec, models: Iterable[str]) -> Tolerated:
    """The `pattern`s of the schemas the models are made of (`models`: their pointers; every
    schema they refer to counts too) that pydantic's regex engine cannot compile."""
    warnings, dropped = [], set()
    for schema, pointer in _model_schemas(spec, models):
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            problem = _pattern_problem(pattern)
            if problem is not None:
                dropped.add(pointer + "/pattern")
                warnings.append(
                    f"{spec.locate(pointer + '/pattern')}: pattern left out of the model: {problem}"
                )
    return Tolerated(tuple(warnings), frozenset(dropped))


def _model_schemas(spec: Spec, roots: Iterable[str]) -> Iterator[tuple[dict[str, Any], str]]:
    """Every schema at or under the roots, through `$ref`s, once each (by where it lives)."""
    roots = list(roots)
    stack = [(value_at(spec, root), root) for root in reversed(roots)]
    seen = {spec.unspliced(root) for root in roots}
    while stack:
        node, at = stack.pop()
        if not isinstance(node, dict):
            continue
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
