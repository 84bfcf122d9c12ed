"""What makes a faithful package impossible: the faults `generate` refuses, and lint reports.

Each is `(rule, pointer, message)`: `generate` stops at the first with one located line, and lint
reports every one as an error of that rule at the same place, from these same functions, so that
a spec lint passes never stops `generate` (tests/test_refusals.py holds the two to it):

- a `$ref` that cannot be followed, or that leads through `$ref`s alone back to itself;
- two operations with one operationId (they would be one method);
- two paths equal up to their parameters' names that declare the same method (one URL, two
  operations: the server could answer only one);
- schemas that are each other's `allOf` members (a class cannot be its own base class).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from generator.errors import SpecError
from generator.load import Spec
from generator.pointer import join_pointer
from generator.refs import CYCLE, deref, reference_problems, value_at
from generator.walk import HTTP_METHODS, equivalent_paths, items

Refusal = tuple[str, str, str]  # (lint rule, pointer, message)


def refusals(spec: Spec) -> Iterator[Refusal]:
    """Every fault that stops `generate`, in the order it looks for them."""
    for pointer, message in reference_problems(spec):
        yield ("ref-cycle" if message.startswith(CYCLE) else "ref-resolves"), pointer, message
    yield from duplicate_operation_ids(spec)
    yield from lost_operations(spec)
    yield from all_of_cycles(spec)


def generated_operations(spec: Spec) -> Iterator[tuple[str, str, dict[str, Any], str]]:
    """(path, method, operation, pointer) of the operations under `paths` (path items that are
    `$ref`s followed), as `generate` makes methods of them."""
    for path, item in items(spec.document.get("paths")):
        if path.startswith("x-"):
            continue
        item, item_pointer = _followed(spec, item, join_pointer("paths", path))
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict):
                yield path, method, operation, f"{item_pointer}/{method}"


def duplicate_operation_ids(spec: Spec) -> Iterator[Refusal]:
    """The second of two operations with one operationId (one operation reached by two paths,
    a `$ref` to another path's, is one operation: its second method is named apart)."""
    first: dict[str, tuple[str, int]] = {}
    for _, _, operation, pointer in generated_operations(spec):
        operation_id = operation.get("operationId")
        if not isinstance(operation_id, str):
            continue
        where = pointer + "/operationId"
        if operation_id not in first:
            first[operation_id] = (where, id(operation))
        elif first[operation_id][1] != id(operation):
            message = f"operationId {operation_id!r} is also used at {spec.locate(first[operation_id][0])}"
            yield "operation-id-unique", where, message


def lost_operations(spec: Spec) -> Iterator[Refusal]:
    """Paths equal up to parameter names that both declare a method: one of two operations
    would be lost (`/p/{a}` and `/p/{b}`, both GET, match the same URLs)."""
    for pair in equivalent_paths(spec.document, lambda item, at: _followed(spec, item, at)[0]):
        if pair.methods:
            yield (
                "path-equivalent",
                pair.second_pointer,
                pair.message(str(spec.locate(pair.first_pointer))),
            )


def all_of_cycles(spec: Spec) -> Iterator[Refusal]:
    """A schema that is, through `allOf` members (and `$ref`s), a member of itself: its class
    would be its own base. Recursion through properties or items is fine (a tree's nodes).
    Each cycle is reported once, at the `allOf` of its first schema in document order."""
    order: dict[str, int] = {}
    for schema, pointer in spec.schema_objects:
        if isinstance(schema.get("allOf"), list) and pointer not in order:
            order[pointer] = len(order)
    memo: dict[str, list[str]] = {}

    def members_of(pointer: str) -> list[str]:
        """Where the `allOf` members of the schema at `pointer` live."""
        if pointer not in memo:
            schema = _value(spec, pointer)
            members = schema.get("allOf") if isinstance(schema, dict) else None
            memo[pointer] = [
                _followed(spec, member, f"{pointer}/allOf/{index}")[1]
                for index, member in enumerate(members if isinstance(members, list) else ())
            ]
        return memo[pointer]

    for cycle in _cycles(list(order), members_of):
        first = min(cycle, key=lambda pointer: order.get(pointer, len(order)))
        ring = cycle[cycle.index(first) :] + cycle[: cycle.index(first)]
        shown = " -> ".join("#" + member for member in [*ring, first])
        message = f"allOf cycle: {shown} (a schema cannot extend itself)"
        yield "schema-all-of-cycle", first + "/allOf", message


def _cycles(roots: list[str], edges: Callable[[str], list[str]]) -> Iterator[list[str]]:
    """The strongly connected components of the graph that hold a cycle (Tarjan's algorithm,
    without recursion), each in the order the walk met them."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    for root in roots:
        if root in index:
            continue
        work = [(root, iter(edges(root)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges(child))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                component.reverse()
                if len(component) > 1 or node in edges(node):
                    yield component


def _followed(spec: Spec, value: Any, pointer: str) -> tuple[Any, str]:
    """`deref`, where a broken or cyclic `$ref` (reported on its own) stops the walk."""
    try:
        return deref(spec, value, pointer)
    except SpecError:
        return None, pointer


def _value(spec: Spec, pointer: str) -> Any:
    try:
        return value_at(spec, pointer)
    except SpecError:
        return None
