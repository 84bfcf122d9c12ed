"""A small spec to change, and the diff of it against a changed copy, for the diff tests.

`Pet` is only ever returned and `NewPet` only ever sent, so that each change has one direction.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from generator.diff import Change, Diff, DiffOptions, Level, diff_specs, open_side

Spec = dict[str, Any]
Mutation = Callable[[Spec], None]

BASE: Spec = yaml.safe_load(
    """
openapi: 3.1.0
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, schema: {type: integer, maximum: 100}}
      responses:
        "200":
          description: ok
          headers:
            X-Rate: {required: true, schema: {type: integer}}
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
        "404": {description: missing}
    post:
      operationId: createPet
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NewPet"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
  /pets/{petId}:
    parameters:
      - {name: petId, in: path, required: true, schema: {type: string}}
    get:
      operationId: getPet
      security: [{key: []}, {oauth: [read]}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
    delete:
      operationId: deletePet
      deprecated: true
      responses:
        "204": {description: gone}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
    oauth:
      type: oauth2
      flows:
        clientCredentials: {tokenUrl: "https://example.invalid/token", scopes: {read: r, write: w}}
  schemas:
    Pet:
      type: object
      required: [id, name, nick]
      properties:
        id: {type: integer}
        name: {type: string, maxLength: 50}
        status: {type: string, enum: [available, sold]}
        tag: {type: string}
        nick: {type: string, deprecated: true}
        children: {type: array, items: {$ref: "#/components/schemas/Pet"}}
    NewPet:
      type: object
      required: [name]
      properties:
        name: {type: string, maxLength: 50}
        status: {type: string, enum: [available, sold]}
        tag: {type: [string, "null"]}
        age: {type: integer}
"""
)


def spec_with(*mutations: Mutation) -> Spec:
    changed = copy.deepcopy(BASE)
    for mutate in mutations:
        mutate(changed)
    return changed


def write(path: Path, spec: Spec) -> Path:
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def diff_of(
    tmp_path: Path,
    new: Mutation,
    old: Mutation | None = None,
    options: DiffOptions | None = None,
) -> Diff:
    """The diff of BASE (changed by `old`) against BASE changed by `new` (and by `old`)."""
    before = spec_with(old) if old else spec_with()
    after = spec_with(*(m for m in (old, new) if m))
    old_file = write(tmp_path / "old.yaml", before)
    new_file = write(tmp_path / "new.yaml", after)
    return diff_specs(open_side(str(old_file)), open_side(str(new_file)), options)


def summary(changes: tuple[Change, ...]) -> list[tuple[str, str, str]]:
    """(rule, clients level, servers level) of each change, sorted."""
    return sorted((c.rule, str(c.clients), str(c.servers)) for c in changes)


B, W, S = str(Level.BREAKING), str(Level.WARNING), str(Level.SAFE)


def schema(spec: Spec, name: str) -> dict[str, Any]:
    found: dict[str, Any] = spec["components"]["schemas"][name]
    return found


def operation(spec: Spec, path: str, method: str) -> dict[str, Any]:
    found: dict[str, Any] = spec["paths"][path][method]
    return found


def put(*path: str | int, value: Any) -> Mutation:
    """A mutation that sets the value at `path` (creating mappings on the way; an index one
    past a list's end appends)."""

    def mutate(spec: Spec) -> None:
        node: Any = spec
        for key in path[:-1]:
            node = node.setdefault(key, {}) if isinstance(node, dict) else node[key]
        last = path[-1]
        if isinstance(node, list) and last == len(node):
            node.append(copy.deepcopy(value))
        else:
            node[last] = copy.deepcopy(value)

    return mutate


def drop(*path: str | int) -> Mutation:
    """A mutation that deletes what is at `path`."""

    def mutate(spec: Spec) -> None:
        node: Any = spec
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(spec: Spec) -> None:
        for each in mutations:
            each(spec)

    return mutate


def rename_key(*path: str, to: str) -> Mutation:
    """A mutation that renames the last key of `path`, keeping its place among its siblings."""

    def mutate(spec: Spec) -> None:
        node: Any = spec
        for key in path[:-1]:
            node = node[key]
        items = list(node.items())
        node.clear()
        node.update((to if key == path[-1] else key, value) for key, value in items)

    return mutate
