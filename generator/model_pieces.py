"""Stage 3a, models: a very large models document handed to datamodel-code-generator in pieces.

datamodel-code-generator holds every schema of a document, and all it makes of them, in memory
until its module is written: about 60 KB a schema, 6.4 GB for 100,000. Schemas that never refer
to one another, directly or through others, make the same classes apart as together, so such a
document is cut along its groups of connected schemas into pieces of at least PIECE_SCHEMAS
schemas, modelled two at a time, and the modules joined: imports merged, bodies in order.

Only where the classes are sure to be the same: datamodel-code-generator names the classes of
inline objects itself (`Data`, `Data1`), counting the names of the whole document, so a document
with an inline object (a nested schema with `properties`, or an `allOf` below a schema's top) is
modelled whole, as is any document of fewer than two pieces' worth of schemas. A join that finds
a name defined twice (`repeated_names`) means the pieces did not keep apart after all, and the
caller models the document whole.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from typing import Any

from generator.imports import sort_import_block
from generator.load import JsonValue
from generator.pointer import split_pointer

PIECE_SCHEMAS = 2000  # enough that datamodel-code-generator's cost per call is noise
_SCHEMA_REF = "#/components/schemas/"
_DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const"})
# A top-level line that ends a module's imports: a definition or an assignment.
_AFTER_IMPORTS = re.compile(r"^(?:class |def |async |@|[A-Za-z_][\w.]*\s*[=:(\[])", re.MULTILINE)
_DEFINED = re.compile(r"^(?:class (\w+)|(\w+)\s*(?::[^=\n]*)?=)", re.MULTILINE)


def pieces(schemas: Mapping[str, JsonValue]) -> list[list[str]]:
    """The names of `schemas` in groups to model apart, each in document order (one group: the
    whole document)."""
    if len(schemas) < 2 * PIECE_SCHEMAS or any(
        _has_inline_object(schema, top=True) for schema in schemas.values()
    ):
        return [list(schemas)]
    packed: list[list[str]] = []
    current: list[str] = []
    for group in connected_groups(schemas):
        current += group
        if len(current) >= PIECE_SCHEMAS:
            packed.append(current)
            current = []
    if current:  # the last, small one goes with the piece before it
        if packed:
            packed[-1] += current
        else:
            packed.append(current)
    order = {name: index for index, name in enumerate(schemas)}
    return [sorted(piece, key=order.__getitem__) for piece in packed]


def connected_groups(schemas: Mapping[str, JsonValue]) -> list[list[str]]:
    """The schemas in groups that refer to no schema outside their group, in the order of their
    first schemas in the document."""
    parent = {name: name for name in schemas}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for name, schema in schemas.items():
        for target in _schema_refs(schema):
            if target in parent:
                parent[root(name)] = root(target)
    groups: dict[str, list[str]] = {}
    for name in schemas:
        groups.setdefault(root(name), []).append(name)
    return list(groups.values())


def _schema_refs(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(_SCHEMA_REF):
                yield split_pointer(ref[1:])[2]
            stack.extend(item for key, item in node.items() if key not in _DATA_KEYS)
        elif isinstance(node, list):
            stack.extend(node)


def _has_inline_object(schema: Any, top: bool) -> bool:
    """Whether datamodel-code-generator would make a class of a schema inside this one (at the
    top, `allOf` members are the class itself)."""
    stack: list[tuple[Any, bool]] = [(schema, top)]
    while stack:
        node, at_top = stack.pop()
        if isinstance(node, list):  # the members of a top `allOf` are at the top too
            stack.extend((item, at_top) for item in node)
            continue
        if not isinstance(node, dict):
            continue
        if not at_top and (node.get("properties") or "allOf" in node):
            return True
        for key, item in node.items():
            if key in _DATA_KEYS:
                continue
            if key == "properties" and isinstance(item, dict):
                stack.extend((value, False) for value in item.values())
            else:
                stack.append((item, at_top and key == "allOf"))
    return False


def piece_document(document: Mapping[str, JsonValue], names: list[str]) -> dict[str, JsonValue]:
    """The models document with only the schemas `names`."""
    components = document["components"]
    assert isinstance(components, dict)
    schemas = components["schemas"]
    assert isinstance(schemas, dict)
    return {**document, "components": {"schemas": {name: schemas[name] for name in names}}}


def repeated_names(modules: list[str]) -> list[str]:
    """The top-level names that more than one of `modules` defines."""
    seen: set[str] = set()
    repeated: list[str] = []
    for module in modules:
        for match in _DEFINED.finditer(module):
            name = match[1] or match[2]
            if name in seen:
                repeated.append(name)
            seen.add(name)
    return repeated


def join(modules: list[str]) -> str:
    """Modules of pieces as one module: their imports merged, then their bodies in order."""
    heads: list[str] = []
    bodies: list[str] = []
    for module in modules:
        head, body = _split_imports(module)
        heads.append(head.strip("\n") + "\n")
        bodies.append(body.strip("\n"))
    imports = sort_import_block("".join(heads)).rstrip("\n")
    return imports + "\n\n\n" + "\n\n\n".join(body for body in bodies if body) + "\n"


def _split_imports(module: str) -> tuple[str, str]:
    """(the imports a module starts with, the rest)."""
    end = _AFTER_IMPORTS.search(module)
    if end is None:
        return module, ""
    head = module[: end.start()]
    ast.parse(head)  # a SyntaxError here is a generator bug: the imports end where they end
    return head, module[end.start() :]
