"""Changes of the generated package, from the IRs of two specs: what regenerating does to code
that calls the client (clients) and to the handler a team implements (servers)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.diff import RULES, DiffOptions
from generator.diff.package import covers, renamed
from generator.ir import ANY, FLOAT, INT, NONE, STR, ListOf, LiteralOf, ModelRef, union
from tests.diff.pairs import B, Mutation, S, W, both, diff_of, drop, put, rename_key, summary
from tests.diff.test_spec import LIMIT, NEW_PET, OK_200, PET, PID, P

PACKAGE = DiffOptions(scopes=("package",))


def _renamed_pet(spec: dict[str, Any]) -> None:
    """`Pet` renamed `Animal` everywhere; nothing else changes."""
    text = json.dumps(spec).replace('"#/components/schemas/Pet"', '"#/components/schemas/Animal"')
    spec.update(json.loads(text))
    rename_key("components", "schemas", "Pet", to="Animal")(spec)


def _owner_schema(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["Owner"] = {
        "type": "object",
        "properties": {"id": {"type": "integer"}},
    }


CASES: list[tuple[str, Mutation, list[tuple[str, str, str]]]] = [
    (
        # Methods are named by their resource (the path) and verb, not by the operationId.
        "operationId renamed keeps its methods",
        put("paths", P, "get", "operationId", value="listAnimals"),
        [],
    ),
    ("operation removed", drop("paths", P, "post"), [("client-method-removed", B, S)]),
    (
        "deprecated operation removed",
        drop("paths", PID, "delete"),
        [("client-method-removed", W, S)],
    ),
    (
        "operation added",
        put(
            "paths",
            "/owners",
            value={
                "get": {"operationId": "listOwners", "responses": {"200": {"description": "ok"}}}
            },
        ),
        [("handler-method-added", S, B)],
    ),
    (
        "operation moved to another resource",
        both(
            put("paths", "/animals", value={}),
            lambda s: s["paths"]["/animals"].update(post=s["paths"][P].pop("post")),
        ),
        [("client-method-renamed", B, S), ("handler-method-renamed", S, B)],
    ),
    (
        "required parameter added",
        put(
            "paths",
            P,
            "get",
            "parameters",
            1,
            value={"name": "owner", "in": "query", "required": True, "schema": {"type": "string"}},
        ),
        [("argument-added", B, B)],
    ),
    (
        "optional parameter added",
        put(
            "paths",
            P,
            "get",
            "parameters",
            1,
            value={"name": "owner", "in": "query", "schema": {"type": "string"}},
        ),
        [("argument-added", S, B)],
    ),
    ("parameter removed", drop(*LIMIT), [("argument-removed", B, B)]),
    ("parameter renamed", put(*LIMIT, "name", value="max"), [("argument-renamed", B, B)]),
    ("parameter renamed on the wire only", put(*LIMIT, "name", value="Limit"), []),
    (
        "parameter made required",
        put(*LIMIT, "required", value=True),
        [("argument-became-required", B, S)],
    ),
    (
        "parameter retyped",
        put(*LIMIT, "schema", value={"type": "string"}),
        [("argument-type-changed", B, B)],
    ),
    (
        "path parameter renamed",
        both(
            rename_key("paths", PID, to="/pets/{id}"),
            put("paths", "/pets/{id}", "parameters", 0, "name", value="id"),
        ),
        [("argument-renamed", B, B)] * 2,
    ),
    (
        "return type changed",
        put(
            *OK_200,
            "content",
            "application/json",
            "schema",
            value={"type": "array", "items": {"type": "string"}},
        ),
        [("return-type-changed", B, B)],
    ),
    (
        "return type narrowed",
        put(
            "paths",
            PID,
            "delete",
            "responses",
            "200",
            value={"description": "ok", "content": {"text/plain": {"schema": {"type": "string"}}}},
        ),
        [("return-type-changed", B, B)],
    ),
    ("schema renamed", _renamed_pet, [("model-renamed", B, B)]),
    ("field removed", drop(*PET, "properties", "tag"), [("field-removed", B, B)]),
    ("deprecated field removed", drop(*PET, "properties", "nick"), [("field-removed", W, W)]),
    (
        "field renamed",
        rename_key(*NEW_PET, "properties", "age", to="years"),
        [("field-renamed", B, B)],
    ),
    ("model added", _owner_schema, [("model-added", S, S)]),
    (
        "body made optional",
        put("paths", P, "post", "requestBody", "required", value=False),
        [("body-type-changed", S, B)],
    ),
]


@pytest.mark.parametrize(("new", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_change_of_the_package_is_found_and_judged(
    tmp_path: Path, new: Mutation, expected: list[tuple[str, str, str]]
) -> None:
    diff = diff_of(tmp_path, new, options=PACKAGE)
    assert summary(diff.changes) == sorted(expected)
    for change in diff.changes:
        assert change.scope == "package" and change.rule in RULES
        assert change.shown_at.line is not None


def test_a_removed_model_is_reported_and_a_deprecated_one_is_a_warning(tmp_path: Path) -> None:
    def unused(deprecated: bool) -> Mutation:
        return put(
            "components",
            "schemas",
            "Unused",
            value={
                "type": "object",
                "deprecated": deprecated,
                "properties": {"a": {"type": "string"}},
            },
        )

    for deprecated, level in ((False, B), (True, W)):
        diff = diff_of(
            tmp_path,
            drop("components", "schemas", "Unused"),
            old=unused(deprecated),
            options=PACKAGE,
        )
        assert summary(diff.changes) == [("model-removed", level, level)]


def test_a_renamed_schema_is_no_wire_change_but_renames_the_class(tmp_path: Path) -> None:
    diff = diff_of(tmp_path, _renamed_pet)
    assert [(c.scope, c.rule) for c in diff.changes] == [("package", "model-renamed")]
    assert "models.Pet renamed models.Animal" in diff.changes[0].message


def test_a_parameter_made_optional_breaks_handlers(tmp_path: Path) -> None:
    required = put(*LIMIT, "required", value=True)
    diff = diff_of(tmp_path, drop(*LIMIT, "required"), old=required, options=PACKAGE)
    assert summary(diff.changes) == [("argument-became-optional", S, B)]


def test_messages_show_python_types(tmp_path: Path) -> None:
    diff = diff_of(tmp_path, put(*LIMIT, "schema", value={"type": "string"}), options=PACKAGE)
    assert "pets.list: parameter limit: int -> str" in diff.changes[0].message


def test_covers_is_by_value() -> None:
    assert covers(union(INT, NONE), INT) and not covers(INT, union(INT, NONE))
    assert covers(FLOAT, INT) and not covers(INT, FLOAT)
    assert covers(STR, LiteralOf(("a", "b"))) and not covers(INT, LiteralOf(("a",)))
    assert covers(LiteralOf(("a", "b")), LiteralOf(("a",)))
    assert covers(ListOf(union(INT, NONE)), ListOf(INT))
    assert covers(ANY, ListOf(STR)) and not covers(ModelRef("A"), ModelRef("B"))


def test_renamed_models_are_renamed_inside_types() -> None:
    assert renamed(union(ListOf(ModelRef("Pet")), NONE), {"Pet": "Animal"}) == union(
        ListOf(ModelRef("Animal")), NONE
    )
