"""JSON Schema errors (jsonschema-rs) said the way a person fixes them.

A validator says "... is not valid under any of the schemas listed in the 'anyOf' keyword" and
"true is not of type 'number'". Said here: which key is missing or unexpected, which keyword has
the wrong type and what it should be. For `anyOf`/`oneOf`, the alternatives that obviously do not
apply (a `$ref` object for something that has no `$ref`, a branch whose `const`/`enum` on a
discriminating key such as `in` or `type` does not hold) are set aside, and the errors of the
closest remaining one are described instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from jsonschema_rs import ValidationError, ValidationErrorKind

Described = tuple[tuple[str | int, ...], str]  # (instance path, message)

_MAX_VALUE = 60  # characters of a value quoted in a message


def describe(error: ValidationError, instance: Any, whole: str = "the document") -> list[Described]:
    """One or more (path, message) pairs for one error of validating `instance`; `whole` is
    what the instance is called when the error is about all of it ("the example")."""
    messages = list(_describe(error, 0, instance))
    return [(path, message.replace(_WHOLE, whole)) for path, message in messages]


_WHOLE = "\0whole\0"  # stands for the instance's name until `describe` knows it


def _tokens(path: tuple[str | int, ...], instance: Any) -> tuple[str | int, ...]:
    """The path with member names as strings (`"200"`) and only list indices as numbers."""
    tokens: list[str | int] = []
    node = instance
    for token in path:
        if isinstance(node, list) and isinstance(token, int):
            tokens.append(token)
            node = node[token] if token < len(node) else None
        else:
            tokens.append(str(token))
            node = node.get(str(token)) if isinstance(node, dict) else None
    return tuple(tokens)


def _describe(error: ValidationError, depth: int, root: Any) -> Iterator[Described]:
    kind = error.kind
    path = _tokens(tuple(error.instance_path), root)
    if isinstance(kind, ValidationErrorKind.AnyOf | ValidationErrorKind.OneOfNotValid):
        yield from _alternatives(error, kind.context, depth, root)
    elif isinstance(kind, ValidationErrorKind.Required):
        yield path, f"missing key {_key(kind.property)}{_at(path)}"
    elif isinstance(
        kind, ValidationErrorKind.AdditionalProperties | ValidationErrorKind.UnevaluatedProperties
    ):
        for key in kind.unexpected:
            yield (*path, key), f"unexpected key {_key(key)}{_at(path)}"
    elif isinstance(kind, ValidationErrorKind.Type):
        yield path, f"{_subject(path)} must be {_types(kind.types)}, not {_value(error.instance)}"
    elif isinstance(kind, ValidationErrorKind.Enum):
        options = ", ".join(_value(option) for option in kind.options)
        yield path, f"{_subject(path)} must be one of {options}; it is {_value(error.instance)}"
    elif isinstance(kind, ValidationErrorKind.Constant):
        yield (
            path,
            f"{_subject(path)} must be {_value(kind.expected_value)}, not {_value(error.instance)}",
        )
    elif isinstance(kind, ValidationErrorKind.OneOfMultipleValid):
        yield path, f"{_subject(path)} matches more than one of the alternatives `oneOf` allows"
    else:
        yield path, f"{_subject(path)}: {_short(error.message)}"


def _alternatives(
    error: ValidationError, branches: Sequence[Sequence[ValidationError]], depth: int, root: Any
) -> Iterator[Described]:
    path = _tokens(tuple(error.instance_path), root)
    candidates = [list(branch) for branch in branches if not _wants_a_ref(branch)]
    applicable = [branch for branch in candidates if not _for_another_kind(branch, error)]
    if not applicable and candidates:
        merged = _merged_choices(candidates, root)
        if merged is not None:
            yield merged
            return
    candidates = applicable or candidates
    if not candidates or depth > 8:
        yield path, f"{_subject(path)} matches none of the alternatives allowed here"
        return
    raw_path = tuple(error.instance_path)
    missing = _only_missing_keys(candidates, raw_path)
    if missing is not None and len(candidates) > 1:
        yield path, f"missing one of the keys {', '.join(map(_key, missing))}{_at(path)}"
        return
    types = _only_wrong_types(candidates, raw_path)
    if types is not None and len(candidates) > 1:
        yield path, f"{_subject(path)} must be {_types(types)}, not {_value(error.instance)}"
        return
    best = min(candidates, key=_distance)
    for inner in best:
        yield from _describe(inner, depth + 1, root)


def _wants_a_ref(branch: Sequence[ValidationError]) -> bool:
    """The Reference Object alternative, for something that has no `$ref`."""
    return any(
        isinstance(inner.kind, ValidationErrorKind.Required) and inner.kind.property == "$ref"
        for inner in branch
    )


def _for_another_kind(branch: Sequence[ValidationError], parent: ValidationError) -> bool:
    """A branch whose discriminating key (`in`, `type`, ...) has another fixed value, or that is
    for another JSON type altogether."""
    base = len(parent.instance_path)
    for inner in branch:
        kind = inner.kind
        relative = tuple(inner.instance_path)[base:]
        if (
            isinstance(kind, ValidationErrorKind.Constant | ValidationErrorKind.Enum)
            and len(relative) == 1
        ):
            return True  # e.g. `in: query` against the branch for `in: path`
        if isinstance(kind, ValidationErrorKind.Type) and not relative:
            return True
    return False


def _merged_choices(candidates: list[list[ValidationError]], root: Any) -> Described | None:
    """`in: body` against one branch per location: one message listing every allowed value."""
    options: list[Any] = []
    place: tuple[str | int, ...] | None = None
    value: Any = None
    for branch in candidates:
        for inner in branch:
            kind = inner.kind
            if isinstance(kind, ValidationErrorKind.Enum):
                options.extend(kind.options)
            elif isinstance(kind, ValidationErrorKind.Constant):
                options.append(kind.expected_value)
            else:
                continue
            if place is not None and tuple(inner.instance_path) != place:
                return None
            place, value = tuple(inner.instance_path), inner.instance
    if place is None:
        return None
    place = _tokens(place, root)
    choices = ", ".join(dict.fromkeys(_value(option) for option in options))
    return place, f"{_subject(place)} must be one of {choices}; it is {_value(value)}"


def _only_missing_keys(
    candidates: list[list[ValidationError]], path: tuple[str | int, ...]
) -> list[str] | None:
    keys: list[str] = []
    for branch in candidates:
        if len(branch) != 1 or not isinstance(branch[0].kind, ValidationErrorKind.Required):
            return None
        if tuple(branch[0].instance_path) != path:
            return None
        keys.append(branch[0].kind.property)
    return list(dict.fromkeys(keys))


def _only_wrong_types(
    candidates: list[list[ValidationError]], path: tuple[str | int, ...]
) -> list[str] | None:
    types: list[str] = []
    for branch in candidates:
        if len(branch) != 1 or not isinstance(branch[0].kind, ValidationErrorKind.Type):
            return None
        if tuple(branch[0].instance_path) != path:
            return None
        types.extend(branch[0].kind.types)
    return list(dict.fromkeys(types))


def _distance(branch: list[ValidationError]) -> tuple[int, int]:
    """How far a branch is from matching: fewer errors, and deeper ones, are closer."""
    return len(branch), -max((len(e.instance_path) for e in branch), default=0)


def _subject(path: tuple[str | int, ...]) -> str:
    if not path:
        return _WHOLE
    last = path[-1]
    if isinstance(last, int):
        return f"item {last} of {_key(str(path[-2]))}" if len(path) > 1 else f"item {last}"
    return _key(last)


def _at(path: tuple[str | int, ...]) -> str:
    return f" in {_subject(path)}" if path else " at the top level"


def _key(name: object) -> str:
    return f"`{name}`"


def _types(types: Sequence[str]) -> str:
    article = {"object": "an object", "array": "an array", "integer": "an integer"}
    names = [
        article.get(kind, f"a {kind}" if kind not in ("null", "boolean") else kind)
        for kind in types
    ]
    return " or ".join(names)


def _value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    if len(text) > _MAX_VALUE:
        kinds: dict[type, str] = {dict: "an object", list: "an array", str: "a string"}
        kind = kinds.get(type(value), "a value")
        return f"{kind} ({text[: _MAX_VALUE - 10]}...)"
    return text


def _short(message: str) -> str:
    message = " ".join(message.split())
    return message if len(message) <= 200 else message[:197] + "..."
