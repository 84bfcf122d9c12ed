"""`$ref` resolution inside one spec document, without recursion and without surprises.

Only local references (`#/...`) are followed here. A reference to another file or a URL is
refused with its location: bundling external files is the loader's job, and remote documents
are never fetched.
"""

from __future__ import annotations

from typing import Any

from generator.errors import SpecError
from generator.load import JsonValue, Spec, split_pointer

MAX_REF_CHAIN = 64  # a `$ref` to a `$ref` to ...: longer than this is a mistake, not a design


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
    node: JsonValue = spec.document
    for token in split_pointer(pointer):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            where = referenced_from if referenced_from is not None else pointer
            raise SpecError(f"$ref target #{pointer} does not exist", spec.locate(where))
    return node


def deref(spec: Spec, value: JsonValue, pointer: str) -> tuple[Any, str]:
    """Follow `$ref`s from `value` (found at `pointer`) to a value that is not one.

    Returns the value and the pointer it lives at; a cycle or an over-long chain is an error.
    """
    seen: set[str] = set()
    while isinstance(value, dict) and "$ref" in value:
        if len(seen) >= MAX_REF_CHAIN:
            raise SpecError(f"$ref chain longer than {MAX_REF_CHAIN}", spec.locate(pointer))
        where = pointer + "/$ref"
        target = pointer_of_ref(value["$ref"], spec, where)
        if target in seen:
            raise SpecError(f"$ref cycle through #{target}", spec.locate(where))
        seen.add(target)
        value, pointer = value_at(spec, target, referenced_from=where), target
    return value, pointer
