"""Rules about operations: ids, parameters, security and responses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from generator import walk
from generator.errors import SpecError
from generator.lint.registry import Problem, Severity, rule
from generator.load import Spec
from generator.naming import snake_case
from generator.pointer import join_pointer
from generator.refs import deref

_TEMPLATE = re.compile(r"\{([^{}]*)\}")


@rule(
    "operation-id",
    Severity.WARN,
    "every operation has an operationId (it names the generated method)",
)
def operation_id_present(spec: Spec) -> Iterator[Problem]:
    for at in walk.operations(spec.document):
        if not isinstance(at.operation.get("operationId"), str) or not at.operation["operationId"]:
            yield (
                at.pointer,
                f"{at.method.upper()} {at.path} has no operationId; its method name will be derived from the path",
            )


@rule(
    "operation-id-unique",
    Severity.ERROR,
    "operationIds are unique, also once turned into Python names",
)
def operation_ids_unique(spec: Spec) -> Iterator[Problem]:
    first_by_id: dict[str, str] = {}
    first_by_name: dict[str, tuple[str, str]] = {}
    for at in walk.operations(spec.document):
        operation_id = at.operation.get("operationId")
        if not isinstance(operation_id, str) or not operation_id:
            continue
        where = at.pointer + "/operationId"
        if operation_id in first_by_id:
            yield (
                where,
                f"operationId {operation_id!r} is also used at {spec.locate(first_by_id[operation_id])}",
            )
            continue
        first_by_id[operation_id] = where
        name = snake_case(operation_id)
        if name in first_by_name:
            other_id, other_where = first_by_name[name]
            yield (
                where,
                f"operationId {operation_id!r} and {other_id!r} ({spec.locate(other_where)}) both become the method {name}()",
            )
        else:
            first_by_name[name] = (operation_id, where)


@rule(
    "path-params",
    Severity.ERROR,
    "every {parameter} in a path is declared, and every declared path parameter is used",
)
def path_parameters(spec: Spec) -> Iterator[Problem]:
    for at in walk.operations(spec.document):
        in_template = _TEMPLATE.findall(at.path)
        declared = {name: where for name, where in _parameters(spec, at, "path")}
        for name in dict.fromkeys(in_template):
            if name not in declared:
                yield at.pointer, f"path parameter {{{name}}} of {at.path} is not declared"
            elif in_template.count(name) > 1:
                yield join_pointer("paths", at.path), f"{{{name}}} appears twice in {at.path}"
        for name, where in declared.items():
            if name not in in_template:
                yield where, f"path parameter {name!r} is declared but {at.path} has no {{{name}}}"


@rule(
    "parameters-unique",
    Severity.ERROR,
    "no operation declares the same parameter (name and location) twice",
)
def parameters_unique(spec: Spec) -> Iterator[Problem]:
    for at in walk.operations(spec.document):
        for owner, pointer in (
            (at.path_item, join_pointer("paths", at.path)),
            (at.operation, at.pointer),
        ):
            if owner is at.path_item and at.method != _first_method(at.path_item):
                continue  # path-level parameters: reported once per path, not per operation
            seen: set[tuple[str, str]] = set()
            for index, parameter in enumerate(_list(owner.get("parameters"))):
                resolved = _deref(spec, parameter, f"{pointer}/parameters/{index}")
                if not isinstance(resolved, dict):
                    continue
                key = (str(resolved.get("name")), str(resolved.get("in")))
                if key in seen:
                    yield (
                        f"{pointer}/parameters/{index}",
                        f"parameter {key[0]!r} in {key[1]} is declared twice",
                    )
                seen.add(key)


@rule(
    "security-defined",
    Severity.ERROR,
    "security requirements name schemes defined in components.securitySchemes",
)
def security_defined(spec: Spec) -> Iterator[Problem]:
    components = spec.document.get("components")
    schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    defined = set(schemes) if isinstance(schemes, dict) else set()
    places = [(spec.document.get("security"), "/security")]
    places += [
        (at.operation.get("security"), at.pointer + "/security")
        for at in walk.operations(spec.document)
    ]
    for requirements, pointer in places:
        for index, requirement in enumerate(_list(requirements)):
            for name in requirement if isinstance(requirement, dict) else ():
                if name not in defined:
                    yield (
                        f"{pointer}/{index}",
                        f"security scheme {name!r} is not defined in components.securitySchemes",
                    )


@rule(
    "success-response", Severity.WARN, "every operation declares at least one 2xx or 3xx response"
)
def success_response(spec: Spec) -> Iterator[Problem]:
    for at in walk.operations(spec.document):
        responses = at.operation.get("responses")
        codes = [str(code) for code in responses] if isinstance(responses, dict) else []
        if not any(code[:1] in ("2", "3") for code in codes):
            yield (
                at.pointer + "/responses",
                f"{at.method.upper()} {at.path} declares no success (2xx/3xx) response",
            )


def _parameters(spec: Spec, at: walk.OperationAt, location: str) -> Iterator[tuple[str, str]]:
    """(name, pointer) of the operation's parameters in `location`, path-level ones included."""
    item_pointer = join_pointer("paths", at.path)
    for owner, pointer in ((at.path_item, item_pointer), (at.operation, at.pointer)):
        for index, parameter in enumerate(_list(owner.get("parameters"))):
            where = f"{pointer}/parameters/{index}"
            resolved = _deref(spec, parameter, where)
            if (
                isinstance(resolved, dict)
                and resolved.get("in") == location
                and isinstance(resolved.get("name"), str)
            ):
                yield resolved["name"], where


def _first_method(item: dict[str, Any]) -> str | None:
    return next(
        (method for method in walk.HTTP_METHODS if isinstance(item.get(method), dict)), None
    )


def _deref(spec: Spec, value: Any, pointer: str) -> Any:
    try:
        return deref(spec, value, pointer)[0]
    except SpecError:
        return None  # ref-resolves reports it


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
