"""Rules about path templates: their parameters, equivalent and ambiguous paths, their shape."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from generator.lint.context import HTTP_METHODS, LintContext, PathItemAt
from generator.lint.registry import Problem, Severity, rule
from generator.walk import equivalent_paths

_TEMPLATE = re.compile(r"\{([^{}]*)\}")


@rule(
    "path-params",
    Severity.ERROR,
    "every {parameter} in a path is declared, and every declared path parameter is used",
    peers=("spectral:path-params", "redocly:path-parameters-defined"),
)
def path_parameters(context: LintContext) -> Iterator[Problem]:
    """A `{name}` in the path that no parameter declares cannot be filled in by a client; a
    declared path parameter that the path does not hold cannot be sent. Path-level parameters
    count for every operation of the path; a name may appear once in a path."""
    for at in _paths(context):
        item, item_pointer = context.resolve(at.item, at.pointer)
        if not isinstance(item, dict):
            continue
        in_template = _TEMPLATE.findall(at.key)
        for name in dict.fromkeys(in_template):
            if in_template.count(name) > 1:
                yield at.pointer, f"{{{name}}} appears twice in {at.key}"
        shared = dict(_path_parameters(context, item.get("parameters"), item_pointer))
        for name, where in shared.items():
            if name not in in_template:
                yield where, f"path parameter `{name}` is declared but {at.key} has no {{{name}}}"
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            pointer = f"{item_pointer}/{method}"
            own = dict(_path_parameters(context, operation.get("parameters"), pointer))
            for name in dict.fromkeys(in_template):
                if name and name not in own and name not in shared:
                    yield (
                        pointer,
                        f"path parameter {{{name}}} of {method.upper()} {at.key} is not declared",
                    )
            for name, where in own.items():
                if name not in in_template:
                    yield (
                        where,
                        f"path parameter `{name}` is declared but {at.key} has no {{{name}}}",
                    )


@rule(
    "path-equivalent",
    Severity.ERROR,
    "no two paths are the same up to their parameters' names",
    peers=("spectral:path-params", "redocly:no-identical-paths"),
)
def no_equivalent_paths(context: LintContext) -> Iterator[Problem]:
    """`/pets/{id}` and `/pets/{name}` match the same URLs: a server cannot route them apart,
    and a generated client or server that keys operations by path and method loses one of two
    operations that share a method."""
    for pair in equivalent_paths(context.document, lambda item, at: context.resolve(item, at)[0]):
        yield pair.second_pointer, pair.message(context.where(pair.first_pointer))


@rule(
    "path-ambiguous",
    Severity.WARN,
    "no two paths match the same URL with neither more specific (`/{a}/b`, `/a/{b}`)",
    peers=("redocly:no-ambiguous-paths",),
)
def no_ambiguous_paths(context: LintContext) -> Iterator[Problem]:
    """`/{org}/settings` and `/acme/{page}` both match `/acme/settings`, and neither is more
    specific: which operation runs depends on the server's router. `/users/me` beside
    `/users/{id}` is fine (the literal path is more specific; every router prefers it), as
    Redocly also counts it."""
    seen: dict[int, list[tuple[str, list[str | None], str]]] = {}
    for at in _paths(context):
        shape = [None if _TEMPLATE.fullmatch(part) else part for part in at.key.split("/")]
        for other, other_shape, other_pointer in seen.get(len(shape), []):
            if _ambiguous(shape, other_shape):
                yield (
                    at.pointer,
                    f"{at.key} and {other} ({context.where(other_pointer)}) can match the same URL",
                )
                break
        seen.setdefault(len(shape), []).append((at.key, shape, at.pointer))


def _ambiguous(one: list[str | None], other: list[str | None]) -> bool:
    """No literal differs from another, and each path has a literal where the other has a
    parameter (so neither is more specific)."""
    mine_literal = theirs_literal = False
    for mine, theirs in zip(one, other, strict=True):
        if mine is not None and theirs is not None and mine != theirs:
            return False
        mine_literal |= mine is not None and theirs is None
        theirs_literal |= mine is None and theirs is not None
    return mine_literal and theirs_literal


@rule(
    "path-declaration",
    Severity.ERROR,
    "no empty `{}` in a path",
    peers=("spectral:path-declarations-must-exist", "redocly:path-declaration-must-exist"),
)
def no_empty_parameters(context: LintContext) -> Iterator[Problem]:
    """`/users/{}` names no parameter: nothing can fill it in."""
    for at in _paths(context):
        if "{}" in at.key:
            yield at.pointer, f"{at.key} has an empty parameter `{{}}`"


@rule(
    "path-trailing-slash",
    Severity.WARN,
    "paths do not end with `/`",
    peers=("spectral:path-keys-no-trailing-slash", "redocly:no-path-trailing-slash"),
)
def no_trailing_slash(context: LintContext) -> Iterator[Problem]:
    """`/users/` and `/users` are different paths to most servers; a trailing slash is usually
    an accident. Legal, hence a warning."""
    for at in _paths(context):
        if at.key.endswith("/") and at.key != "/":
            yield at.pointer, f"{at.key} ends with `/`"


@rule(
    "path-query",
    Severity.ERROR,
    "paths hold no query string",
    peers=("spectral:path-not-include-query", "redocly:path-not-include-query"),
)
def no_query_in_path(context: LintContext) -> Iterator[Problem]:
    """A `?` in a path key is sent as `%3F` by clients that encode the path; query parameters
    are parameters with `in: query`."""
    for at in _paths(context):
        if "?" in at.key:
            yield (
                at.pointer,
                f"{at.key} holds a query string; declare `in: query` parameters instead",
            )


@rule(
    "path-param-required",
    Severity.ERROR,
    "path parameters say `required: true`",
)
def path_parameters_required(context: LintContext) -> Iterator[Problem]:
    """OpenAPI requires `required: true` on every `in: path` parameter: a path cannot be built
    without it. (The meta-schema says so too; this names the parameter.)"""
    for parameter, pointer in context.parameters:
        if parameter.get("in") == "path" and parameter.get("required") is not True:
            name = parameter.get("name")
            yield pointer, f"path parameter `{name}` must have `required: true`"


def _paths(context: LintContext) -> Iterator[PathItemAt]:
    return (at for at in context.path_items if at.kind == "path" and not at.key.startswith("x-"))


def _path_parameters(
    context: LintContext, parameters: Any, pointer: str
) -> Iterator[tuple[str, str]]:
    """(name, pointer) of the path parameters in a `parameters` list."""
    for index, parameter in enumerate(parameters if isinstance(parameters, list) else ()):
        where = f"{pointer}/parameters/{index}"
        resolved, _ = context.resolve(parameter, where)
        if (
            isinstance(resolved, dict)
            and resolved.get("in") == "path"
            and isinstance(resolved.get("name"), str)
        ):
            yield resolved["name"], where
