"""Wire changes, one small spec pair per class: the rule, and what it does to clients and
servers. Each case lists every wire change the pair has, so that a spurious one fails too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.diff import BREAKING, RULES, DiffOptions, Level, diff_specs, open_side
from tests.conftest import SPEC, SPECS
from tests.diff.pairs import (
    BASE,
    B,
    Mutation,
    S,
    W,
    both,
    diff_of,
    drop,
    put,
    rename_key,
    spec_with,
    summary,
    write,
)

WIRE = DiffOptions(scopes=("wire",))
P, PID = "/pets", "/pets/{petId}"
PET = ("components", "schemas", "Pet")
NEW_PET = ("components", "schemas", "NewPet")
LIMIT = ("paths", P, "get", "parameters", 0)
SECURITY = ("paths", PID, "get", "security")
OK_200 = ("paths", P, "get", "responses", "200")


def _new_operation(spec: dict[str, Any]) -> None:
    spec["paths"]["/owners"] = {
        "get": {"operationId": "listOwners", "responses": {"200": {"description": "ok"}}}
    }


def _moved_post(spec: dict[str, Any]) -> None:
    spec["paths"]["/animals"] = {"post": spec["paths"][P].pop("post")}


CASES: list[tuple[str, Mutation, list[tuple[str, str, str]]]] = [
    # operations and paths
    ("operation removed", drop("paths", P, "post"), [("operation-removed", B, S)]),
    (
        "deprecated operation removed",
        drop("paths", PID, "delete"),
        [("operation-removed", W, S)],
    ),
    (
        "path removed",
        drop("paths", PID),
        [("operation-removed", B, S), ("operation-removed", W, S)],
    ),
    ("operation added", _new_operation, [("operation-added", S, S)]),
    ("operation moved", _moved_post, [("operation-moved", B, B)]),
    (
        "operation deprecated",
        put("paths", P, "get", "deprecated", value=True),
        [("operation-deprecated", S, S)],
    ),
    # parameters
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
        [("parameter-added-required", B, S)],
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
        [("parameter-added", S, S)],
    ),
    ("parameter removed", drop(*LIMIT), [("parameter-removed", W, S)]),
    ("parameter moved", put(*LIMIT, "in", value="header"), [("parameter-moved", B, B)]),
    ("parameter renamed", put(*LIMIT, "name", value="max"), [("parameter-renamed", B, S)]),
    (
        "parameter retyped",
        put(*LIMIT, "schema", value={"type": "string"}),
        [("parameter-constraint-relaxed", S, W), ("parameter-type-changed", B, B)],
    ),
    (
        "parameter made required",
        put(*LIMIT, "required", value=True),
        [("parameter-became-required", B, S)],
    ),
    (
        "parameter maximum lowered",
        put(*LIMIT, "schema", "maximum", value=50),
        [("parameter-constraint-tightened", B, S)],
    ),
    (
        "parameter enum value removed",
        both(put(*LIMIT, "schema", value={"type": "string", "enum": ["a"]})),
        [
            ("parameter-constraint-relaxed", S, W),
            ("parameter-enum-added", B, S),
            ("parameter-type-changed", B, B),
        ],
    ),
    (
        "parameter serialisation changed",
        put(*LIMIT, "explode", value=False),
        [("parameter-serialisation-changed", B, B)],
    ),
    (
        "path parameter renamed",
        both(
            rename_key("paths", PID, to="/pets/{id}"),
            put("paths", "/pets/{id}", "parameters", 0, "name", value="id"),
        ),
        [("path-parameter-renamed", S, S)] * 2,  # once for each operation of the path
    ),
    # request bodies
    (
        "request property made required",
        put(*NEW_PET, "required", value=["name", "age"]),
        [("request-property-became-required", B, S)],
    ),
    (
        "required request property added",
        both(
            put(*NEW_PET, "properties", "owner", value={"type": "string"}),
            put(*NEW_PET, "required", value=["name", "owner"]),
        ),
        [("request-required-property-added", B, S)],
    ),
    (
        "optional request property added",
        put(*NEW_PET, "properties", "owner", value={"type": "string"}),
        [("request-property-added", S, S)],
    ),
    (
        "request property removed",
        drop(*NEW_PET, "properties", "age"),
        [("request-property-removed", W, S)],
    ),
    (
        "request property removed from a closed object",
        both(
            drop(*NEW_PET, "properties", "age"), put(*NEW_PET, "additionalProperties", value=False)
        ),
        [("request-additional-properties-restricted", B, S), ("request-property-removed", B, S)],
    ),
    (
        "request nullable removed",
        put(*NEW_PET, "properties", "tag", "type", value="string"),
        [("request-nullable-removed", B, S)],
    ),
    (
        "request enum value removed",
        put(*NEW_PET, "properties", "status", "enum", value=["available"]),
        [("request-enum-value-removed", B, S)],
    ),
    (
        "request enum value added",
        put(*NEW_PET, "properties", "status", "enum", value=["available", "sold", "lost"]),
        [("request-enum-value-added", S, W)],
    ),
    (
        "request maxLength lowered",
        put(*NEW_PET, "properties", "name", "maxLength", value=20),
        [("request-constraint-tightened", B, S)],
    ),
    (
        "request pattern added",
        put(*NEW_PET, "properties", "name", "pattern", value="^[a-z]+$"),
        [("request-constraint-tightened", B, S)],
    ),
    (
        "request type narrowed",
        put(*NEW_PET, "properties", "age", "type", value="string"),
        [("request-type-changed", B, B)],
    ),
    (
        "request type widened",
        put(*NEW_PET, "properties", "age", "type", value="number"),
        [("request-type-widened", S, B)],
    ),
    (
        "request body made optional",
        put("paths", P, "post", "requestBody", "required", value=False),
        [("request-body-became-optional", S, B)],
    ),
    (
        "request media type removed",
        rename_key(
            "paths", P, "post", "requestBody", "content", "application/json", to="application/xml"
        ),
        [("request-media-type-added", S, S), ("request-media-type-removed", B, S)],
    ),
    (
        "required request body added",
        put(
            "paths",
            PID,
            "delete",
            "requestBody",
            value={
                "required": True,
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
        ),
        [("request-body-added-required", B, S)],
    ),
    # responses
    (
        "required response property removed",
        drop(*PET, "properties", "name"),
        [("response-property-removed", B, S)],
    ),
    (
        "optional response property removed",
        drop(*PET, "properties", "tag"),
        [("response-property-removed", W, S)],
    ),
    (
        "deprecated response property removed",
        drop(*PET, "properties", "nick"),
        [("response-property-removed", W, S)],
    ),
    (
        "response property made optional",
        put(*PET, "required", value=["id", "nick"]),
        [("response-property-became-optional", B, S)],
    ),
    (
        "response property made required",
        put(*PET, "required", value=["id", "name", "nick", "tag"]),
        [("response-property-became-required", S, B)],
    ),
    (
        "response enum value added",
        put(*PET, "properties", "status", "enum", value=["available", "sold", "lost"]),
        [("response-enum-value-added", W, S)],
    ),
    (
        "response enum value removed",
        put(*PET, "properties", "status", "enum", value=["available"]),
        [("response-enum-value-removed", S, B)],
    ),
    (
        "response nullable added",
        put(*PET, "properties", "name", "type", value=["string", "null"]),
        [("response-nullable-added", B, S)],
    ),
    (
        "response type widened",
        put(*PET, "properties", "id", "type", value="number"),
        [("response-type-widened", B, S)],
    ),
    (
        "response union widened",
        put(*PET, "properties", "id", value={"oneOf": [{"type": "integer"}, {"type": "string"}]}),
        [("response-option-added", B, S)],
    ),
    (
        "response maxLength raised",  # of Pet, which holds itself (`children`): compared once
        put(*PET, "properties", "name", "maxLength", value=80),
        [("response-constraint-relaxed", W, S)],
    ),
    (
        "response media type removed",
        rename_key(
            "paths",
            P,
            "post",
            "responses",
            "201",
            "content",
            "application/json",
            to="application/xml",
        ),
        [("response-media-type-added", S, S), ("response-media-type-removed", B, S)],
    ),
    (
        "success status removed",
        rename_key("paths", P, "post", "responses", "201", to="200"),
        [("response-status-added", S, S), ("response-status-removed", B, S)],
    ),
    ("error status removed", drop(*OK_200[:-1], "404"), [("response-status-removed", W, S)]),
    (
        "a status code becomes its range",
        rename_key(*OK_200[:-1], "404", to="4XX"),
        [],
    ),
    (
        "required header removed",
        drop(*OK_200, "headers", "X-Rate"),
        [("response-header-removed", B, S)],
    ),
    (
        "header retyped",
        put(*OK_200, "headers", "X-Rate", "schema", "type", value="string"),
        [("response-header-type-changed", B, B)],
    ),
    # security
    (
        "security added",
        put("paths", P, "get", "security", value=[{"key": []}]),
        [("security-added", B, S)],
    ),
    ("security removed", put(*SECURITY, value=[]), [("security-removed", S, W)]),
    (
        "security alternative replaced",
        put(*SECURITY, value=[{"key": [], "oauth": ["read"]}]),
        [
            ("security-requirement-added", S, W),
            ("security-requirement-removed", B, S),
            ("security-requirement-removed", B, S),
        ],
    ),
    (
        "security scopes added",
        put(*SECURITY, 1, value={"oauth": ["read", "write"]}),
        [("security-scopes-added", B, S)],
    ),
    (
        "security scheme changed",
        put("components", "securitySchemes", "key", "in", value="query"),
        [("security-scheme-changed", B, B)],
    ),
    # $ref targets
    (
        "$ref target renamed, schema the same",
        both(
            rename_key(*PET, to="Animal"),
            put(
                *OK_200,
                "content",
                "application/json",
                "schema",
                "items",
                "$ref",
                value="#/components/schemas/Animal",
            ),
            put(
                "paths",
                P,
                "post",
                "responses",
                "201",
                "content",
                "application/json",
                "schema",
                "$ref",
                value="#/components/schemas/Animal",
            ),
            put(
                "paths",
                PID,
                "get",
                "responses",
                "200",
                "content",
                "application/json",
                "schema",
                "$ref",
                value="#/components/schemas/Animal",
            ),
            put(
                "components",
                "schemas",
                "Animal",
                "properties",
                "children",
                "items",
                "$ref",
                value="#/components/schemas/Animal",
            ),
        ),
        [],
    ),
    (
        "$ref target changed to another schema",
        put(
            "paths",
            PID,
            "get",
            "responses",
            "200",
            "content",
            "application/json",
            "schema",
            "$ref",
            value="#/components/schemas/NewPet",
        ),
        [
            ("response-nullable-added", B, S),  # tag
            ("response-property-added", S, S),  # age
            ("response-property-removed", B, S),  # id
            ("response-property-removed", W, S),  # children
            ("response-property-removed", W, S),  # nick (required, deprecated)
        ],
    ),
    # spellings that mean the same
    (
        "nullable written as a union",
        put(*NEW_PET, "properties", "tag", value={"anyOf": [{"type": "string"}, {"type": "null"}]}),
        [],
    ),
    (
        "properties moved into allOf parts",
        both(
            put(
                "components",
                "schemas",
                "Named",
                value={
                    "type": "object",
                    "properties": {"name": {"type": "string", "maxLength": 50}},
                },
            ),
            put(
                *NEW_PET,
                value={
                    "allOf": [
                        {"$ref": "#/components/schemas/Named"},
                        {
                            "type": "object",
                            "required": ["name"],
                            "properties": {
                                k: v
                                for k, v in BASE["components"]["schemas"]["NewPet"][
                                    "properties"
                                ].items()
                                if k != "name"
                            },
                        },
                    ]
                },
            ),
        ),
        [],
    ),
]


@pytest.mark.parametrize(("new", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_class_of_change_is_found_and_judged(
    tmp_path: Path, new: Mutation, expected: list[tuple[str, str, str]]
) -> None:
    diff = diff_of(tmp_path, new, options=WIRE)
    assert summary(diff.changes) == sorted(expected)
    for change in diff.changes:
        assert change.rule in RULES
        assert change.new is not None and change.new.line is not None, change
        assert change.message and "\n" not in change.message


def test_a_change_has_both_places(tmp_path: Path) -> None:
    (change,) = diff_of(tmp_path, drop(*PET, "properties", "name"), options=WIRE).changes
    assert change.old is not None and change.new is not None
    assert change.old.file.endswith("old.yaml") and change.new.file.endswith("new.yaml")
    assert change.old.pointer == "/components/schemas/Pet/properties/name"
    assert change.new.pointer == "/components/schemas/Pet/properties"  # where it would be
    old_lines = (tmp_path / "old.yaml").read_text().splitlines()
    assert old_lines[change.old.line - 1].strip().startswith("name:")  # type: ignore[operator]
    assert "property 'Pet.name' removed" in change.message


def test_deprecated_removal_can_be_made_breaking(tmp_path: Path) -> None:
    options = DiffOptions(scopes=("wire",), deprecated_removal=BREAKING)
    diff = diff_of(tmp_path, drop(*PET, "properties", "nick"), options=options)
    assert summary(diff.changes) == [("response-property-removed", B, S)]
    diff = diff_of(tmp_path, drop("paths", PID, "delete"), options=options)
    assert summary(diff.changes) == [("operation-removed", B, S)]


def test_a_shared_schema_is_reported_once(tmp_path: Path) -> None:
    """Pet is returned by three operations; its change is one change."""
    diff = diff_of(tmp_path, drop(*PET, "properties", "name"), options=WIRE)
    assert len(diff.changes) == 1


def test_a_spec_compared_with_itself_has_no_changes(tmp_path: Path) -> None:
    for spec in (SPEC, SPECS / "real" / "darkroom.json", SPECS / "good" / "external_ref.yaml"):
        diff = diff_specs(open_side(str(spec)), open_side(str(spec)))
        assert diff.changes == (), spec


def test_deep_specs_compare_without_recursion(tmp_path: Path) -> None:
    for name in ("deep_ref_chain.yaml", "deep_nesting_chain.yaml", "recursive.yaml"):
        spec = SPECS / "good" / name
        assert diff_specs(open_side(str(spec)), open_side(str(spec))).changes == ()


def test_a_change_at_the_end_of_a_long_ref_chain_is_found(tmp_path: Path) -> None:
    text = (SPECS / "good" / "deep_ref_chain.yaml").read_text()
    last = text.rstrip().splitlines()[-1]
    changed = tmp_path / "chain.yaml"
    changed.write_text(
        text.rstrip() + "\n" + " " * (len(last) - len(last.lstrip())) + "maxLength: 3\n"
    )
    diff = diff_specs(
        open_side(str(SPECS / "good" / "deep_ref_chain.yaml")), open_side(str(changed)), WIRE
    )
    assert [c.rule for c in diff.changes] == ["response-constraint-tightened"], last


def test_the_comparison_reads_each_schema_once_per_direction(tmp_path: Path) -> None:
    """Linear: a spec whose schemas each refer to the next two costs as many comparisons as it
    has schemas, not as many as it has paths through them."""
    schemas = {
        f"S{i}": {
            "type": "object",
            "properties": {
                "a": {"$ref": f"#/components/schemas/S{i + 1}"},
                "b": {"$ref": f"#/components/schemas/S{i + 1}"},
            },
        }
        for i in range(60)
    }
    schemas["S60"] = {"type": "string"}
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/S0"}}
                            },
                        }
                    }
                }
            }
        },
        "components": {"schemas": schemas},
    }
    old = write(tmp_path / "old.yaml", spec)
    spec["components"]["schemas"]["S60"] = {"type": "integer"}
    new = write(tmp_path / "new.yaml", spec)
    diff = diff_specs(open_side(str(old)), open_side(str(new)), WIRE)
    assert [c.rule for c in diff.changes] == ["response-type-changed"]  # 2**60 paths, one change


def test_rule_ids_are_unique_and_summarised() -> None:
    from generator.diff.package import PACKAGE_RULES
    from generator.diff.spec import WIRE_RULES, schema_rules

    ids = [*WIRE_RULES, *(rule for rule, _ in schema_rules()), *PACKAGE_RULES]
    assert len(ids) == len(set(ids)) == len(RULES)
    assert all(RULES[rule] for rule in ids)


def test_unchanged_base_is_valid_json_roundtrip() -> None:
    assert json.loads(json.dumps(spec_with())) == BASE


def test_levels_order() -> None:
    assert Level.SAFE < Level.WARNING < Level.BREAKING
    assert Level.parse("warning") is Level.WARNING
