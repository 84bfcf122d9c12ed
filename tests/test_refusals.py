"""What stops `generate` is a lint error at the same place: the faults `refusals` finds, one by
one, and every bad spec of tests/specs/bad/ refused by generate and flagged by lint alike."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.config import Target
from generator.errors import Location, SpecError
from generator.lint import Severity, lint_files
from generator.lint.config import LintConfig
from generator.load import load_spec
from generator.pipeline import generate
from generator.refusals import refusals
from tests.conftest import SPECS

OK = {"200": {"description": "ok"}}


def refused(tmp_path: Path, document: dict[str, Any]) -> list[tuple[str, str, str]]:
    path = tmp_path / "spec.json"
    path.write_text(
        json.dumps({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, **document})
    )
    return list(refusals(load_spec(path)))


def test_a_broken_ref_and_a_pure_cycle(tmp_path: Path) -> None:
    schemas = {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}
    found = refused(
        tmp_path, {"paths": {}, "components": {"schemas": {**schemas, "C": {"$ref": "#/nowhere"}}}}
    )
    assert [(rule, pointer) for rule, pointer, _ in found] == [
        ("ref-cycle", "/components/schemas/A/$ref"),
        ("ref-cycle", "/components/schemas/B/$ref"),
        ("ref-resolves", "/components/schemas/C/$ref"),
    ]


def test_one_operation_id_twice(tmp_path: Path) -> None:
    paths = {
        "/a": {"get": {"operationId": "x", "responses": OK}},
        "/b": {"get": {"operationId": "x", "responses": OK}},
    }
    assert [(r, p) for r, p, _ in refused(tmp_path, {"paths": paths})] == [
        ("operation-id-unique", "/paths/~1b/get/operationId")
    ]


def test_one_operation_reached_by_two_paths_is_one_operation(tmp_path: Path) -> None:
    """`/b`'s GET is a `$ref` to `/a`'s: not two operations with one id, one operation twice."""
    paths = {
        "/a": {"get": {"operationId": "x", "responses": OK}},
        "/b": {"get": {"$ref": "#/paths/~1a/get"}},
    }
    assert refused(tmp_path, {"paths": paths}) == []


def test_equivalent_paths_that_share_a_method_lose_an_operation(tmp_path: Path) -> None:
    paths = {
        "/p/{a}": {"get": {"operationId": "one", "responses": OK}},
        "/p/{b}": {"get": {"operationId": "two", "responses": OK}, "post": {"responses": OK}},
        "/q/{a}": {"get": {"operationId": "three", "responses": OK}},
        "/q/{b}": {"post": {"operationId": "four", "responses": OK}},  # no method shared: routable
    }
    found = refused(tmp_path, {"paths": paths})
    assert [(rule, pointer) for rule, pointer, _ in found] == [
        ("path-equivalent", "/paths/~1p~1{b}")
    ]
    assert "/p/{b} is the same path as /p/{a}" in found[0][2] and "both declare GET" in found[0][2]


def test_an_all_of_cycle_once_at_its_first_schema(tmp_path: Path) -> None:
    schemas = {
        "Tree": {
            "type": "object",
            "properties": {
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}}
            },
        },
        "A": {"allOf": [{"$ref": "#/components/schemas/B"}]},
        "B": {"allOf": [{"$ref": "#/components/schemas/C"}, {"type": "object"}]},
        "C": {"allOf": [{"$ref": "#/components/schemas/A"}]},
        "Self": {"allOf": [{"$ref": "#/components/schemas/Self"}]},
    }
    found = refused(tmp_path, {"paths": {}, "components": {"schemas": schemas}})
    assert [(rule, pointer) for rule, pointer, _ in found] == [
        ("schema-all-of-cycle", "/components/schemas/A/allOf"),
        ("schema-all-of-cycle", "/components/schemas/Self/allOf"),
    ]
    assert found[0][2].startswith(
        "allOf cycle: #/components/schemas/A -> #/components/schemas/B -> #/components/schemas/C"
        " -> #/components/schemas/A"
    )


def _bad_specs() -> list[Path]:
    bad = SPECS / "bad"
    return sorted(path / "openapi.yaml" if path.is_dir() else path for path in bad.iterdir())


@pytest.mark.parametrize(
    "spec",
    _bad_specs(),
    ids=lambda path: path.parent.name if path.name == "openapi.yaml" else path.name,
)
def test_lint_flags_what_generate_refuses_at_the_same_place(tmp_path: Path, spec: Path) -> None:
    with pytest.raises(SpecError) as caught:
        generate(Target(spec=spec, out=tmp_path, package="pkg"))
    refusal = caught.value.location
    assert refusal is not None
    run = lint_files([spec], LintConfig())
    places = {_place(f.location) for f in run.findings if f.severity == Severity.ERROR}
    assert _place(refusal) in places, (str(caught.value), [str(f) for f in run.findings])


def _place(location: Location) -> tuple[str, int | None, int | None]:
    return str(Path(location.file).resolve()), location.line, location.column
