"""`$ref` resolution inside one spec document, without recursion and without surprises.

Only local references (`#/...`) are followed here. A reference to another file or a URL is
refused with its location: bundling external files is the loader's job, and remote documents
are never fetched.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.errors import SpecError
from generator.load import JsonValue, Spec
from generator.pointer import MISSING, resolve
from generator.walk import references

CYCLE = "$ref cycle"


def pointer_of_ref(ref: object, spec: Spec, where: str) -> str:
    """The JSON pointer a local `$ref` names, or a located SpecError."""
    if not isinstance(ref, str):
        raise SpecError("$ref must be a string", spec.locate(where))
    if not ref.startswith("#"):
        kind = "a remote" if "://" in ref else "an external"
        raise SpecError(
            f"{kind} $ref {ref!r} is not followed; only '#/...' references are", spec.locate(where)
        )
    if ref != "#" and not ref.startswith("#/"):
        raise SpecError(
            f"malformed $ref {ref!r}: a JSON pointer starts with '#/'", spec.locate(where)
        )
    return ref[1:]


def value_at(spec: Spec, pointer: str, *, referenced_from: str | None = None) -> JsonValue:
    node = resolve(spec.document, pointer)
    if node is MISSING:
        where = referenced_from if referenced_from is not None else pointer
        raise SpecError(f"$ref target #{pointer} does not exist", spec.locate(where))
    return node


def deref(spec: Spec, value: JsonValue, pointer: str) -> tuple[Any, str]:
    """Follow `$ref`s from `value` (found at `pointer`) to a value that is not one.

    Returns the value and the pointer it lives at; a cycle is an error. Iterative: a chain of
    any length costs no stack.
    """
    seen: set[str] = set()
    while isinstance(value, dict) and "$ref" in value:
        where = pointer + "/$ref"
        target = pointer_of_ref(value["$ref"], spec, where)
        if target in seen:
            raise SpecError(f"$ref cycle through #{target}", spec.locate(where))
        seen.add(target)
        value, pointer = value_at(spec, target, referenced_from=where), target
    return value, pointer


def reference_problems(spec: Spec) -> Iterator[tuple[str, str]]:
    """(pointer, message) for every `$ref` that cannot be followed, and every pure `$ref` cycle
    (whose message starts with CYCLE).

    A schema that contains itself through a property (a tree node) is fine; a `$ref` whose
    target is, through `$ref`s alone, itself again describes nothing.
    """
    yield from spec.unbundled
    verdicts: dict[str, str | None] = {}  # target pointer -> problem found following it, if any
    for ref, at in references(spec.document):
        where = at + "/$ref"
        if not ref.startswith("#"):
            continue  # not bundled: already reported through `unbundled`
        if ref != "#" and not ref.startswith("#/"):
            yield where, f"malformed $ref {ref!r}: a JSON pointer starts with '#/'"
            continue
        problem = _follow(spec, ref[1:], verdicts)
        if problem:
            yield where, problem


def _follow(spec: Spec, target: str, verdicts: dict[str, str | None]) -> str | None:
    chain: list[str] = []
    while True:
        if target in verdicts:
            problem = verdicts[target]
            break
        if target in chain:
            problem = f"{CYCLE}: {' -> '.join('#' + p for p in chain[chain.index(target) :])} -> #{target}"
            break
        chain.append(target)
        try:
            value = value_at(spec, target)
        except SpecError:
            problem = f"$ref target #{target} does not exist"
            break
        ref = value.get("$ref") if isinstance(value, dict) else None
        if not isinstance(ref, str) or not ref.startswith("#/"):
            problem = None
            break
        target = ref[1:]
    for visited in chain:
        verdicts[visited] = problem
    return problem


def check_references(spec: Spec) -> None:
    """Raise on the first reference that cannot be followed: generation would be impossible."""
    for pointer, message in reference_problems(spec):
        raise SpecError(message, spec.locate(pointer))


def tag_values(spec: Spec, variant: Any, pointer: str, tag: str, depth: int = 0) -> list[object]:
    """The values a discriminator's tag property can take in a variant (its `enum` or `const`,
    through `allOf`), in the order the spec writes them, each once: what tolerate checks for a tag
    two variants share, and what models completes a discriminator's mapping with (in this order,
    so that the models document, and the cache key made of it, is the same on every run)."""
    try:
        resolved, at = deref(spec, variant, pointer)
    except SpecError:
        return []
    if not isinstance(resolved, dict) or depth > 8:
        return []
    values: dict[object, None] = {}
    properties = resolved.get("properties")
    if isinstance(properties, dict) and tag in properties:
        try:
            property_schema, _ = deref(spec, properties[tag], f"{at}/properties/{tag}")
        except SpecError:
            property_schema = {}
        if isinstance(property_schema, dict):
            if "const" in property_schema:
                values[property_schema["const"]] = None
            values.update(
                (v, None)
                for v in property_schema.get("enum", [])
                if isinstance(v, str | int | bool)
            )
    for index, part in enumerate(
        resolved.get("allOf", []) if isinstance(resolved.get("allOf"), list) else []
    ):
        values.update(dict.fromkeys(tag_values(spec, part, f"{at}/allOf/{index}", tag, depth + 1)))
    return list(values)
