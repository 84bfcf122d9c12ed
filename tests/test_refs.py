"""`$ref` resolution on its own: following chains, refusing what cannot be followed, cycles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.errors import SpecError
from generator.load import Spec, load_spec
from generator.refs import (
    CYCLE,
    check_references,
    deref,
    reference_problems,
    tag_values,
    value_at,
)


def spec_of(tmp_path: Path, schemas: dict[str, Any]) -> Spec:
    path = tmp_path / "api.json"
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    path.write_text(json.dumps({**document, "components": {"schemas": schemas}}))
    return load_spec(path)


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def test_deref_follows_a_chain_to_the_value_and_its_pointer(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, {"A": ref("B"), "B": ref("C"), "C": {"type": "string"}})
    assert deref(spec, ref("A"), "/x") == ({"type": "string"}, "/components/schemas/C")


def test_a_long_chain_costs_no_stack(tmp_path: Path) -> None:
    schemas: dict[str, Any] = {f"S{i}": ref(f"S{i + 1}") for i in range(5000)}
    schemas["S5000"] = {"type": "integer"}
    spec = spec_of(tmp_path, schemas)
    assert deref(spec, ref("S0"), "/x")[0] == {"type": "integer"}
    assert list(reference_problems(spec)) == []


def test_a_pure_cycle_is_a_problem_and_a_recursive_schema_is_not(tmp_path: Path) -> None:
    tree = {"type": "object", "properties": {"children": {"type": "array", "items": ref("Tree")}}}
    spec = spec_of(tmp_path, {"A": ref("B"), "B": ref("A"), "Tree": tree})
    problems = list(reference_problems(spec))
    assert problems and all(message.startswith(CYCLE) for _, message in problems)
    assert all("Tree" not in pointer for pointer, _ in problems)
    with pytest.raises(SpecError, match=r"\$ref cycle"):
        deref(spec, ref("A"), "/x")


def test_a_dangling_ref_is_refused_where_it_is_written(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, {"A": {"type": "object", "properties": {"b": ref("Nope")}}})
    with pytest.raises(SpecError) as raised:
        check_references(spec)
    assert "#/components/schemas/Nope does not exist" in str(raised.value)
    assert raised.value.location is not None and raised.value.location.line is not None


def test_value_at_reads_lists_and_escaped_tokens(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, {"a/b": {"enum": ["x", "y"]}})
    assert value_at(spec, "/components/schemas/a~1b/enum/1") == "y"
    with pytest.raises(SpecError, match="does not exist"):
        value_at(spec, "/components/schemas/a~1b/enum/7")


def test_a_variants_tag_values_come_from_its_enum_const_and_all_of_parts(tmp_path: Path) -> None:
    tagged = {"type": "object", "properties": {"type": {"enum": ["eq", "ne"]}}}
    spec = spec_of(
        tmp_path,
        {
            "Compare": tagged,
            "Fixed": {"allOf": [ref("Base"), {"properties": {"type": {"const": "and"}}}]},
            "Base": {"type": "object", "properties": {"type": ref("Kind")}},
            "Kind": {"enum": ["or"]},
        },
    )
    assert tag_values(spec, ref("Compare"), "/x", "type") == ["eq", "ne"]
    assert tag_values(spec, ref("Fixed"), "/x", "type") == ["or", "and"]  # Base's part first
    assert tag_values(spec, {"$ref": "#/nowhere"}, "/x", "type") == []
